import Decimal from "decimal.js";
import type { Indicator, Term } from "../catalog/load.js";
import type { Unidad } from "../catalog/schema.js";
import type { Node } from "../expr/index.js";
import type { Slot } from "./plan.js";
import type { Window } from "./periods.js";
import { firstDay, yearOf } from "./periods.js";
import type { Bucket, SourceStore } from "./store.js";
import type { MethodPlan } from "../catalog/methods.js";
import {
  bigScaledValue, evaluateBig, evaluateRatio, OVERFLOW, ratioBelow, ratioIsInteger, ratioNumber, ratioText, scaledValue, toBig, type BigRatio, type Ratio,
} from "./exact.js";
import {
  directStandardise, lifeTable, normalCI, poissonExactCI, sdg341, sullivan, tfr, wilsonCI, type Interval,
} from "../methods/index.js";

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

/** How a source's rows are bucketed in time. */
export type Grain = "mes" | "anio" | "ninguno";

/** The bucket keys of a store that one aggregate reads for a window. */
export function bucketsFor(store: SourceStore, grain: Grain, periodo: "suma" | "ultimo", w: Window): number[] {
  const keys = [...store.buckets.keys()];
  if (grain === "ninguno") return keys;
  if (periodo === "suma") {
    // A flow kept by year is counted for the year of the window's last month only: adding
    // the two whole years a 12-month window touches would count up to 24 months (README, Periods).
    return grain === "mes"
      ? keys.filter((k) => k >= w.start && k <= w.end)
      : keys.filter((k) => yearOf(k) === yearOf(w.end));
  }
  // A stock: the latest period at or before the end of the window (carried forward).
  const limit = grain === "mes" ? w.end : yearOf(w.end) * 12 + 11;
  let best = -Infinity;
  for (const k of keys) if (k <= limit && k > best) best = k;
  return best === -Infinity ? [] : [best];
}

/**
 * A stock (`periodo: ultimo`) read unit by unit: each org unit that has rows of its own
 * contributes its latest period at or before the end of the window (its last assessment,
 * its last staff roster), and those values are summed up the hierarchy. Taking one latest
 * period for the whole source instead would drop every unit assessed in an earlier month.
 */
export interface StockView {
  a: Float64Array;
  b: Float64Array;
  rows: Float64Array;
}

/**
 * The view of a stock, or null when the store has a single period at or before the end of
 * the window: then each unit's latest period is that one, and the view is the (rolled-up)
 * bucket itself, read like a flow. Views are not cached: one costs a pass over the nodes per
 * period, and keeping one per stock slot (three arrays of every node) held 90 MB on a
 * national extract.
 */
export function stockView(store: SourceStore, slot: Slot, grain: Grain, w: Window, parents: ArrayLike<number>): StockView | null {
  const limit0 = grain === "mes" ? w.end : yearOf(w.end) * 12 + 11;
  let periods = 0;
  for (const k of store.buckets.keys()) if (k <= limit0) periods++;
  if (periods <= 1) return null;
  const n = store.nNodes; // a prefix of the hierarchy (see storeNodes): parents come before children
  const limit = grain === "mes" ? w.end : yearOf(w.end) * 12 + 11;
  const keys = [...store.buckets.keys()].filter((k) => k <= limit).sort((x, y) => y - x); // latest first
  const a = new Float64Array(n), b = new Float64Array(n), rows = new Float64Array(n);
  const done = new Uint8Array(n);
  const ownA = new Float64Array(n), ownB = new Float64Array(n), ownRows = new Float64Array(n);
  for (const k of keys) {
    const bucket = store.buckets.get(k)!;
    // Own = rolled-up value minus the children's rolled-up values (exact: integer sums).
    const bk = slot.bIndex, nB = store.nB;
    for (let i = 0; i < n; i++) {
      ownA[i] = bucket.a[i * store.nSlots + slot.index];
      ownB[i] = bk < 0 ? 0 : bucket.b[i * nB + bk];
      ownRows[i] = bucket.rows[i];
    }
    for (let i = n - 1; i > 0; i--) {
      const p = parents[i];
      ownA[p] -= bucket.a[i * store.nSlots + slot.index];
      if (bk >= 0) ownB[p] -= bucket.b[i * nB + bk];
      ownRows[p] -= bucket.rows[i];
    }
    for (let i = 0; i < n; i++) {
      if (done[i] || ownRows[i] <= 0) continue;
      done[i] = 1;
      a[i] = ownA[i];
      b[i] = ownB[i];
      rows[i] = ownRows[i];
    }
  }
  for (let i = n - 1; i > 0; i--) {
    const p = parents[i];
    a[p] += a[i];
    b[p] += b[i];
    rows[p] += rows[i];
  }
  return { a, b, rows };
}

