import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../bench/generate.mjs";
import { loadCatalog, type ComputeResult } from "../src/index.js";
import type { Rejection } from "../src/sources/reader.js";
import { openCounter } from "../src/node/extract.js";
import { computeInside, runCli } from "./helpers.js";

// A reduced national extract (bench/generate.mjs: 600 units, 2 % of the volumes, the
// same layouts and the same deliberately bad rows), read in one thread and in worker threads.
const dir = mkdtempSync(join(tmpdir(), "masb-par-"));
const extract = generate(join(dir, "x"), { units: 600, scale: 0.02, quiet: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Duplicate records across files, which only a thread that reads all of a source's files in
// order can find: SINAC copied under a second name (every record of the copy is a duplicate),
// the first 5 deaths of DEFUN_2024 also in a DEFUN_2023_b (read before DEFUN_2024 in name
// order: DEFUN_2024's lines 2–6 are the duplicates), and a second discharges file that repeats
// the discharge of line 2 of EGRESOS_2024 (same ID, same date) and then gives it a fresh ID.
const at = (name: string) => join(extract.dir, name);
copyFileSync(at("sinac_2024.csv"), at("sinac_2024_copia.csv"));
const defun = readFileSync(at("DEFUN_2024.csv"), "utf8").split("\n");
writeFileSync(at("DEFUN_2023_b.csv"), `${defun.slice(0, 6).join("\n")}\n`);
const egresos = readFileSync(at("EGRESOS_2024.txt"), "utf8").split("\n");
const [egresoId, , egresoDate] = egresos[1].split("|");
writeFileSync(at("EGRESOS_2024_b.txt"), `${egresos[0]}\n${egresos[1]}\n${egresos[1].replace(/^\d+\|/, "900001|")}\n`);
const ADDED = 3;

async function run(workers: number) {
  const catalog = await loadCatalog();
  const rejections: (Rejection & { source: string })[] = [];
  const progress: string[] = [];
  const started: string[] = [];
  openCounter.count.clear();
  const result = await computeInside(catalog, extract.dir, {
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
    expect([...two.result.pass.reports.keys()]).toEqual([...one.result.pass.reports.keys()]);
    for (const [source, files] of one.result.pass.reports) expect(two.result.pass.reports.get(source)).toEqual(files);
  });

  it("reject the same duplicate records, across files, as one thread does", async () => {
    const one = await run(1);
    const two = await run(2);
    expect(two.rejections).toEqual(one.rejections);
    const duplicates = (file: string) => two.rejections.filter((r) => r.file === file && r.code === "MASB_REGISTRO_DUPLICADO");
    // The copy of SINAC: every record it has is in the original, so all are turned down (the
    // broken quote at its end for its quote, the rest as duplicates).
    const sinac = two.result.files.find((f) => f.file === "sinac_2024.csv")!;
    const copia = two.result.files.find((f) => f.file === "sinac_2024_copia.csv")!;
    expect(copia).toMatchObject({ read: sinac.read, accepted: 0, rejected: sinac.read });
    expect(duplicates("sinac_2024_copia.csv").length).toBe(sinac.accepted);
    expect(duplicates("sinac_2024.csv")).toEqual([]);
    // DEFUN_2024's lines 2–6 were read first in DEFUN_2023_b, at the same lines.
    expect(duplicates("DEFUN_2024.csv").map((r) => [r.line, r.reason.includes(`DEFUN_2023_b.csv, línea ${r.line}`)])).toEqual([[2, true], [3, true], [4, true], [5, true], [6, true]]);
    // the key is ID and discharge date (the first and third fields of the repeated line); the
    // same discharge under ID 900001 is another record
    expect(egresoId).toMatch(/^\d+$/);
    expect(duplicates("EGRESOS_2024_b.txt").map((r) => [r.line, r.column, r.value, r.reason.includes("EGRESOS_2024.txt, línea 2")])).toEqual([[2, "ID/EGRESO", `${egresoId}/${egresoDate}`, true]]);
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
    expect(opens.size).toBe(extract.files.length + ADDED);
    for (const [file, n] of opens) expect(n, file).toBe(1);
  });
});
