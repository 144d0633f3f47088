import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../bench/generate.mjs";
import { loadDuckDB, loadPostgres, loadSources, nameKey, readFile, type LoadReport, type TableSource } from "../scripts/cargar-tablas.mjs";
import { loadCatalog } from "../src/node/catalog.js";
import { CsvTokenizer } from "../src/sources/csv.js";
import { TextFromBytes } from "../src/sources/decode.js";
import { readSource, type Rejection } from "../src/sources/reader.js";
import { startPostgres, type PostgresCluster } from "./support/postgres.js";

// The table loader (scripts/cargar-tablas.mjs) against three yardsticks: csv-parse reading
// the files on its own (the records and values the tables must hold), masb's reader (the
// records it rejects as malformed CSV are the ones not loaded), and the other database (the
// PostgreSQL tables and the DuckDB tables, row for row).

const started = await startPostgres();
const skipPg = "skipped" in started ? started.skipped : null;
if (skipPg) console.warn(`aviso: se omiten las pruebas de las tablas en PostgreSQL: ${skipPg}`);
const pg = started as PostgresCluster;
const work = mkdtempSync(join(tmpdir(), "masb-tablas-"));
let duck: DuckDBInstance;
let con: DuckDBConnection;
beforeAll(async () => {
  duck = await DuckDBInstance.create(":memory:");
  con = await duck.connect();
});
afterAll(async () => {
  con?.closeSync();
  duck?.closeSync();
  if (!skipPg) await pg.stop();
  rmSync(work, { recursive: true, force: true });
});

const SOURCES = loadSources();
const source = (name: string) => SOURCES.find((s) => s.name === name)!;
const BAD_INPUT = resolve(import.meta.dirname, "fixtures", "tablas");
const DEMO = resolve(import.meta.dirname, "..", "fixtures", "demo");

const pgLoad = (dir: string, schema: string) => loadPostgres(dir, { connection: pg.conninfo, psql: pg.binaries.psql, env: pg.env, schema });
const duckLoad = (dir: string, schema: string) => loadDuckDB(dir, { connection: con, schema });

/** A table's rows as objects (NULL as null), in file and line order. */
const orderOf = (table: string) => (table === "masb_rechazos" ? "archivo, linea" : table === "masb_archivos" ? "archivo" : "masb_archivo, masb_linea");
async function pgRows(schema: string, table: string): Promise<Record<string, unknown>[]> {
  const [, [json]] = await pg.query(`SELECT coalesce(json_agg(t ORDER BY ${orderOf(table)}), '[]') FROM "${schema}"."${table}" t`);
  return JSON.parse(json);
}
async function duckRows(schema: string, table: string): Promise<Record<string, unknown>[]> {
  const rows = (await con.runAndReadAll(`SELECT * FROM "${schema}"."${table}" ORDER BY ${orderOf(table)}`)).getRowObjectsJson();
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === "masb_linea" || (typeof v === "string" && /^(linea|linea_encabezado|lineas_preambulo|leidos|cargados|rechazados)$/.test(k)) ? Number(v) : v])));
}

describe("the reader of the loader", () => {
  it("reads the records, lines and rejections masb's tokenizer reads, on seeded malformed files at many chunk sizes", async () => {
    // Random fields with quotes, doubled quotes, CR, LF, CRLF, delimiters; broken quotes (an
    // opening one dropped or added), text after a closing quote, blank lines, short records.
    const dir = join(work, "fuzz");
    mkdirSync(dir, { recursive: true });
    let differences = 0;
    let rejected = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const { text, delimiter } = malformed(seed);
      const path = join(dir, `f${seed}.csv`);
      writeFileSync(path, text);
      const src: TableSource = { ...source("clues"), delimiter, encoding: "utf-8", headerKeys: new Set(["A"]) };
      const got: string[] = [];
      await readFile(src, { name: `f${seed}.csv`, path }, {
        header: (h, l) => got.push(`H${l}:${h.join("\u0001")}`),
        record: (r, l) => got.push(`${l}:${r.join("\u0001")}`),
        reject: (r) => got.push(`R${r.line}:${r.code}`),
      }, { chunkBytes: 1 + (seed % 41) });
      const expected = tokenized(text, delimiter, "A");
      rejected += expected.filter((e) => e.startsWith("R")).length;
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        differences++;
        if (differences === 1) expect({ seed, text, got }).toEqual({ seed, text, got: expected });
      }
    }
    expect(differences).toBe(0);
    expect(rejected).toBeGreaterThan(100); // the files do break
  });
});

