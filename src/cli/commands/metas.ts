import { Option } from "commander";
import { stringify } from "csv-stringify/sync";
import { ingest, openExtract, type Catalog, type Extract, type Indicator } from "../../index.js";
import {
  AtomicFile, ENTIDAD_NO_ESPECIFICADA, hierarchyOf as hierarchyOfPass, METAS_COLUMNS, NIVELES, selectIndicators,
  type Hierarchy, type IndicadorDef, type Nivel,
} from "../../internal.js";
import { catalogOrExit, checkInputFolder, checkOutputTargets, EXIT, fileProblem, fmtInt, printProblems, UsageError, type CommandModule, type Io } from "../shared.js";

/** Levels a template can be written for: where state coordinators set their targets. */
export const NIVELES_PLANTILLA = ["entidad", "region", "zona"] as const;
type NivelPlantilla = (typeof NIVELES_PLANTILLA)[number];

/**
 * The columns of the template: the six that `--metas` reads, then five that help whoever fills
 * it in and that the reader ignores (the org unit's name, the indicator's name, unit and
 * direction, and where the catalog's target comes from or why it has none).
 */
export const PLANTILLA_COLUMNS = [...METAS_COLUMNS, "nombre", "indicador_nombre", "unidad_medida", "sentido", "fuente_meta"] as const;

/**
 * The sentence of `metodo` or `nota` that states the target and its source: it starts with
 * "Meta" (or "meta") followed by the figure, as the catalog writes it (README, "Targets and
 * their sources"). Undefined when the definition has no such sentence.
 */
