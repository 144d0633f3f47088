import type { Indicator, Source } from "../catalog/load.js";
import type { Ventana } from "../catalog/schema.js";
import { aviso, type Aviso } from "../errors.js";
import { listed } from "./avisos.js";
import { avisosVariables } from "./variables.js";
import { grainOf, type Ingested } from "./ingest.js";
import { monthLabel, parseMonth, windowFor, yearOf, type MonthIndex, type Window } from "./periods.js";

/**
 * What the extract covers of a window, per indicator: the flows that have no data there (their
 * indicator is `sin_datos`, not a zero `ok`), and the closed units that have nothing of their
 * own there (not reported). Shared by the evaluation and by its warnings, so both say the same.
 */

/**
 * The sources of an indicator's flows (aggregates with `periodo: suma` over a dated source)
 * whose data do not reach the periods the window sums: a window after the source's last month
 * with rows, or before its first, has no data rather than zero events (a source a month
 * behind the others, a period past the extract). Inside the span the source covers, a month
 * without rows is a month with no events (outbreaks, disasters): zero, not missing. Stocks
 * (`periodo: ultimo`) carry their latest value forward and are not held to it; undated
 * sources neither.
 */
export function flowSourcesWithoutData(ind: Indicator, ingested: Pick<Ingested, "catalog" | "stores">, w: Window): string[] {
  const out: string[] = [];
  for (const agg of Object.values(ind.aggregates)) {
    if (agg.periodo !== "suma" || out.includes(agg.source)) continue;
    const source = ingested.catalog.sources.get(agg.source);
    const store = ingested.stores.get(agg.source);
    if (!source || !store) continue;
    const grain = grainOf(source);
    if (grain === "ninguno") continue;
    let first = Infinity, last = -Infinity;
    for (const key of store.buckets.keys()) {
      if (key < first) first = key;
      if (key > last) last = key;
    }
    if (first === Infinity) {
      out.push(agg.source);
      continue;
    }
    const covered = grain === "mes"
      ? w.end >= first && w.start <= last
      : yearOf(w.end) >= yearOf(first) && yearOf(w.end) <= yearOf(last);
    if (!covered) out.push(agg.source);
  }
  return out;
}

/**
 * Units out of operation by the window's last month (`OrgNode.cierre`) that have no row of
 * their own, in any dated source the indicator reads, in the window: they are not reported
 * (their rows, where they have some, are reported and count up the hierarchy as any unit's).
 * Null when there is none, the usual case.
 */
export function closedUnitsWithoutRows(ind: Indicator, ingested: Pick<Ingested, "catalog" | "stores" | "hierarchy">, w: Window): Set<number> | null {
  let out: Set<number> | null = null;
  for (const node of ingested.hierarchy.nodes) {
    if (node.nivel !== "clues" || node.cierre === undefined || node.cierre > w.end) continue;
    if (hasOwnRows(ind, ingested, node.index, w)) continue;
    (out ??= new Set()).add(node.index);
  }
  return out;
}

function hasOwnRows(ind: Indicator, ingested: Pick<Ingested, "catalog" | "stores">, node: number, w: Window): boolean {
  for (const name of ind.sources) {
    const source = ingested.catalog.sources.get(name);
    const store = ingested.stores.get(name);
    if (!source || !store || node >= store.nNodes) continue;
    const grain = grainOf(source);
    if (grain === "ninguno") continue; // the CLUES catalog: every unit has its row there
    for (const [key, bucket] of store.buckets) {
      const inWindow = grain === "mes" ? key >= w.start && key <= w.end : yearOf(key) >= yearOf(w.start) && yearOf(key) <= yearOf(w.end);
      if (inWindow && bucket.rows[node] > 0) return true;
    }
  }
  return false;
}

const isMonthly = (s: Source) => Boolean(s.def.periodo && (s.def.periodo.fecha || s.def.periodo.mes));

/**
 * Whether the extract holds the data a window needs for a value that can be compared with
 * another (the trend, the tablero's series): every monthly source the indicator sums over
 * months has rows (anywhere in the extract) in every month of the window. A window before the
 * extract starts would otherwise read as zero consultas or zero births, and its "change" would
 * be an artefact. Stocks (`periodo: ultimo`), yearly and undated sources are not held to it.
 */
export function windowCovered(ind: Indicator, ingested: Pick<Ingested, "catalog" | "stores">, w: Window): boolean {
  for (const agg of Object.values(ind.aggregates)) {
    if (agg.periodo !== "suma") continue;
    const source = ingested.catalog.sources.get(agg.source);
    const store = ingested.stores.get(agg.source);
    if (!source || !isMonthly(source)) continue;
    if (!store) return false;
    for (let m = w.start; m <= w.end; m++) if (!store.buckets.has(m)) return false;
  }
  return true;
}

