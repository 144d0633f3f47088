#!/usr/bin/env node
// `npm run bench`: masb on a national extract in the real shapes, against DuckDB on the same files.
//
//   node bench/run.mjs [--json] [--runs 3] [--scales 1,2,4] [--scaling-runs 1] [--no-scaling]
//                      [--extract DIR] [--catalog DIR] [--keep] [--threads N]
//                      [--quiet-cpu 0.15] [--max-wait 120] [--max-foreign 0.1] [--retries 3]
//
// 1. Generates the national extract (bench/generate.mjs, seeded) in the temporary directory:
//    SINAC 1.84 M births all quoted with CRLF, EGRESOS 2.52 M with BOM, INEGI deaths in the
//    74-column layout, CONAPO, and a month of the rest (1.6 GB at ×1).
// 2. Times, each run in its own process (wall time, time to the end of the single pass, CPU,
//    peak RSS from the process's own VmHWM), --runs rounds, interleaved so that a change in
//    the machine's speed hits every configuration alike, and reports medians:
//      - masb compute, full catalog, default workers (one per core);
//      - masb compute, full catalog, --workers 1;
//      - masb compute --only <the 40 record-level indicators of tests/reference>;
//      - the DuckDB reference (bench/reference.mjs): the hand-written SQL of those 40 over
//        typed read_csv of the columns they use, as many threads as masb has workers;
//      - masb compute --only <20 indicators that read the same files as the full catalog>.
//    Ratios: masb / DuckDB for the whole catalog and for the 40 alone; full catalog / 20.
// 3. Where the time goes: each file's reading time in the one-thread runs (the progress lines
//    come as each file is done), and the single pass against evaluation and writing.
// 4. Scaling: ×2 and ×4 the rows (same units and months), masb (default workers) and DuckDB,
//    --scaling-runs runs each: the ratio at each scale and how time grows with rows.
// Before each timed run it waits (up to --max-wait seconds) until the other processes of the
// machine use less than --quiet-cpu of it; it measures how much they used during the run
// (/proc/stat against the run's own CPU time) and runs it again, up to --retries times, while
// that is above --max-foreign. Every figure comes with that share: compare the ratios, taken
// in the same round, rather than the seconds.
// Prints a table, and with --json one JSON line at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, GENERATOR_VERSION } from './generate.mjs';
import { FAMILIES } from './reference.mjs';
import { MALLOC_ENV } from '../dist/launch.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const JSON_OUT = flag('--json');
const RUNS = Number(option('--runs', '3'));
const SCALING_RUNS = Number(option('--scaling-runs', '1'));
const SCALES = flag('--no-scaling') ? [1] : option('--scales', '1,2,4').split(',').map(Number);
const CORES = availableParallelism();
const THREADS = Number(option('--threads', String(CORES))); // DuckDB's threads: masb's default workers
const CATALOG = resolve(option('--catalog', join(ROOT, 'indicators')));
const QUIET_CPU = Number(option('--quiet-cpu', '0.15'));
const MAX_WAIT_S = Number(option('--max-wait', '120'));
// A run during which the other processes took more than MAX_FOREIGN of the machine is run
// again, up to RETRIES times (the least disturbed one is kept, and counted as disturbed).
const MAX_FOREIGN = Number(option('--max-foreign', '0.1'));
const RETRIES = Number(option('--retries', '3'));
const PERIOD = '2024-03';
const log = (s = '') => process.stdout.write(`${s}\n`);

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  console.error('bench: falta dist/; corra `npm run build` (npm run bench lo hace)');
  process.exit(2);
}
const { loadCatalog } = await import('../dist/index.js');

const work = mkdtempSync(join(tmpdir(), 'masb-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 1) => (x === undefined || Number.isNaN(x) ? '–' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const round = (x, d = 3) => +x.toFixed(d);

// ---------------------------------------------------------------------------------------
// The machine: CPU used by everything, from /proc/stat, to wait for quiet and to see how much
// the other processes took during a run (a shared 2-core VM drifts by ±30 % otherwise).

const TICK = 100; // USER_HZ
function cpuStat() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy_s: (total - idle) / TICK, total_s: total / TICK };
  } catch {
    return null;
  }
}
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
/** Waits until the machine is quiet: busy under QUIET_CPU of its cores over one second. */
function waitQuiet() {
  const start = performance.now();
  for (;;) {
    const a = cpuStat();
    sleep(1000);
    const b = cpuStat();
    if (!a || !b) return 0;
    const busy = (b.busy_s - a.busy_s) / Math.max(1e-9, b.total_s - a.total_s);
    const waited = (performance.now() - start) / 1000;
    if (busy < QUIET_CPU || waited > MAX_WAIT_S) return waited;
  }
}

