import { stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { CatalogError, validateCatalog, type Catalog, type Problem } from "../index.js";
import { formatPosition, inputFolderProblem, NIVELES, outputTargetProblem, type FileProblem, type FileReport, type Nivel } from "../internal.js";
import { orList, UsageError } from "./program.js";

export { UsageError } from "./program.js";

/** Exit codes: 0 success, 1 validation or data errors, 2 usage. */
export const EXIT = { ok: 0, datos: 1, uso: 2 } as const;

/**
 * Refuses, before anything is read, an output file whose folder does not exist or which is a
 * folder (`option` names the flag in the message: `--out`, `--rechazos`, `--html`).
 */
export async function checkOutputTargets(targets: [option: string, path: string | undefined][]): Promise<void> {
  for (const [option, path] of targets) {
    if (!path) continue;
    const problem = await outputTargetProblem(path);
    if (problem) throw new UsageError(problem.code, `${option} ${path}: ${problem.message}`);
  }
}

/** Refuses, before anything is read, an extract or catalog folder that does not exist or is a file. */
export async function checkInputFolder(path: string | undefined, what: "extracto" | "catalogo"): Promise<void> {
  if (path === undefined) return;
  const problem = await inputFolderProblem(path, what);
  if (problem) throw new UsageError(problem.code, problem.message, problem.hint);
}

/** Refuses, before anything is read, a `--metas` file that does not exist or is a folder. */
export async function checkMetasFile(path: string | undefined): Promise<void> {
  if (path === undefined) return;
  const info = await stat(path).catch(() => null);
  if (!info) throw new UsageError("MASB_METAS_NO_EXISTE", `no existe el archivo de metas '${path}'`, "revise la ruta del archivo CSV de metas");
  if (info.isDirectory()) throw new UsageError("MASB_METAS_NO_EXISTE", `'${path}' es una carpeta, no el archivo de metas`, "indique el archivo CSV de metas que está dentro de ella");
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * One CLI command: it registers itself on the program and sets the exit code through
 * `setCode`. Adding a command is one file under src/cli/commands and one line in main.ts.
 */
export type CommandModule = (program: Command, io: Io, setCode: (code: number) => void) => void;

export const fmtInt = (n: number) => n.toLocaleString("es-MX");

/**
 * Prints problems on standard error, one format for the whole CLI (the run's errors print the
 * same way): `error [MASB_…] archivo:línea: mensaje` or `aviso [MASB_…] archivo:línea: mensaje`,
 * the hint indented on the next line. (`masb validate` has its own reporters: text, json, github.)
 */
export function printProblems(io: Io, problems: readonly Problem[]): void {
  for (const p of problems) {
    const where = formatPosition(p);
    io.stderr.write(`${p.severity === "error" ? "error" : "aviso"} [${p.code}] ${where ? `${where}: ` : ""}${p.message}\n`);
    const hint = p.hint ?? cliHint(p.code, p.value);
    if (hint) io.stderr.write(`    ${hint}\n`);
  }
}

/**
 * What to do, in the CLI's words, for problems the library reports without naming a flag
 * (its messages never do): the option to write, with the value it suggests.
 */
export function cliHint(code: string, value: string | undefined): string | undefined {
  if (code === "MASB_PERIODO_SIN_DATOS" && value) return `para el último mes con datos: --period ${value}`;
  if (code === "MASB_SIN_PERIODO") return "indique el periodo con --period AAAA-MM, por ejemplo --period 2024-03";
  return undefined;
}

/** A problem of a file of the extract as a `Problem`: a fatal one is an error, the others warnings. */
export const fileProblem = (p: FileProblem): Problem => ({
  code: p.code, severity: p.fatal ? "error" : "aviso", file: p.file, line: p.line, message: p.message, ...(p.hint ? { hint: p.hint } : {}),
});

/** Loads the catalog, printing its warnings; throws `CatalogError` (exit 1) when it has errors. */
export async function catalogOrExit(io: Io, dir: string | undefined): Promise<Catalog> {
  await checkInputFolder(dir, "catalogo");
  const { catalog, problems } = await validateCatalog(dir, { cache: catalogCacheDir() });
  if (problems.some((p) => p.severity === "error")) throw new CatalogError(problems);
  printProblems(io, problems);
  return catalog;
}

export function parseLevels(text: string | undefined): Nivel[] | undefined {
  if (!text) return undefined;
  const levels = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = levels.filter((l) => !(NIVELES as readonly string[]).includes(l));
  if (bad.length) throw new UsageError("MASB_USO_VALOR_INVALIDO", `--by: nivel desconocido '${bad.join(", ")}'; use ${orList([...NIVELES])}, separados por coma`);
  return levels as Nivel[];
}

/**
 * One file's line of the run summary: read = accepted + rejected, and the accepted rows that
 * a universe leaves out (another institution's births for the network, say), by universe.
 */
export function fileSummary(r: FileReport): string {
  const line = `${r.source.padEnd(16)} ${r.file.padEnd(40)} leídos ${fmtInt(r.read).padStart(9)}  aceptados ${fmtInt(r.accepted).padStart(9)}  rechazados ${fmtInt(r.rejected).padStart(7)}`;
  const outside = Object.entries(r.fueraDeAlcance ?? {});
  return outside.length ? `${line}  fuera de alcance: ${outside.map(([u, n]) => `${u} ${fmtInt(n)}`).join(", ")}` : line;
}

/**
 * Where the CLI keeps built catalogs (see `loadCatalog`'s `cache`): `$MASB_CACHE` when set
 * (`0` or empty turns the cache off), else `$XDG_CACHE_HOME/masb`, else `~/.cache/masb`.
 */
export function catalogCacheDir(): string | undefined {
  const own = process.env.MASB_CACHE;
  if (own !== undefined) return own === "" || own === "0" ? undefined : own;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "masb");
}
