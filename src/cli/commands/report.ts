import { createWriteStream, type WriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { stringify } from "csv-stringify/sync";
import { ingest, type FileReport } from "../../engine/compute.js";
import { openExtract } from "../../node/extract.js";
import { readMetas } from "../../node/metas.js";
import { buildTablero, rejectionCounter } from "../../report/build.js";
import { renderTablero } from "../../report/tablero.js";
import { COMPOSITE_COLUMNS } from "../../scoring/composite.js";
import { unknownMetaUnits, type Metas } from "../../scoring/metas.js";
import { catalogOrExit, fileSummary, EXIT, fmtInt, printProblems, type CommandModule, type Io } from "../shared.js";
import type { Catalog } from "../../catalog/load.js";

/** Reads `--metas` and prints its problems; null when it has errors (the caller exits 1). */
export async function metasOrNull(io: Io, path: string | undefined, catalog: Catalog): Promise<{ metas?: Metas; lines: number } | null> {
  if (!path) return { lines: 0 };
  const { metas, problems } = await readMetas(path, catalog);
  printProblems(io, problems);
  if (problems.some((p) => p.severity === "error")) {
    io.stderr.write(`${path}: el archivo de metas tiene errores; corríjalo (ninguna meta se aplicó)\n`);
    return null;
  }
  let lines = 0;
  for (const m of metas.byIndicator.values()) lines += m.size;
  return { metas, lines };
}

async function runReport(io: Io, extractDir: string, o: Record<string, string | boolean | undefined>): Promise<number> {
  const catalog = await catalogOrExit(io, o.catalog as string | undefined);
  const m = await metasOrNull(io, o.metas as string | undefined, catalog);
  if (!m) return EXIT.datos;
  const only = (o.only as string | undefined)?.split(",").map((s) => s.trim()).filter(Boolean);
  const { extract, unmatched } = await openExtract(extractDir, catalog);
  for (const f of unmatched) io.stderr.write(`aviso: ${f}: ningún esquema de fuente reconoce este archivo; no se lee\n`);

  const counter = rejectionCounter();
  const rejPath = o.rechazos as string | undefined;
  let rejStream: WriteStream | null = null;
  const ingested = await ingest(catalog, extract, {
    only,
    strict: Boolean(o.strict),
    onReject(r) {
      counter.add(r);
      if (!rejPath) return;
      if (!rejStream) {
        rejStream = createWriteStream(rejPath);
        rejStream.write("fuente,archivo,linea,columna,valor,codigo,motivo,renglon_original\n");
      }
      rejStream.write(stringify([[r.source, r.file, r.line, r.column ?? "", r.value ?? "", r.code, r.reason, r.raw.join("|")]]));
    },
    onProgress(e) {
      if (e.kind === "fin_archivo") io.stderr.write(`${fileSummary(e.report)}\n`);
    },
  });
  if (rejStream) await new Promise<void>((res) => (rejStream as WriteStream).end(res));
  for (const p of ingested.problems) io.stderr.write(`${p.file}:${p.line}: ${p.fatal ? "error" : "aviso"} [${p.code}] ${p.message}\n`);
  if (m.metas) printProblems(io, unknownMetaUnits(m.metas, ingested.hierarchy));

  const tablero = buildTablero(ingested, {
    period: o.period as string | undefined,
    metas: m.metas,
    extracto: basename(resolve(extractDir)),
    rechazos: counter.list(),
    metasInfo: m.metas ? { archivo: basename(o.metas as string), renglones: m.lines } : undefined,
  });
  const html = o.html as string;
  await writeFile(html, renderTablero(tablero));
  if (o.indices) {
    const text = stringify(tablero.indices.map((r) => COMPOSITE_COLUMNS.map((c) => r[c] ?? "")), { header: true, columns: COMPOSITE_COLUMNS as string[] });
    await writeFile(o.indices as string, text);
  }
  const rejected = tablero.calidad.rechazos.reduce((s, r) => s + r.renglones, 0);
  io.stderr.write(`periodo ${tablero.periodo}: ${tablero.indicadores.length} indicadores, ${fmtInt(tablero.resultados.length)} resultados, ${fmtInt(tablero.indices.length)} índices; ${fmtInt(rejected)} renglones rechazados; tablero en ${html}${o.indices ? `, índices en ${o.indices as string}` : ""}\n`);
  return ingested.problems.some((p) => p.fatal) ? EXIT.datos : EXIT.ok;
}

export const reportCommand: CommandModule = (program, io, setCode) => {
  program
    .command("report")
    .description("genera el tablero de control en un archivo HTML autocontenido")
    .argument("<extracto>", "directorio con los archivos CSV del extracto")
    .requiredOption("--html <archivo>", "archivo HTML del tablero")
    .option("--period <AAAA-MM>", "periodo (por omisión el último mes con datos)")
    .option("--metas <archivo>", "metas por entidad, región o zona (CSV: indicador,nivel,clave,meta[,umbral_amarillo,umbral_verde])")
    .option("--only <ids|etiquetas>", "indicadores, alias, componentes (C9), fases (fase:1) o dimensiones")
    .option("--indices <archivo>", "además, los índices compuestos y la clasificación en CSV")
    .option("--strict", "detenerse en el primer renglón rechazado (código de salida 1)")
    .option("--rechazos <archivo>", "dónde escribir los renglones rechazados (por omisión solo se cuentan)")
    .option("--catalog <dir>", "directorio del catálogo (por omisión el incluido)")
    .action(async (dir, o) => setCode(await runReport(io, dir, o)));
};
