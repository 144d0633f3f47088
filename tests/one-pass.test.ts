import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCatalog } from "../src/catalog/load.js";
import { compute } from "../src/core.js";
import { openCounter, openExtract } from "../src/node/extract.js";

const indicatorsDir = join(__dirname, "..", "indicators");
const demo = join(__dirname, "..", "fixtures", "demo");

function catalogTexts(copies: number) {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : /\.(yaml|csv)$/.test(e.name) ? [join(d, e.name)] : []));
  const texts = walk(indicatorsDir).map((p) => ({ path: relative(indicatorsDir, p), text: readFileSync(p, "utf8") }));
  const out = [...texts];
  for (let k = 1; k < copies; k++) {
    for (const t of texts.filter((x) => !x.path.startsWith("sources"))) {
      // Same definition under a new id, and a filter that differs in form only, so it cannot be deduplicated away.
      out.push({ path: `copia${k}/${t.path}`, text: t.text.replace(/^id: (.+)$/m, (_m, id) => `id: "copia${k}-${String(id).replace(/"/g, "")}"`).replace(/^alias: .*$/m, "") });
    }
  }
  return out;
}

async function opensFor(copies: number) {
  const { catalog, problems } = buildCatalog(catalogTexts(copies));
  expect(problems.filter((p) => p.severity === "error")).toEqual([]);
  openCounter.count.clear();
  const { extract } = await openExtract(demo, catalog);
  const result = await compute(catalog, extract, { period: "2024-03" });
  return { opens: new Map(openCounter.count), indicators: result.indicators.length };
}

describe("one pass per source", () => {
  it("opens every file of the extract exactly once", async () => {
    const { opens } = await opensFor(1);
    expect(opens.size).toBe(readdirSync(demo).filter((f) => /\.(csv|txt)$/i.test(f)).length);
    for (const [file, n] of opens) expect(n, file).toBe(1);
  });

  it("still opens every file once when every indicator is defined twice", async () => {
    const one = await opensFor(1);
    const two = await opensFor(2);
    expect(two.indicators).toBe(2 * one.indicators);
    for (const [file, n] of two.opens) expect(n, file).toBe(1);
  });
});
