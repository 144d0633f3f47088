/**
 * The CLI's own surface: what `src/cli` needs beyond the public API (src/index.ts), which a
 * service has no use for — files written whole, the extract's worker threads, garbage
 * collection, the run summary, the choices its options offer. Not exported from the package
 * (package.json `exports` does not name it), so it may change with any release.
 * `tests/layers.test.ts` checks that src/cli imports nothing else of src/.
 */
import { passOf, type ComputeOptions, type Ingested } from "./api/core.js";
import type { ResultRow } from "./scoring/rows.js";
import { evaluateInThreads as inThreads, evaluationThreads as threadsFor } from "./node/parallel.js";
import { runSummary as summaryOf, type SummaryInput } from "./output/summary.js";
import type { RunSummary } from "./output/summary.js";
import type { Hierarchy } from "./hierarchy/index.js";
import type { Catalog, Indicator } from "./catalog/load.js";
import type { AtomicFile } from "./node/files.js";
import { readPartials as readPartialsOf, writePartials as writePartialsOf } from "./node/partials.js";
import { duckdbIngest, type DuckdbOptions } from "./node/duckdb.js";
import type { Aviso } from "./errors.js";
import { tableKeys } from "./sql/script.js";

// Files, threads, memory
export { AtomicFile, inputFolderProblem, outputTargetProblem, writeError } from "./node/files.js";
export { collectIfGrown, collectNow, enableCollection, EVALUATION_GROWTH_BYTES } from "./node/gc.js";
export { defaultCatalogDir } from "./node/catalog.js";
export { prestartReaders, releaseReaders } from "./node/parallel.js";

// Formats and reports
export { FORMATTERS, streamWriter } from "./output/index.js";
export { summaryText, type RunSummary } from "./output/summary.js";
export { formatProblems, PROBLEM_REPORTERS } from "./output/problems.js";
export { NIVELES_TABLERO, rejectionCounter } from "./report/build.js";
export { COMPOSITE_COLUMNS } from "./scoring/composite.js";

// The catalog's vocabularies, for the options' choices and the listing
export { COMPONENTES, DIMENSIONES, NIVELES, UNIVERSOS, VENTANAS, type Nivel, type Ventana } from "./catalog/schema.js";
export { universeInWords } from "./catalog/load.js";
export { IMPLEMENTED_METHODS, type FileReport } from "./engine/compute.js";
export { checkPeriod } from "./engine/periods.js";
export { nearest } from "./expr/suggest.js";
export { formatPosition } from "./errors.js";
export type { FileProblem } from "./sources/reader.js";

/** How many threads would evaluate this pass (1: this thread alone). */
export const evaluationThreads = (ingested: Ingested, requested: number | undefined): number => threadsFor(passOf(ingested), requested);

/**
 * Evaluates in worker threads and hands each indicator's output text to `write` in catalog
 * order: the same bytes as `evaluateEach` and the format's stream writer.
 */
export const evaluateInThreads = (
  ingested: Ingested, options: ComputeOptions, threads: number, job: { format: string; sample: ResultRow[]; excel: boolean }, write: (bytes: Uint8Array) => Promise<void> | void,
): Promise<number> => inThreads(passOf(ingested), options, threads, job, write);

/** The run summary of `--resumen`. */
export const runSummary = (ingested: Ingested, input: SummaryInput): RunSummary => summaryOf(passOf(ingested), input);

// The targets template (`masb metas --plantilla`)
export { selectIndicators } from "./engine/compute.js";
export { ENTIDAD_NO_ESPECIFICADA, type Hierarchy } from "./hierarchy/index.js";
export { METAS_COLUMNS } from "./scoring/metas.js";
export type { IndicadorDef } from "./catalog/schema.js";

/** The org units a pass found: the extract's CLUES catalog and regionalisation. */
export const hierarchyOf = (ingested: Ingested): Hierarchy => passOf(ingested).hierarchy;

// Partial sums as a file (`--escribir-parciales`, `--parciales`; src/engine/partials.ts has the format)
export { partialsFileProblem } from "./node/partials.js";

/** Writes a pass's partial sums to `path` under a temporary name; the caller commits it with the run's other outputs. */
export const writePartials = (ingested: Ingested, path: string): Promise<AtomicFile> => writePartialsOf(passOf(ingested), path, { commit: false });

/** A pass read back from a partial-sums file, for `evaluate` and the run summary like one from `ingest`. */
export const readPartials = (catalog: Catalog, path: string, only?: Indicator[]): Promise<Ingested> => readPartialsOf(catalog, path, only);

// The DuckDB motor (`--motor duckdb`; src/node/duckdb.ts, src/sql)
export { DUCKDB_INSTALL } from "./node/duckdb.js";

/** The pass made in embedded DuckDB: the same `Ingested` as `ingest`, and the listing's warnings. */
export const duckdbPass = (catalog: Catalog, dir: string, options: DuckdbOptions): Promise<{ ingested: Ingested; avisos: Aviso[] }> => duckdbIngest(catalog, dir, options);

// The SQL of the pass for one's own database (`masb sql`; src/sql/script.ts)
export { sqlScript } from "./sql/script.js";
/** The names `--tablas` accepts: the catalog's sources and the loader's `masb_archivos`. */
export const SQL_TABLE_KEYS = (catalog: Catalog): string[] => tableKeys(catalog);
