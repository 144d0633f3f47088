/**
 * What a wide extract (SIS) lacks for the catalog: the variables an aggregate reads that no
 * file of the extract has as a column, and files of another year than the dictionary the
 * indicators read them with. A file with some of the variables is normal (DGIS publishes
 * apartados in separate files); an aggregate with none of its variables in any file has no
 * data, and its indicators are `sin_datos`, never a silent zero.
 */
import type { Indicator } from "../catalog/load.js";
import { requiredCodes } from "../catalog/dictionaries.js";
import type { Ingested } from "./ingest.js";
import { yearOf } from "./periods.js";

/** A warning about the variables of a wide source, for the caller to show (the library prints nothing). */
export interface AvisoVariables {
  /** `MASB_VARIABLES_AUSENTES`: variables read by an aggregate that no file has; `MASB_VARIABLES_ANIO`: files of another year than the dictionary. */
  code: "MASB_VARIABLES_AUSENTES" | "MASB_VARIABLES_ANIO";
  fuente: string;
  /** The indicators concerned. */
  indicadores: string[];
  /** The codes that no file of the extract has (`MASB_VARIABLES_AUSENTES`). */
  variables: string[];
  /** How many codes the aggregate reads. */
  leidas: number;
  /** True when none of the aggregate's variables is in the extract: its indicators are `sin_datos`. */
  sinDatos: boolean;
  /** Years of the files and of the dictionary (`MASB_VARIABLES_ANIO`). */
  anios?: { archivos: number[]; diccionario: number };
  message: string;
  hint?: string;
}

const cache = new WeakMap<object, { avisos: AvisoVariables[]; sinDatos: Set<string> }>();

const listed = (codes: string[], max = 12) => (codes.length > max ? `${codes.slice(0, max).join(", ")} y ${codes.length - max} más` : codes.join(", "));

/**
 * The warnings about the variables of the extract's wide sources, and the indicators they
 * leave without data. Computed once per `Ingested` from the variable columns each file had
 * (`FileReport.variables`).
 */
export function variablesReport(ingested: Pick<Ingested, "catalog" | "indicators" | "files" | "missingSources" | "stores">): { avisos: AvisoVariables[]; sinDatos: Set<string> } {
  const known = cache.get(ingested);
  if (known) return known;
  const avisos: AvisoVariables[] = [];
  const sinDatos = new Set<string>();
  const { catalog } = ingested;
  // Per wide source read: the variable columns its files had.
  const present = new Map<string, Set<string>>();
  for (const f of ingested.files) {
    if (!f.variables) continue;
    let set = present.get(f.source);
    if (!set) present.set(f.source, (set = new Set()));
    for (const v of f.variables) set.add(v);
  }
  // One warning per aggregate (equal aggregates of several indicators are one), in catalog order.
  const byKey = new Map<string, AvisoVariables>();
  for (const ind of ingested.indicators) {
    for (const agg of Object.values(ind.aggregates)) {
      const source = catalog.sources.get(agg.source);
      const pivot = source?.def.pivote;
      if (!pivot || ingested.missingSources.includes(agg.source)) continue;
      const codes = requiredCodes(agg.filter, pivot.variable);
      if (!codes) continue;
      const have = present.get(agg.source) ?? new Set<string>();
      const missing = [...new Set(codes)].filter((c) => !have.has(c));
      if (missing.length === 0) continue;
      const none = missing.length === new Set(codes).size;
      if (none) sinDatos.add(ind.id);
      const seen = byKey.get(agg.key);
      if (seen) {
        if (!seen.indicadores.includes(ind.id)) seen.indicadores.push(ind.id);
        continue;
      }
      byKey.set(agg.key, { code: "MASB_VARIABLES_AUSENTES", fuente: agg.source, indicadores: [ind.id], variables: missing, leidas: new Set(codes).size, sinDatos: none, message: "" });
    }
  }
  for (const a of byKey.values()) {
    const inds = `${a.indicadores.length === 1 ? "el indicador" : "los indicadores"} ${a.indicadores.join(", ")}`;
    if (a.sinDatos) {
      a.message = `ningún archivo de '${a.fuente}' del extracto trae ${a.leidas === 1 ? "la variable" : `ninguna de las ${a.leidas} variables`} ${listed(a.variables)}: ${inds} ${a.indicadores.length === 1 ? "sale" : "salen"} con estado sin_datos`;
      a.hint = "agregue al extracto el archivo del SIS que trae esas variables (el apartado que las publica)";
    } else {
      a.message = `los archivos de '${a.fuente}' del extracto no traen ${a.variables.length === 1 ? "la variable" : `${a.variables.length} de las ${a.leidas} variables`} ${listed(a.variables)} que ${a.indicadores.length === 1 ? "lee" : "leen"} ${inds}: se suman las que sí trae`;
      a.hint = "si el publicador dejó de reportarlas, revise el diccionario del año; si falta un archivo, agréguelo al extracto";
    }
    avisos.push(a);
  }
  // Files of another year than the dictionary the indicators read them with: codes change by year.
  for (const [source, byYear] of catalog.dictionaries) {
    const store = ingested.stores.get(source);
    if (!store || byYear.size === 0) continue;
    const fileYears = [...new Set([...store.buckets.keys()].map(yearOf))].sort();
    const byDictionary = new Map<number, Indicator[]>();
    for (const ind of ingested.indicators) {
      const year = ind.def.diccionarios?.[source];
      if (year === undefined || !ind.sources.includes(source)) continue;
      byDictionary.set(year, [...(byDictionary.get(year) ?? []), ind]);
    }
    for (const [year, inds] of byDictionary) {
      const other = fileYears.filter((y) => y !== year);
      if (other.length === 0) continue;
      avisos.push({
        code: "MASB_VARIABLES_ANIO", fuente: source, indicadores: inds.map((i) => i.id), variables: [], leidas: 0, sinDatos: false,
        anios: { archivos: fileYears, diccionario: year },
        message: `el extracto trae datos de '${source}' de ${other.join(", ")} y ${inds.length === 1 ? "el indicador" : "los indicadores"} ${listed(inds.map((i) => i.id), 20)} ${inds.length === 1 ? "lee" : "leen"} las variables del diccionario ${year}: los códigos cambian de un año a otro`,
        hint: `compruebe que los códigos de ${year} significan lo mismo en ${other.join(", ")}, o agregue el diccionario de ese año y cambie diccionarios: { ${source}: … } en los indicadores`,
      });
    }
  }
  const out = { avisos, sinDatos };
  cache.set(ingested, out);
  return out;
}

/** The warnings about the variables of the extract's wide sources (SIS), in catalog order. */
export function avisosVariables(ingested: Pick<Ingested, "catalog" | "indicators" | "files" | "missingSources" | "stores">): AvisoVariables[] {
  return variablesReport(ingested).avisos;
}