/** Exact value of a stock view at one node (null for a mean of nothing). */
export function stockRatio(view: StockView, slot: Slot, node: number): Ratio | null {
  if (node >= view.a.length) return sumRatio(0, slot.factor); // below the level the source's keys reach
  if (slot.aggregate.kind === "promedio") return view.b[node] === 0 ? null : meanRatio(view.a[node], slot.factor, view.b[node]);
  return sumRatio(view.a[node], slot.factor);
}

/** Exact value of one aggregate at one node over the given buckets of its store (null for a mean of nothing). */
export function aggregateRatio(store: SourceStore, slot: Slot, node: number, buckets: Bucket[]): Ratio | null {
  if (node >= store.nNodes) return slot.aggregate.kind === "promedio" ? null : { p: 0, q: 1 }; // below the level the source's keys reach
  const at = node * store.nSlots + slot.index;
  const kind = slot.aggregate.kind;
  if (kind === "distintos") {
    if (buckets.length === 1) return { p: buckets[0].sets.get(at)?.size ?? 0, q: 1 };
    const union = new Set<unknown>();
    for (const bucket of buckets) for (const v of bucket.sets.get(at) ?? []) union.add(v);
    return { p: union.size, q: 1 };
  }
  let a = 0, b = 0;
  const bAt = node * store.nB + slot.bIndex;
  for (let i = 0; i < buckets.length; i++) {
    a += buckets[i].a[at];
    if (kind === "promedio") b += buckets[i].b[bAt];
  }
  if (kind === "promedio") return b === 0 ? null : meanRatio(a, slot.factor, b);
  return sumRatio(a, slot.factor);
}

/** A sum of values scaled by `factor` (10^scale), as the exact rational it stands for. */
function sumRatio(a: number, factor: number): Ratio {
  if (factor === 1) return { p: a, q: 1 };
  return reduce(a, factor);
}

function meanRatio(a: number, factor: number, n: number): Ratio {
  return reduce(a, factor * n);
}

function reduce(p: number, q: number): Ratio {
  let x = Math.abs(p), y = q;
  while (y !== 0) [x, y] = [y, x % y];
  return x > 1 ? { p: p / x, q: q / x } : { p, q };
}

/**
 * Numerator and denominator of an indicator over its aggregates' values: rationals, exact;
 * in doubles while they stay safe integers, else in BigInt (see exact.ts).
 */
export function termsAt(ind: Indicator, env: Record<string, Ratio | null>): { num: Ratio | BigRatio | null; den: Ratio | BigRatio | null } {
  try {
    return { num: termRatio(ind.numerador, env), den: ind.denominador ? termRatio(ind.denominador, env) : null };
  } catch (e) {
    if (e !== OVERFLOW) throw e;
  }
  const big = bigEnv(env);
  return { num: termBig(ind.numerador, big), den: ind.denominador ? termBig(ind.denominador, big) : null };
}

/** One term (numerator or denominator) over aggregate values; throws OVERFLOW past safe integers. */
export function termRatio(term: Term, env: Record<string, Ratio | null>): Ratio | null {
  return term.kind === "agregado" ? env[term.name] ?? null : evaluateRatio(term.node, env);
}

/** One term over aggregate values in BigInt, where nothing overflows (the fallback, and explain). */
export function termBig(term: Term, env: Record<string, BigRatio | null>): BigRatio | null {
  return term.kind === "agregado" ? env[term.name] ?? null : evaluateBig(term.node, env);
}

