import type { ZodError } from "zod";
import type { Problem } from "../errors.js";
import {
  checkExpr, ExprSyntaxError, formatExpr, parseExpr,
  type ColumnInfo, type ExprProblem, type ExprType, type Node, type Scope,
} from "../expr/index.js";
import { DECODERS } from "../sources/decoders.js";
import {
  fuenteSchema, indicadorSchema, NIVELES,
  type AgregadoDef, type ClaveIntento, type FuenteDef, type IndicadorDef, type Nivel, type TerminoDef, type TipoColumna, type Universo, type UniversoFuente,
} from "./schema.js";
import { parseYaml, positionAt, positionInScalar, type CatalogText, type YamlDoc } from "./yaml.js";
import {
  checkIdentity, checkMeta, checkReferences, checkThresholds, exprProblemInContext, partialIndicator, PARSE_PARAMS, schemaProblems,
  type ExprWhere, type IndicatorEntry,
} from "./checks.js";
import { inlineReferences, type ResolvedReference } from "./derived.js";
import { nearest } from "../expr/suggest.js";
import { withMethod, type MethodPlan } from "./methods.js";
import { loadDictionaries, mentionedCodes, requiredCodes, type Dictionaries, type Dictionary, type DictionaryDoc } from "./dictionaries.js";

/** A source schema, checked, with the scope its expressions are checked and compiled against. */
export interface Source {
  name: string;
  def: FuenteDef;
  file: string;
  /** Logical columns in row order: declared columns, then the pivot's variable and value. */
  scope: Scope;
  index: Map<string, number>;
  /** Finest level a row of this source can attach to. */
  finestLevel: Nivel;
  incluir?: Node;
  reporta?: Node;
  /** CLUES catalog only: which units are closed (see `fuera_de_operacion`). */
  fueraDeOperacion?: Node;
  /** The universe of its rows as its own key attaches them. */
  universo: UniversoFuente;
  /** The other universes its aggregates may choose, with their key and condition. */
  universos: Map<UniversoFuente, SourceUniverse>;
  /** With yearly dictionaries (SIS): every code some dictionary lists; other pivoted columns are not read. */
  variables?: string[];
}

/** Another universe of a source: rows attached by another key (or the same), meeting a condition. */
export interface SourceUniverse {
  clave?: ClaveIntento[];
  filtro?: Node;
  sinClave: "rechazar" | "no_especificada" | "fuera_de_alcance";
}

/** One aggregate as the engine evaluates it: shared by every indicator that asks for the same thing. */
export interface Aggregate {
  /** Canonical text; equal keys are one accumulator. */
  key: string;
  source: string;
  kind: AgregadoDef["agregado"];
  filter?: Node;
  value?: Node;
  periodo: "suma" | "ultimo";
  /** Key override (attach by residence, say); undefined = the source's own key. */
  clave?: ClaveIntento[];
  /** With a key override: what rows with no key become (a universe's `sin_clave`; `no_especificada` by default). */
  sinClave?: "rechazar" | "no_especificada" | "fuera_de_alcance";
  /** Whose events or people it counts (the source's universe, or the one the aggregate chose). */
  universo: UniversoFuente;
  /** Condition on the row's unit, over the CLUES catalog's columns. */
  unidad?: Node;
  /** Decimal places kept exactly when summing `value`. */
  scale: number;
}

export type Term = { kind: "agregado"; name: string } | { kind: "expresion"; node: Node; names: string[] };

/**
 * One indicator of the catalog, checked and compiled: its id (the Tabla 1 key), its
 * definition as written in YAML (`def`: nombre, unidad, meta, componentes…), the file it
 * comes from, the aggregates it reads and its numerator and denominator over them.
 */
export interface Indicator {
  id: string;
  def: IndicadorDef;
  file: string;
  aggregates: Record<string, Aggregate>;
  numerador: Term;
  denominador?: Term;
  /** Finest hierarchy level at which the indicator is reported. */
  desdeNivel: Nivel;
  /** The universe its numerator and denominator count (declared, or inferred from its aggregates); null when they count no people or events. */
  universo: Universo | null;
  sources: string[];
  /** Named aggregates taken from other indicators' terms, inlined (see src/catalog/derived.ts). */
  referencias?: Record<string, ResolvedReference>;
  /** A `calculo` method: its per-age-group aggregates and parameters (see src/catalog/methods.ts). */
  metodo?: MethodPlan;
  /** Why the declared sources cannot compute it, and which source could (`no_calculable`): it has no aggregates. */
  noCalculable?: { motivo: string; fuentePosible?: string };
}

/**
 * A loaded catalog (`loadCatalog`): the source schemas by name, the indicators in Tabla 1
 * order, each indicator by id and by alias, and the SIS variable dictionaries by year.
 */
export interface Catalog {
  sources: Map<string, Source>;
  indicators: Indicator[];
  byId: Map<string, Indicator>;
  /** Yearly variable dictionaries of pivoted sources (SIS), by source and year. */
  dictionaries: Dictionaries;
}

export interface BuildResult {
  catalog: Catalog;
  problems: Problem[];
}

const EXPR_TYPE: Record<TipoColumna, ColumnInfo["type"]> = {
  texto: "string", entero: "integer", decimal: "decimal", fecha: "date", codigo: "code",
};

/** Names an expression over aggregates may use besides the aggregates themselves. */
export const TERM_CONSTANTS: ColumnInfo[] = [
  { name: "dias_periodo", type: "integer" },
  { name: "meses_periodo", type: "integer" },
];

