#!/usr/bin/env node
// An extract in a throwaway PostgreSQL, timed: the ground the SQL motor's bench stands on
// (`masb sql --dialecto postgres` compiles the catalog's aggregation to SQL over these tables).
//
//   node bench/postgres.mjs [--scale 0.1] [--units N] [--extract DIR] [--duckdb] [--keep] [--json]
//
// Generates the national extract of `npm run bench` (bench/generate.mjs; --scale 1 is 1.6 GB,
// a long load: try 0.1 first), or takes --extract, starts a cluster of its own
// (tests/support/postgres.ts: a temporary folder, deleted at the end), loads the extract
// (scripts/cargar-tablas.mjs) and reports the load time, the rows loaded and turned down, and
// the size of the database and of each table. --duckdb also loads it into an in-memory DuckDB,
// for comparison. --keep leaves the generated extract in place.
//
// For the SQL motor's bench, `loadIntoThrowawayPostgres(extract)` returns the running cluster
// with the extract loaded (run SQL with `cluster.run(sql)`, stop it with `cluster.stop()`).

import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';
import { generate } from './generate.mjs';
import { fileLine, loadDuckDB, loadPostgres } from '../scripts/cargar-tablas.mjs';

// The cluster harness is the tests' (TypeScript); tsx lets this plain-Node script import it.
register();
const { startPostgres } = await import('../tests/support/postgres.ts');

/**
 * Starts a throwaway PostgreSQL and loads `extract` into it. Resolves to the cluster (still
 * running: the caller stops it), the loader's report, and sizes in bytes: the database, and
 * each table with its indexes and TOAST. Rejects with the reason when PostgreSQL cannot start.
 */
export async function loadIntoThrowawayPostgres(extract, { schema = 'public', onFile, settings } = {}) {
  const cluster = await startPostgres({ settings });
  if ('skipped' in cluster) throw new Error(`PostgreSQL no está disponible: ${cluster.skipped}`);
  try {
    const t0 = performance.now();
    const report = await loadPostgres(extract, { connection: cluster.conninfo, psql: cluster.binaries.psql, env: cluster.env, schema, onFile });
    const seconds = (performance.now() - t0) / 1000;
    const rows = await cluster.query(
      `SELECT 'database', pg_database_size(current_database()) UNION ALL
       SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = '${schema.replaceAll("'", "''")}' AND c.relkind = 'r' ORDER BY 2 DESC`,
    );
    const sizes = Object.fromEntries(rows.slice(1).map(([name, bytes]) => [name, Number(bytes)]));
    return { cluster, report, seconds, sizes, version: cluster.binaries.version };
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

const mb = (bytes) => (bytes / 1e6).toFixed(1);
const n = (x) => x.toLocaleString('en-US');

async function main(args) {
  const option = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const json = args.includes('--json');
  const log = (s = '') => !json && process.stdout.write(`${s}\n`);
  const given = option('--extract', null);
  const scale = Number(option('--scale', '0.1'));
  const units = option('--units', null);
  let extract = given && resolve(given);
  let generated = null;
  if (!extract) {
    extract = join(tmpdir(), `masb-bench-pg-x${scale}`);
    const g0 = performance.now();
    generated = generate(extract, { scale, quiet: true, ...(units ? { units: Number(units) } : {}) });
    log(`extracto generado (×${scale}${units ? `, ${units} unidades` : ''}): ${extract}, ${generated.files.length} archivos, ${mb(generated.files.reduce((s, f) => s + f.bytes, 0))} MB en ${((performance.now() - g0) / 1000).toFixed(1)} s`);
  }
  const { cluster, report, seconds, sizes, version } = await loadIntoThrowawayPostgres(extract, { onFile: json ? undefined : (t, f) => log(`  ${fileLine(t, f)}`) });
  let duck = null;
  try {
    const t = report.totales;
    log(`PostgreSQL ${version}: ${n(t.cargados)} registros cargados, ${n(t.rechazados)} rechazados, de ${t.archivos} archivos (${mb(t.bytes)} MB) en ${seconds.toFixed(1)} s (${(t.bytes / 1e6 / seconds).toFixed(1)} MB/s)`);
    log(`tamaño de la base: ${mb(sizes.database)} MB; tablas mayores: ${Object.entries(sizes).filter(([k]) => k !== 'database').slice(0, 5).map(([k, v]) => `${k} ${mb(v)} MB`).join(', ')}`);
    if (args.includes('--duckdb')) {
      const d0 = performance.now();
      const r = await loadDuckDB(extract, {});
      duck = { seconds: (performance.now() - d0) / 1000, cargados: r.totales.cargados };
      log(`DuckDB (en memoria, mismo lector): ${n(r.totales.cargados)} registros en ${duck.seconds.toFixed(1)} s`);
    }
  } finally {
    await cluster.stop();
    if (generated && !args.includes('--keep')) rmSync(extract, { recursive: true, force: true });
  }
  if (json) {
    process.stdout.write(`${JSON.stringify({ extract, scale: generated ? scale : null, postgres: version, seconds, totals: report.totales, sizes, duckdb: duck, files: report.tablas.flatMap((t) => t.archivos.map((f) => ({ source: t.fuente, file: f.archivo, bytes: f.bytes, read: f.leidos, loaded: f.cargados, rejected: f.rechazados, seconds: f.segundos }))) })}\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = 1;
  });
}