/** The values of an environment in BigInt. */
export function bigEnv(env: Record<string, Ratio | null>): Record<string, BigRatio | null> {
  const big: Record<string, BigRatio | null> = {};
  for (const [k, v] of Object.entries(env)) big[k] = v && toBig(v);
  return big;
}

/** A rational as a decimal.js number (methods and intervals compute from these). */
export function toDecimal(r: Ratio | BigRatio): Dec {
  const p = new D(r.p.toString());
  return (typeof r.q === "number" ? r.q === 1 : r.q === 1n) ? p : p.div(r.q.toString());
}

export const UNIT_FACTOR: Record<Unidad, number> = {
  porcentaje: 100, por_1000: 1000, por_10000: 10000, por_100000: 100000,
  razon: 1, promedio: 1, conteo: 1, indice: 1, dias: 1, anios: 1,
};

/** Text of an exact decimal for the numerador/denominador columns: integers plain, others to 6 places at most. */
export function exactText(d: Dec): string {
  if (d.isInteger()) return d.toFixed(0);
  return d.toDecimalPlaces(6).toString();
}

/**
 * The value: numerator over denominator, times the unit's factor and, where asked, annualised;
 * rounded once, half away from zero, to the indicator's decimals. As an integer count of
 * 10^−decimals; null when the denominator is zero.
 */
export function indicatorValue(ind: Indicator, num: Ratio | BigRatio, den: Ratio | BigRatio | null, w: Window): number | bigint | null {
  const annual = ind.def.anualizar ? w.annualFactor : null;
  if (typeof num.p === "number" && (den === null || typeof den.p === "number")) {
    return scaledValue(num as Ratio, den as Ratio | null, UNIT_FACTOR[ind.def.unidad], annual, ind.def.decimales);
  }
  const big = (r: Ratio | BigRatio) => (typeof r.p === "number" ? toBig(r as Ratio) : (r as BigRatio));
  return bigScaledValue(big(num), den && big(den), UNIT_FACTOR[ind.def.unidad], annual ?? { num: 1, den: 1 }, ind.def.decimales);
}

// ---------------------------------------------------------------- methods, intervals, small numbers

/** What a `calculo` method gives at one node. */
export interface MethodOutcome {
  /**
   * Events of known age in the groups (plus those of unknown age when the groups take in every
   * age), and the population summed over the groups: plain sums, so they add up the hierarchy.
   */
  num: Dec | null;
  den: Dec | null;
  valor: Dec | null;
  /** The crude rate over the same groups, in the indicator's unit (direct standardisation). */
  crudo: Dec | null;
  /** Confidence bounds in the indicator's unit, unrounded; null when the method has no interval. */
  ic: Interval | null;
  /** Why there is no value: a group without population, or too few events for the method. */
  falta?: "sin_denominador" | "sin_datos" | "inestable";
}

const toNumber = (d: Dec | null) => (d === null ? 0 : d.toNumber());

/**
 * Runs an indicator's method on the per-group sums at one node. Events of unknown age are
 * spread over the known ages in proportion (WHO practice): each group's events are multiplied
 * by total / (total − unknown). Rates are annualised by days like any `anualizar` indicator;
 * life tables, probabilities and fertility always are, since they need rates per year.
 */
