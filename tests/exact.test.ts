import { describe, expect, it } from "vitest";
import {
  bigScaledValue, decimalRatio, differenceText, evaluateRatio, fixedText, logroTenths, ratioBelow, ratioText, scaledValue,
} from "../src/engine/exact.js";
import { parseExpr } from "../src/expr/index.js";

describe("exact rationals", () => {
  it("rounds the value once, half away from zero", () => {
    // 1/8 × 100 = 12.5 → 13 with no decimals; −1/8 × 100 = −12.5 → −13.
    expect(scaledValue({ p: 1, q: 1 }, { p: 8, q: 1 }, 100, null, 0)).toBe(13);
    expect(scaledValue({ p: -1, q: 1 }, { p: 8, q: 1 }, 100, null, 0)).toBe(-13);
    // 2/3 × 100 = 66.666… → 66.67 (as 6667 hundredths).
    expect(scaledValue({ p: 2, q: 1 }, { p: 3, q: 1 }, 100, null, 2)).toBe(6667);
    // Annualised: 5 events in 31 days of 366, per 1 000 of 2 000: 5/2000 × 1000 × 366/31 = 29.516… → 29.5.
    expect(scaledValue({ p: 5, q: 1 }, { p: 2000, q: 1 }, 1000, { num: 366, den: 31 }, 1)).toBe(295);
    expect(scaledValue({ p: 5, q: 1 }, { p: 0, q: 1 }, 100, null, 1)).toBeNull();
  });

  it("goes on in BigInt past 2^53 with the same result", () => {
    // 9 007 199 254 740 991 / 3 = 3 002 399 751 580 330.333…; × 100 000 = 300 239 975 158 033 033 333.33…
    const k = scaledValue({ p: Number.MAX_SAFE_INTEGER, q: 1 }, { p: 3, q: 1 }, 100000, null, 2);
    expect(typeof k).toBe("bigint");
    expect(fixedText(k!, 2)).toBe("300239975158033033333.33");
    expect(bigScaledValue({ p: 1n, q: 1n }, { p: 8n, q: 1n }, 100, { num: 1, den: 1 }, 0)).toBe(13n);
  });

  it("evaluates terms without approximating divisions", () => {
    const env = { a: { p: 1, q: 1 }, b: { p: 8, q: 1 } };
    // (a / 3) * 3 is exactly a: a 40-digit decimal would give 0.999…9.
    expect(evaluateRatio(parseExpr("(a / 3) * 3"), env)).toEqual({ p: 1, q: 1 });
    expect(evaluateRatio(parseExpr("a / (b - 8)"), env)).toBeNull();
    expect(evaluateRatio(parseExpr("max(a, b / 2) - 0.25"), env)).toEqual({ p: 15, q: 4 });
    expect(evaluateRatio(parseExpr("coalesce(a / 0, b)"), env)).toEqual({ p: 8, q: 1 });
  });

  it("prints numerators and denominators: integers plain, others to six places", () => {
    expect(ratioText({ p: 10, q: 5 })).toBe("2");
    expect(ratioText({ p: 1, q: 2 })).toBe("0.5");
    expect(ratioText({ p: 2, q: 3 })).toBe("0.666667");
    expect(ratioText({ p: -2, q: 3 })).toBe("-0.666667");
    expect(ratioText({ p: -1, q: 3000000 })).toBe("0"); // −0.000000333… rounds to zero, printed without sign
    expect(ratioText({ p: 2n ** 70n, q: 3n })).toBe("393530540239137101141.333333"); // 2^70 = 1 180 591 620 717 411 303 424
  });

  it("scores against a target exactly", () => {
    expect(logroTenths("1.789", "2", true, 100)).toBe(895); // 89.45 → 89.5
    expect(logroTenths("89.95", "100", true, 100)).toBe(900); // 89.95 → 90.0
    expect(logroTenths("35.0", "15", false, 100)).toBe(429); // 15/35 = 42.857… → 42.9
    expect(logroTenths("-3", "10", true, 100)).toBe(0);
    expect(logroTenths("1e-7", "0.0000001", true, 100)).toBe(1000);
  });

  it("compares, parses and subtracts decimal texts", () => {
    expect(ratioBelow({ p: 39, q: 2 }, 20)).toBe(true); // 19.5 < 20
    expect(ratioBelow({ p: 40, q: 2 }, 20)).toBe(false);
    expect(decimalRatio("0.25")).toEqual({ p: 1, q: 4 });
    expect(differenceText("1.5", "-0.5", 1)).toBe("2.0");
    expect(differenceText("0.0", "0.1", 1)).toBe("-0.1");
    expect(fixedText(-0, 1)).toBe("0.0");
    expect(fixedText(5, 3)).toBe("0.005");
  });
});
