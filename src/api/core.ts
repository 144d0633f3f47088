/**
 * The public API over rows and texts (no Node built-ins): what `masb/core` exports and what
 * the Node entry builds on. Everything here returns data or throws a `MasbError`; nothing
 * prints, exits or reads the environment.
 */
import { buildCatalog, type Catalog, type Indicator } from "../catalog/load.js";
import type { Ventana, Nivel } from "../catalog/schema.js";
import { validateTexts, type Validation } from "../catalog/validate.js";
import type { CatalogText } from "../catalog/yaml.js";
import {
  evaluationAvisos as engineAvisos, ingest as enginePass,
  type Extract, type FileReport, type Ingested as Pass, type IngestOptions, type ProgressEvent, type TraceEntry,
} from "../engine/compute.js";
import { checkPeriod } from "../engine/periods.js";
import { CatalogError, FileError, MasbError, type Aviso, type Problem } from "../errors.js";
import { buildTablero as buildTableroOf, type BuildTableroOptions, type TableroInput } from "../report/build.js";
import { unknownMetaUnits, type Metas } from "../scoring/metas.js";
import type { ResultRow } from "../scoring/rows.js";
import type { Chunks, FileProblem, Rejection } from "../sources/reader.js";
import { eachResult as eachResultOf, evaluate as evaluateOf, evaluateEach as evaluateEachOf } from "../stages.js";

/** Rows per source name, in memory or streamed: `{ egresos: rowsFromDb(), clues: [...] }`. Objects are keyed by the original column names; CSV text or bytes are read like a file. */
export type RowSources = Record<string, Chunks>;

/** YAML texts held in memory: a list of `{ path, text }`, or texts by path (`{ "sources/clues.yaml": "fuente: clues …" }`). */
export type CatalogInput = CatalogText[] | Record<string, string>;

/** How `compute` (and `ingest`, `evaluate`) read and what they produce. */
export interface ComputeOptions {
  /** The month the windows end at, `AAAA-MM`; by default the latest month with data in the extract's monthly sources. */
  period?: string;
  /** Overrides every indicator's own window: `mes`, `acumulado_anual` or `12_meses`. */
  ventana?: Ventana;
  /** Levels to produce (`entidad`, `region`, `zona`, `clues`); `nacional` always comes. By default all. */
  by?: Nivel[];
  /** Indicator ids or aliases (`70e`), components (`C9`), phases (`fase:1`) or dimensions (`impacto`); by default the whole catalog. */
  only?: string[];
  /** Per-run targets and bands by org unit (`parseMetas`, `readMetas`), over the catalog's `meta` and `umbrales`. */
  metas?: Metas;
  /** Adds `periodo_anterior`, `valor_anterior` and `cambio` to every row: the window ending one month earlier. */
  tendencia?: boolean;
  /** Adds `ic_inferior` and `ic_superior` to every row: `true` for 95 % bounds, or the level (0.9, 0.99). */
  intervalos?: boolean | number;
  /** Blanks `valor` (and its bounds) where the status is `inestable`, as statistical offices suppress small numbers. */
  suprimir?: boolean;
  /** Throws a `DataError` at the first rejected row instead of rejecting it, counting it and going on. */
  strict?: boolean;
  /**
   * Skips a file that cannot be read at all (no header, a required column missing) instead of
   * throwing `FileError` after the pass: it stays in `problems` with `fatal: true`, and a source
   * left with no rows is missing (`sin_datos`). The CLI does this, and exits 1.
   */
  skipUnreadableFiles?: boolean;
  /** Each rejected row as it happens, with its source, file, line, column, value, code and reason. */
  onReject?: (rejection: Rejection & { source: string }) => void;
  /** Each file started and finished, and rows read so far (`archivo`, `renglones`, `fin_archivo`). */
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Threads that read the files of an extract directory and evaluate the indicators (Node);
   * by default the number of cores; `1` does everything in the calling thread. Small extracts
   * are read in one thread anyway. The results are the same whatever the number.
   */
  workers?: number;
}

/**
 * What one pass over an extract leaves (`ingest`): the selected indicators, what each file
 * gave, and the partial sums (internal) from which `evaluate`, `evaluateEach`, `eachResult`
 * and `buildTablero` compute any period without reading again.
 */
