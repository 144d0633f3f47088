import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoWithBadRows, runCli, tempExtract } from "./helpers.js";

/**
 * The DuckDB motor (`masb compute --motor duckdb`, src/sql + src/node/duckdb.ts) against the
 * streaming engine, both real: the same extract gives the same bytes, every indicator at every
 * level, and the same partial sums. The streaming engine is itself checked against the
 * hand-written DuckDB reference (tests/reference).
 */

const DEMO = resolve(import.meta.dirname, "../fixtures/demo");
const dir = mkdtempSync(join(tmpdir(), "masb-motor-"));
const at = (f: string) => join(dir, f);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const compute = (args: string[], rechazos: string) => runCli(["compute", ...args, "--format", "csv", "--rechazos", at(rechazos)]);

describe("--motor duckdb on the demo extract", () => {
  let stream: Awaited<ReturnType<typeof runCli>>;
  let duck: Awaited<ReturnType<typeof runCli>>;
  beforeAll(async () => {
    stream = await compute([DEMO, "--escribir-parciales", at("flujo.csv")], "r1.csv");
    duck = await compute([DEMO, "--motor", "duckdb", "--escribir-parciales", at("duckdb.csv")], "r2.csv");
  });

  it("gives byte-identical results in each indicator's own window, every indicator and level", () => {
    expect(stream.code).toBe(0);
    expect(duck.code).toBe(0);
    expect(duck.stdout.split("\n").length).toBeGreaterThan(11_000);
    expect(duck.stdout).toBe(stream.stdout);
  });

  it("gives byte-identical results in 12-month windows", async () => {
    const s = await compute([DEMO, "--ventana", "12_meses"], "r3.csv");
    const d = await compute([DEMO, "--motor", "duckdb", "--ventana", "12_meses"], "r4.csv");
    expect(d.stdout).toBe(s.stdout);
  });

  it("leaves the same partial sums as the streaming pass, record for record", () => {
    expect(readFileSync(at("duckdb.csv"), "utf8")).toBe(readFileSync(at("flujo.csv"), "utf8"));
  });

  it("reports the same files, counts and warnings", () => {
    const lines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("periodo "));
    expect(lines(duck.stderr)).toEqual(lines(stream.stderr));
    // The demo's two bad discharges (unknown CLUES) are counted as rejected by both, and listed alike.
    expect(duck.stderr).toContain("136,902 renglones leídos, 2 rechazados");
    expect(readFileSync(at("r2.csv"), "utf8")).toBe(readFileSync(at("r1.csv"), "utf8"));
  });
});

describe("--motor duckdb reads Parquet files named as the source's files", () => {
  const parquet = at("parquet");
  beforeAll(async () => {
    // The demo's files as a warehouse would export them: every column text, one .parquet per file.
    const { mkdirSync } = await import("node:fs");
    mkdirSync(parquet);
    const instance = await DuckDBInstance.create(":memory:");
    const con = await instance.connect();
    const latin1 = /^(DA_.*_SIS_|URGENCIAS|conapo)/i;
    for (const f of readdirSync(DEMO)) {
      const delim = /^(EGRESOS|URGENCIAS)/i.test(f) ? "|" : ",";
      const stem = f.replace(/\.[^.]+$/, "");
      await con.run(`COPY (SELECT * FROM read_csv('${join(DEMO, f)}', header = true, all_varchar = true, delim = '${delim}', quote = '"', escape = '"', `
        + `encoding = '${latin1.test(f) ? "latin-1" : "utf-8"}')) TO '${join(parquet, `${stem}.parquet`)}' (FORMAT parquet)`);
    }
    con.closeSync();
    instance.closeSync();
  });

  it("gives the results of the CSV extract", async () => {
    const s = await compute([DEMO], "r5.csv");
    const d = await compute([parquet, "--motor", "duckdb"], "r6.csv");
    expect(d.code).toBe(0);
    expect(d.stderr).not.toContain("MASB_ARCHIVO_NO_RECONOCIDO");
    expect(d.stdout).toBe(s.stdout);
  });
});

