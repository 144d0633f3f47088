/**
 * Civil (proleptic Gregorian, UTC) dates as integer days since 1970-01-01, the runtime form of a
 * `date` value. Conversions follow Howard Hinnant's `days_from_civil` / `civil_from_days`: plain
 * integer arithmetic, no `Date` objects, nothing allocated on the per-row paths.
 */

/** Years a built date may have: outside them `fecha(a, m, d)` gives null and `fecha('…')` is an error. */
export const MIN_YEAR = 1800;
export const MAX_YEAR = 2200;

/** Days since 1970-01-01 of the civil date y-m-d (m 1–12, d 1–31). No validation. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number. Allocates: for per-row work use `packedFromDays`. */
export function civilFromDays(days: number): { y: number; m: number; d: number } {
  const p = packedFromDays(days);
  return { y: Math.floor(p / 10000), m: Math.floor(p / 100) % 100, d: p % 100 };
}

/**
 * The civil date of a day number packed as one integer `y*10000 + m*100 + d` (2024-03-31 is
 * 20240331), so year, month and the month-day pair come out without allocating. Years ≥ 0.
 */
export function packedFromDays(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10000 + m * 100 + d;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Day number of y-m-d when it is a real date with a year in [MIN_YEAR, MAX_YEAR], else null. */
export function validDays(y: number, m: number, d: number): number | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return daysFromCivil(y, m, d);
}

/** Day number of a strict `YYYY-MM-DD` text, or null when it is not a valid date. */
export function parseIsoDate(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  return validDays(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `YYYY-MM-DD` of a day number. */
export function formatIsoDate(days: number): string {
  const p = packedFromDays(days);
  return `${String(Math.floor(p / 10000)).padStart(4, "0")}-${String(Math.floor(p / 100) % 100).padStart(2, "0")}-${String(p % 100).padStart(2, "0")}`;
}

/** Year of a day number. */
export function yearOfDays(days: number): number {
  return Math.floor(packedFromDays(days) / 10000);
}

/** Month (1–12) of a day number. */
export function monthOfDays(days: number): number {
  return Math.floor(packedFromDays(days) / 100) % 100;
}

/** Month index `year*12 + (month-1)`, the form `EvalContext.month` uses. */
export function monthIndexOfDays(days: number): number {
  const p = packedFromDays(days);
  return Math.floor(p / 10000) * 12 + (Math.floor(p / 100) % 100) - 1;
}

/** Day number of the first day of month index `year*12 + (month-1)`. */
export function firstDayOfMonthIndex(index: number): number {
  const y = Math.floor(index / 12);
  return daysFromCivil(y, index - y * 12 + 1, 1);
}

/**
 * Complete months from `a` to `b`: calendar months between them, less one when b's day of month
 * is before a's (2024-01-31 → 2024-02-29 is 0). Negative when b is before a, truncated toward
 * zero. The same rule as PostgreSQL's `age()`.
 */
export function monthsBetween(a: number, b: number): number {
  if (a > b) {
    const r = monthsBetween(b, a);
    return r === 0 ? 0 : -r;
  }
  const pa = packedFromDays(a);
  const pb = packedFromDays(b);
  const ma = Math.floor(pa / 10000) * 12 + (Math.floor(pa / 100) % 100);
  const mb = Math.floor(pb / 10000) * 12 + (Math.floor(pb / 100) % 100);
  return mb - ma - (pb % 100 < pa % 100 ? 1 : 0);
}

/**
 * Complete years from `a` to `b` (age at b of someone born on a): calendar years, less one when
 * b's month-day is before a's. Someone born on 29 February turns a year older on 1 March in
 * common years, as date-fns `differenceInYears` counts. Negative when b is before a.
 */
export function yearsBetween(a: number, b: number): number {
  if (a > b) {
    const r = yearsBetween(b, a);
    return r === 0 ? 0 : -r;
  }
  const pa = packedFromDays(a);
  const pb = packedFromDays(b);
  return Math.floor(pb / 10000) - Math.floor(pa / 10000) - (pb % 10000 < pa % 10000 ? 1 : 0);
}