export interface Ingested {
  readonly catalog: Catalog;
  /** The indicators selected by `only`, in catalog order. */
  readonly indicators: Indicator[];
  /** Per file read, in reading order: rows read = accepted + rejected, and those a universe left out. */
  readonly files: FileReport[];
  /** Problems of files: warnings (an empty file, an odd encoding) and, with `skipUnreadableFiles`, the files skipped (`fatal`). */
  readonly problems: FileProblem[];
  /** Sources the selected indicators need that are missing or hold no accepted row: their indicators are `sin_datos`. */
  readonly missingSources: string[];
  /** Warnings of the pass: sources missing or empty, no regionalisation, units without one. */
  readonly avisos: Aviso[];
  /** The latest month with data in a monthly source, as `year * 12 + month - 1`; -1 when none. */
  readonly latestMonth: number;
  /** With the `trace` of `masb explain`: rows each aggregate took at one org unit. */
  readonly trace?: Map<string, TraceEntry>;
}

/** What `compute` returns: the result rows of the period and what the run read and warned of. */
export interface ComputeResult {
  /** The month the windows end at, `AAAA-MM`. */
  period: string;
  /** One row per indicator and org unit, indicator by indicator in catalog order, each from the nation down to its units. */
  rows: ResultRow[];
  /**
   * Every warning of the run, in order: entries of an extract folder not read, the pass's
   * (sources missing or empty, no regionalisation) and the evaluation's (a period after the
   * data, windows without rows, closed units left out). The CLI prints each as `aviso [código] …`.
   */
  avisos: Aviso[];
  /** Per file read: rows read, accepted, rejected, and left out of a universe. */
  files: FileReport[];
  /** Problems of files (see `Ingested.problems`). */
  problems: FileProblem[];
  /** Sources the selected indicators need that are missing or empty. */
  missingSources: string[];
  /** The latest month with data, as `year * 12 + month - 1`; -1 when none. Compare with `period`. */
  latestMonth: number;
  /** The indicators computed. */
  indicators: Indicator[];
}

/** The engine's pass behind a public `Ingested`; refuses anything `ingest` did not return. */
export function passOf(ingested: Ingested): Pass {
  const pass = ingested as Partial<Pass>;
  if (!pass || !(pass.stores instanceof Map) || !pass.plan) {
    throw new MasbError("MASB_ARGUMENTO_INVALIDO", "se esperaba el resultado de ingest (la pasada por el extracto)");
  }
  return pass as Pass;
}

/** Turns row sources into an extract: one in-memory input per source. */
export function extractFromRows(rows: RowSources): Extract {
  return new Map(Object.entries(rows).map(([source, chunks]) => [source, [{ name: `${source} (en memoria)`, open: () => chunks }]]));
}

/** The problems of the files that could not be read, as a `FileError`; null when there is none. */
function unreadable(problems: FileProblem[]): FileError | null {
  const fatal = problems.filter((p) => p.fatal);
  if (fatal.length === 0) return null;
  return new FileError(fatal.map((p): Problem => ({ code: p.code, severity: "error", file: p.file, line: p.line, message: p.message, ...(p.hint ? { hint: p.hint } : {}) })));
}

/** Refuses, before anything is read, options that would make the run fail at its end (a period that is not `AAAA-MM`). */
export function checkOptions(options: ComputeOptions): void {
  checkPeriod(options.period);
}

/** The pass, with the engine's own options (a thread runner in Node); throws `FileError` unless told to skip. */
export async function runPass(catalog: Catalog, extract: Extract, options: ComputeOptions & Pick<IngestOptions, "runner" | "trace">): Promise<Pass> {
  checkOptions(options); // before reading: a bad period must not cost a whole pass
  const pass = await enginePass(catalog, extract, options);
  if (!options.skipUnreadableFiles) {
    const error = unreadable(pass.problems);
    if (error) throw error;
  }
  return pass;
}

/** The warnings of evaluating at the period: the run's targets for org units not in the extract, then the evaluation's. */
function avisosOf(pass: Pass, options: ComputeOptions): Aviso[] {
  const metas = options.metas ? (unknownMetaUnits(options.metas, pass.hierarchy) as Aviso[]) : [];
  return [...metas, ...engineAvisos(pass, options)];
}

/** The public result of a pass evaluated at its period: no partial sums, no plan. */
export function resultOf(pass: Pass, options: ComputeOptions, before: Aviso[] = []): ComputeResult {
  const { period, rows } = evaluateOf(pass, options);
  return {
    period, rows, avisos: [...before, ...pass.avisos, ...avisosOf(pass, options)],
    files: pass.files, problems: pass.problems, missingSources: pass.missingSources, latestMonth: pass.latestMonth, indicators: pass.indicators,
  };
}

const asExtract = (input: Extract | RowSources): Extract => (input instanceof Map ? input : extractFromRows(input));

/**
 * Builds a catalog from YAML texts held in memory (indicators, source schemas, SIS
 * dictionaries). Throws `CatalogError`, with every problem in `details.problems`, when any is
 * an error; `validateCatalog` returns them instead. (In Node, `loadCatalog` also reads a directory.)
 *
 * ```ts
 * const catalog = await loadCatalog({ "sources/clues.yaml": cluesYaml, "camas.yaml": camasYaml });
 * ```
 */
