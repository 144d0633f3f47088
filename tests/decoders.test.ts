import { describe, expect, it } from "vitest";
import { DECODERS } from "../src/sources/decoders.js";

/**
 * The coded ages of INEGI and SAEH, as their data dictionaries describe them (SOURCES-REAL.md):
 * INEGI `edad` 1xxx hours (1097 minutes), 2xxx days, 3xxx months, 4xxx years, x98 "not
 * specified" within its unit; SAEH CVEEDAD (2020+) 2 hours, 3 days, 4 months, 5 years, 9 n.e.
 */
const inegiDays = (e: string) => DECODERS.edad_inegi_dias.decode([e]);
const inegiYears = (e: string) => DECODERS.edad_inegi_anios.decode([e]);

describe("INEGI coded age", () => {
  it("reads hours, days, months and years", () => {
    expect([inegiDays("1005"), inegiDays("2010"), inegiDays("3006"), inegiDays("4002")]).toEqual([0, 10, 180, 730]);
    expect([inegiYears("1005"), inegiYears("2010"), inegiYears("3006"), inegiYears("4072")]).toEqual([0, 0, 0, 72]);
  });

  it("places an unspecified count of hours or days inside the first month (a neonatal death)", () => {
    // 1098: hours not specified → under a day; 2098: days not specified → 1 to 29 days, placed at day 1.
    expect(inegiDays("1098")).toBe(0);
    expect(inegiDays("2098")).toBe(1);
    expect(inegiDays("2098")! < 28).toBe(true);
  });

  it("places unspecified months after the first month and before the first year", () => {
    // 3098: 1 to 11 months → 30 days (not neonatal), 0 years (an infant and an under-5 death).
    expect(inegiDays("3098")).toBe(30);
    expect(inegiDays("3098")! >= 28).toBe(true);
    expect(inegiYears("3098")).toBe(0);
  });

  it("keeps unspecified years and the under-a-year codes' years apart", () => {
    expect(inegiYears("4998")).toBeNull();
    expect(inegiDays("4998")).toBeNull();
    expect([inegiYears("1098"), inegiYears("2098")]).toEqual([0, 0]);
  });

  it("refuses text and codes outside the scheme", () => {
    expect(inegiYears("abc")).toBeUndefined();
    expect(inegiYears("5001")).toBeUndefined();
    expect(inegiYears("")).toBeNull();
  });
});

describe("SAEH CVEEDAD + EDAD", () => {
  const years = (c: string, e: string) => DECODERS.edad_saeh_anios.decode([c, e]);
  it("reads the 2020+ units", () => {
    expect([years("2", "5"), years("3", "12"), years("4", "3"), years("5", "67")]).toEqual([0, 0, 0, 67]);
  });

  it("takes CVEEDAD 9 as an unknown age whatever EDAD holds, not as a bad row", () => {
    expect(years("9", "")).toBeNull();
    expect(years("9", "99")).toBeNull();
    expect(DECODERS.edad_saeh_dias.decode(["9", ""])).toBeNull();
  });

  it("refuses a unit outside the scheme", () => {
    expect(years("7", "60")).toBeUndefined();
  });
});
