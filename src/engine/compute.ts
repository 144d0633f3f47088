/**
 * The evaluation stage: from the partial sums of one pass (`ingest`) to each indicator's
 * numerator, denominator, value and status at every org unit, for a period. It knows windows,
 * periods and methods; it knows nothing of targets, logro or semáforo, which scoring
 * (src/scoring/rows.ts) adds to what this stage hands over.
 */
import type { Indicator } from "../catalog/load.js";
import { METODOS, NIVELES, type Nivel, type Ventana } from "../catalog/schema.js";
import { MasbError } from "../errors.js";
import { ENTIDAD_NO_ESPECIFICADA, Hierarchy, type OrgNode } from "../hierarchy/index.js";
import {
  aggregateRatio, boundText, bucketsFor, stockRatio, stockView, type StockView, indicatorValue, intervalFor, unstableTest, methodValue, observedWindow, termsAt, termText, toDecimal,
  type Dec, type Exact, type MethodOutcome,
} from "./evaluate.js";
import { differenceText, fixedText, type Ratio } from "./exact.js";
import type { Slot } from "./plan.js";
import type { Bucket, SourceStore } from "./store.js";
import { variablesReport } from "./variables.js";
import { parseMonth, windowFor, type Window } from "./periods.js";
import { closedUnitsWithoutRows, evaluationAvisos, flowSourcesWithoutData, windowCovered } from "./coverage.js";
import {
  grainOf, ingest, selectIndicators,
  type Extract, type FileReport, type FileRunner, type IngestOptions, type Ingested, type ProgressEvent, type SourceInput, type TraceEntry,
} from "./ingest.js";

export { evaluationAvisos, grainOf, ingest, selectIndicators };
export type { Extract, FileReport, FileRunner, IngestOptions, Ingested, ProgressEvent, SourceInput, TraceEntry };

export type Estado = "ok" | "sin_denominador" | "sin_datos" | "incompleto" | "inestable" | "metodo_pendiente" | "no_calculable";

/** Methods of `calculo` the engine computes; others leave the status `metodo_pendiente`. */
export const IMPLEMENTED_METHODS = new Set<string>(METODOS);

/**
 * What evaluation hands to scoring for one org unit: numerator, denominator, value and status,
 * and the columns the options add. Handed to a callback and reused for the next unit (copy
 * what you keep), as a reader hands its rows.
 */
export interface Evaluation {
  node: OrgNode;
  /** Label of the window: `2024-03`, `2024-01/2024-03`. */
  periodo: string;
  numerador: string | null;
  denominador: string | null;
  /** Rounded to the indicator's decimals, as text; null without a value (or suppressed). */
  valor: string | null;
  estado: Estado;
  /** The value as an exact ratio, when at hand, so that scoring need not parse `valor`. */
  exact: Ratio | undefined;
  /** With `tendencia`: the window ending one month earlier, its value, and the difference. */
  periodo_anterior?: string;
  valor_anterior?: string | null;
  cambio?: string | null;
  /** The crude rate beside a directly standardised value; null for every other indicator. */
  valor_crudo: string | null;
  /** With `intervalos`: confidence bounds of the value; null where no interval applies. */
  ic_inferior?: string | null;
  ic_superior?: string | null;
}

/** Which results to produce from what was read. */
export interface EvaluateOptions {
  /** `YYYY-MM`; defaults to the latest month with data in the extract. */
  period?: string;
  /** Overrides every indicator's own window. */
  ventana?: Ventana;
  /** Levels to emit; `nacional` is always emitted. */
  by?: Nivel[];
  /** Add `periodo_anterior`, `valor_anterior` and `cambio` to every row (the window ending one month earlier). */
  tendencia?: boolean;
  /** Add `ic_inferior` and `ic_superior` to every row: true for 95 % bounds, or the level (0.9, 0.99). */
  intervalos?: boolean | number;
  /** Blank `valor` (and its bounds) where the status is `inestable`, as statistical offices suppress small numbers. */
  suprimir?: boolean;
}

/**
 * Evaluates one indicator at every requested level for the period, handing each org unit's
 * evaluation to `emit` (one object, reused) in the order of the hierarchy.
 */
export function eachEvaluation(ingested: Ingested, ind: Indicator, options: EvaluateOptions, emit: (e: Evaluation) => void): void {
  const end = resolvePeriod(ingested, options.period);
  const levels = new Set<Nivel>(["nacional", ...(options.by ?? NIVELES)]);
  const w = windowFor(end, options.ventana ?? ind.def.ventana);
  const previous = options.tendencia ? windowFor(end - 1, options.ventana ?? ind.def.ventana) : undefined;
  evaluateIndicator(ind, ingested, w, levels, emit, previous, options);
}

