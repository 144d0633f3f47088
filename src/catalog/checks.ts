/**
 * Catalog checks beyond one expression: zod issues in Spanish with did-you-mean, ids and
 * aliases, references between indicators (unknown ids, cycles), semáforo thresholds and the
 * meta against the unit. Each returns problems with file, line and column; none throws.
 */
import type { ZodError } from "zod";
import { formatPosition, type Problem } from "../errors.js";
import { FUNCTIONS } from "../expr/functions.js";
import { listNames, nearest } from "../expr/suggest.js";
import { allowedKeys, type SchemaKind } from "./jsonschema.js";
import { indicadorSchema, type ColumnaDef, type IndicadorDef, type ReferenciaDef } from "./schema.js";
import { positionAt, type YamlDoc } from "./yaml.js";

type Path = (string | number)[];

// ---------------------------------------------------------------- zod issues

/** A message zod fills in by default; ours replaces it, while messages written in the schema stay. */
const DEFAULT_MESSAGE = "\u0000";

/** Parse parameters for catalog schemas: keep the input in each issue, mark default messages. */
export const PARSE_PARAMS = { reportInput: true, error: () => DEFAULT_MESSAGE } as const;

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  values?: unknown[];
  keys?: string[];
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  errors?: Issue[][];
  issues?: Issue[];
}

/**
 * Issues with unions resolved: the alternative the author most likely meant (fewest issues)
 * stands for the union, and unions of literals become one "value not allowed".
 */
function flattenIssues(issues: readonly Issue[], base: PropertyKey[] = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code !== "invalid_union" || !issue.errors?.length) {
      out.push({ ...issue, path });
      continue;
    }
    const branches = issue.errors.map((b) => flattenIssues(b));
    const single = branches.every((b) => b.length === 1 && b[0].path.length === 0);
    if (single && branches.every((b) => b[0].code === "invalid_value")) {
      out.push({ ...branches[0][0], path, input: issue.input ?? branches[0][0].input, values: branches.flatMap((b) => b[0].values ?? []) });
      continue;
    }
    if (single && branches.every((b) => b[0].code === "invalid_type")) {
      out.push({ ...branches[0][0], path, input: issue.input ?? branches[0][0].input, expected: branches.map((b) => b[0].expected).join("|") });
      continue;
    }
    const cost = (b: Issue[]) => b.length + (b.some((i) => i.code === "unrecognized_keys" && i.path.length === 0) ? 0.5 : 0);
    const best = branches.reduce((a, b) => (cost(b) < cost(a) ? b : a));
    out.push(...best.map((i) => ({ ...i, path: [...path, ...i.path] })));
  }
  return out;
}

const EXPECTED: Record<string, string> = {
  string: "un texto",
  number: "un número",
  int: "un número entero",
  boolean: "verdadero o falso (true o false)",
  array: "una lista, como [a, b]",
  object: "un mapa de campos (clave: valor)",
  record: "un mapa de campos (clave: valor)",
};

function describeValue(v: unknown): string {
  if (v === null) return "vacío";
  if (typeof v === "string") return `el texto '${v}'`;
  if (typeof v === "number") return `el número ${v}`;
  if (typeof v === "boolean") return v ? "verdadero (true)" : "falso (false)";
  if (Array.isArray(v)) return "una lista";
  return "un mapa de campos";
}

/** `umbrales.verde.desde`, `componentes[1]`. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.map((s, i) => (typeof s === "number" ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`)).join("");
}

/** Paths whose allowed values are the catalog's tags: what `--only` and `list` select by. */
function isTagPath(kind: SchemaKind, path: readonly PropertyKey[]): boolean {
  if (kind !== "indicador") return false;
  return (path.length === 1 && path[0] === "dimension") || (path.length === 2 && (path[0] === "componentes" || path[0] === "fases"));
}

const FASES: Record<string, string> = { "1": "planeación-arranque", "2": "operación-continuidad", "3": "consolidación-evaluación" };

