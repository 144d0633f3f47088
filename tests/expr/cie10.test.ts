import { describe, expect, it } from "vitest";
import { compileExpr, matchesCie10, normaliseCie10, parseCie10Range, parseExpr, type Cie10Range } from "../../src/expr/index.js";
import { evaluate, MARCH_2024, row, SCOPE } from "./helpers.js";

function ranges(...texts: string[]): Cie10Range[] {
  return texts.map((t) => {
    const r = parseCie10Range(t);
    if (r === null) throw new Error(`invalid range ${t}`);
    return r;
  });
}

describe("normalising a code", () => {
  it("upper-cases, trims and drops the dot", () => {
    expect(normaliseCie10(" o80.0 ")).toBe("O800");
  });

  it("strips trailing X and - filler", () => {
    expect(normaliseCie10("I10X")).toBe("I10");
    expect(normaliseCie10("R69XX")).toBe("R69");
    expect(normaliseCie10("A09-")).toBe("A09");
  });
});

describe("parsing a range", () => {
  it("reads a category range", () => {
    expect(parseCie10Range("O00-O99")).toEqual({ lo: "O00", hi: "O99" });
  });

  it("reads one code as a range of itself, with or without the dot", () => {
    expect(parseCie10Range("A34")).toEqual({ lo: "A34", hi: "A34" });
    expect(parseCie10Range("O98.4")).toEqual({ lo: "O984", hi: "O984" });
    expect(parseCie10Range("O984")).toEqual({ lo: "O984", hi: "O984" });
  });

  it("reads a subcategory range, in lower case and with spaces", () => {
    expect(parseCie10Range(" o98.4 - o98.9 ")).toEqual({ lo: "O984", hi: "O989" });
  });

  it("rejects reversed ranges, too-short codes and codes that are not letter-digit-digit", () => {
    expect(parseCie10Range("O99-O00")).toBeNull();
    expect(parseCie10Range("O98.9-O98.4")).toBeNull();
    expect(parseCie10Range("Q1")).toBeNull();
    expect(parseCie10Range("ZZ9")).toBeNull();
    expect(parseCie10Range("O0.01")).toBeNull();
    expect(parseCie10Range("A00-B99-C10")).toBeNull();
  });

  it("accepts a range from a category to one of its own subcategories", () => {
    expect(parseCie10Range("O98-O98.4")).toEqual({ lo: "O98", hi: "O984" });
  });
});

describe("matching a code against ranges", () => {
  const obstetric = ranges("O00-O99");

  it("matches O800, O829 and O99 against O00-O99", () => {
    expect(matchesCie10("O800", obstetric)).toBe(true);
    expect(matchesCie10("O829", obstetric)).toBe(true);
    expect(matchesCie10("O99", obstetric)).toBe(true);
  });

  it("does not match P00 against O00-O99", () => {
    expect(matchesCie10("P00", obstetric)).toBe(false);
  });

  it("excludes C98 from C00-C97 but keeps C97 and its subcategories", () => {
    const malignant = ranges("C00-C97");
    expect(matchesCie10("C98", malignant)).toBe(false);
    expect(matchesCie10("C97X", malignant)).toBe(true);
    expect(matchesCie10("C979", malignant)).toBe(true);
  });

  it("matches a range spanning letters by category", () => {
    // A00-B99 (infecciosas): B20 falls between, C00 does not.
    expect(matchesCie10("B20", ranges("A00-B99"))).toBe(true);
    expect(matchesCie10("C00", ranges("A00-B99"))).toBe(false);
  });

  it("matches a subcategory bound only by that subcategory", () => {
    const r = ranges("O98.4");
    expect(matchesCie10("O984", r)).toBe(true);
    expect(matchesCie10("O98.4", r)).toBe(true);
    expect(matchesCie10("O985", r)).toBe(false);
    expect(matchesCie10("O983", r)).toBe(false);
    // The bare category is not the subcategory.
    expect(matchesCie10("O98", r)).toBe(false);
  });

  it("matches a subcategory range inclusively", () => {
    const r = ranges("O98.4-O98.9");
    expect(matchesCie10("O984", r)).toBe(true);
    expect(matchesCie10("O989", r)).toBe(true);
    expect(matchesCie10("O983", r)).toBe(false);
    expect(matchesCie10("O99", r)).toBe(false);
  });

  it("normalises the code before matching: I10X is I10", () => {
    expect(matchesCie10("I10X", ranges("I10-I15"))).toBe(true);
    expect(matchesCie10("i10.x", ranges("I10"))).toBe(true);
  });

  it("matches when any of several ranges matches", () => {
    const r = ranges("O00-O07", "A34", "O98.4");
    expect(matchesCie10("A34X", r)).toBe(true);
    expect(matchesCie10("O984", r)).toBe(true);
    expect(matchesCie10("O08", r)).toBe(false);
  });

  it("matches nothing with a text that is not a code", () => {
    expect(matchesCie10("", obstetric)).toBe(false);
    expect(matchesCie10("9999", obstetric)).toBe(false);
    expect(matchesCie10("O", obstetric)).toBe(false);
  });
});

describe("cie() in an expression", () => {
  it("gives true or false for a code and null for a missing code", () => {
    expect(evaluate("cie(afecprin, 'O00-O99', 'A34')", { afecprin: "O800" })).toBe(true);
    expect(evaluate("cie(afecprin, 'O00-O99', 'A34')", { afecprin: "P00X" })).toBe(false);
    expect(evaluate("cie(afecprin, 'O00-O99', 'A34')", { afecprin: null })).toBeNull();
  });

  it("gives the same answer for a code it has already seen, from its memo", () => {
    const f = compileExpr(parseExpr("cie(afecprin, 'C00-C97')"), SCOPE);
    expect([f(row({ afecprin: "C98" }), MARCH_2024), f(row({ afecprin: "C98" }), MARCH_2024)]).toEqual([false, false]);
    expect([f(row({ afecprin: "C50" }), MARCH_2024), f(row({ afecprin: "C50" }), MARCH_2024)]).toEqual([true, true]);
  });

  it("works on an expression, not only a column", () => {
    expect(evaluate("cie(coalesce(afecprin, 'A34'), 'A34')", { afecprin: null })).toBe(true);
  });
});
