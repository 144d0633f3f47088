import Decimal from "decimal.js";
import type { Catalog } from "../catalog/load.js";
import { NIVELES, type Nivel } from "../catalog/schema.js";
import type { Problem } from "../errors.js";
import { nearest } from "../expr/suggest.js";
import type { Hierarchy } from "../hierarchy/index.js";
import { CsvTokenizer } from "../sources/csv.js";
import { LOGRO_CAP, type ScoreOverride, type Umbrales } from "./score.js";

/** One line of a metas file: the target and/or bands of one indicator for one org unit and everything below it. */
export interface MetaOverride {
  indicador: string;
  nivel: Nivel;
  /** Key of the org unit at `nivel` (`12`, `12-Z01`); empty for `nacional`. */
  clave: string;
  /** Exact decimal text, normalised (`20.50` → `20.5`). */
  meta?: string;
  umbrales?: Umbrales;
  file: string;
  line: number;
}

/**
 * Per-run targets, by indicator and org unit (`--metas metas.csv`). Targets differ by state in
 * practice, so a run may set them per entidad, región, zona or unit, or for the whole run
 * (`nacional`). For a result row the most specific line that applies wins, field by field:
 * the row's own unit, then its zona, región, entidad and the nation; then the indicator's YAML.
 */
export interface Metas {
  file: string;
  /** Indicator id → `nivel|clave` → override. */
  byIndicator: Map<string, Map<string, MetaOverride>>;
}

/** The columns of a metas file, in the order the template lists them. */
export const METAS_COLUMNS = ["indicador", "nivel", "clave", "meta", "umbral_amarillo", "umbral_verde"] as const;
const REQUIRED = ["indicador", "nivel", "clave", "meta"] as const;

const normaliseHeader = (h: string) =>
  h.trim().toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, "_");

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Reads a metas CSV from its text (the caller decodes the bytes: UTF-8, with or without BOM,
 * or Latin-1). Comma- or semicolon-delimited, header names in any case and with or without
 * accents:
 *
 * ```csv
 * indicador,nivel,clave,meta,umbral_amarillo,umbral_verde
 * C,entidad,12,20,,
 * 67,zona,12-Z01,2.5,60,80
 * ```
 *
 * `meta` may be empty when the line only sets bands, and a line with neither (a row of
 * `masb metas --plantilla` not filled in) is skipped, with one warning for all such lines;
 * `umbral_amarillo` and `umbral_verde`
 * (percent of the target, 0–100, amarillo ≤ verde) are optional, both or neither. With a
 * catalog, indicator ids and aliases are checked and resolved to the canonical id. Every
 * problem is collected, with file, line and column; a line with a problem is left out.
 */
