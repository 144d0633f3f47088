import { existsSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { Option } from "commander";
import { stringify } from "csv-stringify/sync";
import { NIVELES, VENTANAS } from "../../catalog/schema.js";
import { evaluate, evaluateEach, ingest, type ComputeOptions, type FileReport, type Ingested, type ResultRow } from "../../engine/compute.js";
import { openExtract } from "../../node/extract.js";
import { evaluateInThreads, evaluationThreads, threadRunner } from "../../node/parallel.js";
import { collectIfGrown, collectNow, enableCollection, EVALUATION_GROWTH_BYTES } from "../../node/gc.js";
import { FORMATTERS, formatRows, streamWriter } from "../../output/index.js";
import { checkPeriod } from "../../engine/periods.js";
import { avisosVariables } from "../../engine/variables.js";
import { AtomicFile, writeError } from "../../node/files.js";
import { catalogOrExit, checkOutputTargets, fileSummary, EXIT, fmtInt, parseLevels, printProblems, UsageError, warnPeriodAfterData, type CommandModule, type Io } from "../shared.js";
import { BrokenPipe, stdoutError, writeChunk } from "../streams.js";
import { unknownMetaUnits } from "../../scoring/metas.js";
import { metasOrNull } from "./report.js";

/** `--ic` alone is 95 %; `--ic 90` or `--ic 0.9` another level. */
function confidenceLevel(value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 0.95;
  const n = Number(String(value).replace(",", ".").replace("%", ""));
  const level = n > 1 ? n / 100 : n;
  if (!(level >= 0.5 && level < 1)) throw new UsageError(`--ic: nivel de confianza '${value}' inválido; use por ejemplo 90, 95 o 99`);
  return level;
}

/** Writes the results, one indicator at a time where the format allows it (csv, ndjson); returns how many rows. */
async function writeResults(
  ingested: Ingested, options: ComputeOptions, format: string, sample: ResultRow[], excel: boolean, sink: NodeJS.WritableStream, failed: (e: unknown) => Error,
): Promise<number> {
  const put = (text: string | Uint8Array) => writeChunk(sink, text, failed);
  const writer = streamWriter(format, sample, { excel });
  let count = 0;
  const threads = writer ? evaluationThreads(ingested, options.workers) : 1;
  if (writer && threads > 1) {
    await put(writer.head);
    count = await evaluateInThreads(ingested, options, threads, { format, sample, excel }, put);
    await put(writer.tail);
  } else if (writer) {
    await put(writer.head);
    for (const rows of evaluateEach(ingested, options)) {
      count += rows.length;
      await put(writer.bytes ? writer.bytes(rows) : writer.rows(rows));
      collectIfGrown(EVALUATION_GROWTH_BYTES);
    }
    await put(writer.tail);
  } else {
    const { rows } = evaluate(ingested, options);
    count = rows.length;
    await put(formatRows(rows, format, { excel }));
  }
  return count;
}

/** Warnings about the SIS variables of the extract: one line each, each kind's advice once at the end. */
function printVariableWarnings(io: Io, result: Ingested): void {
  const avisos = avisosVariables(result);
  for (const a of avisos) io.stderr.write(`aviso [${a.code}] ${a.message}\n`);
  const hints = new Map(avisos.filter((a) => a.hint).map((a) => [a.code, a.hint!]));
  for (const hint of hints.values()) io.stderr.write(`    ${hint}\n`);
}

/** `--out` extensions and the format each one means. */
const OUT_EXTENSIONS: Record<string, string> = { ".csv": "csv", ".json": "json", ".ndjson": "ndjson", ".txt": "table" };
/** Spreadsheet files masb does not write: CSV text under these names only makes Excel complain. */
const SPREADSHEETS = new Set([".xlsx", ".xls", ".xlsm", ".xlsb", ".ods"]);
const EXTENSIONS_TEXT = ".csv, .json, .ndjson o .txt (tabla alineada)";

/**
 * The output format from `--format` and the `--out` extension, checked before anything is
 * read: an extension masb does not write (`.xlsx`) or one that says another format than
 * `--format` is a usage error. An unknown extension is accepted only with an explicit `--format`.
 */
function outputFormat(out: string | undefined, format: string | undefined, tty: boolean): string {
  if (format !== undefined && !FORMATTERS[format]) throw new UsageError(`--format: formato desconocido '${format}'; use ${Object.keys(FORMATTERS).join(", ")}`);
  if (!out) return format ?? (tty ? "table" : "csv");
  const ext = extname(out).toLowerCase();
  const byExt = OUT_EXTENSIONS[ext];
  if (SPREADSHEETS.has(ext)) {
    throw new UsageError(`--out ${out}: masb no escribe archivos ${ext}; use ${EXTENSIONS_TEXT}. Para Excel: --out ${out.slice(0, out.length - ext.length)}.csv --excel`, "MASB_FORMATO_SALIDA");
  }
  if (byExt && format !== undefined && byExt !== format) {
    const want = Object.entries(OUT_EXTENSIONS).find(([, f]) => f === format)?.[0];
    throw new UsageError(`--out ${out} es ${ext} (${byExt}) y --format pide ${format}; use la extensión ${want} o quite --format`, "MASB_FORMATO_SALIDA");
  }
  if (byExt) return byExt;
  if (format !== undefined) return format;
  throw new UsageError(`--out ${out}: extensión ${ext ? `'${ext}' ` : ""}desconocida; use ${EXTENSIONS_TEXT}, o indique --format`, "MASB_FORMATO_SALIDA");
}

const REJECTIONS_HEAD = "fuente,archivo,linea,columna,valor,codigo,motivo,renglon_original\n";

async function runCompute(io: Io, extractDir: string, o: Record<string, string | boolean | undefined>): Promise<number> {
  // Everything that can be refused from the arguments alone is, before anything is read.
  checkPeriod(o.period as string | undefined);
  const out = o.out as string | undefined;
  const format = outputFormat(out, o.format as string | undefined, Boolean(io.stdout.isTTY));
  const by = parseLevels(o.by as string | undefined);
  const workers = o.workers === undefined ? undefined : Number(o.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError(`--workers: se esperaba un entero de 1 en adelante, no '${String(o.workers)}'`);
  const intervalos = confidenceLevel(o.ic);
  const rejPath = (o.rechazos as string | undefined) ?? (out ? join(dirname(out), `${basename(out, extname(out))}.rechazos.csv`) : "masb-rechazos.csv");
  await checkOutputTargets([["--out", out], [o.rechazos ? "--rechazos" : "rechazos", rejPath]]);

  const catalog = await catalogOrExit(io, o.catalog as string | undefined);
  const metas = await metasOrNull(io, o.metas as string | undefined, catalog);
  if (!metas) return EXIT.datos;
  const only = (o.only as string | undefined)?.split(",").map((s) => s.trim()).filter(Boolean);

  // Results and rejections go to temporary files beside their targets, renamed at the end.
  const results = out ? new AtomicFile(out) : null;
  const rejections = new AtomicFile(rejPath);
  try {
    // The extract is listed before the temporary files exist: they may sit in its folder.
    const { extract, unmatched } = await openExtract(extractDir, catalog);
    const sink = results ? await results.open() : io.stdout;
    const rejStream = await rejections.open();
    rejStream.write(`${o.excel ? "\uFEFF" : ""}${REJECTIONS_HEAD}`);
    for (const f of unmatched) io.stderr.write(`aviso: ${f}: ningún esquema de fuente reconoce este archivo; no se lee\n`);

    let rejCount = 0;
    const tty = Boolean(io.stderr.isTTY);
    const options: ComputeOptions = {
      period: o.period as string | undefined,
      metas: metas.metas,
      tendencia: Boolean(o.tendencia),
      intervalos,
      suprimir: Boolean(o.suprimir),
      ventana: o.ventana as (typeof VENTANAS)[number] | undefined,
      by,
      only,
      strict: Boolean(o.strict),
      workers,
      runner: threadRunner(),
      onReject(r) {
        rejCount++;
        rejStream.write(stringify([[r.source, r.file, r.line, r.column ?? "", r.value ?? "", r.code, r.reason, r.raw.join("|")]]));
      },
      onProgress(e) {
        collectIfGrown();
        if (e.kind === "renglones" && tty) io.stderr.write(`\r  ${e.source}: ${fmtInt(e.read)} renglones…`);
        if (e.kind === "fin_archivo") io.stderr.write(`${tty ? "\r\x1b[K" : ""}${fileSummary(e.report)}\n`);
      },
    };
    // A national run holds hundreds of MB: collect garbage as it goes, in every thread (node/gc.ts).
    enableCollection();
    const result = await ingest(catalog, extract, options);
    collectNow();
    // The period (and the optional columns) from the national rows alone, before writing anything.
    const { period, rows: sample } = evaluate(result, { ...options, by: [] });
    for (const p of result.problems) {
      io.stderr.write(`${p.file}:${p.line}: ${p.fatal ? "error" : "aviso"} [${p.code}] ${p.message}\n`);
      if (p.hint) io.stderr.write(`    ${p.hint}\n`);
    }
    if (metas.metas) printProblems(io, unknownMetaUnits(metas.metas, result.hierarchy));
    if (result.missingSources.length) io.stderr.write(`aviso: el extracto no trae las fuentes ${result.missingSources.join(", ")}: sus indicadores salen con estado sin_datos\n`);
    printVariableWarnings(io, result);
    warnPeriodAfterData(io, o.period as string | undefined, result.latestMonth);
    const exit = result.problems.some((p) => p.fatal) ? EXIT.datos : EXIT.ok;

    let count: number;
    try {
      count = await writeResults(result, options, format, sample, Boolean(o.excel), sink, results ? (e) => results.error ?? writeError(results.path, e) : stdoutError);
    } catch (e) {
      if (!(e instanceof BrokenPipe)) throw e;
      // The reader of standard output went away: the rejections are complete, the summary has nobody to read it.
      await keepRejections(rejections, rejCount, rejPath);
      return exit;
    }
    // Rejections first: the results file appears last, when both are complete.
    await keepRejections(rejections, rejCount, rejPath);
    if (results) await results.commit();
    const read = result.files.reduce((s, f) => s + f.read, 0);
    io.stderr.write(`periodo ${period}: ${result.indicators.length} indicadores, ${fmtInt(count)} resultados; ${fmtInt(read)} renglones leídos, ${fmtInt(rejCount)} rechazados${rejCount ? ` (detalle en ${rejPath})` : ""}${out ? `; resultados en ${out}` : ""}\n`);
    return exit;
  } finally {
    // Whatever was not committed (a failure, --strict, a broken pipe) leaves no file under its name.
    await results?.discard();
    await rejections.discard();
  }
}

/**
 * Commits the rejections file when there were rejections. Without any, a file left at that
 * path by an earlier run is replaced by the header alone, so that it never reads as this
 * run's; none is created where there was none.
 */
async function keepRejections(file: AtomicFile, count: number, path: string): Promise<void> {
  if (count > 0 || existsSync(path)) await file.commit();
  else await file.discard();
}

export const computeCommand: CommandModule = (program, io, setCode) => {
  program
    .command("compute")
    .description("calcula los indicadores sobre un extracto")
    .argument("<extracto>", "directorio con los archivos CSV del extracto")
    .option("--period <AAAA-MM>", "periodo (por omisión el último mes con datos)")
    .addOption(new Option("--ventana <ventana>", "ventana de todos los indicadores").choices([...VENTANAS]))
    .option("--by <niveles>", `niveles a reportar, separados por coma (${NIVELES.join(",")})`)
    .option("--only <ids|etiquetas>", "indicadores, alias, componentes (C9), fases (fase:1) o dimensiones")
    .addOption(new Option("--format <formato>", "formato de salida").choices(Object.keys(FORMATTERS)))
    .option("--out <archivo>", "archivo de resultados (por omisión la salida estándar)")
    .option("--excel", "CSV con BOM y fin de línea CRLF para abrir en Excel")
    .option("--strict", "detenerse en el primer renglón rechazado (código de salida 1)")
    .option("--workers <n>", "hilos que leen los archivos (por omisión, los núcleos; 1 = sin hilos)")
    .option("--rechazos <archivo>", "dónde escribir los renglones rechazados")
    .option("--catalog <dir>", "directorio del catálogo (por omisión el incluido)")
    .option("--metas <archivo>", "metas por entidad, región o zona (CSV: indicador,nivel,clave,meta[,umbral_amarillo,umbral_verde])")
    .option("--tendencia", "añade periodo_anterior, valor_anterior y cambio (la ventana que termina un mes antes)")
    .option("--ic [nivel]", "añade ic_inferior e ic_superior, intervalos de confianza (95 por omisión, o 90, 99)")
    .option("--suprimir", "deja vacío el valor de las filas inestables (pocos eventos), como las oficinas de estadística")
    .action(async (dir, o) => setCode(await runCompute(io, dir, o)));
};
