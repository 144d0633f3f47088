#!/usr/bin/env node
// The heavy pass three ways on the bench's national extract, timed: masb's streaming pass,
// `masb compute --motor duckdb` (embedded DuckDB), and PostgreSQL (the extract loaded with the
// table loader into a throwaway cluster, `masb sql --dialecto postgres` run by psql, its CSV
// evaluated by `masb compute --parciales`). Each masb run is a process of its own under
// /usr/bin/time (wall seconds, peak RSS); PostgreSQL's memory is the sum of its processes'
// proportional set size (PSS, shared buffers counted once), sampled every 0.2 s. The three
// results must be the same bytes, or the bench fails.
//
//   npm run build && node bench/sql.mjs [--scale 0.25] [--units N] [--extract DIR] [--keep] [--json]

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';
import { loadIntoThrowawayPostgres } from './postgres.mjs';

const root = resolve(fileURLToPath(import.meta.url), '..', '..');
const masb = join(root, 'bin', 'masb.js');

/** Runs a command under /usr/bin/time: wall seconds, peak RSS in MB, CPU seconds; throws on failure. */
function timed(args, { env = process.env } = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '@@time %e %M %U %S', ...args], { encoding: 'utf8', env, maxBuffer: 1 << 30 });
  const m = /@@time ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${args.join(' ')} terminó con código ${r.status}: ${r.stderr.slice(-2000)}`);
  return { seconds: Number(m[1]), peakMB: Number(m[2]) / 1024, cpu: Number(m[3]) + Number(m[4]), stderr: r.stderr };
}

/** PostgreSQL's memory now: the PSS of every process of the cluster (children of the postmaster, and it). */
function clusterPss(postmaster) {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (Number(pid) !== postmaster && ppid !== postmaster) continue;
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // the process ended meanwhile
    }
  }
  return kb / 1024;
}

/** psql -f script > out, timed, with the cluster's peak PSS while it runs. */
async function psqlTimed(cluster, script, out, postmaster) {
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, clusterPss(postmaster))), 200);
  const t0 = performance.now();
  try {
    await new Promise((res, rej) => {
      const child = spawn('sh', ['-c', `"$0" -X -q -v ON_ERROR_STOP=1 -d "$1" -f "$2" > "$3"`, cluster.binaries.psql, cluster.conninfo, script, out], { env: cluster.env, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
      child.on('close', (code) => (code === 0 ? res() : rej(new Error(`psql: ${err}`))));
    });
  } finally {
    clearInterval(sample);
  }
  return { seconds: (performance.now() - t0) / 1000, peakMB: Math.max(peak, clusterPss(postmaster)) };
}

const same = (a, b) => readFileSync(a).equals(readFileSync(b));

async function main(args) {
  const option = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const json = args.includes('--json');
  const log = (s = '') => !json && process.stdout.write(`${s}\n`);
  const scale = Number(option('--scale', '0.25'));
  const units = option('--units', null);
  const work = join(tmpdir(), `masb-bench-sql-${process.pid}`);
  let extract = option('--extract', null);
  let generated = null;
  if (!extract) {
    extract = join(tmpdir(), `masb-bench-sql-x${scale}`);
    generated = generate(extract, { scale, quiet: true, ...(units ? { units: Number(units) } : {}) });
  }
  extract = resolve(extract);
  const bytes = readdirSync(extract).reduce((s, f) => s + statSync(join(extract, f)).size, 0);
  log(`extracto: ${extract}, ${(bytes / 1e6).toFixed(0)} MB`);
  spawnSync('mkdir', ['-p', work]);
  const at = (f) => join(work, f);
  const out = {};
  try {
    out.flujo = timed(['node', masb, 'compute', extract, '--format', 'csv', '--out', at('flujo.csv'), '--rechazos', at('flujo.rech.csv')]);
    log(`flujo (masb):          ${out.flujo.seconds.toFixed(1)} s, pico ${out.flujo.peakMB.toFixed(0)} MB`);
    out.duckdb = timed(['node', masb, 'compute', extract, '--motor', 'duckdb', '--format', 'csv', '--out', at('duckdb.csv'), '--rechazos', at('duckdb.rech.csv')]);
    log(`--motor duckdb:        ${out.duckdb.seconds.toFixed(1)} s, pico ${out.duckdb.peakMB.toFixed(0)} MB`);
    const t0 = performance.now();
    const { cluster, report, seconds: load, sizes, version } = await loadIntoThrowawayPostgres(extract);
    void t0;
    try {
      const postmaster = Number(readFileSync(join(cluster.host, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      const sql = timed(['node', masb, 'sql', '--dialecto', 'postgres', '--out', at('masb.sql')]);
      const run = await psqlTimed(cluster, at('masb.sql'), at('parciales.csv'), postmaster);
      const evaluate = timed(['node', masb, 'compute', '--parciales', at('parciales.csv'), '--format', 'csv', '--out', at('postgres.csv')]);
      out.postgres = { version, load, loadedRows: report.totales.cargados, databaseMB: sizes.database / 1e6, sql: sql.seconds, run, evaluate: { seconds: evaluate.seconds, peakMB: evaluate.peakMB }, partialsMB: statSync(at('parciales.csv')).size / 1e6 };
      log(`PostgreSQL ${version}: carga ${load.toFixed(1)} s (${(sizes.database / 1e6).toFixed(0)} MB), SQL ${run.seconds.toFixed(1)} s (pico ${run.peakMB.toFixed(0)} MB del servidor), --parciales ${evaluate.seconds.toFixed(1)} s (pico ${evaluate.peakMB.toFixed(0)} MB)`);
    } finally {
      await cluster.stop();
    }
    out.identical = { duckdb: same(at('flujo.csv'), at('duckdb.csv')), postgres: same(at('flujo.csv'), at('postgres.csv')) };
    log(`mismos bytes que el flujo: duckdb ${out.identical.duckdb ? 'sí' : 'NO'}, postgres ${out.identical.postgres ? 'sí' : 'NO'}`);
    if (!out.identical.duckdb || !out.identical.postgres) process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (generated && !args.includes('--keep')) rmSync(extract, { recursive: true, force: true });
  }
  for (const k of ['flujo', 'duckdb']) delete out[k].stderr;
  if (json) process.stdout.write(`${JSON.stringify({ extract, scale: generated ? scale : null, bytes, ...out })}\n`);
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = 1;
});
