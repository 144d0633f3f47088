import type { Catalog, Indicator, Source } from "../catalog/load.js";
import { aviso, MasbError, type Aviso } from "../errors.js";
import type { Hierarchy } from "../hierarchy/index.js";
import type { FileProblem } from "../sources/reader.js";
import type { Extract, FileReport } from "./ingest.js";

/**
 * The warnings of the single pass (`Ingested.avisos`): what the extract lacks or holds empty,
 * and what that does to the results. Each names the source or file and the consequence.
 */

/** At most this many keys or ids are listed in one message; the count says how many there are. */
const LISTED = 10;

export const listed = (items: string[]): string => (items.length > LISTED ? `${items.slice(0, LISTED).join(", ")}, …` : items.join(", "));
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The files of a source that were read, with their rows summed. */
function readOf(source: string, files: FileReport[]): { names: string[]; read: number; accepted: number; rejected: number } {
  const mine = files.filter((f) => f.source === source);
  return {
    names: mine.map((f) => f.file),
    read: mine.reduce((s, f) => s + f.read, 0),
    accepted: mine.reduce((s, f) => s + f.accepted, 0),
    rejected: mine.reduce((s, f) => s + f.rejected, 0),
  };
}

/** Why a source's files gave nothing: no row at all, or every row rejected. */
const emptyReason = (r: { read: number; rejected: number }) =>
  r.read === 0 ? "no tiene renglones (vacío o solo encabezado)" : `no tiene renglones aceptados (${r.read} leídos, ${r.rejected} rechazados)`;

/** The error of a CLUES catalog that holds no unit of the network (a header alone, another institution's list). */
export function noNetworkError(clues: Source, files: FileReport[]): MasbError {
  const r = readOf(clues.name, files);
  const rule = clues.def.incluir ? `ningún renglón cumple «${clues.def.incluir}»` : "ningún renglón aceptado";
  return new MasbError(
    "MASB_CATALOGO_SIN_RED",
    `el catálogo CLUES no tiene ninguna unidad de la red (${r.read} renglones leídos, ${r.accepted} aceptados; ${rule}): sin unidades no hay jerarquía ni resultados; `
      + "use el catálogo CLUES completo (ESTABLECIMIENTO_SALUD_AAAAMM), con las unidades de IMSS-BIENESTAR",
    { file: r.names.join(", ") },
  );
}

/** Without regionalisation, zonas are jurisdicciones: the región level of every entidad collapses to one. */
const FALLBACK = "las zonas son las jurisdicciones sanitarias, bajo una sola región «sin regionalización» por entidad (p. ej. 12-SR)";

/**
 * Warnings about the operational regionalisation: missing from the extract, present without
 * rows, or lacking some units of the network (each falls back to its jurisdicción).
 */
export function regionalisationAvisos(source: Source, files: FileReport[], h: Hierarchy): Aviso[] {
  const r = readOf(source.name, files);
  if (r.names.length === 0) {
    return [aviso("MASB_SIN_REGIONALIZACION", `sin regionalización: el extracto no trae la fuente ${source.name} (${source.def.archivos.join(", ")}); ${FALLBACK}`, { source: source.name })];
  }
  if (r.accepted === 0) {
    return [aviso("MASB_SIN_REGIONALIZACION", `sin regionalización: ${emptyReason(r)}; ${FALLBACK}`, { source: source.name, file: r.names.join(", ") })];
  }
  const missing = h.unregionalised;
  if (missing.length === 0) return [];
  return [aviso(
    "MASB_UNIDADES_SIN_REGIONALIZACION",
    `${plural(missing.length, "unidad de la red no está", "unidades de la red no están")} en la regionalización (${listed(missing)}): su zona es su jurisdicción sanitaria, bajo la región «sin regionalización» de su entidad`,
    { source: source.name, file: r.names.join(", ") },
  )];
}

/**
 * The sources the selected indicators need that are missing, or whose files hold no accepted
 * row (read as missing: an empty file is no data, not zero events), each with its warning.
 */
export function sourceAvisos(
  catalog: Catalog, indicators: Indicator[], extract: Extract, files: FileReport[], problems: FileProblem[],
): { missingSources: string[]; avisos: Aviso[] } {
  const needed = [...new Set(indicators.flatMap((i) => i.sources))].sort();
  const missingSources: string[] = [];
  const avisos: Aviso[] = [];
  for (const name of needed) {
    const source = catalog.sources.get(name);
    if (!source || source.def.rol === "catalogo_clues") continue;
    const users = indicators.filter((i) => i.sources.includes(name)).map((i) => i.id);
    const consequence = `${plural(users.length, "indicador sale", "indicadores salen")} con estado sin_datos (${listed(users)})`;
    if ((extract.get(name) ?? []).length === 0) {
      missingSources.push(name);
      avisos.push(aviso("MASB_FUENTE_FALTANTE", `el extracto no trae la fuente ${name} (${source.def.archivos.join(", ")}): ${consequence}`, { source: name }));
      continue;
    }
    const r = readOf(name, files);
    if (r.accepted > 0) {
      // One file of several without rows (an apartado of the SIS saved with its header alone):
      // the source has data, but not this file's. An empty file has its own problem already.
      for (const f of files) {
        if (f.source !== name || f.read > 0 || problems.some((p) => p.file === f.file && (p.fatal || p.code === "MASB_ARCHIVO_VACIO"))) continue;
        avisos.push(aviso("MASB_ARCHIVO_SIN_RENGLONES", `el archivo no tiene renglones (solo encabezado): no aporta datos a la fuente ${name}, y lo que sus renglones contarían cuenta como cero`, { source: name, file: f.file }));
      }
      continue;
    }
    missingSources.push(name);
    avisos.push(aviso("MASB_FUENTE_SIN_RENGLONES", `la fuente ${name} ${emptyReason(r)}: cuenta como faltante y ${consequence}`, { source: name, file: r.names.join(", ") }));
  }
  return { missingSources, avisos };
}

/**
 * The rejection reason for a CLUES that exists only written otherwise (`grimb000123`,
 * ` GRIMB000123`): a key is a key, so the row is still rejected, but the message says which
 * one was meant. Undefined when no such key exists.
 */
export function suggestClues(h: Hierarchy, key: string): string | undefined {
  const meant = key.trim().toUpperCase();
  if (meant === key || (h.find("clues", meant) === undefined && !h.excluded.has(meant))) return undefined;
  return `la CLUES '${key}' no existe en el catálogo CLUES del extracto; ¿quiso decir ${meant}? (las claves se comparan tal cual: corrija el archivo)`;
}