/**
 * Runs fn (a timed child process) after waiting for quiet, and adds the share of the machine
 * the other processes took meanwhile; runs it again (up to RETRIES times) while that share is
 * above MAX_FOREIGN, keeping the least disturbed run.
 */
function timed(fn) {
  let best = null;
  for (let attempt = 0; attempt <= RETRIES; attempt++) {
    const waited = waitQuiet();
    const a = cpuStat();
    const r = fn();
    const b = cpuStat();
    const foreign = a && b ? Math.max(0, (b.busy_s - a.busy_s - r.cpu_s) / (r.wall_s * CORES)) : 0;
    const run = { ...r, waited_s: waited, foreign_cpu: foreign, attempts: attempt + 1 };
    if (!best || foreign < best.foreign_cpu) best = run;
    if (foreign <= MAX_FOREIGN) break;
    if (attempt < RETRIES) log(`    (otros procesos tomaron ${fmt(foreign * 100, 0)} % de la máquina durante la corrida de ${fmt(r.wall_s, 1)} s: se repite)`);
  }
  best.attempts = Math.min(best.attempts, RETRIES + 1);
  return best;
}

// ---------------------------------------------------------------------------------------
// Timed runs, each in a process of its own

function runMasb(dir, extra = []) {
  const result = join(work, 'run.json');
  rmSync(result, { force: true });
  const t0 = performance.now();
  // With the environment `masb compute` gets from its launcher (bin/masb.js, src/cli/launch.ts), glibc's mmap threshold fixed.
  const p = spawnSync(process.execPath, [join(HERE, 'child.mjs'), result, 'compute', dir, '--catalog', CATALOG, '--period', PERIOD, '--out', join(work, 'out.csv'), ...extra], {
    stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...(process.platform === 'linux' ? MALLOC_ENV : {}) },
  });
  const wall = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`masb terminó con ${p.status}`);
  const r = JSON.parse(readFileSync(result, 'utf8'));
  if (r.code !== 0) throw new Error(`masb compute salió con ${r.code}:\n${r.stderr}`);
  return { ...r, wall_s: wall };
}

function runDuckdb(dir, windows) {
  const result = join(work, 'duck.json');
  rmSync(result, { force: true });
  const t0 = performance.now();
  const p = spawnSync(process.execPath, [join(HERE, 'reference.mjs'), dir, '--threads', String(THREADS), '--period', PERIOD, '--windows', JSON.stringify(windows), '--out', join(work, 'referencia'), '--result', result], { stdio: ['ignore', 'inherit', 'inherit'] });
  const wall = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`la referencia DuckDB terminó con ${p.status}`);
  return { ...JSON.parse(readFileSync(result, 'utf8')), wall_s: wall };
}

// ---------------------------------------------------------------------------------------
// What is timed

const t00 = performance.now();
const catalog = await loadCatalog(CATALOG);
const all = catalog.indicators; // the whole catalog, in its order
const byId = new Map(all.map((i) => [i.id, i]));

