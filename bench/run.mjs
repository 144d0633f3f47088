#!/usr/bin/env node
// `npm run bench`: masb on a national-scale extract, against DuckDB on the same files.
//
//   node bench/run.mjs [--json] [--runs 3] [--workers N] [--catalog DIR] [--no-scaling] [--keep]
//
// 1. Generates the national extract (bench/generate.mjs, seeded) in the temporary directory.
// 2. Times `masb compute` on the full catalog (all levels, CSV to a file), median of --runs,
//    each run in its own process (wall time, time to the end of the single pass, peak RSS).
// 3. Times the reference: DuckDB (`@duckdb/node-api`, same number of threads) reading every
//    file masb reads and aggregating it by unit (and period, variable where the source has
//    them) with counts and sums of every numeric column: `read_csv` + `group by`.
// 4. Scaling: 2× and 4× the rows (same units, same month), and 20 indicators against the
//    full catalog.
// Prints a table, the ratio masb / DuckDB, and with --json one JSON line at the end.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

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
const WORKERS = Number(option('--workers', String(availableParallelism())));
const CATALOG = option('--catalog', join(ROOT, 'indicators'));
const log = (s = '') => process.stdout.write(`${s}\n`);

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  console.error('bench: falta dist/; corra `npm run build` (npm run bench lo hace)');
  process.exit(2);
}
const { loadCatalog, openExtract, selectIndicators } = await import('../dist/index.js');

const work = mkdtempSync(join(tmpdir(), 'masb-bench-'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 1) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** One `masb compute` in a child process. */
function runMasb(dir, extra = []) {
  const result = join(work, 'run.json');
  const t0 = performance.now();
  const p = spawnSync(process.execPath, [join(HERE, 'child.mjs'), result, 'compute', dir, '--catalog', CATALOG, '--workers', String(WORKERS), '--out', join(work, 'out.csv'), ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
  const wall = (performance.now() - t0) / 1000;
  if (p.status !== 0) throw new Error(`masb terminó con ${p.status}`);
  const r = JSON.parse(readFileSync(result, 'utf8'));
  if (r.code !== 0) throw new Error(`masb compute salió con ${r.code}:\n${r.stderr}`);
  return { ...r, wall_s: wall };
}

// ---------------------------------------------------------------------------------------
// DuckDB reference

/** The header of a file, as DuckDB will name its columns (BOM dropped). */
function headerOf(path, delimiter) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 16);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const line = buf.subarray(0, n).toString('latin1').split(/\r?\n/)[0].replace(/^\xEF\xBB\xBF/, '');
  return line.split(delimiter).map((h) => h.replace(/^"|"$/g, ''));
}

const sqlText = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

/** The aggregate query for one file of one source: by key (unit or entidad), period and variable. */
function referenceQuery(source, path) {
  const def = source.def;
  const fmtDef = def.formato ?? {};
  const delimiter = fmtDef.delimitador ?? ',';
  const header = headerOf(path, delimiter);
  const present = new Map(header.map((h) => [h.toUpperCase(), h]));
  const column = (name) => {
    const c = def.columnas.find((x) => x.nombre === name);
    if (!c || c.de) return null;
    const originals = c.original === undefined ? [c.nombre] : Array.isArray(c.original) ? c.original : [c.original];
    for (const o of originals) if (present.has(o.toUpperCase())) return present.get(o.toUpperCase());
    return null;
  };
  const nulls = [...new Set([...(fmtDef.nulos ?? ['']), ...(def.pivote?.nulos ?? [])])];
  const read = `read_csv(${sqlText(path)}, delim=${sqlText(delimiter)}, header=true, all_varchar=true, encoding=${sqlText(fmtDef.codificacion === 'latin1' ? 'latin-1' : 'utf-8')}, ignore_errors=true, nullstr=[${nulls.map(sqlText).join(', ')}])`;
  const keyName = def.clave?.[0]?.columna ?? 'clues';
  const groups = [ident(column(keyName) ?? header[0])];
  const p = def.periodo;
  if (p?.fecha) {
    const c = def.columnas.find((x) => x.nombre === p.fecha);
    const h = column(p.fecha);
    if (h) groups.push(c?.formato === 'aaaa-mm-dd' ? `date_trunc('month', try_cast(${ident(h)} AS DATE))` : `date_trunc('month', try_strptime(${ident(h)}, '%d/%m/%Y'))`);
  } else if (p?.anio) {
    for (const n of [p.anio, p.mes]) if (n && column(n)) groups.push(ident(column(n)));
  }
  const numeric = def.columnas.filter((c) => (c.tipo === 'entero' || c.tipo === 'decimal') && !c.de && c.nombre !== p?.anio && c.nombre !== p?.mes && column(c.nombre));
  const sums = numeric.map((c) => `sum(try_cast(${ident(column(c.nombre))} AS ${c.tipo === 'entero' ? 'BIGINT' : `DECIMAL(18, ${c.escala ?? 2})`}))`);
  if (def.pivote) {
    // SIS: unpivot every variable column, then sum per unit, month and variable.
    return `SELECT ${groups.join(', ')}, variable, count(*) AS n, sum(try_cast(valor AS BIGINT)) AS total FROM (UNPIVOT (SELECT * FROM ${read}) ON COLUMNS(${sqlText(def.pivote.columnas)}) INTO NAME variable VALUE valor) GROUP BY ALL`;
  }
  return `SELECT ${groups.join(', ')}, count(*) AS n${sums.map((s, i) => `, ${s} AS s${i}`).join('')} FROM ${read} GROUP BY ALL`;
}

async function referenceQueries(dir) {
  const catalog = await loadCatalog(CATALOG);
  const { extract } = await openExtract(dir, catalog);
  const used = new Set(selectIndicators(catalog, undefined).flatMap((i) => i.sources));
  for (const s of catalog.sources.values()) if (s.def.rol) used.add(s.name);
  const queries = [];
  for (const [name, inputs] of extract) {
    if (!used.has(name)) continue;
    for (const input of inputs) queries.push({ source: name, file: input.name, bytes: input.size, sql: referenceQuery(catalog.sources.get(name), input.path) });
  }
  return queries;
}

async function runDuckdb(queries) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { threads: String(WORKERS) });
  const con = await instance.connect();
  const t0 = performance.now();
  let groups = 0;
  for (const q of queries) {
    const reader = await con.runAndReadAll(q.sql);
    groups += reader.currentRowCount;
  }
  const s = (performance.now() - t0) / 1000;
  con.closeSync?.();
  instance.closeSync?.();
  return { s, groups };
}

