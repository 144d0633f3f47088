#!/usr/bin/env node
// The bench's DuckDB reference: the hand-written SQL of tests/reference (40 record-level
// indicators) over TYPED reads of only the columns they use.
//
//   node bench/reference.mjs <extract> [--threads N] [--period 2024-03]
//        [--windows '{"mes":["70b",…],"12_meses":[…]}'] [--out DIR] [--result FILE.json]
//
// bench/sql/00_tipado.sql builds the typed tables (tests/reference/sql/00_comun.sql with
// `read_csv(…, auto_detect = false, columns = {…})` instead of reading every column as text);
// the indicator files of tests/reference/sql run over them unchanged; bench/sql/99_resultados.sql
// rolls the terms up with one GROUP BY per level (the reference's roll-up joins every node to
// every term: the same rows, but minutes at national scale).
// Each indicator is evaluated in its own window (`--windows`, from the catalog: most `mes`,
// the vital-statistics rates `12_meses`, a few `acumulado_anual`), at every level, and the
// rows are written as CSV (`COPY … TO`), as `masb compute --out` writes its results.
//
// As a script it times itself (reading and typing the files; evaluating and writing) and
// writes a JSON summary with its own peak RSS (VmHWM) for bench/run.mjs, which runs it in a
// process of its own. bench/reference.test.ts checks that it gives the same rows as the text
// reference (tests/reference/reference.ts) on a generated extract.
import { readdirSync, readFileSync, writeFileSync, openSync, readSync, closeSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REFERENCE_SQL = join(HERE, '..', 'tests', 'reference', 'sql');
const TYPED_SQL = join(HERE, 'sql', '00_tipado.sql');
const ROLLUP_SQL = join(HERE, 'sql', '99_resultados.sql');
/** The indicator files of tests/reference/sql, in the order they build on each other. */
export const FAMILIES = ['egresos.sql', 'urgencias.sql', 'recetas.sql', 'lista_espera.sql', 'cancer.sql', 'eventos_emergencia.sql', 'vigilancia_egresos.sql', 'nacimientos.sql', 'defunciones.sql'];

const DMY = '%d/%m/%Y';
/**
 * How each source is read: which files (the globs of tests/reference/sql/00_comun.sql), the
 * delimiter, encoding and date format, and the type of every column the SQL uses that is not
 * text (keys: header names upper-cased without accents). Every other column is VARCHAR.
 */
export const SOURCES = {
  clues: { files: /^ESTABLECIMIENTO_SALUD_.*\.csv$/, types: { 'CONSULTORIOS DE MED GRAL': 'BIGINT', 'CONSULTORIOS EN OTRAS AREAS': 'BIGINT', 'CAMAS EN AREA DE HOS': 'BIGINT', 'CAMAS EN OTRAS AREAS': 'BIGINT' } },
  regionalizacion: { files: /^regionalizacion.*\.csv$/, types: {} },
  egresos: { files: /^EGRESOS.*\.txt$/, delim: '|', types: { EGRESO: 'DATE', INGRE: 'DATE', DIAS_ESTA: 'BIGINT', PESO: 'DECIMAL(18,3)' } },
  urgencias: { files: /^URGENCIAS.*\.txt$/, delim: '|', encoding: 'latin-1', types: { FECHAALTA: 'DATE', FECHAINGRESO: 'DATE', HORAINIATE: 'BIGINT', MININIATE: 'BIGINT', HORASESTANCIA: 'BIGINT' } },
  recetas: {
    files: /^recetas.*\.csv$/, dateformat: DMY,
    types: { FECHA_EMISION: 'DATE', CLAVES_PRESCRITAS: 'BIGINT', CLAVES_SURTIDAS: 'BIGINT', PIEZAS_PRESCRITAS: 'BIGINT', PIEZAS_SURTIDAS: 'BIGINT', EDAD_PACIENTE: 'BIGINT', CLAVES_ANTIBIOTICO: 'BIGINT', CLAVES_ANTIPSICOTICO: 'BIGINT' },
  },
  lista_espera: { files: /^lista_espera.*\.csv$/, dateformat: DMY, types: { FECHA_SOLICITUD: 'DATE', FECHA_ATENCION: 'DATE' } },
  cancer: { files: /^cancer.*\.csv$/, dateformat: DMY, types: { EDAD: 'BIGINT', FECHA_DIAGNOSTICO: 'DATE', FECHA_INICIO_TRATAMIENTO: 'DATE' } },
  eventos_emergencia: {
    files: /^eventos_emergencia.*\.csv$/, dateformat: DMY,
    types: { FECHA_INICIO: 'DATE', FECHA_DETECCION: 'DATE', FECHA_NOTIFICACION: 'DATE', PERSONAS_AFECTADAS: 'BIGINT', POBLACION_OBJETIVO_VACUNACION: 'BIGINT', VACUNADOS: 'BIGINT' },
  },
  vigilancia: { files: /^vigilancia_hospitalaria.*\.csv$/, types: { ANIO: 'BIGINT', MES: 'BIGINT', CASOS: 'BIGINT' } },
  poblacion: { files: /^poblacion.*\.csv$/, types: { ANIO: 'BIGINT', POBLACION: 'BIGINT' } },
  nacimientos: { files: /^sinac.*\.csv$/, dateformat: DMY, types: { FECHANACIMIENTO: 'DATE', EDAD: 'BIGINT', TOTALCONSULTAS: 'BIGINT', PESO: 'BIGINT', EDADGESTACIONAL: 'BIGINT' } },
  defunciones: {
    files: /^DEFUN.*\.csv$/,
    types: { EDAD: 'BIGINT', DIA_OCURR: 'BIGINT', MES_OCURR: 'BIGINT', ANIO_OCUR: 'BIGINT', DIA_NACIM: 'BIGINT', MES_NACIM: 'BIGINT', ANIO_NACIM: 'BIGINT' },
  },
  conapo: { files: /^conapo.*\.csv$/i, encoding: 'latin-1', types: { ANO: 'BIGINT', CVE_GEO: 'BIGINT', EDAD: 'BIGINT', POBLACION: 'BIGINT' } },
};

/** A header name as the typed SQL calls it: upper case, no accents (AÑO → ANO), no BOM, single spaces. */
export const columnName = (h) => h.replace(/^\uFEFF/, '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().replace(/\s+/g, ' ').toUpperCase();

const sqlText = (s) => `'${String(s).replaceAll("'", "''")}'`;

/** The header of a file, split on the delimiter (quotes removed; fields hold no delimiter). */
function headerOf(path, delim, encoding) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 16);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  let text = buf.subarray(0, n).toString(encoding === 'latin-1' ? 'latin1' : 'utf8');
  text = text.replace(/^\uFEFF/, '').split(/\r?\n/)[0];
  return text.split(delim).map((h) => h.replace(/^"|"$/g, ''));
}

