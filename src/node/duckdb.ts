/**
 * The DuckDB motor (`masb compute --motor duckdb`): the extract's files loaded into an embedded
 * DuckDB (CSV read by masb's own reader, so that exactly the records masb would type are
 * loaded, with its line numbers; Parquet read by DuckDB), the compiled SQL run over them
 * (src/sql), its partial-sum records read back (src/engine/partials.ts) and evaluated by the
 * same code as a streaming pass. `@duckdb/node-api` is an optional peer dependency: loaded
 * here, on demand, and only here.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Catalog, Source } from "../catalog/load.js";
import { selectIndicators, type Ingested } from "../engine/ingest.js";
import { KeyHasher } from "../engine/keys.js";
import { PartialsReader } from "../engine/partials.js";
import { MasbError, type Aviso } from "../errors.js";
import type { FileProblem, Rejection } from "../sources/reader.js";
import { bindHeader, readRecords, type HeaderBinding } from "../sources/records.js";
import { compileSql } from "../sql/compile.js";
import { DUCKDB } from "../sql/dialect.js";
import { exactRawView, rawSpec } from "../sql/raw.js";
import { globToRegExp, openExtract, readChunks } from "./extract.js";

type DuckModule = typeof import("@duckdb/node-api");
type Connection = Awaited<ReturnType<Awaited<ReturnType<DuckModule["DuckDBInstance"]["create"]>>["connect"]>>;

/** The install command, in the message of a missing DuckDB. */
export const DUCKDB_INSTALL = "npm install @duckdb/node-api";

/** Loads `@duckdb/node-api`, or throws `MASB_DUCKDB_NO_INSTALADO` with how to install it. */
export async function loadDuckdb(): Promise<DuckModule> {
  try {
    return await import("@duckdb/node-api");
  } catch {
    throw new MasbError("MASB_DUCKDB_NO_INSTALADO", "el motor duckdb necesita el paquete @duckdb/node-api, que no está instalado (masb no lo instala por omisión)", {
      hint: `instálelo junto a masb con: ${DUCKDB_INSTALL}`,
    });
  }
}

export interface DuckdbOptions {
  only?: string[];
  /** DuckDB threads; its default (the cores) when absent. */
  threads?: number;
  /** Each record turned down before typing (CSV shape, a file that cannot be read): the rest are counted per file. */
  onReject?: (r: Rejection & { source: string }) => void;
  /** A file is being loaded. */
  onFile?: (source: string, file: string) => void;
}

/** A file of the extract for the motor: CSV (read by masb) or Parquet (read by DuckDB). */
interface MotorFile {
  source: Source;
  name: string;
  path: string;
  parquet: boolean;
}

/** A loaded file: where its records are, and which of its header columns each input reads. */
interface Loaded {
  name: string;
  table: string;
  inputs: (string | null)[][];
  variables: Map<string, string>;
}

/**
 * The pass of `ingest`, made in DuckDB: the same hierarchy, files, reports and partial sums,
 * hence the same results. Throws `MASB_MOTOR_NO_COMPILA` when a selected indicator cannot be
 * compiled to SQL (the streaming motor computes it). Returns the listing's warnings too.
 */