/** The problems of one failed zod parse, positioned in the YAML document, in Spanish. */
export function schemaProblems(err: ZodError, doc: YamlDoc, prefix: Path, kind: SchemaKind): Problem[] {
  const problems: Problem[] = [];
  for (const issue of flattenIssues(err.issues as unknown as Issue[])) {
    const rel = issue.path as Path;
    const path = [...prefix, ...rel];
    const field = fieldName(rel) || kind;
    const custom = issue.message !== DEFAULT_MESSAGE;
    const push = (code: string, at: Path, message: string, hint?: string, atKey = false) => {
      const p: Problem = { code, severity: "error", ...positionAt(doc, at, atKey), message: `${kind}: ${message}` };
      if (hint) p.hint = hint;
      problems.push(p);
    };
    switch (issue.code) {
      case "unrecognized_keys": {
        const allowed = allowedKeys(kind, rel);
        for (const key of issue.keys ?? []) {
          const guess = nearest(key, allowed);
          const where = rel.length ? ` en '${field}'` : "";
          // A key of another alternative (`expresion` next to `origen`): the two forms do not mix.
          const hint = allowed.includes(key)
            ? `'${key}' es de otra forma de escribir '${field}' y no se mezcla con los campos que ya tiene; campos de todas las formas: ${allowed.join(", ")}`
            : `${guess ? `¿quiso decir '${guess}'? ` : ""}campos permitidos aquí: ${allowed.join(", ")}`;
          push("MASB_CAMPO_DESCONOCIDO", [...path, key], `campo desconocido '${key}'${where}`, hint, true);
        }
        break;
      }
      case "invalid_value": {
        if (issue.input === undefined) {
          push("MASB_ESQUEMA", path, `falta el campo obligatorio '${field}'`, `valores permitidos: ${(issue.values ?? []).map(String).join(", ")}`);
          break;
        }
        const values = (issue.values ?? []).map(String);
        const input = issue.input;
        const tag = isTagPath(kind, rel);
        const shown = rel[0] === "fases" ? values.map((v) => `${v} (${FASES[v] ?? ""})`).join(", ") : values.join(", ");
        const guess = typeof input === "string" || typeof input === "number" ? nearest(String(input), values) : undefined;
        let hint = `${guess !== undefined ? `¿quiso decir '${guess}'? ` : ""}valores permitidos: ${shown}`;
        if (typeof input === "string" && /^\d+$/.test(input.trim()) && (issue.values ?? []).every((v) => typeof v === "number")) {
          hint = `escriba el número sin comillas: ${input}`;
        }
        const what = tag ? `la etiqueta ${describeValue(input).replace(/^el (texto|número) /, "")} no está entre los valores de '${rel[0]}'` : `'${field}' no admite ${describeValue(input)}`;
        push(tag ? "MASB_ETIQUETA_DESCONOCIDA" : "MASB_ESQUEMA", path, custom ? issue.message : what, hint);
        break;
      }
      case "invalid_type": {
        if (issue.input === undefined) {
          push("MASB_ESQUEMA", path, `falta el campo obligatorio '${field}'`, undefined);
          break;
        }
        const expected = (issue.expected ?? "").split("|").map((e) => EXPECTED[e] ?? e).join(" o ");
        let hint: string | undefined;
        if (issue.input === null) hint = `el campo está vacío: escriba un valor después de '${String(rel[rel.length - 1])}:' o quite la línea`;
        else if (issue.expected === "number" && typeof issue.input === "string" && /^\s*-?\d+([.,]\d+)?\s*%?\s*$/.test(issue.input)) {
          hint = `escriba solo el número, sin comillas ni %: ${issue.input.replace(/[%\s]/g, "").replace(",", ".")}`;
        } else if (issue.expected === "array") hint = `escriba una lista: [${typeof issue.input === "string" || typeof issue.input === "number" ? issue.input : "…"}]`;
        push("MASB_ESQUEMA", path, custom ? issue.message : `'${field}' debe ser ${expected} y es ${describeValue(issue.input)}`, hint);
        break;
      }
      case "invalid_key": {
        const inner = issue.issues?.[0];
        const message = inner && inner.message !== DEFAULT_MESSAGE ? inner.message : "nombre no válido";
        push("MASB_ESQUEMA", path, `el nombre '${String(rel[rel.length - 1])}' en '${fieldName(rel.slice(0, -1))}' no es válido: ${message}`, undefined, true);
        break;
      }
      case "too_small":
      case "too_big": {
        const small = issue.code === "too_small";
        const bound = Number(small ? issue.minimum : issue.maximum);
        let message: string;
        if (custom) message = issue.message;
        else if (issue.origin === "array") message = small && bound === 1 ? `la lista '${field}' no puede estar vacía` : `la lista '${field}' debe tener ${small ? "al menos" : "a lo más"} ${bound} elementos`;
        else if (issue.origin === "string") message = small && bound === 1 ? `'${field}' no puede estar vacío` : `'${field}' debe tener ${small ? "al menos" : "a lo más"} ${bound} caracteres`;
        else message = `'${field}' debe ser ${small ? "al menos" : "a lo más"} ${bound} y es ${String(issue.input)}`;
        push("MASB_ESQUEMA", path, message);
        break;
      }
      default:
        push("MASB_ESQUEMA", path, custom ? issue.message : `'${field}' no es válido (${issue.code})`);
    }
  }
  return problems;
}

