/**
 * The DuckDB motor (`masb compute --motor duckdb`): the extract's files loaded into an embedded
 * DuckDB (CSV read by masb's own reader, so that exactly the records masb would type are
 * loaded, with its line numbers; Parquet read by DuckDB), the compiled SQL run over them
 * (src/sql), its partial-sum records read back (src/engine/partials.ts) and evaluated by the
 * same code as a streaming pass. The records the SQL rejects are listed as the streaming pass
 * lists them (the SQL keeps why; their text is read again from their files). `@duckdb/node-api`
 * is an optional peer dependency: loaded here, on demand, and only here.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Catalog, Source } from "../catalog/load.js";
import { originalName, periodColumns, selectIndicators, type Ingested } from "../engine/ingest.js";
import { KeyHasher } from "../engine/keys.js";
import { PartialsReader } from "../engine/partials.js";
import { DataError, MasbError, type Aviso } from "../errors.js";
import type { FileProblem, Rejection } from "../sources/reader.js";
import { bindHeader, readRecords, type HeaderBinding } from "../sources/records.js";
import { compileSql } from "../sql/compile.js";
import { DECODERS } from "../sources/decoders.js";
import { DUCKDB } from "../sql/dialect.js";
import { rowsTable } from "../sql/rows.js";
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
  /**
   * Fail on the first rejected row (or unreadable file), in the streaming engine's reading order,
   * with the `DataError` a strict streaming pass throws: the SQL types every row, so the pass is
   * made whole and the first one is reported after it.
   */
  strict?: boolean;
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
  const compiled = compileSql({ catalog, indicators, dialect: DUCKDB, present, side: { archivos: true, variables: false, problemas: false }, reasons: Boolean(options.onReject) });
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
    const headersOf = new Map<string, Loaded>();
    // Every rejection, the reader's and the SQL's, listed at the end in the streaming engine's order.
    const rejected: (Rejection & { source: string })[] = [];
    const fatal: { source: string; problem: FileProblem }[] = [];
    const pathOf = new Map<string, MotorFile>();
    for (const source of sources) {
      const loaded: Loaded[] = [];
      for (const f of filesOf(source)) {
        options.onFile?.(source.name, f.name);
        pathOf.set(`${source.name}\u0000${f.name}`, f);
        const table = `masb_f${serial++}`;
        const out = f.parquet ? await loadParquet(con, f, table) : await loadCsv(duck, con, f, table, (r) => rejected.push({ ...r, source: source.name }));
        problems.push(...out.problems);
        for (const p of out.problems) if (p.fatal) fatal.push({ source: source.name, problem: p });
        notLoaded.push({ source: source.name, file: f.name, count: out.notLoaded });
        if (out.variables) variables.push({ source: source.name, file: f.name, codes: out.variables });
        if (out.loaded) {
          loaded.push(out.loaded);
          headersOf.set(`${source.name}\u0000${f.name}`, out.loaded);
        }
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
    if (options.onReject || options.strict) {
      const facts = [...compiled.plan.sources.keys()].filter((n) => n !== cluesSource.name && present.has(n));
      const fromSql: (Rejection & { source: string })[] = [];
      await listRejections(con, catalog, cluesSource, regionSource && present.has(regionSource.name) ? regionSource : undefined, facts, headersOf, (r) => fromSql.push(r));
      await recordTexts(fromSql, pathOf);
      // The streaming engine's order: the regionalisation, the CLUES catalog, then the other sources by name; files by name, lines in order.
      const rank = (name: string) => (name === regionSource?.name ? "0" : name === cluesSource.name ? "1" : `2${name}`);
      const all = [...rejected, ...fromSql].sort((a, b) => cmpText(rank(a.source), rank(b.source)) || cmpText(a.file, b.file) || a.line - b.line);
      // --strict: the first of the rejections and unreadable files, as a strict streaming pass meets them.
      const firstFatal = fatal.sort((a, b) => cmpText(rank(a.source), rank(b.source)) || cmpText(a.problem.file, b.problem.file) || a.problem.line - b.problem.line)[0];
      const firstRow = all[0];
      const before = (f: typeof firstFatal, r: typeof firstRow) => cmpText(rank(f.source), rank(r.source)) || cmpText(f.problem.file, r.file) || f.problem.line - r.line;
      if (options.strict && firstFatal && (!firstRow || before(firstFatal, firstRow) <= 0)) {
        throw new DataError(firstFatal.problem.code, firstFatal.problem.message, { file: firstFatal.problem.file, line: firstFatal.problem.line });
      }
      for (const r of all) {
        options.onReject?.(r);
        if (options.strict) throw new DataError(r.code, r.reason, { file: r.file, line: r.line, columna: r.column, value: r.value });
      }
    }

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

/** What a declared column expected, in masb's words (src/sources/reader.ts). */
function expected(c: Source["def"]["columnas"][number]): string {
  switch (c.tipo) {
    case "entero":
      return "un número entero";
    case "decimal":
      return `un número con hasta ${c.escala ?? 2} decimales`;
    case "fecha":
      return c.formato === "aaaa-mm-dd" ? "una fecha aaaa-mm-dd" : "una fecha dd/mm/aaaa";
    default:
      return "texto";
  }
}

/**
 * The records the SQL rejected, each with masb's code, column and value, from the reasons the
 * records tables keep (`reasons` in src/sql/compile.ts), in file and line order. The reason is
 * worded after masb's; the record's text is not kept by the motor.
 */
async function listRejections(
  con: Connection, catalog: Catalog, cluesSource: Source, regionSource: Source | undefined, facts: string[],
  headersOf: Map<string, Loaded>, onReject: NonNullable<DuckdbOptions["onReject"]>,
): Promise<void> {
  const header = (source: Source, file: string, i: number): string => {
    const names = headersOf.get(`${source.name}\u0000${file}`)?.inputs[i]?.filter((n): n is string => n !== null) ?? [];
    const c = source.def.columnas[i];
    return names.length ? names.join("/") : c ? (c.de ?? [c.original === undefined ? c.nombre : Array.isArray(c.original) ? c.original[0] : c.original]).join("/") : "";
  };
  const typing = (source: Source, file: string, k: number, text: string): { code: string; reason: string; column?: string; value?: string } => {
    const cols = source.def.columnas;
    if (k < 0) return { code: "MASB_ARCHIVO_INVALIDO", reason: `archivo no leído: faltan columnas de la fuente '${source.name}'` };
    if (k >= cols.length) {
      const code = (source.def.pivote ? source.variables ?? [] : [])[k - cols.length] ?? "";
      return { code: "MASB_VALOR_INVALIDO", reason: `valor '${text}' en la columna ${code}: se esperaba un número o NULL`, column: code, value: text };
    }
    const c = cols[k];
    const column = header(source, file, k);
    if (c.decodificar) return { code: "MASB_VALOR_INVALIDO", reason: `valor inválido en ${column}: se esperaba ${DECODERS[c.decodificar].describe}`, column, value: text };
    if (c.tipo === "codigo") {
      const codes = c.codigos ? (Array.isArray(c.codigos) ? c.codigos : Object.keys(c.codigos)) : [];
      return { code: "MASB_CODIGO_NO_PERMITIDO", reason: `código '${text}' no permitido en la columna ${column}; permitidos: ${codes.slice(0, 12).join(", ")}`, column, value: text };
    }
    return { code: "MASB_VALOR_INVALIDO", reason: `valor '${text}' en la columna ${column}: se esperaba ${expected(c)}`, column, value: text };
  };
  const rows = async (sql: string) => (await con.runAndReadAll(sql)).getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
  const sorted = (list: (Rejection & { source: string })[]) => list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));

  // The hierarchy's sources: a row without CLUES, a CLUES seen before, a network unit's entidad outside 01–32.
  for (const [source, table, clues, entidad] of [
    [regionSource, "masb_r_regionalizacion", "clues", null],
    [cluesSource, "masb_r_clues", "t_clues", "t_clave_entidad"],
  ] as const) {
    if (!source) continue;
    const found: (Rejection & { source: string })[] = [];
    for (const [file, line, why, falla, texto, key, ent] of await rows(`SELECT masb_archivo, masb_linea, masb_motivo, masb_falla, masb_texto, ${clues}, ${entidad ?? "NULL"} FROM ${table} WHERE masb_estado = 'R'`)) {
      const at = { source: source.name, file: file!, line: Number(line), raw: [] as string[] };
      const cluesCol = "CLUES";
      if (why === "tipo") found.push({ ...at, ...typing(source, file!, Number(falla), texto ?? "") });
      else if (why === "vacia") found.push({ ...at, code: "MASB_CLAVE_VACIA", reason: "renglón sin CLUES", column: cluesCol, value: "" });
      else if (why === "duplicada") found.push({ ...at, code: "MASB_CLAVE_DUPLICADA", reason: source === cluesSource ? `la CLUES ${key} aparece dos veces en el catálogo` : `la CLUES ${key} ya tiene regionalización en un renglón anterior`, column: cluesCol, value: key ?? "" });
      else found.push({ ...at, code: "MASB_VALOR_INVALIDO", reason: `clave de entidad '${ent ?? ""}' inválida: se esperaba 01 a 32; la unidad ${key} queda fuera de la jerarquía y sus renglones en otros archivos se rechazan`, column: originalName(source, "clave_entidad"), value: ent ?? "" });
    }
    for (const r of sorted(found)) onReject(r);
  }

  for (const name of facts) {
    const source = catalog.sources.get(name)!;
    const found: (Rejection & { source: string })[] = [];
    const list = await rows(`SELECT masb_archivo, masb_linea, masb_motivo, masb_falla, masb_texto, masb_clave_col, masb_clave_texto, masb_llave_texto, masb_rl_archivo, masb_rl_linea, masb_unico_texto FROM ${DUCKDB.ident(rowsTable(name))} WHERE masb_estado = 'R'`);
    const attempts = source.def.clave ?? [{ columna: "clues", nivel: "clues" as const }];
    const llave = source.def.llave;
    for (const [file, line, why, falla, texto, keyCol, keyText, llaveText, firstFile, firstLine, uniqueText] of list) {
      const at = { source: name, file: file!, line: Number(line), raw: [] as string[] };
      const keyName = keyCol === null ? attempts[0].columna : source.def.columnas[Number(keyCol)]?.nombre ?? attempts[0].columna;
      const keyColumn = originalName(source, keyName);
      const nivel = attempts.find((a) => a.columna === keyName)?.nivel ?? "clues";
      switch (why) {
        case "tipo":
          found.push({ ...at, ...typing(source, file!, Number(falla), texto ?? "") });
          break;
        case "clave":
          found.push(keyText
            ? {
              ...at, code: "MASB_CLAVE_DESCONOCIDA", column: keyColumn, value: keyText,
              reason: nivel === "clues" ? `la CLUES ${keyText} no existe en el catálogo CLUES del extracto (use el catálogo nacional, con todas las instituciones)` : `${nivel} '${keyText}' no existe en la jerarquía del extracto`,
            }
            : { ...at, code: "MASB_SIN_CLAVE", reason: `renglón sin clave de unidad (${attempts.map((a) => originalName(source, a.columna)).join(", ")} vacías o no especificadas)`, column: originalName(source, attempts[0].columna), value: "" });
          break;
        case "periodo":
          found.push({ ...at, code: "MASB_PERIODO_INVALIDO", reason: `el renglón no tiene fecha o periodo válido (${periodColumns(source)})` });
          break;
        case "unico":
          found.push({ ...at, code: "MASB_CLAVE_DUPLICADA", reason: `renglón duplicado: ya hubo uno con ${(source.def.unico ?? []).join(", ")} = ${uniqueText} en el periodo` });
          break;
        default: {
          const where = `${firstFile}, línea ${firstLine}`;
          if (!Array.isArray(llave)) {
            found.push({ ...at, code: "MASB_REGISTRO_DUPLICADO", reason: `registro duplicado: el mismo renglón, campo por campo, ya se leyó en ${where}; cada registro cuenta una vez` });
            break;
          }
          const column = llave.map((c) => originalName(source, c)).join("/");
          found.push({ ...at, code: "MASB_REGISTRO_DUPLICADO", reason: `registro duplicado: ${column} = ${llaveText} ya se leyó en ${where}; cada registro cuenta una vez`, column, value: llaveText ?? "" });
        }
      }
    }
    for (const r of sorted(found)) onReject(r);
  }
}

const cmpText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The text of each record the SQL rejected (the fields as masb read them, for `renglon_original`):
 * the files that have such records are read again, only those, and only their lines kept.
 */
async function recordTexts(list: (Rejection & { source: string })[], files: Map<string, MotorFile>): Promise<void> {
  const byFile = new Map<string, Map<number, Rejection>>();
  for (const r of list) {
    const key = `${r.source}\u0000${r.file}`;
    if (!byFile.has(key)) byFile.set(key, new Map());
    byFile.get(key)!.set(r.line, r);
  }
  for (const [key, lines] of byFile) {
    const f = files.get(key);
    if (!f || f.parquet) continue;
    await readRecords(f.source, f.name, readChunks(f.path), {
      header() {},
      record(fields, line) {
        const r = lines.get(line);
        if (r) r.raw = [...fields];
      },
      reject() {},
      problem() {},
    });
  }
}
