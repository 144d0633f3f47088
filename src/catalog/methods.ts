/**
 * Indicators with a `calculo` method (life table, HALE, SDG 3.4.1, direct standardisation,
 * fertility): their parameters are checked, and the numerator and denominator are expanded at
 * load time into one aggregate per age group, by adding an age condition to each term's
 * filter (`edad_anios entre 30 y 34`, `grupo_edad = '30-34'`). The engine's single pass and
 * roll-up see ordinary aggregates, so sums by age group roll up exactly; the method runs on
 * the per-group sums at each node (src/engine/evaluate.ts).
 *
 * ```yaml
 * calculo:
 *   metodo: estandarizacion_directa
 *   parametros:
 *     grupos: ["00-04", "05-09", …, "85+"]   # age groups (default: the population source's 18)
 *     edad_numerador: edad_anios             # numeric age column of the numerator's source, or
 *     # grupo_numerador: grupo_edad          #   a column holding the group labels
 *     grupo_denominador: grupo_edad          # same for the denominator (or edad_denominador)
 *     estandar: oms_2000_2025                # standard population (or personalizado + pesos)
 * ```
 */
import type { Problem } from "../errors.js";
import { checkExpr, formatExpr, type Node } from "../expr/index.js";
import { nearest } from "../expr/suggest.js";
import { groupListProblem, parseAgeGroup, STANDARDS, standardWeights, type AgeGroup } from "../methods/index.js";
import { aggregateKey, type Aggregate, type Indicator, type Source } from "./load.js";
import type { Metodo } from "./schema.js";
import { positionAt, type YamlDoc } from "./yaml.js";

/** What the engine needs to run a method at each node: the per-group aggregates and the method's parameters. */
export interface MethodPlan {
  metodo: Metodo;
  grupos: AgeGroup[];
  /** Names, in `Indicator.aggregates`, of the numerator and denominator of each group. */
  numerador: string[];
  denominador: string[];
  /** The numerator over all ages, and over rows of unknown age (spread over the known ages in proportion). */
  total: string;
  sinEdad: string | null;
  /** Standard weights of each group (direct standardisation), and the standard's name. */
  pesos?: number[];
  estandar?: string;
  /** Index of the group whose life expectancy (or HALE) is reported. */
  edad?: number;
  /** a of the first group of a life table (fraction of the interval). */
  naxInicial?: number;
  /** Prevalence of disability of each group (HALE), as proportions. */
  prevalencia?: number[];
  /** Fertility: report the age-specific rate of this group instead of the total fertility rate. */
  grupo?: number;
  /** Rates are per year whatever `anualizar` says (life tables, probabilities, fertility). */
  anual: boolean;
}

const POBLACION_GRUPOS = ["00-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"];
const DEFAULT_GROUPS: Record<Metodo, string[]> = {
  estandarizacion_directa: POBLACION_GRUPOS,
  tabla_de_vida: POBLACION_GRUPOS,
  hale_sullivan: POBLACION_GRUPOS,
  probabilidad_ods_3_4_1: ["30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69"],
  fecundidad_total: ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49"],
};

const COMMON = ["grupos", "edad_numerador", "grupo_numerador", "edad_denominador", "grupo_denominador", "edad_desconocida"];
const PARAMETERS: Record<Metodo, string[]> = {
  estandarizacion_directa: [...COMMON, "estandar", "pesos", "fuente_pesos"],
  tabla_de_vida: [...COMMON, "edad", "nax_inicial"],
  hale_sullivan: [...COMMON, "edad", "nax_inicial", "prevalencia", "fuente_prevalencia"],
  probabilidad_ods_3_4_1: COMMON,
  fecundidad_total: [...COMMON, "grupo"],
};

/** Methods whose rates are always per year: a life table or a probability of dying needs annual rates. */
const ANNUAL: Metodo[] = ["tabla_de_vida", "hale_sullivan", "probabilidad_ods_3_4_1", "fecundidad_total"];

/**
 * Checks an indicator's `calculo` and returns it with one aggregate per age group added and its
 * plan attached; problems go to `problems` (with file, line and column) and the indicator is
 * then left out (null). Indicators without `calculo`, and null, pass through.
 */
