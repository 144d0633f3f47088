import type { Catalog, Indicator } from "../catalog/load.js";
import { METODOS, NIVELES, type Nivel, type Ventana } from "../catalog/schema.js";
import { MasbError, type Aviso } from "../errors.js";
import { ENTIDAD_NO_ESPECIFICADA, Hierarchy } from "../hierarchy/index.js";
import { overrideFor, type Metas } from "../scoring/metas.js";
import { scorer, type ScoreOverride, type Semaforo } from "../scoring/score.js";
import { windowCovered } from "../scoring/trend.js";
import {
  aggregateRatio, boundText, bucketsFor, stockRatio, stockView, type StockView, indicatorValue, intervalFor, unstableTest, methodValue, observedWindow, termsAt, termText, toDecimal,
  type Dec, type Exact, type MethodOutcome,
} from "./evaluate.js";
import { differenceText, fixedText, type Ratio } from "./exact.js";
import type { Slot } from "./plan.js";
import type { Bucket, SourceStore } from "./store.js";
import { variablesReport } from "./variables.js";
import { checkPeriod, monthLabel, parseMonth, windowFor, type Window } from "./periods.js";
import { closedUnitsWithoutRows, evaluationAvisos, flowSourcesWithoutData } from "./coverage.js";
import {
  grainOf, ingest, selectIndicators,
  type Extract, type FileReport, type FileRunner, type IngestOptions, type Ingested, type ProgressEvent, type SourceInput, type TraceEntry,
} from "./ingest.js";

export { evaluationAvisos, grainOf, ingest, selectIndicators };
export type { Extract, FileReport, FileRunner, IngestOptions, Ingested, ProgressEvent, SourceInput, TraceEntry };

export type Estado = "ok" | "sin_denominador" | "sin_datos" | "incompleto" | "inestable" | "metodo_pendiente" | "no_calculable";

/** Methods of `calculo` the engine computes; others leave the status `metodo_pendiente`. */
export const IMPLEMENTED_METHODS = new Set<string>(METODOS);

/** One result row, long format, in the column order of DESIGN.md. */
export interface ResultRow {
  periodo: string;
  nivel: Nivel;
  entidad: string;
  region: string;
  zona: string;
  clues: string;
  indicador: string;
  nombre: string;
  unidad: string;
  numerador: string | null;
  denominador: string | null;
  valor: string | null;
  meta: string | null;
  logro: string | null;
  semaforo: Semaforo;
  estado: Estado;
  /** Only with `tendencia`: the window ending one month earlier (see `TREND_COLUMNS`). */
  periodo_anterior?: string;
  /** Only with `tendencia`: the value of that window; null when it has none or the extract does not cover it. */
  valor_anterior?: string | null;
  /** Only with `tendencia`: valor − valor_anterior, exact, to the indicator's decimals. */
  cambio?: string | null;
  /** Only on directly standardised indicators: the crude rate over the same age groups, beside the standardised `valor`. */
  valor_crudo?: string | null;
  /** Only with `intervalos`: confidence bounds of `valor`, rounded like it; null where no interval applies. */
  ic_inferior?: string | null;
  ic_superior?: string | null;
}

/** Columns after DESIGN.md's 16 that a row may carry: the crude rate of a standardised indicator and the confidence bounds. */
export const METHOD_COLUMNS = ["valor_crudo", "ic_inferior", "ic_superior"] as const;

export const RESULT_COLUMNS: (keyof ResultRow)[] = [
  "periodo", "nivel", "entidad", "region", "zona", "clues", "indicador", "nombre", "unidad",
  "numerador", "denominador", "valor", "meta", "logro", "semaforo", "estado",
];

/** Which results to produce from what was read. */
export interface EvaluateOptions {
  /** `YYYY-MM`; defaults to the latest month with data in the extract. */
  period?: string;
  /** Overrides every indicator's own window. */
  ventana?: Ventana;
  /** Levels to emit; `nacional` is always emitted. */
  by?: Nivel[];
  /** Per-run targets and bands by org unit (`parseMetas`), over the YAML's `meta` and `umbrales`. */
  metas?: Metas;
  /** Add `periodo_anterior`, `valor_anterior` and `cambio` to every row (the window ending one month earlier). */
  tendencia?: boolean;
  /** Add `ic_inferior` and `ic_superior` to every row: true for 95 % bounds, or the level (0.9, 0.99). */
  intervalos?: boolean | number;
  /** Blank `valor` (and its bounds) where the status is `inestable`, as statistical offices suppress small numbers. */
  suprimir?: boolean;
}

export type ComputeOptions = IngestOptions & EvaluateOptions;

export interface ComputeResult extends Ingested {
  period: string;
  rows: ResultRow[];
  /**
   * Every warning of the run, in order: listing the extract (a directory), the pass
   * (`Ingested.avisos`) and the evaluation at the period (`evaluationAvisos`).
   */
  avisos: Aviso[];
}

/**
 * Computes the selected indicators over an extract: reads each needed source once, as a
 * stream, accumulates unit-level partial numerators and denominators, rolls them up the
 * hierarchy by summing, and evaluates every indicator at every level for the period.
 * Never prints and never exits: problems come back in the result or as a `MasbError`.
 */
export async function compute(catalog: Catalog, extract: Extract, options: ComputeOptions = {}): Promise<ComputeResult> {
  checkPeriod(options.period); // before reading: a bad period must not cost a whole pass
  const ingested = await ingest(catalog, extract, options);
  return { ...ingested, ...evaluate(ingested, options), avisos: [...ingested.avisos, ...evaluationAvisos(ingested, options)] };
}