describe("loading a hand-made extract of bad input", () => {
  // tests/fixtures/tablas: every file is a few lines, written to break one rule each.
  let reports: LoadReport[] = [];
  beforeAll(async () => {
    reports = [await duckLoad(BAD_INPUT, "malos")];
    if (!skipPg) reports.push(await pgLoad(BAD_INPUT, "malos"));
  });
  const engines = () => [["duckdb", duckRows] as const, ...(skipPg ? [] : [["postgres", pgRows] as const])];

  it("makes one table per source with files, and none for the others", () => {
    for (const r of reports) {
      expect(r.tablas.map((t) => t.tabla)).toEqual(["clues", "defunciones", "egresos", "regionalizacion", "urgencias"]);
      expect(r.ausentes).toContain("sis");
      expect(r.omitidos).toEqual([{ archivo: "notas.txt", motivo: "ningún esquema de fuente reconoce este archivo" }]);
    }
  });

  it("unites the files of a source by column name as masb compares names, NULL where a file lacks the column", async () => {
    // EGRESOS_2023.txt (read first) has ID, CLUES, egreso, AFECPRIN; EGRESOS_2024.txt has
    // ID, CLUES, EGRESO, DIAG_INI and " NOTA " (the blanks dropped). `egreso` and `EGRESO` are
    // one column, spelled as the first file spells it.
    for (const [engine, rows] of engines()) {
      const egresos = await rows("malos", "egresos");
      expect(Object.keys(egresos[0]), engine).toEqual(["ID", "CLUES", "egreso", "AFECPRIN", "DIAG_INI", "NOTA", "masb_archivo", "masb_linea"]);
      expect(egresos, engine).toEqual([
        { ID: "10", CLUES: "GRIMB000010", egreso: "2023-12-31", AFECPRIN: "J189", DIAG_INI: null, NOTA: null, masb_archivo: "EGRESOS_2023.txt", masb_linea: 2 },
        { ID: "11", CLUES: "GRIMB000011", egreso: "2023-12-30", AFECPRIN: "", DIAG_INI: null, NOTA: null, masb_archivo: "EGRESOS_2023.txt", masb_linea: 3 },
        { ID: "1", CLUES: "GRIMB000001", egreso: "2024-03-01", AFECPRIN: null, DIAG_INI: "J189", NOTA: "simple", masb_archivo: "EGRESOS_2024.txt", masb_linea: 2 },
        // empty fields are '', not NULL
        { ID: "2", CLUES: "GRIMB000002", egreso: "2024-03-02", AFECPRIN: null, DIAG_INI: "", NOTA: "", masb_archivo: "EGRESOS_2024.txt", masb_linea: 3 },
        // a quoted delimiter, a quoted CRLF: the record starts on line 4 and ends on line 5
        { ID: "3", CLUES: "GRIMB000003", egreso: "2024-03-03", AFECPRIN: null, DIAG_INI: "K35|X", NOTA: "dos\r\nlíneas", masb_archivo: "EGRESOS_2024.txt", masb_linea: 4 },
        // a line that is `\.` inside a quoted value: psql's end of COPY data, were it CSV
        { ID: "4", CLUES: "GRIMB000004", egreso: "2024-03-04", AFECPRIN: null, DIAG_INI: "A09X", NOTA: "antes\n\\.\ndespués", masb_archivo: "EGRESOS_2024.txt", masb_linea: 6 },
        // a tab and a backslash; one delimiter too many at the end is a trailing delimiter
        { ID: "5", CLUES: "GRIMB000005", egreso: "2024-03-05", AFECPRIN: null, DIAG_INI: "E119", NOTA: "tab\taquí y \\ barra", masb_archivo: "EGRESOS_2024.txt", masb_linea: 9 },
        // line 10 has 3 fields (rejected), 11 is blank
        { ID: "7", CLUES: "GRIMB000007", egreso: "2024-03-07", AFECPRIN: null, DIAG_INI: "I10X", NOTA: 'comillas "dobles"', masb_archivo: "EGRESOS_2024.txt", masb_linea: 12 },
        // line 13 has text after a closing quote (rejected)
      ]);
    }
  });

  it("decodes Latin-1 as Windows-1252 and UTF-16 by its BOM, and skips the lines before the header", async () => {
    for (const [engine, rows] of engines()) {
      expect((await rows("malos", "urgencias")).map((r) => [r.NOMBRE, r.masb_linea]), engine).toEqual([["PEÑA NIÑO “ALTA”", 2], ["", 4]]);
      expect(await rows("malos", "regionalizacion"), engine).toEqual([{ CLUES: "GRIMB000001", CLAVE_REGION: "R01", masb_archivo: "regionalizacion_2024.csv", masb_linea: 2 }]);
      // DEFUN_2024.csv: two lines of title and a blank line before the header (line 4); the
      // quote opened on line 6 never closes: that line is rejected, and lines 7 and 8 read
      expect((await rows("malos", "defunciones")).map((r) => [r.causa_def, r.masb_linea]), engine).toEqual([["E119", 5], ["J189", 7], ["C509", 8]]);
      // an empty column name and a repeated one (as masb compares names) get names of their own
      expect(await rows("malos", "clues"), engine).toEqual([{ CLUES: "GRIMB000001", columna_2: "a", NOMBRE: "b", "Nombre (2)": "c", masb_archivo: "CLUES_2024.csv", masb_linea: 2 }]);
    }
  });

  it("counts every record not loaded, per file, with line, code and text", async () => {
    for (const [engine, rows] of engines()) {
      expect((await rows("malos", "masb_rechazos")).map((r) => [r.archivo, r.linea, r.codigo, r.texto]), engine).toEqual([
        // a column name longer than PostgreSQL's 63 bytes: the file is not loaded (in DuckDB either)
        ["CLUES_2025.csv", 2, "MASB_CARGA_ENCABEZADO", "GRIMB000009,x"],
        // no header in 25 lines: no record is loaded
        ["DEFUN_2023.csv", 1, "MASB_ARCHIVO_INVALIDO", "a,b,c"],
        ["DEFUN_2023.csv", 2, "MASB_ARCHIVO_INVALIDO", "1,2,3"],
        ["DEFUN_2024.csv", 6, "MASB_CSV_COMILLAS", '12,002,"I219'],
        ["EGRESOS_2024.txt", 10, "MASB_CSV_NUM_CAMPOS", "6|GRIMB000006|2024-03-06"],
        ["EGRESOS_2024.txt", 13, "MASB_CSV_COMILLAS", '8|GRIMB000008|2024-03-08|"J00X"x|nota'],
        ["URGENCIAS_2024.txt", 3, "MASB_CARGA_CARACTER_NULO", "2|GRIMB000002|José\\0x"],
      ]);
      const files = await rows("malos", "masb_archivos");
      expect(files.filter((f) => f.problema).map((f) => [f.archivo, f.problema]), engine).toEqual([
        ["CLUES_2025.csv", "el nombre de columna 'COMENTARIOS DE LA VALIDACION DEL REGISTRO DEL ESTABLECIMIENTO DE SALUD X' pasa de 63 bytes, el límite de PostgreSQL"],
        ["DEFUN_2022.csv", "el archivo está vacío (sin encabezado ni renglones)"],
        ["DEFUN_2023.csv", "no se encontró el encabezado de la fuente 'defunciones'"],
      ]);
      expect(files.map((f) => [f.archivo, f.linea_encabezado, f.lineas_preambulo, f.leidos, f.cargados, f.rechazados]), engine).toEqual([
        ["CLUES_2024.csv", 1, 0, 1, 1, 0],
        ["CLUES_2025.csv", 1, 0, 1, 0, 1],
        // an empty file: nothing read, nothing loaded
        ["DEFUN_2022.csv", null, 0, 0, 0, 0],
        ["DEFUN_2023.csv", null, 0, 2, 0, 2],
        ["DEFUN_2024.csv", 4, 2, 4, 3, 1],
        ["EGRESOS_2023.txt", 1, 0, 2, 2, 0],
        ["EGRESOS_2024.txt", 1, 0, 8, 6, 2],
        ["regionalizacion_2024.csv", 1, 0, 1, 1, 0],
        ["URGENCIAS_2024.txt", 1, 0, 3, 2, 1],
      ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)));
    }
  });

  it("rejects, as malformed CSV, the records masb's tokenizer rejects as such", () => {
    // (masb's reader itself would not read these files: they lack most of their sources' columns)
    for (const [name, file, key, delimiter] of [["egresos", "EGRESOS_2024.txt", "ID", "|"], ["defunciones", "DEFUN_2024.csv", "ENT_RESID", ","]]) {
      const csv = tokenized(readFileSync(join(BAD_INPUT, file), "utf8"), delimiter, key).filter((r) => r.startsWith("R"));
      const loader = reports[0].tablas.find((t) => t.fuente === name)!.archivos.find((f) => f.archivo === file)!;
      expect(loader.rechazos.map((r) => `R${r.linea}:${r.codigo}`)).toEqual(csv);
    }
  });
});

