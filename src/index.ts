/**
 * masb: the MAS-BIENESTAR indicator catalog of IMSS-BIENESTAR, computed from SINAIS-style
 * extracts. The library never prints and never exits; problems are returned or thrown as
 * `MasbError` with a stable `code`.
 *
 * This is the Node entry (`masb` in Node, and `masb/node`): the core (`masb/core`) plus files,
 * directories and worker threads.
 */
export * from "./core.js";
export { readMetas } from "./node/metas.js";
export { defaultCatalogDir, readCatalog } from "./node/catalog.js";
export { openExtract } from "./node/extract.js";
export { threadRunner, PARALLEL_MIN_BYTES } from "./node/parallel.js";
export { validateCatalog, validateWithCatalog } from "./node/validate.js";

import type { Catalog } from "./catalog/load.js";
import { computeRows, loadCatalogFromTexts, type CatalogInput, type RowSources } from "./core.js";
import type { ComputeOptions, ComputeResult, Extract } from "./engine/compute.js";
import { checkPeriod } from "./engine/periods.js";
import { loadCatalog as loadCatalogDir } from "./node/catalog.js";
import { openExtract } from "./node/extract.js";
import { threadRunner } from "./node/parallel.js";

/**
 * Loads a catalog: the bundled `indicators/` when called without arguments, a directory, or
 * YAML texts held in memory. Throws `CatalogError` listing every problem when any is an error.
 */
export async function loadCatalog(input?: string | CatalogInput): Promise<Catalog> {
  if (input === undefined || typeof input === "string") return loadCatalogDir(input);
  return loadCatalogFromTexts(input);
}

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
  checkPeriod(options?.period); // before listing or reading anything
  // Files on disk are read by worker threads (`workers`, by default the number of cores).
  const opts: ComputeOptions = { runner: threadRunner(), ...options };
  if (typeof input !== "string") return computeRows(catalog, input, opts);
  const listing = await openExtract(input, catalog);
  const result = await computeRows(catalog, listing.extract, opts);
  // The entries of the folder that were not read come first: they are why a source may be missing.
  return { ...result, avisos: [...listing.avisos, ...result.avisos] };
}

/** Same as `compute(catalog, dir, options)`. */
export const computeDir = (catalog: Catalog, dir: string, options?: ComputeOptions) => compute(catalog, dir, options);
