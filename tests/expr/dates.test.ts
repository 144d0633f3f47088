import { describe, expect, it } from "vitest";
import { civilFromDays, compileExpr, daysFromCivil, monthsBetween, parseExpr, yearsBetween } from "../../src/expr/index.js";
import { evaluate, row, SCOPE } from "./helpers.js";

const d = daysFromCivil;

describe("day numbers", () => {
  it("counts 1970-01-01 as day 0", () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
  });

  it("counts 2024-02-29 as day 19782", () => {
    // 1970..2023 is 54 years, 13 of them leap (1972, 1976, …, 2020): 54*365 + 13 = 19723
    // days to 2024-01-01; then 31 (January) + 28 days to the 29th: 19723 + 59 = 19782.
    expect(daysFromCivil(2024, 2, 29)).toBe(19782);
  });

  it("counts dates before 1970 as negative", () => {
    // 1969-12-31 is the day before day 0.
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
  });

  it("goes back from a day number to the same civil date, every day from 1900 to 2100", () => {
    for (let n = d(1900, 1, 1); n <= d(2100, 12, 31); n++) {
      const { y, m, d: day } = civilFromDays(n);
      expect(daysFromCivil(y, m, day)).toBe(n);
    }
    expect(civilFromDays(19782)).toEqual({ y: 2024, m: 2, d: 29 });
  });

  it("agrees with Date.UTC on a few dates", () => {
    for (const [y, m, day] of [[1900, 3, 1], [2000, 2, 29], [2023, 12, 31], [2199, 7, 15]]) {
      expect(daysFromCivil(y, m, day)).toBe(Date.UTC(y, m - 1, day) / 86_400_000);
    }
  });
});

describe("dias", () => {
  it("counts the days from the first date to the second", () => {
    expect(evaluate("dias(ingreso, egreso)", { ingreso: d(2024, 3, 1), egreso: d(2024, 3, 5) })).toBe(4);
  });

  it("counts the leap day", () => {
    // 28 Feb → 29 Feb → 1 Mar: 2 days in 2024, 1 day in 2023 (no 29 Feb).
    expect(evaluate("dias(fecha('2024-02-28'), fecha('2024-03-01'))")).toBe(2);
    expect(evaluate("dias(fecha('2023-02-28'), fecha('2023-03-01'))")).toBe(1);
  });

  it("is negative when the second date comes first", () => {
    expect(evaluate("dias(egreso, ingreso)", { ingreso: d(2024, 3, 1), egreso: d(2024, 3, 5) })).toBe(-4);
  });

  it("gives null when either date is missing", () => {
    expect(evaluate("dias(ingreso, egreso)", { ingreso: d(2024, 3, 1) })).toBeNull();
    expect(evaluate("dias(ingreso, egreso)", { egreso: d(2024, 3, 1) })).toBeNull();
  });
});

describe("anios", () => {
  it("counts someone born on 29 February as 23 on 28 February of their 24th year", () => {
    // 2000-02-29 → 2024-02-28: 24 calendar years, but 02-28 comes before 02-29, so 23.
    expect(evaluate("anios(fecha('2000-02-29'), fecha('2024-02-28'))")).toBe(23);
  });

  it("counts them 24 on 29 February 2024", () => {
    // Same month and day: the 24th year is complete.
    expect(evaluate("anios(fecha('2000-02-29'), fecha('2024-02-29'))")).toBe(24);
  });

  it("lets them turn a year older on 1 March in a common year, as date-fns does", () => {
    // 2000-02-29 → 2023-02-28: 23 calendar years, 02-28 < 02-29, so 22; on 2023-03-01, 23.
    expect(evaluate("anios(fecha('2000-02-29'), fecha('2023-02-28'))")).toBe(22);
    expect(evaluate("anios(fecha('2000-02-29'), fecha('2023-03-01'))")).toBe(23);
  });

  it("does not count a birthday that has not come yet", () => {
    // Born 1990-06-15: on 2024-06-14 still 33, on 2024-06-15 34.
    expect(evaluate("anios(nacimiento, ingreso)", { nacimiento: d(1990, 6, 15), ingreso: d(2024, 6, 14) })).toBe(33);
    expect(evaluate("anios(nacimiento, ingreso)", { nacimiento: d(1990, 6, 15), ingreso: d(2024, 6, 15) })).toBe(34);
  });

  it("works under 'años' too", () => {
    expect(evaluate("años(fecha('2000-02-29'), fecha('2024-02-29'))")).toBe(24);
  });

  it("is negative, truncated toward zero, when the second date comes first", () => {
    // 2024-03-01 back to 2023-03-02 is 364 days: not a complete year, so 0 (and not -0).
    expect(Object.is(yearsBetween(d(2024, 3, 1), d(2023, 3, 2)), 0)).toBe(true);
    expect(yearsBetween(d(2024, 3, 1), d(2022, 3, 1))).toBe(-2);
  });

  it("gives null when either date is missing", () => {
    expect(evaluate("anios(nacimiento, ingreso)", { nacimiento: d(1990, 6, 15) })).toBeNull();
  });
});

