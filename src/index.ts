/**
 * masb: the MAS-BIENESTAR indicator catalog of IMSS-BIENESTAR, computed from SINAIS-style
 * extracts. The library never prints and never exits; problems are returned or thrown as
 * `MasbError` with a stable `code`.
 */
export { buildCatalog, type Aggregate, type BuildResult, type Catalog, type Indicator, type Source } from "./catalog/load.js";
export type { CatalogText } from "./catalog/yaml.js";
export type { AgregadoDef, FuenteDef, IndicadorDef, Nivel, Unidad, Ventana } from "./catalog/schema.js";
export { NIVELES } from "./catalog/schema.js";
export {
  evaluate, evaluateEach, ingest, resolvePeriod, selectIndicators, RESULT_COLUMNS,
  type ComputeOptions, type EvaluateOptions, type IngestOptions, type FileRunner, type Ingested, type TraceEntry, type ComputeResult, type Estado, type Extract, type FileReport, type ProgressEvent, type ResultRow, type SourceInput,
} from "./engine/compute.js";
export { CatalogError, DataError, MasbError, type Position, type Problem } from "./errors.js";
export { Hierarchy, type OrgNode } from "./hierarchy/index.js";
export { formatRows, FORMATTERS } from "./output/index.js";
export { scoreValue, DEFAULT_BANDS, LOGRO_CAP, type Score, type Semaforo } from "./scoring/score.js";
export { bandsOf, DEFAULT_UMBRALES, logroOf, semaforoOf, SEMAFOROS, umbralesOf, type ScoreOverride, type Umbrales } from "./scoring/score.js";
export { METAS_COLUMNS, overrideFor, parseMetas, unknownMetaUnits, type MetaOverride, type Metas } from "./scoring/metas.js";
export { AGRUPACIONES, COMPOSITE_COLUMNS, compositeIndices, GRUPO_GLOBAL, rankComposites, type Agrupacion, type CompositeRow, type IndicatorTags, type ScoredRow } from "./scoring/composite.js";
export { monthsWithData, TREND_COLUMNS, windowCovered } from "./scoring/trend.js";
export { buildTablero, NIVELES_TABLERO, rejectionCounter, unitId, type BuildTableroOptions, type CalidadDatos, type CompletitudUnidad, type TableroInput, type TableroUnidad } from "./report/build.js";
export { renderTablero } from "./report/tablero.js";
export { readMetas } from "./node/metas.js";
export type { Rejection, FileProblem, Chunks, RecordObject } from "./sources/reader.js";
export { defaultCatalogDir, loadCatalog, readCatalog } from "./node/catalog.js";
export { openExtract } from "./node/extract.js";
export { threadRunner, PARALLEL_MIN_BYTES } from "./node/parallel.js";
export { validateCatalog, PROBLEM_CODES, type CatalogProblem, type CatalogProblemCode } from "./catalog/validate.js";
export { catalogJsonSchema, type SchemaKind } from "./catalog/jsonschema.js";
export type { ReferenciaDef } from "./catalog/schema.js";
export { describeIndicator, drillDown, formatDrillDown, type DrillDown, type DrillOptions } from "./explain/index.js";
export { formatProblems, PROBLEM_REPORTERS, type ProblemReporter } from "./output/problems.js";
/**
 * Epidemiological methods over plain numbers: life tables (Chiang) and health expectancy
 * (Sullivan), the SDG 3.4.1 probability, fertility, direct age standardisation with the WHO
 * 2000–2025 standard, and confidence intervals (exact Poisson, Byar, Wilson, Fay–Feuer).
 */
export {
  asfr, byarCI, chiSquareQuantile, directStandardise, fayFeuerCI, gammaQuantile, lifeTable, normalQuantile, parseAgeGroup,
  poissonExactCI, rowAt, sdg341, STANDARDS, standardWeights, sullivan, tfr, wilsonCI,
  type AgeGroup, type Estimate, type Interval, type LifeTableOptions, type LifeTableRow, type StandardPopulation,
} from "./methods/index.js";
/** Columns a result row may carry after the sixteen: `valor_crudo`, `ic_inferior`, `ic_superior`. */
export { IMPLEMENTED_METHODS, METHOD_COLUMNS } from "./engine/compute.js";
export type { MethodPlan } from "./catalog/methods.js";

import type { Catalog } from "./catalog/load.js";
import { compute as computeCore, type ComputeOptions, type ComputeResult, type Extract } from "./engine/compute.js";
import { openExtract } from "./node/extract.js";
import { threadRunner } from "./node/parallel.js";
import type { Chunks } from "./sources/reader.js";

/** Rows per source name, in memory or streamed: `{ egresos: rowsFromDb(), clues: [...] }`. */
export type RowSources = Record<string, Chunks>;

/**
 * Computes the catalog's indicators from an extract directory, an `Extract` (inputs per
 * source), or row sources per source name (objects keyed by the original column names).
 *
 * ```ts
 * const catalog = await loadCatalog();
 * const { rows } = await compute(catalog, "fixtures/demo", { period: "2024-03" });
 * ```
 */
export async function compute(catalog: Catalog, input: string | Extract | RowSources, options?: ComputeOptions): Promise<ComputeResult> {
  // Files on disk are read by worker threads (`workers`, by default the number of cores).
  const opts: ComputeOptions = { runner: threadRunner(), ...options };
  if (typeof input === "string") return computeCore(catalog, (await openExtract(input, catalog)).extract, opts);
  if (input instanceof Map) return computeCore(catalog, input, opts);
  const extract: Extract = new Map(Object.entries(input).map(([source, rows]) => [source, [{ name: `${source} (en memoria)`, open: () => rows }]]));
  return computeCore(catalog, extract, opts);
}

/** Same as `compute(catalog, dir, options)`. */
export const computeDir = (catalog: Catalog, dir: string, options?: ComputeOptions) => compute(catalog, dir, options);