// bench/generate.mjs, reduced: 200 units, 0.5 % of the national volumes, the same layouts and
// the same deliberately bad rows. Made once, when first asked for.
let generatedDir: string | null = null;
const generated = () => (generatedDir ??= generate(join(work, "gen"), { units: 200, scale: 0.005, quiet: true }).dir);

interface Loaded {
  dir: string;
  expected: Map<string, ExpectedTable>;
  duck: LoadReport;
  pg: LoadReport | null;
}
/** An extract read by csv-parse and loaded into both databases (schema `schema`), once. */
const loads = new Map<string, Promise<Loaded>>();
function loaded(schema: string, extract: () => string): Promise<Loaded> {
  if (!loads.has(schema)) {
    loads.set(schema, (async () => {
      const dir = extract();
      const expected = await readWithCsvParse(dir);
      const duck = await duckLoad(dir, schema);
      const pgReport = skipPg ? null : await pgLoad(dir, schema);
      return { dir, expected, duck, pg: pgReport };
    })());
  }
  return loads.get(schema)!;
}

describe.each([
  ["the demo extract", "demo", () => DEMO],
  ["a reduced generated extract", "gen", generated],
])("loading %s", (_, schema, extract) => {
  let l: Loaded;
  beforeAll(async () => {
    l = await loaded(schema, extract);
  }, 120_000);

  it("gives each source's table the records csv-parse reads from its files, value for value, in DuckDB", async () => {
    expect(l.duck.tablas.map((t) => t.tabla)).toEqual([...l.expected.keys()]);
    for (const [table, want] of l.expected) {
      expect(l.duck.tablas.find((t) => t.tabla === table)!.columnas, table).toEqual(want.columns);
      const got = await duckDigests(schema, table, want.columns);
      expect(firstDifference(got, want.digests), table).toBeNull();
    }
  });

  it.skipIf(skipPg)("and the same rows in PostgreSQL as in DuckDB", async () => {
    for (const [table, want] of l.expected) {
      const got = await pgDigests(schema, table, want.columns);
      expect(firstDifference(got, want.digests), table).toBeNull();
    }
    // per file: the counts of the report, and of masb_archivos, agree across the databases
    const counts = (r: LoadReport) => r.tablas.flatMap((t) => t.archivos.map((f) => [t.tabla, f.archivo, f.leidos, f.cargados, f.rechazados]));
    expect(counts(l.pg!)).toEqual(counts(l.duck));
    const table = (rows: Record<string, unknown>[]) => rows.map((f) => [f.fuente, f.archivo, Number(f.leidos), Number(f.cargados), Number(f.rechazados)]);
    expect(table(await pgRows(schema, "masb_archivos"))).toEqual(table(await duckRows(schema, "masb_archivos")));
  });

  it("loads every record masb reads, except those masb rejects as malformed CSV, which are counted", async () => {
    const catalog = await loadCatalog();
    for (const t of l.duck.tablas) {
      for (const f of t.archivos) {
        const csv = await masbCsvRejections(catalog.sources.get(t.fuente)!, join(l.dir, f.archivo));
        expect(f.rechazos.map((r) => [r.linea, r.codigo]), f.archivo).toEqual(csv);
        expect(f.cargados + f.rechazados, f.archivo).toBe(f.leidos);
        expect(f.cargados, f.archivo).toBe(l.expected.get(t.tabla)!.perFile.get(f.archivo) ?? 0);
      }
    }
  });
});

