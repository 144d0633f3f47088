/**
 * The stages in the order data flows, composed: one pass over the extract (src/engine/ingest),
 * the evaluation at a period (src/engine/compute: numerator, denominator, value, status) and
 * scoring (src/scoring/rows: target, logro, semáforo). Each stage knows only the ones before
 * it; this module is where they meet. The API (src/api) and the worker threads that evaluate
 * indicators (src/node/parallel.ts) run them from here.
 */
import type { Indicator } from "./catalog/load.js";
import { eachEvaluation, resolvePeriod, type EvaluateOptions, type Ingested } from "./engine/compute.js";
import { monthLabel } from "./engine/periods.js";
import type { Metas } from "./scoring/metas.js";
import { rowScorer, type ResultRow } from "./scoring/rows.js";

export type { ResultRow };

/** What evaluation and scoring take: the period, window, levels and added columns, and the run's targets. */
export interface ResultOptions extends EvaluateOptions {
  /** Per-run targets and bands by org unit (`parseMetas`, `readMetas`), over the catalog's `meta` and `umbrales`. */
  metas?: Metas;
}

/** One indicator's result rows, evaluated and scored, handed to `emit` one by one in hierarchy order. */
export function eachResult(ingested: Ingested, ind: Indicator, options: ResultOptions, emit: (row: ResultRow) => void): void {
  const score = rowScorer(ind, options.metas);
  eachEvaluation(ingested, ind, options, (e) => emit(score(e)));
}

/** The result rows one indicator at a time, in catalog order. */
export function* evaluateEach(ingested: Ingested, options: ResultOptions = {}): Generator<ResultRow[]> {
  for (const ind of ingested.indicators) {
    const rows: ResultRow[] = [];
    eachResult(ingested, ind, options, (r) => rows.push(r));
    yield rows;
  }
}

/** Every selected indicator's rows at every requested level, and the period they end at. */
export function evaluate(ingested: Ingested, options: ResultOptions = {}): { period: string; rows: ResultRow[] } {
  const end = resolvePeriod(ingested, options.period);
  const rows: ResultRow[] = [];
  for (const batch of evaluateEach(ingested, options)) for (const r of batch) rows.push(r);
  return { period: monthLabel(end), rows };
}