// ---------------------------------------------------------------------------------------

const t00 = performance.now();
const catalog = await loadCatalog(CATALOG);
const all = selectIndicators(catalog, undefined);
// 20 indicators spread over the catalog (every k-th in catalog order).
const step = all.length / 20;
const twenty = Array.from({ length: Math.min(20, all.length) }, (_, i) => all[Math.floor(i * step)].id);

log(`masb bench: ${all.length} indicadores, ${WORKERS} hilos, node ${process.version}, ${availableParallelism()} núcleos; directorio ${work}`);
const gen = (scale) => {
  const t0 = performance.now();
  const r = generate(join(work, `x${scale}`), { scale, quiet: true });
  const bytes = r.files.reduce((s, f) => s + f.bytes, 0);
  log(`  extracto ×${scale}: ${r.files.length} archivos, ${fmt(bytes / 1e6, 0)} MB, generado en ${fmt((performance.now() - t0) / 1000)} s`);
  return { ...r, bytes };
};

const x1 = gen(1);
const queries = await referenceQueries(x1.dir);
const readBytes = queries.reduce((s, q) => s + q.bytes, 0);

const masbRuns = [];
for (let i = 0; i < RUNS; i++) masbRuns.push(runMasb(x1.dir));
const m = masbRuns[0];
const rows = m.files.reduce((s, f) => s + f.read, 0);
const masb = {
  wall: median(masbRuns.map((r) => r.wall_s)),
  ingest: median(masbRuns.map((r) => r.ingest_s)),
  rss: Math.max(...masbRuns.map((r) => r.peak_rss_mb)),
};
const sisFiles = m.files.filter((f) => f.source === 'sis');

const duckRuns = [];
for (let i = 0; i < RUNS; i++) duckRuns.push(await runDuckdb(queries));
const duck = median(duckRuns.map((r) => r.s));

log('');
log(`extracto nacional ×1: ${fmt(readBytes / 1e6, 0)} MB en ${queries.length} archivos que lee el catálogo; ${fmt(rows / 1e6, 2)} M renglones (${sisFiles.length} apartados SIS); ${m.indicators} indicadores, ${fmt(m.results, 0)} resultados`);
log(`  masb compute (catálogo completo, todos los niveles, CSV)  mediana ${fmt(masb.wall, 2)} s  [${masbRuns.map((r) => fmt(r.wall_s, 2)).join(', ')}]`);
log(`    ${fmt(readBytes / 1e6 / masb.wall)} MB/s, ${fmt(rows / masb.wall / 1e3, 0)} mil renglones/s, pico RSS ${fmt(masb.rss, 0)} MB`);
log(`    lectura y agregación (una pasada, hasta el último archivo)  mediana ${fmt(masb.ingest, 2)} s: ${fmt(readBytes / 1e6 / masb.ingest)} MB/s, ${fmt(rows / masb.ingest / 1e3, 0)} mil renglones/s`);
log(`    evaluación y escritura de ${fmt(m.results, 0)} resultados: ${fmt(masb.wall - masb.ingest, 2)} s`);
log(`  DuckDB (read_csv + group by, ${WORKERS} hilos)               mediana ${fmt(duck, 2)} s  [${duckRuns.map((r) => fmt(r.s, 2)).join(', ')}]  ${fmt(readBytes / 1e6 / duck)} MB/s`);
log(`  razón masb / DuckDB: ${fmt(masb.wall / duck, 2)}× (compute completo); ${fmt(masb.ingest / duck, 2)}× (la pasada de lectura y agregación)`);
log(`  metas: ≤ 4× (ideal ≤ 2×) · pico RSS ≤ 500 MB`);

