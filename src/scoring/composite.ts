import Decimal from "decimal.js";
import { COMPONENTES, DIMENSIONES, NIVELES, type IndicadorDef, type Nivel } from "../catalog/schema.js";
import { ENTIDAD_NO_ESPECIFICADA } from "../hierarchy/index.js";
import type { ResultRow } from "./rows.js";
import { DEFAULT_UMBRALES, semaforoOf, type Semaforo } from "./score.js";

/** How indicators are grouped into an index: all of them, or by componente, fase or dimensión. */
export const AGRUPACIONES = ["global", "componente", "fase", "dimension"] as const;
export type Agrupacion = (typeof AGRUPACIONES)[number];

/** The `grupo` of the `global` index. */
export const GRUPO_GLOBAL = "todos";

/** What a composite needs from a result row (a `ResultRow` has all of it). */
export type ScoredRow = Pick<ResultRow, "periodo" | "nivel" | "entidad" | "region" | "zona" | "clues" | "indicador" | "valor" | "logro">;

/** What it needs from an indicator's definition. */
export interface IndicatorTags {
  id: string;
  def: Pick<IndicadorDef, "componentes" | "fases" | "dimension"> & { peso?: number };
}

/** One composite index of one org unit: the weighted mean of its indicators' `logro`. */
export interface CompositeRow {
  /** The month the windows end at (`2024-03`), whatever each indicator's window. */
  periodo: string;
  nivel: Nivel;
  entidad: string;
  region: string;
  zona: string;
  clues: string;
  agrupacion: Agrupacion;
  /** `todos`, a componente (`C8`), a fase (`2`) or a dimensión (`salida`). */
  grupo: string;
  /** Σ peso × logro / Σ peso over the scored indicators, one decimal, half-up; null when none was scored. */
  indice: string | null;
  /** The default bands on the index; `sin_meta` or `sin_dato` when there is no index. */
  semaforo: Semaforo;
  /** Indicators of the group reported at this unit. */
  indicadores: number;
  /** Of them, those with a logro (a value and a target): the ones the index averages. */
  evaluados: number;
  /** With a value but no target. */
  sin_meta: number;
  /** Without a value (no data, zero denominator, missing source). */
  sin_dato: number;
  /** Rank among its peers, 1 = best: entidades nationally, zonas within their entidad; null for other levels or no index. */
  lugar: number | null;
  /** How many peers were ranked. */
  de: number | null;
}

export const COMPOSITE_COLUMNS: (keyof CompositeRow)[] = [
  "periodo", "nivel", "entidad", "region", "zona", "clues", "agrupacion", "grupo", "indice", "semaforo",
  "indicadores", "evaluados", "sin_meta", "sin_dato", "lugar", "de",
];

const endOf = (periodo: string) => periodo.slice(periodo.lastIndexOf("/") + 1);
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function groupsOf(def: IndicatorTags["def"]): [Agrupacion, string][] {
  return [
    ["global", GRUPO_GLOBAL],
    ...def.componentes.map((c): [Agrupacion, string] => ["componente", c]),
    ...def.fases.map((f): [Agrupacion, string] => ["fase", String(f)]),
    ["dimension", def.dimension],
  ];
}

const GROUP_ORDER = new Map<string, number>([
  [`global|${GRUPO_GLOBAL}`, 0],
  ...COMPONENTES.map((c, i): [string, number] => [`componente|${c}`, 100 + i]),
  ...[1, 2, 3].map((f): [string, number] => [`fase|${f}`, 200 + f]),
  ...DIMENSIONES.map((d, i): [string, number] => [`dimension|${d}`, 300 + i]),
]);

interface Acc {
  unit: ScoredRow;
  end: string;
  agrupacion: Agrupacion;
  grupo: string;
  weighted: Decimal;
  weights: Decimal;
  indicadores: number;
  evaluados: number;
  sinMeta: number;
  sinDato: number;
}

/**
 * The composite indices of every org unit in `rows`, by componente, fase and dimensión and
 * over all indicators: Σ peso × logro / Σ peso over the indicators that have a logro, with
 * `peso` from the YAML (1 when absent), rounded once, half-up, to one decimal. Indicators with
 * no value or no target do not count in the mean and are reported in `sin_dato` / `sin_meta`.
 * Entidades are ranked nationally and zonas within their entidad (see `rankComposites`);
 * the pseudo-entidad `NE` gets indices but no rank.
 */
