import { existsSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { Option } from "commander";
import { stringify } from "csv-stringify/sync";
import { evaluate, evaluateEach, evaluationAvisos, formatRows, ingest, openExtract, type Aviso, type ComputeOptions, type Ingested, type ResultRow } from "../../index.js";
import {
  AtomicFile, checkPeriod, collectIfGrown, collectNow, enableCollection, evaluateInThreads, evaluationThreads, EVALUATION_GROWTH_BYTES, FORMATTERS,
  duckdbPass, NIVELES, partialsFileProblem, prestartReaders, readPartials, rejectionCounter, releaseReaders, runSummary, selectIndicators, streamWriter, summaryText, VENTANAS, writeError, writePartials, type Ventana,
} from "../../internal.js";
import {
  catalogOrExit, checkInputFolder, checkMetasFile, checkOutputTargets, fileProblem, fileSummary, EXIT, fmtInt, parseLevels, printProblems, UsageError, type CommandModule, type Io,
} from "../shared.js";
import { BrokenPipe, stdoutError, writeChunk } from "../streams.js";
import { metasOrNull } from "./report.js";

/** `--ic` alone is 95 %; `--ic 90` or `--ic 0.9` another level. */
function confidenceLevel(value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 0.95;
  const n = Number(String(value).replace(",", ".").replace("%", ""));
  const level = n > 1 ? n / 100 : n;
  if (!(level >= 0.5 && level < 1)) throw new UsageError("MASB_USO_VALOR_INVALIDO", `--ic: nivel de confianza '${value}' inválido; use por ejemplo 90, 95 o 99`);
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
  if (!out) return format ?? (tty ? "table" : "csv");
  const ext = extname(out).toLowerCase();
  const byExt = OUT_EXTENSIONS[ext];
  if (SPREADSHEETS.has(ext)) {
    throw new UsageError("MASB_FORMATO_SALIDA", `--out ${out}: masb no escribe archivos ${ext}; use ${EXTENSIONS_TEXT}. Para Excel: --out ${out.slice(0, out.length - ext.length)}.csv --excel`);
  }
  if (byExt && format !== undefined && byExt !== format) {
    const want = Object.entries(OUT_EXTENSIONS).find(([, f]) => f === format)?.[0];
    throw new UsageError("MASB_FORMATO_SALIDA", `--out ${out} es ${ext} (${byExt}) y --format pide ${format}; use la extensión ${want} o quite --format`);
  }
  if (byExt) return byExt;
  if (format !== undefined) return format;
  throw new UsageError("MASB_FORMATO_SALIDA", `--out ${out}: extensión ${ext ? `'${ext}' ` : ""}desconocida; use ${EXTENSIONS_TEXT}, o indique --format`);
}

/** Options that do not apply to the format or the other options: refused before anything is read, never ignored. */
function refuseInapplicable(format: string, o: Record<string, string | boolean | undefined>): void {
  if (o.excel && format !== "csv") {
    throw new UsageError(
      "MASB_OPCION_NO_APLICA", `--excel solo aplica al formato csv (BOM y fin de línea CRLF para Excel), y el formato es ${format}`,
      "quite --excel, o escriba CSV: --format csv, o --out con extensión .csv",
    );
  }
}

const REJECTIONS_HEAD = "fuente,archivo,linea,columna,valor,codigo,motivo,renglon_original\n";

async function runCompute(io: Io, extractDir: string | undefined, o: Record<string, string | boolean | undefined>): Promise<number> {
  // Everything that can be refused from the arguments alone is, before anything is read.
  checkPeriod(o.period as string | undefined);
  const partialsIn = o.parciales as string | undefined;
  const partialsOut = o.escribirParciales as string | undefined;
  refuseSourceConflicts(extractDir, partialsIn, o);
  const out = o.out as string | undefined;
  const format = outputFormat(out, o.format as string | undefined, Boolean(io.stdout.isTTY));
  refuseInapplicable(format, o);
  const by = parseLevels(o.by as string | undefined);
  const workers = o.workers === undefined ? undefined : Number(o.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
    throw new UsageError("MASB_USO_VALOR_INVALIDO", `--workers: se esperaba un entero de 1 en adelante, no '${String(o.workers)}'`);
  }
  const intervalos = confidenceLevel(o.ic);
  // Rows are read (and so rejected) only from an extract; partial sums were read elsewhere.
  const rejPath = partialsIn ? null : (o.rechazos as string | undefined) ?? (out ? join(dirname(out), `${basename(out, extname(out))}.rechazos.csv`) : "masb-rechazos.csv");
  const resumen = o.resumen as string | undefined;
  await checkOutputTargets([["--out", out], [o.rechazos ? "--rechazos" : "rechazos", rejPath ?? undefined], ["--resumen", resumen], ["--escribir-parciales", partialsOut]]);
  if (partialsIn) {
    const problem = await partialsFileProblem(partialsIn);
    if (problem) throw new UsageError(problem.code, problem.message, problem.hint);
  }
  await checkInputFolder(extractDir, "extracto");
  await checkMetasFile(o.metas as string | undefined);
  if (o.strict && workers !== undefined && workers > 1) {
    printProblems(io, [{
      code: "MASB_OPCION_IGNORADA", severity: "aviso", message: `--workers ${workers} no aplica con --strict: el extracto se lee en un solo hilo, para detenerse en el primer renglón rechazado`,
    }]);
  }

  const catalog = await catalogOrExit(io, o.catalog as string | undefined);
  const metas = await metasOrNull(io, o.metas as string | undefined, catalog);
  if (!metas) return EXIT.datos;
  const only = (o.only as string | undefined)?.split(",").map((s) => s.trim()).filter(Boolean);
  // The read workers load their code while this thread lists the extract and builds the
  // hierarchy (0.3 to 0.7 s each on the bench machine), rather than after; released below.
  // Only the streaming pass has read workers: not --parciales, not --motor duckdb.
  if (!o.strict && !partialsIn && o.motor !== "duckdb" && extractDir !== undefined) prestartReaders(extractDir, workers, catalog);

  // Results and rejections go to temporary files beside their targets, renamed at the end.
  const results = out ? new AtomicFile(out) : null;
  const rejections = rejPath ? new AtomicFile(rejPath) : null;
  const summary = resumen ? new AtomicFile(resumen) : null;
  let partials: AtomicFile | null = null;
  try {
    let rejCount = 0;
    const counter = rejectionCounter();
    const options: ComputeOptions = {
      period: o.period as string | undefined,
      metas: metas.metas,
      tendencia: Boolean(o.tendencia),
      intervalos,
      suprimir: Boolean(o.suprimir),
      ventana: o.ventana as Ventana | undefined,
      by,
      only,
      strict: Boolean(o.strict),
      // A file that cannot be read is reported and the others computed; the run exits 1.
      skipUnreadableFiles: true,
      workers,
    };
    let result: Ingested;
    let listing: Aviso[] = [];
    let sink: NodeJS.WritableStream;
    if (partialsIn) {
      // The pass was made elsewhere (a database, an earlier run): its hierarchy, files and sums are in the file.
      result = await readPartials(catalog, partialsIn, only && selectIndicators(catalog, only));
      sink = results ? await results.open() : io.stdout;
      for (const f of result.files) io.stderr.write(`${fileSummary(f)}\n`);
    } else if (o.motor === "duckdb") {
      // The pass in embedded DuckDB (src/sql): rows it turns down before typing are listed; the others are counted per file.
      const rejStream = await rejections!.open();
      rejStream.write(`${o.excel ? "\uFEFF" : ""}${REJECTIONS_HEAD}`);
      sink = results ? await results.open() : io.stdout;
      const tty = Boolean(io.stderr.isTTY);
      const pass = await duckdbPass(catalog, extractDir!, {
        only, threads: workers, strict: Boolean(o.strict),
        onReject(r) {
          rejCount++;
          counter.add(r);
          rejStream.write(stringify([[r.source, r.file, r.line, r.column ?? "", r.value ?? "", r.code, r.reason, r.raw.join("|")]]));
        },
        onFile(source, file) {
          if (tty) io.stderr.write(`\r\x1b[K  ${source}: ${file}…`);
        },
      });
      if (tty) io.stderr.write("\r\x1b[K");
      result = pass.ingested;
      listing = pass.avisos;
      printProblems(io, listing);
      for (const f of result.files) io.stderr.write(`${fileSummary(f)}\n`);
      if (partialsOut) partials = await writePartials(result, partialsOut);
    } else {
      // The extract is listed before the temporary files exist: they may sit in its folder.
      const opened = await openExtract(extractDir!, catalog);
      listing = opened.avisos;
      sink = results ? await results.open() : io.stdout;
      const rejStream = await rejections!.open();
      rejStream.write(`${o.excel ? "\uFEFF" : ""}${REJECTIONS_HEAD}`);
      printProblems(io, listing);
      const tty = Boolean(io.stderr.isTTY);
      options.onReject = (r) => {
        rejCount++;
        counter.add(r);
        rejStream.write(stringify([[r.source, r.file, r.line, r.column ?? "", r.value ?? "", r.code, r.reason, r.raw.join("|")]]));
      };
      options.onProgress = (e) => {
        collectIfGrown();
        if (e.kind === "renglones" && tty) io.stderr.write(`\r  ${e.source}: ${fmtInt(e.read)} renglones…`);
        if (e.kind === "fin_archivo") io.stderr.write(`${tty ? "\r\x1b[K" : ""}${fileSummary(e.report)}\n`);
      };
      // A national run holds hundreds of MB: collect garbage as it goes, in every thread (node/gc.ts).
      enableCollection();
      result = await ingest(catalog, opened.extract, options);
      collectNow();
      if (partialsOut) partials = await writePartials(result, partialsOut);
    }
    // The period from the national rows alone, before writing anything.
    const { period, rows: sample } = evaluate(result, { ...options, by: [] });
    printProblems(io, result.problems.map(fileProblem));
    // The warnings of the pass and of the evaluation at the period, in the order compute() lists them.
    const avisos = [...listing, ...result.avisos, ...evaluationAvisos(result, options)];
    printProblems(io, avisos.slice(listing.length));
    const exit = result.problems.some((p) => p.fatal) ? EXIT.datos : EXIT.ok;

    let count: number;
    try {
      count = await writeResults(result, options, format, sample, Boolean(o.excel), sink, results ? (e) => results.error ?? writeError(results.path, e) : stdoutError);
    } catch (e) {
      if (!(e instanceof BrokenPipe)) throw e;
      // The reader of standard output went away: the rejections are complete, the summary has nobody to read it.
      if (rejections) await keepRejections(rejections, rejCount, rejPath!);
      await partials?.commit();
      return exit;
    }
    // Rejections, partial sums and the summary first: the results file appears last, when all are complete.
    const rejKept = rejections ? await keepRejections(rejections, rejCount, rejPath!) : false;
    await partials?.commit();
    if (summary) {
      await summary.write(summaryText(runSummary(result, {
        comando: "compute", extracto: extractDir ?? partialsIn!, periodo: period, ventana: options.ventana, resultados: count, rechazos: counter.list(), avisos,
        salidas: {
          ...(out ? { resultados: out } : {}), ...(rejKept ? { rechazos: rejPath! } : {}), ...(partialsOut ? { parciales: partialsOut } : {}), resumen: resumen!,
        },
        codigoSalida: exit,
      })));
    }
    if (results) await results.commit();
    const read = result.files.reduce((s, f) => s + f.read, 0);
    const rejected = partialsIn || o.motor === "duckdb" ? result.files.reduce((s, f) => s + f.rejected, 0) : rejCount;
    io.stderr.write(`periodo ${period}: ${result.indicators.length} indicadores, ${fmtInt(count)} resultados; ${fmtInt(read)} renglones leídos, ${fmtInt(rejected)} rechazados`
      + `${rejCount ? ` (detalle en ${rejPath})` : ""}${partialsIn ? ` (según ${partialsIn})` : ""}${partialsOut ? `; sumas parciales en ${partialsOut}` : ""}${out ? `; resultados en ${out}` : ""}\n`);
    return exit;
  } finally {
    releaseReaders();
    // Whatever was not committed (a failure, --strict, a broken pipe) leaves no file under its name.
    await results?.discard();
    await rejections?.discard();
    await summary?.discard();
    await partials?.discard();
  }
}

/**
 * An extract or partial sums, never both nor neither; and what reads rows (`--strict`,
 * `--rechazos`, `--escribir-parciales`) only with an extract.
 */
function refuseSourceConflicts(extractDir: string | undefined, partialsIn: string | undefined, o: Record<string, string | boolean | undefined>): void {
  if (extractDir === undefined && partialsIn === undefined) {
    throw new UsageError("MASB_USO_FALTA_ARGUMENTO", "falta el argumento <extracto> de masb compute", "indique la carpeta del extracto, o --parciales <archivo> con las sumas parciales calculadas en su base de datos");
  }
  if (extractDir !== undefined && partialsIn !== undefined) {
    throw new UsageError("MASB_OPCION_NO_APLICA", `--parciales toma las sumas parciales en lugar de un extracto, y se indicó también el extracto '${extractDir}'`, "quite el extracto, o quite --parciales");
  }
  if (partialsIn === undefined) return;
  const rowsOnly: [string, string][] = [["--strict", "strict"], ["--rechazos", "rechazos"], ["--escribir-parciales", "escribirParciales"], ["--motor", "motor"]];
  for (const [flag, key] of rowsOnly) {
    if (o[key] !== undefined && o[key] !== false) {
      throw new UsageError("MASB_OPCION_NO_APLICA", `${flag} no aplica con --parciales: los renglones se leyeron donde se calcularon las sumas parciales`, `quite ${flag}`);
    }
  }
}

/**
 * Commits the rejections file when there were rejections. Without any, a file left at that
 * path by an earlier run is replaced by the header alone, so that it never reads as this
 * run's; none is created where there was none.
 */
async function keepRejections(file: AtomicFile, count: number, path: string): Promise<boolean> {
  if (count > 0 || existsSync(path)) {
    await file.commit();
    return true;
  }
  await file.discard();
  return false;
}

export const computeCommand: CommandModule = (program, io, setCode) => {
  program
    .command("compute")
    .description("calcula los indicadores sobre un extracto")
    .argument("[extracto]", "carpeta con los archivos CSV del extracto (o --parciales)")
    .option("--period <AAAA-MM>", "periodo (por omisión el último mes con datos)")
    .addOption(new Option("--ventana <ventana>", "ventana de todos los indicadores").choices([...VENTANAS]))
    .option("--by <niveles>", `niveles a reportar, separados por coma (${NIVELES.join(",")})`)
    .option("--only <ids|etiquetas>", "indicadores, alias, componentes (C9), fases (fase:1) o dimensiones")
    .addOption(new Option("--format <formato>", "formato de salida; por omisión el de la extensión de --out, o table en la terminal y csv en una tubería").choices(Object.keys(FORMATTERS)))
    .option("--out <archivo>", "archivo de resultados (por omisión la salida estándar)")
    .option("--excel", "CSV con BOM y fin de línea CRLF para abrir en Excel (solo con el formato csv)")
    .option("--strict", "detenerse en el primer renglón rechazado (código de salida 1)")
    .option("--workers <n>", "hilos que leen los archivos (por omisión, los núcleos; 1 = sin hilos)")
    .option("--rechazos <archivo>", "dónde escribir los renglones rechazados")
    .option("--resumen <archivo>", "además, el resumen de la corrida en JSON (archivos, rechazos por código, avisos)")
    .option("--catalog <dir>", "carpeta del catálogo (por omisión el incluido)")
    .addOption(new Option("--motor <motor>", "dónde se hace la pasada por el extracto: flujo (masb, por omisión) o duckdb (SQL en DuckDB embebido; requiere npm install @duckdb/node-api)").choices(["flujo", "duckdb"]))
    .option("--escribir-parciales <archivo>", "además, las sumas parciales de la pasada en CSV (el formato de masb sql)")
    .option("--parciales <archivo>", "calcula desde sumas parciales (CSV de masb sql o de --escribir-parciales) en lugar de un extracto")
    .option("--metas <archivo>", "metas por entidad, región o zona (CSV: indicador,nivel,clave,meta[,umbral_amarillo,umbral_verde])")
    .option("--tendencia", "añade periodo_anterior, valor_anterior y cambio (la ventana que termina un mes antes)")
    .option("--ic [nivel]", "añade ic_inferior e ic_superior, intervalos de confianza (95 por omisión, o 90, 99)")
    .option("--suprimir", "deja vacío el valor de las filas inestables (pocos eventos), como las oficinas de estadística")
    .action(async (dir, o) => setCode(await runCompute(io, dir, o)));
};
