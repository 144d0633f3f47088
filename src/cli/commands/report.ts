import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { stringify } from "csv-stringify/sync";
import { buildTablero, evaluationAvisos, ingest, openExtract, readMetas, renderTablero, type Catalog, type Metas } from "../../index.js";
import { AtomicFile, checkPeriod, COMPOSITE_COLUMNS, NIVELES_TABLERO, rejectionCounter, runSummary, summaryText } from "../../internal.js";
import {
  catalogOrExit, checkInputFolder, checkMetasFile, checkOutputTargets, fileProblem, fileSummary, EXIT, fmtInt, printProblems, type CommandModule, type Io,
} from "../shared.js";

/** Reads `--metas` and prints its problems; null when it has errors (the caller exits 1). */
export async function metasOrNull(io: Io, path: string | undefined, catalog: Catalog): Promise<{ metas?: Metas; lines: number } | null> {
  if (!path) return { lines: 0 };
  const { metas, problems } = await readMetas(path, catalog);
  printProblems(io, problems);
  if (problems.some((p) => p.severity === "error")) {
    printProblems(io, [{ code: "MASB_METAS_INVALIDAS", severity: "error", file: path, message: "el archivo de metas tiene errores; ninguna meta se aplicó", hint: "corríjalo y vuelva a correr" }]);
    return null;
  }
  let lines = 0;
  for (const m of metas.byIndicator.values()) lines += m.size;
  return { metas, lines };
}