function zodProblems(err: ZodError, doc: YamlDoc, prefix: (string | number)[], what: "indicador" | "fuente"): Problem[] {
  return schemaProblems(err, doc, prefix, what);
}

function exprProblem(doc: YamlDoc, path: (string | number)[], p: ExprProblem | ExprSyntaxError, text: string, where?: ExprWhere): Problem {
  const offset = p instanceof ExprSyntaxError ? p.offset : p.start;
  const pos = positionInScalar(doc, path, offset);
  const hint = p instanceof ExprSyntaxError ? [p.hint, `en la expresión: ${text}`].filter(Boolean).join("; ") : p.hint;
  const said = where && !(p instanceof ExprSyntaxError) ? exprProblemInContext({ code: p.code, message: p.message, hint }, text.slice(p.start, p.end), where) : { code: p.code, message: p.message, hint };
  const problem: Problem = { code: said.code, severity: "error", ...pos, message: said.message };
  if (said.hint) problem.hint = said.hint;
  return problem;
}

/** What an expression over a source's columns is checked against, for messages that name the source. */
function sourceWhere(def: FuenteDef, scope: Scope): ExprWhere {
  return { kind: "fuente", name: def.fuente, columns: scope.columns.map((c) => c.name), columnas: def.columnas };
}

function parseChecked(
  text: string, scope: Scope, expect: ExprType | "numeric", doc: YamlDoc, path: (string | number)[], problems: Problem[], where?: ExprWhere,
): { node: Node; type: ExprType; columns: string[] } | null {
  let node: Node;
  try {
    node = parseExpr(text);
  } catch (e) {
    if (e instanceof ExprSyntaxError) {
      problems.push(exprProblem(doc, path, e, text, where));
      return null;
    }
    throw e;
  }
  const checked = checkExpr(node, scope, expect);
  for (const p of checked.problems) problems.push(exprProblem(doc, path, p, text, where));
  return checked.problems.length ? null : { node, type: checked.type, columns: checked.columns };
}