export async function duckdbIngest(catalog: Catalog, dir: string, options: DuckdbOptions = {}): Promise<{ ingested: Ingested; avisos: Aviso[] }> {
  const duck = await loadDuckdb();
  const indicators = selectIndicators(catalog, options.only);
  const listing = await openExtract(dir, catalog);
  // Parquet files named as a source's files (`EGRESOS_2024.parquet` for `EGRESOS*.txt`).
  const parquet = new Map<string, string[]>();
  const avisos: Aviso[] = [];
  for (const a of listing.avisos) {
    const name = a.file ?? "";
    const owner = a.code === "MASB_ARCHIVO_NO_RECONOCIDO" && /\.parquet$/i.test(name) ? parquetOwner(catalog, name) : null;
    if (owner) parquet.set(owner, [...(parquet.get(owner) ?? []), name]);
    else avisos.push(a);
  }
  const cluesSource = [...catalog.sources.values()].find((s) => s.def.rol === "catalogo_clues");
  const regionSource = [...catalog.sources.values()].find((s) => s.def.rol === "regionalizacion");
  if (!cluesSource) throw new MasbError("MASB_SIN_CATALOGO_CLUES", "ninguna fuente del catálogo tiene 'rol: catalogo_clues'; la jerarquía se arma con ella");
  const filesOf = (source: Source): MotorFile[] => [
    ...(listing.extract.get(source.name) ?? []).map((f) => ({ source, name: f.name, path: f.path!, parquet: false })),
    ...(parquet.get(source.name) ?? []).map((name) => ({ source, name, path: join(dir, name), parquet: true })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (filesOf(cluesSource).length === 0) {
    throw new MasbError("MASB_SIN_CATALOGO_CLUES", `el extracto no tiene el catálogo CLUES (fuente '${cluesSource.name}', archivos ${cluesSource.def.archivos.join(", ")}); sin él no hay jerarquía`);
  }

  // Which sources the SQL reads: the hierarchy's, and those of the selected indicators that have files.
  const needed = new Set<string>([cluesSource.name, ...(regionSource ? [regionSource.name] : []), ...indicators.flatMap((i) => i.sources)]);
  const sources = [...needed].map((n) => catalog.sources.get(n)!).filter((s) => filesOf(s).length > 0);
  const present = new Set(sources.map((s) => s.name));
  const compiled = compileSql({ catalog, indicators, dialect: DUCKDB, present, side: { archivos: true, variables: false, problemas: false } });
  if (compiled.notCompiled.length) {
    const list = compiled.notCompiled.map((n) => `${n.indicator} (${n.reason})`).join("; ");
    throw new MasbError("MASB_MOTOR_NO_COMPILA", `${compiled.notCompiled.length === 1 ? "un indicador no se puede calcular" : `${compiled.notCompiled.length} indicadores no se pueden calcular`} en SQL: ${list}`, {
      hint: "calcúlelos con el motor en flujo (sin --motor), o déjelos fuera con --only",
    });
  }

  const temp = await mkdtemp(join(tmpdir(), "masb-duckdb-"));
  const instance = await duck.DuckDBInstance.create(":memory:", {
    temp_directory: temp, preserve_insertion_order: "true", ...(options.threads ? { threads: String(options.threads) } : {}),
  });
  const con = await instance.connect();
  const problems: FileProblem[] = [];
  const variables: { source: string; file: string; codes: string[] }[] = [];
  const notLoaded: { source: string; file: string; count: number }[] = [];
  try {
    let serial = 0;
    const statements: string[] = [];
    for (const source of sources) {
      const loaded: Loaded[] = [];
      for (const f of filesOf(source)) {
        options.onFile?.(source.name, f.name);
        const table = `masb_f${serial++}`;
        const out = f.parquet ? await loadParquet(con, f, table) : await loadCsv(duck, con, f, table, (r) => options.onReject?.({ ...r, source: source.name }));
        problems.push(...out.problems);
        notLoaded.push({ source: source.name, file: f.name, count: out.notLoaded });
        if (out.variables) variables.push({ source: source.name, file: f.name, codes: out.variables });
        if (out.loaded) loaded.push(out.loaded);
      }
      const spec = rawSpec(source);
      const table = `masb_t_${source.name}`;
      const union = loaded.length
        ? loaded.map((l) => `SELECT * FROM ${DUCKDB.ident(l.table)}`).join(" UNION ALL BY NAME ")
        : `SELECT CAST(NULL AS VARCHAR) AS masb_archivo, CAST(NULL AS BIGINT) AS masb_linea${spec.registro ? ", CAST(NULL AS BIGINT) AS masb_registro" : ""} WHERE FALSE`;
      statements.push(`CREATE OR REPLACE TEMP VIEW ${DUCKDB.ident(table)} AS ${union}`);
      statements.push(...exactRawView(DUCKDB, spec, table, loaded));
    }
    await con.run("CREATE OR REPLACE TEMP TABLE masb_no_cargados (fuente VARCHAR, archivo VARCHAR, leidos BIGINT)");
    const app = await con.createAppender("masb_no_cargados", "main", "temp");
    for (const n of notLoaded) {
      app.appendVarchar(n.source);
      app.appendVarchar(n.file);
      app.appendBigInt(BigInt(n.count));
      app.endRow();
    }
    app.flushSync();
    app.closeSync();
    for (const s of [...statements, ...compiled.statements]) await con.run(s);

    // The records, read back as the file would be.
    const reader = new PartialsReader(catalog, `${dir} (duckdb)`);
    reader.header(["registro", "fuente", "archivo", "periodo", "nivel", "clave", "agregado", "valor", "n"], 1);
    const result = await con.stream(compiled.query);
    let line = 1;
    let defined = false;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const row of chunk.getRows()) {
        const fields = row.map((v) => (v === null ? "" : String(v)));
        // The loader's knowledge (files' variables and problems) joins the records before the data.
        if (!defined && (fields[0] === "reporte" || fields[0] === "filas" || fields[0] === "suma" || fields[0] === "distinto")) {
          defined = true;
          for (const v of variables) reader.addVariables(v.source, v.file, v.codes);
          for (const p of problems) reader.addProblem(p);
        }
        reader.add(fields, ++line);
      }
    }
    if (!defined) {
      for (const v of variables) reader.addVariables(v.source, v.file, v.codes);
      for (const p of problems) reader.addProblem(p);
    }
    const ingested = reader.finish();
    return { ingested, avisos };
  } finally {
    con.closeSync();
    instance.closeSync();
    await rm(temp, { recursive: true, force: true });
  }
}

