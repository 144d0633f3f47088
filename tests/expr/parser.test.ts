import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ExprSyntaxError, parseExpr } from "../../src/expr/index.js";
import { parsedShape } from "./helpers.js";

const MALFORMED: { expr: string; offset: number; length: number; message: string }[] = JSON.parse(
  readFileSync(new URL("./fixtures/malformed.json", import.meta.url), "utf8"),
);

describe("literals", () => {
  it("reads a whole number as an integral number", () => {
    expect(parseExpr("15")).toEqual({ kind: "num", value: 15, integral: true, start: 0, end: 2 });
  });

  it("reads a number with a decimal point as non-integral, even when it is whole", () => {
    expect(parsedShape("2.5")).toEqual({ kind: "num", value: 2.5, integral: false });
    expect(parsedShape("2.0")).toEqual({ kind: "num", value: 2, integral: false });
  });

  it("reads a negative number as unary minus applied to the number", () => {
    expect(parsedShape("-3")).toEqual({ kind: "unary", op: "-", arg: { kind: "num", value: 3, integral: true } });
  });

  it("reads strings in single or double quotes alike", () => {
    expect(parsedShape("'O800'")).toEqual({ kind: "str", value: "O800" });
    expect(parsedShape('"S"')).toEqual({ kind: "str", value: "S" });
  });

  it("reads a doubled quote inside a string as one quote, as SQL does", () => {
    expect(parsedShape("'O''Higgins'")).toEqual({ kind: "str", value: "O'Higgins" });
  });

  it("reads verdadero, falso and nulo, and their English forms, in any case", () => {
    expect(parsedShape("verdadero")).toEqual({ kind: "bool", value: true });
    expect(parsedShape("TRUE")).toEqual({ kind: "bool", value: true });
    expect(parsedShape("Falso")).toEqual({ kind: "bool", value: false });
    expect(parsedShape("false")).toEqual({ kind: "bool", value: false });
    expect(parsedShape("nulo")).toEqual({ kind: "nulo" });
    expect(parsedShape("NULL")).toEqual({ kind: "nulo" });
  });

  it("reads a list in square brackets", () => {
    expect(parsedShape("['S', 'N']")).toEqual({ kind: "list", items: [{ kind: "str", value: "S" }, { kind: "str", value: "N" }] });
  });
});

describe("identifiers", () => {
  it("keeps a column name as written, accents and ñ included", () => {
    expect(parsedShape("Año_Egreso")).toEqual({ kind: "col", name: "Año_Egreso" });
  });

  it("reads a name followed by a parenthesis as a call with its canonical lower-case name", () => {
    expect(parsedShape("DIAS(ingreso, egreso)")).toEqual({
      kind: "call", name: "dias", args: [{ kind: "col", name: "ingreso" }, { kind: "col", name: "egreso" }],
    });
  });

  it("maps the other names of a function to its canonical name", () => {
    expect(parsedShape("AÑOS(a, b)")).toEqual(parsedShape("anios(a, b)"));
    expect(parsedShape("primero_no_nulo(a, b)")).toEqual(parsedShape("coalesce(a, b)"));
  });

  it("reads a column whose name is also a property of JavaScript objects", () => {
    expect(parsedShape("constructor = 1")).toMatchObject({ left: { kind: "col", name: "constructor" } });
  });

  it("reads a call without arguments", () => {
    expect(parsedShape("f()")).toEqual({ kind: "call", name: "f", args: [] });
  });
});