export function withMethod(ind: Indicator | null, sources: Map<string, Source>, doc: YamlDoc, prefix: (string | number)[], problems: Problem[]): Indicator | null {
  if (!ind || !ind.def.calculo) return ind;
  const errors = () => problems.filter((p) => p.severity === "error").length;
  const before = errors();
  const { metodo } = ind.def.calculo;
  const params = ind.def.calculo.parametros ?? {};
  const at = (key?: string, index?: number, atKey = false) => positionAt(doc, [...prefix, "calculo", ...(key ? ["parametros", key] : []), ...(index === undefined ? [] : [index])], atKey);
  const problem = (code: string, message: string, key?: string, hint?: string, index?: number, atKey = false) => {
    const p: Problem = { code, severity: "error", ...at(key, index, atKey), message };
    if (hint) p.hint = hint;
    problems.push(p);
  };

  const allowed = PARAMETERS[metodo];
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) {
      const guess = nearest(key, allowed);
      problem("MASB_METODO_PARAMETRO", `el método ${metodo} no tiene el parámetro '${key}'`, key, `${guess ? `¿quiso decir '${guess}'? ` : ""}parámetros de ${metodo}: ${allowed.join(", ")}`, undefined, true);
    }
  }
  const text = (key: string): string | undefined => {
    const v = params[key];
    if (v === undefined) return undefined;
    if (typeof v !== "string") {
      problem("MASB_METODO_PARAMETRO", `'${key}' debe ser un texto`, key);
      return undefined;
    }
    return v;
  };
  const number = (key: string, min: number, max: number): number | undefined => {
    const v = params[key];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || v < min || v > max) {
      problem("MASB_METODO_PARAMETRO", `'${key}' debe ser un número de ${min} a ${max}`, key);
      return undefined;
    }
    return v;
  };
  const numbers = (key: string, length: number, min: number, max: number): number[] | undefined => {
    const v = params[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length !== length || v.some((x) => typeof x !== "number" || x < min || x > max)) {
      problem("MASB_METODO_PARAMETRO", `'${key}' debe ser una lista de ${length} números de ${min} a ${max}, uno por grupo de edad`, key);
      return undefined;
    }
    return v as number[];
  };

  // Age groups.
  const rawGroups = params.grupos ?? DEFAULT_GROUPS[metodo];
  let grupos: AgeGroup[] = [];
  if (!Array.isArray(rawGroups)) problem("MASB_METODO_GRUPOS", "'grupos' debe ser una lista de grupos de edad, como [\"00-04\", \"05-09\", …, \"85+\"]", "grupos");
  else {
    rawGroups.forEach((label, i) => {
      const g = parseAgeGroup(String(label));
      if (g) grupos.push(g);
      else problem("MASB_METODO_GRUPOS", `'${String(label)}' no es un grupo de edad`, "grupos", "escriba el grupo como '30-34' (años cumplidos, ambos incluidos) o '85+' (abierto)", i);
    });
    if (grupos.length === rawGroups.length) {
      const open = metodo === "tabla_de_vida" || metodo === "hale_sullivan" ? "required" : metodo === "estandarizacion_directa" ? "allowed" : "forbidden";
      const why = groupListProblem(grupos, { open });
      if (why) problem("MASB_METODO_GRUPOS", `grupos de edad: ${why}`, "grupos", metodo === "tabla_de_vida" || metodo === "hale_sullivan" ? "una tabla de vida necesita grupos contiguos que terminen en un grupo abierto" : "los grupos deben ser contiguos, de menor a mayor edad");
    } else grupos = [];
  }

  // The numerator and denominator: each one aggregate of a source.
  const single = (role: "numerador" | "denominador"): { name: string; agg: Aggregate } | null => {
    const t = ind[role];
    if (!t) return null;
    const name = t.kind === "agregado" ? t.name : t.node.kind === "col" ? t.node.name : null;
    const agg = name === null ? undefined : ind.aggregates[name];
    if (!name || !agg) {
      problems.push({
        code: "MASB_METODO_TERMINO", severity: "error", ...positionAt(doc, [...prefix, role]),
        message: `con el método ${metodo}, el ${role} debe ser un solo agregado (sobre una fuente), no una expresión`,
        hint: `el método lo divide por grupo de edad; escriba el ${role} como { origen, agregado, filtro }`,
      });
      return null;
    }
    return { name, agg };
  };
  const num = single("numerador");
  const den = single("denominador");
  if (!ind.denominador) {
    problems.push({ code: "MASB_METODO_TERMINO", severity: "error", ...positionAt(doc, [...prefix, "calculo", "metodo"]), message: `el método ${metodo} necesita denominador (población o personas-año por grupo de edad)` });
  }

  /** The age condition of one group on one side, or null (with a problem) when the column does not fit. */
  const side = (role: "numerador" | "denominador", term: { agg: Aggregate } | null): ((g: AgeGroup, i: number) => Node) | null => {
    if (!term) return null;
    const source = sources.get(term.agg.source)!;
    const edadKey = `edad_${role}`, grupoKey = `grupo_${role}`;
    const edad = text(edadKey), grupo = text(grupoKey);
    const ageLike = source.scope.columns.filter((c) => /edad|grupo/.test(c.name)).map((c) => c.name);
    if ((edad === undefined) === (grupo === undefined)) {
      problem(
        "MASB_METODO_COLUMNA_EDAD",
        edad === undefined
          ? `el método ${metodo} necesita la columna de edad del ${role} (fuente '${source.name}'): escriba '${edadKey}' (edad en años) o '${grupoKey}' (grupo de edad)`
          : `escriba solo uno de '${edadKey}' y '${grupoKey}'`,
        edad === undefined ? undefined : grupoKey,
        ageLike.length ? `columnas de edad de la fuente '${source.name}': ${ageLike.join(", ")}` : `la fuente '${source.name}' no declara ninguna columna de edad o grupo de edad`,
      );
      return null;
    }
    const key = edad !== undefined ? edadKey : grupoKey;
    const column = (edad ?? grupo)!;
    const info = source.scope.columns.find((c) => c.name === column);
    if (!info) {
      const guess = nearest(column, source.scope.columns.map((c) => c.name));
      problem("MASB_METODO_COLUMNA_EDAD", `la columna '${column}' no está declarada en la fuente '${source.name}' del ${role}`, key, guess ? `¿quiso decir '${guess}'?` : ageLike.length ? `columnas de edad: ${ageLike.join(", ")}` : undefined);
      return null;
    }
    const col: Node = { kind: "col", name: column, start: 0, end: 0 };
    if (edad !== undefined) {
      if (info.type !== "integer" && info.type !== "decimal") {
        problem("MASB_METODO_COLUMNA_EDAD", `'${edadKey}' debe ser una columna numérica de edad en años, y '${column}' es de tipo ${info.type}`, key, `si la columna trae el grupo de edad ('30-34'), escriba ${grupoKey}: ${column}`);
        return null;
      }
      const n = (value: number): Node => ({ kind: "num", value, integral: true, start: 0, end: 0 });
      // Fertility counts births to mothers under 15 in the first group and over 49 in the last
      // (UN DESA, Handbook on the Collection of Fertility and Mortality Data, 2004).
      const fertility = metodo === "fecundidad_total" && role === "numerador";
      return (g, i) => {
        if (g.end === null || (fertility && i === grupos.length - 1)) return { kind: "binary", op: ">=", left: col, right: n(g.start), start: 0, end: 0 };
        if (fertility && i === 0) return { kind: "binary", op: "<=", left: col, right: n(g.end), start: 0, end: 0 };
        return { kind: "between", arg: col, low: n(g.start), high: n(g.end), start: 0, end: 0 };
      };
    }
    if (info.type !== "code" && info.type !== "string") {
      problem("MASB_METODO_COLUMNA_EDAD", `'${grupoKey}' debe ser una columna con el grupo de edad, y '${column}' es de tipo ${info.type}`, key, `si la columna trae la edad en años, escriba ${edadKey}: ${column}`);
      return null;
    }
    if (info.codes) {
      const missing = grupos.filter((g) => !info.codes!.includes(g.label));
      if (missing.length) {
        problem("MASB_METODO_GRUPOS", `los grupos ${missing.map((g) => `'${g.label}'`).join(", ")} no están entre los códigos de '${column}' (fuente '${source.name}')`, "grupos", `códigos de '${column}': ${info.codes.join(", ")}`);
        return null;
      }
    }
    return (g) => ({ kind: "binary", op: "=", left: col, right: { kind: "str", value: g.label, start: 0, end: 0 }, start: 0, end: 0 });
  };
  const numAge = side("numerador", num);
  const denAge = side("denominador", den);

  // Parameters of each method.
  const plan: Partial<MethodPlan> = {};
  if (metodo === "estandarizacion_directa") {
    const estandar = text("estandar") ?? "oms_2000_2025";
    if (estandar === "personalizado") {
      const pesos = numbers("pesos", grupos.length, 0, Number.MAX_VALUE);
      if (params.pesos === undefined) problem("MASB_METODO_ESTANDAR", "con estandar: personalizado escriba 'pesos', la población estándar de cada grupo de edad", "estandar");
      if (text("fuente_pesos") === undefined) problem("MASB_METODO_ESTANDAR", "con estandar: personalizado escriba 'fuente_pesos': de dónde viene la población estándar (cita)", "estandar");
      if (pesos) plan.pesos = pesos;
    } else if (!STANDARDS[estandar]) {
      const guess = nearest(estandar, Object.keys(STANDARDS));
      problem("MASB_METODO_ESTANDAR", `estándar desconocido '${estandar}'`, "estandar", `${guess ? `¿quiso decir '${guess}'? ` : ""}estándares incluidos: ${Object.keys(STANDARDS).join(", ")}; o personalizado con pesos y fuente_pesos`);
    } else if (grupos.length) {
      if (params.pesos !== undefined) problem("MASB_METODO_PARAMETRO", "'pesos' va solo con estandar: personalizado", "pesos");
      const w = standardWeights(STANDARDS[estandar], grupos);
      if (typeof w === "string") problem("MASB_METODO_ESTANDAR", w, "grupos");
      else plan.pesos = w;
    }
    plan.estandar = estandar;
  }
  if (metodo === "tabla_de_vida" || metodo === "hale_sullivan") {
    const edad = number("edad", 0, 130) ?? 0;
    const index = grupos.findIndex((g) => g.start === edad);
    if (grupos.length && index < 0) problem("MASB_METODO_PARAMETRO", `ningún grupo empieza en la edad ${edad}`, params.edad === undefined ? "grupos" : "edad", `la esperanza de vida se da al inicio de un grupo: ${grupos.map((g) => g.start).join(", ")}`);
    plan.edad = index;
    plan.naxInicial = number("nax_inicial", 0, 1);
    if (ind.def.unidad !== "anios" && !["razon", "promedio", "indice"].includes(ind.def.unidad)) {
      problems.push({ code: "MASB_METODO_UNIDAD", severity: "error", ...positionAt(doc, [...prefix, "unidad"]), message: `la esperanza de vida se expresa en años: la unidad '${ind.def.unidad}' la multiplicaría`, hint: "use unidad: anios" });
    }
  }
  if (metodo === "hale_sullivan") {
    // Without a prevalence the indicator is valid and comes out `sin_datos`, like a missing source.
    if (params.prevalencia === undefined) {
      problems.push({
        code: "MASB_METODO_SIN_PREVALENCIA", severity: "aviso", ...at(),
        message: "hale_sullivan sin 'prevalencia': el indicador saldrá con estado sin_datos hasta que tenga la proporción (0 a 1) de personas con discapacidad de cada grupo de edad",
        hint: "escriba prevalencia: [p1, p2, …], una por grupo, y su cita en 'fuente_prevalencia' (encuesta, año, cuadro)",
      });
    } else {
      plan.prevalencia = numbers("prevalencia", grupos.length, 0, 1);
      if (text("fuente_prevalencia") === undefined) problem("MASB_METODO_PARAMETRO", "escriba 'fuente_prevalencia': de dónde vienen las prevalencias de discapacidad (encuesta, año, cuadro)", "prevalencia");
    }
  }
  if (metodo === "fecundidad_total") {
    const grupo = text("grupo");
    if (grupo !== undefined) {
      const index = grupos.findIndex((g) => g.label === grupo);
      if (index < 0 && grupos.length) problem("MASB_METODO_PARAMETRO", `'${grupo}' no está entre los grupos`, "grupo", `grupos: ${grupos.map((g) => g.label).join(", ")}`);
      plan.grupo = index;
    }
  }
  const unknown = text("edad_desconocida") ?? "prorratear";
  if (unknown !== "prorratear" && unknown !== "excluir") problem("MASB_METODO_PARAMETRO", `'edad_desconocida' es prorratear o excluir, no '${unknown}'`, "edad_desconocida");

  if (errors() > before || !num || !den || !numAge || !denAge || grupos.length === 0) return null;

  // The expansion: one aggregate per group and side, plus the numerator rows of unknown age.
  const aggregates: Record<string, Aggregate> = { ...ind.aggregates };
  const derive = (base: Aggregate, condition: Node): Aggregate => {
    const filter: Node = base.filter ? { kind: "binary", op: "y", left: base.filter, right: condition, start: 0, end: 0 } : condition;
    const source = sources.get(base.source)!;
    const checked = checkExpr(filter, source.scope, "boolean");
    if (checked.problems.length) throw new Error(`filtro sintetizado inválido: ${formatExpr(filter)}: ${checked.problems[0].message}`);
    const { key: _, ...rest } = base;
    return { ...rest, filter, key: aggregateKey({ ...rest, filter }) };
  };
  // '#' cannot appear in a name written in YAML, so these never collide with the author's names.
  const numerador = grupos.map((g, i) => {
    const name = `${num.name}#${g.label}`;
    aggregates[name] = derive(num.agg, numAge(g, i));
    return name;
  });
  const denominador = grupos.map((g, i) => {
    const name = `${den.name}#${g.label}`;
    aggregates[name] = derive(den.agg, denAge(g, i));
    return name;
  });
  let sinEdad: string | null = null;
  if (unknown === "prorratear") {
    const ageColumn = (text("edad_numerador") ?? text("grupo_numerador"))!;
    sinEdad = `${num.name}#sin_edad`;
    aggregates[sinEdad] = derive(num.agg, { kind: "isnull", arg: { kind: "col", name: ageColumn, start: 0, end: 0 }, negated: false, start: 0, end: 0 });
  }
  const metodoPlan: MethodPlan = { metodo, grupos, numerador, denominador, total: num.name, sinEdad, anual: ANNUAL.includes(metodo), ...plan };
  return { ...ind, aggregates, metodo: metodoPlan };
}