describe("the bad rows of the generated extract", () => {
  it("are counted and not loaded; rows with bad values but well-formed CSV are loaded as text", async () => {
    const { dir, duck: r, pg: p } = await loaded("gen", generated);
    const file = (name: string) => r.tablas.flatMap((t) => t.archivos).find((f) => f.archivo === name)!;
    const lastLine = (name: string) => readFileSync(join(dir, name)).toString("latin1").split("\n").filter(Boolean).length;
    // EGRESOS_2024.txt ends with a discharge cut short (10 fields of 48); sinac_2024.csv with
    // a record whose last quote never closes (generate.mjs)
    expect(file("EGRESOS_2024.txt").rechazos).toEqual([expect.objectContaining({ linea: lastLine("EGRESOS_2024.txt"), codigo: "MASB_CSV_NUM_CAMPOS" })]);
    expect(file("sinac_2024.csv").rechazos).toEqual([expect.objectContaining({ linea: lastLine("sinac_2024.csv"), codigo: "MASB_CSV_COMILLAS" })]);
    expect(r.totales.rechazados).toBe(2);
    if (p) expect(p.totales).toEqual(r.totales);
    const count = async (sql: string) => Number((await con.runAndReadAll(sql)).getRows()[0][0]);
    expect(await count(`SELECT count(*) FROM gen.egresos WHERE masb_archivo = 'EGRESOS_2024.txt' AND masb_linea = ${lastLine("EGRESOS_2024.txt")}`)).toBe(0);
    expect(await count(`SELECT count(*) FROM gen.masb_rechazos`)).toBe(2);
    // an impossible date, a CLUES in no catalog and an age that is no number are masb's to reject
    expect(await count(`SELECT count(*) FROM gen.egresos WHERE "EGRESO" = '2024-02-30'`)).toBe(1);
    expect(await count(`SELECT count(*) FROM gen.nacimientos WHERE "FECHANACIMIENTO" = '30/02/2024'`)).toBe(1);
    expect(await count(`SELECT count(*) FROM gen.defunciones WHERE edad = '4a56'`)).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------
// Yardsticks

interface ExpectedTable {
  columns: string[];
  /** `file|line|md5 of the row's values`, in file and line order. */
  digests: string[];
  perFile: Map<string, number>;
}

/** A row's values as one text: NULL as N, a value quoted with its quotes doubled. */
const rowText = (values: (string | null)[]) => values.map((v) => (v === null ? "N" : `"${v.replaceAll('"', '""')}"`)).join(",");
const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

/**
 * What the tables must hold, from csv-parse alone: every file of the extract decoded as masb
 * decodes it, parsed with the options tests/csv-differential.test.ts pins masb's tokenizer to
 * (a record it cannot finish, a quote open at the end, is skipped), the header found as masb
 * finds it, records of another width left out; the columns united by name across a source's files.
 */
async function readWithCsvParse(dir: string): Promise<Map<string, ExpectedTable>> {
  const files = readdirSync(dir).sort();
  const out = new Map<string, ExpectedTable>();
  for (const src of SOURCES) {
    const mine = files.filter((f) => src.patterns.some((p) => p.test(f)));
    if (!mine.length) continue;
    const columns: string[] = [];
    const keys = new Map<string, number>();
    const rows: { file: string; line: number; values: (string | null)[] }[] = [];
    const perFile = new Map<string, number>();
    for (const file of mine) {
      const bytes = readFileSync(join(dir, file));
      const decoder = new TextFromBytes(src.encoding);
      const text = Buffer.from(decoder.push(bytes) + decoder.end(), "utf8");
      const records = parse(text, {
        delimiter: src.delimiter, record_delimiter: ["\r\n", "\n"], relax_quotes: true, relax_column_count: true,
        skip_empty_lines: true, skip_records_with_error: true, info: true,
      }) as unknown as { record: string[]; info: { bytes: number } }[];
      let at: number[] | null = null;
      let previousEnd = 0;
      let lines = 0;
      let counted = 0;
      for (const { record, info } of records) {
        let start = previousEnd;
        while (text[start] === 10 || (text[start] === 13 && text[start + 1] === 10)) start += text[start] === 10 ? 1 : 2;
        for (let i = counted; i < start; i++) if (text[i] === 10) lines++;
        counted = start;
        previousEnd = info.bytes;
        const line = lines + 1;
        if (!at) {
          if (record.some((f) => src.headerKeys!.has(nameKey(f)))) {
            at = record.map((h) => {
              const key = nameKey(h);
              if (!keys.has(key)) {
                keys.set(key, columns.length);
                columns.push(h.replace(/^\uFEFF/, "").trim());
              }
              return keys.get(key)!;
            });
          }
          continue;
        }
        const fields = record.length === at.length + 1 && record[at.length] === "" ? record.slice(0, -1) : record;
        if (fields.length !== at.length) continue;
        const values: (string | null)[] = [];
        fields.forEach((v, k) => (values[at![k]] = v));
        rows.push({ file, line, values });
        perFile.set(file, (perFile.get(file) ?? 0) + 1);
      }
    }
    const digests = rows.map((r) => `${r.file}|${r.line}|${md5(rowText(columns.map((_, c) => r.values[c] ?? null)))}`);
    out.set(src.name, { columns, digests: digests.sort(), perFile });
  }
  return out;
}

/** The same digest, computed by the database over each row of a table. */
const digestSql = (schema: string, table: string, columns: string[], array: (items: string) => string) =>
  `SELECT masb_archivo, masb_linea, md5(array_to_string(${array(columns.map((c) => `coalesce('"' || replace("${c.replaceAll('"', '""')}", '"', '""') || '"', 'N')`).join(", "))}, ',')) FROM "${schema}"."${table}"`;

async function duckDigests(schema: string, table: string, columns: string[]): Promise<string[]> {
  const rows = (await con.runAndReadAll(digestSql(schema, table, columns, (items) => `[${items}]`))).getRows();
  return rows.map((r) => `${r[0]}|${r[1]}|${r[2]}`).sort();
}

async function pgDigests(schema: string, table: string, columns: string[]): Promise<string[]> {
  const text = await pg.run(`COPY (${digestSql(schema, table, columns, (items) => `ARRAY[${items}]::text[]`)}) TO STDOUT`);
  return text.split("\n").filter(Boolean).map((l) => l.split("\t").join("|")).sort();
}

function firstDifference(got: string[], want: string[]): string | null {
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    if (got[i] !== want[i]) return `renglón ${i} de ${want.length} (${got.length} en la tabla): tabla ${got[i]} ≠ esperado ${want[i]}`;
  }
  return null;
}

/** The records masb's own reader rejects as malformed CSV in a file: [line, code]. */
async function masbCsvRejections(source: Parameters<typeof readSource>[0], path: string): Promise<[number, string][]> {
  const rejections: Rejection[] = [];
  await readSource(source, path, [readFileSync(path)], { row() {}, reject: (r) => rejections.push(r), problem() {} });
  return rejections.filter((r) => r.code.startsWith("MASB_CSV_")).map((r) => [r.line, r.code]);
}

/** Records of a text as masb's tokenizer reads them, after a header found by `key`: lines, fields, rejections. */
function tokenized(text: string, delimiter: string, key: string): string[] {
  const out: string[] = [];
  let header: string[] | null = null;
  const tokenizer = new CsvTokenizer(delimiter);
  const on = (fields: string[], line: number, error: string | null) => {
    if (!header) {
      if (fields.some((f) => nameKey(f) === key)) {
        header = fields.map((f) => f.replace(/^\uFEFF/, "").trim());
        out.push(`H${line}:${header.join("\u0001")}`);
      }
      return;
    }
    if (error) return void out.push(`R${line}:MASB_CSV_COMILLAS`);
    const f = fields.length === header.length + 1 && fields[header.length] === "" ? fields.slice(0, -1) : fields;
    if (f.length !== header.length) return void out.push(`R${line}:MASB_CSV_NUM_CAMPOS`);
    out.push(`${line}:${f.join("\u0001")}`);
  };
  tokenizer.push(text, on);
  tokenizer.end(on);
  return out;
}

/** A seeded malformed CSV text: a header `A,C0,…`, records with broken quotes among good ones. */
function malformed(seed: number): { text: string; delimiter: string } {
  let a = seed >>> 0;
  const rng = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(xs: T[]) => xs[Math.floor(rng() * xs.length)];
  const delimiter = pick([",", "|", ";"]);
  const width = 1 + Math.floor(rng() * 5);
  const letters = ["a", "b", " ", "é", '"', "\r", "\n", "\r\n", delimiter, "x", "1"];
  let text = rng() < 0.3 ? "una línea antes del encabezado\n" : "";
  text += ["A", ...Array.from({ length: width - 1 }, (_, i) => `C${i}`)].join(delimiter) + (rng() < 0.5 ? "\n" : "\r\n");
  const records = 1 + Math.floor(rng() * 30);
  for (let r = 0; r < records; r++) {
    if (rng() < 0.05) text += "\n";
    const n = rng() < 0.85 ? width : 1 + Math.floor(rng() * 6);
    const fields: string[] = [];
    for (let k = 0; k < n; k++) {
      let v = "";
      const length = Math.floor(rng() * 6);
      for (let i = 0; i < length; i++) v += rng() < 0.15 ? pick(letters) : pick(["a", "b", "1"]);
      let f = rng() < 0.5 || /["\n\r]/.test(v) || v.includes(delimiter) ? `"${v.replace(/"/g, '""')}"` : v;
      if (rng() < 0.06) f = f.startsWith('"') ? f.slice(0, -1) : `"${f}`;
      if (rng() < 0.03) f += '"x';
      fields.push(f);
    }
    text += fields.join(delimiter) + (r === records - 1 && rng() < 0.3 ? "" : pick(["\n", "\r\n"]));
  }
  return { text, delimiter };
}