/**
 * The fields of an indicator that parse on their own, for checking what can be checked in an
 * indicator that failed as a whole. `agregados` keeps the entries that parse, and `names` lists
 * every entry written, so that expressions naming a broken aggregate are not reported twice.
 */
export function partialIndicator(raw: unknown): { def: Partial<IndicadorDef>; names: string[] } {
  const def: Record<string, unknown> = {};
  let names: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { def, names };
  type Parser = { safeParse(v: unknown): { success: boolean; data?: unknown } };
  const shape = indicadorSchema.shape as unknown as Record<string, Parser>;
  // The schema of one entry of `agregados`, to keep the entries that parse when others do not.
  const record = shape.agregados as unknown as { unwrap?: () => { valueType?: Parser } };
  const agregadoEntry: Parser = record.unwrap?.().valueType ?? { safeParse: () => ({ success: false }) };
  for (const [key, value] of Object.entries(raw)) {
    if (key === "agregados" && typeof value === "object" && value !== null && !Array.isArray(value)) {
      names = Object.keys(value);
      const ok: Record<string, unknown> = {};
      for (const [name, a] of Object.entries(value)) {
        const r = agregadoEntry.safeParse(a);
        if (r.success) ok[name] = r.data;
      }
      def.agregados = ok;
      continue;
    }
    // Own fields only: a key such as `constructor` names a property of every object, not a field.
    const r = Object.hasOwn(shape, key) ? shape[key].safeParse(value) : undefined;
    if (r?.success) def[key] = r.data;
  }
  return { def: def as Partial<IndicadorDef>, names };
}

// ---------------------------------------------------------------- ids and aliases

/** One indicator as written: fully parsed, or the fields that parsed. */
export interface IndicatorEntry {
  def: Partial<IndicadorDef>;
  complete: boolean;
  doc: YamlDoc;
  prefix: Path;
}

const locate = (e: IndicatorEntry, path: Path) => formatPosition(positionAt(e.doc, [...e.prefix, ...path]));

/**
 * Ids must be unique, and an alias must not repeat an id or another alias: `--only` and the
 * results select by them. Returns the problems and, for every id and alias, the indicator it
 * names (the first one written, when repeated).
 */
export function checkIdentity(entries: IndicatorEntry[]): { problems: Problem[]; owner: Map<string, IndicatorEntry> } {
  const problems: Problem[] = [];
  const owner = new Map<string, IndicatorEntry>();
  const byAlias = new Map<string, IndicatorEntry>();
  for (const e of entries) {
    const id = e.def.id;
    if (id === undefined) continue;
    const first = owner.get(id);
    if (first) {
      problems.push({
        code: "MASB_ID_DUPLICADO", severity: "error", ...positionAt(e.doc, [...e.prefix, "id"]),
        message: `el id '${id}' ya está definido en ${locate(first, ["id"])}`,
        hint: "cada indicador necesita un id propio; si es el mismo indicador, borre una de las dos definiciones",
      });
    } else owner.set(id, e);
  }
  for (const e of entries) {
    (e.def.alias ?? []).forEach((alias, i) => {
      const at = positionAt(e.doc, [...e.prefix, "alias", i]);
      const idOwner = owner.get(alias);
      const aliasOwner = byAlias.get(alias);
      let message: string | undefined;
      if (idOwner === e) message = `el alias '${alias}' repite el id del mismo indicador`;
      else if (idOwner) message = `el alias '${alias}' es el id de otro indicador (${locate(idOwner, ["id"])})`;
      else if (aliasOwner) message = aliasOwner === e ? `el alias '${alias}' está repetido en la lista` : `el alias '${alias}' ya es alias del indicador '${aliasOwner.def.id}' (${locate(aliasOwner, ["alias"])})`;
      if (message) {
        problems.push({ code: "MASB_ALIAS_DUPLICADO", severity: "error", ...at, message, hint: "un alias debe nombrar a un solo indicador: quítelo o cámbielo" });
        return;
      }
      byAlias.set(alias, e);
    });
  }
  for (const [alias, e] of byAlias) if (!owner.has(alias)) owner.set(alias, e);
  return { problems, owner };
}

