import type { IndicadorDef, Nivel } from "../catalog/schema.js";
import { evaluationAvisos, type FileReport, type Ingested } from "../engine/compute.js";
import { monthsWithData, windowCovered } from "../engine/coverage.js";
import type { Aviso } from "../errors.js";
import { summaryAviso, type SummaryAviso } from "../output/summary.js";
import { monthLabel, parseMonth } from "../engine/periods.js";
import { ENTIDAD_NO_ESPECIFICADA } from "../hierarchy/index.js";
import { compositeIndices, type CompositeRow } from "../scoring/composite.js";
import type { Metas } from "../scoring/metas.js";
import type { ResultRow } from "../scoring/rows.js";
import { windowFor } from "../engine/periods.js";
import { evaluate } from "../stages.js";

/** One org unit of the tablero (nacional, entidad, región or zona). */
export interface TableroUnidad {
  nivel: Nivel;
  clave: string;
  nombre: string;
  entidad: string;
  region: string;
  zona: string;
}

/** Reporting completeness of one unit that must report (Tabla 1 #34), over the months of the tablero. */
export interface CompletitudUnidad {
  clues: string;
  nombre: string;
  entidad: string;
  region: string;
  zona: string;
  /** Monthly reports expected: months × files (SIS apartados) of each source with `exige_reporte`. */
  esperados: number;
  recibidos: number;
  /** `archivo mes` of each missing report, e.g. `DA_CE_SIS_2024.csv 2024-02`. */
  faltantes: string[];
}

/** What the run read and how good it was: the data-quality part of the tablero. */
export interface CalidadDatos {
  archivos: FileReport[];
  /** Rejected rows by source and code. */
  rechazos: { fuente: string; codigo: string; renglones: number }[];
  /** The file the run wrote the rejected rows to (`--rechazos`), or null when it wrote none: the tablero says which. */
  archivoRechazos: string | null;
  problemas: { archivo: string; linea?: number; codigo: string; mensaje: string; grave: boolean }[];
  /**
   * The warnings of the run, as `--resumen` lists them: entries of the extract not read,
   * sources missing or empty, no regionalisation, flows without data in their window.
   */
  avisos: SummaryAviso[];
  fuentesFaltantes: string[];
  /** Null when no source requires monthly reports. */
  completitud: { meses: string[]; unidades: CompletitudUnidad[] } | null;
  /** CLUES without operational regionalisation (placed under their jurisdicción). */
  sinRegionalizacion: string[];
}

/** Everything `renderTablero` shows. Plain data: the renderer does no computing of its own. */
export interface TableroInput {
  /** The month the windows end at, `2024-03`. */
  periodo: string;
  /** Name of the extract, as the user knows it (its directory's name). */
  extracto: string;
  indicadores: { id: string; def: IndicadorDef & { peso?: number } }[];
  /** Nacional, entidades, regiones and zonas, parents before children. */
  unidades: TableroUnidad[];
  /** Result rows at those levels, with the trend columns. */
  resultados: ResultRow[];
  /** Composite indices and rankings of those units. */
  indices: CompositeRow[];
  /** Values by month at nacional and entidad level, for the line charts; null where the extract does not cover the window. */
  serie: { meses: string[]; valores: Record<string, Record<string, (string | null)[]>> };
  calidad: CalidadDatos;
  /** The per-run targets file, when one was given. */
  metas?: { archivo: string; renglones: number };
}

/** Levels the tablero shows: units (CLUES) would make a national file too large to open. */
export const NIVELES_TABLERO: Nivel[] = ["entidad", "region", "zona"];

/** Key of an org unit in the tablero and in the charts: `entidad:12`, `zona:12-Z01`, `nacional:`. */
export const unitId = (u: { nivel: Nivel; entidad: string; region: string; zona: string; clues?: string }) =>
  `${u.nivel}:${u.nivel === "nacional" ? "" : u.nivel === "entidad" ? u.entidad : u.nivel === "region" ? u.region : u.nivel === "zona" ? u.zona : u.clues ?? ""}`;

export interface BuildTableroOptions {
  period?: string;
  metas?: Metas;
  extracto: string;
  /** Rejected rows by source and code, as counted by the caller's `onReject`. */
  rechazos?: { fuente: string; codigo: string; renglones: number }[];
  /** Where the caller wrote the rejected rows, if it did; without it the tablero says they were only counted. */
  archivoRechazos?: string;
  /** Warnings from before the pass (listing the extract folder: `openExtract`'s `avisos`); the pass's and the evaluation's are added here. */
  avisos?: Aviso[];
  metasInfo?: { archivo: string; renglones: number };
  /** Months of history in the line charts, at most. */
  meses?: number;
}

/**
 * Evaluates what the tablero shows from one ingested extract: the period's rows (with trend)
 * down to zona, the composite indices and rankings, the monthly series at nacional and entidad
 * level, and the data-quality summary. Pure: no files, no output.
 */
