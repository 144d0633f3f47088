#!/usr/bin/env node
// Loads an extract folder into PostgreSQL (or DuckDB) as plain text tables, for the SQL that
// `masb sql` compiles to run over.
//
//   node scripts/cargar-tablas.mjs <extracto> --postgres <conexión> [--schema S] [--catalog DIR] [--json]
//   node scripts/cargar-tablas.mjs <extracto> --duckdb <archivo.duckdb> [--schema S] [--catalog DIR] [--json]
//
// --postgres takes what psql's -d takes (`postgresql://user@host:5432/db`,
// `host=/tmp/sock port=5433 dbname=masb`), or a socket directory (`/tmp/sock` or
// `/tmp/sock:5433`); PG* environment variables apply as for psql. psql must be installed
// ($MASB_PSQL names another).
//
// The table contract (README, "PostgreSQL"): one table per source of the catalog that has
// files in the extract, named as the source (`egresos`, `sis`, …); one text column per column
// of the files' headers, named as the header has it; `masb_archivo` and `masb_linea` (the line
// a record starts on, 1 = the header); every file of a source in the one table. An empty field
// is '' and NULL means the file has no such column. Records that are not well-formed CSV are
// not loaded: they are counted per file (table `masb_archivos`) and listed with line, code and
// text (table `masb_rechazos`). The tables of the catalog's other sources are dropped, so the
// schema holds this extract and nothing else.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CATALOG, loadSources, planTables, readFile } from './tablas/leer.mjs';
import { connectionFor, findPsql, postgresWriter } from './tablas/postgres.mjs';
import { duckdbWriter } from './tablas/duckdb.mjs';

export { masbRecord, loadSources, planTables, readFile, nameKey, FILE_COLUMN, LINE_COLUMN, CODES } from './tablas/leer.mjs';
export { copyValue, quoteIdent } from './tablas/postgres.mjs';

/** Rejections kept per file in the report (all of them go to the masb_rechazos table). */
const REPORTED_REJECTIONS = 50;

/** Loads `extract` through `writer`; resolves to the report. */
async function load(extract, writer, { catalog = DEFAULT_CATALOG, onFile } = {}) {
  const t0 = performance.now();
  const sources = loadSources(catalog);
  const plan = await planTables(resolve(extract), sources);
  const report = {
    motor: writer.motor,
    extracto: extract,
    tablas: [],
    ausentes: plan.absent,
    omitidos: plan.skipped.map((x) => ({ archivo: x.file, motivo: x.reason })),
    totales: { archivos: 0, leidos: 0, cargados: 0, rechazados: 0, bytes: 0 },
    segundos: 0,
  };
  try {
    await writer.begin(plan, sources);
    for (const table of plan.tables) {
      const entry = { fuente: table.source.name, tabla: table.table, columnas: table.columns, archivos: [] };
      report.tablas.push(entry);
      for (const file of table.files) {
        const f0 = performance.now();
        const out = await writer.beginFile(table, file);
        const kept = [];
        const counts = await readFile(table.source, file, {
          header() {},
          record: (fields, line) => out.row(fields, line),
          reject(r) {
            out.reject(r);
            if (kept.length < REPORTED_REJECTIONS) kept.push({ linea: r.line, codigo: r.code, motivo: r.reason, texto: r.text });
          },
          drain: writer.drain,
        }, { refuse: file.problem });
        await out.end();
        const f = {
          archivo: file.name,
          bytes: file.bytes,
          codificacion: counts.encoding,
          bom: counts.bom,
          lineaEncabezado: counts.headerLine,
          preambulo: counts.preamble,
          leidos: counts.records,
          cargados: counts.loaded,
          rechazados: counts.rejected,
          porCodigo: counts.byCode,
          problema: file.problem ?? counts.failed ?? null,
          primeraLineaNoDecodificada: counts.replacement,
          rechazos: kept,
          segundos: (performance.now() - f0) / 1000,
        };
        entry.archivos.push(f);
        report.totales.archivos++;
        report.totales.leidos += f.leidos;
        report.totales.cargados += f.cargados;
        report.totales.rechazados += f.rechazados;
        report.totales.bytes += f.bytes;
        onFile?.(entry, f);
      }
    }
    await writer.end(report);
  } catch (e) {
    await writer.abort();
    throw e;
  }
  report.segundos = (performance.now() - t0) / 1000;
  return report;
}

