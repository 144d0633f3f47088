import { describe, expect, it } from "vitest";
import { formatExpr, parseExpr } from "../../src/expr/index.js";
import { parsedShape, shape } from "./helpers.js";

const EXPRESSIONS = [
  "edad >= 15 y edad < 50",
  "a o b y c",
  "(a o b) y c",
  "a o (b o c)",
  "(a y b) y c",
  "a y (b y c)",
  "no a y b",
  "no (a y b)",
  "no no a",
  "no a = 1",
  "(no a) = verdadero",
  "a - b - c",
  "a - (b - c)",
  "a / (b * c)",
  "(a + b) * c",
  "-a * b",
  "-(a * b)",
  "-(-3)",
  "a - -3",
  "2.0 * 1e3 + 0.5",
  "99999999999999999999",
  "sexo en ['H', 'M'] o motegre no en ['5']",
  "(a en [1]) = verdadero",
  "a es nulo o b no es nulo",
  "(a + 1) es nulo",
  "edad entre 15 y 49 y x",
  "edad entre a + 1 y b * 2",
  "edad entre (a = 1) y (b = 2)",
  "a no entre 1 y 2",
  "no (a entre 1 y 2) y b",
  "cie(afecprin, 'O00-O99', 'A34', 'O98.4')",
  "anios(nacimiento, fecha('2024-03-31')) >= 15",
  "coalesce(a, b, 0) > max(c, 1)",
  "'O''Higgins' = municipio",
  "verdadero o falso o nulo es nulo",
  "[1, 2]",
  "f()",
];

describe("formatExpr round trip", () => {
  for (const text of EXPRESSIONS) {
    it(`parses back to the same tree: ${text}`, () => {
      const node = parseExpr(text);
      expect(shape(parseExpr(formatExpr(node)))).toEqual(shape(node));
    });
  }

  it("is a fixed point: formatting the formatted text changes nothing", () => {
    for (const text of EXPRESSIONS) {
      const once = formatExpr(parseExpr(text));
      expect(formatExpr(parseExpr(once))).toBe(once);
    }
  });
});

describe("canonical text", () => {
  it("writes keywords in lower-case Spanish and strings in single quotes", () => {
    expect(formatExpr(parseExpr('A OR B AND NOT C IS NULL AND D NOT IN ["x"]'))).toBe("A o B y no C es nulo y D no en ['x']");
  });

  it("writes == and <> as = and !=", () => {
    expect(formatExpr(parseExpr("a == 1 and b <> 2"))).toBe("a = 1 y b != 2");
  });

  it("writes between … and … as entre … y …", () => {
    expect(formatExpr(parseExpr("x BETWEEN 1 AND 2"))).toBe("x entre 1 y 2");
  });

  it("drops parentheses precedence does not need and keeps those it does", () => {
    expect(formatExpr(parseExpr("((a)) o ((b y c))"))).toBe("a o b y c");
    expect(formatExpr(parseExpr("(a o b) y c"))).toBe("(a o b) y c");
  });

  it("normalises spacing and line breaks", () => {
    expect(formatExpr(parseExpr("edad>=15\n   y   sexo='M'"))).toBe("edad >= 15 y sexo = 'M'");
  });

  it("writes functions by their canonical names", () => {
    expect(formatExpr(parseExpr("AÑOS(a, b) + Primero_No_Nulo(c, 0)"))).toBe("anios(a, b) + coalesce(c, 0)");
  });

  it("keeps the decimal point of a whole decimal, so it stays a decimal", () => {
    expect(formatExpr(parseExpr("2.0"))).toBe("2.0");
    expect(parsedShape(formatExpr(parseExpr("2.0")))).toEqual({ kind: "num", value: 2, integral: false });
  });

  it("doubles a quote inside a string", () => {
    expect(formatExpr(parseExpr(`"O'Higgins"`))).toBe("'O''Higgins'");
  });
});
