import { describe, expect, it } from "vitest";
import {
  compileExpr, compileFilter, ExprCheckError, parseExpr, tidyDecimal, type Scope,
} from "../../src/expr/index.js";
import { evaluate, MARCH_2024, row, SCOPE, type RowValues } from "./helpers.js";

function compiled(text: string, scope: Scope = SCOPE) {
  return compileExpr(parseExpr(text), scope);
}

describe("column references", () => {
  it("reads each column from its position in the row, as the scope orders them", () => {
    const scope: Scope = { columns: [{ name: "b", type: "integer" }, { name: "a", type: "integer" }] };
    expect(compiled("a - b", scope)([10, 3], MARCH_2024)).toBe(-7);
  });

  it("gives back a column's value untouched, null included", () => {
    expect(evaluate("clues", { clues: "DFIMB000013" })).toBe("DFIMB000013");
    expect(evaluate("clues")).toBeNull();
  });
});

describe("comparisons", () => {
  it("compares numbers, integer with decimal", () => {
    expect(evaluate("peso >= 2.5", { peso: 2.5 })).toBe(true);
    expect(evaluate("edad = 15.0", { edad: 15 })).toBe(true);
    expect(evaluate("edad < peso", { edad: 2, peso: 2.5 })).toBe(true);
  });

  it("compares texts exactly, case included", () => {
    expect(evaluate("sexo = 'M'", { sexo: "M" })).toBe(true);
    expect(evaluate("afecprin = 'o800'", { afecprin: "O800" })).toBe(false);
    expect(evaluate("afecprin < 'P'", { afecprin: "O800" })).toBe(true);
  });

  it("compares dates by day", () => {
    expect(evaluate("ingreso < egreso", { ingreso: 19000, egreso: 19001 })).toBe(true);
    expect(evaluate("ingreso = egreso", { ingreso: 19000, egreso: 19000 })).toBe(true);
  });

  it("gives the same answers through the specialised and the general closures", () => {
    // col OP literal, literal OP col and col OP col have closures of their own; `+ 0` forces the general one.
    const values = [null, -1, 0, 14, 15, 16, 2.5];
    for (const op of ["=", "!=", "<", "<=", ">", ">="]) {
      for (const p of values) {
        for (const q of values) {
          const r = { p, q };
          const general = evaluate(`p + 0 ${op} q + 0`, r);
          expect(evaluate(`p ${op} q`, r), `${p} ${op} ${q}`).toBe(general);
          if (q !== null && q >= 0) {
            expect(evaluate(`p ${op} ${q}`, r), `${p} ${op} literal ${q}`).toBe(general);
          }
          if (p !== null && p >= 0) {
            expect(evaluate(`${p} ${op} q`, r), `literal ${p} ${op} ${q}`).toBe(general);
          }
        }
      }
    }
  });
});

describe("en and no en", () => {
  it("tests membership in a list of literals", () => {
    expect(evaluate("motegre en ['5', '6']", { motegre: "5" })).toBe(true);
    expect(evaluate("motegre en ['5', '6']", { motegre: "1" })).toBe(false);
    expect(evaluate("motegre no en ['5', '6']", { motegre: "1" })).toBe(true);
    expect(evaluate("motegre no en ['5', '6']", { motegre: "6" })).toBe(false);
  });

  it("gives null for a missing value, negated or not", () => {
    expect(evaluate("motegre en ['5']")).toBeNull();
    expect(evaluate("motegre no en ['5']")).toBeNull();
  });

  it("matches numbers whether written as integers or decimals", () => {
    expect(evaluate("peso en [1, 2.5]", { peso: 2.5 })).toBe(true);
    expect(evaluate("edad en [1.0, 2]", { edad: 1 })).toBe(true);
  });

  it("tests membership in a list of expressions", () => {
    expect(evaluate("edad en [p, q + 1]", { edad: 3, p: 1, q: 2 })).toBe(true);
    expect(evaluate("edad no en [p, q + 1]", { edad: 3, p: 1, q: 2 })).toBe(false);
  });

  it("gives null, as SQL, when nothing matches and a listed value is null", () => {
    // 3 IN (1, NULL) is unknown: the null might have been 3.
    expect(evaluate("edad en [p, q]", { edad: 3, p: 1, q: null })).toBeNull();
    expect(evaluate("edad no en [p, q]", { edad: 3, p: 1, q: null })).toBeNull();
    // A match decides it whatever the null.
    expect(evaluate("edad en [p, q]", { edad: 1, p: 1, q: null })).toBe(true);
  });

  it("works on an expression, not only a column", () => {
    expect(evaluate("mes(egreso) en [1, 2, 3]", { egreso: 19782 })).toBe(true);
  });
});

describe("entre", () => {
  it("includes both bounds", () => {
    expect(evaluate("edad entre 15 y 49", { edad: 15 })).toBe(true);
    expect(evaluate("edad entre 15 y 49", { edad: 49 })).toBe(true);
    expect(evaluate("edad entre 15 y 49", { edad: 14 })).toBe(false);
    expect(evaluate("edad entre 15 y 49", { edad: 50 })).toBe(false);
  });

  it("gives null for a missing value", () => {
    expect(evaluate("edad entre 15 y 49")).toBeNull();
    expect(evaluate("edad no entre 15 y 49")).toBeNull();
  });

  it("is false, not null, when the value is outside a known bound and the other is null", () => {
    // x >= lo y x <= null: false y null is false; true y null is null.
    expect(evaluate("edad entre p y q", { edad: 5, p: 10, q: null })).toBe(false);
    expect(evaluate("edad entre p y q", { edad: 5, p: 1, q: null })).toBeNull();
  });

  it("compares dates", () => {
    expect(evaluate("egreso entre fecha('2024-01-01') y fecha('2024-12-31')", { egreso: 19782 })).toBe(true);
  });
});