/** The `read_csv(…)` of one source over an extract directory: typed columns, VARCHAR for the rest. */
export function readCsvOf(name, dir) {
  const spec = SOURCES[name];
  const delim = spec.delim ?? ',';
  const files = readdirSync(dir).filter((f) => spec.files.test(f)).sort().map((f) => join(dir, f));
  if (!files.length) throw new Error(`bench/reference: no file of ${name} in ${dir} (${spec.files})`);
  const header = headerOf(files[0], delim, spec.encoding).map(columnName);
  for (const c of Object.keys(spec.types)) if (!header.includes(c)) throw new Error(`bench/reference: ${files[0]} has no column ${c}`);
  const columns = header.map((h) => `${sqlText(h)}: ${sqlText(spec.types[h] ?? 'VARCHAR')}`).join(', ');
  const options = [
    `header = true`, `auto_detect = false`, `delim = ${sqlText(delim)}`, `quote = '"'`, `escape = '"'`,
    `columns = {${columns}}`, `ignore_errors = true`,
  ];
  if (spec.encoding) options.push(`encoding = ${sqlText(spec.encoding)}`);
  if (spec.dateformat) options.push(`dateformat = ${sqlText(spec.dateformat)}`);
  return `read_csv([${files.map(sqlText).join(', ')}], ${options.join(', ')})`;
}

/** The typed 00 file with every `{{leer <fuente>}}` replaced by its read_csv over `dir`. */
export function typedSql(dir) {
  return readFileSync(TYPED_SQL, 'utf8').replace(/\{\{leer (\w+)\}\}/g, (_, name) => readCsvOf(name, dir));
}

/**
 * An indicator file of tests/reference/sql with its CIE-10 tests pointed at the codes the
 * typed tables normalised once at load: `cie(afeccion, …)` → `cie_n(afeccion_n, …)` (also for
 * `causa` and `cie10`, and inside `sensible_ambulatoria`). A call left as it was still gives
 * the same result (cie_entre normalises), only slower. bench/reference.test.ts checks the
 * results against the unadapted SQL.
 */
