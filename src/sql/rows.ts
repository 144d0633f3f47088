/**
 * A source's row rules in SQL: from the raw text of its records (the view `masb_src_<fuente>`,
 * see src/sql/raw.ts) to one row per record with its verdict (`masb_estado`: A accepted, R
 * rejected), its period bucket, the node each of its keys attaches it to, and its typed
 * values — the rules of src/sources/reader.ts and src/engine/ingest.ts, in the same order:
 *
 * 1. each declared column: trimmed (`recortar`), missing when it is one of the `nulos`,
 *    typed (integer, decimal with its scale, date in its format, code among its `codigos`) or
 *    built by its decoder (dates split in day, month and year; INEGI's and SAEH's coded ages);
 *    a value that does not type rejects the record, as a wide variable that is not a number;
 * 2. the key (`clave`): the first attempt with a value attaches the record to a CLUES, zona,
 *    región or entidad of the hierarchy; a key of another institution or a valid entidad
 *    without network units puts it out of scope; a key that exists nowhere rejects it;
 * 3. the period: the month of its date, or its year and month columns;
 * 4. `unico`: the first record of each key in a period of a file (file order) counts;
 * 5. `llave`: the first record with each natural key, over all the files of the source in
 *    reading order (file name, then line), counts.
 */
import type { Source } from "../catalog/load.js";
import type { ClaveIntento, ColumnaDef, Nivel } from "../catalog/schema.js";
import type { Node } from "../expr/ast.js";
import { ENTIDAD_NO_ESPECIFICADA } from "../hierarchy/index.js";
import type { Dialect } from "./dialect.js";
import { cieCodeSql, daysOf, ExprPrinter, validDateSql, type ExprEnv } from "./expr.js";

/** Node codes in SQL: a level letter and the key (`cGRIMB000123`, `z12-Z01`, `e12`, `n`); `X` out of scope, `R` rejected. */
export const LEVEL_LETTER: Record<Nivel, string> = { nacional: "n", entidad: "e", region: "r", zona: "z", clues: "c" };
export const OUT = "X";
export const REJECTED = "R";

/** `^(0?[1-9]|[12][0-9]|3[0-2])$`: a state's code (src/engine/ingest.ts). */
export const ENTIDAD_CODE = "0?[1-9]|[12][0-9]|3[0-2]";

/** SQL names of a source's objects. */
export const rawView = (source: string) => `masb_src_${source}`;
export const rowsTable = (source: string) => `masb_r_${source}`;
export const typedColumn = (name: string) => `t_${name}`;
export const monthColumn = (name: string) => `m_${name}`;
export const pivotValue = (code: string) => `pv_${code}`;
export const pivotPresent = (code: string) => `pp_${code}`;
export const cieColumn = (name: string) => `k_${name}`;

/** The raw inputs of a declared column: one per original name it reads (several for `de`). */
export const rawInput = (column: number, part: number) => `c${column}_${part}`;
export const rawVariable = (code: string) => `v_${code}`;
export const rawPresent = (code: string) => `p_${code}`;

/** Integer texts as masb's parsers take them: `^[+-]?\d+$` (a field), `^-?\d+$` (a decoder's part). */
const INTEGER = "[+-]?[0-9]+";
const DECODER_INTEGER = "-?[0-9]+";
/** Beyond 18 digits a BIGINT overflows: such a value is out of the range the SQL compiles (README). */
const fitsBigint = (d: Dialect, s: string) => `length(${d.replaceFirst(s, "^[+-]", "")}) <= 18`;

interface Typed {
  value: string;
  ok: string;
  /** Month index of a date column (for its period), from its parts. */
  month?: string;
  /** Columns computed once before `value`, `ok` and `month`, which read them (parsed parts, regular-expression tests). */
  prep?: [alias: string, sql: string][];
}

/** SQL of `text IN (values)`, FALSE for no values. */
const inList = (d: Dialect, text: string, values: readonly string[]) => (values.length ? `${text} IN (${values.map(d.str).join(", ")})` : "FALSE");

/**
 * The typed value and the validity of one declared column, from its text inputs (one, or one
 * per `de` part), trimmed as masb trims them (a decoder's parts always, a column's text when
 * `recortar`): a record whose column is not valid is rejected. A NULL input is a column the
 * file does not have (or an empty field a database stored as NULL): the value is missing.
 * `prefix` names the columns it computes first (`prep`).
 */
