import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../bench/generate.mjs";
import { loadDuckDB, loadPostgres } from "../scripts/cargar-tablas.mjs";
import { demoWithBadRows, runCli, tempExtract } from "./helpers.js";
import { startPostgres, type PostgresCluster } from "./support/postgres.js";

/**
 * `masb sql` in real databases against the streaming engine: an extract loaded with the
 * table loader (scripts/cargar-tablas.mjs), the printed SQL run by psql (its last statement
 * a COPY of the records to CSV), and that CSV evaluated by `masb compute --parciales`. The
 * oracle is the streaming run on the same files — itself checked against hand-written SQL
 * (tests/reference) —: the partial sums and the results must be the same bytes, every
 * indicator at every level, in each indicator's window, the month and 12 months. No mock:
 * where PostgreSQL cannot start the PostgreSQL tests are skipped with a line that says why.
 */

const started = await startPostgres();
const skipPg = "skipped" in started ? started.skipped : null;
if (skipPg) console.warn(`aviso: se omiten las pruebas de masb sql en PostgreSQL: ${skipPg}`);
const pg = started as PostgresCluster;
const work = mkdtempSync(join(tmpdir(), "masb-sql-"));
const at = (f: string) => join(work, f);
afterAll(async () => {
  if (!skipPg) await pg.stop();
  rmSync(work, { recursive: true, force: true });
});

const DEMO = resolve(import.meta.dirname, "../fixtures/demo");
const WINDOWS: string[][] = [[], ["--ventana", "mes"], ["--ventana", "12_meses"]];

/** psql -f script, its standard output (the COPY's CSV) into a file. */
function psqlToFile(script: string, out: string, options: string = ""): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(pg.binaries.psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg.conninfo, "-f", script], {
      env: { ...pg.env, PGOPTIONS: options }, stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    const file = createWriteStream(out);
    child.stdout.pipe(file);
    child.on("error", rej);
    const closed = new Promise<number | null>((r) => child.on("close", r));
    const written = new Promise<void>((r) => file.on("close", () => r()));
    void Promise.all([closed, written]).then(([code]) => (code === 0 ? res() : rej(new Error(`psql terminó con código ${code}: ${err.trim()}`))));
  });
}

/** The streaming engine's partial sums and results (each window) on an extract. */
async function streaming(dir: string, name: string): Promise<{ partials: string; results: string[]; codes: number[] }> {
  const results: string[] = [];
  const codes: number[] = [];
  for (const [i, w] of WINDOWS.entries()) {
    const extra = i === 0 ? ["--escribir-parciales", at(`${name}-flujo.csv`)] : [];
    const run = await runCli(["compute", dir, ...w, ...extra, "--format", "csv", "--rechazos", at(`${name}-rech-${i}.csv`)]);
    // 1: data errors found (a file that cannot be read), with results all the same.
    expect([0, 1], run.stderr).toContain(run.code);
    results.push(run.stdout);
    codes.push(run.code);
  }
  return { partials: readFileSync(at(`${name}-flujo.csv`), "utf8"), results, codes };
}

/** `masb compute --parciales` in each window. */
async function fromPartials(file: string, codes?: number[]): Promise<string[]> {
  const out: string[] = [];
  for (const [i, w] of WINDOWS.entries()) {
    const run = await runCli(["compute", "--parciales", file, ...w, "--format", "csv"]);
    expect(run.code, run.stderr).toBe(codes?.[i] ?? 0);
    out.push(run.stdout);
  }
  return out;
}

