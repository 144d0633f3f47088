import { describe, expect, it } from "vitest";
import { evaluate, keeps } from "./helpers.js";

// Three-valued (Kleene) logic, as SQL: T true, F false, N null (unknown).
type V = boolean | null;
const VALUES: V[] = [true, false, null];
const word = (v: V) => (v === null ? "nulo" : v ? "verdadero" : "falso");
// Columns p and q give T, F or N through a comparison: p = 1 is T for 1, F for 0, N for null.
const cell = (v: V) => (v === null ? null : v ? 1 : 0);

const NOT: [V, V][] = [
  [true, false],
  [false, true],
  [null, null],
];

// y: false wins over everything, then null; o: true wins over everything, then null.
const AND: [V, V, V][] = [
  [true, true, true], [true, false, false], [true, null, null],
  [false, true, false], [false, false, false], [false, null, false],
  [null, true, null], [null, false, false], [null, null, null],
];
const OR: [V, V, V][] = [
  [true, true, true], [true, false, true], [true, null, true],
  [false, true, true], [false, false, false], [false, null, null],
  [null, true, true], [null, false, null], [null, null, null],
];

describe("no", () => {
  for (const [a, r] of NOT) {
    it(`gives ${word(r)} for no ${word(a)}`, () => {
      expect(evaluate(`no ${word(a)}`)).toBe(r);
      expect(evaluate("no (p = 1)", { p: cell(a) })).toBe(r);
    });
  }
});

describe("y", () => {
  for (const [a, b, r] of AND) {
    it(`gives ${word(r)} for ${word(a)} y ${word(b)}`, () => {
      expect(evaluate(`${word(a)} y ${word(b)}`)).toBe(r);
      expect(evaluate("p = 1 y q = 1", { p: cell(a), q: cell(b) })).toBe(r);
    });
  }
});

describe("o", () => {
  for (const [a, b, r] of OR) {
    it(`gives ${word(r)} for ${word(a)} o ${word(b)}`, () => {
      expect(evaluate(`${word(a)} o ${word(b)}`)).toBe(r);
      expect(evaluate("p = 1 o q = 1", { p: cell(a), q: cell(b) })).toBe(r);
    });
  }
});

describe("comparisons with a missing value", () => {
  it("gives null for every comparison operator when a side is null", () => {
    for (const op of ["=", "!=", "<", "<=", ">", ">="]) {
      expect(evaluate(`edad ${op} 15`, { edad: null })).toBeNull();
      expect(evaluate(`15 ${op} edad`, { edad: null })).toBeNull();
      expect(evaluate(`p ${op} q`, { p: 1, q: null })).toBeNull();
    }
  });

  it("gives null for != too, so a missing value is not 'different'", () => {
    expect(evaluate("sexo != 'M'", { sexo: null })).toBeNull();
  });

  it("keeps nulls out of both a filter and its negation", () => {
    expect(keeps("edad >= 15", { edad: null })).toBe(false);
    expect(keeps("no (edad >= 15)", { edad: null })).toBe(false);
  });

  it("never gives null for es nulo and no es nulo", () => {
    expect(evaluate("edad es nulo", { edad: null })).toBe(true);
    expect(evaluate("edad es nulo", { edad: 3 })).toBe(false);
    expect(evaluate("edad no es nulo", { edad: null })).toBe(false);
    expect(evaluate("(edad > 1) es nulo", { edad: null })).toBe(true);
  });
});

describe("filters", () => {
  it("keep a row only when the expression gives exactly true", () => {
    expect(keeps("p = 1", { p: 1 })).toBe(true);
    expect(keeps("p = 1", { p: 0 })).toBe(false);
    expect(keeps("p = 1", { p: null })).toBe(false);
  });

  it("keep a row when an unknown is rescued by o verdadero", () => {
    // null o true is true.
    expect(keeps("p = 1 o q = 1", { p: null, q: 1 })).toBe(true);
  });
});