export function typeColumn(d: Dialect, source: Source, c: ColumnaDef, texts: string[], prefix: string): Typed {
  const absent = texts.map((r) => `${r} IS NULL`).join(" OR ");
  const t = c.decodificar ? decode(d, c.decodificar, texts, prefix) : typeText(d, source, c, texts[0], prefix);
  return {
    ok: `(${absent} OR ${t.ok})`,
    value: `CASE WHEN NOT (${absent}) THEN ${t.value} END`,
    ...(t.month ? { month: `CASE WHEN NOT (${absent}) THEN ${t.month} END` } : {}),
    ...(t.prep ? { prep: t.prep } : {}),
  };
}

/** A declared column typed from its (trimmed) text. */
function typeText(d: Dialect, source: Source, c: ColumnaDef, s: string, prefix: string): Typed {
  const nulls = [...new Set([...source.def.formato.nulos, ...(c.nulos ?? [])])];
  const isNull = inList(d, s, nulls);
  const present = `NOT (${isNull})`;
  switch (c.tipo) {
    case "entero": {
      const shape = `${prefix}_ok`;
      return {
        prep: [[shape, d.matches(s, INTEGER)]],
        ok: `(${isNull} OR ${shape})`,
        value: `CASE WHEN ${present} AND ${shape} THEN ${d.toInt(s)} END`,
      };
    }
    case "decimal": {
      const scale = c.escala ?? 2;
      const shape = `${prefix}_ok`;
      return {
        prep: [[shape, d.matches(s, `[+-]?[0-9]+(\\.[0-9]{0,${scale}})?`)]],
        ok: `(${isNull} OR ${shape})`,
        value: `CASE WHEN ${present} AND ${shape} THEN ${d.toDecimal(d.replaceFirst(s, "\\.$", ""), scale)} END`,
      };
    }
    case "fecha": {
      const iso = c.formato === "aaaa-mm-dd";
      const shape = iso ? "[0-9]{4}-[0-9]{2}-[0-9]{2}([ T].*)?" : "[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}( .*)?";
      const parts = iso
        ? [`substr(${s}, 1, 4)`, `substr(${s}, 6, 2)`, `substr(${s}, 9, 2)`]
        : [`substr(${d.splitPart(s, "/", 3)}, 1, 4)`, d.splitPart(s, "/", 2), d.splitPart(s, "/", 1)];
      const [y, m, day] = [`${prefix}_y`, `${prefix}_m`, `${prefix}_d`];
      const test = d.matches(s, shape);
      // The parts, read only from a text of the date's shape (NULL otherwise).
      const prep: [string, string][] = [[y, parts[0]], [m, parts[1]], [day, parts[2]]].map(([a, p]) => [a, `CASE WHEN ${test} THEN ${d.toInt(p)} END`]);
      const good = `(${y} IS NOT NULL AND ${validDateSql(d, y, m, day)})`;
      return {
        prep,
        ok: `(${isNull} OR ${good})`,
        value: `CASE WHEN ${present} AND ${good} THEN ${daysOf(d, y, m, day)} END`,
        month: `CASE WHEN ${present} AND ${good} THEN ${y} * 12 + ${m} - 1 END`,
      };
    }
    case "codigo": {
      const codes = c.codigos ? (Array.isArray(c.codigos) ? c.codigos : Object.keys(c.codigos)) : null;
      return {
        ok: codes && c.rechazar_desconocidos ? `(${isNull} OR ${inList(d, s, codes)})` : "TRUE",
        value: `CASE WHEN ${present} THEN ${s} END`,
      };
    }
    default:
      return { ok: "TRUE", value: `CASE WHEN ${present} THEN ${s} END` };
  }
}

/**
 * The decoders of src/sources/decoders.ts over trimmed parts: value, validity and (dates)
 * month. Each part is read once as an integer (`^-?\d+$`, NULL otherwise).
 */
function decode(d: Dialect, name: string, texts: string[], prefix: string): Typed {
  const ints = texts.map((_, k) => `${prefix}_${k}`);
  const prep: [string, string][] = texts.map((t, k) => [ints[k], `CASE WHEN ${d.matches(t, DECODER_INTEGER)} AND ${fitsBigint(d, t)} THEN ${d.toInt(t)} END`]);
  const isInt = (k: number) => `${ints[k]} IS NOT NULL`;
  const typed = decodeParts(d, name, texts, ints, isInt);
  return { ...typed, prep };
}