export function compositeIndices(rows: readonly ScoredRow[], indicators: Iterable<IndicatorTags>): CompositeRow[] {
  const defs = new Map<string, IndicatorTags["def"]>();
  for (const i of indicators) defs.set(i.id, i.def);
  const accs = new Map<string, Acc>();
  for (const r of rows) {
    const def = defs.get(r.indicador);
    if (!def) continue;
    const end = endOf(r.periodo);
    const unitKey = `${end}|${r.nivel}|${r.entidad}|${r.region}|${r.zona}|${r.clues}`;
    const peso = new Decimal(def.peso ?? 1);
    for (const [agrupacion, grupo] of groupsOf(def)) {
      const key = `${unitKey}|${agrupacion}|${grupo}`;
      let a = accs.get(key);
      if (!a) accs.set(key, (a = { unit: r, end, agrupacion, grupo, weighted: new Decimal(0), weights: new Decimal(0), indicadores: 0, evaluados: 0, sinMeta: 0, sinDato: 0 }));
      a.indicadores++;
      if (r.valor === null) a.sinDato++;
      else if (r.logro === null) a.sinMeta++;
      else {
        a.evaluados++;
        a.weighted = a.weighted.plus(peso.times(r.logro));
        a.weights = a.weights.plus(peso);
      }
    }
  }
  const out: CompositeRow[] = [...accs.values()].map((a) => {
    const indice = a.evaluados === 0 ? null : a.weighted.div(a.weights).toDecimalPlaces(1, Decimal.ROUND_HALF_UP);
    const semaforo: Semaforo = indice !== null ? semaforoOf(indice.toNumber(), DEFAULT_UMBRALES) : a.sinMeta > 0 ? "sin_meta" : "sin_dato";
    const u = a.unit;
    return {
      periodo: a.end, nivel: u.nivel, entidad: u.entidad, region: u.region, zona: u.zona, clues: u.clues,
      agrupacion: a.agrupacion, grupo: a.grupo, indice: indice === null ? null : indice.toFixed(1), semaforo,
      indicadores: a.indicadores, evaluados: a.evaluados, sin_meta: a.sinMeta, sin_dato: a.sinDato, lugar: null, de: null,
    };
  });
  out.sort((x, y) =>
    cmp(x.periodo, y.periodo) || NIVELES.indexOf(x.nivel) - NIVELES.indexOf(y.nivel) ||
    cmp(x.entidad, y.entidad) || cmp(x.region, y.region) || cmp(x.zona, y.zona) || cmp(x.clues, y.clues) ||
    (GROUP_ORDER.get(`${x.agrupacion}|${x.grupo}`) ?? 999) - (GROUP_ORDER.get(`${y.agrupacion}|${y.grupo}`) ?? 999) || cmp(x.grupo, y.grupo));
  rankComposites(out);
  return out;
}

/**
 * Sets `lugar` and `de` on entidad rows (ranked nationally, `NE` left out) and zona rows
 * (ranked within their entidad), per period and index. Higher index ranks first. Ties share
 * the better place and the next place is skipped (1, 2, 2, 4: "competition" ranking), and
 * tie on the published one-decimal index, so that two units showing 85.0 share a place; tied
 * units are listed by key. Units without an index are not ranked.
 */
export function rankComposites(rows: CompositeRow[]): void {
  const peers = new Map<string, CompositeRow[]>();
  for (const r of rows) {
    let scope: string | null = null;
    if (r.nivel === "entidad" && r.entidad !== ENTIDAD_NO_ESPECIFICADA) scope = "nacional";
    else if (r.nivel === "zona") scope = `entidad ${r.entidad}`;
    if (scope === null) continue;
    r.lugar = null;
    r.de = null;
    if (r.indice === null) continue;
    const key = `${r.periodo}|${r.agrupacion}|${r.grupo}|${scope}`;
    const list = peers.get(key);
    if (list) list.push(r);
    else peers.set(key, [r]);
  }
  for (const list of peers.values()) {
    list.sort((a, b) => new Decimal(b.indice!).cmp(a.indice!) || cmp(a.entidad, b.entidad) || cmp(a.zona, b.zona));
    list.forEach((r, i) => {
      r.lugar = i > 0 && new Decimal(list[i - 1].indice!).eq(r.indice!) ? list[i - 1].lugar : i + 1;
      r.de = list.length;
    });
  }
}