// The 40 record-level indicators of the DuckDB reference, each in its own window.
const forty = FAMILIES.flatMap((f) => [...readFileSync(join(ROOT, 'tests', 'reference', 'sql', f), 'utf8').matchAll(/INSERT OR REPLACE INTO indicadores VALUES \('([^']+)'/g)].map((m) => m[1]));
const windows = {};
for (const id of forty) {
  const i = byId.get(id);
  if (!i) throw new Error(`bench: el indicador ${id} de tests/reference no está en el catálogo`);
  (windows[i.def.ventana ?? 'mes'] ??= []).push(id);
}

// 20 indicators that read every source the full catalog reads: a greedy cover of the
// sources, then indicators spread over the catalog up to 20.
const sourcesOf = (ids) => new Set(ids.flatMap((id) => byId.get(id).sources));
const allSources = sourcesOf(all.map((i) => i.id));
const twenty = [];
for (const left = new Set(allSources); left.size;) {
  let best = null;
  let bestN = 0;
  for (const i of all) {
    const n = i.sources.filter((s) => left.has(s)).length;
    if (n > bestN) [best, bestN] = [i, n];
  }
  twenty.push(best.id);
  for (const s of best.sources) left.delete(s);
}
for (let k = 0; twenty.length < 20 && k < all.length; k++) {
  const id = all[Math.floor((k * all.length) / 20) % all.length].id;
  if (!twenty.includes(id)) twenty.push(id);
}

log(`masb bench: ${all.length} indicadores, ${CORES} núcleos, DuckDB con ${THREADS} hilos, node ${process.version}, generador v${GENERATOR_VERSION}; directorio ${work}`);
log(`  carga de la máquina al empezar: ${loadavg().map((x) => fmt(x, 2)).join(' ')}`);

const gen = (scale) => {
  const t0 = performance.now();
  const r = generate(join(work, `x${scale}`), { scale, quiet: true });
  const gen_s = (performance.now() - t0) / 1000;
  const bytes = r.files.reduce((s, f) => s + f.bytes, 0);
  const rows = r.files.reduce((s, f) => s + f.rows, 0);
  log(`  extracto ×${scale}: ${r.files.length} archivos, ${fmt(bytes / 1e6, 0)} MB, ${fmt(rows / 1e6, 2)} M renglones, generado en ${fmt(gen_s)} s`);
  return { ...r, bytes, rows, gen_s, scale };
};

const x1 = option('--extract')
  ? { dir: resolve(option('--extract')), files: [], bytes: 0, rows: 0, gen_s: 0, scale: 1 }
  : gen(1);
const sizes = new Map(x1.files.map((f) => [f.file, f.bytes]));
if (!x1.files.length) {
  const { readdirSync, statSync } = await import('node:fs');
  for (const f of readdirSync(x1.dir)) sizes.set(f, statSync(join(x1.dir, f)).size);
}
if (x1.files.length) {
  for (const f of [...x1.files].sort((a, b) => b.bytes - a.bytes).slice(0, 6)) log(`    ${f.file.padEnd(34)} ${fmt(f.rows, 0).padStart(11)} renglones ${fmt(f.bytes / 1e6, 1).padStart(7)} MB`);
}

const configs = {
  masb: { label: 'masb compute, catálogo completo, workers por omisión', run: () => runMasb(x1.dir) },
  masb_w1: { label: 'masb compute, catálogo completo, --workers 1', run: () => runMasb(x1.dir, ['--workers', '1']) },
  masb40: { label: `masb compute --only <los ${forty.length} de la referencia>`, run: () => runMasb(x1.dir, ['--only', forty.join(',')]) },
  duckdb: { label: `DuckDB, SQL tipado de los ${forty.length} (${THREADS} hilos)`, run: () => runDuckdb(x1.dir, windows) },
  masb20: { label: `masb compute --only <20 que leen los mismos archivos>`, run: () => runMasb(x1.dir, ['--only', twenty.join(',')]) },
};
const runs = Object.fromEntries(Object.keys(configs).map((k) => [k, []]));
log('');
log(`${RUNS} rondas, cada corrida en su propio proceso, en este orden: ${Object.keys(configs).join(', ')}`);
for (let round_ = 0; round_ < RUNS; round_++) {
  for (const [k, c] of Object.entries(configs)) {
    const r = timed(c.run);
    runs[k].push(r);
    log(`  ronda ${round_ + 1} ${k.padEnd(8)} ${fmt(r.wall_s, 2).padStart(7)} s  pico RSS ${fmt(r.peak_rss_mb, 0).padStart(5)} MB  CPU ${fmt(r.cpu_s, 1).padStart(6)} s${r.foreign_cpu !== undefined ? `  otros procesos ${fmt(r.foreign_cpu * 100, 0)} % de la máquina` : ''}${r.waited_s > 1.5 ? ` (esperó ${fmt(r.waited_s, 0)} s a que se calmara)` : ''}${r.attempts > 1 ? ` (intento ${r.attempts})` : ''}`);
  }
}

const summary = (k) => {
  const rs = runs[k];
  return {
    s: median(rs.map((r) => r.wall_s)),
    ingest_s: rs[0].ingest_s !== undefined ? median(rs.map((r) => r.ingest_s)) : median(rs.map((r) => r.load_s)),
    rss_mb: Math.max(...rs.map((r) => r.peak_rss_mb)),
    cpu_s: median(rs.map((r) => r.cpu_s)),
    all_s: rs.map((r) => round(r.wall_s, 2)),
    foreign_cpu_max: Math.max(...rs.map((r) => r.foreign_cpu ?? 0)),
    disturbed: rs.filter((r) => r.foreign_cpu > MAX_FOREIGN).length,
  };
};
const S = Object.fromEntries(Object.keys(configs).map((k) => [k, summary(k)]));
const m0 = runs.masb[0];
const rowsRead = m0.files.reduce((s, f) => s + f.read, 0);
const bytesOf = (files) => files.reduce((s, f) => s + (sizes.get(f.file) ?? 0), 0);
const mbFull = bytesOf(m0.files) / 1e6;
const mb40 = bytesOf(runs.masb40[0].files) / 1e6;
const files20 = new Set(runs.masb20[0].files.map((f) => f.file));
const sameFiles = m0.files.length === files20.size && m0.files.every((f) => files20.has(f.file));

log('');
log(`extracto ×1: ${fmt(mbFull, 0)} MB y ${fmt(rowsRead / 1e6, 2)} M renglones en ${m0.files.length} archivos que lee el catálogo; ${m0.indicators} indicadores, ${fmt(m0.results, 0)} resultados`);
const row = (label, s, extra = '') => log(`  ${label.padEnd(62)} ${fmt(s.s, 2).padStart(7)} s  [${s.all_s.map((x) => fmt(x, 2)).join(', ')}]  pico RSS ${fmt(s.rss_mb, 0).padStart(5)} MB${extra}`);
row(configs.masb.label, S.masb, `  pasada ${fmt(S.masb.ingest_s, 2)} s, ${fmt(mbFull / S.masb.s)} MB/s`);
row(configs.masb_w1.label, S.masb_w1, `  pasada ${fmt(S.masb_w1.ingest_s, 2)} s`);
row(configs.masb40.label, S.masb40, `  pasada ${fmt(S.masb40.ingest_s, 2)} s sobre ${fmt(mb40, 0)} MB`);
row(configs.duckdb.label, S.duckdb, `  lectura tipada ${fmt(S.duckdb.ingest_s, 2)} s, ${fmt(mb40 / S.duckdb.s)} MB/s`);
row(configs.masb20.label, S.masb20, `  pasada ${fmt(S.masb20.ingest_s, 2)} s`);
const ratio = S.masb.s / S.duckdb.s;
const ratioW1 = S.masb_w1.s / S.duckdb.s;
const ratio40 = S.masb40.s / S.duckdb.s;
const ratio20 = S.masb.s / S.masb20.s;
const peak = Math.max(S.masb.rss_mb, S.masb_w1.rss_mb, S.masb40.rss_mb, S.masb20.rss_mb);
log(`  razón masb / DuckDB: ${fmt(ratio, 2)}× el catálogo completo (${fmt(ratioW1, 2)}× con --workers 1); ${fmt(ratio40, 2)}× los ${forty.length} solos   (meta ≤ 2×)`);
log(`    por ronda (las corridas de una ronda son vecinas en el tiempo): ${runs.masb.map((r, k) => fmt(r.wall_s / runs.duckdb[k].wall_s, 2)).join(', ')} el catálogo completo; ${runs.masb40.map((r, k) => fmt(r.wall_s / runs.duckdb[k].wall_s, 2)).join(', ')} los ${forty.length}`);
log(`  pico RSS de masb: ${fmt(peak, 0)} MB (meta ≤ 500 MB con cualquier --workers); DuckDB ${fmt(S.duckdb.rss_mb, 0)} MB`);
log(`  ${all.length} indicadores / 20 que leen ${sameFiles ? 'los mismos' : 'OTROS'} archivos (${twenty.join(' ')}): ${fmt(ratio20, 2)}× (meta ≤ 1.5×)`);

// Where the time goes: files in the one-thread runs (each line comes when its file is done).
// The first line (the regionalisation, a small file) also carries the start: the catalog
// loaded and checked, the plan built; it is reported apart.
const perFile = new Map();
const startup = [];
for (const r of runs.masb_w1) {
  let prev = 0;
  r.files.forEach((f, k) => {
    if (k === 0) startup.push(f.at_s);
    const e = perFile.get(f.file) ?? { source: f.source, file: f.file, rows: f.read, s: [] };
    e.s.push(k === 0 ? 0 : f.at_s - prev);
    prev = f.at_s;
    perFile.set(f.file, e);
  });
}
const files = [...perFile.values()].map((e) => ({ source: e.source, file: e.file, rows: e.rows, mb: (sizes.get(e.file) ?? 0) / 1e6, s: median(e.s) }));
const bySource = new Map();
for (const f of files) {
  const e = bySource.get(f.source) ?? { source: f.source, files: 0, rows: 0, mb: 0, s: 0 };
  e.files++;
  e.rows += f.rows;
  e.mb += f.mb;
  e.s += f.s;
  bySource.set(f.source, e);
}
const passW1 = S.masb_w1.ingest_s;
log('');
log(`dónde se va el tiempo (--workers 1, mediana de ${RUNS}): arranque, catálogo y plan ${fmt(median(startup), 2)} s; la pasada ${fmt(passW1 - median(startup), 2)} s; evaluación y escritura ${fmt(S.masb_w1.s - passW1, 2)} s`);
for (const e of [...bySource.values()].sort((a, b) => b.s - a.s).slice(0, 12)) {
  log(`  ${e.source.padEnd(24)} ${String(e.files).padStart(2)} arch. ${fmt(e.mb, 0).padStart(6)} MB ${fmt(e.rows / 1e6, 2).padStart(6)} M renglones ${fmt(e.s, 2).padStart(7)} s ${fmt((e.s / (passW1 - median(startup))) * 100, 0).padStart(3)} %  ${fmt(e.mb / e.s, 1).padStart(6)} MB/s ${fmt(e.rows / e.s / 1e3, 0).padStart(6)} mil renglones/s`);
}
log(`  con workers por omisión: pasada ${fmt(S.masb.ingest_s, 2)} s, evaluación y escritura ${fmt(S.masb.s - S.masb.ingest_s, 2)} s; DuckDB: lectura tipada ${fmt(S.duckdb.ingest_s, 2)} s, el resto ${fmt(S.duckdb.s - S.duckdb.ingest_s, 2)} s`);

const result = {
  generator: GENERATOR_VERSION, cores: CORES, duckdb_threads: THREADS, runs: RUNS, period: PERIOD,
  extract: { scale: 1, files: m0.files.length, mb: round(mbFull, 1), rows: rowsRead, mb_40: round(mb40, 1), gen_s: round(x1.gen_s, 1) },
  indicators: m0.indicators, results: m0.results,
  masb_s: round(S.masb.s), masb_ingest_s: round(S.masb.ingest_s), masb_rss_mb: Math.round(S.masb.rss_mb),
  masb_w1_s: round(S.masb_w1.s), masb_w1_ingest_s: round(S.masb_w1.ingest_s), masb_w1_rss_mb: Math.round(S.masb_w1.rss_mb),
  masb40_s: round(S.masb40.s), masb40_rss_mb: Math.round(S.masb40.rss_mb), masb40_results: runs.masb40[0].results,
  duckdb_s: round(S.duckdb.s), duckdb_load_s: round(S.duckdb.ingest_s), duckdb_rss_mb: Math.round(S.duckdb.rss_mb),
  ratio: round(ratio), ratio_w1: round(ratioW1), ratio_40: round(ratio40),
  twenty_s: round(S.masb20.s), twenty: twenty, twenty_same_files: sameFiles, ratio_291_20: round(ratio20),
  peak_rss_mb: Math.round(peak),
  all_runs_s: Object.fromEntries(Object.entries(S).map(([k, s]) => [k, s.all_s])),
  foreign_cpu_max: round(Math.max(...Object.values(S).map((s) => s.foreign_cpu_max)), 2),
  disturbed_runs: Object.values(S).reduce((n, s) => n + s.disturbed, 0),
  // The ratios of each round (the runs of a round are close in time): their medians.
  ratio_rounds: runs.masb.map((r, k) => round(r.wall_s / runs.duckdb[k].wall_s)),
  ratio_40_rounds: runs.masb40.map((r, k) => round(r.wall_s / runs.duckdb[k].wall_s)),
  masb_w1_startup_s: round(median(startup), 2),
  per_file: files.map((f) => ({ file: f.file, source: f.source, mb: round(f.mb, 1), rows: f.rows, s: round(f.s, 2) })),
  per_source: [...bySource.values()].sort((a, b) => b.s - a.s).map((e) => ({ source: e.source, files: e.files, mb: round(e.mb, 1), rows: e.rows, s: round(e.s, 2) })),
};

if (SCALES.length > 1) {
  log('');
  log(`escalamiento (${SCALING_RUNS} corrida${SCALING_RUNS > 1 ? 's' : ''} cada uno; las mismas unidades y meses, N veces los renglones):`);
  const scaling = [{ scale: 1, mb: mbFull, rows: rowsRead, masb_s: S.masb.s, masb_ingest_s: S.masb.ingest_s, masb_rss_mb: S.masb.rss_mb, duckdb_s: S.duckdb.s, duckdb_rss_mb: S.duckdb.rss_mb, masb_w1_s: S.masb_w1.s, masb_w1_rss_mb: S.masb_w1.rss_mb, foreign_cpu_max: Math.max(S.masb.foreign_cpu_max, S.duckdb.foreign_cpu_max) }];
  let previous = option('--extract') ? null : x1.dir;
  for (const scale of SCALES.filter((s) => s !== 1)) {
    if (previous && !flag('--keep')) rmSync(previous, { recursive: true, force: true });
    const x = gen(scale);
    previous = x.dir;
    const ms = [];
    const ds = [];
    const w1 = [];
    for (let k = 0; k < SCALING_RUNS; k++) {
      ms.push(timed(() => runMasb(x.dir)));
      ds.push(timed(() => runDuckdb(x.dir, windows)));
      // The memory target holds "whatever --workers": one thread too, at every scale.
      w1.push(timed(() => runMasb(x.dir, ['--workers', '1'])));
    }
    const m = ms[0];
    const sized = new Map(x.files.map((f) => [f.file, f.bytes]));
    scaling.push({
      scale, mb: m.files.reduce((s, f) => s + (sized.get(f.file) ?? 0), 0) / 1e6, rows: m.files.reduce((s, f) => s + f.read, 0),
      masb_s: median(ms.map((r) => r.wall_s)), masb_ingest_s: median(ms.map((r) => r.ingest_s)), masb_rss_mb: Math.max(...ms.map((r) => r.peak_rss_mb)),
      duckdb_s: median(ds.map((r) => r.wall_s)), duckdb_rss_mb: Math.max(...ds.map((r) => r.peak_rss_mb)), gen_s: x.gen_s,
      masb_w1_s: median(w1.map((r) => r.wall_s)), masb_w1_rss_mb: Math.max(...w1.map((r) => r.peak_rss_mb)),
      foreign_cpu_max: Math.max(...ms.map((r) => r.foreign_cpu ?? 0), ...ds.map((r) => r.foreign_cpu ?? 0), ...w1.map((r) => r.foreign_cpu ?? 0)),
    });
  }
  if (previous && !flag('--keep')) rmSync(previous, { recursive: true, force: true });
  const base = scaling[0];
  for (const s of scaling) {
    log(`  ×${s.scale}: ${fmt(s.mb, 0).padStart(5)} MB ${fmt(s.rows / 1e6, 2).padStart(6)} M renglones (${fmt(s.rows / base.rows, 2)}×)  masb ${fmt(s.masb_s, 2).padStart(7)} s (${fmt(s.masb_s / base.masb_s, 2)}×), pasada ${fmt(s.masb_ingest_s, 2)} s, pico RSS ${fmt(s.masb_rss_mb, 0)} MB  DuckDB ${fmt(s.duckdb_s, 2).padStart(7)} s (${fmt(s.duckdb_s / base.duckdb_s, 2)}×), ${fmt(s.duckdb_rss_mb, 0)} MB  --workers 1 ${fmt(s.masb_w1_s, 2)} s, ${fmt(s.masb_w1_rss_mb, 0)} MB  masb/DuckDB ${fmt(s.masb_s / s.duckdb_s, 2)}×${s.foreign_cpu_max > MAX_FOREIGN ? ` (perturbada: otros procesos ${fmt(s.foreign_cpu_max * 100, 0)} %)` : ''}`);
  }
  // Linearity: least squares t = a + b·rows over the scales; the marginal cost per million
  // rows between consecutive scales (constant when time is linear in rows).
  const n = scaling.length;
  const mx = scaling.reduce((s, x) => s + x.rows, 0) / n;
  const my = scaling.reduce((s, x) => s + x.masb_s, 0) / n;
  const b = scaling.reduce((s, x) => s + (x.rows - mx) * (x.masb_s - my), 0) / scaling.reduce((s, x) => s + (x.rows - mx) ** 2, 0);
  const a = my - b * mx;
  const ssr = scaling.reduce((s, x) => s + (x.masb_s - (a + b * x.rows)) ** 2, 0);
  const sst = scaling.reduce((s, x) => s + (x.masb_s - my) ** 2, 0);
  const marginal = scaling.slice(1).map((s, i) => (s.masb_s - scaling[i].masb_s) / ((s.rows - scaling[i].rows) / 1e6));
  const last = scaling[n - 1];
  log(`  masb: t ≈ ${fmt(a, 1)} s + ${fmt(b * 1e6, 2)} s por millón de renglones (R² ${fmt(1 - ssr / sst, 3)}); costo marginal por millón entre escalas consecutivas: ${marginal.map((x) => `${fmt(x, 2)} s`).join(', ')}`);
  log(`  ×${last.scale}: ${fmt(last.masb_s / base.masb_s, 2)}× el tiempo de ×1 con ${fmt(last.rows / base.rows, 2)}× los renglones (meta: lineal, a lo más proporcional); pico RSS ${fmt((last.masb_rss_mb / base.masb_rss_mb - 1) * 100, 0)} % respecto de ×1`);
  result.scaling = scaling.map((s) => ({
    scale: s.scale, mb: round(s.mb, 1), rows: s.rows, masb_s: round(s.masb_s), masb_ingest_s: round(s.masb_ingest_s), masb_rss_mb: Math.round(s.masb_rss_mb),
    duckdb_s: round(s.duckdb_s), duckdb_rss_mb: Math.round(s.duckdb_rss_mb), masb_w1_s: round(s.masb_w1_s), masb_w1_rss_mb: Math.round(s.masb_w1_rss_mb),
    ratio: round(s.masb_s / s.duckdb_s), foreign_cpu_max: round(s.foreign_cpu_max ?? 0, 2),
  }));
  result.linearity = {
    fixed_s: round(a, 2), per_mrow_s: round(b * 1e6, 3), r2: round(1 - ssr / sst, 4), marginal_per_mrow_s: marginal.map((x) => round(x, 3)),
    time_ratio: round(last.masb_s / base.masb_s), rows_ratio: round(last.rows / base.rows),
  };
}

// "Whatever --workers" and whatever scale: the ×2 and ×4 runs count too.
const peakAll = Math.max(peak, ...(result.scaling ?? []).flatMap((s) => [s.masb_rss_mb, s.masb_w1_rss_mb]));
result.peak_rss_all_scales_mb = Math.round(peakAll);
result.targets = {
  ratio_le_2: ratio <= 2,
  peak_rss_le_500: peakAll <= 500,
  ratio_291_20_le_1_5: ratio20 <= 1.5,
  ...(result.linearity ? { time_linear_in_rows: result.linearity.time_ratio <= result.linearity.rows_ratio * 1.1 } : {}),
};
log('');
log(`metas (issue 16): masb ≤ 2× DuckDB ${result.targets.ratio_le_2 ? 'cumplida' : 'NO cumplida'} (${fmt(ratio, 2)}×); pico RSS ≤ 500 MB ${result.targets.peak_rss_le_500 ? 'cumplida' : 'NO cumplida'} (${fmt(peak, 0)} MB a ×1${result.scaling ? `, ${fmt(peakAll, 0)} MB en todas las escalas` : ''}); 291/20 ≤ 1.5× ${result.targets.ratio_291_20_le_1_5 ? 'cumplida' : 'NO cumplida'} (${fmt(ratio20, 2)}×)${result.linearity ? `; tiempo lineal en renglones ${result.targets.time_linear_in_rows ? 'cumplida' : 'NO cumplida'}` : ''}`);
if (!flag('--keep')) rmSync(work, { recursive: true, force: true });
log(`\nbench: ${fmt((performance.now() - t00) / 1000, 0)} s en total; otros procesos usaron hasta ${fmt(result.foreign_cpu_max * 100, 0)} % de la máquina durante una corrida; ${result.disturbed_runs} corridas de ×1 perturbadas (más de ${fmt(MAX_FOREIGN * 100, 0)} %) tras ${RETRIES} reintentos`);
if (JSON_OUT) log(JSON.stringify(result));
