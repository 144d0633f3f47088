import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCatalog, type BuildResult, type Catalog } from "../catalog/load.js";
import { CatalogError, MasbError } from "../errors.js";
import { inputFolderProblem } from "./files.js";

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

/** How `readCatalog` reads. */
export interface ReadCatalogOptions {
  /**
   * A directory where built catalogs are kept, each under a hash of its files' paths and
   * texts and of this build of masb: reading the same files again skips the YAML parsing and
   * every check (a third of a second for the bundled catalog) and gives the same catalog and
   * problems. Nothing is cached without it; a cache that cannot be read or written is ignored.
   */
  cache?: string;
}

/**
 * Reads every YAML file (and variable list, `.csv`) under a catalog directory and builds the
 * catalog, collecting all problems; with `options.cache`, from the built catalog kept there
 * when the files are the same.
 */
export async function readCatalog(dir: string = defaultCatalogDir(), options: ReadCatalogOptions = {}): Promise<BuildResult> {
  const wrong = await inputFolderProblem(dir, "catalogo");
  if (wrong) throw new MasbError(wrong.code, wrong.message, { value: dir, hint: wrong.hint });
  let paths: string[];
  try {
    paths = await yamlFiles(dir);
  } catch (e) {
    throw new MasbError("MASB_CATALOGO_ILEGIBLE", `no se puede leer la carpeta del catálogo '${dir}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: dir });
  }
  const texts = await Promise.all(paths.map(async (p) => ({ path: p, text: await readFile(p, "utf8") })));
  if (!options.cache) return buildCatalog(texts);
  const file = join(options.cache, `catalogo-${cacheKey(texts)}.json`);
  const kept = await readCached(file);
  if (kept) return kept;
  const built = buildCatalog(texts);
  await writeCached(file, built);
  return built;
}

/** Bumped when the shape of a cached catalog changes. */
const CACHE_FORMAT = 1;

/**
 * The cache key: the files' paths and texts, and this build of masb — the size and time of
 * every code file beside this module (`dist/` as built, or `src/` under the tests), which a new
 * build or an edit of any check changes — so that a catalog built by other code is never reused.
 */
function cacheKey(texts: { path: string; text: string }[]): string {
  const hash = createHash("sha256");
  hash.update(`masb-catalogo:${CACHE_FORMAT}:${codeStamp()}\0`);
  for (const t of texts) hash.update(`${t.path}\0${t.text}\0`);
  return hash.digest("hex").slice(0, 32);
}

let stamp: string | undefined;
/** Sizes and times of the code files of this build (computed once per process). */
function codeStamp(): string {
  if (stamp !== undefined) return stamp;
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.endsWith(`${sep}node`) ? dirname(here) : here; // src/ (src/node/catalog.ts) or dist/
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.(c?js|mjs|ts)$/.test(e.name)) {
        const st = statSync(path);
        parts.push(`${path}:${st.size}:${st.mtimeMs}`);
      }
    }
  };
  try {
    walk(root);
  } catch {
    parts.push("?");
  }
  return (stamp = createHash("sha256").update(parts.join("\n")).digest("hex"));
}

/** JSON with the catalog's Maps and Sets kept as such. */
const replacer = (_: string, v: unknown) => (v instanceof Map ? { $mapa: [...v] } : v instanceof Set ? { $conjunto: [...v] } : v);
const reviver = (_: string, v: unknown) => {
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as { $mapa?: [unknown, unknown][]; $conjunto?: unknown[] };
    if (o.$mapa) return new Map(o.$mapa);
    if (o.$conjunto) return new Set(o.$conjunto);
  }
  return v;
};

async function readCached(file: string): Promise<BuildResult | null> {
  try {
    const kept = JSON.parse(await readFile(file, "utf8"), reviver) as BuildResult;
    // One object per indicator: the ids and aliases point at the indicators of the list.
    const byKey = new Map(kept.catalog.indicators.map((i) => [i.id, i]));
    kept.catalog.byId = new Map([...kept.catalog.byId].map(([id, ind]) => [id, byKey.get(ind.id) ?? ind]));
    return kept;
  } catch {
    return null;
  }
}

async function writeCached(file: string, built: BuildResult): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(built, replacer));
    await rename(tmp, file);
  } catch {
    // A cache that cannot be written costs the next run the build, nothing else.
  }
}

/** Loads a catalog directory; throws `CatalogError` with every problem when any is an error. */
export async function loadCatalog(dir?: string, options: ReadCatalogOptions = {}): Promise<Catalog> {
  const { catalog, problems } = await readCatalog(dir, options);
  if (problems.some((p) => p.severity === "error")) throw new CatalogError(problems);
  return catalog;
}
