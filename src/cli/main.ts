import { CommanderError } from "commander";
import { version } from "../../package.json";
import { CatalogError, DataError, FileError, MasbError, type Problem } from "../index.js";
import { formatPosition } from "../internal.js";
import { computeCommand } from "./commands/compute.js";
import { explainCommand } from "./commands/explain.js";
import { listCommand } from "./commands/list.js";
import { metasCommand } from "./commands/metas.js";
import { reportCommand } from "./commands/report.js";
import { schemaCommand } from "./commands/schema.js";
import { sqlCommand } from "./commands/sql.js";
import { validateCommand } from "./commands/validate.js";
import { MasbCommand } from "./program.js";
import { cliHint, EXIT, printProblems, UsageError, type CommandModule, type Io } from "./shared.js";
import { BrokenPipe, isBrokenPipe, stdoutError, streamFailure, watchStream } from "./streams.js";

export { EXIT } from "./shared.js";

/** The commands, in the order `masb --help` lists them. */
const COMMANDS: CommandModule[] = [computeCommand, reportCommand, validateCommand, listCommand, explainCommand, schemaCommand, metasCommand, sqlCommand];

/**
 * Errors of the library that are the user's way of asking (a path that does not exist, a
 * period or a selection that names nothing): exit 2, like the usage errors the CLI finds itself.
 */
const USAGE_CODES = new Set([
  "MASB_PERIODO_INVALIDO", "MASB_SELECCION_DESCONOCIDA", "MASB_UNIDAD_DESCONOCIDA",
  "MASB_EXTRACTO_NO_EXISTE", "MASB_EXTRACTO_NO_ES_CARPETA", "MASB_CATALOGO_NO_EXISTE", "MASB_CATALOGO_NO_ES_CARPETA", "MASB_METAS_NO_EXISTE",
  "MASB_PARCIALES_NO_EXISTE", "MASB_PARCIALES_SELECCION", "MASB_DUCKDB_NO_INSTALADO",
]);

/** The program: its commands, Spanish help and errors, and `--version`. */
function program(io: Io, setCode: (code: number) => void): MasbCommand {
  const p = new MasbCommand()
    .name("masb")
    .description("Indicadores MAS-BIENESTAR (IMSS-BIENESTAR) a partir de extractos SINAIS")
    .version(version, "-V, --version", "muestra la versión de masb")
    .helpOption("-h, --help", "muestra esta ayuda")
    .helpCommand("help [comando]", "muestra la ayuda de un comando")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  for (const register of COMMANDS) register(p, io, setCode);
  return p as MasbCommand;
}

/** Prints an error in the CLI's one format, `error [código] lugar: mensaje`, the hint indented below. */
function printError(io: Io, code: string, message: string, where: string = "", hint?: string): void {
  io.stderr.write(`error [${code}] ${where ? `${where}: ` : ""}${message}\n`);
  if (hint) io.stderr.write(`    ${hint}\n`);
}

/** Runs the CLI; returns the exit code instead of exiting, so that tests can call it. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  // A reader that goes away (`masb list | head`) must not crash the process with a stack trace.
  watchStream(io.stdout);
  watchStream(io.stderr);
  let code: number = EXIT.ok;
  try {
    await program(io, (c) => { code = c; }).parseAsync(argv);
    const failed = streamFailure(io.stdout);
    if (failed && !isBrokenPipe(failed)) throw stdoutError(failed);
    return code;
  } catch (e) {
    // --help, --version: done. The help shown for a missing or unknown command (`masb`, `masb help x`): a usage error.
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return EXIT.ok;
      const [first, second] = argv.slice(2);
      if (first === "help" && second === "help") return EXIT.ok; // the help of help is the help just shown
      if (first === "help" && second !== undefined) printError(io, "MASB_USO_COMANDO_DESCONOCIDO", `'${second}' no es un comando de masb`, "", "masb --help muestra los comandos");
      else printError(io, "MASB_USO_FALTA_COMANDO", "indique un comando: compute, report, validate, list, explain, schema, metas o sql", "", "masb --help los describe");
      return EXIT.uso;
    }
    // The reader of the output went away: nothing more to say, and nobody to say it to.
    if (e instanceof BrokenPipe) return code;
    if (e instanceof UsageError) {
      printError(io, e.code, e.message, "", e.hint);
      return EXIT.uso;
    }
    if (e instanceof CatalogError) {
      printProblems(io, e.details.problems ?? []);
      printError(io, e.code, e.message, "", "corrija el catálogo; masb validate lo revisa completo");
      return EXIT.datos;
    }
    if (e instanceof FileError) {
      printProblems(io, (e.details.problems ?? []) as Problem[]);
      printError(io, e.code, e.message);
      return EXIT.datos;
    }
    if (e instanceof DataError) {
      const d = e.details;
      const col = d.columna ? `, columna ${d.columna}${d.value !== undefined ? ` (valor '${d.value}')` : ""}` : "";
      printError(io, e.code, e.message, `${formatPosition(d)}${col}`, "corrija ese renglón en el archivo, o quite --strict para rechazarlo, contarlo y seguir");
      return EXIT.datos;
    }
    if (e instanceof MasbError) {
      printError(io, e.code, e.message, formatPosition(e.details), e.details.hint ?? cliHint(e.code, e.details.value));
      return USAGE_CODES.has(e.code) ? EXIT.uso : EXIT.datos;
    }
    printError(io, "MASB_INTERNO", `error interno: ${(e as Error).message}`, "", "es un error de masb, no de sus datos: repórtelo con el comando que lo provocó");
    return EXIT.datos;
  }
}
