import { catalogOrExit, EXIT, type CommandModule, type Io } from "../shared.js";

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

export const listCommand: CommandModule = (program, io, setCode) => {
  program
    .command("list")
    .description("lista los indicadores del catálogo")
    .option("--componente <C>", "filtra por componente (C1…C11, C4a, C4b)")
    .option("--fase <n>", "filtra por fase (1, 2, 3)")
    .option("--dimension <d>", "filtra por dimensión")
    .option("--catalog <dir>", "directorio del catálogo")
    .action(async (o) => setCode(await runList(io, o)));
};
