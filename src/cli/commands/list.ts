import { Option } from "commander";
import type { Indicator } from "../../index.js";
import { COMPONENTES, DIMENSIONES, IMPLEMENTED_METHODS, UNIVERSOS, universeInWords } from "../../internal.js";
import { catalogOrExit, EXIT, type CommandModule, type Io } from "../shared.js";

/** "calculable", or why not: not computable from the declared sources, or a method the engine does not implement. */
export function computability(i: Indicator): string {
  if (i.noCalculable) return "no calculable (ver abajo)";
  const m = i.def.calculo?.metodo;
  return m && !IMPLEMENTED_METHODS.has(m) ? `método pendiente: ${m}` : "calculable";
}

async function runList(io: Io, o: Record<string, string | undefined>): Promise<number> {
  const catalog = await catalogOrExit(io, o.catalog);
  const rows = catalog.indicators.filter((i) =>
    (!o.componente || (i.def.componentes as string[]).includes(o.componente)) &&
    (!o.fase || i.def.fases.includes(Number(o.fase) as 1 | 2 | 3)) &&
    (!o.dimension || i.def.dimension === o.dimension) &&
    (!o.universo || i.universo === o.universo));
  const short = (s: string) => (s.length > 60 ? `${s.slice(0, 59)}…` : s);
  const body = rows.map((i) => [
    i.id, short(i.def.nombre), i.def.dimension, i.def.componentes.join(","), i.def.fases.join(","), i.def.unidad,
    i.universo ?? "—", i.sources.join(","), (i.def.alias ?? []).join(","), i.def.meta !== undefined ? String(i.def.meta) : "sin meta", computability(i),
  ]);
  const head = ["id", "nombre", "dimension", "componentes", "fases", "unidad", "universo", "fuentes", "alias", "meta", "calculo"];
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((b) => b[k].length)));
  for (const line of [head, ...body]) io.stdout.write(`${line.map((c, k) => c.padEnd(widths[k])).join("  ").trimEnd()}\n`);
  // Why each one cannot be computed, and which source could: the reason is too long for a column.
  const reasons = rows.filter((i) => i.noCalculable);
  if (reasons.length) {
    io.stdout.write("\nno calculables con las fuentes declaradas:\n");
    for (const i of reasons) io.stdout.write(`  ${i.id}: ${i.noCalculable!.motivo}${i.noCalculable!.fuentePosible ? ` Fuente posible: ${i.noCalculable!.fuentePosible}.` : ""}\n`);
  }
  // Why there is no target: no norm sets one, or the norm's is relative to a baseline (`sin_meta`).
  const withoutTarget = rows.filter((i) => i.def.meta === undefined);
  if (withoutTarget.length) {
    io.stdout.write("\nsin meta en el catálogo (--metas puede fijarla; masb metas --plantilla da el archivo):\n");
    for (const i of withoutTarget) io.stdout.write(`  ${i.id}: ${i.def.sin_meta ?? "no dice por qué (falta 'sin_meta' en su definición)"}\n`);
  }
  const notComputable = rows.filter((i) => i.noCalculable).length;
  const pending = body.filter((b) => b[10] !== "calculable").length - notComputable;
  const notes = [notComputable ? `${notComputable} no calculables con las fuentes declaradas` : "", pending ? `${pending} con método pendiente` : ""].filter(Boolean);
  io.stderr.write(`${rows.length} indicadores${notes.length ? ` (${notes.join("; ")})` : ""}\n`);
  io.stderr.write(`metas: ${rows.length - withoutTarget.length} con meta, ${withoutTarget.length} sin meta\n`);
  io.stderr.write(`universos: ${UNIVERSOS.map((u) => `${u} = ${universeInWords(u)}`).join("; ")}\n`);
  return EXIT.ok;
}

export const listCommand: CommandModule = (program, io, setCode) => {
  program
    .command("list")
    .description("lista los indicadores del catálogo")
    .addOption(new Option("--componente <C>", "filtra por componente").choices([...COMPONENTES]))
    .addOption(new Option("--fase <n>", "filtra por fase").choices(["1", "2", "3"]))
    .addOption(new Option("--dimension <d>", "filtra por dimensión").choices([...DIMENSIONES]))
    .addOption(new Option("--universo <u>", "filtra por universo: red (unidades de la red, por CLUES), responsabilidad (su población de responsabilidad), residentes (toda la población de la entidad)").choices([...UNIVERSOS]))
    .option("--catalog <dir>", "carpeta del catálogo (por omisión el incluido)")
    .action(async (o) => setCode(await runList(io, o)));
};
