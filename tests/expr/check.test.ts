import { describe, expect, it } from "vitest";
import { checkExpr, parseExpr, type ExprType, type Scope } from "../../src/expr/index.js";
import { SCOPE } from "./helpers.js";

function check(text: string, expect?: ExprType | "numeric", scope: Scope = SCOPE) {
  return checkExpr(parseExpr(text), scope, expect);
}

function codes(text: string, expect?: ExprType | "numeric") {
  return check(text, expect).problems.map((p) => p.code);
}

describe("types of well-formed expressions", () => {
  it("types a comparison as boolean and reports nothing", () => {
    expect(check("edad >= 15 y sexo = 'M'", "boolean")).toEqual({ type: "boolean", problems: [], columns: ["edad", "sexo"] });
  });

  it("types integer arithmetic as integer and anything with a decimal as decimal", () => {
    expect(check("edad + 1").type).toBe("integer");
    expect(check("edad * 1.5").type).toBe("decimal");
    expect(check("peso - talla").type).toBe("decimal");
  });

  it("types division as decimal even between integers", () => {
    expect(check("edad / 2").type).toBe("decimal");
  });

  it("compares integers with decimals without complaint", () => {
    expect(check("edad > peso", "boolean").problems).toEqual([]);
  });

  it("types the date functions", () => {
    expect(check("dias(ingreso, egreso)").type).toBe("integer");
    expect(check("anios(nacimiento, ingreso)").type).toBe("integer");
    expect(check("fecha('2024-03-31')").type).toBe("date");
    expect(check("fecha(anio_nac, mes_nac, dia_nac)").type).toBe("date");
    expect(check("en_periodo(egreso)").type).toBe("boolean");
  });

  it("types coalesce of codes and texts as string, and of integers and decimals as decimal", () => {
    expect(check("coalesce(sexo, afecprin)").type).toBe("string");
    expect(check("coalesce(sexo, 'NE')").type).toBe("string");
    expect(check("coalesce(edad, peso)").type).toBe("decimal");
    expect(check("max(edad, 0)").type).toBe("integer");
  });

  it("lists each column once, in order of first appearance", () => {
    expect(check("peso > 2 o edad > 1 o peso < 5 o cie(afecprin, 'O00-O99')").columns).toEqual(["peso", "edad", "afecprin"]);
  });

  it("accepts a value expression when a numeric value is expected", () => {
    expect(check("peso / (talla * talla)", "numeric").problems).toEqual([]);
  });
});

describe("MASB_EXPR_COLUMNA_DESCONOCIDA", () => {
  it("suggests the column that differs only in case", () => {
    expect(check("EDAD_DIAS < 28").problems).toEqual([{
      code: "MASB_EXPR_COLUMNA_DESCONOCIDA",
      message: "la columna `EDAD_DIAS` no existe en esta fuente",
      hint: "¿quiso decir `edad_dias`?",
      start: 0,
      end: 9,
    }]);
  });

  it("suggests the nearest column by edit distance", () => {
    expect(check("edda > 15").problems[0].hint).toBe("¿quiso decir `edad`?");
    expect(check("nacimeinto es nulo").problems[0].hint).toBe("¿quiso decir `nacimiento`?");
  });

  it("lists the first 15 columns when nothing is near", () => {
    // SCOPE has 16 columns: 15 are shown and one is counted.
    expect(check("unidad_medica = 'x'").problems[0].hint).toBe(
      "columnas disponibles: `edad`, `edad_dias`, `peso`, `talla`, `sexo`, `afecprin`, `ingreso`, `egreso`, `nacimiento`, `motegre`, `clues`, `p`, `q`, `anio_nac`, `mes_nac` y 1 más",
    );
  });

  it("says so when a function name is written without parentheses", () => {
    const scope: Scope = { columns: [{ name: "x", type: "date" }] };
    expect(check("en_periodo", "boolean", scope).problems[0].hint).toBe("`en_periodo` es una función: escriba en_periodo(fecha)");
  });

  it("does not pile a type problem on an unknown column", () => {
    expect(codes("edda y verdadero", "boolean")).toEqual(["MASB_EXPR_COLUMNA_DESCONOCIDA"]);
    expect(codes("edda + 1", "numeric")).toEqual(["MASB_EXPR_COLUMNA_DESCONOCIDA"]);
  });
});

