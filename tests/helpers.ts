import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { extractFromRows, resultOf, runPass, type ComputeOptions, type ComputeResult, type RowSources } from "../src/api/core.js";
import type { Catalog } from "../src/catalog/load.js";
import { main } from "../src/cli/main.js";
import type { Extract, Ingested } from "../src/engine/compute.js";
import { openExtract } from "../src/node/extract.js";
import { threadRunner } from "../src/node/parallel.js";

/** Runs the CLI in-process and captures what it writes. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { append(String(chunk)); cb(); } });
  const code = await main(["node", "masb", ...args], {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

/** A fresh temporary directory holding copies of the given directories' files. */
export function tempExtract(...dirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "masb-"));
  for (const d of dirs) for (const f of readdirSync(d)) if (f !== "esperado.json") cpSync(join(d, f), join(dir, f));
  return dir;
}

/**
 * `compute` as the Node entry runs it, with what the public result leaves out (the pass's
 * hierarchy, its monthly reports, its partial sums), for tests that look inside.
 */
export async function computeInside(catalog: Catalog, input: string | Extract | RowSources, options: ComputeOptions = {}): Promise<ComputeResult & { pass: Ingested }> {
  const listed = typeof input === "string" ? await openExtract(input, catalog) : { extract: input instanceof Map ? input : extractFromRows(input), avisos: [] };
  const pass = await runPass(catalog, listed.extract, { runner: threadRunner(), ...options });
  return { ...resultOf(pass, options, listed.avisos), pass };
}

/**
 * A copy of the demo with the bad and borderline rows of tests/reference/malos/renglones.json
 * appended to their files (in each file's own line ending): impossible dates, unknown CLUES,
 * duplicate keys and records, codes outside their sets, wrong field counts, a broken quote.
 */
export function demoWithBadRows(): string {
  const demo = join(import.meta.dirname, "..", "fixtures", "demo");
  const malos = JSON.parse(readFileSync(join(import.meta.dirname, "reference", "malos", "renglones.json"), "utf8")) as { archivos: Record<string, { renglon: string }[]> };
  const dir = mkdtempSync(join(tmpdir(), "masb-malos-"));
  cpSync(demo, dir, { recursive: true });
  for (const [file, rows] of Object.entries(malos.archivos)) {
    const text = readFileSync(join(dir, file), "latin1");
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    appendFileSync(join(dir, file), (text.endsWith("\n") ? "" : eol) + rows.map((r) => r.renglon).join(eol) + eol, "latin1");
  }
  return dir;
}
