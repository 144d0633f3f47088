import type { Command } from "commander";
import type { Catalog } from "../catalog/load.js";
import type { FileReport } from "../engine/compute.js";
import { NIVELES, type Nivel } from "../catalog/schema.js";
import { CatalogError, formatPosition, type Problem } from "../errors.js";
import { readCatalog } from "../node/catalog.js";

/** Exit codes: 0 success, 1 validation or data errors, 2 usage. */
export const EXIT = { ok: 0, datos: 1, uso: 2 } as const;

/** A usage problem found by a command after commander parsed the arguments. */
export class UsageError extends Error {}

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

export function printProblems(io: Io, problems: Problem[]): void {
  for (const p of problems) {
    const where = formatPosition(p);
    io.stderr.write(`${where ? `${where}: ` : ""}${p.severity === "error" ? "error" : "aviso"} [${p.code}] ${p.message}\n`);
    if (p.hint) io.stderr.write(`    ${p.hint}\n`);
  }
}

/** Loads the catalog, printing warnings; throws `CatalogError` (exit 1) when it has errors. */
export async function catalogOrExit(io: Io, dir: string | undefined): Promise<Catalog> {
  const { catalog, problems } = await readCatalog(dir);
  if (problems.some((p) => p.severity === "error")) throw new CatalogError(problems);
  printProblems(io, problems);
  return catalog;
}

export function parseLevels(text: string | undefined): Nivel[] | undefined {
  if (!text) return undefined;
  const levels = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = levels.filter((l) => !(NIVELES as readonly string[]).includes(l));
  if (bad.length) throw new UsageError(`--by: nivel desconocido '${bad.join(", ")}'; use ${NIVELES.join(", ")}`);
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