function decodeParts(d: Dialect, name: string, parts: string[], ints: string[], isInt: (k: number) => string): Typed {
  switch (name) {
    case "fecha_dma": {
      const [dd, mm, yy] = parts;
      const allInt = `(${isInt(0)} AND ${isInt(1)} AND ${isInt(2)})`;
      const anyEmpty = `(${dd} = '' OR ${mm} = '' OR ${yy} = '')`;
      const [day, m, y] = ints;
      // dateFromParts: a real date with the day within 1–31 and the year within 1800–2200; else unknown (null).
      const good = `(${y} BETWEEN 1800 AND 2200 AND ${day} <= 31 AND ${validDateSql(d, y, m, day)})`;
      return {
        ok: `(${allInt} OR ${anyEmpty})`,
        value: `CASE WHEN ${allInt} AND ${good} THEN ${daysOf(d, y, m, day)} END`,
        month: `CASE WHEN ${allInt} AND ${good} THEN ${y} * 12 + ${m} - 1 END`,
      };
    }
    case "edad_inegi_anios":
    case "edad_inegi_dias": {
      const [e] = parts;
      const code = ints[0];
      const kind = d.idiv(code, "1000");
      const n = `(${code} % 1000)`;
      // inegiAge: units 1 hours, 2 days, 3 months, 4 years; 4xxx over 150 and x099… are unknown; anything else is invalid.
      const valid = `(${code} = 0 OR ${kind} BETWEEN 1 AND 4)`;
      const unknown = `(${code} = 0 OR (${kind} = 4 AND ${n} > 150) OR (${kind} < 4 AND ${n} >= 99))`;
      const value = name === "edad_inegi_anios"
        ? `CASE WHEN ${kind} = 4 THEN ${n} ELSE 0 END`
        : `CASE ${kind} WHEN 1 THEN 0 WHEN 2 THEN CASE WHEN ${n} = 98 THEN 1 ELSE ${n} END WHEN 3 THEN CASE WHEN ${n} = 98 THEN 30 ELSE ${n} * 30 END ELSE ${n} * 365 END`;
      return {
        ok: `(CASE WHEN ${isInt(0)} THEN ${valid} ELSE ${e} = '' END)`,
        value: `CASE WHEN ${isInt(0)} AND ${valid} AND NOT ${unknown} THEN ${value} END`,
      };
    }
    case "edad_saeh_anios":
    case "edad_saeh_dias":
    case "edad_saeh_anios_2019": {
      const [c] = parts;
      const base = name === "edad_saeh_anios_2019" ? 0 : 2;
      const [code, n] = ints;
      const kind = `(${code} - ${base})`;
      const both = `(${isInt(0)} AND ${isInt(1)})`;
      // saehAge: 9 = not specified (null whatever EDAD holds); a unit outside the coding is invalid.
      const nine = `(${isInt(0)} AND ${code} = 9)`;
      const value = name === "edad_saeh_dias"
        ? `CASE ${kind} WHEN 0 THEN 0 WHEN 1 THEN ${n} WHEN 2 THEN ${n} * 30 ELSE ${n} * 365 END`
        : `CASE WHEN ${kind} = 3 THEN ${n} ELSE 0 END`;
      return {
        ok: `(${nine} OR (CASE WHEN ${both} THEN ${kind} BETWEEN 0 AND 3 ELSE ${c} = '' END))`,
        value: `CASE WHEN NOT ${nine} AND ${both} AND ${kind} BETWEEN 0 AND 3 THEN ${value} END`,
      };
    }
    default:
      throw new Error(`decodificador sin SQL: ${name}`);
  }
}

/** A wide variable's cell (trimmed; NULL when the file has no such column): missing when a null sentinel, else a number, else invalid. */
export function typePivot(d: Dialect, source: Source, s: string): Typed {
  const p = source.def.pivote!;
  const nulls = [...new Set([...source.def.formato.nulos, ...p.nulos])];
  const isNull = inList(d, s, nulls);
  const integer = p.tipo === "entero";
  const re = integer ? INTEGER : "[+-]?[0-9]+\\.[0-9]+|[+-]?[0-9]+";
  const cast = integer ? d.toInt(s) : d.toDouble(s);
  return {
    ok: `(${s} IS NULL OR ${isNull} OR ${d.matches(s, re)})`,
    value: `CASE WHEN ${s} IS NOT NULL AND NOT (${isNull}) AND ${d.matches(s, re)} THEN ${cast} END`,
  };
}

/** The SQL of a key column's value as text (as `String(value)` in the engine). */
const keyText = (d: Dialect, source: Source, column: string) => {
  const c = source.scope.columns.find((x) => x.name === column);
  const t = typedColumn(column);
  return c && (c.type === "string" || c.type === "code") ? t : `CAST(${t} AS ${d.text})`;
};

