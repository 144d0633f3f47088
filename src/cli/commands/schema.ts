import { Option } from "commander";
import { catalogJsonSchema } from "../../index.js";
import { EXIT, type CommandModule } from "../shared.js";

export const schemaCommand: CommandModule = (program, io, setCode) => {
  program
    .command("schema")
    .description("imprime el JSON Schema de un archivo de indicador (o de fuente), para que el editor valide y complete el YAML")
    .addOption(new Option("--tipo <tipo>", "qué archivo describe").choices(["indicador", "fuente", "diccionario"]).default("indicador"))
    .action((o: { tipo: Parameters<typeof catalogJsonSchema>[0] }) => {
      io.stdout.write(`${JSON.stringify(catalogJsonSchema(o.tipo), null, 2)}\n`);
      setCode(EXIT.ok);
    });
};