describe("MASB_EXPR_TIPO", () => {
  it("rejects comparing a date with a number", () => {
    expect(check("ingreso > 15").problems).toMatchObject([{ code: "MASB_EXPR_TIPO", message: "no se puede comparar una fecha con un número entero", start: 0, end: 12 }]);
  });

  it("rejects ordering a text against a number, and says to quote the code", () => {
    expect(check("afecprin < 5").problems).toMatchObject([{ code: "MASB_EXPR_TIPO", hint: "los textos y los códigos se escriben entre comillas: '5'" }]);
  });

  it("rejects comparing a code with an unquoted number", () => {
    expect(check("motegre = 5").problems).toMatchObject([{ code: "MASB_EXPR_TIPO", message: "no se puede comparar un código con un número entero" }]);
  });

  it("rejects a string literal compared with a date and points to fecha('…')", () => {
    expect(check("egreso >= '2024-01-01'").problems).toMatchObject([{
      code: "MASB_EXPR_TIPO",
      hint: "un texto no es una fecha: escriba la fecha con fecha('AAAA-MM-DD'), por ejemplo fecha('2024-01-01')",
    }]);
  });

  it("turns a dd/mm/aaaa literal into the fecha('…') to write instead", () => {
    expect(check("egreso >= '31/3/2024'").problems[0].hint).toContain("fecha('2024-03-31')");
  });

  it("rejects y and o on values that are not boolean, with no truthiness", () => {
    expect(check("edad y sexo = 'M'").problems).toMatchObject([{ code: "MASB_EXPR_TIPO", start: 0, end: 4 }]);
    expect(codes("p o q")).toEqual(["MASB_EXPR_TIPO", "MASB_EXPR_TIPO"]);
    expect(codes("no afecprin")).toEqual(["MASB_EXPR_TIPO"]);
  });

  it("rejects arithmetic on strings and dates", () => {
    expect(check("afecprin + 1").problems).toMatchObject([{ code: "MASB_EXPR_TIPO", message: "'+' opera con números y recibió un texto" }]);
    expect(check("egreso - ingreso").problems[0].hint).toContain("dias(desde, hasta)");
  });

  it("rejects a filter that does not give a boolean", () => {
    expect(check("edad + 1", "boolean").problems).toMatchObject([{
      code: "MASB_EXPR_TIPO", message: "un filtro debe dar verdadero o falso, y esta expresión da un número entero", start: 0, end: 8,
    }]);
  });

  it("rejects a value that is not numeric when a number is expected", () => {
    expect(check("edad > 1", "numeric").problems).toMatchObject([{
      code: "MASB_EXPR_TIPO", message: "se esperaba un valor numérico y esta expresión da un valor lógico (verdadero o falso)",
    }]);
  });

  it("rejects a comparison with nulo and points to es nulo", () => {
    expect(check("edad = nulo").problems).toMatchObject([{ code: "MASB_EXPR_TIPO", hint: "para saber si falta el dato escriba edad es nulo, o edad no es nulo", start: 7, end: 11 }]);
  });

  it("rejects nulo inside the list of en, which never matches", () => {
    expect(codes("sexo en ['H', nulo]")).toEqual(["MASB_EXPR_TIPO"]);
  });

  it("rejects a list anywhere but after en", () => {
    expect(codes("[1, 2] es nulo")).toEqual(["MASB_EXPR_TIPO", "MASB_EXPR_TIPO"]);
    expect(codes("edad = [1, 2]")).toEqual(["MASB_EXPR_TIPO"]);
  });

  it("rejects entre with bounds of another type", () => {
    expect(codes("ingreso entre 1 y fecha('2024-12-31')")).toEqual(["MASB_EXPR_TIPO"]);
  });

  it("rejects ordering booleans", () => {
    expect(codes("(edad > 1) < verdadero")).toEqual(["MASB_EXPR_TIPO"]);
  });
});

describe("MASB_EXPR_FUNCION_DESCONOCIDA", () => {
  it("suggests the nearest function name", () => {
    expect(check("dia(ingreso, egreso)").problems).toEqual([{
      code: "MASB_EXPR_FUNCION_DESCONOCIDA", message: "la función `dia` no existe", hint: "¿quiso decir `dias`?", start: 0, end: 20,
    }]);
  });

  it("suggests the canonical name when the nearest is another name of a function", () => {
    expect(check("anyos(nacimiento, ingreso)").problems[0].hint).toBe("¿quiso decir `anios`?");
  });

  it("lists the functions when nothing is near", () => {
    expect(check("edad_gestacional(edad)").problems[0].hint).toMatch(/^funciones disponibles: `cie`, `dias`/);
  });

  it("still checks the arguments of an unknown function", () => {
    expect(codes("edadd(edda)")).toEqual(["MASB_EXPR_COLUMNA_DESCONOCIDA", "MASB_EXPR_FUNCION_DESCONOCIDA"]);
  });
});

