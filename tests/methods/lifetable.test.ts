/**
 * Life tables (Chiang), health expectancy (Sullivan), SDG 3.4.1, fertility and direct
 * standardisation: published worked examples and small tables worked by hand.
 */
import { describe, expect, it } from "vitest";
import {
  asfr, directStandardise, lifeTable, parseAgeGroup, rowAt, sdg341, STANDARDS, standardWeights, sullivan, tfr,
  groupListProblem, type AgeGroup,
} from "../../src/methods/index.js";

const groups = (...labels: string[]): AgeGroup[] => labels.map((l) => parseAgeGroup(l)!);

describe("abridged life table (Chiang)", () => {
  // Public Health England's Life Expectancy Calculator (Chiang II, a₀ = 0.1, aᵢ = 0.5, open
  // interval 90+, Silcocks' variance), as published with the R package PHEindicatormethods
  // (function phe_life_expectancy, example data and tests/testthat/testLifeExpectancy.R):
  // e₀ = 80.16960813, 95 % limits 79.88268548–80.45653078; e₉₀ = 6.16210635.
  const starts = [0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];
  const phe = starts.map((s, i) => ({ label: String(s), start: s, end: i + 1 < starts.length ? starts[i + 1] - 1 : null }));
  const population = [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416, 46411, 39820, 37978, 37039, 33288, 23306, 11936, 11936];
  const deaths = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937];

  it("matches the published life expectancy at birth (to far better than 0.1 year)", () => {
    const table = lifeTable(phe, deaths, population)!;
    expect(table[0].e).toBeCloseTo(80.16960813, 6);
    expect(rowAt(table, 5)!.e).toBeCloseTo(75.44193645, 6);
    expect(rowAt(table, 90)!.e).toBeCloseTo(6.16210635, 6);
  });

  it("matches the published confidence limits (computed there with z = 1.96)", () => {
    const table = lifeTable(phe, deaths, population)!;
    const se = Math.sqrt(table[0].varE);
    expect(table[0].e - 1.96 * se).toBeCloseTo(79.88268548, 5);
    expect(table[0].e + 1.96 * se).toBeCloseTo(80.45653078, 5);
    const se90 = Math.sqrt(rowAt(table, 90)!.varE);
    expect(6.16210635 - 1.96 * se90).toBeCloseTo(5.887683386, 5);
  });

  it("works a two-group table by hand", () => {
    // 0–4: D = 10, PY = 1 000 → M = 0.01; a = 0.1; q = 5·0.01/(1 + 5·0.9·0.01) = 0.05/1.045 = 0.0478469
    // l₅ = 100 000·(1 − q) = 95 215.311; d₀ = 4 784.689; L₀ = 5·(95 215.311 + 0.1·4 784.689) = 478 468.90
    // 5+: D = 100, PY = 1 000 → M = 0.1; L = l/M = 952 153.11; T₀ = 1 430 622.01; e₀ = 14.3062
    const table = lifeTable(groups("0-4", "5+"), [10, 100], [1000, 1000])!;
    expect(table[0].q).toBeCloseTo(0.0478469, 7);
    expect(table[1].l).toBeCloseTo(95215.311, 3);
    expect(table[0].L).toBeCloseTo(478468.90, 2);
    expect(table[1].L).toBeCloseTo(952153.11, 2);
    expect(table[0].e).toBeCloseTo(14.3062, 4);
    expect(table[1].e).toBeCloseTo(10, 10); // 1/M of the open interval
  });

  it("cannot be built without deaths in the open interval or without person-years", () => {
    expect(lifeTable(groups("0-4", "5+"), [10, 0], [1000, 1000])).toBeNull();
    expect(lifeTable(groups("0-4", "5+"), [10, 5], [0, 1000])).toBeNull();
    expect(lifeTable(groups("0-4", "5-9"), [10, 5], [1000, 1000])).toBeNull();
  });
});

describe("health expectancy (Sullivan)", () => {
  it("weights each group's person-years by the share lived without disability", () => {
    // The two-group table above, prevalence 10 % at 0–4 and 30 % at 5+:
    // HALE₀ = (478 468.90·0.9 + 952 153.11·0.7) / 100 000 = (430 622.01 + 666 507.18) / 100 000 = 10.9713
    const table = lifeTable(groups("0-4", "5+"), [10, 100], [1000, 1000])!;
    expect(sullivan(table, [0.1, 0.3], 0)!.hale).toBeCloseTo(10.9713, 4);
    // At 5: 952 153.11·0.7 / 95 215.311 = 7.0
    expect(sullivan(table, [0.1, 0.3], 1)!.hale).toBeCloseTo(7, 10);
  });

  it("equals life expectancy without disability and gives the prevalence variance with sample sizes", () => {
    const table = lifeTable(groups("0-4", "5+"), [10, 100], [1000, 1000])!;
    expect(sullivan(table, [0, 0], 0)!.hale).toBeCloseTo(table[0].e, 10);
    // var = (L₀²·0.1·0.9/500 + L₁²·0.3·0.7/400)/l₀²
    const v = (478468.8995 ** 2 * 0.09 / 500 + 952153.1100 ** 2 * 0.21 / 400) / 1e10;
    expect(sullivan(table, [0.1, 0.3], 0, [500, 400])!.variance).toBeCloseTo(v, 6);
  });
});

