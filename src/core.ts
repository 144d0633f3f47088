/**
 * masb core: everything that computes from rows and text, with no Node built-ins (no fs,
 * path, worker_threads), so it bundles for a browser or an edge runtime. `masb` (the root
 * entry in Node) and `masb/node` add the file-system and worker helpers.
 */
export { buildCatalog, type Aggregate, type BuildResult, type Catalog, type Indicator, type Source } from "./catalog/load.js";
export type { CatalogText } from "./catalog/yaml.js";
export type { AgregadoDef, FuenteDef, IndicadorDef, Nivel, Unidad, Ventana } from "./catalog/schema.js";
export { NIVELES } from "./catalog/schema.js";
export {
  eachResult, evaluate, evaluateEach, evaluationAvisos, ingest, resolvePeriod, selectIndicators, RESULT_COLUMNS,
  type ComputeOptions, type EvaluateOptions, type IngestOptions, type FileRunner, type Ingested, type TraceEntry, type ComputeResult, type Estado, type Extract, type FileReport, type ProgressEvent, type ResultRow, type SourceInput,
} from "./engine/compute.js";
export { CatalogError, DataError, MasbError, type Aviso, type Position, type Problem } from "./errors.js";
export { Hierarchy, type OrgNode } from "./hierarchy/index.js";
export { formatRows, FORMATTERS } from "./output/index.js";
export { scoreValue, DEFAULT_BANDS, LOGRO_CAP, type Score, type Semaforo } from "./scoring/score.js";
export { bandsOf, DEFAULT_UMBRALES, semaforoOf, SEMAFOROS, umbralesOf, type ScoreOverride, type Umbrales } from "./scoring/score.js";
export { METAS_COLUMNS, overrideFor, parseMetas, unknownMetaUnits, type MetaOverride, type Metas } from "./scoring/metas.js";
export { AGRUPACIONES, COMPOSITE_COLUMNS, compositeIndices, GRUPO_GLOBAL, rankComposites, type Agrupacion, type CompositeRow, type IndicatorTags, type ScoredRow } from "./scoring/composite.js";
export { monthsWithData, TREND_COLUMNS, windowCovered } from "./scoring/trend.js";
export { buildTablero, NIVELES_TABLERO, rejectionCounter, unitId, type BuildTableroOptions, type CalidadDatos, type CompletitudUnidad, type TableroInput, type TableroUnidad } from "./report/build.js";
export { renderTablero } from "./report/tablero.js";
export type { Rejection, FileProblem, Chunks, RecordObject } from "./sources/reader.js";
export { PROBLEM_CODES, type CatalogProblem, type CatalogProblemCode } from "./catalog/validate.js";
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
/**
 * Warnings about the variables of wide sources (SIS): variables the catalog reads that no
 * file of the extract has (the indicators of an aggregate with none are `sin_datos`), and files
 * of another year than the dictionary the indicators read them with.
 */
export { avisosVariables, type AvisoVariables } from "./engine/variables.js";
export type { Dictionaries, Dictionary, VariableInfo } from "./catalog/dictionaries.js";
export type { DiccionarioDef } from "./catalog/schema.js";
export type { MethodPlan } from "./catalog/methods.js";
export { validateCatalogTexts, validateTexts } from "./catalog/validate.js";

import { buildCatalog, type Catalog } from "./catalog/load.js";
import type { CatalogText } from "./catalog/yaml.js";
import { compute as computeExtract, type ComputeOptions, type ComputeResult, type Extract } from "./engine/compute.js";
import { CatalogError } from "./errors.js";
import type { Chunks } from "./sources/reader.js";

/** Rows per source name, in memory or streamed: `{ egresos: rowsFromDb(), clues: [...] }`. */
export type RowSources = Record<string, Chunks>;

/** In-memory YAML: a list of `{ path, text }`, or texts by path. */
export type CatalogInput = CatalogText[] | Record<string, string>;

/**
 * Builds a catalog from YAML texts held in memory; throws `CatalogError` listing every
 * problem when any is an error. (In Node, `loadCatalog` also takes a directory.)
 */
export function loadCatalogFromTexts(input: CatalogInput): Catalog {
  const texts = Array.isArray(input) ? input : Object.entries(input).map(([path, text]) => ({ path, text }));
  const { catalog, problems } = buildCatalog(texts);
  if (problems.some((p) => p.severity === "error")) throw new CatalogError(problems);
  return catalog;
}

/** Turns row sources into an extract: one in-memory input per source. */
export function extractFromRows(rows: RowSources): Extract {
  return new Map(Object.entries(rows).map(([source, chunks]) => [source, [{ name: `${source} (en memoria)`, open: () => chunks }]]));
}

/**
 * Computes the catalog's indicators from an `Extract` (inputs per source) or from row
 * sources per source name (objects keyed by the original column names, or CSV text/bytes),
 * in one pass, in the calling thread.
 */
export async function computeRows(catalog: Catalog, input: Extract | RowSources, options?: ComputeOptions): Promise<ComputeResult> {
  return computeExtract(catalog, input instanceof Map ? input : extractFromRows(input), options);
}

/** `compute` of the core: an `Extract` or row sources (a directory needs `masb/node`). */
export const compute = computeRows;

/** `loadCatalog` of the core: YAML texts held in memory (a directory needs `masb/node`). */
export async function loadCatalog(input: CatalogInput): Promise<Catalog> {
  return loadCatalogFromTexts(input);
}