/** Month indices with rows in some monthly source of the extract, ascending. */
export function monthsWithData(ingested: Pick<Ingested, "catalog" | "stores">): MonthIndex[] {
  const months = new Set<number>();
  for (const [name, store] of ingested.stores) {
    const source = ingested.catalog.sources.get(name);
    if (!source || !isMonthly(source)) continue;
    for (const [m, b] of store.buckets) if (b.rows.length && b.rows[0] > 0) months.add(m);
  }
  return [...months].sort((a, b) => a - b);
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The latest period with rows of a store, as a label (`2024-03`, or `2024` for a yearly source). */
function lastPeriod(ingested: Pick<Ingested, "catalog" | "stores">, name: string): string | null {
  const store = ingested.stores.get(name);
  const source = ingested.catalog.sources.get(name);
  if (!store || !source || store.buckets.size === 0) return null;
  const last = Math.max(...store.buckets.keys());
  return grainOf(source) === "anio" ? String(yearOf(last)) : monthLabel(last);
}

/**
 * The warnings of evaluating at a period (added to `compute`'s `avisos`; the CLI prints them):
 * a period after the extract's last month with data, each source whose flows have no data in
 * the windows of the indicators that read it, and the closed units left unreported.
 */
export function evaluationAvisos(ingested: Ingested, options: { period?: string; ventana?: Ventana; by?: string[] } = {}): Aviso[] {
  const avisos: Aviso[] = [];
  const end: MonthIndex | null = options.period ? parseMonth(options.period) : ingested.latestMonth >= 0 ? ingested.latestMonth : null;
  if (end === null) return avisos;
  const latest = ingested.latestMonth;
  if (options.period && latest >= 0 && end > latest) {
    const last = monthLabel(latest);
    avisos.push({
      ...aviso(
        "MASB_PERIODO_SIN_DATOS",
        `el periodo ${options.period} es posterior al último mes con datos del extracto (${last}): los indicadores de flujo cuya ventana no tiene datos salen sin_datos, `
          + `y los de existencias (camas, población, personal) repiten los últimos valores; evalúe el periodo ${last} o use un extracto que llegue a ${options.period}`,
      ),
      value: last, // the month with data to ask for instead
    });
  }
  const bySource = new Map<string, { ids: string[]; windows: Set<string> }>();
  const omitted = new Set<string>();
  const unitsReported = !options.by || options.by.includes("clues");
  for (const ind of ingested.indicators) {
    if (ind.sources.some((s) => ingested.missingSources.includes(s))) continue; // warned as missing already
    const w = windowFor(end, options.ventana ?? ind.def.ventana);
    for (const s of flowSourcesWithoutData(ind, ingested, w)) {
      const e = bySource.get(s) ?? { ids: [], windows: new Set<string>() };
      e.ids.push(ind.id);
      e.windows.add(w.label);
      bySource.set(s, e);
    }
    if (unitsReported) for (const n of closedUnitsWithoutRows(ind, ingested, w) ?? []) omitted.add(ingested.hierarchy.nodes[n].key);
  }
  for (const [s, e] of [...bySource].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const last = lastPeriod(ingested, s);
    avisos.push(aviso(
      "MASB_VENTANA_SIN_DATOS",
      `la fuente ${s} no tiene renglones en la ventana ${[...e.windows].join(", ")}: ${plural(e.ids.length, "indicador de flujo sale", "indicadores de flujo salen")} con estado sin_datos (${listed(e.ids)}); `
        + (last ? `su último periodo con datos es ${last}` : "no tiene renglones en ningún periodo"),
      { source: s },
    ));
  }
  if (omitted.size) {
    const keys = [...omitted].sort();
    avisos.push(aviso(
      "MASB_UNIDADES_CERRADAS",
      `${plural(keys.length, "unidad fuera de operación", "unidades fuera de operación")} al cierre de ${monthLabel(end)} sin renglones propios en la ventana de algún indicador (${listed(keys)}): `
        + "no tienen resultado en esos indicadores; los renglones que tengan cuentan en su zona y hacia arriba",
    ));
  }
  // The wide sources' variables the catalog reads that the extract's files lack (SIS).
  for (const v of avisosVariables(ingested)) avisos.push(aviso(v.code, v.message, { source: v.fuente, hint: v.hint }));
  return avisos;
}