export function methodValue(ind: Indicator, plan: MethodPlan, env: Record<string, Dec | null>, w: Window, level: number): MethodOutcome {
  const total = env[plan.total] ?? new D(0);
  const unknown = plan.sinEdad ? env[plan.sinEdad] ?? new D(0) : new D(0);
  const known = total.minus(unknown);
  const spread = unknown.isZero() || known.lte(0) ? new D(1) : total.div(known);
  const counted = plan.numerador.map((n) => env[n] ?? new D(0));
  const events = counted.map((x) => x.times(spread));
  const population = plan.denominador.map((n) => env[n] ?? new D(0));
  const last = plan.grupos[plan.grupos.length - 1];
  const everyAge = plan.metodo === "fecundidad_total" || (plan.grupos[0].start === 0 && last.end === null);
  const num = counted.reduce((s, x) => s.plus(x), everyAge ? unknown : new D(0));
  const den = population.reduce((s, x) => s.plus(x), new D(0));
  const out: MethodOutcome = { num, den, valor: null, crudo: null, ic: null };
  if (population.some((p) => !p.gt(0))) return { ...out, falta: "sin_denominador" };
  const annual = plan.anual || ind.def.anualizar ? w.annualFactor.num / w.annualFactor.den : 1;
  if (!Number.isFinite(annual)) return { ...out, falta: "sin_datos" };
  const E = events.map((x) => x.toNumber());
  const PY = population.map((p) => p.toNumber() / annual);
  const factor = UNIT_FACTOR[ind.def.unidad];
  let value: number | null = null;
  let ci: Interval | null = null;
  switch (plan.metodo) {
    case "estandarizacion_directa": {
      const r = directStandardise(E, PY, plan.pesos!, level);
      if (r) {
        value = r.value * factor;
        ci = r.ci && { lower: r.ci.lower * factor, upper: r.ci.upper * factor };
        out.crudo = round(ind, new D(r.crude).times(factor));
      }
      break;
    }
    case "tabla_de_vida":
    case "hale_sullivan": {
      const table = lifeTable(plan.grupos, E, PY, { naxInicial: plan.naxInicial });
      const row = table?.[plan.edad!];
      if (!table || !row) break;
      if (plan.metodo === "tabla_de_vida") {
        value = row.e;
        if (Number.isFinite(row.varE)) ci = normalCI(row.e, Math.sqrt(row.varE), level);
      } else {
        if (!plan.prevalencia) return { ...out, falta: "sin_datos" };
        const h = sullivan(table, plan.prevalencia, plan.edad!);
        if (h) value = h.hale;
      }
      break;
    }
    case "probabilidad_ods_3_4_1": {
      const r = sdg341(plan.grupos, E, PY, level);
      if (r) {
        value = r.value * factor;
        ci = r.ci && { lower: r.ci.lower * factor, upper: r.ci.upper * factor };
      }
      break;
    }
    case "fecundidad_total": {
      if (plan.grupo !== undefined) {
        const i = plan.grupo;
        value = (E[i] / PY[i]) * factor;
        const c = poissonExactCI(E[i], level);
        ci = { lower: (c.lower / PY[i]) * factor, upper: (c.upper / PY[i]) * factor };
      } else {
        const r = tfr(plan.grupos, E, PY, level);
        if (r) {
          value = r.value * factor;
          ci = r.ci && { lower: r.ci.lower * factor, upper: r.ci.upper * factor };
        }
      }
      break;
    }
  }
  if (value === null || !Number.isFinite(value)) return { ...out, falta: "inestable" };
  return { ...out, valor: round(ind, new D(value)), ic: ci };
}

const round = (ind: Indicator, v: Dec): Dec => v.toDecimalPlaces(ind.def.decimales, Decimal.ROUND_HALF_UP);

/** The numerator is a count of events (rows): what the Poisson and binomial intervals assume. */
function countsEvents(ind: Indicator): boolean {
  const t = ind.numerador;
  return t.kind === "agregado" && ind.aggregates[t.name]?.kind === "conteo";
}

/**
 * Confidence bounds of an indicator without a method, in its unit, when its numerator counts
 * events: Wilson's interval for a percentage whose denominator counts the same kind of rows,
 * the exact Poisson interval for a rate (per 1 000, 10 000, 100 000), scaled like the value.
 * Null for everything else (sums, means, expressions, ratios of stocks).
 */
export function intervalFor(ind: Indicator, num: Exact | null, den: Exact | null, w: Window, level: number): Interval | null {
  if (num === null || den === null || !positive(den) || !isInteger(num) || !countsEvents(ind)) return null;
  const factor = UNIT_FACTOR[ind.def.unidad];
  const annual = ind.def.anualizar ? w.annualFactor.num / w.annualFactor.den : 1;
  const x = asNumber(num), n = asNumber(den);
  if (ind.def.unidad === "porcentaje") {
    if (!isInteger(den) || x > n) return null;
    const c = wilsonCI(x, n, level);
    return c && { lower: c.lower * factor * annual, upper: c.upper * factor * annual };
  }
  if (ind.def.unidad === "por_1000" || ind.def.unidad === "por_10000" || ind.def.unidad === "por_100000") {
    const c = poissonExactCI(x, level);
    return { lower: (c.lower / n) * factor * annual, upper: (c.upper / n) * factor * annual };
  }
  return null;
}