export function parseMetas(text: string, options: { file?: string; catalog?: Catalog } = {}): { metas: Metas; problems: Problem[] } {
  const file = options.file ?? "metas.csv";
  const problems: Problem[] = [];
  const metas: Metas = { file, byIndicator: new Map() };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.slice(0, body.indexOf("\n") === -1 ? body.length : body.indexOf("\n"));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  const records: { fields: string[]; line: number; error: string | null }[] = [];
  const tokenizer = new CsvTokenizer(delimiter);
  const take = (fields: string[], line: number, error: string | null) => {
    if (fields.length === 1 && fields[0].trim() === "") return;
    records.push({ fields, line, error });
  };
  tokenizer.push(body, take);
  tokenizer.end(take);

  const problem = (code: string, line: number, message: string, extra: Partial<Problem> = {}, severity: Problem["severity"] = "error") =>
    problems.push({ code, severity, file, line, message, ...extra });
  if (records.length === 0) {
    problem("MASB_METAS_VACIO", 1, "el archivo de metas está vacío", { hint: `la primera línea debe ser el encabezado: ${METAS_COLUMNS.join(",")}` });
    return { metas, problems };
  }
  const header = records[0].fields.map(normaliseHeader);
  const at = new Map(header.map((h, i) => [h, i] as const));
  const missing = REQUIRED.filter((c) => !at.has(c));
  if (missing.length) {
    problem("MASB_METAS_COLUMNA_FALTANTE", records[0].line, `faltan las columnas ${missing.join(", ")} en el encabezado`, { hint: `encabezado esperado: ${METAS_COLUMNS.join(",")}` });
    return { metas, problems };
  }
  const column = (name: string) => (at.has(name) ? at.get(name)! + 1 : undefined);
  const ids = options.catalog ? [...options.catalog.byId.keys()] : [];
  const unfilled: number[] = [];

  for (const { fields, line, error } of records.slice(1)) {
    if (error) {
      problem("MASB_CSV_COMILLAS", line, error);
      continue;
    }
    if (fields.length !== header.length) {
      problem("MASB_CSV_NUM_CAMPOS", line, `el renglón tiene ${fields.length} campos y el encabezado ${header.length}`);
      continue;
    }
    const get = (name: string) => (at.has(name) ? fields[at.get(name)!].trim() : "");
    const bad = (code: string, col: string, message: string, hint?: string) => {
      problem(code, line, message, { column: column(col), value: get(col), hint });
      return true;
    };
    let failed = false;

    let indicador = get("indicador");
    if (!indicador) failed = bad("MASB_METAS_INDICADOR_VACIO", "indicador", "falta el indicador");
    else if (options.catalog) {
      const ind = options.catalog.byId.get(indicador);
      if (!ind) {
        const guess = nearest(indicador, ids);
        failed = bad("MASB_METAS_INDICADOR_DESCONOCIDO", "indicador", `el indicador '${indicador}' no está en el catálogo`, guess ? `¿quiso decir '${guess}'?` : "escriba el id o un alias de un indicador del catálogo");
      } else indicador = ind.id;
    }

    const nivel = get("nivel").toLowerCase() as Nivel;
    if (!(NIVELES as readonly string[]).includes(nivel)) failed = bad("MASB_METAS_NIVEL", "nivel", `nivel '${get("nivel")}' desconocido`, `use ${NIVELES.join(", ")}`);
    const clave = nivel === "nacional" ? "" : get("clave");
    if (nivel !== "nacional" && (NIVELES as readonly string[]).includes(nivel) && !clave) failed = bad("MASB_METAS_CLAVE_VACIA", "clave", `falta la clave de ${nivel}`);

    const metaText = get("meta");
    let meta: string | undefined;
    if (metaText) {
      if (!NUMBER.test(metaText)) failed = bad("MASB_METAS_VALOR", "meta", `meta '${metaText}' no es un número`, "use punto decimal y ningún separador de miles: 2.5, 1500");
      else meta = new Decimal(metaText).toString();
    }

    const ua = get("umbral_amarillo"), uv = get("umbral_verde");
    let umbrales: Umbrales | undefined;
    if (ua || uv) {
      if (!ua || !uv) failed = bad("MASB_METAS_UMBRAL_INCOMPLETO", ua ? "umbral_verde" : "umbral_amarillo", "los umbrales van en pareja: umbral_amarillo y umbral_verde");
      else {
        const [a, v] = [ua, uv].map((s) => (NUMBER.test(s) ? Number(s) : NaN));
        if (Number.isNaN(a) || a < 0 || a > LOGRO_CAP) failed = bad("MASB_METAS_VALOR", "umbral_amarillo", `umbral_amarillo '${ua}' debe ser un número de 0 a ${LOGRO_CAP} (porcentaje de la meta)`);
        else if (Number.isNaN(v) || v < 0 || v > LOGRO_CAP) failed = bad("MASB_METAS_VALOR", "umbral_verde", `umbral_verde '${uv}' debe ser un número de 0 a ${LOGRO_CAP} (porcentaje de la meta)`);
        else if (a > v) failed = bad("MASB_METAS_UMBRALES_CRUZADOS", "umbral_amarillo", `umbral_amarillo (${ua}) es mayor que umbral_verde (${uv})`, "rojo < umbral_amarillo ≤ amarillo < umbral_verde ≤ verde");
        else umbrales = { amarillo: a, verde: v };
      }
    }
    if (failed) continue;
    // A line not filled in (a template's row left for later) sets nothing: skipped, and counted.
    if (meta === undefined && umbrales === undefined) {
      unfilled.push(line);
      continue;
    }

    let forInd = metas.byIndicator.get(indicador);
    if (!forInd) metas.byIndicator.set(indicador, (forInd = new Map()));
    const key = `${nivel}|${clave}`;
    const previous = forInd.get(key);
    if (previous) {
      problem("MASB_METAS_DUPLICADA", line, `ya hay una meta para ${indicador} en ${nivel} ${clave || ""}`.trimEnd() + ` (línea ${previous.line})`, { hint: "deje un renglón por indicador y unidad" });
      continue;
    }
    forInd.set(key, { indicador, nivel, clave, meta, umbrales, file, line });
  }
  if (unfilled.length) {
    const shown = unfilled.slice(0, 5).join(", ") + (unfilled.length > 5 ? ", …" : "");
    problem("MASB_METAS_VACIO", unfilled[0], `${unfilled.length === 1 ? "1 renglón no fija" : `${unfilled.length} renglones no fijan`} meta ni umbrales y no se aplica${unfilled.length === 1 ? "" : "n"} (línea${unfilled.length === 1 ? "" : "s"} ${shown}): esas unidades conservan la meta del catálogo`, { column: column("meta") }, "aviso");
  }
  return { metas, problems };
}