export function metaCitation(def: Pick<IndicadorDef, "meta" | "metodo" | "nota">): string | undefined {
  if (def.meta === undefined) return undefined;
  const figure = new RegExp(`\\b[Mm]eta(?: de referencia)?:? ${String(def.meta).replace(".", "\\.")}(?![\\d]|\\.\\d)`);
  for (const text of [def.metodo, def.nota ?? ""]) {
    // Sentences end at a point followed by a space (not the point of 4.45).
    const hit = text.replace(/\s+/g, " ").split(/(?<=\.) (?=[A-ZÁÉÍÓÚÑ(«"])/).find((s) => figure.test(s));
    if (hit) return hit.trim();
  }
  return undefined;
}

/** What the template says of the catalog's target: its citation, or why there is none. */
function targetSource(ind: Indicator): string {
  if (ind.def.meta !== undefined) return metaCitation(ind.def) ?? "";
  return ind.def.sin_meta ? `sin meta en el catálogo: ${ind.def.sin_meta}` : "sin meta en el catálogo";
}

/** The level of an indicator's rows: the chosen one, or the indicator's finest when that is coarser (an indicator reported from the entidad up has no zona rows). */
function rowLevel(ind: Indicator, nivel: NivelPlantilla): Nivel {
  return NIVELES.indexOf(ind.desdeNivel) < NIVELES.indexOf(nivel) ? ind.desdeNivel : nivel;
}

/**
 * The template's rows: one per indicator × org unit of the level, in catalog order and then
 * hierarchy order, prefilled with the catalog's target and bands. The pseudo-entidad of rows
 * without an entidad is left out: nobody sets targets for it.
 */
export function plantillaRows(indicators: Indicator[], hierarchy: Hierarchy, nivel: NivelPlantilla): string[][] {
  const rows: string[][] = [];
  for (const ind of indicators) {
    const level = rowLevel(ind, nivel);
    const units = level === "nacional" ? hierarchy.level("nacional") : hierarchy.level(level).filter((n) => n.entidad !== ENTIDAD_NO_ESPECIFICADA);
    const u = ind.def.umbrales;
    const bands = u?.amarillo?.desde !== undefined && u?.verde?.desde !== undefined ? [String(u.amarillo.desde), String(u.verde.desde)] : ["", ""];
    const meta = ind.def.meta !== undefined ? String(ind.def.meta) : "";
    for (const n of units) {
      rows.push([
        ind.id, level, level === "nacional" ? "" : n.key, meta, ...bands,
        n.nombre, ind.def.nombre, ind.def.unidad, ind.def.sentido === "mayor_es_mejor" ? "mayor es mejor" : "menor es mejor", targetSource(ind),
      ]);
    }
  }
  return rows;
}

/** The org units of an extract: its CLUES catalog and regionalisation only, no fact file is read. */
async function hierarchyOf(io: Io, catalog: Catalog, dir: string, indicators: Indicator[]): Promise<Hierarchy> {
  const { extract } = await openExtract(dir, catalog);
  const own: Extract = new Map();
  for (const [name, inputs] of extract) {
    const rol = catalog.sources.get(name)?.def.rol;
    if (rol === "catalogo_clues" || rol === "regionalizacion") own.set(name, inputs);
  }
  const ingested = await ingest(catalog, own, { only: indicators.slice(0, 1).map((i) => i.id) });
  printProblems(io, ingested.problems.map(fileProblem));
  return hierarchyOfPass(ingested);
}

async function runMetas(io: Io, o: Record<string, string | boolean | undefined>): Promise<number> {
  if (!o.plantilla) throw new UsageError("MASB_USO_FALTA_OPCION", "diga qué hacer: masb metas --plantilla --data <extracto> [--nivel entidad|zona] [--out metas.csv]");
  const data = o.data as string | undefined;
  if (!data) throw new UsageError("MASB_USO_FALTA_OPCION", "--plantilla necesita --data <extracto>: las entidades y zonas salen del catálogo CLUES y la regionalización del extracto");
  const out = o.out as string | undefined;
  if (out && /\.(xlsx|xls|ods)$/i.test(out)) throw new UsageError("MASB_FORMATO_SALIDA", `--out ${out}: la plantilla es CSV; escriba --out metas.csv (con --excel, Excel la abre con acentos)`);
  await checkInputFolder(data, "extracto");
  await checkOutputTargets([["--out", out]]);
  const catalog = await catalogOrExit(io, o.catalog as string | undefined);
  const only = (o.only as string | undefined)?.split(",").map((s) => s.trim()).filter(Boolean);
  const indicators = selectIndicators(catalog, only);
  const nivel = (o.nivel as NivelPlantilla | undefined) ?? "entidad";
  const hierarchy = await hierarchyOf(io, catalog, data, indicators);

  const rows = plantillaRows(indicators, hierarchy, nivel);
  const eol = o.excel ? "\r\n" : "\n";
  const text = (o.excel ? "\ufeff" : "") + stringify(rows, { header: true, columns: [...PLANTILLA_COLUMNS], record_delimiter: eol });
  if (out) await new AtomicFile(out).write(text);
  else io.stdout.write(text);
  const withMeta = indicators.filter((i) => i.def.meta !== undefined).length;
  io.stderr.write(`plantilla de metas: ${fmtInt(rows.length)} renglones (${indicators.length} indicadores × ${nivel === "entidad" ? "entidades" : nivel === "region" ? "regiones" : "zonas"}); ${withMeta} indicadores traen la meta del catálogo y ${indicators.length - withMeta} van vacíos para llenar${out ? `; escrita en ${out}` : ""}\n`);
  io.stderr.write("    llene o cambie la columna meta (punto decimal) y úsela con --metas; los renglones que deje sin meta ni umbrales no se aplican\n");
  return EXIT.ok;
}

export const metasCommand: CommandModule = (program, io, setCode) => {
  program
    .command("metas")
    .description("escribe la plantilla de metas por entidad o zona (el archivo que lee --metas), con la meta del catálogo y su fuente")
    .option("--plantilla", "escribe la plantilla: un renglón por indicador y unidad del nivel")
    .option("--data <extracto>", "extracto cuyo catálogo CLUES y regionalización dan las entidades, regiones y zonas")
    .addOption(new Option("--nivel <nivel>", "nivel de los renglones").choices([...NIVELES_PLANTILLA]).default("entidad"))
    .option("--out <archivo>", "dónde escribirla (la carpeta debe existir); por omisión, la salida estándar")
    .option("--excel", "CSV con BOM y fin de línea CRLF, para que Excel abra bien los acentos")
    .option("--only <ids>", "solo estos indicadores, componentes (C9), fases (fase:1) o dimensiones")
    .option("--catalog <dir>", "directorio del catálogo")
    .action(async (o) => setCode(await runMetas(io, o)));
};
