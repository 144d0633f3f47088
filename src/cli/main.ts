import { createWriteStream, type WriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { stringify } from "csv-stringify/sync";
import type { Catalog } from "../catalog/load.js";
import { NIVELES, VENTANAS, type Nivel } from "../catalog/schema.js";
import { compute, type FileReport } from "../engine/compute.js";
import { CatalogError, DataError, formatPosition, MasbError, type Problem } from "../errors.js";
import { readCatalog } from "../node/catalog.js";
import { openExtract } from "../node/extract.js";
import { FORMATTERS, formatRows } from "../output/index.js";

/** Exit codes: 0 success, 1 validation or data errors, 2 usage. */
export const EXIT = { ok: 0, datos: 1, uso: 2 } as const;

class UsageError extends Error {}

interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const fmtInt = (n: number) => n.toLocaleString("es-MX");

function printProblems(io: Io, problems: Problem[]): void {
  for (const p of problems) {
    const where = formatPosition(p);
    io.stderr.write(`${where ? `${where}: ` : ""}${p.severity === "error" ? "error" : "aviso"} [${p.code}] ${p.message}\n`);
    if (p.hint) io.stderr.write(`    ${p.hint}\n`);
  }
}

async function catalogOrExit(io: Io, dir: string | undefined): Promise<Catalog> {
  const { catalog, problems } = await readCatalog(dir);
  if (problems.some((p) => p.severity === "error")) throw new CatalogError(problems);
  printProblems(io, problems);
  return catalog;
}

function parseLevels(text: string | undefined): Nivel[] | undefined {
  if (!text) return undefined;
  const levels = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = levels.filter((l) => !(NIVELES as readonly string[]).includes(l));
  if (bad.length) throw new UsageError(`--by: nivel desconocido '${bad.join(", ")}'; use ${NIVELES.join(", ")}`);
  return levels as Nivel[];
}

function fileSummary(r: FileReport): string {
  return `${r.source.padEnd(16)} ${r.file.padEnd(40)} leídos ${fmtInt(r.read).padStart(9)}  aceptados ${fmtInt(r.accepted).padStart(9)}  rechazados ${fmtInt(r.rejected).padStart(7)}`;
}

async function runCompute(io: Io, extractDir: string, o: Record<string, string | boolean | undefined>): Promise<number> {
  const catalog = await catalogOrExit(io, o.catalog as string | undefined);
  const out = o.out as string | undefined;
  const extFormat: Record<string, string> = { ".csv": "csv", ".json": "json", ".ndjson": "ndjson", ".txt": "table" };
  const format = (o.format as string | undefined) ?? (out ? extFormat[extname(out).toLowerCase()] : undefined) ?? (io.stdout.isTTY ? "table" : "csv");
  if (!FORMATTERS[format]) throw new UsageError(`--format: formato desconocido '${format}'; use ${Object.keys(FORMATTERS).join(", ")}`);
  const by = parseLevels(o.by as string | undefined);
  const only = (o.only as string | undefined)?.split(",").map((s) => s.trim()).filter(Boolean);
  const { extract, unmatched } = await openExtract(extractDir, catalog);
  for (const f of unmatched) io.stderr.write(`aviso: ${f}: ningún esquema de fuente reconoce este archivo; no se lee\n`);

  const rejPath = (o.rechazos as string | undefined) ?? (out ? join(dirname(out), `${basename(out, extname(out))}.rechazos.csv`) : "masb-rechazos.csv");
  let rejStream: WriteStream | null = null;
  let rejCount = 0;
  const tty = Boolean(io.stderr.isTTY);
  const result = await compute(catalog, extract, {
    period: o.period as string | undefined,
    ventana: o.ventana as (typeof VENTANAS)[number] | undefined,
    by,
    only,
    strict: Boolean(o.strict),
    onReject(r) {
      rejCount++;
      if (!rejStream) {
        rejStream = createWriteStream(rejPath);
        rejStream.write(`${o.excel ? "\uFEFF" : ""}fuente,archivo,linea,columna,valor,codigo,motivo,renglon_original\n`);
      }
      rejStream.write(stringify([[r.source, r.file, r.line, r.column ?? "", r.value ?? "", r.code, r.reason, r.raw.join("|")]]));
    },
    onProgress(e) {
      if (e.kind === "renglones" && tty) io.stderr.write(`\r  ${e.source}: ${fmtInt(e.read)} renglones…`);
      if (e.kind === "fin_archivo") io.stderr.write(`${tty ? "\r\x1b[K" : ""}${fileSummary(e.report)}\n`);
    },
  });
  if (rejStream) await new Promise<void>((res) => (rejStream as WriteStream).end(res));
  for (const p of result.problems) {
    io.stderr.write(`${p.file}:${p.line}: ${p.fatal ? "error" : "aviso"} [${p.code}] ${p.message}\n`);
    if (p.hint) io.stderr.write(`    ${p.hint}\n`);
  }
  if (result.missingSources.length) io.stderr.write(`aviso: el extracto no trae las fuentes ${result.missingSources.join(", ")}: sus indicadores salen con estado sin_datos\n`);
  const text = formatRows(result.rows, format, { excel: Boolean(o.excel) });
  if (out) await writeFile(out, text);
  else io.stdout.write(text);
  const read = result.files.reduce((s, f) => s + f.read, 0);
  io.stderr.write(`periodo ${result.period}: ${result.indicators.length} indicadores, ${fmtInt(result.rows.length)} resultados; ${fmtInt(read)} renglones leídos, ${fmtInt(rejCount)} rechazados${rejCount ? ` (detalle en ${rejPath})` : ""}${out ? `; resultados en ${out}` : ""}\n`);
  return result.problems.some((p) => p.fatal) ? EXIT.datos : EXIT.ok;
}

async function runList(io: Io, o: Record<string, string | undefined>): Promise<number> {
  const catalog = await catalogOrExit(io, o.catalog);
  const rows = catalog.indicators.filter((i) =>
    (!o.componente || (i.def.componentes as string[]).includes(o.componente)) &&
    (!o.fase || i.def.fases.includes(Number(o.fase) as 1 | 2 | 3)) &&
    (!o.dimension || i.def.dimension === o.dimension));
  const body = rows.map((i) => [i.id, i.def.nombre.length > 60 ? `${i.def.nombre.slice(0, 59)}…` : i.def.nombre, i.def.dimension, i.def.componentes.join(","), i.def.fases.join(","), i.def.unidad, i.sources.join(",")]);
  const head = ["id", "nombre", "dimension", "componentes", "fases", "unidad", "fuentes"];
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((b) => b[k].length)));
  for (const line of [head, ...body]) io.stdout.write(`${line.map((c, k) => c.padEnd(widths[k])).join("  ").trimEnd()}\n`);
  io.stderr.write(`${rows.length} indicadores\n`);
  return EXIT.ok;
}

