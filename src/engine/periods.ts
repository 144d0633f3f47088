import type { Ventana } from "../catalog/schema.js";
import { MasbError } from "../errors.js";
import { daysFromCivil } from "../expr/index.js";

/** Months are counted as `year * 12 + (month - 1)` everywhere in the engine. */
export type MonthIndex = number;

export const monthIndex = (year: number, month: number): MonthIndex => year * 12 + (month - 1);
export const yearOf = (m: MonthIndex) => Math.floor(m / 12);
export const monthOf = (m: MonthIndex) => (m % 12) + 1;
export const monthLabel = (m: MonthIndex) => `${yearOf(m)}-${String(monthOf(m)).padStart(2, "0")}`;

export function parseMonth(text: string): MonthIndex | null {
  const m = /^(\d{4})-(\d{2})$/.exec(text);
  if (!m || +m[2] < 1 || +m[2] > 12) return null;
  return monthIndex(+m[1], +m[2]);
}

/**
 * Refuses a requested period that is not `AAAA-MM` (`2024-13`), before anything is read:
 * the run would fail at the end otherwise. Nothing to check when no period is given.
 */
export function checkPeriod(period: string | undefined): void {
  if (period === undefined || parseMonth(String(period)) !== null) return;
  throw new MasbError("MASB_PERIODO_INVALIDO", `periodo '${period}' inválido: use AAAA-MM, por ejemplo 2024-03`, { value: String(period) });
}

/** First day (days since epoch) of a month. */
export const firstDay = (m: MonthIndex) => daysFromCivil(yearOf(m), monthOf(m), 1);

/** The months an indicator sums over, ending at the selected period. */
export interface Window {
  ventana: Ventana;
  start: MonthIndex;
  end: MonthIndex;
  /** Label for the `periodo` column: `2024-03`, `2024-01/2024-03`. */
  label: string;
  /** Days from the first day of `start` to the last day of `end`. */
  days: number;
  months: number;
  /**
   * Annualisation factor: the days of the 12 months ending with `end`, over the window's
   * days. Counting days (not months) keeps February from looking 10% less busy than January.
   */
  annualFactor: { num: number; den: number };
}

export function windowFor(end: MonthIndex, ventana: Ventana): Window {
  const start = ventana === "mes" ? end : ventana === "acumulado_anual" ? monthIndex(yearOf(end), 1) : end - 11;
  const days = firstDay(end + 1) - firstDay(start);
  const yearDays = firstDay(end + 1) - firstDay(end - 11);
  return {
    ventana,
    start,
    end,
    label: start === end ? monthLabel(end) : `${monthLabel(start)}/${monthLabel(end)}`,
    days,
    months: end - start + 1,
    annualFactor: { num: yearDays, den: days },
  };
}
