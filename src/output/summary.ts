import type { Ventana } from "../catalog/schema.js";
import type { Ingested } from "../engine/ingest.js";
import { monthLabel, parseMonth, windowFor } from "../engine/periods.js";
import type { Aviso } from "../errors.js";
import type { FileProblem } from "../sources/reader.js";

/**
 * The run summary for machines (`masb compute … --resumen FILE`, and `report`): what was read,
 * accepted, rejected and left out of scope, file by file; the rejections by source and code;
 * every warning and file problem. The README ("Output", `--resumen`) is its contract, field by
 * field: keys are always present, `null` where a value is unknown, and `version` changes when a
 * field changes meaning or goes away.
 */
export interface RunSummary {
  version: 1;
  comando: "compute" | "report";
  /** The extract as named on the command line. */
  extracto: string;
  /** The month the windows end at, `AAAA-MM`. */
  periodo: string;
  /** The latest month with rows in a monthly source of the extract; null when it has none. */
  ultimoMesConDatos: string | null;
  /** The windows evaluated at `periodo`, each with how many of the selected indicators use it. */
  ventanas: { ventana: Ventana; periodo: string; desde: string; hasta: string; indicadores: number }[];
  indicadores: number;
  /** Result rows written (compute), or evaluated for the tablero (report). */
  resultados: number;
  totales: { archivos: number; leidos: number; aceptados: number; rechazados: number; fueraDeAlcance: Record<string, number> };
  archivos: { fuente: string; archivo: string; leidos: number; aceptados: number; rechazados: number; fueraDeAlcance: Record<string, number> }[];
  rechazos: { fuente: string; codigo: string; renglones: number }[];
  avisos: SummaryAviso[];
  problemas: { codigo: string; archivo: string; linea: number | null; mensaje: string; grave: boolean }[];
  fuentesFaltantes: string[];
  /** Files this run wrote, by role (`resultados`, `rechazos`, `tablero`, `indices`); results on standard output are not listed. */
  salidas: Record<string, string>;
  /** The exit code of the run: 0, or 1 when a file could not be read (a fatal file problem). */
  codigoSalida: number;
}

/** One warning of the run, as `--resumen` and the tablero list it. */
export interface SummaryAviso {
  codigo: string;
  fuente: string | null;
  archivo: string | null;
  linea: number | null;
  mensaje: string;
}

export const summaryAviso = (a: Aviso): SummaryAviso => ({
  codigo: a.code, fuente: a.source ?? null, archivo: a.file ?? null, linea: a.line ?? null, mensaje: a.message,
});

export const summaryProblem = (p: FileProblem): RunSummary["problemas"][number] => ({
  codigo: p.code, archivo: p.file, linea: p.line ?? null, mensaje: p.message, grave: Boolean(p.fatal),
});

/** Adds the counts of `from` into `into`, by universe. */
function addOutside(into: Record<string, number>, from: Record<string, number> | undefined): void {
  for (const [u, n] of Object.entries(from ?? {})) into[u] = (into[u] ?? 0) + n;
}

export interface SummaryInput {
  comando: RunSummary["comando"];
  extracto: string;
  periodo: string;
  ventana?: Ventana;
  resultados: number;
  rechazos: RunSummary["rechazos"];
  avisos: Aviso[];
  salidas: Record<string, string>;
  codigoSalida: number;
}

/** Builds the run summary from one ingested extract and what the command did with it. Pure. */
export function runSummary(ingested: Ingested, input: SummaryInput): RunSummary {
  const end = parseMonth(input.periodo)!;
  const windows = new Map<string, RunSummary["ventanas"][number]>();
  for (const ind of ingested.indicators) {
    const w = windowFor(end, input.ventana ?? ind.def.ventana);
    const k = `${w.ventana}|${w.label}`;
    const e = windows.get(k) ?? { ventana: w.ventana, periodo: w.label, desde: monthLabel(w.start), hasta: monthLabel(w.end), indicadores: 0 };
    e.indicadores++;
    windows.set(k, e);
  }
  const outside: Record<string, number> = {};
  for (const f of ingested.files) addOutside(outside, f.fueraDeAlcance);
  return {
    version: 1,
    comando: input.comando,
    extracto: input.extracto,
    periodo: input.periodo,
    ultimoMesConDatos: ingested.latestMonth >= 0 ? monthLabel(ingested.latestMonth) : null,
    ventanas: [...windows.values()],
    indicadores: ingested.indicators.length,
    resultados: input.resultados,
    totales: {
      archivos: ingested.files.length,
      leidos: ingested.files.reduce((s, f) => s + f.read, 0),
      aceptados: ingested.files.reduce((s, f) => s + f.accepted, 0),
      rechazados: ingested.files.reduce((s, f) => s + f.rejected, 0),
      fueraDeAlcance: Object.fromEntries(Object.entries(outside).sort(([a], [b]) => (a < b ? -1 : 1))),
    },
    archivos: ingested.files.map((f) => ({
      fuente: f.source, archivo: f.file, leidos: f.read, aceptados: f.accepted, rechazados: f.rejected, fueraDeAlcance: { ...(f.fueraDeAlcance ?? {}) },
    })),
    rechazos: input.rechazos,
    avisos: input.avisos.map(summaryAviso),
    problemas: ingested.problems.map(summaryProblem),
    fuentesFaltantes: [...ingested.missingSources],
    salidas: input.salidas,
    codigoSalida: input.codigoSalida,
  };
}

/** The summary as the file holds it: indented JSON, one trailing line break. */
export const summaryText = (s: RunSummary): string => `${JSON.stringify(s, null, 2)}\n`;