/** The month the windows end at: the requested one, or the latest with data. */
export function resolvePeriod(ingested: Pick<Ingested, "latestMonth">, period: string | undefined): number {
  if (period) {
    const p = parseMonth(period);
    if (p === null) throw new MasbError("MASB_PERIODO_INVALIDO", `periodo '${period}' inválido: use AAAA-MM, por ejemplo 2024-03`, { value: period });
    return p;
  }
  if (ingested.latestMonth < 0) throw new MasbError("MASB_SIN_PERIODO", "el extracto no tiene datos mensuales de los que tomar el periodo; indique el periodo (AAAA-MM)");
  return ingested.latestMonth;
}

/** One aggregate of an indicator over a window: the buckets a flow sums, or a stock's view. */
interface Part {
  name: string;
  slot: Slot;
  store: SourceStore;
  buckets: Bucket[];
  view: StockView | null;
}

function evaluateIndicator(
  ind: Indicator, ingested: Ingested, w: Window, levels: Set<Nivel>, emit: (e: Evaluation) => void, previous: Window | undefined,
  { intervalos, suprimir }: Pick<EvaluateOptions, "intervalos" | "suprimir">,
): void {
  const { plan, stores, hierarchy: h, missingSources, catalog } = ingested;
  const slots = plan.slotOf.get(ind)!;
  const names = Object.keys(ind.aggregates);
  // No data: a source missing (or empty), a flow whose source does not reach the window, or
  // none of an aggregate's variables in its wide files (src/engine/variables.ts).
  const sinDatos = ind.sources.some((s) => missingSources.includes(s)) || flowSourcesWithoutData(ind, ingested, w).length > 0
    || variablesReport(ingested).sinDatos.has(ind.id);
  const closed = closedUnitsWithoutRows(ind, ingested, w);
  const finest = NIVELES.indexOf(ind.desdeNivel);
  const parents = h.nodes.map((x) => x.parent);
  /** Per aggregate: the buckets a flow sums, or the unit-by-unit view of a stock. */
  const keysFor = (win: Window): Part[] => names.map((name) => {
    const slot = slots[name];
    const store = stores.get(slot.aggregate.source)!;
    const grain = grainOf(catalog.sources.get(slot.aggregate.source)!);
    if (slot.aggregate.periodo === "ultimo" && grain !== "ninguno" && slot.aggregate.kind !== "distintos") {
      const view = stockView(store, slot, grain, win, parents);
      if (view) return { name, slot, store, buckets: [], view };
    }
    const buckets = bucketsFor(store, grain, slot.aggregate.periodo, win).map((k) => store.buckets.get(k)!);
    return { name, slot, store, buckets, view: null };
  });
  const keysOf = keysFor(w);
  // The trend compares with the window ending a month earlier, only where the extract covers it.
  const keysBefore = previous && windowCovered(ind, ingested, previous) ? keysFor(previous) : null;
  const monthly = ind.sources.filter((s) => ingested.reports.has(s)).map((s) => ingested.reports.get(s)!);
  const missingReports = incompleteUnits(h, monthly, w);
  // Not computable from the declared sources (`no_calculable`) is handled like a pending method: no value, its own status.
  const pending = Boolean(ind.noCalculable) || Boolean(ind.def.calculo && !IMPLEMENTED_METHODS.has(ind.def.calculo.metodo));
  const level = typeof intervalos === "number" ? intervalos : 0.95;
  // A method reads its rates per year of the months its events' source covers (see observedWindow).
  const eventSource = ind.metodo ? catalog.sources.get(ind.aggregates[ind.metodo.total].source) : undefined;
  const observe = (win: Window) => observedWindow(win, eventSource && stores.get(eventSource.name), Boolean(eventSource) && grainOf(eventSource!) === "mes");
  /** Numerator, denominator and value of one node over one window's buckets. */
  const valueAt = (node: number, win: Window, parts: Part[]) => {
    const env: Record<string, Ratio | null> = { dias_periodo: { p: win.days, q: 1 }, meses_periodo: { p: win.months, q: 1 } };
    // Whether any of its aggregates counted something here: the entidad "no especificada" is
    // reported only then (other universes' rows may attach there and count for none of these).
    let attached = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const r = part.view ? stockRatio(part.view, part.slot, node) : aggregateRatio(part.store, part.slot, node, part.buckets);
      env[part.name] = r;
      if (r !== null && r.p !== 0) attached++;
    }
    let num: Exact | null = null, den: Exact | null = null;
    /** The value rounded to the indicator's decimals, as text. */
    let valor: string | null = null;
    let method: MethodOutcome | null = null;
    let partial = false;
    /** The value as an exact ratio, when at hand (scoring need not parse its text). */
    let exact: Ratio | undefined;
    if (!pending && !sinDatos && ind.metodo) {
      const seen = observe(win);
      const decimals: Record<string, Dec | null> = {};
      for (const [k, v] of Object.entries(env)) decimals[k] = v && toDecimal(v);
      method = methodValue(ind, ind.metodo, decimals, seen.window, level);
      partial = seen.partial;
      ({ num, den } = method);
      valor = method.valor === null ? null : method.valor.toFixed(ind.def.decimales);
    } else if (!pending && !sinDatos) {
      const terms = termsAt(ind, env);
      ({ num, den } = terms);
      if (terms.num !== null && !(ind.denominador && terms.den === null)) {
        const k = indicatorValue(ind, terms.num, terms.den, win);
        valor = k === null ? null : fixedText(k, ind.def.decimales);
        if (typeof k === "number") exact = { p: k, q: 10 ** ind.def.decimales };
      }
    }
    return { attached, num, den, valor, method, partial, exact };
  };
  const unstable = unstableTest(ind);
  const standardised = ind.metodo?.metodo === "estandarizacion_directa";
  const out: Evaluation = { node: h.nodes[0], periodo: w.label, numerador: null, denominador: null, valor: null, estado: "ok", exact: undefined, valor_crudo: null };
  for (const node of h.nodes) {
    if (!levels.has(node.nivel) || NIVELES.indexOf(node.nivel) > finest || closed?.has(node.index)) continue;
    const { attached, num, den, valor: computed, method, partial, exact } = valueAt(node.index, w, keysOf);
    if (node.key === ENTIDAD_NO_ESPECIFICADA && attached === 0) continue;
    let estado: Estado;
    if (ind.noCalculable) estado = "no_calculable";
    else if (pending) estado = "metodo_pendiente";
    else if (sinDatos) estado = "sin_datos";
    else if (computed === null) estado = method?.falta ?? "sin_denominador";
    else if (missingReports[node.index] > 0 || partial) estado = "incompleto";
    else estado = unstable(num, den) ? "inestable" : "ok";
    // Small numbers: with `suprimir`, an unreliable value is not shown at all.
    const hidden = Boolean(suprimir) && (estado === "inestable" || (estado === "incompleto" && unstable(num, den)));
    const valor = hidden ? null : computed;
    out.node = node;
    out.numerador = num === null ? null : termText(num);
    out.denominador = den === null ? null : termText(den);
    out.valor = valor;
    out.estado = estado;
    out.exact = hidden ? undefined : exact;
    if (previous) {
      const before = keysBefore ? valueAt(node.index, previous, keysBefore).valor : null;
      out.periodo_anterior = previous.label;
      out.valor_anterior = before;
      out.cambio = before === null || valor === null ? null : differenceText(valor, before, ind.def.decimales);
    }
    out.valor_crudo = standardised && !hidden && method?.crudo ? method.crudo.toFixed(ind.def.decimales) : null;
    if (intervalos) {
      const ic = valor === null ? null : method ? method.ic : intervalFor(ind, num, den, w, level);
      out.ic_inferior = ic ? boundText(ind, ic.lower) : null;
      out.ic_superior = ic ? boundText(ind, ic.upper) : null;
    }
    emit(out);
  }
}