describe("MASB_EXPR_ARGUMENTOS", () => {
  it("rejects the wrong number of arguments", () => {
    expect(check("dias(ingreso)").problems).toEqual([{
      code: "MASB_EXPR_ARGUMENTOS", message: "`dias` espera 2 argumentos y recibió 1", hint: "se escribe dias(desde, hasta)", start: 0, end: 13,
    }]);
    expect(codes("fecha(2024, 3)")).toEqual(["MASB_EXPR_ARGUMENTOS"]);
    expect(codes("coalesce(edad)")).toEqual(["MASB_EXPR_ARGUMENTOS"]);
  });

  it("rejects an argument of the wrong type", () => {
    expect(check("anios(nacimiento, 2024)").problems).toMatchObject([{
      code: "MASB_EXPR_ARGUMENTOS", message: "el argumento 2 de `anios` debe ser una fecha y es un número entero", start: 18, end: 22,
    }]);
    expect(codes("cie(edad, 'O00-O99')")).toEqual(["MASB_EXPR_ARGUMENTOS"]);
    expect(codes("fecha(2024, 2.5, 1)")).toEqual(["MASB_EXPR_ARGUMENTOS"]);
    expect(codes("abs(sexo)")).toEqual(["MASB_EXPR_ARGUMENTOS"]);
  });

  it("rejects a date written as a text argument and points to fecha('…')", () => {
    expect(check("dias('2024-01-01', egreso)").problems[0].hint).toContain("fecha('2024-01-01')");
  });

  it("rejects a CIE-10 range that is not a literal", () => {
    expect(codes("cie(afecprin, clues)")).toEqual(["MASB_EXPR_ARGUMENTOS"]);
  });

  it("rejects fecha of one argument that is not a literal", () => {
    expect(codes("fecha(clues)")).toEqual(["MASB_EXPR_ARGUMENTOS"]);
  });

  it("rejects coalesce, min and max over different kinds of value", () => {
    expect(check("coalesce(edad, 'x')").problems).toMatchObject([{
      code: "MASB_EXPR_ARGUMENTOS", message: "los argumentos de `coalesce` deben ser del mismo tipo: el 1 es un número entero y el 2 es un texto",
    }]);
    expect(codes("min(ingreso, 5)")).toEqual(["MASB_EXPR_ARGUMENTOS"]);
  });
});

describe("MASB_EXPR_CIE10_RANGO", () => {
  it("rejects a reversed range and says how to write it", () => {
    expect(check("cie(afecprin, 'O99-O00')").problems).toEqual([{
      code: "MASB_EXPR_CIE10_RANGO",
      message: "el rango CIE-10 'O99-O00' está invertido: su inicio es mayor que su fin",
      hint: "escriba 'O00-O99'",
      start: 14,
      end: 23,
    }]);
  });

  it("rejects a code that is too short and one that is not letter-digit-digit", () => {
    expect(check("cie(afecprin, 'Q1', 'ZZ9')").problems.map((p) => [p.code, p.start])).toEqual([
      ["MASB_EXPR_CIE10_RANGO", 14],
      ["MASB_EXPR_CIE10_RANGO", 20],
    ]);
  });
});

describe("MASB_EXPR_FECHA", () => {
  it("rejects a date that does not exist", () => {
    expect(check("egreso < fecha('2023-02-29')").problems).toMatchObject([{ code: "MASB_EXPR_FECHA", start: 15, end: 27 }]);
  });

  it("rejects a date not written as AAAA-MM-DD", () => {
    expect(check("egreso < fecha('31/03/2024')").problems).toMatchObject([{
      code: "MASB_EXPR_FECHA", message: "'31/03/2024' no es una fecha en la forma 'AAAA-MM-DD'",
    }]);
  });

  it("rejects a year outside 1800 to 2200", () => {
    expect(codes("egreso < fecha('9999-12-31')")).toEqual(["MASB_EXPR_FECHA"]);
  });
});

describe("MASB_EXPR_CODIGO_DESCONOCIDO", () => {
  it("rejects a literal compared with a code column that is not among its codes, and lists them", () => {
    expect(check("sexo = 'F'").problems).toEqual([{
      code: "MASB_EXPR_CODIGO_DESCONOCIDO",
      message: "el código 'F' no está entre los códigos declarados de la columna `sexo`",
      hint: "códigos de `sexo`: 'H', 'M', 'NE'",
      start: 7,
      end: 10,
    }]);
  });

  it("checks the literal on either side of = and !=", () => {
    expect(codes("'F' != sexo")).toEqual(["MASB_EXPR_CODIGO_DESCONOCIDO"]);
  });

  it("checks each literal listed after en", () => {
    expect(check("motegre no en ['5', '7', '9']").problems.map((p) => [p.code, p.start])).toEqual([
      ["MASB_EXPR_CODIGO_DESCONOCIDO", 20],
      ["MASB_EXPR_CODIGO_DESCONOCIDO", 25],
    ]);
  });

  it("suggests the declared code that differs only in case", () => {
    expect(check("sexo = 'm'").problems[0].hint).toBe("¿quiso decir 'M'? códigos de `sexo`: 'H', 'M', 'NE'");
  });
});

describe("collecting problems", () => {
  it("reports every problem of one expression, each at its own offsets", () => {
    const text = "edda >= 15 y sexo = 'F' y cie(afecprin, 'O99-O00') y dia(ingreso, egreso) > 3 y egreso < '2024-01-01'";
    expect(check(text, "boolean").problems.map((p) => [p.code, text.slice(p.start, p.end)])).toEqual([
      ["MASB_EXPR_COLUMNA_DESCONOCIDA", "edda"],
      ["MASB_EXPR_CODIGO_DESCONOCIDO", "'F'"],
      ["MASB_EXPR_CIE10_RANGO", "'O99-O00'"],
      ["MASB_EXPR_FUNCION_DESCONOCIDA", "dia(ingreso, egreso)"],
      ["MASB_EXPR_TIPO", "egreso < '2024-01-01'"],
    ]);
  });
});