function loadSource(def: FuenteDef, doc: YamlDoc, prefix: (string | number)[], problems: Problem[]): Source {
  const columns: ColumnInfo[] = [];
  const index = new Map<string, number>();
  def.columnas.forEach((c, i) => {
    const path = [...prefix, "columnas", i];
    if (index.has(c.nombre)) {
      problems.push({ code: "MASB_COLUMNA_DUPLICADA", severity: "error", ...positionAt(doc, [...path, "nombre"]), message: `la columna '${c.nombre}' está declarada dos veces en la fuente '${def.fuente}'` });
    }
    if (c.decodificar) {
      const dec = DECODERS[c.decodificar];
      if (!dec) {
        problems.push({ code: "MASB_DECODIFICADOR_DESCONOCIDO", severity: "error", ...positionAt(doc, [...path, "decodificar"]), message: `decodificador desconocido '${c.decodificar}'`, hint: `disponibles: ${Object.keys(DECODERS).join(", ")}` });
      } else if ((c.de?.length ?? 0) !== dec.arity) {
        problems.push({ code: "MASB_DECODIFICADOR_ARGUMENTOS", severity: "error", ...positionAt(doc, [...path, "de"]), message: `'${c.decodificar}' necesita ${dec.arity} columna(s) en 'de'` });
      }
    } else if (c.de && c.de.length !== 1) {
      problems.push({ code: "MASB_DECODIFICADOR_ARGUMENTOS", severity: "error", ...positionAt(doc, [...path, "de"]), message: `'de' con varias columnas necesita 'decodificar'` });
    }
    if (c.tipo === "fecha" && !c.decodificar && !c.formato) {
      problems.push({ code: "MASB_FORMATO_FECHA", severity: "error", ...positionAt(doc, [...path, "tipo"]), message: `la columna de fecha '${c.nombre}' necesita 'formato' (dd/mm/aaaa o aaaa-mm-dd)` });
    }
    index.set(c.nombre, columns.length);
    const codes = c.codigos ? (Array.isArray(c.codigos) ? c.codigos : Object.keys(c.codigos)) : undefined;
    columns.push({ name: c.nombre, type: EXPR_TYPE[c.tipo], codes });
  });
  if (def.pivote) {
    try {
      new RegExp(def.pivote.columnas);
    } catch {
      problems.push({ code: "MASB_PIVOTE_PATRON", severity: "error", ...positionAt(doc, [...prefix, "pivote", "columnas"]), message: `patrón de columnas inválido: ${def.pivote.columnas}` });
    }
    index.set(def.pivote.variable, columns.length);
    // Its codes depend on the year: an aggregate is checked against its year's dictionary (dictionaryScope).
    columns.push({ name: def.pivote.variable, type: "string" });
    index.set(def.pivote.valor, columns.length);
    columns.push({ name: def.pivote.valor, type: EXPR_TYPE[def.pivote.tipo] });
  }
  const mustExist = (name: string | undefined, path: (string | number)[]) => {
    if (name !== undefined && !index.has(name)) {
      problems.push({ code: "MASB_COLUMNA_DESCONOCIDA", severity: "error", ...positionAt(doc, path), message: `la columna '${name}' no está declarada en la fuente '${def.fuente}'`, hint: `columnas: ${[...index.keys()].join(", ")}` });
    }
  };
  def.clave?.forEach((k, i) => {
    mustExist(k.columna, [...prefix, "clave", i, "columna"]);
    mustExist(k.nivel_columna, [...prefix, "clave", i, "nivel_columna"]);
    if (!k.nivel && !(k.nivel_columna && k.niveles)) {
      problems.push({ code: "MASB_CLAVE_NIVEL", severity: "error", ...positionAt(doc, [...prefix, "clave", i]), message: "cada clave necesita 'nivel', o 'nivel_columna' con 'niveles'" });
    }
  });
  if (def.periodo) {
    mustExist(def.periodo.fecha, [...prefix, "periodo", "fecha"]);
    mustExist(def.periodo.anio, [...prefix, "periodo", "anio"]);
    mustExist(def.periodo.mes, [...prefix, "periodo", "mes"]);
  }
  def.unico?.forEach((u, i) => mustExist(u, [...prefix, "unico", i]));
  if (Array.isArray(def.llave)) {
    // Declared columns only: the pivot's variable and value are not what identifies a record.
    const declared = new Set(def.columnas.map((c) => c.nombre));
    def.llave.forEach((u, i) => {
      if (declared.has(u)) return;
      if (!index.has(u)) return mustExist(u, [...prefix, "llave", i]);
      problems.push({ code: "MASB_COLUMNA_DESCONOCIDA", severity: "error", ...positionAt(doc, [...prefix, "llave", i]), message: `'llave' nombra '${u}', una columna del pivote; la llave de un registro son columnas de 'columnas'` });
    });
  }
  if (def.llave && def.rol) {
    // The hierarchy's sources are read apart, with a check of their own: one row per CLUES.
    problems.push({ code: "MASB_ESQUEMA", severity: "error", ...positionAt(doc, [...prefix, "llave"], true), message: `la fuente '${def.fuente}' (rol ${def.rol}) no lleva 'llave': cada CLUES ya debe aparecer una sola vez en ella` });
  }
  const scope: Scope = { columns };
  let incluir: Node | undefined;
  if (def.incluir) incluir = parseChecked(def.incluir, scope, "boolean", doc, [...prefix, "incluir"], problems, sourceWhere(def, scope))?.node;
  let reporta: Node | undefined;
  if (def.reporta) reporta = parseChecked(def.reporta, scope, "boolean", doc, [...prefix, "reporta"], problems, sourceWhere(def, scope))?.node;
  let fueraDeOperacion: Node | undefined;
  if (def.fuera_de_operacion) fueraDeOperacion = parseChecked(def.fuera_de_operacion, scope, "boolean", doc, [...prefix, "fuera_de_operacion"], problems, sourceWhere(def, scope))?.node;
  mustExist(def.fecha_baja, [...prefix, "fecha_baja"]);
  if (def.fecha_baja && index.has(def.fecha_baja) && def.columnas.find((c) => c.nombre === def.fecha_baja)?.tipo !== "fecha") {
    problems.push({ code: "MASB_ESQUEMA", severity: "error", ...positionAt(doc, [...prefix, "fecha_baja"]), message: `'fecha_baja' debe nombrar una columna de tipo fecha; '${def.fecha_baja}' no lo es` });
  }
  const finestLevel = finestOf(def.clave ?? [{ columna: "clues", nivel: "clues" }]);
  const universo: UniversoFuente = def.universo ?? (def.rol === "catalogo_clues" || finestLevel === "clues" ? "red" : "residentes");
  const universos = new Map<UniversoFuente, SourceUniverse>();
  for (const [name, u] of Object.entries(def.universos ?? {}) as [UniversoFuente, NonNullable<FuenteDef["universos"]>[UniversoFuente]][]) {
    if (!u) continue;
    const path = [...prefix, "universos", name];
    if (name === universo) {
      problems.push({ code: "MASB_UNIVERSO_FUENTE", severity: "error", ...positionAt(doc, path, true), message: `'${name}' es el universo propio de la fuente '${def.fuente}' (su clave): no se declara en 'universos'` });
      continue;
    }
    u.clave?.forEach((k, i) => {
      mustExist(k.columna, [...path, "clave", i, "columna"]);
      mustExist(k.nivel_columna, [...path, "clave", i, "nivel_columna"]);
    });
    const filtro = u.filtro ? parseChecked(u.filtro, scope, "boolean", doc, [...path, "filtro"], problems, sourceWhere(def, scope))?.node : undefined;
    universos.set(name, { clave: u.clave, filtro, sinClave: u.sin_clave ?? "no_especificada" });
  }
  return { name: def.fuente, def, file: doc.file, scope, index, finestLevel, incluir, reporta, fueraDeOperacion, universo, universos };
}

/**
 * Canonical text of an aggregate: equal texts are one accumulator in the single pass. Every
 * field that changes which rows count, or where they attach, is in it.
 */
export function aggregateKey(a: Omit<Aggregate, "key">): string {
  const attach = a.clave ? JSON.stringify({ clave: a.clave, sin_clave: a.sinClave ?? "no_especificada", universo: a.universo }) : "";
  return [a.source, a.kind, a.filter ? formatExpr(a.filter) : "", a.value ? formatExpr(a.value) : "", a.periodo, attach, a.unidad ? formatExpr(a.unidad) : ""].join("|");
}

/** The finest level an aggregate's rows attach to. */
export function aggregateLevel(agg: Aggregate, sources: Map<string, Source>): Nivel {
  return agg.clave ? finestOf(agg.clave) : sources.get(agg.source)!.finestLevel;
}

/** The finest level any of the key attempts can attach a row to. */
function finestOf(clave: ClaveIntento[]): Nivel {
  const levels = clave.flatMap((k) => (k.nivel ? [k.nivel] : Object.values(k.niveles ?? {})));
  return levels.reduce<Nivel>((a, b) => (NIVELES.indexOf(b) > NIVELES.indexOf(a) ? b : a), "nacional");
}

