import { readCatalog } from "../../node/catalog.js";
import { EXIT, printProblems, type CommandModule, type Io } from "../shared.js";

async function runValidate(io: Io, dir: string | undefined): Promise<number> {
  const { catalog, problems } = await readCatalog(dir);
  printProblems(io, problems);
  const errors = problems.filter((p) => p.severity === "error").length;
  io.stderr.write(errors ? `${errors} error(es) en el catálogo\n` : `catálogo válido: ${catalog.indicators.length} indicadores, ${catalog.sources.size} fuentes\n`);
  return errors ? EXIT.datos : EXIT.ok;
}

export const validateCommand: CommandModule = (program, io, setCode) => {
  program
    .command("validate")
    .description("valida el catálogo (indicadores y esquemas de fuentes)")
    .argument("[dir]", "directorio del catálogo")
    .action(async (dir) => setCode(await runValidate(io, dir)));
};
