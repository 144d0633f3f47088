import Decimal from "decimal.js";
import type { Indicator, Term } from "../catalog/load.js";
import type { Unidad } from "../catalog/schema.js";
import type { Node } from "../expr/index.js";
import type { Slot } from "./plan.js";
import type { Window } from "./periods.js";
import { yearOf } from "./periods.js";
import type { SourceStore } from "./store.js";

export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

/** How a source's rows are bucketed in time. */
export type Grain = "mes" | "anio" | "ninguno";

/** The bucket keys of a store that one aggregate reads for a window. */
export function bucketsFor(store: SourceStore, grain: Grain, periodo: "suma" | "ultimo", w: Window): number[] {
  const keys = [...store.buckets.keys()];
  if (grain === "ninguno") return keys;
  if (periodo === "suma") {
    return grain === "mes"
      ? keys.filter((k) => k >= w.start && k <= w.end)
      : keys.filter((k) => yearOf(k) >= yearOf(w.start) && yearOf(k) <= yearOf(w.end));
  }
  // A stock: the latest period at or before the end of the window (carried forward).
  const limit = grain === "mes" ? w.end : yearOf(w.end) * 12 + 11;
  let best = -Infinity;
  for (const k of keys) if (k <= limit && k > best) best = k;
  return best === -Infinity ? [] : [best];
}

/** Exact value of one aggregate at one node over the given buckets (null for a mean of nothing). */
export function aggregateAt(store: SourceStore, slot: Slot, node: number, keys: number[]): Dec | null {
  const at = node * store.nSlots + slot.index;
  const kind = slot.aggregate.kind;
  if (kind === "distintos") {
    const union = new Set<unknown>();
    for (const k of keys) for (const v of store.buckets.get(k)!.sets.get(at) ?? []) union.add(v);
    return new D(union.size);
  }
  let a = 0, b = 0;
  for (const k of keys) {
    const bucket = store.buckets.get(k)!;
    a += bucket.a[at];
    b += bucket.b[at];
  }
  const sum = slot.factor === 1 ? new D(a) : new D(a).div(slot.factor);
  if (kind === "promedio") return b === 0 ? null : sum.div(b);
  return sum;
}

/** Evaluates a numerator/denominator expression over aggregate values with exact decimals; null propagates, x/0 is null. */
export function evalTerm(node: Node, env: Record<string, Dec | null>): Dec | null {
  switch (node.kind) {
    case "num":
      return new D(node.value);
    case "col":
      return env[node.name] ?? null;
    case "unary": {
      const v = evalTerm(node.arg, env);
      return v === null ? null : node.op === "-" ? v.neg() : null;
    }
    case "binary": {
      const l = evalTerm(node.left, env);
      const r = evalTerm(node.right, env);
      if (l === null || r === null) return null;
      switch (node.op) {
        case "+": return l.plus(r);
        case "-": return l.minus(r);
        case "*": return l.times(r);
        case "/": return r.isZero() ? null : l.div(r);
        default: return null;
      }
    }
    case "call": {
      const args = node.args.map((a) => evalTerm(a, env));
      if (node.name === "coalesce") return args.find((a) => a !== null) ?? null;
      if (args.some((a) => a === null)) return null;
      const xs = args as Dec[];
      if (node.name === "abs") return xs[0].abs();
      if (node.name === "min") return D.min(...xs);
      if (node.name === "max") return D.max(...xs);
      return null;
    }
    default:
      return null;
  }
}

export function termValue(term: Term, env: Record<string, Dec | null>): Dec | null {
  return term.kind === "agregado" ? env[term.name] ?? null : evalTerm(term.node, env);
}

export const UNIT_FACTOR: Record<Unidad, number> = {
  porcentaje: 100, por_1000: 1000, por_10000: 10000, por_100000: 100000,
  razon: 1, promedio: 1, conteo: 1, indice: 1, dias: 1,
};

/** Text of an exact decimal for the numerador/denominador columns: integers plain, others to 6 places at most. */
export function exactText(d: Dec): string {
  if (d.isInteger()) return d.toFixed(0);
  return d.toDecimalPlaces(6).toString();
}

/** The value: numerator over denominator, times the unit's factor and, where asked, annualised; rounded once, half-up. */
export function indicatorValue(ind: Indicator, num: Dec, den: Dec | null, w: Window): Dec | null {
  let v = num;
  if (den !== null) {
    if (den.isZero()) return null;
    v = v.div(den);
  }
  v = v.times(UNIT_FACTOR[ind.def.unidad]);
  if (ind.def.anualizar) v = v.times(w.annualFactor.num).div(w.annualFactor.den);
  return v.toDecimalPlaces(ind.def.decimales, Decimal.ROUND_HALF_UP);
}
