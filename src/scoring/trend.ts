import type { Catalog, Indicator, Source } from "../catalog/load.js";
import type { Window } from "../engine/periods.js";
import type { SourceStore } from "../engine/store.js";

/**
 * Columns a result row carries after `estado` when the trend is asked for (`tendencia`):
 * the window ending one month earlier, the value there, and `valor − valor_anterior`.
 * DESIGN.md's sixteen columns stay first and in order; without `tendencia` these are absent.
 */
export const TREND_COLUMNS = ["periodo_anterior", "valor_anterior", "cambio"] as const;

const isMonthly = (s: Source) => Boolean(s.def.periodo && (s.def.periodo.fecha || s.def.periodo.mes));

/**
 * Whether the extract holds the data a window needs for a value that can be compared with
 * another: every monthly source the indicator sums over months has rows (anywhere in the
 * extract) in every month of the window. A window before the extract starts would otherwise
 * read as zero consultas or zero births, and its "change" would be an artefact. Stocks
 * (`periodo: ultimo`), yearly and undated sources are not held to it.
 */
export function windowCovered(ind: Indicator, catalog: Catalog, stores: Map<string, SourceStore>, w: Window): boolean {
  for (const agg of Object.values(ind.aggregates)) {
    if (agg.periodo !== "suma") continue;
    const source = catalog.sources.get(agg.source);
    const store = stores.get(agg.source);
    if (!source || !isMonthly(source)) continue;
    if (!store) return false;
    for (let m = w.start; m <= w.end; m++) if (!store.buckets.has(m)) return false;
  }
  return true;
}

/** Month indices with rows in some monthly source of the extract, ascending. */
export function monthsWithData(catalog: Catalog, stores: Map<string, SourceStore>): number[] {
  const months = new Set<number>();
  for (const [name, store] of stores) {
    const source = catalog.sources.get(name);
    if (!source || !isMonthly(source)) continue;
    for (const [m, b] of store.buckets) if (b.rows.length && b.rows[0] > 0) months.add(m);
  }
  return [...months].sort((a, b) => a - b);
}