/** Evaluates every selected indicator at every requested level for the period, from the partial sums. */
export function evaluate(ingested: Ingested, options: EvaluateOptions = {}): { period: string; rows: ResultRow[] } {
  const end = resolvePeriod(ingested, options.period);
  const rows: ResultRow[] = [];
  for (const batch of evaluateEach(ingested, options)) for (const r of batch) rows.push(r);
  return { period: monthLabel(end), rows };
}

/**
 * The rows `evaluate` returns, one indicator at a time and in the same order: writers that
 * stream (the CLI's CSV and NDJSON) hold one indicator's rows in memory, not a national
 * result of millions of rows.
 */
export function* evaluateEach(ingested: Ingested, options: EvaluateOptions = {}): Generator<ResultRow[]> {
  for (const ind of ingested.indicators) {
    const rows: ResultRow[] = [];
    eachResult(ingested, ind, options, (r) => rows.push(r));
    yield rows;
  }
}

/**
 * The rows of one indicator, handed to `emit` one by one as they are computed, in the order of
 * `evaluateEach` (which collects them): for a caller that wants one indicator without the others.
 */
export function eachResult(ingested: Ingested, ind: Indicator, options: EvaluateOptions, emit: (row: ResultRow) => void): void {
  const end = resolvePeriod(ingested, options.period);
  const levels = new Set<Nivel>(["nacional", ...(options.by ?? NIVELES)]);
  const w = windowFor(end, options.ventana ?? ind.def.ventana);
  const previous = options.tendencia ? windowFor(end - 1, options.ventana ?? ind.def.ventana) : undefined;
  evaluateIndicator(ind, ingested, w, levels, emit, options.metas, previous, options);
}

/** The month the windows end at: the requested one, or the latest with data. */
export function resolvePeriod(ingested: Pick<Ingested, "latestMonth">, period: string | undefined): number {
  if (period) {
    const p = parseMonth(period);
    if (p === null) throw new MasbError("MASB_PERIODO_INVALIDO", `periodo '${period}' inválido: use AAAA-MM, por ejemplo 2024-03`, { value: period });
    return p;
  }
  if (ingested.latestMonth < 0) throw new MasbError("MASB_SIN_PERIODO", "el extracto no tiene datos mensuales de los que tomar el periodo; indique --period AAAA-MM");
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

const NO_OVERRIDE: ScoreOverride = Object.freeze({});

function evaluateIndicator(
  ind: Indicator, ingested: Ingested, w: Window, levels: Set<Nivel>, emit: (row: ResultRow) => void, metas?: Metas, previous?: Window,
  { intervalos, suprimir }: Pick<EvaluateOptions, "intervalos" | "suprimir"> = {},
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
  const keysBefore = previous && windowCovered(ind, catalog, stores, previous) ? keysFor(previous) : null;
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
  const score = scorer(ind.def);
  const metaText = ind.def.meta === undefined || ind.def.meta === null ? null : String(ind.def.meta);
  const unstable = unstableTest(ind);
  for (const node of h.nodes) {
    if (!levels.has(node.nivel) || NIVELES.indexOf(node.nivel) > finest || closed?.has(node.index)) continue;
    const { attached, num, den, valor: computed, method, partial, exact } = valueAt(node.index, w, keysOf);
    if (node.key === ENTIDAD_NO_ESPECIFICADA && attached === 0) continue;
    let estado: ResultRow["estado"];
    if (ind.noCalculable) estado = "no_calculable";
    else if (pending) estado = "metodo_pendiente";
    else if (sinDatos) estado = "sin_datos";
    else if (computed === null) estado = method?.falta ?? "sin_denominador";
    else if (missingReports[node.index] > 0 || partial) estado = "incompleto";
    else estado = unstable(num, den) ? "inestable" : "ok";
    // Small numbers: with `suprimir`, an unreliable value is not shown at all.
    const hidden = Boolean(suprimir) && (estado === "inestable" || (estado === "incompleto" && unstable(num, den)));
    const valor = hidden ? null : computed;
    const valorText = valor;
    const override = metas ? overrideFor(metas, ind.id, node) : NO_OVERRIDE;
    const scored = score(valorText, override, hidden ? undefined : exact);
    const meta = override.meta !== undefined ? override.meta : ind.def.meta;
    const row: ResultRow = {
      periodo: w.label, nivel: node.nivel, entidad: node.entidad, region: node.region, zona: node.zona, clues: node.clues,
      indicador: ind.id, nombre: ind.def.nombre, unidad: ind.def.unidad,
      numerador: num === null ? null : termText(num), denominador: den === null ? null : termText(den),
      valor: valorText, meta: meta === undefined || meta === null ? null : meta === ind.def.meta ? metaText : String(meta), logro: scored.logro, semaforo: scored.semaforo, estado,
    };
    if (ind.metodo?.metodo === "estandarizacion_directa") row.valor_crudo = hidden || !method?.crudo ? null : method.crudo.toFixed(ind.def.decimales);
    if (intervalos) {
      const ic = valor === null ? null : method ? method.ic : intervalFor(ind, num, den, w, level);
      row.ic_inferior = ic ? boundText(ind, ic.lower) : null;
      row.ic_superior = ic ? boundText(ind, ic.upper) : null;
    }
    if (previous) {
      const before = keysBefore ? valueAt(node.index, previous, keysBefore).valor : null;
      row.periodo_anterior = previous.label;
      row.valor_anterior = before;
      row.cambio = before === null || valor === null ? null : differenceText(valor, before, ind.def.decimales);
    }
    emit(row);
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