/**
 * The node a record attaches to under a list of key attempts (src/engine/ingest.ts, `attacher`):
 * a node code, `X` (out of the key's scope) or `R` (rejected). `lenient` for another universe's
 * key, which never rejects: what it cannot place goes to the entidad NE.
 */
export function attachSql(d: Dialect, source: Source, clave: ClaveIntento[] | undefined, sinClave: "rechazar" | "no_especificada" | "fuera_de_alcance", lenient: boolean): string {
  const ne = d.str(`e${ENTIDAD_NO_ESPECIFICADA}`);
  const reject = lenient ? ne : d.str(REJECTED);
  const nodes = `(SELECT masb_nodo FROM masb_nodos)`;
  const lookup = (nivel: Nivel, k: string): string => {
    const code = (letter: string, key: string) => `(${d.str(letter)} || ${key})`;
    switch (nivel) {
      case "nacional":
        return d.str("n");
      case "clues":
        return `CASE WHEN ${code("c", k)} IN ${nodes} THEN ${code("c", k)} WHEN ${k} IN (SELECT clues FROM masb_excluidas) THEN ${d.str(OUT)} ELSE ${reject} END`;
      case "entidad":
        return `CASE WHEN ${code("e", k)} IN ${nodes} THEN ${code("e", k)}`
          + ` WHEN ${d.matches(k, "[0-9]")} AND ${code("e0", k)} IN ${nodes} THEN ${code("e0", k)}`
          + ` WHEN ${d.matches(k, ENTIDAD_CODE)} THEN ${d.str(OUT)} ELSE ${reject} END`;
      default:
        return `CASE WHEN ${code(LEVEL_LETTER[nivel], k)} IN ${nodes} THEN ${code(LEVEL_LETTER[nivel], k)} ELSE ${reject} END`;
    }
  };
  const attempts = clave ?? [{ columna: "clues", nivel: "clues" as Nivel }];
  let sql = sinClave === "no_especificada" ? ne : sinClave === "fuera_de_alcance" ? d.str(OUT) : reject;
  for (const a of [...attempts].reverse()) {
    const k = keyText(d, source, a.columna);
    let found: string;
    if (a.nivel) found = lookup(a.nivel, k);
    else {
      const level = `COALESCE(${keyText(d, source, a.nivel_columna!)}, '')`;
      const cases = Object.entries(a.niveles ?? {}).map(([v, n]) => `WHEN ${d.str(v)} THEN ${lookup(n, k)}`).join(" ");
      found = `CASE ${level} ${cases} ELSE ${reject} END`;
    }
    const empty = [`${typedColumn(a.columna)} IS NULL`, ...(a.sin_valor?.length ? [inList(d, k, a.sin_valor)] : [])].join(" OR ");
    const outside = a.fuera?.length ? ` WHEN ${inList(d, k, a.fuera)} THEN ${d.str(OUT)}` : "";
    sql = `CASE WHEN ${empty} THEN ${sql}${outside} ELSE ${found} END`;
  }
  return sql;
}

/** The expression environment over a source's typed row (one of `rowsTable`'s columns per column). */
export function rowEnv(d: Dialect, cie: Set<string>, overrides: Record<string, string> = {}): ExprEnv {
  return {
    d,
    column: (name) => overrides[name] ?? typedColumn(name),
    month: "masb_periodo",
    cieCode: (name) => (cie.has(name) && !(name in overrides) ? cieColumn(name) : undefined),
  };
}

/** Columns read by plain-column `cie(col, …)` calls in some expressions: their normalised code is computed once per row. */
export function cieColumns(nodes: (Node | undefined)[]): Set<string> {
  const out = new Set<string>();
  const visit = (n: Node | undefined): void => {
    if (!n) return;
    switch (n.kind) {
      case "call":
        if (n.name === "cie" && n.args[0]?.kind === "col") out.add(n.args[0].name);
        n.args.forEach(visit);
        return;
      case "binary":
        visit(n.left);
        visit(n.right);
        return;
      case "unary":
      case "isnull":
        visit(n.arg);
        return;
      case "in":
        visit(n.arg);
        n.list.items.forEach(visit);
        return;
      case "between":
        visit(n.arg);
        visit(n.low);
        visit(n.high);
        return;
      default:
    }
  };
  nodes.forEach(visit);
  return out;
}

/** One boolean expression of a source (`incluir`, a filter) as SQL over its typed row. */
export function printBool(d: Dialect, source: Source, node: Node, env: ExprEnv): string {
  return new ExprPrinter(env, node, source.scope).print(node);
}

/** The SQL of the normalised CIE-10 code of a typed column. */
export const cieCodeOf = (d: Dialect, name: string) => cieCodeSql(d, typedColumn(name));
