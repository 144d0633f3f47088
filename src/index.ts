/**
 * masb: the MAS-BIENESTAR indicator catalog of IMSS-BIENESTAR, computed from SINAIS-style
 * extracts. This is the Node entry (`masb`, and `masb/node`): the core (`masb/core`) plus
 * catalogs and extracts as directories, and worker threads. The library never prints, never
 * exits and never reads the environment: results and warnings come back as data, and what
 * stops a run is thrown as a `MasbError` with a stable `code`.
 *
 * ```ts
 * import { compute, loadCatalog } from "masb";
 * const catalog = await loadCatalog();
 * const { rows, avisos } = await compute(catalog, "fixtures/demo", { period: "2024-03" });
 * ```
 *
 * @packageDocumentation
 */

// Catalog
export { loadCatalog, validateCatalog, type CatalogOptions } from "./api/node.js";
export type { CatalogInput } from "./api/core.js";
export type { Catalog, Indicator } from "./catalog/load.js";
export type { Validation } from "./catalog/validate.js";
export { catalogJsonSchema } from "./catalog/jsonschema.js";

// Computing
export { compute, ingest } from "./api/node.js";
export { eachResult, evaluate, evaluateEach, evaluationAvisos, type ComputeOptions, type ComputeResult, type Ingested, type RowSources } from "./api/core.js";
export { openExtract } from "./node/extract.js";
export type { Extract } from "./engine/compute.js";
export { resultColumns, type ResultRow } from "./scoring/rows.js";
export { formatRows } from "./output/index.js";

// Targets per org unit
export { readMetas } from "./node/metas.js";
export { parseMetas, type Metas } from "./scoring/metas.js";

// Explaining an indicator, and the tablero
export { describeIndicator, drillDown, formatDrillDown, type DrillDown } from "./explain/index.js";
export { buildTablero } from "./api/core.js";
export type { TableroInput } from "./report/build.js";
export { renderTablero } from "./report/tablero.js";

// Errors and warnings
export { CatalogError, DataError, FileError, MasbError, type Aviso, type Problem } from "./errors.js";