/** What a metas file says for one org unit: the most specific line for each field, or nothing. */
export function overrideFor(metas: Metas | undefined, indicador: string, unit: { nivel: Nivel; entidad: string; region: string; zona: string; clues: string }): ScoreOverride {
  const forInd = metas?.byIndicator.get(indicador);
  if (!forInd) return {};
  const out: ScoreOverride = {};
  const chain: [Nivel, string][] = [["clues", unit.clues], ["zona", unit.zona], ["region", unit.region], ["entidad", unit.entidad], ["nacional", ""]];
  for (const [nivel, clave] of chain) {
    if (nivel !== "nacional" && !clave) continue;
    const o = forInd.get(`${nivel}|${clave}`);
    if (!o) continue;
    if (out.meta === undefined && o.meta !== undefined) out.meta = o.meta;
    if (out.umbrales === undefined && o.umbrales !== undefined) out.umbrales = o.umbrales;
  }
  return out;
}

/**
 * Lines whose org unit is not in the extract's hierarchy: warnings, one per unknown key with
 * the lines that name it, since a national metas file lists every state and an extract may
 * hold one.
 */
export function unknownMetaUnits(metas: Metas, hierarchy: Pick<Hierarchy, "find">): Problem[] {
  const unknown = new Map<string, MetaOverride[]>();
  for (const forInd of metas.byIndicator.values()) {
    for (const o of forInd.values()) {
      if (o.nivel === "nacional" || hierarchy.find(o.nivel, o.clave) !== undefined) continue;
      const k = `${o.nivel}|${o.clave}`;
      unknown.set(k, [...(unknown.get(k) ?? []), o]);
    }
  }
  return [...unknown.entries()].sort(([, a], [, b]) => a[0].line - b[0].line).map(([, lines]) => ({
    code: "MASB_METAS_CLAVE_DESCONOCIDA",
    severity: "aviso" as const,
    file: metas.file,
    line: lines[0].line,
    value: lines[0].clave,
    message: `${lines[0].nivel} '${lines[0].clave}' no está en el extracto; ${lines.length === 1 ? "su renglón no se aplica" : `sus ${lines.length} renglones no se aplican`}`,
  }));
}