describe("arithmetic", () => {
  it("keeps integer arithmetic exact", () => {
    expect(evaluate("edad * 12 + p - q", { edad: 3, p: 5, q: 1 })).toBe(40);
  });

  it("gives null when an operand is null", () => {
    for (const op of ["+", "-", "*", "/"]) expect(evaluate(`edad ${op} p`, { edad: 3 })).toBeNull();
  });

  it("gives null on division by zero", () => {
    expect(evaluate("edad / p", { edad: 3, p: 0 })).toBeNull();
    expect(evaluate("peso / 0.0", { peso: 3 })).toBeNull();
  });

  it("divides exactly rather than by integer division", () => {
    expect(evaluate("edad / p", { edad: 7, p: 2 })).toBe(3.5);
  });

  it("keeps binary noise out of decimal results, so 0.1 + 0.2 equals 0.3", () => {
    // In plain doubles 0.1 + 0.2 is 0.30000000000000004; SQL DECIMAL says 0.3.
    expect(evaluate("peso + talla = 0.3", { peso: 0.1, talla: 0.2 })).toBe(true);
    expect(evaluate("peso * 3", { peso: 0.1 })).toBe(0.3);
    expect(evaluate("peso / 10", { peso: 0.3 })).toBe(0.03);
  });

  it("rounds a decimal to 15 significant digits and leaves integers alone", () => {
    expect(tidyDecimal(1 / 3)).toBe(0.333333333333333);
    expect(tidyDecimal(2 ** 53)).toBe(2 ** 53);
    expect(Object.is(tidyDecimal(-0), 0)).toBe(true);
  });

  it("computes a body-mass index from kilograms and centimetres", () => {
    // 80 / (1.75 * 1.75) = 80 / 3.0625 = 26.1224489795918… (to 15 significant digits).
    expect(evaluate("peso / (talla / 100 * (talla / 100))", { peso: 80, talla: 175 })).toBe(26.1224489795918);
  });

  it("negates with unary minus, without a negative zero", () => {
    expect(evaluate("-edad", { edad: 4 })).toBe(-4);
    expect(Object.is(evaluate("-edad", { edad: 0 }), 0)).toBe(true);
    expect(evaluate("-edad")).toBeNull();
  });
});

describe("coalesce, abs, min and max", () => {
  it("coalesce gives the first value that is not null", () => {
    expect(evaluate("coalesce(p, q, 0)", { q: 7 })).toBe(7);
    expect(evaluate("primero_no_nulo(p, q, 0)")).toBe(0);
    expect(evaluate("coalesce(p, q)")).toBeNull();
  });

  it("abs gives the absolute value, null for null", () => {
    expect(evaluate("abs(p - q)", { p: 2, q: 5 })).toBe(3);
    expect(evaluate("abs(p)")).toBeNull();
  });

  it("min and max pick among numbers, dates and texts", () => {
    expect(evaluate("min(p, q, 10)", { p: 4, q: 9 })).toBe(4);
    expect(evaluate("max(p, q)", { p: 4, q: 9 })).toBe(9);
    expect(evaluate("max(ingreso, egreso)", { ingreso: 19000, egreso: 19010 })).toBe(19010);
    expect(evaluate("min(afecprin, 'M')", { afecprin: "A34" })).toBe("A34");
  });

  it("min and max give null when any argument is null", () => {
    expect(evaluate("max(p, q)", { p: 4 })).toBeNull();
    expect(evaluate("min(p, q)", { q: 4 })).toBeNull();
  });
});

describe("constants", () => {
  it("folds an expression without columns to its value", () => {
    expect(evaluate("anios(fecha('2000-02-29'), fecha('2024-02-29')) * 2 + 1")).toBe(49);
  });

  it("gives null for arithmetic with nulo", () => {
    expect(evaluate("1 + nulo")).toBeNull();
  });
});

describe("compileFilter", () => {
  const filter = compileFilter(parseExpr("edad entre 15 y 49 y sexo = 'M' y cie(afecprin, 'O00-O99')"), SCOPE);
  const at = (values: RowValues) => filter(row(values), MARCH_2024);

  it("keeps a row that meets every condition", () => {
    expect(at({ edad: 20, sexo: "M", afecprin: "O800" })).toBe(true);
  });

  it("drops a row that fails a condition", () => {
    expect(at({ edad: 60, sexo: "M", afecprin: "O800" })).toBe(false);
  });

  it("drops a row whose result is null", () => {
    expect(at({ edad: null, sexo: "M", afecprin: "O800" })).toBe(false);
  });

  it("returns a plain boolean", () => {
    expect(typeof at({})).toBe("boolean");
  });
});

describe("compileExpr on an expression that did not pass the checker", () => {
  it("throws ExprCheckError with the problems", () => {
    let error: unknown;
    try {
      compiled("edda > 1");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExprCheckError);
    expect((error as ExprCheckError).problems.map((p) => p.code)).toEqual(["MASB_EXPR_COLUMNA_DESCONOCIDA"]);
  });
});
