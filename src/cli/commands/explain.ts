import { basename, isAbsolute, relative } from "node:path";
import { describeIndicator, drillDown, formatDrillDown, MasbError, openExtract } from "../../index.js";
import { checkPeriod, nearest } from "../../internal.js";
import { catalogOrExit, checkInputFolder, EXIT, UsageError, type CommandModule, type Io } from "../shared.js";

interface ExplainOptions {
  data?: string;
  unit?: string;
  period?: string;
  catalog?: string;
  lineas?: string;
}

async function runExplain(io: Io, id: string, o: ExplainOptions): Promise<number> {
  checkPeriod(o.period); // before the catalog and the extract are read
  // What only the drill-down over an extract reads is refused without one, not ignored.
  const needsData = ([["--unit", o.unit], ["--period", o.period], ["--lineas", o.lineas]] as const).filter(([, v]) => v !== undefined).map(([flag]) => flag);
  if (needsData.length && !o.data) {
    throw new UsageError(
      "MASB_OPCION_NO_APLICA", `${needsData.join(", ")} ${needsData.length === 1 ? "necesita" : "necesitan"} --data <extracto>: sin extracto, explain describe el indicador`,
      `agregue --data con la carpeta del extracto, por ejemplo: masb explain ${id} --data fixtures/demo${o.unit ? ` --unit ${o.unit}` : ""}`,
    );
  }
  const lines = o.lineas === undefined ? 5 : Number(o.lineas);
  if (!Number.isInteger(lines) || lines < 0) throw new UsageError("MASB_USO_VALOR_INVALIDO", `--lineas: '${o.lineas}' no es un número entero de 0 en adelante`);
  await checkInputFolder(o.data, "extracto");
  const catalog = await catalogOrExit(io, o.catalog);
  const ind = catalog.byId.get(id);
  if (!ind) {
    const guess = nearest(id, [...catalog.byId.keys()]);
    throw new UsageError("MASB_INDICADOR_DESCONOCIDO", `'${id}' no es un id ni un alias del catálogo${guess ? `; ¿quiso decir '${guess}'?` : ""}`, "masb list los muestra todos");
  }
  const rel = relative(process.cwd(), ind.file);
  io.stdout.write(describeIndicator(ind, catalog, { file: rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : ind.file }));
  if (!o.data) return EXIT.ok;
  const { extract } = await openExtract(o.data, catalog);
  let drill;
  try {
    drill = await drillDown(catalog, extract, ind.id, o.unit ?? "nacional", { period: o.period, lines });
  } catch (e) {
    if (e instanceof MasbError && e.code === "MASB_UNIDAD_DESCONOCIDA") {
      throw new UsageError(e.code, e.message, "escriba una CLUES (GRIMB000377), una zona (12-Z01), una región (12-R01), una entidad (12) o nacional");
    }
    throw e;
  }
  io.stdout.write(`\n${formatDrillDown(drill, basename(o.data.replace(/[\\/]+$/, "")) || o.data)}`);
  return EXIT.ok;
}

export const explainCommand: CommandModule = (program, io, setCode) => {
  program
    .command("explain")
    .description("explica un indicador en palabras; con --data y --unit, de dónde sale su valor en una unidad, zona o entidad")
    .argument("<id>", "id o alias del indicador")
    .option("--data <extracto>", "carpeta del extracto sobre el que se explica el valor")
    .option("--unit <clave>", "con --data: CLUES, zona (12-Z01), región (12-R01), entidad (12) o nacional; por omisión nacional")
    .option("--period <AAAA-MM>", "con --data: periodo (por omisión el último mes con datos)")
    .option("--lineas <n>", "con --data: cuántos números de renglón mostrar por agregado (por omisión 5)")
    .option("--catalog <dir>", "carpeta del catálogo (por omisión el incluido)")
    .action(async (id, o) => setCode(await runExplain(io, id, o)));
};