function scaleOf(columns: string[], source: Source): number {
  let scale = 0;
  for (const name of columns) {
    const col = source.def.columnas.find((c) => c.nombre === name);
    if (col?.tipo === "decimal") scale = Math.max(scale, col.escala ?? 2);
    if (source.def.pivote && name === source.def.pivote.valor && source.def.pivote.tipo === "decimal") scale = Math.max(scale, 2);
  }
  return scale;
}

/** What an indicator's aggregates are checked with besides the sources: the dictionaries and the years it names. */
interface DictionaryContext {
  dictionaries: Dictionaries;
  /** `diccionarios` of the indicator: the year of each source's dictionary. */
  years?: Record<string, number>;
  /** Path of the indicator (for positions in `diccionarios`). */
  prefix: (string | number)[];
  /** Sources whose missing year was reported already: once per indicator, not per aggregate. */
  reported?: Set<string>;
}

function loadAggregate(
  def: AgregadoDef, sources: Map<string, Source>, doc: YamlDoc, path: (string | number)[], problems: Problem[], dict?: DictionaryContext,
): Aggregate | null {
  const source = sources.get(def.origen);
  if (!source) {
    problems.push({
      code: "MASB_FUENTE_DESCONOCIDA", severity: "error", ...positionAt(doc, [...path, "origen"]),
      message: `la fuente '${def.origen}' no está declarada`,
      hint: `${nearest(def.origen, [...sources.keys()]) ? `¿quiso decir '${nearest(def.origen, [...sources.keys()])}'? ` : ""}fuentes declaradas: ${[...sources.keys()].join(", ")}`,
    });
    return null;
  }
  // A source whose variables change by year (SIS) is read with the dictionary of the year the indicator names.
  const byYear = dict?.dictionaries.get(source.name);
  let scope = source.scope;
  let dictionary: Dictionary | undefined;
  if (byYear && byYear.size > 0 && source.def.pivote) {
    dictionary = dictionaryFor(source, byYear, dict!, doc, path, problems);
    if (!dictionary) return null;
    scope = dictionaryScope(source, dictionary);
  }
  const where = sourceWhere(source.def, scope);
  const before = problems.length;
  const filter = def.filtro ? parseChecked(def.filtro, scope, "boolean", doc, [...path, "filtro"], problems, where) : undefined;
  if (dictionary) for (let i = before; i < problems.length; i++) problems[i] = variableProblem(problems[i], dictionary);
  const value = def.valor ? parseChecked(def.valor, source.scope, def.agregado === "distintos" ? ("string" as ExprType) : "numeric", doc, [...path, "valor"], problems, where) : undefined;
  if (filter === null || value === null) return null;
  const periodo = def.periodo ?? source.def.acumulacion;
  if (dictionary && !checkVariables(def, filter?.node, periodo, source, dictionary, doc, path, problems)) return null;
  const scale = value && value.type === "decimal" ? scaleOf(value.columns, source) : 0;
  const universo = def.universo ?? source.universo;
  const other = universo === source.universo ? undefined : source.universos.get(universo);
  if (universo !== source.universo && !other) {
    const offered = [source.universo, ...source.universos.keys()];
    problems.push({
      code: "MASB_UNIVERSO_FUENTE", severity: "error", ...positionAt(doc, [...path, "universo"]),
      message: `la fuente '${source.name}' no ofrece el universo '${universo}'`,
      hint: `universos de '${source.name}': ${offered.join(", ")} (los declara la fuente en 'universo' y 'universos')`,
    });
    return null;
  }
  if (def.clave && !def.universo) {
    problems.push({
      code: "MASB_UNIVERSO_CLAVE", severity: "error", ...positionAt(doc, [...path, "clave"], true),
      message: "una 'clave' propia cambia a quién cuenta el agregado (por CLUES, la red; por residencia, los residentes): declare también su 'universo'",
      hint: `universos de '${source.name}': ${[source.universo, ...source.universos.keys()].join(", ")}; si la fuente ya ofrece el universo con esa clave, basta universo: <nombre>`,
    });
    return null;
  }
  const clave = def.clave ?? other?.clave;
  const sinClave = clave ? other?.sinClave ?? "no_especificada" : undefined;
  // A universe's condition goes before the aggregate's own, as one more conjunct.
  const rows = other?.filtro && filter ? { kind: "binary" as const, op: "y" as const, left: other.filtro, right: filter.node, start: 0, end: 0 } : other?.filtro ?? filter?.node;
  def.clave?.forEach((k, i) => {
    for (const [field, col] of [["columna", k.columna], ["nivel_columna", k.nivel_columna]] as const) {
      if (col !== undefined && !source.index.has(col)) {
        problems.push({ code: "MASB_COLUMNA_DESCONOCIDA", severity: "error", ...positionAt(doc, [...path, "clave", i, field]), message: `la columna '${col}' no está declarada en la fuente '${source.name}'`, hint: `columnas: ${[...source.index.keys()].join(", ")}` });
      }
    }
  });
  let unidad: Node | undefined;
  if (def.unidad) {
    const clues = [...sources.values()].find((s) => s.def.rol === "catalogo_clues");
    if (!clues) {
      problems.push({ code: "MASB_SIN_CATALOGO_CLUES", severity: "error", ...positionAt(doc, [...path, "unidad"]), message: "'unidad' filtra por columnas del catálogo CLUES, y ninguna fuente tiene 'rol: catalogo_clues'" });
      return null;
    }
    const checked = parseChecked(def.unidad, clues.scope, "boolean", doc, [...path, "unidad"], problems, sourceWhere(clues.def, clues.scope));
    if (!checked) return null;
    unidad = checked.node;
  }
  const agg: Omit<Aggregate, "key"> = { source: source.name, kind: def.agregado, filter: rows, value: value?.node, periodo, clave, sinClave, universo, unidad, scale };
  return { key: aggregateKey(agg), ...agg };
}