describe("SDG 3.4.1 probability of premature NCD death", () => {
  it("recomputes the WHO formula by hand", () => {
    // 8 groups 30–34 … 65–69, 10 000 person-years each; deaths 10 in the first four groups and 40
    // in the last four (₅Mₓ = 0.001 and 0.004).
    //   ₅qₓ = 5·0.001/(1 + 2.5·0.001) = 0.005/1.0025 = 0.00498753
    //   ₅qₓ = 5·0.004/(1 + 2.5·0.004) = 0.02/1.01   = 0.01980198
    //   ₄₀q₃₀ = 1 − (1 − 0.00498753)⁴·(1 − 0.01980198)⁴ = 1 − 0.98019863·0.92311388 = 1 − 0.90483497 = 0.09516503
    const g = groups("30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69");
    const r = sdg341(g, [10, 10, 10, 10, 40, 40, 40, 40], Array(8).fill(10000))!;
    expect(r.value).toBeCloseTo(0.09516503, 8);
    expect(r.ci!.lower).toBeLessThan(r.value);
    expect(r.ci!.upper).toBeGreaterThan(r.value);
  });

  it("is 0 without deaths and needs person-years in every group", () => {
    const g = groups("30-34", "35-39");
    expect(sdg341(g, [0, 0], [100, 100])!.value).toBe(0);
    expect(sdg341(g, [1, 0], [100, 0])).toBeNull();
  });
});

describe("fertility", () => {
  it("gives age-specific rates and the total fertility rate by hand", () => {
    // Births 10, 50, 60, 40, 20, 5, 1 to 1 000 women in each group 15–19 … 45–49:
    // ASFR = 0.010, 0.050, 0.060, 0.040, 0.020, 0.005, 0.001; TFR = 5·0.186 = 0.93 children per woman.
    const g = groups("15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49");
    const births = [10, 50, 60, 40, 20, 5, 1];
    const women = Array(7).fill(1000);
    expect(asfr(births, women)).toEqual([0.01, 0.05, 0.06, 0.04, 0.02, 0.005, 0.001]);
    const r = tfr(g, births, women)!;
    expect(r.value).toBeCloseTo(0.93, 12);
    expect(r.ci!.lower).toBeLessThan(0.93);
    expect(r.ci!.upper).toBeGreaterThan(0.93);
  });
});

describe("direct age standardisation", () => {
  it("weights group rates by the standard by hand and gives the crude rate beside it", () => {
    // Rates 5/1 000 and 20/2 000 = 0.005 and 0.010; standard 60 : 40 → 0.6·0.005 + 0.4·0.010 = 0.007.
    // Crude: 25 / 3 000 = 0.008333.
    const r = directStandardise([5, 20], [1000, 2000], [60, 40])!;
    expect(r.value).toBeCloseTo(0.007, 12);
    expect(r.crude).toBeCloseTo(25 / 3000, 12);
  });

  it("uses the WHO 2000–2025 standard, 85+ as the sum of its oldest groups", () => {
    // Ahmad et al. 2001, table 1: 85–89 0.44, 90–94 0.15, 95–99 0.04, 100+ 0.005 → 85+ 0.635.
    const oms = STANDARDS.oms_2000_2025;
    expect(oms.grupos.reduce((s, [, w]) => s + w, 0)).toBeCloseTo(100.035, 10);
    const w = standardWeights(oms, groups("00-04", "05-09", "80-84", "85+")) as number[];
    expect(w).toEqual([8.86, 8.69, 0.91, expect.closeTo(0.635, 10)]);
    expect(standardWeights(oms, groups("30-39"))).toEqual([expect.closeTo(7.61 + 7.15, 10)]);
  });

  it("refuses groups that cut a group of the standard", () => {
    expect(standardWeights(STANDARDS.oms_2000_2025, groups("0", "1-4"))).toMatch(/corta el grupo '0-4'/);
  });
});

describe("age groups", () => {
  it("reads the ways the catalog writes them", () => {
    expect(parseAgeGroup("00-04")).toEqual({ label: "00-04", start: 0, end: 4 });
    expect(parseAgeGroup("85+")).toEqual({ label: "85+", start: 85, end: null });
    expect(parseAgeGroup("85 y más")).toMatchObject({ start: 85, end: null });
    expect(parseAgeGroup("0")).toMatchObject({ start: 0, end: 0 });
    expect(parseAgeGroup("adultos")).toBeNull();
  });

  it("says what is wrong with a list", () => {
    expect(groupListProblem(groups("00-04", "10-14"))).toMatch(/hueco.*5 a 9/);
    expect(groupListProblem(groups("80-84", "85+", "90+"))).toMatch(/debe ser el último/);
    expect(groupListProblem(groups("30-34", "35-39"), { open: "required" })).toMatch(/abierto/);
  });
});