describe("the options of --motor", () => {
  it("stops at the first rejected row with --strict, with the streaming engine's error and exit 1, and writes no results", async () => {
    const errorLine = (s: string) => s.split("\n").filter((l) => l.startsWith("error ") || l.startsWith("    ")).join("\n");
    const s = await runCli(["compute", DEMO, "--strict", "--format", "csv", "--rechazos", at("st1.csv")]);
    const d = await runCli(["compute", DEMO, "--motor", "duckdb", "--strict", "--format", "csv", "--rechazos", at("st2.csv")]);
    expect(s.code).toBe(1);
    expect(d.code).toBe(1);
    // The demo's first bad discharge, EGRESOS_2024.txt line 2327 (an unknown CLUES).
    expect(d.stderr).toContain("error [MASB_CLAVE_DESCONOCIDA] EGRESOS_2024.txt:2327, columna CLUES (valor 'GRIMB999999')");
    expect(errorLine(d.stderr)).toBe(errorLine(s.stderr));
    expect(d.stdout).toBe("");
  });

  it("refuses a motor it does not have (exit 2)", async () => {
    const run = await runCli(["compute", DEMO, "--motor", "spark"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error [MASB_USO_VALOR_INVALIDO] --motor: valor 'spark' no admitido; use flujo o duckdb");
  });
});

describe("--motor duckdb on a reduced generated extract", () => {
  // bench/generate.mjs at 200 units and 0.5 % of the national rows: every layout of the bench,
  // births and deaths of every institution, its deliberately bad rows.
  it("gives the streaming engine's bytes in each indicator's window and in 12-month windows", async () => {
    const { generate } = await import("../bench/generate.mjs");
    const gen = generate(at("gen"), { units: 200, scale: 0.005, quiet: true }).dir;
    for (const [i, w] of [[], ["--ventana", "12_meses"]].entries()) {
      const s = await compute([gen, ...w], `g${i}a.csv`);
      const d = await compute([gen, "--motor", "duckdb", ...w], `g${i}b.csv`);
      expect(s.code, s.stderr).toBe(0);
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout.split("\n").length).toBeGreaterThan(1000);
      expect(d.stdout).toBe(s.stdout);
      expect(readFileSync(at(`g${i}b.csv`), "utf8")).toBe(readFileSync(at(`g${i}a.csv`), "utf8"));
    }
  }, 120_000);
});

describe("--motor duckdb on the demo with bad rows", () => {
  // tests/reference/malos: impossible dates, unknown CLUES, duplicate keys and records across
  // files, codes outside their sets, wrong field counts, a broken quote.
  it("rejects the same rows, leaves the same partial sums and gives the same bytes, in each indicator's window and in 12-month windows", async () => {
    const malos = demoWithBadRows();
    for (const [i, w] of [[], ["--ventana", "12_meses"]].entries()) {
      const s = await compute([malos, ...w, "--escribir-parciales", at(`m${i}a.p.csv`)], `m${i}a.csv`);
      const d = await compute([malos, "--motor", "duckdb", ...w, "--escribir-parciales", at(`m${i}b.p.csv`)], `m${i}b.csv`);
      expect(d.code, d.stderr).toBe(0);
      // 61 rejected by both: the demo's 2 and the 59 of the 124 appended rows that malos/renglones.json marks "rechaza".
      expect(s.stderr).toContain("61 rechazados");
      expect(d.stderr).toContain("61 rechazados");
      expect(readFileSync(at(`m${i}b.p.csv`), "utf8")).toBe(readFileSync(at(`m${i}a.p.csv`), "utf8"));
      expect(d.stdout).toBe(s.stdout);
      // Each rejected row listed as the streaming engine lists it, in its order: the same file, byte for byte.
      expect(parse(readFileSync(at(`m${i}a.csv`), "utf8"), { bom: true }).length).toBe(62);
      expect(readFileSync(at(`m${i}b.csv`), "utf8")).toBe(readFileSync(at(`m${i}a.csv`), "utf8"));
    }
  }, 120_000);
});

describe("--motor duckdb with a file masb cannot read", () => {
  it("reports it, rejects its records and gives the streaming engine's results, rejections and exit code", async () => {
    // recetas_2024.csv with its CLUES column renamed: no header of the source is found in it.
    const copy = tempExtract(DEMO);
    const path = join(copy, "recetas_2024.csv");
    writeFileSync(path, readFileSync(path, "utf8").replace(/^CLUES,/, "XCLUES,"));
    const s = await compute([copy], "u1.csv");
    const d = await compute([copy, "--motor", "duckdb"], "u2.csv");
    expect(s.code).toBe(1);
    expect(d.code).toBe(1);
    const lines = (x: string) => x.split("\n").filter((l) => l && !l.startsWith("periodo "));
    expect(lines(d.stderr)).toEqual(lines(s.stderr));
    expect(d.stderr).toContain("error [MASB_ARCHIVO_SIN_ENCABEZADO] recetas_2024.csv:1");
    // 15 001 records of recetas_2024.csv and the demo's 2 discharges.
    expect(d.stderr).toContain("15,003 rechazados");
    expect(d.stdout).toBe(s.stdout);
    expect(readFileSync(at("u2.csv"), "utf8")).toBe(readFileSync(at("u1.csv"), "utf8"));
    rmSync(copy, { recursive: true, force: true });
  }, 60_000);
});