// ---------------------------------------------------------------- yearly variables (SIS)

/** The dictionary of the year the indicator names for this source, or undefined after reporting (once per indicator) why there is none. */
function dictionaryFor(
  source: Source, byYear: Map<number, Dictionary>, dict: DictionaryContext, doc: YamlDoc, path: (string | number)[], problems: Problem[],
): Dictionary | undefined {
  const years = [...byYear.keys()].sort();
  const year = dict.years?.[source.name];
  const once = !(dict.reported ??= new Set()).has(source.name);
  dict.reported.add(source.name);
  if (year === undefined) {
    if (!once) return undefined;
    problems.push({
      code: "MASB_DICCIONARIO_ANIO", severity: "error", ...positionAt(doc, [...path, "origen"]),
      message: `las variables de la fuente '${source.name}' cambian de un año a otro y el indicador no dice de qué año son las que lee`,
      hint: `escriba en el indicador diccionarios: { ${source.name}: ${years[years.length - 1]} } (diccionarios de '${source.name}': ${years.join(", ")})`,
    });
    return undefined;
  }
  const found = byYear.get(year);
  if (!found && once) {
    problems.push({
      code: "MASB_DICCIONARIO_ANIO", severity: "error", ...positionAt(doc, [...dict.prefix, "diccionarios", source.name]),
      message: `no hay diccionario de variables de '${source.name}' de ${year}`,
      hint: `diccionarios de '${source.name}': ${years.join(", ")}; para otro año agregue sources/${source.name}/variables_${year}.yaml con el listado de variables de ${year} junto a él`,
    });
  }
  return found;
}

const scopes = new WeakMap<Dictionary, Map<Source, Scope>>();

/** The source's scope with the pivoted variable column coded by the year's dictionary. */
function dictionaryScope(source: Source, d: Dictionary): Scope {
  let bySource = scopes.get(d);
  if (!bySource) scopes.set(d, (bySource = new Map()));
  let scope = bySource.get(source);
  if (!scope) {
    const codes = [...d.variables.keys()];
    const name = source.def.pivote!.variable;
    scope = { columns: source.scope.columns.map((c) => (c.name === name ? { ...c, type: "code" as const, codes } : c)) };
    bySource.set(source, scope);
  }
  return scope;
}

const describeVariable = (d: Dictionary, code: string) => {
  const v = d.variables.get(code) ?? d.listed?.get(code);
  if (!v) return code;
  return "texto" in v ? `${code} ${v.texto} (${v.apartado})` : `${v.variable} (${v.apartado})`;
};

/** A filter naming a code the year's dictionary lacks: said with the year, a did-you-mean and, if DGIS lists it, how to add it. */
function variableProblem(p: Problem, d: Dictionary): Problem {
  if (p.code !== "MASB_EXPR_CODIGO_DESCONOCIDO") return p;
  // The checker quotes the unknown literal first in its message (src/expr/check.ts, knownCode).
  const code = /'([^']*)'/.exec(p.message)?.[1] ?? "";
  const inList = d.listed?.get(code);
  const guess = nearest(code, [...d.variables.keys()]);
  const message = `la variable '${code}' no está en el diccionario ${d.source.toUpperCase()} ${d.year} (${d.file})`;
  let hint: string;
  if (inList) hint = `${inList.variable} (apartado ${inList.apartado}) existe en el listado de ${d.year}: si es la que busca, agréguela a ${d.file} en su apartado con ese texto`;
  else if (guess) hint = `¿quiso decir '${guess}'? (${describeVariable(d, guess)})`;
  else hint = `${d.listed ? `tampoco está en el listado de variables de ${d.year}; ` : ""}los códigos cambian de un año a otro: búsquela por su texto en el listado de ${d.year}`;
  return { ...p, message, hint };
}

/**
 * The variables an aggregate reads: it must choose them (`variable = '…'` or `variable en […]`),
 * and add them up over the months only if they are flows: a stock (`acumulable: no`, patients
 * in treatment, a census) takes the last month of the window (`periodo: ultimo`), and an
 * aggregate with `periodo: ultimo` reads stocks only.
 */