describe("precedence", () => {
  it("binds y tighter than o", () => {
    expect(parsedShape("a o b y c")).toEqual(parsedShape("a o (b y c)"));
    expect(parsedShape("a y b o c")).toEqual(parsedShape("(a y b) o c"));
  });

  it("binds no tighter than y but looser than comparisons", () => {
    expect(parsedShape("no a y b")).toEqual(parsedShape("(no a) y b"));
    expect(parsedShape("no edad = 1")).toEqual(parsedShape("no (edad = 1)"));
  });

  it("binds comparisons looser than arithmetic", () => {
    expect(parsedShape("a + 1 > b * 2")).toEqual(parsedShape("(a + 1) > (b * 2)"));
  });

  it("binds * and / tighter than + and -", () => {
    expect(parsedShape("a + b * c")).toEqual(parsedShape("a + (b * c)"));
    expect(parsedShape("a / b - c")).toEqual(parsedShape("(a / b) - c"));
  });

  it("associates arithmetic and logic to the left", () => {
    expect(parsedShape("a - b - c")).toEqual(parsedShape("(a - b) - c"));
    expect(parsedShape("a / b / c")).toEqual(parsedShape("(a / b) / c"));
    expect(parsedShape("a o b o c")).toEqual(parsedShape("(a o b) o c"));
  });

  it("binds unary minus tighter than *", () => {
    expect(parsedShape("-a * b")).toEqual(parsedShape("(-a) * b"));
    expect(parsedShape("a - -b")).toEqual(parsedShape("a - (-b)"));
  });

  it("lets parentheses override precedence", () => {
    expect(parsedShape("(a o b) y c")).toEqual({
      kind: "binary", op: "y",
      left: { kind: "binary", op: "o", left: { kind: "col", name: "a" }, right: { kind: "col", name: "b" } },
      right: { kind: "col", name: "c" },
    });
  });

  it("takes the y of entre as its upper bound, and the next y as a conjunction", () => {
    expect(parsedShape("edad entre 15 y 49 y sexo = 'M'")).toEqual(parsedShape("(edad entre 15 y 49) y (sexo = 'M')"));
  });

  it("allows arithmetic in the bounds of entre", () => {
    expect(parsedShape("x entre a + 1 y b * 2")).toEqual({
      kind: "between", arg: { kind: "col", name: "x" },
      low: parsedShape("a + 1"), high: parsedShape("b * 2"),
    });
  });

  it("binds the postfix tests tighter than y and o", () => {
    expect(parsedShape("a es nulo o b en [1] y c no es nulo")).toEqual(parsedShape("(a es nulo) o ((b en [1]) y (c no es nulo))"));
  });

  it("applies a postfix test to a whole arithmetic expression", () => {
    expect(parsedShape("a + b es nulo")).toEqual(parsedShape("(a + b) es nulo"));
  });

  it("parses function arguments as whole expressions", () => {
    expect(parsedShape("max(a + 1, b o c)")).toEqual({
      kind: "call", name: "max", args: [parsedShape("a + 1"), parsedShape("b o c")],
    });
  });
});

