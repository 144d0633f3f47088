import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../bench/generate.mjs";
import { compute, loadCatalog, type ComputeResult, type Rejection } from "../src/index.js";
import { openCounter } from "../src/node/extract.js";
import { runCli } from "./helpers.js";

// A reduced national extract (bench/generate.mjs: 600 units, 2 % of the volumes, the
// same layouts and the same deliberately bad rows), read in one thread and in worker threads.
const dir = mkdtempSync(join(tmpdir(), "masb-par-"));
const extract = generate(join(dir, "x"), { units: 600, scale: 0.02, quiet: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(workers: number) {
  const catalog = await loadCatalog();
  const rejections: (Rejection & { source: string })[] = [];
  const progress: string[] = [];
  const started: string[] = [];
  openCounter.count.clear();
  const result = await compute(catalog, extract.dir, {
    workers,
    onReject: (r) => rejections.push(r),
    onProgress: (e) => {
      if (e.kind === "fin_archivo") progress.push(`${e.report.source}/${e.report.file}`);
      if (e.kind === "archivo") started.push(e.file);
    },
  });
  return { result, rejections, progress, started, opens: new Map(openCounter.count) };
}

const strip = (r: ComputeResult) => ({ period: r.period, rows: r.rows, files: r.files, problems: r.problems, missing: r.missingSources, latest: r.latestMonth });

describe("worker threads", () => {
  it("give results identical to one thread on a reduced national extract", async () => {
    const one = await run(1);
    const two = await run(2);
    expect(one.result.rows.length).toBeGreaterThan(1000);
    expect(one.rejections.length).toBeGreaterThan(0);
    // Same rows, reports, problems; the same rejections, in the same order, with the same lines.
    expect(strip(two.result)).toEqual(strip(one.result));
    expect(two.rejections).toEqual(one.rejections);
    expect(two.progress).toEqual(one.progress);
    // After the hierarchy (regionalisation, CLUES), threads start with the biggest file
    // (SINAC's births of 2023); one thread reads the sources in name order.
    const biggest = extract.files.filter((f) => !/^(regionalizacion|ESTABLECIMIENTO)/.test(f.file)).sort((a, b) => b.bytes - a.bytes)[0].file;
    expect(biggest).toBe("sinac_2023.csv");
    expect(two.started.slice(0, 3)).toEqual(["regionalizacion_IMB_2024.csv", "ESTABLECIMIENTO_SALUD_202403.csv", biggest]);
    expect(one.started[2]).not.toBe(biggest);
    // The per-unit monthly reports (completeness) are the same too.
    expect([...two.result.reports.keys()]).toEqual([...one.result.reports.keys()]);
    for (const [source, files] of one.result.reports) expect(two.result.reports.get(source)).toEqual(files);
  });

  it("write byte-identical CSV, NDJSON and rejections from the CLI, reading and evaluating in threads", async () => {
    for (const format of ["csv", "ndjson"]) {
      const out = (w: number) => join(dir, `w${w}.${format}`);
      const one = await runCli(["compute", extract.dir, "--workers", "1", "--format", format, "--out", out(1)]);
      const two = await runCli(["compute", extract.dir, "--workers", "2", "--format", format, "--out", out(2)]);
      expect(one.code).toBe(0);
      expect(two.code).toBe(0);
      expect(readFileSync(out(2)).equals(readFileSync(out(1)))).toBe(true);
      expect(readFileSync(join(dir, `w2.rechazos.csv`)).equals(readFileSync(join(dir, `w1.rechazos.csv`)))).toBe(true);
      expect(two.stderr).toBe(one.stderr.replaceAll(out(1), out(2)).replaceAll("w1.rechazos", "w2.rechazos"));
    }
  });

  it("still open every file exactly once", async () => {
    const { opens } = await run(2);
    expect(opens.size).toBe(extract.files.length);
    for (const [file, n] of opens) expect(n, file).toBe(1);
  });
});