function checkVariables(
  def: AgregadoDef, filter: Node | undefined, periodo: "suma" | "ultimo", source: Source, d: Dictionary, doc: YamlDoc, path: (string | number)[], problems: Problem[],
): boolean {
  const column = source.def.pivote!.variable;
  if (requiredCodes(filter, column) === null) {
    problems.push({
      code: "MASB_DICCIONARIO_SIN_VARIABLES", severity: "error", ...positionAt(doc, [...path, def.filtro ? "filtro" : "origen"]),
      message: `el agregado de '${source.name}' no elige sus variables: sumaría todas las columnas de los archivos`,
      hint: `escriba filtro: "${column} en ['…', '…']" con los códigos del diccionario ${d.year}`,
    });
    return false;
  }
  const codes = mentionedCodes(filter, column).filter((c) => d.variables.has(c));
  const wrong = codes.filter((c) => d.variables.get(c)!.acumulable === (periodo === "ultimo"));
  if (wrong.length === 0) return true;
  const filterText = def.filtro ?? "";
  if (periodo === "suma") {
    const first = wrong[0];
    const at = filterText.indexOf(`'${first}'`);
    problems.push({
      code: "MASB_VARIABLE_ACUMULABLE", severity: "error", ...(at >= 0 ? positionInScalar(doc, [...path, "filtro"], at) : positionAt(doc, [...path, "filtro"])),
      message: `${wrong.join(", ")} ${wrong.length === 1 ? "es un acervo" : "son acervos"} (acumulable: no en el diccionario ${d.year}: ${describeVariable(d, first)}) y el agregado suma los meses de la ventana`,
      hint: codes.length === wrong.length
        ? "los acervos (pacientes en tratamiento, censos) toman el último mes de la ventana: escriba periodo: ultimo en el agregado"
        : `no mezcle acervos con flujos en un agregado: ponga ${wrong.join(", ")} en un agregado con periodo: ultimo`,
    });
  } else {
    problems.push({
      code: "MASB_VARIABLE_ACUMULABLE", severity: "error", ...positionAt(doc, [...path, def.periodo ? "periodo" : "origen"]),
      message: `el agregado toma el último mes de la ventana (periodo: ultimo) y ${wrong.join(", ")} ${wrong.length === 1 ? "es un flujo" : "son flujos"} (acumulable en el diccionario ${d.year}: ${describeVariable(d, wrong[0])}): se perderían los meses anteriores`,
      hint: codes.length === wrong.length ? "quite periodo: ultimo: los flujos se suman sobre los meses de la ventana" : `no mezcle acervos con flujos en un agregado: ponga ${wrong.join(", ")} en otro agregado, sin periodo: ultimo`,
    });
  }
  return false;
}

/**
 * Loads one indicator's aggregates and terms. Also called on the fields that parsed of an
 * indicator that failed its schema (`def` partial), to report its expression problems too;
 * `names` are then all the aggregate names written, parsed or not.
 */
function loadIndicator(
  def: IndicadorDef, sources: Map<string, Source>, dictionaries: Dictionaries, doc: YamlDoc, prefix: (string | number)[], problems: Problem[], names = Object.keys(def.agregados ?? {}),
): Indicator | null {
  const before = problems.length;
  const aggregates: Record<string, Aggregate> = {};
  const dict: DictionaryContext = { dictionaries, years: def.diccionarios, prefix };
  if (def.no_calculable) {
    // Nothing to read: a constant term stands for the numerator, never evaluated (its results say no_calculable).
    const zero: Node = { kind: "num", value: 0, integral: true, start: 0, end: 0 };
    return {
      id: def.id, def, file: doc.file, aggregates, numerador: { kind: "expresion", node: zero, names: [] }, desdeNivel: def.desde_nivel ?? "nacional",
      sources: [], universo: def.universo ?? null, noCalculable: { motivo: def.no_calculable.motivo, fuentePosible: def.no_calculable.fuente_posible },
    };
  }
  // Every year named must have its dictionary, even for a source the indicator does not read yet.
  for (const [name, year] of Object.entries(def.diccionarios ?? {})) {
    const byYear = dictionaries.get(name);
    if (byYear?.has(year)) continue;
    dict.reported = new Set([name]);
    const years = [...(byYear?.keys() ?? [])].sort();
    problems.push({
      code: "MASB_DICCIONARIO_ANIO", severity: "error", ...positionAt(doc, [...prefix, "diccionarios", name]),
      message: byYear ? `no hay diccionario de variables de '${name}' de ${year}` : `la fuente '${name}' no tiene diccionarios de variables por año`,
      hint: byYear
        ? `diccionarios de '${name}': ${years.join(", ")}; para otro año agregue sources/${name}/variables_${year}.yaml con el listado de variables de ${year} junto a él`
        : `los diccionarios son documentos 'diccionario: ${name}' (sources/${name}/variables_<año>.yaml); ¿faltan en el catálogo?`,
    });
  }
  for (const [name, a] of Object.entries(def.agregados ?? {})) {
    if ("indicador" in a) continue; // another indicator's term: inlined by resolveReferences
    const agg = loadAggregate(a, sources, doc, [...prefix, "agregados", name], problems, dict);
    if (agg) aggregates[name] = agg;
  }
  const term = (t: TerminoDef, role: "numerador" | "denominador"): Term | null => {
    if ("origen" in t) {
      const agg = loadAggregate(t, sources, doc, [...prefix, role], problems, dict);
      if (!agg) return null;
      aggregates[role] = agg;
      return { kind: "agregado", name: role };
    }
    const scope: Scope = { columns: [...names.map((n) => ({ name: n, type: "decimal" as const })), ...TERM_CONSTANTS] };
    const where: ExprWhere = { kind: "terminos", names: scope.columns.map((c) => c.name) };
    const checked = parseChecked(t.expresion, scope, "numeric", doc, [...prefix, role, "expresion"], problems, where);
    return checked ? { kind: "expresion", node: checked.node, names: checked.columns.filter((c) => names.includes(c)) } : null;
  };
  const numerador = def.numerador ? term(def.numerador, "numerador") : null;
  const denominador = def.denominador ? term(def.denominador, "denominador") : undefined;
  if (problems.length > before || !numerador || denominador === null) return null;
  const used = new Set<string>();
  const levels: Nivel[] = [];
  for (const t of [numerador, denominador]) {
    if (!t) continue;
    for (const n of t.kind === "agregado" ? [t.name] : t.names) {
      const agg = aggregates[n];
      if (!agg) continue; // a reference to another indicator: counted once inlined
      used.add(agg.source);
      levels.push(aggregateLevel(agg, sources));
    }
  }
  const finest = levels.reduce<Nivel>((a, b) => (NIVELES.indexOf(b) < NIVELES.indexOf(a) ? b : a), "clues");
  return { id: def.id, def, file: doc.file, aggregates, numerador, denominador, desdeNivel: def.desde_nivel ?? finest, sources: [...used].sort(), universo: def.universo ?? null };
}

