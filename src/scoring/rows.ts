/**
 * The scoring stage: from what evaluation hands over for one org unit (numerator,
 * denominator, value, status) to the result row, with the target that applies there, the
 * attainment (`logro`) and the semáforo. It reads the evaluation; it never reaches back into
 * the pass or the evaluation of other units.
 */
import type { Indicator } from "../catalog/load.js";
import type { Nivel } from "../catalog/schema.js";
import type { Estado, Evaluation } from "../engine/compute.js";
import { overrideFor, type Metas } from "./metas.js";
import { scorer, type ScoreOverride, type Semaforo } from "./score.js";

/**
 * One result: one indicator at one org unit for one period, long format. The keys are the
 * output columns, in their order (see `resultColumns`): every row of a run carries the same
 * keys, whatever indicators were selected. Numbers are exact decimal text, the same text the
 * CSV and JSON outputs write (`"50.0"` for a value with one decimal), or null where there is none.
 */
export interface ResultRow {
  /** `2024-03` for a month, `2024-01/2024-03` for a longer window. */
  periodo: string;
  nivel: Nivel;
  /** Keys of the org unit and its ancestors (`12`, `12-R01`, `12-Z01`, `GRIMB000123`); empty below the row's level. */
  entidad: string;
  region: string;
  zona: string;
  clues: string;
  /** The indicator's id, name and unit, from the catalog. */
  indicador: string;
  nombre: string;
  unidad: string;
  /** Exact sums at this level: integers, or decimals to 6 places. */
  numerador: string | null;
  denominador: string | null;
  /** numerador / denominador × the unit's factor (× annualisation), rounded once, half-up, to the indicator's `decimales`. */
  valor: string | null;
  /** The target that applies here (a run's `metas` over the catalog's `meta`). */
  meta: string | null;
  /** Percent of the target attained, one decimal, 0 to 100. */
  logro: string | null;
  semaforo: Semaforo;
  estado: Estado;
  /** Only with `tendencia`: the window ending one month earlier. */
  periodo_anterior?: string;
  /** Only with `tendencia`: the value of that window; null when it has none or the extract does not cover it. */
  valor_anterior?: string | null;
  /** Only with `tendencia`: valor − valor_anterior, exact, to the indicator's decimals. */
  cambio?: string | null;
  /** The crude rate beside a directly standardised `valor`, over the same age groups; null on every other indicator. */
  valor_crudo: string | null;
  /** Only with `intervalos`: confidence bounds of `valor`, rounded like it; null where no interval applies. */
  ic_inferior?: string | null;
  ic_superior?: string | null;
}

/** DESIGN.md's sixteen columns, in order. */
export const RESULT_COLUMNS = [
  "periodo", "nivel", "entidad", "region", "zona", "clues", "indicador", "nombre", "unidad",
  "numerador", "denominador", "valor", "meta", "logro", "semaforo", "estado",
] as const satisfies readonly (keyof ResultRow)[];

/** Added after the sixteen when the trend is asked for (`tendencia`). */
export const TREND_COLUMNS = ["periodo_anterior", "valor_anterior", "cambio"] as const satisfies readonly (keyof ResultRow)[];

/** Added at the end when confidence intervals are asked for (`intervalos`). */
export const INTERVAL_COLUMNS = ["ic_inferior", "ic_superior"] as const satisfies readonly (keyof ResultRow)[];

/**
 * The columns of a run's results, which depend on its options only, never on the indicators
 * selected: the sixteen of DESIGN.md, then `periodo_anterior`, `valor_anterior`, `cambio` with
 * `tendencia`, then `valor_crudo` (always: empty but on directly standardised indicators), then
 * `ic_inferior`, `ic_superior` with `intervalos`.
 */
export function resultColumns(options: { tendencia?: boolean; intervalos?: boolean | number } = {}): (keyof ResultRow)[] {
  return [...RESULT_COLUMNS, ...(options.tendencia ? TREND_COLUMNS : []), "valor_crudo", ...(options.intervalos ? INTERVAL_COLUMNS : [])];
}

const NO_OVERRIDE: ScoreOverride = Object.freeze({});

/**
 * The result row of each evaluation of one indicator: its target at the org unit (a run's
 * `metas` first, then the YAML's `meta`), logro and semáforo. The row's keys follow
 * `resultColumns`.
 */
export function rowScorer(ind: Indicator, metas?: Metas): (e: Evaluation) => ResultRow {
  const score = scorer(ind.def);
  const own = ind.def.meta;
  const ownText = own === undefined || own === null ? null : String(own);
  const { id, def } = ind;
  return (e) => {
    const override = metas ? overrideFor(metas, id, e.node) : NO_OVERRIDE;
    const scored = score(e.valor, override, e.exact);
    const meta = override.meta !== undefined ? override.meta : own;
    const node = e.node;
    const row: ResultRow = {
      periodo: e.periodo, nivel: node.nivel, entidad: node.entidad, region: node.region, zona: node.zona, clues: node.clues,
      indicador: id, nombre: def.nombre, unidad: def.unidad,
      numerador: e.numerador, denominador: e.denominador, valor: e.valor,
      meta: meta === undefined || meta === null ? null : meta === own ? ownText : String(meta), logro: scored.logro, semaforo: scored.semaforo, estado: e.estado,
    } as ResultRow; // valor_crudo is set below, after the trend's columns, where its column is
    if (e.periodo_anterior !== undefined) {
      row.periodo_anterior = e.periodo_anterior;
      row.valor_anterior = e.valor_anterior ?? null;
      row.cambio = e.cambio ?? null;
    }
    row.valor_crudo = e.valor_crudo;
    if (e.ic_inferior !== undefined) {
      row.ic_inferior = e.ic_inferior;
      row.ic_superior = e.ic_superior ?? null;
    }
    return row;
  };
}