describe("meses", () => {
  it("does not count 31 January to 29 February as a month", () => {
    // 1 calendar month, but day 29 < day 31: 1 - 1 = 0.
    expect(evaluate("meses(fecha('2024-01-31'), fecha('2024-02-29'))")).toBe(0);
  });

  it("counts a month from a day to the same day of the next month", () => {
    expect(evaluate("meses(fecha('2024-01-15'), fecha('2024-02-15'))")).toBe(1);
    expect(evaluate("meses(fecha('2024-01-15'), fecha('2024-02-14'))")).toBe(0);
  });

  it("counts across a year end", () => {
    // 2023-11-30 → 2024-03-31: (2024*12+3) - (2023*12+11) = 4 calendar months, 31 ≥ 30: 4.
    expect(evaluate("meses(fecha('2023-11-30'), fecha('2024-03-31'))")).toBe(4);
  });

  it("is negative, truncated toward zero, when the second date comes first", () => {
    // From 2024-01-20 to 2024-03-15 is 2 - 1 = 1 complete month; backwards, -1.
    expect(monthsBetween(d(2024, 3, 15), d(2024, 1, 20))).toBe(-1);
    expect(Object.is(monthsBetween(d(2024, 2, 29), d(2024, 1, 31)), 0)).toBe(true);
  });

  it("gives null when either date is missing", () => {
    expect(evaluate("meses(ingreso, egreso)", { ingreso: d(2024, 1, 1) })).toBeNull();
  });
});

describe("anio and mes", () => {
  it("give the year and the month 1–12 of a date", () => {
    expect(evaluate("anio(egreso)", { egreso: d(2024, 2, 29) })).toBe(2024);
    expect(evaluate("mes(egreso)", { egreso: d(2024, 2, 29) })).toBe(2);
    expect(evaluate("mes(egreso)", { egreso: d(2023, 12, 31) })).toBe(12);
  });

  it("give null for a missing date", () => {
    expect(evaluate("anio(egreso)")).toBeNull();
    expect(evaluate("mes(egreso)")).toBeNull();
  });
});

describe("fecha", () => {
  it("reads a YYYY-MM-DD literal as its day number", () => {
    expect(evaluate("fecha('2024-02-29')")).toBe(19782);
  });

  it("builds a date from year, month and day columns", () => {
    expect(evaluate("fecha(anio_nac, mes_nac, dia_nac)", { anio_nac: 2024, mes_nac: 2, dia_nac: 29 })).toBe(19782);
  });

  it("gives null for combinations that are not dates, such as the sentinels 99 and 9999", () => {
    expect(evaluate("fecha(anio_nac, mes_nac, dia_nac)", { anio_nac: 2023, mes_nac: 2, dia_nac: 29 })).toBeNull();
    expect(evaluate("fecha(anio_nac, mes_nac, dia_nac)", { anio_nac: 2024, mes_nac: 1, dia_nac: 99 })).toBeNull();
    expect(evaluate("fecha(anio_nac, mes_nac, dia_nac)", { anio_nac: 2024, mes_nac: 99, dia_nac: 1 })).toBeNull();
    expect(evaluate("fecha(anio_nac, mes_nac, dia_nac)", { anio_nac: 9999, mes_nac: 1, dia_nac: 1 })).toBeNull();
    expect(evaluate("fecha(2024, 2, 30)")).toBeNull();
  });

  it("gives null when a part is missing", () => {
    expect(evaluate("fecha(anio_nac, mes_nac, dia_nac)", { anio_nac: 2024, mes_nac: 2 })).toBeNull();
  });

  it("compares with a date column", () => {
    expect(evaluate("egreso >= fecha('2024-01-01')", { egreso: d(2024, 1, 1) })).toBe(true);
    expect(evaluate("egreso >= fecha('2024-01-01')", { egreso: d(2023, 12, 31) })).toBe(false);
  });
});

describe("en_periodo", () => {
  // MARCH_2024 is the context month 2024*12 + 2.
  it("is true for the first and last day of the month being evaluated", () => {
    expect(evaluate("en_periodo(egreso)", { egreso: d(2024, 3, 1) })).toBe(true);
    expect(evaluate("en_periodo(egreso)", { egreso: d(2024, 3, 31) })).toBe(true);
  });

  it("is false the day before and the day after", () => {
    expect(evaluate("en_periodo(egreso)", { egreso: d(2024, 2, 29) })).toBe(false);
    expect(evaluate("en_periodo(egreso)", { egreso: d(2024, 4, 1) })).toBe(false);
  });

  it("is false for the same month of another year", () => {
    expect(evaluate("en_periodo(egreso)", { egreso: d(2023, 3, 15) })).toBe(false);
  });

  it("is null for a missing date", () => {
    expect(evaluate("en_periodo(egreso)")).toBeNull();
  });

  it("follows the context when the same compiled expression is called for another month", () => {
    const f = compileExpr(parseExpr("en_periodo(egreso)"), SCOPE);
    const jan = { month: 2024 * 12 + 0 };
    const dec = { month: 2023 * 12 + 11 };
    const lastOfDec = row({ egreso: d(2023, 12, 31) });
    expect([f(lastOfDec, dec), f(lastOfDec, jan), f(lastOfDec, dec)]).toEqual([true, false, true]);
  });
});
