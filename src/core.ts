/**
 * masb core: everything that computes from rows and text, with no Node built-ins (no fs,
 * path, worker_threads), so that it bundles for a browser or an edge runtime. `masb` (the
 * root entry in Node) adds catalogs and extracts as directories, and worker threads.
 *
 * ```ts
 * import { compute, loadCatalog } from "masb/core";
 * const catalog = await loadCatalog({ "sources/clues.yaml": cluesYaml, "camas.yaml": camasYaml });
 * const { rows } = await compute(catalog, { clues: cluesRows }, { period: "2024-03" });
 * ```
 *
 * @packageDocumentation
 */

// Catalog
export { loadCatalog, validateCatalog, type CatalogInput } from "./api/core.js";
export type { Catalog, Indicator } from "./catalog/load.js";
export type { Validation } from "./catalog/validate.js";
export { catalogJsonSchema } from "./catalog/jsonschema.js";

// Computing
export {
  compute, eachResult, evaluate, evaluateEach, evaluationAvisos, ingest,
  type ComputeOptions, type ComputeResult, type Ingested, type RowSources,
} from "./api/core.js";
export type { Extract } from "./engine/compute.js";
export { resultColumns, type ResultRow } from "./scoring/rows.js";
export { formatRows } from "./output/index.js";

// Targets per org unit
export { parseMetas, type Metas } from "./scoring/metas.js";

// Explaining an indicator, and the tablero
export { describeIndicator, drillDown, formatDrillDown, type DrillDown } from "./explain/index.js";
export { buildTablero } from "./api/core.js";
export type { TableroInput } from "./report/build.js";
export { renderTablero } from "./report/tablero.js";

// Errors and warnings
export { CatalogError, DataError, FileError, MasbError, type Aviso, type Problem } from "./errors.js";