/**
 * Loads an extract into PostgreSQL through psql, in one transaction. `connection` is what
 * psql's -d takes; `schema` is created if missing.
 */
export function loadPostgres(extract, { connection, psql = findPsql(), env = process.env, schema = 'public', catalog, onFile } = {}) {
  if (!connection) throw new Error('falta la conexión a PostgreSQL');
  return load(extract, postgresWriter({ connection: connectionFor(connection), psql, env, schema }), { catalog, onFile });
}

/** Loads an extract into DuckDB: an open connection (`@duckdb/node-api`), or a database file. */
export function loadDuckDB(extract, { connection = null, database = null, schema = 'main', catalog, onFile } = {}) {
  return load(extract, duckdbWriter({ connection, database, schema }), { catalog, onFile });
}

const n = (x) => x.toLocaleString('en-US');

/** One line per file, like masb's per-file summary. */
export function fileLine(table, f) {
  const extra = [];
  if (f.preambulo) extra.push(`${f.preambulo} líneas antes del encabezado`);
  if (f.problema) extra.push(f.problema);
  for (const [code, count] of Object.entries(f.porCodigo)) {
    const first = f.rechazos.find((r) => r.codigo === code);
    extra.push(`${code} ${n(count)}${first ? ` (primero en la línea ${first.linea})` : ''}`);
  }
  return `${table.fuente.padEnd(24)} ${f.archivo.padEnd(40)} leídos ${n(f.leidos).padStart(10)}  cargados ${n(f.cargados).padStart(10)}  rechazados ${n(f.rechazados).padStart(6)}  ${f.segundos.toFixed(1).padStart(5)} s${extra.length ? `  ${extra.join('; ')}` : ''}`;
}

const USAGE = `Uso: node scripts/cargar-tablas.mjs <extracto> (--postgres <conexión> | --duckdb <archivo>) [--schema S] [--catalog DIR] [--json]`;

async function main(argv) {
  const args = [...argv];
  const take = (name) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`la opción ${name} necesita un valor`);
    args.splice(i, 2);
    return v;
  };
  const json = args.includes('--json');
  if (json) args.splice(args.indexOf('--json'), 1);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const postgres = take('--postgres');
  const duckdb = take('--duckdb');
  const schema = take('--schema');
  const catalog = take('--catalog');
  const unknown = args.find((a) => a.startsWith('--'));
  if (unknown) throw new UsageError(`opción desconocida '${unknown}'`);
  if (args.length !== 1) throw new UsageError('indique una carpeta de extracto');
  if (!postgres === !duckdb) throw new UsageError('indique --postgres o --duckdb (uno)');
  if (!existsSync(args[0]) || !statSync(args[0]).isDirectory()) throw new UsageError(`no existe la carpeta del extracto '${args[0]}'`);
  const onFile = json ? undefined : (t, f) => process.stderr.write(`${fileLine(t, f)}\n`);
  const options = { catalog: catalog ? resolve(catalog) : undefined, onFile };
  const report = postgres
    ? await loadPostgres(args[0], { ...options, connection: postgres, schema: schema ?? 'public' })
    : await loadDuckDB(args[0], { ...options, database: duckdb, schema: schema ?? 'main' });
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const t = report.totales;
    for (const o of report.omitidos) process.stderr.write(`aviso: ${o.archivo}: ${o.motivo}; no se carga\n`);
    process.stderr.write(`${report.tablas.length} tablas, ${t.archivos} archivos (${(t.bytes / 1e6).toFixed(1)} MB): ${n(t.leidos)} registros leídos, ${n(t.cargados)} cargados, ${n(t.rechazados)} rechazados (en masb_rechazos) en ${report.segundos.toFixed(1)} s\n`);
    if (report.ausentes.length) process.stderr.write(`fuentes sin archivos en el extracto (sin tabla): ${report.ausentes.join(', ')}\n`);
  }
  return 0;
}

class UsageError extends Error {}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`error: ${e.message}\n`);
      if (e instanceof UsageError) process.stderr.write(`${USAGE}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    },
  );
}
