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
  compute, selectIndicators, RESULT_COLUMNS,
  type ComputeOptions, type ComputeResult, type Estado, type Extract, type FileReport, type ProgressEvent, type ResultRow, type SourceInput,
} from "./engine/compute.js";
export { CatalogError, DataError, MasbError, type Position, type Problem } from "./errors.js";
export { Hierarchy, type OrgNode } from "./hierarchy/index.js";
export { formatRows, FORMATTERS } from "./output/index.js";
export { scoreValue, DEFAULT_BANDS, LOGRO_CAP, type Score, type Semaforo } from "./scoring/score.js";
export type { Rejection, FileProblem, Chunks } from "./sources/reader.js";
export { defaultCatalogDir, loadCatalog, readCatalog } from "./node/catalog.js";
export { openExtract } from "./node/extract.js";

import type { Catalog } from "./catalog/load.js";
import { compute as computeCore, type ComputeOptions, type ComputeResult } from "./engine/compute.js";
import { openExtract } from "./node/extract.js";

/** Computes from an extract directory: `computeDir(catalog, "fixtures/demo", { period: "2024-03" })`. */
export async function computeDir(catalog: Catalog, dir: string, options?: ComputeOptions): Promise<ComputeResult> {
  const { extract } = await openExtract(dir, catalog);
  return computeCore(catalog, extract, options);
}