/**
 * Builds a catalog from YAML texts: source schemas (documents with `columnas`) and indicator
 * definitions (a mapping, or a list of mappings, per document). Collects every problem with
 * its file, line and column instead of stopping at the first; indicators with problems are
 * left out of the returned catalog.
 */
export function buildCatalog(files: CatalogText[]): BuildResult {
  const problems: Problem[] = [];
  const sourceDocs: { raw: unknown; doc: YamlDoc; prefix: (string | number)[] }[] = [];
  const indicatorDocs: { raw: unknown; doc: YamlDoc; prefix: (string | number)[] }[] = [];
  const dictionaryDocs: DictionaryDoc[] = [];
  // CSV files are the publishers' variable lists that dictionaries are checked against.
  const lists = files.filter((f) => /\.csv$/i.test(f.path));
  for (const file of [...files].filter((f) => !/\.csv$/i.test(f.path)).sort((a, b) => a.path.localeCompare(b.path))) {
    const parsed = parseYaml(file);
    problems.push(...parsed.problems);
    for (const doc of parsed.docs) {
      const raw = doc.doc.toJS();
      const items = Array.isArray(raw) ? raw.map((r, i) => ({ raw: r, prefix: [i] })) : [{ raw, prefix: [] as number[] }];
      for (const it of items) {
        const isObject = typeof it.raw === "object" && it.raw !== null && !Array.isArray(it.raw);
        if (isObject && "diccionario" in (it.raw as object)) dictionaryDocs.push({ raw: it.raw, doc, prefix: it.prefix });
        else (isObject && "columnas" in (it.raw as object) ? sourceDocs : indicatorDocs).push({ raw: it.raw, doc, prefix: it.prefix });
      }
    }
  }
  const sources = new Map<string, Source>();
  for (const { raw, doc, prefix } of sourceDocs) {
    const r = fuenteSchema.safeParse(raw, PARSE_PARAMS);
    if (!r.success) {
      problems.push(...zodProblems(r.error, doc, prefix, "fuente"));
      continue;
    }
    if (sources.has(r.data.fuente)) {
      problems.push({ code: "MASB_FUENTE_DUPLICADA", severity: "error", ...positionAt(doc, [...prefix, "fuente"]), message: `la fuente '${r.data.fuente}' está declarada dos veces (también en ${sources.get(r.data.fuente)!.file})` });
      continue;
    }
    sources.set(r.data.fuente, loadSource(r.data, doc, prefix, problems));
  }
  const loadedDictionaries = loadDictionaries(
    dictionaryDocs, lists,
    (name) => (!sources.has(name) ? "no_existe" : sources.get(name)!.def.pivote ? "pivote" : "sin_pivote"),
    (err, doc, prefix) => schemaProblems(err, doc, prefix, "diccionario"), PARSE_PARAMS,
  );
  problems.push(...loadedDictionaries.problems);
  const dictionaries = loadedDictionaries.dictionaries;
  for (const [name, byYear] of dictionaries) {
    const codes = new Set<string>();
    for (const d of byYear.values()) for (const code of d.variables.keys()) codes.add(code);
    sources.get(name)!.variables = [...codes].sort();
  }
  // Stage 2: each indicator alone (schema, expressions, thresholds, meta); what fails its
  // schema is still checked field by field. Stage 3: ids, aliases and references across files.
  const entries: IndicatorEntry[] = [];
  const written = new Map<IndicatorEntry, string[]>();
  for (const { raw, doc, prefix } of indicatorDocs) {
    const r = indicadorSchema.safeParse(raw, PARSE_PARAMS);
    if (r.success) {
      entries.push({ def: r.data, complete: true, doc, prefix });
      continue;
    }
    problems.push(...zodProblems(r.error, doc, prefix, "indicador"));
    const partial = partialIndicator(raw);
    const entry: IndicatorEntry = { def: partial.def, complete: false, doc, prefix };
    entries.push(entry);
    written.set(entry, partial.names);
  }
  const identity = checkIdentity(entries);
  problems.push(...identity.problems);
  const loaded = new Map<IndicatorEntry, Indicator>();
  for (const e of entries) {
    const ind = loadIndicator(e.def as IndicadorDef, sources, dictionaries, e.doc, e.prefix, problems, written.get(e));
    if (ind && e.complete && identity.owner.get(ind.id) === e) loaded.set(e, ind);
    problems.push(...checkThresholds(e), ...checkMeta(e));
  }
  const graph = checkReferences(entries, identity.owner);
  problems.push(...graph.problems);
  const resolved = new Map<IndicatorEntry, Indicator>();
  const levelOf = (agg: Aggregate) => aggregateLevel(agg, sources);
  const find = (id: string) => resolved.get(identity.owner.get(id)!);
  for (const e of graph.order) {
    const ind = loaded.get(e);
    if (!ind || graph.broken.has(e)) continue;
    const inlined = inlineReferences(ind, find, levelOf);
    const done = withMethod(inlined && checkUniverse(inlined, sources, e.doc, e.prefix, problems), sources, e.doc, e.prefix, problems);
    if (done) resolved.set(e, done);
  }
  const indicators = [...resolved.values()];
  const byId = new Map<string, Indicator>();
  for (const [id, e] of identity.owner) {
    const ind = resolved.get(e);
    if (ind) byId.set(id, ind);
  }
  indicators.sort((a, b) => compareIds(a.id, b.id));
  return { catalog: { sources, indicators, byId, dictionaries }, problems };
}