// ---------------------------------------------------------------- references between indicators

/** The references (`{ indicador, termino }`) among an indicator's named aggregates. */
export function referencesOf(def: Partial<IndicadorDef>): [string, ReferenciaDef][] {
  return Object.entries(def.agregados ?? {}).filter((e): e is [string, ReferenciaDef] => "indicador" in e[1]);
}

export interface ReferenceGraph {
  problems: Problem[];
  /** Indicators in an order where each comes after the ones it references. */
  order: IndicatorEntry[];
  /** Indicators that cannot be resolved: in a cycle, or referencing an unknown id or term. */
  broken: Set<IndicatorEntry>;
}

/**
 * Checks that every reference names an indicator of the catalog and a term it has, and that
 * no indicator depends on itself through others (A → B → A). Every edge of a cycle is
 * reported, so each file in it shows the problem.
 */
export function checkReferences(entries: IndicatorEntry[], owner: Map<string, IndicatorEntry>): ReferenceGraph {
  const problems: Problem[] = [];
  const broken = new Set<IndicatorEntry>();
  const edges = new Map<IndicatorEntry, { name: string; to: IndicatorEntry }[]>();
  const ids = [...new Set(entries.map((e) => e.def.id).filter((x): x is string => x !== undefined))];
  for (const e of entries) {
    const out: { name: string; to: IndicatorEntry }[] = [];
    for (const [name, ref] of referencesOf(e.def)) {
      const path = [...e.prefix, "agregados", name];
      const to = owner.get(ref.indicador);
      if (!to) {
        const guess = nearest(ref.indicador, ids);
        problems.push({
          code: "MASB_REFERENCIA_DESCONOCIDA", severity: "error", ...positionAt(e.doc, [...path, "indicador"]),
          message: `el agregado '${name}' toma el ${ref.termino} del indicador '${ref.indicador}', que no existe en el catálogo`,
          hint: guess !== undefined ? `¿quiso decir '${guess}'?` : `ids del catálogo: ${ids.slice(0, 30).join(", ")}${ids.length > 30 ? " …" : ""}`,
        });
        broken.add(e);
        continue;
      }
      if (to.complete && to.def.no_calculable) {
        problems.push({
          code: "MASB_REFERENCIA_TERMINO", severity: "error", ...positionAt(e.doc, [...path, "indicador"]),
          message: `el indicador '${to.def.id}' no es calculable con las fuentes declaradas (no_calculable): no tiene ${ref.termino}`,
          hint: `motivo: ${to.def.no_calculable.motivo}`,
        });
        broken.add(e);
        continue;
      }
      if (ref.termino === "denominador" && to.complete && to.def.denominador === undefined) {
        problems.push({
          code: "MASB_REFERENCIA_TERMINO", severity: "error", ...positionAt(e.doc, [...path, "termino"]),
          message: `el indicador '${to.def.id}' no tiene denominador${to.def.unidad ? ` (unidad ${to.def.unidad})` : ""}`,
          hint: "use termino: numerador",
        });
        broken.add(e);
        continue;
      }
      out.push({ name, to });
    }
    edges.set(e, out);
  }

  // Tarjan's strongly connected components: a component of more than one indicator, or one
  // that references itself, is a cycle.
  const index = new Map<IndicatorEntry, number>();
  const low = new Map<IndicatorEntry, number>();
  const stack: IndicatorEntry[] = [];
  const onStack = new Set<IndicatorEntry>();
  const component = new Map<IndicatorEntry, number>();
  const order: IndicatorEntry[] = [];
  let counter = 0;
  let components = 0;
  const visit = (v: IndicatorEntry) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const { to } of edges.get(v) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(v, Math.min(low.get(v)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(v, Math.min(low.get(v)!, index.get(to)!));
    }
    if (low.get(v) === index.get(v)) {
      let w: IndicatorEntry;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.set(w, components);
        order.push(w); // components come out after everything they reference
      } while (w !== v);
      components++;
    }
  };
  for (const e of entries) if (!index.has(e)) visit(e);

  const size = new Map<number, number>();
  for (const c of component.values()) size.set(c, (size.get(c) ?? 0) + 1);
  for (const e of entries) {
    for (const { name, to } of edges.get(e) ?? []) {
      const c = component.get(e)!;
      if (component.get(to) !== c || (size.get(c)! === 1 && to !== e)) continue;
      const cycle = [e, ...pathWithin(to, e, edges, component, c)].map((x) => x.def.id ?? "?");
      problems.push({
        code: "MASB_REFERENCIA_CICLO", severity: "error", ...positionAt(e.doc, [...e.prefix, "agregados", name, "indicador"]),
        message: `referencia circular entre indicadores: ${cycle.join(" → ")}`,
        hint: "un indicador no puede depender de sí mismo: tome el agregado de su fuente en lugar de referirse al otro indicador",
      });
      broken.add(e);
    }
  }
  // Whatever references a broken indicator cannot be resolved either.
  for (const e of order) if ((edges.get(e) ?? []).some(({ to }) => broken.has(to))) broken.add(e);
  return { problems, order, broken };
}

