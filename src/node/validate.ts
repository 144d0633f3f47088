import { validateTexts, validationOf, type CatalogProblem, type Validation } from "../catalog/validate.js";
import type { CatalogText } from "../catalog/yaml.js";
import { readCatalog, type ReadCatalogOptions } from "./catalog.js";

/** Validates a catalog directory, or YAML texts, and keeps the catalog built. */
export async function validateWithCatalog(input: CatalogText[] | string, options: ReadCatalogOptions = {}): Promise<Validation> {
  if (typeof input === "string") return validationOf(await readCatalog(input, options), input);
  return validateTexts(input);
}

/**
 * Checks a whole catalog, indicators and source schemas, and returns every problem at once,
 * each with file, line and column, sorted by position. An empty list means the catalog is valid.
 * Takes a directory or YAML texts (a service's own catalog).
 *
 * ```ts
 * const problems = await validateCatalog("indicators");
 * for (const p of problems) console.log(`${p.file}:${p.line}:${p.column} ${p.code} ${p.message}`);
 * ```
 */
export async function validateCatalog(input: CatalogText[] | string): Promise<CatalogProblem[]> {
  return (await validateWithCatalog(input)).problems;
}
