import { readdir, readFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCatalog, type BuildResult, type Catalog } from "../catalog/load.js";
import { CatalogError, MasbError } from "../errors.js";

/** The catalog shipped with the package (`indicators/`). */
export function defaultCatalogDir(): string {
  // dist/index.js and src/node/catalog.ts both sit two levels below the package root or one.
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(`${sep}node`) ? join(here, "..", "..", "indicators") : join(here, "..", "indicators");
}

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFiles(path)));
    // CSV files are publishers' variable lists, which dictionaries are checked against.
    else if (/\.(ya?ml|csv)$/i.test(entry.name)) out.push(path);
  }
  return out.sort();
}

/** Reads every YAML file (and variable list, `.csv`) under a catalog directory and builds the catalog, collecting all problems. */
export async function readCatalog(dir: string = defaultCatalogDir()): Promise<BuildResult> {
  let paths: string[];
  try {
    paths = await yamlFiles(dir);
  } catch {
    throw new MasbError("MASB_CATALOGO_NO_EXISTE", `no existe el directorio del catálogo '${dir}'`, { file: dir });
  }
  const texts = await Promise.all(paths.map(async (p) => ({ path: p, text: await readFile(p, "utf8") })));
  return buildCatalog(texts);
}

/** Loads a catalog directory; throws `CatalogError` with every problem when any is an error. */
export async function loadCatalog(dir?: string): Promise<Catalog> {
  const { catalog, problems } = await readCatalog(dir);
  if (problems.some((p) => p.severity === "error")) throw new CatalogError(problems);
  return catalog;
}
