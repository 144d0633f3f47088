import { Command, CommanderError } from "commander";
import { CatalogError, DataError, formatPosition, MasbError } from "../errors.js";
import { computeCommand } from "./commands/compute.js";
import { explainCommand } from "./commands/explain.js";
import { listCommand } from "./commands/list.js";
import { metasCommand } from "./commands/metas.js";
import { reportCommand } from "./commands/report.js";
import { schemaCommand } from "./commands/schema.js";
import { validateCommand } from "./commands/validate.js";
import { EXIT, printProblems, UsageError, type CommandModule, type Io } from "./shared.js";
import { BrokenPipe, isBrokenPipe, stdoutError, streamFailure, watchStream } from "./streams.js";

export { EXIT } from "./shared.js";

/** The commands, in the order `masb --help` lists them. */
const COMMANDS: CommandModule[] = [computeCommand, reportCommand, validateCommand, listCommand, explainCommand, schemaCommand, metasCommand];

/** Runs the CLI; returns the exit code instead of exiting, so that tests can call it. */
export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  // A reader that goes away (`masb list | head`) must not crash the process with a stack trace.
  watchStream(io.stdout);
  watchStream(io.stderr);
  let code: number = EXIT.ok;
  const program = new Command()
    .name("masb")
    .description("Indicadores MAS-BIENESTAR (IMSS-BIENESTAR) a partir de extractos SINAIS")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  for (const register of COMMANDS) register(program, io, (c) => { code = c; });
  try {
    await program.parseAsync(argv);
    const failed = streamFailure(io.stdout);
    if (failed && !isBrokenPipe(failed)) throw stdoutError(failed);
    return code;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.uso;
    // The reader of the output went away: nothing more to say, and nobody to say it to.
    if (e instanceof BrokenPipe) return code;
    if (e instanceof UsageError) {
      io.stderr.write(e.code ? `error [${e.code}] ${e.message}\n` : `error de uso: ${e.message}\n`);
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