const result = {
  masb_s: +masb.wall.toFixed(3), masb_ingest_s: +masb.ingest.toFixed(3), duckdb_s: +duck.toFixed(3), ratio: +(masb.wall / duck).toFixed(3),
  ratio_ingest: +(masb.ingest / duck).toFixed(3), mb: +(readBytes / 1e6).toFixed(1), rows, indicators: m.indicators, results: m.results,
  peak_rss_mb: Math.round(masb.rss), workers: WORKERS,
};

if (WORKERS > 1) {
  const one = runMasb(x1.dir, ['--workers', '1']);
  log(`  masb compute --workers 1 (todo en un hilo): ${fmt(one.wall_s, 2)} s, pasada ${fmt(one.ingest_s, 2)} s, pico RSS ${fmt(one.peak_rss_mb, 0)} MB`);
  result.one_thread_s = +one.wall_s.toFixed(3);
  result.one_thread_rss_mb = Math.round(one.peak_rss_mb);
}

if (!flag('--no-scaling')) {
  log('');
  log('escalamiento (una corrida cada uno):');
  const sub = runMasb(x1.dir, ['--only', twenty.join(',')]);
  // The 20 read fewer sources: compare the pass per MB read too (the cost of the filters per row).
  const sizes = new Map(queries.map((q) => [q.file, q.bytes]));
  const subBytes = sub.files.reduce((s, f) => s + (sizes.get(f.file) ?? 0), 0);
  log(`  20 indicadores (${twenty.join(' ')}): ${fmt(sub.wall_s, 2)} s, pasada ${fmt(sub.ingest_s, 2)} s sobre ${fmt(subBytes / 1e6, 0)} MB (${fmt(subBytes / 1e6 / sub.ingest_s)} MB/s), ${fmt(sub.results, 0)} resultados, RSS ${fmt(sub.peak_rss_mb, 0)} MB`);
  log(`    catálogo completo / 20: ${fmt(masb.wall / sub.wall_s, 2)}× el compute, ${fmt(masb.ingest / sub.ingest_s, 2)}× la pasada, ${fmt((masb.ingest / readBytes) / (sub.ingest_s / subBytes), 2)}× la pasada por MB (meta ≤ 1.5×)`);
  result.twenty_s = +sub.wall_s.toFixed(3);
  result.twenty_ingest_s = +sub.ingest_s.toFixed(3);
  result.twenty_mb = +(subBytes / 1e6).toFixed(1);
  const scaling = [{ scale: 1, s: masb.wall, ingest: masb.ingest, rss: masb.rss }];
  for (const scale of [2, 4]) {
    rmSync(join(work, `x${scale / 2}`), { recursive: true, force: true });
    const x = gen(scale);
    const r = runMasb(x.dir);
    scaling.push({ scale, s: r.wall_s, ingest: r.ingest_s, rss: r.peak_rss_mb });
  }
  for (const s of scaling) {
    log(`  ×${s.scale} renglones: ${fmt(s.s, 2)} s (${fmt(s.s / masb.wall, 2)}× el de ×1), pasada ${fmt(s.ingest, 2)} s (${fmt(s.ingest / masb.ingest, 2)}×), pico RSS ${fmt(s.rss, 0)} MB (${fmt((s.rss / masb.rss - 1) * 100, 0)} %)`);
  }
  log('  metas: ×4 ≤ 4.4× el tiempo de ×1; RSS de ×4 ≤ 1.2× el de ×1');
  result.scaling = scaling.map((s) => ({ scale: s.scale, s: +s.s.toFixed(3), ingest_s: +s.ingest.toFixed(3), peak_rss_mb: Math.round(s.rss) }));
}
if (!flag('--keep')) rmSync(work, { recursive: true, force: true });
log(`\nbench: ${fmt((performance.now() - t00) / 1000, 0)} s en total`);
if (JSON_OUT) log(JSON.stringify(result));