/** Tabla 1 order: numeric keys by number (`6` < `6a` < `13` < `70e`), then letter keys, then progression keys. */
export function compareIds(a: string, b: string): number {
  const rank = (id: string): [number, number, string] => {
    const m = /^(\d+)(.*)$/.exec(id);
    if (m) return [0, Number(m[1]), m[2]];
    return [/^C\d/.test(id) && id.includes("-") ? 2 : 1, 0, id];
  };
  const [ra, na, sa] = rank(a);
  const [rb, nb, sb] = rank(b);
  return ra - rb || na - nb || (sa < sb ? -1 : sa > sb ? 1 : 0);
}

const UNIVERSE_WORDS: Record<UniversoFuente, string> = {
  red: "eventos y recursos de las unidades de IMSS-BIENESTAR (por CLUES)",
  responsabilidad: "la población de responsabilidad de IMSS-BIENESTAR",
  residentes: "todas las personas residentes de la entidad (por residencia)",
  ninguno: "montos o condiciones que no cuentan personas ni eventos",
};

/** The universe in words, for `list`, `explain` and messages. */
export function universeInWords(u: UniversoFuente): string {
  return UNIVERSE_WORDS[u];
}

/**
 * One universe per indicator (DESIGN.md): the aggregates of its numerator and denominator
 * must count the events and people of one universe. Network events and resources may be
 * counted against the population the network is responsible for (Tabla 1's "por 1 000 dh"),
 * so `red` goes with `responsabilidad`; `residentes` goes with nothing else; `ninguno`
 * (money, GDP) with anything. Returns the indicator with its universe, or null after
 * reporting a mix (with the aggregate's position) or a declaration its aggregates contradict.
 */
function checkUniverse(ind: Indicator, sources: Map<string, Source>, doc: YamlDoc, prefix: (string | number)[], problems: Problem[]): Indicator | null {
  const names = new Set<string>();
  for (const t of [ind.numerador, ind.denominador]) if (t) for (const n of t.kind === "agregado" ? [t.name] : t.names) names.add(n);
  const counted = [...names].map((name) => ({ name, agg: ind.aggregates[name] })).filter((x) => x.agg && x.agg.universo !== "ninguno");
  const has = (u: UniversoFuente) => counted.some((x) => x.agg.universo === u);
  const inferred: Universo | null = has("residentes") ? "residentes" : has("responsabilidad") ? "responsabilidad" : has("red") ? "red" : null;
  const declared = ind.def.universo;
  const target = declared ?? inferred;
  if (target === null) return { ...ind, universo: null };
  const fits = (u: UniversoFuente) => u === target || (target === "responsabilidad" && u === "red");
  const where = (name: string): (string | number)[] => {
    const base = name.split(/[.#]/)[0];
    return [...prefix, ...(base === "numerador" || base === "denominador" ? [base, "origen"] : ["agregados", base])];
  };
  const source = (name: string) => sources.get(ind.aggregates[name].source)!;
  let ok = true;
  for (const { name, agg } of counted) {
    if (fits(agg.universo)) continue;
    ok = false;
    const offered = [source(name).universo, ...source(name).universos.keys()].filter((u) => fits(u));
    problems.push({
      code: "MASB_UNIVERSO_MEZCLADO", severity: "error", ...positionAt(doc, where(name)),
      message: `el indicador ${ind.id} cuenta ${target === declared ? "(declara) " : ""}el universo '${target}' y el agregado '${name.split("#")[0]}' (fuente '${agg.source}') cuenta '${agg.universo}': numerador y denominador deben contar a las mismas personas y eventos`,
      hint: offered.length
        ? `la fuente '${agg.source}' ofrece '${offered[0]}': escriba universo: ${offered[0]} en el agregado`
        : `'${target}' es ${universeInWords(target)}; '${agg.universo}' es ${universeInWords(agg.universo)}. Tome el agregado de una fuente de ese universo (por ejemplo poblacion_conapo para residentes, poblacion para responsabilidad)`,
    });
  }
  if (ok && declared && inferred && declared !== inferred && !(declared === "responsabilidad" && inferred === "red")) {
    ok = false;
    problems.push({
      code: "MASB_UNIVERSO_MEZCLADO", severity: "error", ...positionAt(doc, [...prefix, "universo"]),
      message: `el indicador ${ind.id} declara el universo '${declared}' pero sus agregados cuentan '${inferred}'`,
      hint: `declare universo: ${inferred}, o tome los agregados de fuentes de '${declared}'`,
    });
  }
  if (ok && declared === "responsabilidad" && inferred === "red") {
    ok = false;
    problems.push({
      code: "MASB_UNIVERSO_MEZCLADO", severity: "error", ...positionAt(doc, [...prefix, "universo"]),
      message: `el indicador ${ind.id} declara el universo 'responsabilidad' pero ningún agregado cuenta la población de responsabilidad`,
      hint: "declare universo: red",
    });
  }
  return ok ? { ...ind, universo: target } : null;
}
