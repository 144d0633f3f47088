import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate } from "../bench/generate.mjs";
import { formatRows, loadCatalog, type ComputeResult } from "../src/index.js";
import type { FileRunner } from "../src/engine/ingest.js";
import { threadRunner } from "../src/node/parallel.js";
import type { Rejection } from "../src/sources/reader.js";
import { openCounter } from "../src/node/extract.js";
import { splitFile } from "../src/node/split.js";
import { computeInside, runCli } from "./helpers.js";

// A reduced national extract (bench/generate.mjs: 600 units, 2 % of the volumes, the
// same layouts and the same deliberately bad rows), read in one thread and in worker threads.
const dir = mkdtempSync(join(tmpdir(), "masb-par-"));
const extract = generate(join(dir, "x"), { units: 600, scale: 0.02, quiet: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A copy of it for the files read in parts (below), before the changes that follow.
const split = join(dir, "partes");
cpSync(extract.dir, split, { recursive: true });

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
const FILES = readdirSync(extract.dir).length;

async function run(workers: number, from = extract.dir, runner?: FileRunner) {
  const catalog = await loadCatalog();
  const rejections: (Rejection & { source: string })[] = [];
  const progress: string[] = [];
  const started: string[] = [];
  openCounter.count.clear();
  const result = await computeInside(catalog, from, {
    workers,
    ...(runner ? { runner } : {}),
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

  it("write byte-identical CSV, NDJSON and rejections from the CLI, reading in threads, and evaluating in threads from three on", async () => {
    for (const format of ["csv", "ndjson"]) {
      const out = (w: number) => join(dir, `w${w}.${format}`);
      const one = await runCli(["compute", extract.dir, "--workers", "1", "--format", format, "--out", out(1)]);
      expect(one.code).toBe(0);
      for (const w of [2, 3]) {
        const many = await runCli(["compute", extract.dir, "--workers", String(w), "--format", format, "--out", out(w)]);
        expect(many.code).toBe(0);
        expect(readFileSync(out(w)).equals(readFileSync(out(1)))).toBe(true);
        expect(readFileSync(join(dir, `w${w}.rechazos.csv`)).equals(readFileSync(join(dir, `w1.rechazos.csv`)))).toBe(true);
        expect(many.stderr).toBe(one.stderr.replaceAll(out(1), out(w)).replaceAll("w1.rechazos", `w${w}.rechazos`));
      }
    }
  });

  it("still open every file once, but the files of a source whose records repeat across files, read again in one thread", async () => {
    const { opens } = await run(2);
    expect(opens.size).toBe(FILES);
    // Read apart, the sources with a natural key found it in two files (the copied SINAC, the
    // deaths and the discharge repeated): only reading their files in order with one key set
    // gives what one thread gives. Every other file is read once.
    const again = /^(sinac_|DEFUN_|EGRESOS_)/;
    for (const [file, n] of opens) expect(n, file).toBe(again.test(file.split("/").pop()!) ? 2 : 1);
  });
});

// The copy, with what makes splitting a file hard: every fifth birth of 2023 (a file quoted
// field by field, CRLF) with a line break inside a quoted field that the catalog does not read
// (MUNICIPIORESIDENCIA), so that the first line break after a split point is often inside
// quotes; a discharge of 2023 repeated at the end of its file (a natural key in two parts);
// and a cédula row repeated at the end of its file (an `unico` key in two parts).
const inSplit = (name: string) => join(split, name);
const sinac = readFileSync(inSplit("sinac_2023.csv"), "utf8").split("\r\n");
const municipio = sinac[0].split(",").indexOf('"MUNICIPIORESIDENCIA"');
for (let i = 5; i < sinac.length - 2; i += 5) {
  const fields = sinac[i].split('","');
  fields[municipio] = `${fields[municipio].slice(0, 1)}\r\n${fields[municipio].slice(1)}`;
  sinac[i] = fields.join('","');
}
writeFileSync(inSplit("sinac_2023.csv"), sinac.join("\r\n"));
const egresos23 = readFileSync(inSplit("EGRESOS_2023.txt"), "utf8");
writeFileSync(inSplit("EGRESOS_2023.txt"), `${egresos23}${egresos23.split("\n")[1]}\n`);
const cedulas = readFileSync(inSplit("cedulas_2024.csv"), "utf8");
writeFileSync(inSplit("cedulas_2024.csv"), `${cedulas}${cedulas.split("\n")[1]}\n`);
/** Small parts: the reduced extract's big files are read in a dozen parts or more each. */
const PART_BYTES = 256 * 1024;

describe("files read in parts (byte ranges) by several threads", () => {
  it("are cut at record boundaries, never inside a quoted line break", async () => {
    const catalog = await loadCatalog();
    const file = inSplit("sinac_2023.csv");
    const size = statSync(file).size;
    const parts = splitFile(file, size, catalog.sources.get("nacimientos")!, Math.ceil(size / PART_BYTES))!;
    expect(parts.length).toBeGreaterThan(10);
    // Where records start: after a CRLF that is outside quotes (quotes balanced before it).
    const text = readFileSync(file, "latin1");
    const starts = new Set<number>();
    let quotes = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === '"') quotes++;
      else if (text[i] === "\n" && quotes % 2 === 0) starts.add(i + 1);
    }
    expect(parts[0].start).toBe(0);
    expect(parts[parts.length - 1].end).toBe(size);
    for (let k = 1; k < parts.length; k++) {
      expect(parts[k].start).toBe(parts[k - 1].end);
      expect(starts.has(parts[k].start), `part ${k} starts at ${parts[k].start}`).toBe(true);
    }
    // A split point often falls right before a quoted line break: the first LF after it was skipped.
    const inside = parts.slice(1).filter((p) => !starts.has(text.lastIndexOf("\n", p.start - 2) + 1));
    expect(inside.length).toBeGreaterThan(0);
  });

  it("give byte-identical results, rejections and reports to one thread, duplicates across parts included", async () => {
    const one = await run(1, split);
    const two = await run(2, split, threadRunner({ partBytes: PART_BYTES }));
    expect(strip(two.result)).toEqual(strip(one.result));
    expect(formatRows(two.result.rows, "csv")).toBe(formatRows(one.result.rows, "csv"));
    expect(two.rejections).toEqual(one.rejections);
    expect(two.progress).toEqual(one.progress);
    for (const [source, files] of one.result.pass.reports) expect(two.result.pass.reports.get(source)).toEqual(files);
    // Not vacuous: the births of 2023 span two lines every fifth record, and the repeated rows are rejected.
    const births = one.result.files.find((f) => f.file === "sinac_2023.csv")!;
    expect(births.read).toBe(sinac.length - 2);
    const duplicate = (file: string, code: string) => one.rejections.filter((r) => r.file === file && r.code === code);
    expect(duplicate("EGRESOS_2023.txt", "MASB_REGISTRO_DUPLICADO").map((r) => r.reason.includes("EGRESOS_2023.txt, línea 2"))).toEqual([true]);
    expect(duplicate("cedulas_2024.csv", "MASB_CLAVE_DUPLICADA")).toHaveLength(1);
    // The births were read in parts once; discharges and cédulas again, whole, in one thread:
    // their parts shared a key, so only that gives what one thread gives.
    expect(two.opens.get(inSplit("sinac_2023.csv"))).toBe(1);
    expect(two.opens.get(inSplit("EGRESOS_2023.txt"))).toBe(2);
    expect(two.opens.get(inSplit("cedulas_2024.csv"))).toBe(2);
  });

  it("read a source again in one thread when a part does not end where the next begins (a cut inside quotes)", async () => {
    // Cut the births of 2023 in two right after the line break inside the quotes of its 10th record.
    const lineBreakInQuotes = (path: string) => {
      const text = readFileSync(path, "latin1");
      let at = 0;
      for (let i = 0; i < 10; i++) at = text.indexOf(`"${sinac[10].split('","')[municipio].slice(0, 1)}\r\n`, at + 1);
      return text.indexOf("\n", at) + 1;
    };
    const cut: typeof splitFile = (path, size, source, n) => {
      if (!path.endsWith("sinac_2023.csv")) return splitFile(path, size, source, n);
      const at = lineBreakInQuotes(path);
      const head = readFileSync(path, "latin1").indexOf("\n") + 1;
      return [{ k: 0, n: 2, start: 0, end: at, head }, { k: 1, n: 2, start: at, end: size, head }];
    };
    const one = await run(1, split);
    const two = await run(2, split, threadRunner({ partBytes: PART_BYTES, split: cut }));
    expect(strip(two.result)).toEqual(strip(one.result));
    expect(formatRows(two.result.rows, "csv")).toBe(formatRows(one.result.rows, "csv"));
    expect(two.rejections).toEqual(one.rejections);
    expect(two.opens.get(inSplit("sinac_2023.csv"))).toBe(2);
  });
});