/** Shortest path from `from` to `to` inside one component (both included). */
function pathWithin(
  from: IndicatorEntry, to: IndicatorEntry, edges: Map<IndicatorEntry, { to: IndicatorEntry }[]>, component: Map<IndicatorEntry, number>, c: number,
): IndicatorEntry[] {
  const prev = new Map<IndicatorEntry, IndicatorEntry | null>([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const v = queue.shift()!;
    if (v === to) break;
    for (const { to: w } of edges.get(v) ?? []) {
      if (component.get(w) !== c || prev.has(w)) continue;
      prev.set(w, v);
      queue.push(w);
    }
  }
  const path: IndicatorEntry[] = [];
  for (let v: IndicatorEntry | null | undefined = to; v; v = prev.get(v)) path.unshift(v);
  return path;
}

// ---------------------------------------------------------------- thresholds and meta

const BANDAS = ["verde", "amarillo", "rojo"] as const;
type Banda = (typeof BANDAS)[number];

/** Highest logro: beating the target earns no more than meeting it (src/scoring/score.ts, LOGRO_CAP). */
const LOGRO_TOPE = 100;

const num = (x: number) => (x === -Infinity ? "−∞" : x === Infinity ? "+∞" : String(x));

/**
 * The semáforo bands are on `logro`, the percent of the target attained (0 to 100, whatever
 * the `sentido`): half-open `desde <= logro < hasta`, they must cover every logro from 0 up
 * exactly once, each starting where the one below ends, rojo at the bottom, verde at the top
 * without `hasta`. An amarillo with `desde` equal to `hasta` is empty: no amarillo band.
 */
export function checkThresholds(entry: IndicatorEntry): Problem[] {
  const { def, doc, prefix } = entry;
  if (!def.umbrales) return [];
  const problems: Problem[] = [];
  const at = (band: Banda, field?: "desde" | "hasta") => {
    const has = field && def.umbrales![band][field] !== undefined;
    return positionAt(doc, [...prefix, "umbrales", band, ...(has ? [field] : [])]);
  };
  const bands = BANDAS.map((name) => ({ name, lo: def.umbrales![name].desde ?? -Infinity, hi: def.umbrales![name].hasta ?? Infinity }));
  for (const b of bands) {
    for (const field of ["desde", "hasta"] as const) {
      const v = def.umbrales[b.name][field];
      if (v !== undefined && (v < 0 || v > LOGRO_TOPE)) {
        problems.push({
          code: "MASB_UMBRALES_RANGO", severity: "error", ...at(b.name, field),
          message: `${b.name}.${field} es ${v}, y los umbrales son porcentajes de la meta alcanzados (logro), de 0 a ${LOGRO_TOPE}`,
          hint: `escriba el umbral como % de la meta: con meta ${def.meta ?? "M"}, 90 quiere decir «90 % de la meta»; no escriba valores del indicador`,
        });
      }
    }
    if (b.lo > b.hi) {
      problems.push({
        code: "MASB_UMBRALES_BANDA", severity: "error", ...at(b.name, "desde"),
        message: `la banda ${b.name} está al revés: desde ${num(b.lo)} es mayor que hasta ${num(b.hi)}`,
        hint: "las bandas son semiabiertas (desde ≤ logro < hasta): intercambie 'desde' y 'hasta'",
      });
    }
  }
  if (problems.some((p) => p.code === "MASB_UMBRALES_BANDA")) return problems;
  const sorted = bands.filter((b) => b.lo < b.hi).sort((a, b) => a.lo - b.lo || a.hi - b.hi);
  if (sorted.length === 0) return problems;
  const lowest = sorted[0];
  if (lowest.lo > 0) {
    problems.push({
      code: "MASB_UMBRALES_HUECO", severity: "error", ...at(lowest.name, "desde"),
      message: `los umbrales dejan sin color el logro de 0 a ${num(lowest.lo)}: la banda más baja (${lowest.name}) empieza en ${num(lowest.lo)}`,
      hint: `quite 'desde' de ${lowest.name} (o escriba desde: 0) para que cubra desde el logro 0`,
    });
  }
  let reach = lowest;
  for (const b of sorted.slice(1)) {
    if (b.lo > reach.hi) {
      problems.push({
        code: "MASB_UMBRALES_HUECO", severity: "error", ...at(b.name, "desde"),
        message: `los umbrales dejan un hueco: ningún color cubre el logro de ${num(reach.hi)} a ${num(b.lo)} (${reach.name} termina en ${num(reach.hi)} y ${b.name} empieza en ${num(b.lo)})`,
        hint: `las bandas son semiabiertas (desde ≤ logro < hasta): escriba ${b.name}.desde: ${num(reach.hi)}, o ${reach.name}.hasta: ${num(b.lo)}`,
      });
    } else if (b.lo < reach.hi) {
      problems.push({
        code: "MASB_UMBRALES_TRASLAPE", severity: "error", ...at(b.name, "desde"),
        message: `las bandas ${reach.name} y ${b.name} se traslapan: el logro de ${num(b.lo)} a ${num(Math.min(reach.hi, b.hi))} cae en las dos`,
        hint: reach.hi === Infinity
          ? `${reach.name} no tiene 'hasta' y cubre todo lo que está por encima de ${num(reach.lo)}: póngale hasta: ${num(b.lo)}`
          : `las bandas son semiabiertas (desde ≤ logro < hasta): escriba ${b.name}.desde: ${num(reach.hi)}, igual al 'hasta' de ${reach.name}`,
      });
    }
    if (b.hi > reach.hi) reach = b;
  }
  if (reach.hi < Infinity) {
    problems.push({
      code: "MASB_UMBRALES_HUECO", severity: "error", ...at(reach.name, "hasta"),
      message: `los umbrales dejan sin color el logro desde ${num(reach.hi)}: la banda más alta (${reach.name}) termina en ${num(reach.hi)} y el logro llega a ${LOGRO_TOPE}`,
      hint: `quite 'hasta' de ${reach.name}: la banda más alta cubre hasta el tope`,
    });
  }
  if (problems.length) return problems;
  const ascending = sorted.map((b) => b.name);
  const expected = (["rojo", "amarillo", "verde"] as Banda[]).filter((n) => ascending.includes(n));
  if (ascending.join() !== expected.join()) {
    problems.push({
      code: "MASB_UMBRALES_ORDEN", severity: "error", ...positionAt(doc, [...prefix, "umbrales"], true),
      message: `de menor a mayor logro las bandas deben ir rojo, amarillo, verde; aquí van ${ascending.join(", ")}`,
      hint: "el logro ya toma en cuenta el sentido (meta/valor cuando menor es mejor): verde es siempre la banda de logro más alto",
    });
  }
  return problems;
}

/** A meta must be a value the unit can take: a percentage from 0 to 100, rates and counts not negative. */
export function checkMeta(entry: IndicatorEntry): Problem[] {
  const { def, doc, prefix } = entry;
  if (def.meta === undefined || !def.unidad) return [];
  const at = positionAt(doc, [...prefix, "meta"]);
  if (def.unidad === "porcentaje" && (def.meta < 0 || def.meta > 100)) {
    return [{
      code: "MASB_META_UNIDAD", severity: "error", ...at,
      message: `la meta ${def.meta} no es un porcentaje posible: con unidad porcentaje el valor va de 0 a 100`,
      hint: def.meta > 100
        ? "si la meta es una proporción mayor que 1 (1.4 = 140 %), use unidad razon; si es una tasa o un conteo, cambie 'unidad'"
        : "un porcentaje no puede ser negativo",
    }];
  }
  if (def.unidad !== "indice" && def.unidad !== "porcentaje" && def.meta < 0) {
    return [{
      code: "MASB_META_UNIDAD", severity: "error", ...at,
      message: `la meta ${def.meta} es negativa y la unidad ${def.unidad} no puede serlo`,
      hint: "una tasa, razón, promedio, conteo o número de días es 0 o más; use unidad indice para valores con signo",
    }];
  }
  return [];
}

// ---------------------------------------------------------------- expression problems in context

/** What an expression is written over: a source's columns, or the named aggregates of an indicator. */
export type ExprWhere =
  | { kind: "fuente"; name: string; columns: string[]; columnas: ColumnaDef[] }
  | { kind: "terminos"; names: string[] };

/**
 * Rewords a checker problem with what only the catalog knows: the source the expression reads
 * (`columna X no existe en la fuente defunciones; columnas disponibles: …`), an original header
 * written instead of the logical name, or a term naming an aggregate that is not declared.
 */
export function exprProblemInContext(p: { code: string; message: string; hint?: string }, token: string, where: ExprWhere): { code: string; message: string; hint?: string } {
  if (p.code === "MASB_EXPR_FUNCION_DESCONOCIDA" && !p.hint?.startsWith("¿")) {
    // `dias_entre`, `anios_cumplidos`: a known function with a word added.
    const name = token.replace(/\(.*$/s, "").trim().toLowerCase();
    const known = [...FUNCTIONS.values()].find((f) => name.startsWith(`${f.name}_`) || name.endsWith(`_${f.name}`));
    return known ? { ...p, hint: `¿quiso decir ${known.usage}? ${p.hint ?? ""}`.trim() } : p;
  }
  if (p.code !== "MASB_EXPR_COLUMNA_DESCONOCIDA") return p;
  if (where.kind === "terminos") {
    const guess = nearest(token, where.names);
    return {
      code: "MASB_AGREGADO_DESCONOCIDO",
      message: `\`${token}\` no es un agregado de este indicador; nombres disponibles: ${listNames(where.names, 20)}`,
      hint: guess !== undefined
        ? `¿quiso decir \`${guess}\`?`
        : `declárelo en 'agregados' (${token}: { origen: …, agregado: … }); una expresión de numerador o denominador combina agregados, no columnas`,
    };
  }
  const lower = token.toLowerCase();
  const original = where.columnas.find((c) => [c.original ?? [], c.de ?? []].flat().some((o) => o.toLowerCase() === lower));
  const message = `columna \`${token}\` no existe en la fuente \`${where.name}\`; columnas disponibles: ${listNames(where.columns, 20)}`;
  if (original) {
    return { code: p.code, message, hint: `\`${token}\` es el nombre de la columna en el archivo original; en las expresiones se usa el nombre de la fuente: \`${original.nombre}\`` };
  }
  const prefixed = where.columns.filter((c) => c.toLowerCase().startsWith(`${lower}_`) || lower.startsWith(`${c.toLowerCase()}_`));
  const guess = nearest(token, where.columns) ?? (prefixed.length === 1 ? prefixed[0] : undefined);
  const hint = guess !== undefined ? `¿quiso decir \`${guess}\`?` : p.hint && !p.hint.startsWith("columnas disponibles") ? p.hint : undefined;
  return hint ? { code: p.code, message, hint } : { code: p.code, message };
}