async function runReport(io: Io, extractDir: string, o: Record<string, string | boolean | undefined>): Promise<number> {
  // Refused before anything is read: a bad period, an output folder that does not exist.
  checkPeriod(o.period as string | undefined);
  const html = o.html as string;
  const rejPath = o.rechazos as string | undefined;
  const resumen = o.resumen as string | undefined;
  await checkOutputTargets([["--html", html], ["--indices", o.indices as string | undefined], ["--rechazos", rejPath], ["--resumen", resumen]]);
  await checkInputFolder(extractDir, "extracto");
  await checkMetasFile(o.metas as string | undefined);
  const catalog = await catalogOrExit(io, o.catalog as string | undefined);
  const m = await metasOrNull(io, o.metas as string | undefined, catalog);
  if (!m) return EXIT.datos;
  const only = (o.only as string | undefined)?.split(",").map((s) => s.trim()).filter(Boolean);

  // Every file goes to a temporary name beside its target and is renamed when complete.
  const tableroFile = new AtomicFile(html);
  const indicesFile = o.indices ? new AtomicFile(o.indices as string) : null;
  const rejections = rejPath ? new AtomicFile(rejPath) : null;
  const summary = resumen ? new AtomicFile(resumen) : null;
  try {
    // The extract is listed before the temporary files exist: they may sit in its folder.
    const { extract, avisos: listing } = await openExtract(extractDir, catalog);
    await tableroFile.open();
    await indicesFile?.open();
    const rejStream = rejections ? await rejections.open() : null;
    rejStream?.write("fuente,archivo,linea,columna,valor,codigo,motivo,renglon_original\n");
    printProblems(io, listing);

    const counter = rejectionCounter();
    let rejCount = 0;
    const ingested = await ingest(catalog, extract, {
      only,
      strict: Boolean(o.strict),
      // A file that cannot be read is reported and the others shown; the run exits 1.
      skipUnreadableFiles: true,
      onReject(r) {
        counter.add(r);
        rejCount++;
        rejStream?.write(stringify([[r.source, r.file, r.line, r.column ?? "", r.value ?? "", r.code, r.reason, r.raw.join("|")]]));
      },
      onProgress(e) {
        if (e.kind === "fin_archivo") io.stderr.write(`${fileSummary(e.report)}\n`);
      },
    });
    printProblems(io, ingested.problems.map(fileProblem));
    // The same warnings the tablero lists in its data-quality section (buildTablero adds them likewise).
    const later = [...ingested.avisos, ...evaluationAvisos(ingested, { period: o.period as string | undefined, by: NIVELES_TABLERO, metas: m.metas })];
    printProblems(io, later);
    const exit = ingested.problems.some((p) => p.fatal) ? EXIT.datos : EXIT.ok;

    const tablero = buildTablero(ingested, {
      period: o.period as string | undefined,
      metas: m.metas,
      extracto: basename(resolve(extractDir)),
      rechazos: counter.list(),
      // The rejections file is kept when a row was rejected (or one of that name is there to replace): see below.
      ...(rejPath && (rejCount > 0 || existsSync(rejPath)) ? { archivoRechazos: rejPath } : {}),
      avisos: listing,
      metasInfo: m.metas ? { archivo: basename(o.metas as string), renglones: m.lines } : undefined,
    });
    const indicesText = indicesFile
      ? stringify(tablero.indices.map((r) => COMPOSITE_COLUMNS.map((c) => r[c] ?? "")), { header: true, columns: COMPOSITE_COLUMNS as string[] })
      : "";
    // The rejections, indices and summary first: the tablero appears last, when all are complete.
    let rejKept = false;
    if (rejections && rejPath) {
      if (rejCount > 0 || existsSync(rejPath)) {
        await rejections.commit();
        rejKept = true;
      } else await rejections.discard();
    }
    if (indicesFile) await indicesFile.write(indicesText);
    if (summary) {
      await summary.write(summaryText(runSummary(ingested, {
        comando: "report", extracto: extractDir, periodo: tablero.periodo, resultados: tablero.resultados.length, rechazos: counter.list(),
        avisos: [...listing, ...later],
        salidas: { tablero: html, ...(o.indices ? { indices: o.indices as string } : {}), ...(rejKept ? { rechazos: rejPath! } : {}), resumen: resumen! },
        codigoSalida: exit,
      })));
    }
    await tableroFile.write(renderTablero(tablero));
    const rejected = tablero.calidad.rechazos.reduce((s, r) => s + r.renglones, 0);
    io.stderr.write(`periodo ${tablero.periodo}: ${tablero.indicadores.length} indicadores, ${fmtInt(tablero.resultados.length)} resultados, ${fmtInt(tablero.indices.length)} índices; ${fmtInt(rejected)} renglones rechazados; tablero en ${html}${o.indices ? `, índices en ${o.indices as string}` : ""}\n`);
    return exit;
  } finally {
    // Whatever was not committed (a failure, --strict) leaves no file under its name.
    await tableroFile.discard();
    await indicesFile?.discard();
    await rejections?.discard();
    await summary?.discard();
  }
}

export const reportCommand: CommandModule = (program, io, setCode) => {
  program
    .command("report")
    .description("genera el tablero de control en un archivo HTML autocontenido")
    .argument("<extracto>", "carpeta con los archivos CSV del extracto")
    .requiredOption("--html <archivo>", "archivo HTML del tablero")
    .option("--period <AAAA-MM>", "periodo (por omisión el último mes con datos)")
    .option("--metas <archivo>", "metas por entidad, región o zona (CSV: indicador,nivel,clave,meta[,umbral_amarillo,umbral_verde])")
    .option("--only <ids|etiquetas>", "indicadores, alias, componentes (C9), fases (fase:1) o dimensiones")
    .option("--indices <archivo>", "además, los índices compuestos y la clasificación en CSV")
    .option("--strict", "detenerse en el primer renglón rechazado (código de salida 1)")
    .option("--rechazos <archivo>", "dónde escribir los renglones rechazados (por omisión solo se cuentan)")
    .option("--resumen <archivo>", "además, el resumen de la corrida en JSON (archivos, rechazos por código, avisos)")
    .option("--catalog <dir>", "carpeta del catálogo (por omisión el incluido)")
    .action(async (dir, o) => setCode(await runReport(io, dir, o)));
};