describe.skipIf(skipPg)("masb sql --dialecto postgres, run by psql, then masb compute --parciales", () => {
  describe.each([
    ["the demo extract", "demo", () => DEMO],
    // bench/generate.mjs reduced (200 units, 0.5 % of the national volumes, its bad rows).
    ["a reduced generated extract", "gen", () => generate(at("gen"), { units: 200, scale: 0.005, quiet: true }).dir],
    // The demo with the reference's bad and borderline rows (tests/reference/malos).
    ["the demo with bad rows", "malos", demoWithBadRows],
    // recetas_2024.csv with its CLUES column renamed: masb finds no header in it (a fatal file problem).
    ["the demo with a file masb cannot read", "ilegible", () => {
      const dir = tempExtract(DEMO);
      const path = join(dir, "recetas_2024.csv");
      writeFileSync(path, readFileSync(path, "utf8").replace(/^CLUES,/, "XCLUES,"));
      return dir;
    }],
    // EGRESOS_2024.txt with its INGRE column renamed: a required column missing (a fatal file problem).
    ["the demo with a file that lacks a required column", "sin_columna", () => {
      const dir = tempExtract(DEMO);
      const path = join(dir, "EGRESOS_2024.txt");
      writeFileSync(path, readFileSync(path, "utf8").replace("|INGRE|", "|XINGRE|"));
      return dir;
    }],
  ])("on %s", (_, schema, extract) => {
    let dir: string;
    let oracle: Awaited<ReturnType<typeof streaming>>;
    let partials: string;
    beforeAll(async () => {
      dir = extract();
      await loadPostgres(dir, { connection: pg.conninfo, psql: pg.binaries.psql, env: pg.env, schema });
      oracle = await streaming(dir, schema);
      // The demo's tables are found on the search path; the generated one's are named with --tablas.
      let args = ["sql", "--dialecto", "postgres", "--out", at(`${schema}.sql`)];
      if (schema === "gen") {
        const sources = (await runCli(["sql", "--dialecto", "postgres"])).stdout.match(/^-- \((.*); archivos = /m)![1].split(", ").map((p) => p.split(" = ")[0]);
        args = [...args, "--tablas", [...sources, "masb_archivos"].map((s) => `${s}=gen.${s}`).join(",")];
      }
      const sql = await runCli(args);
      expect(sql.code, sql.stderr).toBe(0);
      await psqlToFile(at(`${schema}.sql`), at(`${schema}-pg.csv`), schema === "gen" ? "" : `-c search_path=${schema}`);
      if (schema === "ilegible") expect(readFileSync(at(`${schema}-pg.csv`), "utf8")).toContain("problema,recetas,recetas_2024.csv,,,1,MASB_ARCHIVO_SIN_ENCABEZADO,");
      if (schema === "sin_columna") expect(readFileSync(at(`${schema}-pg.csv`), "utf8")).toContain("problema,egresos,EGRESOS_2024.txt,,,1,MASB_ARCHIVO_COLUMNA_FALTANTE,faltan columnas de la fuente 'egresos': INGRE,1");
      partials = readFileSync(at(`${schema}-pg.csv`), "utf8");
    }, 120_000);

    it("exports the streaming pass's partial sums, byte for byte", () => {
      expect(partials.split("\n").length).toBeGreaterThan(1000);
      expect(partials).toBe(oracle.partials);
    });

    it("gives the streaming results and exit code, byte for byte, in each indicator's window, the month and 12 months", async () => {
      const got = await fromPartials(at(`${schema}-pg.csv`), oracle.codes);
      expect(got[0].split("\n").length).toBeGreaterThan(1000);
      got.forEach((g, i) => expect(g, WINDOWS[i].join(" ") || "ventana de cada indicador").toBe(oracle.results[i]));
    });
  });
});

describe.skipIf(skipPg)("a source without a table", () => {
  it("reads as an extract without its files: the results of the demo without recetas_2024.csv", async () => {
    // The demo's tables are in schema demo (loaded above); recetas is pointed at a table that does not exist.
    const copy = tempExtract(DEMO);
    rmSync(join(copy, "recetas_2024.csv"));
    const only = ["--only", "31,82,71"];
    const want = await runCli(["compute", copy, ...only, "--format", "csv", "--rechazos", at("sin-recetas.rech.csv")]);
    expect(want.code, want.stderr).toBe(0);
    expect(want.stdout).toContain(",sin_datos");
    const sql = await runCli(["sql", "--dialecto", "postgres", ...only, "--tablas", "recetas=no_existe.recetas", "--out", at("sin-recetas.sql")]);
    expect(sql.code, sql.stderr).toBe(0);
    await psqlToFile(at("sin-recetas.sql"), at("sin-recetas.csv"), "-c search_path=demo");
    const got = await runCli(["compute", "--parciales", at("sin-recetas.csv"), "--format", "csv"]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe(want.stdout);
    rmSync(copy, { recursive: true, force: true });
  }, 60_000);
});

describe("a source without a table in DuckDB (--tablas fuente=-)", () => {
  it("reads as an extract without its files: the results of the demo without recetas_2024.csv", async () => {
    const copy = tempExtract(DEMO);
    rmSync(join(copy, "recetas_2024.csv"));
    const only = ["--only", "31,82,71"];
    const want = await runCli(["compute", copy, ...only, "--format", "csv", "--rechazos", at("sin-recetas-d.rech.csv")]);
    expect(want.stdout).toContain(",sin_datos");
    const instance = await DuckDBInstance.create(":memory:");
    const con = await instance.connect();
    try {
      await loadDuckDB(copy, { connection: con, schema: "main" });
      const sql = await runCli(["sql", "--dialecto", "duckdb", ...only, "--tablas", "recetas=-"]);
      expect(sql.code, sql.stderr).toBe(0);
      expect(sql.stderr).toContain("sin tabla: recetas");
      await con.run(sql.stdout.replace("TO '/dev/stdout'", `TO '${at("sin-recetas-d.csv")}'`));
    } finally {
      con.closeSync();
      instance.closeSync();
      rmSync(copy, { recursive: true, force: true });
    }
    const got = await runCli(["compute", "--parciales", at("sin-recetas-d.csv"), "--format", "csv"]);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe(want.stdout);
  }, 60_000);

  it("except the CLUES catalog, without which there is no hierarchy (exit 1)", async () => {
    const run = await runCli(["sql", "--dialecto", "duckdb", "--tablas", "clues=-"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error [MASB_SIN_CATALOGO_CLUES] la fuente 'clues' (el catálogo CLUES) necesita su tabla");
    expect(run.stdout).toBe("");
  });
});

describe("masb sql --dialecto duckdb, run in DuckDB over the loader's tables", () => {
  it("exports the same records as the streaming pass on the demo (as CSV: DuckDB quotes some values) and the same results", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const con = await instance.connect();
    try {
      await loadDuckDB(DEMO, { connection: con, schema: "main" });
      const sql = await runCli(["sql", "--dialecto", "duckdb"]);
      expect(sql.code, sql.stderr).toBe(0);
      expect(sql.stdout).toContain("TO '/dev/stdout'");
      await con.run(sql.stdout.replace("TO '/dev/stdout'", `TO '${at("duck.csv")}'`));
    } finally {
      con.closeSync();
      instance.closeSync();
    }
    const oracle = await streaming(DEMO, "demo-duck");
    const { parse } = await import("csv-parse/sync");
    expect(parse(readFileSync(at("duck.csv"), "utf8"))).toEqual(parse(oracle.partials));
    const got = await fromPartials(at("duck.csv"));
    got.forEach((g, i) => expect(g, WINDOWS[i].join(" ") || "ventana de cada indicador").toBe(oracle.results[i]));
  }, 120_000);
});

describe("the command masb sql", () => {
  it("prints a script that ends with the COPY of the records, and says what it read on stderr", async () => {
    const run = await runCli(["sql", "--dialecto", "postgres", "--only", "71", "--tablas", "urgencias=saeh.urgencias_2024"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/COPY \(\n[\s\S]*\) TO STDOUT WITH \(FORMAT csv, HEADER true\);\n$/);
    expect(run.stdout).toContain(`'"saeh"."urgencias_2024"'`);
    expect(run.stderr).toContain("SQL de postgres: 1 indicador, tablas clues, poblacion, regionalizacion, urgencias=saeh.urgencias_2024");
  });

  it("refuses a --tablas name that is no source (exit 2), with a guess", async () => {
    const run = await runCli(["sql", "--dialecto", "postgres", "--tablas", "egreso=saeh.egresos"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error [MASB_TABLAS_FUENTE_DESCONOCIDA] --tablas: 'egreso' no es una fuente del catálogo; ¿quiso decir egresos?");
    expect(run.stdout).toBe("");
  });

  it("refuses a --tablas pair without a table (exit 2)", async () => {
    const run = await runCli(["sql", "--dialecto", "duckdb", "--tablas", "egresos"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("error [MASB_TABLAS_INVALIDA] --tablas: 'egresos' no es fuente=tabla");
  });

  it("needs --dialecto, and knows only postgres and duckdb (exit 2)", async () => {
    const none = await runCli(["sql"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error \[MASB_USO_FALTA_OPCION\] masb sql necesita la opción --dialecto/);
    const spark = await runCli(["sql", "--dialecto", "spark"]);
    expect(spark.code).toBe(2);
    expect(spark.stderr).toContain("error [MASB_USO_VALOR_INVALIDO] --dialecto: valor 'spark' no admitido; use postgres o duckdb");
  });
});