export async function loadCatalog(input: CatalogInput): Promise<Catalog> {
  const { catalog, problems } = buildCatalog(textsOf(input));
  if (problems.some((p) => p.severity === "error")) throw new CatalogError(problems);
  return catalog;
}

/** The texts of a `CatalogInput` as a list. */
export const textsOf = (input: CatalogInput): CatalogText[] => (Array.isArray(input) ? input : Object.entries(input).map(([path, text]) => ({ path, text })));

/**
 * Checks a catalog given as YAML texts — each file alone, then the catalog as a whole — and
 * returns every problem at once, each with its code, file, line and column, sorted by
 * position, and the catalog built from what was valid. No error in `problems` (warnings may
 * remain) means the catalog loads. (In Node, `validateCatalog` also reads a directory.)
 */
export async function validateCatalog(input: CatalogInput): Promise<Validation> {
  return validateTexts(textsOf(input));
}

/**
 * Computes the catalog's indicators from row sources per source name (objects keyed by the
 * original column names, arrays or async iterables, or CSV text or bytes) or an `Extract`, in
 * one pass, in the calling thread: reads each source once, rolls the partial sums up the
 * hierarchy, evaluates every indicator at every level for the period and scores it.
 *
 * Throws a `MasbError`: `MASB_PERIODO_INVALIDO` before reading, `MASB_SELECCION_DESCONOCIDA`
 * for an `only` that names nothing, `MASB_SIN_CATALOGO_CLUES` without the CLUES catalog,
 * `FileError` when a file cannot be read at all (unless `skipUnreadableFiles`), `DataError`
 * at the first rejected row with `strict`. Rejected rows and warnings are data, not errors.
 *
 * ```ts
 * const { rows } = await compute(catalog, { clues: cluesRows, egresos: egresosFromDb() }, { only: ["83b"], period: "2024-03" });
 * ```
 */
export async function compute(catalog: Catalog, input: Extract | RowSources, options: ComputeOptions = {}): Promise<ComputeResult> {
  const pass = await runPass(catalog, asExtract(input), options);
  return resultOf(pass, options);
}

/**
 * The pass alone: reads the extract once and keeps the partial sums, so that `evaluate`,
 * `evaluateEach` or `eachResult` can compute several periods, or stream the rows, without
 * reading again. Takes the same options as `compute` and throws the same errors.
 */
export async function ingest(catalog: Catalog, input: Extract | RowSources, options: ComputeOptions = {}): Promise<Ingested> {
  return runPass(catalog, asExtract(input), options);
}

/**
 * Evaluates and scores every selected indicator at every requested level for the period, from
 * what `ingest` read. The warnings of evaluating at that period are `evaluationAvisos`.
 */
export function evaluate(ingested: Ingested, options: ComputeOptions = {}): { period: string; rows: ResultRow[] } {
  checkPeriod(options.period);
  return evaluateOf(passOf(ingested), options);
}

/**
 * The rows of `evaluate`, one indicator at a time and in the same order: a caller that writes
 * as it goes holds one indicator's rows, not a national result of millions of rows.
 */
export function evaluateEach(ingested: Ingested, options: ComputeOptions = {}): Generator<ResultRow[]> {
  checkPeriod(options.period);
  return evaluateEachOf(passOf(ingested), options);
}

/** One indicator's rows (one of `ingested.indicators`), handed to `emit` one by one as they are computed. */
export function eachResult(ingested: Ingested, indicator: Indicator, options: ComputeOptions, emit: (row: ResultRow) => void): void {
  checkPeriod(options.period);
  eachResultOf(passOf(ingested), indicator, options, emit);
}

/**
 * The warnings of evaluating at a period, which `compute` adds to its `avisos`: lines of
 * `metas` whose org unit is not in the extract, a period after the extract's last month with
 * data, each source whose flows have no rows in the windows of the indicators that read it,
 * closed units left out, SIS variables the files lack.
 */
export function evaluationAvisos(ingested: Ingested, options: ComputeOptions = {}): Aviso[] {
  return avisosOf(passOf(ingested), options);
}

/**
 * Everything the tablero (`renderTablero`) shows, evaluated from one pass: the period's rows
 * down to zona with the trend, composite indices and rankings, the monthly series at nacional
 * and entidad level, and the data quality (files, rejections, warnings, completeness).
 */
export function buildTablero(ingested: Ingested, options: BuildTableroOptions): TableroInput {
  checkPeriod(options.period);
  return buildTableroOf(passOf(ingested), options);
}