export function buildTablero(ingested: Ingested, options: BuildTableroOptions): TableroInput {
  const { rows, period } = evaluate(ingested, { period: options.period, by: NIVELES_TABLERO, metas: options.metas, tendencia: true });
  const end = parseMonth(period)!;
  const h = ingested.hierarchy;
  const unidades: TableroUnidad[] = h.nodes
    .filter((n) => n.nivel !== "clues")
    .map((n) => ({ nivel: n.nivel, clave: n.nivel === "nacional" ? "" : n.key, nombre: n.nombre, entidad: n.entidad, region: n.region, zona: n.zona }));

  // Monthly series: the window ending at each month with data, up to the period.
  const maxMonths = options.meses ?? 24;
  const months = monthsWithData(ingested).filter((m) => m <= end && m > end - maxMonths);
  if (!months.includes(end)) months.push(end);
  const valores: Record<string, Record<string, (string | null)[]>> = {};
  for (const ind of ingested.indicators) valores[ind.id] = {};
  months.forEach((m, i) => {
    const at = m === end ? rows : evaluate(ingested, { period: monthLabel(m), by: ["entidad"], metas: options.metas }).rows;
    const covered = new Map(ingested.indicators.map((ind) => [ind.id, m === end || windowCovered(ind, ingested, windowFor(m, ind.def.ventana))]));
    for (const r of at) {
      if (r.nivel !== "nacional" && r.nivel !== "entidad") continue;
      const series = valores[r.indicador];
      const id = unitId(r);
      const line = (series[id] ??= months.map(() => null));
      line[i] = covered.get(r.indicador) ? r.valor : null;
    }
  });

  return {
    periodo: period,
    extracto: options.extracto,
    indicadores: ingested.indicators.map((i) => ({ id: i.id, def: i.def })),
    unidades,
    resultados: rows,
    indices: compositeIndices(rows, ingested.indicators),
    serie: { meses: months.map(monthLabel), valores },
    calidad: {
      archivos: ingested.files,
      rechazos: options.rechazos ?? [],
      archivoRechazos: options.archivoRechazos ?? null,
      problemas: ingested.problems.map((p) => ({ archivo: p.file, linea: p.line, codigo: p.code, mensaje: p.message, grave: Boolean(p.fatal) })),
      avisos: [...(options.avisos ?? []), ...ingested.avisos, ...evaluationAvisos(ingested, { period: options.period, by: NIVELES_TABLERO })].map(summaryAviso),
      fuentesFaltantes: ingested.missingSources,
      completitud: completeness(ingested, months),
      sinRegionalizacion: [...h.unregionalised],
    },
    metas: options.metasInfo,
  };
}

/**
 * Which units that must report sent each monthly report (every file of every `exige_reporte`
 * source) in the given months that the file covers: from its first to its last month with any
 * report (a SIS file of 2024 is not missing 2023, which only other sources reach; a month with
 * no report at all inside that span is missing for every unit).
 */
function completeness(ingested: Ingested, allMonths: number[]): CalidadDatos["completitud"] {
  const reports = ingested.reports;
  if (!reports || reports.size === 0) return null;
  const spans = [...reports.values()].flatMap((files) => [...files.values()].map((byMonth) => [Math.min(...byMonth.keys()), Math.max(...byMonth.keys())]));
  const months = allMonths.filter((m) => spans.some(([lo, hi]) => m >= lo && m <= hi));
  const unidades: CompletitudUnidad[] = [];
  for (const node of ingested.hierarchy.nodes) {
    if (node.nivel !== "clues" || !node.reporta || node.entidad === ENTIDAD_NO_ESPECIFICADA) continue;
    let esperados = 0, recibidos = 0;
    const faltantes: string[] = [];
    for (const files of reports.values()) {
      for (const [file, byMonth] of files) {
        const covered = byMonth.size ? [Math.min(...byMonth.keys()), Math.max(...byMonth.keys())] : [Infinity, -Infinity];
        for (const m of months) {
          if (m < covered[0] || m > covered[1]) continue;
          esperados++;
          if (byMonth.get(m)?.[node.index]) recibidos++;
          else faltantes.push(`${file} ${monthLabel(m)}`);
        }
      }
    }
    unidades.push({ clues: node.key, nombre: node.nombre, entidad: node.entidad, region: node.region, zona: node.zona, esperados, recibidos, faltantes });
  }
  return { meses: months.map(monthLabel), unidades };
}

/** Counts rejected rows by source and code; hand its `add` to `onReject`. */
export function rejectionCounter(): { add: (r: { source: string; code: string }) => void; list: () => CalidadDatos["rechazos"] } {
  const counts = new Map<string, number>();
  return {
    add: (r) => counts.set(`${r.source}\u0000${r.code}`, (counts.get(`${r.source}\u0000${r.code}`) ?? 0) + 1),
    list: () => [...counts.entries()]
      .map(([k, renglones]) => {
        const [fuente, codigo] = k.split("\u0000");
        return { fuente, codigo, renglones };
      })
      .sort((a, b) => (a.fuente < b.fuente ? -1 : a.fuente > b.fuente ? 1 : a.codigo < b.codigo ? -1 : a.codigo > b.codigo ? 1 : 0)),
  };
}