/**
 * For each node, how many units below it that must report did not send a row in some file
 * (SIS apartado) of a required monthly source in some month of the window.
 */
function incompleteUnits(h: Hierarchy, monthly: Map<string, Map<number, Uint8Array>>[], w: Window): Float64Array {
  const missing = new Float64Array(h.size);
  if (monthly.length === 0) return missing;
  // A unit is expected in a file (apartado) when it sent that file in some month of the
  // extract: hospitals that never send the primary-care apartados are not incomplete for
  // them. A unit that must report and sent no file at all in a month of the window is.
  const files = monthly.flatMap((f) => [...f.values()]);
  const sentEver = files.map((months) => {
    const any = new Uint8Array(h.size);
    for (const sent of months.values()) for (let i = 0; i < sent.length; i++) any[i] |= sent[i];
    return any;
  });
  for (let i = h.size - 1; i >= 0; i--) {
    const node = h.nodes[i];
    if (node.nivel === "clues" && node.reporta) {
      let gap = false;
      for (let m = w.start; m <= w.end && !gap; m++) {
        let sentSome = false;
        files.forEach((months, f) => {
          const sent = months.get(m)?.[i] ?? 0;
          if (sent) sentSome = true;
          else if (sentEver[f][i]) gap = true;
        });
        if (!sentSome) gap = true;
      }
      if (gap) missing[i] = 1;
    }
    if (node.parent >= 0) missing[node.parent] += missing[i];
  }
  return missing;
}