async function runValidate(io: Io, dir: string | undefined): Promise<number> {
  const { catalog, problems } = await readCatalog(dir);
  printProblems(io, problems);
  const errors = problems.filter((p) => p.severity === "error").length;
  io.stderr.write(errors ? `${errors} error(es) en el catálogo\n` : `catálogo válido: ${catalog.indicators.length} indicadores, ${catalog.sources.size} fuentes\n`);
  return errors ? EXIT.datos : EXIT.ok;
}

/** Runs the CLI; returns the exit code instead of exiting, so that tests can call it. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name("masb")
    .description("Indicadores MAS-BIENESTAR (IMSS-BIENESTAR) a partir de extractos SINAIS")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
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
    .option("--rechazos <archivo>", "dónde escribir los renglones rechazados")
    .option("--catalog <dir>", "directorio del catálogo (por omisión el incluido)")
    .action(async (dir, o) => { code = await runCompute(io, dir, o); });
  program
    .command("list")
    .description("lista los indicadores del catálogo")
    .option("--componente <C>", "filtra por componente (C1…C11, C4a, C4b)")
    .option("--fase <n>", "filtra por fase (1, 2, 3)")
    .option("--dimension <d>", "filtra por dimensión")
    .option("--catalog <dir>", "directorio del catálogo")
    .action(async (o) => { code = await runList(io, o); });
  program
    .command("validate")
    .description("valida el catálogo (indicadores y esquemas de fuentes)")
    .argument("[dir]", "directorio del catálogo")
    .action(async (dir) => { code = await runValidate(io, dir); });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.uso;
    if (e instanceof UsageError) {
      io.stderr.write(`error de uso: ${e.message}\n`);
      return EXIT.uso;
    }
    if (e instanceof CatalogError) {
      printProblems(io, e.details.problems ?? []);
      io.stderr.write(`${e.message}; corrija el catálogo (masb validate lo revisa completo)\n`);
      return EXIT.datos;
    }
    if (e instanceof DataError) {
      const d = e.details;
      const col = d.columna ? `, columna ${d.columna}${d.value !== undefined ? ` (valor '${d.value}')` : ""}` : "";
      io.stderr.write(`error [${e.code}] ${formatPosition(d)}${col}: ${e.message}\n`);
      io.stderr.write("    corrija ese renglón en el archivo, o quite --strict para rechazarlo, contarlo y seguir\n");
      return EXIT.datos;
    }
    if (e instanceof MasbError) {
      const where = formatPosition(e.details);
      io.stderr.write(`error [${e.code}] ${where ? `${where}: ` : ""}${e.message}\n`);
      return e.code === "MASB_PERIODO_INVALIDO" || e.code === "MASB_SELECCION_DESCONOCIDA" ? EXIT.uso : EXIT.datos;
    }
    io.stderr.write(`error interno: ${(e as Error).message}\n`);
    return EXIT.datos;
  }
}