/** The source whose file patterns match a Parquet file's name without its extension. */
function parquetOwner(catalog: Catalog, name: string): string | null {
  const stem = name.replace(/\.parquet$/i, "");
  const owners = [...catalog.sources.values()].filter((s) => s.def.archivos.some((g) => globToRegExp(g.replace(/\.[^.*]+$/, "")).test(stem)));
  return owners.length === 1 ? owners[0].name : null;
}

/** Where each declared column (and wide variable) is read in a file, as its header's names. */
function inputsOf(binding: HeaderBinding): { inputs: (string | null)[][]; variables: Map<string, string> } {
  return {
    inputs: binding.columns.map((at) => (at.length ? at.map((i) => binding.names[i]) : [null])),
    variables: new Map(binding.variables.map((v) => [v.code, binding.names[v.at]])),
  };
}

const CHUNK_ROWS = 2048;

/**
 * Loads one CSV file as masb reads it: its records after the header (those `readSource` goes
 * on to type), each with its line, only the header columns the source reads (named as the
 * header has them), and for a source whose natural key is the whole record, the record's
 * 64-bit hash (as the streaming engine keeps it).
 */
async function loadCsv(duck: DuckModule, con: Connection, f: MotorFile, table: string, reject: (r: Rejection) => void): Promise<{ loaded: Loaded | null; notLoaded: number; problems: FileProblem[]; variables?: string[] }> {
  const problems: FileProblem[] = [];
  let notLoaded = 0;
  let at: number[] = [];
  let names: string[] = [];
  let where: ReturnType<typeof inputsOf> | null = null;
  let columns: string[][] = [];
  let lines: number[] = [];
  let h1: number[] = [];
  let h2: number[] = [];
  let rows = 0;
  let appender: Awaited<ReturnType<Connection["createAppender"]>> | null = null;
  const registro = f.source.def.llave === "renglon";
  const hasher = new KeyHasher();
  const types: import("@duckdb/node-api").DuckDBType[] = [];
  const flush = () => {
    if (lines.length === 0 || !appender) return;
    for (let from = 0; from < lines.length; from += CHUNK_ROWS) {
      const to = Math.min(lines.length, from + CHUNK_ROWS);
      const chunk = duck.DuckDBDataChunk.create(types, to - from);
      columns.forEach((values, c) => chunk.setColumnValues(c, values.slice(from, to)));
      chunk.setColumnValues(columns.length, lines.slice(from, to));
      if (registro) {
        chunk.setColumnValues(columns.length + 1, h1.slice(from, to));
        chunk.setColumnValues(columns.length + 2, h2.slice(from, to));
      }
      appender.appendDataChunk(chunk);
    }
    columns = columns.map(() => []);
    lines = [];
    h1 = [];
    h2 = [];
  };
  const pending: Promise<void>[] = [];
  const out = await readRecords(f.source, f.name, readChunks(f.path), {
    header(binding) {
      where = inputsOf(binding);
      // The header columns read, once each (a name may serve several inputs).
      const used = new Set<number>([...binding.columns.flat(), ...binding.variables.map((v) => v.at)]);
      at = [...used].sort((a, b) => a - b);
      const seen = new Set<string>();
      at = at.filter((i) => {
        const k = binding.names[i].toUpperCase();
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
      names = at.map((i) => binding.names[i]);
      columns = at.map(() => []);
      types.push(...at.map(() => duck.VARCHAR), duck.INTEGER, ...(registro ? [duck.INTEGER, duck.UINTEGER] : []));
      const cols = [...names.map((n) => `${DUCKDB.ident(n)} VARCHAR`), "masb_linea INTEGER", ...(registro ? ["masb_h1 INTEGER", "masb_h2 UINTEGER"] : [])];
      pending.push(con.run(`CREATE OR REPLACE TEMP TABLE ${DUCKDB.ident(table)} (${cols.join(", ")})`).then(async () => {
        appender = await con.createAppender(table, "main", "temp");
      }));
    },
    record(fields, line) {
      for (let c = 0; c < at.length; c++) columns[c].push(fields[at[c]]);
      lines.push(line);
      if (registro) {
        hasher.start();
        for (let i = 0; i < fields.length; i++) hasher.field(fields[i]);
        hasher.end();
        h1.push(hasher.a);
        h2.push(hasher.b >>> 0);
      }
      rows++;
      if (lines.length >= CHUNK_ROWS && appender) flush();
    },
    reject(r) {
      notLoaded++;
      reject(r);
    },
    problem(p) {
      problems.push(p);
    },
  });
  await Promise.all(pending);
  flush();
  if (appender) {
    (appender as { flushSync(): void }).flushSync();
    (appender as { closeSync(): void }).closeSync();
  }
  void out.read;
  if (!where) return { loaded: null, notLoaded, problems, variables: out.variables };
  const { inputs, variables } = where as ReturnType<typeof inputsOf>;
  await con.run(`CREATE OR REPLACE TEMP VIEW ${DUCKDB.ident(`${table}_v`)} AS SELECT *, ${DUCKDB.str(f.name)} AS masb_archivo${registro ? ", CAST(masb_h1 AS BIGINT) * 4294967296 + masb_h2 AS masb_registro" : ""} FROM ${DUCKDB.ident(table)}`);
  void rows;
  return { loaded: { name: f.name, table: `${table}_v`, inputs, variables }, notLoaded, problems, variables: out.variables };
}

/** Loads one Parquet file: its columns as text, its rows numbered from line 2 (after an implicit header). */
async function loadParquet(con: Connection, f: MotorFile, table: string): Promise<{ loaded: Loaded | null; notLoaded: number; problems: FileProblem[]; variables?: string[] }> {
  const path = DUCKDB.str(f.path);
  const described = await con.runAndReadAll(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(${path}))`);
  const header = described.getRows().map((r) => String(r[0]));
  const { binding, fatal, warning, seen } = bindHeader(f.source, header);
  const problems: FileProblem[] = [];
  if (warning) problems.push({ file: f.name, line: 1, code: warning.code, fatal: false, message: warning.message });
  if (fatal || !binding) {
    const count = await con.runAndReadAll(`SELECT count(*) FROM read_parquet(${path})`);
    problems.push({ file: f.name, line: 1, code: fatal!.code, fatal: true, message: fatal!.message, ...(fatal!.hint ? { hint: fatal!.hint } : {}) });
    return { loaded: null, notLoaded: Number(count.getRows()[0][0]), problems, ...(f.source.def.pivote ? { variables: seen } : {}) };
  }
  const registro = f.source.def.llave === "renglon"
    ? `, hash(to_json(list_transform(list_value(*COLUMNS(*)), x -> coalesce(CAST(x AS VARCHAR), '')))) AS masb_registro`
    : "";
  await con.run(`CREATE OR REPLACE TEMP TABLE ${DUCKDB.ident(table)} AS
SELECT CAST(COLUMNS(*) AS VARCHAR), ${DUCKDB.str(f.name)} AS masb_archivo, CAST(row_number() OVER () + 1 AS BIGINT) AS masb_linea${registro}
FROM read_parquet(${path})`);
  const { inputs, variables } = inputsOf(binding);
  return { loaded: { name: f.name, table, inputs, variables }, notLoaded: 0, problems, ...(f.source.def.pivote ? { variables: binding.seen } : {}) };
}