/** A numerator or denominator: exact rational (terms) or decimal (methods). */
export type Exact = Ratio | BigRatio | Dec;

const isDec = (x: Exact): x is Dec => x instanceof D;
const isInteger = (x: Exact) => (isDec(x) ? x.isInteger() : ratioIsInteger(x));
const asNumber = (x: Exact) => (isDec(x) ? x.toNumber() : ratioNumber(x));
const positive = (x: Exact) => (isDec(x) ? x.gt(0) : x.p > 0); // a ratio's q is positive
const below = (min: number, x: Exact) => (isDec(x) ? x.lt(min) : ratioBelow(x, min));

/** Text of a numerator or denominator for the result columns: integers plain, others to 6 places at most. */
export function termText(x: Exact): string {
  return isDec(x) ? exactText(x) : ratioText(x);
}

/** Events below which an impact-dimension rate or a method is `inestable` when the indicator sets no minimum (NCHS: rates on fewer than 20 deaths). */
export const DEFAULT_MINIMO_NUMERADOR = 20;
/** Population below which a life table is `inestable` by default (ONS/PHE: 5 000 for small-area life expectancy). */
export const DEFAULT_MINIMO_POBLACION_TABLA = 5000;

/** The small-numbers rule of an indicator: its own minimums, or the defaults that apply to it. */
export function minimumsOf(ind: Indicator): { numerador?: number; denominador?: number } {
  const own = { numerador: ind.def.minimo_numerador, denominador: ind.def.minimo_denominador };
  if (own.numerador !== undefined || own.denominador !== undefined) return own;
  const metodo = ind.def.calculo?.metodo;
  if (metodo === "tabla_de_vida" || metodo === "hale_sullivan") return { denominador: DEFAULT_MINIMO_POBLACION_TABLA };
  const rate = ind.def.unidad === "por_1000" || ind.def.unidad === "por_10000" || ind.def.unidad === "por_100000";
  if (metodo || (ind.def.dimension === "impacto" && rate)) return { numerador: DEFAULT_MINIMO_NUMERADOR };
  return {};
}

/** `isUnstable` for one indicator, its minimums looked up once. */
export function unstableTest(ind: Indicator): (num: Exact | null, den: Exact | null) => boolean {
  const min = minimumsOf(ind);
  if (min.numerador === undefined && min.denominador === undefined) return () => false;
  return (num, den) =>
    (min.numerador !== undefined && num !== null && below(min.numerador, num)) || (min.denominador !== undefined && den !== null && below(min.denominador, den));
}

/** True when the numerator or the denominator is below the indicator's minimum: the value is unreliable. */
export function isUnstable(ind: Indicator, num: Exact | null, den: Exact | null): boolean {
  const min = minimumsOf(ind);
  if (min.numerador !== undefined && num !== null && below(min.numerador, num)) return true;
  if (min.denominador !== undefined && den !== null && below(min.denominador, den)) return true;
  return false;
}

/** Rounds a bound like the value: half-up to the indicator's decimals. */
export function boundText(ind: Indicator, x: number): string {
  return new D(x).toDecimalPlaces(ind.def.decimales, Decimal.ROUND_HALF_UP).toFixed(ind.def.decimales);
}

/**
 * The window as a method sees it: annualised over the days of the months in which the
 * numerator's (monthly) source has rows, so that a 12-month life table over an extract of three
 * months reads a year's mortality rather than a quarter of it. `partial` says the window was not
 * fully covered; those rows carry the status `incompleto`.
 */
export function observedWindow(w: Window, store: SourceStore | undefined, monthly: boolean): { window: Window; partial: boolean } {
  if (!store || !monthly) return { window: w, partial: false };
  let days = 0;
  for (let m = w.start; m <= w.end; m++) if (store.buckets.has(m)) days += firstDay(m + 1) - firstDay(m);
  if (days === w.days) return { window: w, partial: false };
  return { window: { ...w, annualFactor: { num: w.annualFactor.num * w.days, den: w.annualFactor.den * Math.max(days, 0) } }, partial: true };
}
