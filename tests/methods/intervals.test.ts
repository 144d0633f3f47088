/**
 * Distribution functions and confidence intervals against published tables and worked examples.
 */
import { describe, expect, it } from "vitest";
import {
  byarCI, chiSquareQuantile, fayFeuerCI, gammaP, normalQuantile, poissonExactCI, wilsonCI, zFor,
} from "../../src/methods/index.js";

describe("normal and chi-square quantiles", () => {
  it("gives the familiar normal critical values", () => {
    // Any normal table: z(0.975) = 1.959964, z(0.995) = 2.575829, z(0.95) = 1.644854.
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 6);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 6);
    expect(zFor(0.95)).toBeCloseTo(1.959964, 6);
  });

  it("gives the chi-square critical values of the NIST/SEMATECH table", () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.4 (upper and lower
    // critical values of the chi-square distribution).
    expect(chiSquareQuantile(0.95, 1)).toBeCloseTo(3.841, 3);
    expect(chiSquareQuantile(0.975, 2)).toBeCloseTo(7.378, 3);
    expect(chiSquareQuantile(0.025, 20)).toBeCloseTo(9.591, 3);
    expect(chiSquareQuantile(0.975, 22)).toBeCloseTo(36.781, 3);
    expect(chiSquareQuantile(0.05, 100)).toBeCloseTo(77.929, 3);
  });

  it("computes the regularised incomplete gamma function", () => {
    // P(3, 2) = 1 − e⁻²(1 + 2 + 2²/2) = 1 − 5e⁻² = 0.3233235838…
    expect(gammaP(3, 2)).toBeCloseTo(1 - 5 * Math.exp(-2), 12);
  });
});

describe("exact Poisson interval", () => {
  it("is half the chi-square quantiles: [χ²(2x, .025)/2, χ²(2x+2, .975)/2]", () => {
    // x = 0: [0, 7.378/2 = 3.689]; x = 10: [9.591/2 = 4.795, 36.781/2 = 18.390] (NIST table above).
    const zero = poissonExactCI(0);
    expect(zero.lower).toBe(0);
    expect(zero.upper).toBeCloseTo(3.689, 3);
    const ten = poissonExactCI(10);
    expect(ten.lower).toBeCloseTo(4.795, 3);
    expect(ten.upper).toBeCloseTo(18.390, 3);
  });

  it("matches the classic table of exact limits for 1, 5 and 20 events", () => {
    // Garwood limits, e.g. Sahai & Khurshid, Stat Med 1993;12:1155, or any table of exact
    // Poisson limits: 1 → 0.0253–5.5716, 5 → 1.6235–11.6683, 20 → 12.2165–30.8884.
    for (const [x, lo, hi] of [[1, 0.0253, 5.5716], [5, 1.6235, 11.6683], [20, 12.2165, 30.8884]]) {
      const ci = poissonExactCI(x);
      expect(ci.lower).toBeCloseTo(lo, 4);
      expect(ci.upper).toBeCloseTo(hi, 4);
    }
  });

  it("is approached by Byar's formula as the count grows", () => {
    // Byar at 10: 10·(1 − 1/90 − 1.96/(3√10))³ = 10·(0.78230)³ = 4.7877; exact 4.7954.
    expect(byarCI(10).lower).toBeCloseTo(4.7877, 3);
    for (const x of [100, 1000]) {
      const exact = poissonExactCI(x), byar = byarCI(x);
      expect(Math.abs(byar.lower / exact.lower - 1)).toBeLessThan(1e-3);
      expect(Math.abs(byar.upper / exact.upper - 1)).toBeLessThan(1e-3);
    }
  });
});

describe("Wilson interval for a proportion", () => {
  it("reproduces Newcombe's (1998) examples", () => {
    // Newcombe RG, Two-sided confidence intervals for the single proportion: comparison of
    // seven methods, Stat Med 1998;17:857–872, table II, method 3 (score):
    // 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718.
    const cases: [number, number, number, number][] = [[81, 263, 0.2553, 0.3662], [15, 148, 0.0624, 0.1605], [0, 20, 0, 0.1611], [1, 29, 0.0061, 0.1718]];
    for (const [x, n, lo, hi] of cases) {
      const ci = wilsonCI(x, n)!;
      expect(ci.lower).toBeCloseTo(lo, 4);
      expect(ci.upper).toBeCloseTo(hi, 4);
    }
  });

  it("reaches exactly 0 and 1 at the ends and refuses impossible proportions", () => {
    expect(wilsonCI(0, 10)!.lower).toBe(0);
    expect(wilsonCI(10, 10)!.upper).toBe(1);
    expect(wilsonCI(11, 10)).toBeNull();
    expect(wilsonCI(0, 0)).toBeNull();
  });
});

describe("Fay & Feuer gamma interval", () => {
  // Fay MP, Feuer EJ, Statistics in Medicine 1997;16:791–801, table II: Down's syndrome cases
  // among births of order 5 and over, Michigan 1950–1964, by maternal age, standardised to all
  // births. Published (and reproduced by the R package dsrTest, vignette "examples"):
  // rate 75.53 per 100 000, 95 % gamma interval 67.70–188.30.
  const cases = [0, 8, 63, 112, 262, 295];
  const births = [327, 30666, 123419, 149919, 104088, 34392];
  const standard = [319933, 931318, 786511, 488235, 237863, 61313];
  const total = standard.reduce((a, b) => a + b, 0);

  it("reproduces the published interval for the Down's syndrome example", () => {
    const weights = standard.map((s, i) => s / total / births[i]);
    const ci = fayFeuerCI(cases, weights)!;
    const rate = cases.reduce((s, x, i) => s + x * weights[i], 0);
    expect(rate * 1e5).toBeCloseTo(75.529, 3);
    expect(ci.lower * 1e5).toBeCloseTo(67.702, 3);
    expect(ci.upper * 1e5).toBeCloseTo(188.300, 3);
  });

  it("starts at 0 when there are no events", () => {
    const ci = fayFeuerCI([0, 0], [0.001, 0.002])!;
    expect(ci.lower).toBe(0);
    // Upper: G⁻¹(0.975; shape w_M²/w_M² = 1, scale w_M) = −ln(0.025)·0.002 = 0.0073778.
    expect(ci.upper).toBeCloseTo(-Math.log(0.025) * 0.002, 10);
  });
});
