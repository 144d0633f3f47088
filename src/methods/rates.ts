/**
 * Summary measures over age-specific rates: the SDG 3.4.1 probability of premature death,
 * fertility (age-specific and total) and direct age standardisation.
 */
import { widthOf, type AgeGroup } from "./groups.js";
import { fayFeuerCI, normalCI, type Interval } from "./intervals.js";

/** A rate or probability and its confidence interval. */
export interface Estimate {
  value: number;
  /** The interval at the requested level; null when it cannot be estimated. */
  ci: Interval | null;
}

/**
 * SDG 3.4.1: the unconditional probability of dying between exact ages 30 and 70 from
 * cardiovascular disease, cancer, diabetes or chronic respiratory disease (ICD-10 I00–I99,
 * C00–C97, E10–E14, J30–J98), by the life-table method of the indicator's metadata (UN SDG
 * metadata 03-04-01; WHO, NCD Global Monitoring Framework: Indicator Definitions and
 * Specifications, 2014, p. 6):
 *   ₅Mₓ = deaths from the four causes / person-years, for x = 30, 35, …, 65
 *   ₅qₓ = 5·₅Mₓ / (1 + 2.5·₅Mₓ)
 *   ₄₀q₃₀ = 1 − Πₓ (1 − ₅qₓ)
 * Groups of another width n use nM/(1 + n/2·M). The interval is a normal one on the delta-method
 * variance Σ (∂P/∂qₓ)² var(qₓ), var(qₓ) = qₓ²(1 − qₓ)/Dₓ (Chiang).
 */
export function sdg341(groups: AgeGroup[], deaths: number[], personYears: number[], level = 0.95): Estimate | null {
  const k = groups.length;
  if (k === 0 || deaths.length !== k || personYears.length !== k) return null;
  const q: number[] = [];
  for (let i = 0; i < k; i++) {
    const n = widthOf(groups[i]);
    if (n === null || !(personYears[i] > 0) || deaths[i] < 0) return null;
    const m = deaths[i] / personYears[i];
    q.push(Math.min(1, (n * m) / (1 + (n / 2) * m)));
  }
  const survive = q.reduce((s, qi) => s * (1 - qi), 1);
  let variance = 0;
  for (let i = 0; i < k; i++) {
    if (deaths[i] === 0 || q[i] >= 1) continue;
    const others = survive / (1 - q[i]);
    variance += others * others * ((q[i] * q[i] * (1 - q[i])) / deaths[i]);
  }
  const value = 1 - survive;
  const ci = normalCI(value, Math.sqrt(variance), level);
  return { value, ci: { lower: Math.max(0, ci.lower), upper: Math.min(1, ci.upper) } };
}

/** Age-specific fertility rates: births to women of each group over the women's person-years. */
export function asfr(births: number[], womanYears: number[]): number[] | null {
  if (births.length !== womanYears.length) return null;
  const out: number[] = [];
  for (let i = 0; i < births.length; i++) {
    if (!(womanYears[i] > 0)) return null;
    out.push(births[i] / womanYears[i]);
  }
  return out;
}

/**
 * Total fertility rate: TFR = Σ nᵢ·ASFRᵢ, the children a woman would have through the
 * reproductive ages at current rates (UN DESA, Handbook on the Collection of Fertility and
 * Mortality Data, 2004; Preston et al. 2001, § 5.3). It is a weighted sum of Poisson counts
 * (weights nᵢ / woman-yearsᵢ), so the Fay–Feuer gamma interval applies.
 */
export function tfr(groups: AgeGroup[], births: number[], womanYears: number[], level = 0.95): Estimate | null {
  const rates = asfr(births, womanYears);
  if (!rates || rates.length !== groups.length) return null;
  const weights: number[] = [];
  let value = 0;
  for (let i = 0; i < groups.length; i++) {
    const n = widthOf(groups[i]);
    if (n === null) return null;
    value += n * rates[i];
    weights.push(n / womanYears[i]);
  }
  return { value, ci: fayFeuerCI(births, weights, level) };
}

/**
 * Direct age standardisation: Σ wᵢ·Dᵢ/PYᵢ with the standard's weights wᵢ normalised to sum 1
 * over the groups used (a standard covering more ages is truncated to these). The interval is
 * Fay & Feuer's (1997), the one WHO, NCHS and NCI SEER*Stat use for age-adjusted rates.
 */
export function directStandardise(events: number[], personYears: number[], standard: number[], level = 0.95): (Estimate & { crude: number }) | null {
  const k = events.length;
  if (k === 0 || personYears.length !== k || standard.length !== k) return null;
  const total = standard.reduce((s, w) => s + w, 0);
  if (!(total > 0)) return null;
  let value = 0, D = 0, PY = 0;
  const weights: number[] = [];
  for (let i = 0; i < k; i++) {
    if (!(personYears[i] > 0)) return null;
    const w = standard[i] / total;
    value += (w * events[i]) / personYears[i];
    weights.push(w / personYears[i]);
    D += events[i];
    PY += personYears[i];
  }
  return { value, crude: D / PY, ci: fayFeuerCI(events, weights, level) };
}
