/**
 * The public API in Node: that of the core (src/api/core.ts), where catalogs and extracts may
 * also be directories, and extract files are read by worker threads.
 */
import type { Catalog } from "../catalog/load.js";
import { validationOf, type Validation } from "../catalog/validate.js";
import type { Extract } from "../engine/compute.js";
import { readCatalog } from "../node/catalog.js";
import { openExtract } from "../node/extract.js";
import { threadRunner } from "../node/parallel.js";
import { CatalogError } from "../errors.js";
import * as core from "./core.js";
import { runPass, resultOf, type CatalogInput, type ComputeOptions, type ComputeResult, type Ingested, type RowSources } from "./core.js";

/** How a catalog directory is read. */
export interface CatalogOptions {
  /**
   * A folder where built catalogs are kept, each under a hash of its files and of this build
   * of masb: reading the same files again skips parsing and checking them. Nothing is cached
   * without it; a cache that cannot be read or written is ignored.
   */
  cache?: string;
}

/**
 * Loads a catalog: the one bundled with the package (`indicators/`) when called without
 * arguments, a directory (every `.yaml` under it, and the SIS variable lists), or YAML texts
 * held in memory. Throws `CatalogError`, with every problem in `details.problems`, when any is
 * an error; `MASB_CATALOGO_NO_EXISTE` or `MASB_CATALOGO_NO_ES_CARPETA` for a wrong path.
 *
 * ```ts
 * const catalog = await loadCatalog();            // the bundled catalog
 * const mine = await loadCatalog("mi-catalogo");  // a directory
 * ```
 */
export async function loadCatalog(input?: string | CatalogInput, options: CatalogOptions = {}): Promise<Catalog> {
  if (input !== undefined && typeof input !== "string") return core.loadCatalog(input);
  const { catalog, problems } = await readCatalog(input, options);
  if (problems.some((p) => p.severity === "error")) throw new CatalogError(problems);
  return catalog;
}

/**
 * Checks a whole catalog — the bundled one without arguments, a directory, or YAML texts —
 * indicators and source schemas, and returns every problem at once (code, file, line,
 * column, message, hint), sorted by position, with the catalog built from what was valid.
 * No error among the problems (warnings may remain) means the catalog loads. This is
 * `masb validate`.
 *
 * ```ts
 * const { problems } = await validateCatalog("indicators");
 * for (const p of problems) console.log(`${p.file}:${p.line}:${p.column} ${p.code} ${p.message}`);
 * ```
 */
export async function validateCatalog(input?: string | CatalogInput, options: CatalogOptions = {}): Promise<Validation> {
  if (input !== undefined && typeof input !== "string") return core.validateCatalog(input);
  const result = await readCatalog(input, options);
  return validationOf(result, input ?? "(catálogo incluido)");
}

/** An extract directory listed, with the warnings of its entries that are not read; or the inputs as given. */
async function extractOf(catalog: Catalog, input: string | Extract | RowSources): Promise<{ extract: Extract | RowSources; avisos: core.ComputeResult["avisos"] }> {
  if (typeof input !== "string") return { extract: input, avisos: [] };
  const listing = await openExtract(input, catalog);
  return { extract: listing.extract, avisos: listing.avisos };
}

const asExtract = (input: Extract | RowSources): Extract => (input instanceof Map ? input : core.extractFromRows(input));

/**
 * Computes the catalog's indicators from an extract directory (its files matched to the
 * sources by name, read by worker threads), an `Extract`, or row sources per source name
 * (see the core's `compute`). The entries of a directory that are not read come first in
 * `avisos`. `MASB_EXTRACTO_NO_EXISTE` or `MASB_EXTRACTO_NO_ES_CARPETA` for a wrong path.
 *
 * ```ts
 * const catalog = await loadCatalog();
 * const { rows, avisos } = await compute(catalog, "fixtures/demo", { period: "2024-03" });
 * ```
 */
export async function compute(catalog: Catalog, input: string | Extract | RowSources, options: ComputeOptions = {}): Promise<ComputeResult> {
  core.checkOptions(options); // before listing or reading anything
  const { extract, avisos } = await extractOf(catalog, input);
  const pass = await runPass(catalog, asExtract(extract), { runner: threadRunner(), ...options });
  return resultOf(pass, options, avisos);
}

/**
 * The pass alone over an extract directory, an `Extract` or row sources (see `compute`): for
 * `evaluate`, `evaluateEach`, `eachResult` and `buildTablero`. The entries of a directory
 * that are not read come first in its `avisos`.
 */
export async function ingest(catalog: Catalog, input: string | Extract | RowSources, options: ComputeOptions = {}): Promise<Ingested> {
  core.checkOptions(options);
  const { extract, avisos } = await extractOf(catalog, input);
  const pass = await runPass(catalog, asExtract(extract), { runner: threadRunner(), ...options });
  if (avisos.length) pass.avisos.unshift(...avisos);
  return pass;
}
