import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compute } from "../src/index.js";
import { readCatalog } from "../src/node/catalog.js";
import { defaultCatalogDir } from "../src/node/catalog.js";

/**
 * The built-catalog cache (README, Performance: start-up): the second read of the same files
 * comes from the cache and is the same catalog, with the same problems, computing the same
 * results; any change to a file is another key; a broken cache file is ignored.
 */
const work = mkdtempSync(join(tmpdir(), "masb-cache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const demo = join(__dirname, "..", "fixtures", "demo");
const cached = (dir: string) => readdirSync(dir).filter((f) => f.startsWith("catalogo-") && f.endsWith(".json"));

describe("the built-catalog cache", () => {
  it("gives the same catalog and problems from the cache as from the YAML, and the same results", async () => {
    const cache = join(work, "a");
    const fresh = await readCatalog(defaultCatalogDir());
    const first = await readCatalog(defaultCatalogDir(), { cache });
    expect(cached(cache)).toHaveLength(1);
    const again = await readCatalog(defaultCatalogDir(), { cache });
    expect(again).toEqual(fresh);
    expect(first).toEqual(fresh);
    // aliases point at the same indicator objects as the list, as in a built catalog
    expect(again.catalog.byId.get("C3-c")).toBe(again.catalog.indicators.find((i) => i.id === "16"));
    const rows = async (catalog: typeof fresh.catalog) => (await compute(catalog, demo, { period: "2024-03", only: ["C", "129", "53f", "16", "137-e"] })).rows;
    expect(await rows(again.catalog)).toEqual(await rows(fresh.catalog));
  });

  it("builds again when a file changes, and keeps both", async () => {
    const cache = join(work, "b");
    const dir = join(work, "catalogo");
    cpSync(defaultCatalogDir(), dir, { recursive: true });
    await readCatalog(dir, { cache });
    const file = join(dir, "salida", "C.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("meta: 15", "meta: 20"));
    const changed = await readCatalog(dir, { cache });
    expect(changed.catalog.byId.get("C")!.def.meta).toBe(20);
    expect(cached(cache)).toHaveLength(2);
  });

  it("ignores a cache file it cannot read and builds the catalog", async () => {
    const cache = join(work, "c");
    await readCatalog(defaultCatalogDir(), { cache });
    const [name] = cached(cache);
    writeFileSync(join(cache, name), "{ esto no es json");
    const result = await readCatalog(defaultCatalogDir(), { cache });
    expect(result.catalog.indicators).toHaveLength(291);
  });
});