export function adaptFamily(sql) {
  return sql
    .replace(/\bcie(_entre)?\((afeccion|causa|cie10)\b/g, (_, e, col) => `cie${e ?? ''}_n(${col}_n`)
    .replace(/\bsensible_ambulatoria\(afeccion\)/g, 'sensible_ambulatoria(afeccion_n)')
    .replace(/MACRO sensible_ambulatoria\(c\) AS[\s\S]*?;/, (m) => m.replace(/\bcie(_entre)?\(c\b/g, (_, e) => `cie${e ?? ''}_n(c`));
}

/**
 * Opens a DuckDB database with `threads` threads and builds the reference over an extract:
 * the typed tables, the indicator views, `terminos` and `resultados`. Returns the connection,
 * the indicator ids and the time it took to read and type the files.
 */
export async function openReference(extract, { threads = 2 } = {}) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const dir = resolve(extract);
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const con = await instance.connect();
  await con.run(`SET threads = ${Number(threads)}`);
  const t0 = performance.now();
  await con.run(typedSql(dir));
  const load_s = (performance.now() - t0) / 1000;
  for (const f of FAMILIES) await con.run(adaptFamily(readFileSync(join(REFERENCE_SQL, f), 'utf8')));
  const ids = (await con.runAndReadAll('SELECT id FROM indicadores ORDER BY id')).getRows().map((r) => String(r[0]));
  await useTerms(con, ids);
  await con.run(readFileSync(ROLLUP_SQL, 'utf8'));
  const close = () => { con.closeSync(); instance.closeSync(); };
  return { con, ids, load_s, close };
}

/**
 * Makes `terminos` the union of the terms of `ids` only: `resultados` (a view, bound when it
 * runs) then computes those indicators and no others (a filter on `indicador` does not keep
 * DuckDB from computing every branch of the union).
 */
export async function useTerms(con, ids) {
  await con.run(`CREATE OR REPLACE VIEW terminos AS\n${ids
    .map((id) => `SELECT ${sqlText(id)} AS indicador, clues, entidad, numerador::HUGEINT AS numerador, denominador::HUGEINT AS denominador, filas::BIGINT AS filas FROM "ind_${id}"`)
    .join('\nUNION ALL\n')}`);
}

/** Sets the window the `resultados` view computes. */
export async function setWindow(con, period, ventana) {
  await con.run(`DELETE FROM parametros; INSERT INTO parametros VALUES (DATE ${sqlText(`${period}-01`)}, ${sqlText(ventana)})`);
}

/**
 * The rows of `ids` for one window, as masb's CSV has them (text; empty for NULL): for the
 * test that compares this reference with the text one.
 */
export async function resultRows(con, period, ventana, ids) {
  await useTerms(con, ids);
  await setWindow(con, period, ventana);
  const reader = await con.runAndReadAll(`SELECT * FROM resultados WHERE indicador IN (${ids.map(sqlText).join(', ')})`);
  return reader.getRowObjectsJson().map((r) => {
    const o = {};
    for (const [k, v] of Object.entries(r)) o[k] = v === null ? '' : String(v);
    return o;
  });
}

/**
 * The timed run: builds the reference and writes, for each window, the rows of its
 * indicators to `<out>/<window>.csv`. Returns the times and the rows written.
 */
export async function runTyped(extract, { threads = 2, period = '2024-03', windows, out }) {
  const t0 = performance.now();
  const ref = await openReference(extract, { threads });
  const t1 = performance.now();
  let rows = 0;
  try {
    const groups = windows ?? { mes: ref.ids };
    for (const [ventana, ids] of Object.entries(groups)) {
      if (!ids.length) continue;
      await useTerms(ref.con, ids);
      await setWindow(ref.con, period, ventana);
      const target = join(out, `${ventana}.csv`);
      const r = await ref.con.runAndReadAll(`COPY (SELECT * FROM resultados WHERE indicador IN (${ids.map(sqlText).join(', ')})) TO ${sqlText(target)} (HEADER, DELIMITER ',')`);
      rows += Number(r.getRows()[0]?.[0] ?? 0);
    }
  } finally {
    ref.close();
  }
  const t2 = performance.now();
  return { total_s: (t2 - t0) / 1000, load_s: ref.load_s, setup_s: (t1 - t0) / 1000, evaluate_s: (t2 - t1) / 1000, rows, indicators: ref.ids.length };
}

/** This process's peak RSS in MiB (VmHWM on Linux). */
export function peakRssMb() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {}
  return process.resourceUsage().maxRSS / 1024;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const extract = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!extract) {
    console.error('uso: node bench/reference.mjs <extracto> [--threads N] [--period AAAA-MM] [--windows JSON] [--out DIR] [--result FILE]');
    process.exit(2);
  }
  const out = resolve(option('--out', join(extract, '..', 'referencia')));
  mkdirSync(out, { recursive: true });
  const windows = option('--windows') ? JSON.parse(option('--windows')) : undefined;
  const cpu0 = process.cpuUsage();
  const r = await runTyped(extract, { threads: Number(option('--threads', '2')), period: option('--period', '2024-03'), windows, out });
  const cpu = process.cpuUsage(cpu0);
  const summary = { ...r, cpu_s: (cpu.user + cpu.system) / 1e6, peak_rss_mb: peakRssMb() };
  const result = option('--result');
  if (result) writeFileSync(result, JSON.stringify(summary));
  else console.log(JSON.stringify(summary));
}
