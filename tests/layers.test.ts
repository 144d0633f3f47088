import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Stages in the order data flows, each knowing only the ones before it (STYLE.md), read from
 * the import lines of the source files: evaluation (src/engine) hands plain results to
 * scoring (src/scoring) and never imports it; and the CLI is the first client of the public
 * API: it imports the package's entry (src/index.ts) and its own documented surface
 * (src/internal.ts), nothing deeper.
 */

const src = join(__dirname, "..", "src");

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));

/** The module specifiers a file imports or re-exports, static or dynamic, type-only included. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gms)) found.push(m[1]);
  for (const m of text.matchAll(/^\s*import\s+["']([^"']+)["']/gm)) found.push(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1]);
  return found;
}

/** A relative specifier as a path under src/ (`engine/compute.ts`); others as written. */
function target(file: string, spec: string): string {
  if (!spec.startsWith(".")) return spec;
  return relative(src, resolve(dirname(file), spec)).replace(/\.js$/, ".ts").split("\\").join("/");
}

const importsOf = (dir: string) => filesUnder(join(src, dir)).flatMap((f) => specifiers(f).map((s) => ({ file: relative(src, f), to: target(f, s) })));

describe("the layers of src/", () => {
  it("reads the import lines it checks (the engine imports its own modules and the catalog)", () => {
    const engine = importsOf("engine");
    expect(engine.some((i) => i.file === "engine/compute.ts" && i.to === "engine/ingest.ts")).toBe(true);
    expect(engine.some((i) => i.to.startsWith("catalog/"))).toBe(true);
  });

  it("evaluation (src/engine) imports nothing from scoring or any stage after it", () => {
    const later = /^(scoring|output|report|explain|api|cli|node)\/|^(stages|index|core|internal|metodos)\.ts$/;
    expect(importsOf("engine").filter((i) => later.test(i.to))).toEqual([]);
  });

  it("scoring (src/scoring) imports no stage after it", () => {
    const later = /^(output|report|explain|api|cli|node)\/|^(stages|index|core|internal|metodos)\.ts$/;
    expect(importsOf("scoring").filter((i) => later.test(i.to))).toEqual([]);
  });

  it("the CLI imports the public entry and its documented surface only, besides itself and its packages", () => {
    const allowed = (to: string) =>
      to === "index.ts" || to === "internal.ts" || to.startsWith("cli/") || to === "../package.json"
      || to.startsWith("node:") || to === "commander" || to === "csv-stringify/sync";
    expect(importsOf("cli").filter((i) => !allowed(i.to))).toEqual([]);
  });
});