describe("every operator, in Spanish and in English", () => {
  const pairs: [string, string][] = [
    ["a o b", "a or b"],
    ["a y b", "a and b"],
    ["no a", "not a"],
    ["a = 1", "a == 1"],
    ["a != 1", "a <> 1"],
    ["a en [1, 2]", "a in [1, 2]"],
    ["a no en [1, 2]", "a not in [1, 2]"],
    ["a es nulo", "a is null"],
    ["a no es nulo", "a is not null"],
    ["a entre 1 y 2", "a between 1 and 2"],
    ["verdadero o falso", "true or false"],
    ["a = nulo", "a = null"],
  ];
  for (const [es, en] of pairs) {
    it(`reads '${en}' as '${es}'`, () => {
      expect(parsedShape(en)).toEqual(parsedShape(es));
    });
  }

  it("reads keywords in any case", () => {
    expect(parsedShape("A NO EN [1] Y B ES NULO O NO C")).toEqual(parsedShape("A no en [1] y B es nulo o no C"));
  });

  it("builds each comparison operator", () => {
    for (const op of ["=", "!=", "<", "<=", ">", ">="]) {
      expect(parsedShape(`a ${op} 1`)).toEqual({ kind: "binary", op, left: { kind: "col", name: "a" }, right: { kind: "num", value: 1, integral: true } });
    }
  });

  it("builds each arithmetic operator", () => {
    for (const op of ["+", "-", "*", "/"]) {
      expect(parsedShape(`a ${op} b`)).toEqual({ kind: "binary", op, left: { kind: "col", name: "a" }, right: { kind: "col", name: "b" } });
    }
  });

  it("builds en, no en, es nulo and no es nulo with their negation flag", () => {
    expect(parsedShape("a no en [1]")).toEqual({ kind: "in", arg: { kind: "col", name: "a" }, list: parsedShape("[1]"), negated: true });
    expect(parsedShape("a en [1]")).toMatchObject({ kind: "in", negated: false });
    expect(parsedShape("a es nulo")).toEqual({ kind: "isnull", arg: { kind: "col", name: "a" }, negated: false });
    expect(parsedShape("a no es nulo")).toEqual({ kind: "isnull", arg: { kind: "col", name: "a" }, negated: true });
  });

  it("also reads 'es no nulo' as 'no es nulo'", () => {
    expect(parsedShape("a es no nulo")).toEqual(parsedShape("a no es nulo"));
  });

  it("reads 'no entre' as the negation of entre, as SQL defines NOT BETWEEN", () => {
    expect(parsedShape("a no entre 1 y 2")).toEqual(parsedShape("no (a entre 1 y 2)"));
    expect(parsedShape("a not between 1 and 2")).toEqual(parsedShape("no (a entre 1 y 2)"));
  });
});

describe("offsets", () => {
  it("gives every node the offsets of its text", () => {
    const node = parseExpr("edad >= 15 y sexo = 'M'");
    expect(node).toMatchObject({ start: 0, end: 23 });
    if (node.kind !== "binary") throw new Error("binary expected");
    expect(node.left).toMatchObject({ start: 0, end: 10 });
    expect(node.right).toMatchObject({ start: 13, end: 23 });
  });

  it("includes parentheses in the parent's span but not in the child's", () => {
    const node = parseExpr("no (a o b)");
    expect(node).toMatchObject({ start: 0, end: 10 });
    if (node.kind !== "unary") throw new Error("unary expected");
    expect(node.arg).toMatchObject({ start: 4, end: 9 });
  });

  it("spans a call from its name to its closing parenthesis", () => {
    expect(parseExpr("  cie(dx, 'O00-O99')  ")).toMatchObject({ start: 2, end: 20 });
  });

  it("counts offsets across line breaks of a multi-line YAML scalar", () => {
    const node = parseExpr("edad >= 15\n  y sexo = 'M'");
    if (node.kind !== "binary") throw new Error("binary expected");
    expect(node.right).toMatchObject({ start: 15, end: 25 });
  });
});

describe("syntax errors", () => {
  for (const bad of MALFORMED) {
    it(`points at offset ${bad.offset} in ${JSON.stringify(bad.expr)}`, () => {
      let error: unknown;
      try {
        parseExpr(bad.expr);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ExprSyntaxError);
      const e = error as ExprSyntaxError;
      expect({ offset: e.offset, length: e.length, message: e.message }).toEqual({ offset: bad.offset, length: bad.length, message: bad.message });
    });
  }

  it("carries the stable code MASB_EXPR_SINTAXIS", () => {
    expect(() => parseExpr("a y")).toThrow(expect.objectContaining({ code: "MASB_EXPR_SINTAXIS" }));
  });

  it("suggests square brackets when a list is written in parentheses", () => {
    expect(() => parseExpr("sexo en ('H')")).toThrow(expect.objectContaining({ hint: "la lista va entre corchetes: a en [1, 2, 3]" }));
  });

  it("suggests entre when comparisons are chained", () => {
    expect(() => parseExpr("15 <= edad <= 49")).toThrow(expect.objectContaining({ hint: expect.stringContaining("entre") }));
  });
});
