/**
 * The aggregation stage of the plan (src/engine/plan.ts) as SQL: from the raw views of each
 * source (`masb_src_<fuente>`, src/sql/raw.ts) to the records of the partial-sums file
 * (src/engine/partials.ts), in its order. The statements build temporary tables, one step
 * each (the hierarchy from the CLUES catalog and the regionalisation; each source's records
 * with their verdicts, periods and nodes; each source's sums per node and period); the last
 * statement selects the records. Nothing here reads data or talks to a database: it prints.
 */
import type { Aggregate, Catalog, Indicator, Source } from "../catalog/load.js";
import type { ClaveIntento } from "../catalog/schema.js";
import { requiredCodes } from "../catalog/dictionaries.js";
import { analyseExpr } from "../expr/check.js";
import type { Node } from "../expr/ast.js";
import { ENTIDAD_NO_ESPECIFICADA } from "../hierarchy/index.js";
import { grainOf } from "../engine/ingest.js";
import { aggregateLabels, definitionHash, NO_CLOSING_DATE, PARTIALS_FORMAT, PARTIALS_VERSION, RECORD_KINDS } from "../engine/partials.js";
import { planFor, type Plan, type Slot, type SourcePlan } from "../engine/plan.js";
import { DECODERS } from "../sources/decoders.js";
import type { Dialect } from "./dialect.js";
import { ExprPrinter, helper, helperFunctions } from "./expr.js";
import {
  attachSql, cieCodeOf, cieColumn, cieColumns, ENTIDAD_CODE, monthColumn, OUT, pivotPresent, pivotValue, rawInput, rawPresent, rawVariable, rawView, REJECTED,
  rowEnv, rowsTable, typeColumn, typedColumn, typePivot,
} from "./rows.js";

/** An indicator the SQL cannot compute exactly as the streaming engine does, and why. */
export interface NotCompiled {
  indicator: string;
  reason: string;
}

/** What the compiled SQL reads besides the raw views: tables the caller fills (the motor, or a script's preamble). */
export interface SideTables {
  /** `masb_no_cargados (fuente, archivo, leidos)`: every file read, with the records not loaded (turned down before typing; the loader's `masb_archivos` has them as `rechazados`). */
  archivos: boolean;
  /** `masb_variables (fuente, archivo, codigo)`: the wide files' variable columns. */
  variables: boolean;
  /** `masb_problemas (fuente, archivo, linea, codigo, mensaje, fatal)`: problems of whole files. */
  problemas: boolean;
}

export interface CompileInput {
  catalog: Catalog;
  indicators: Indicator[];
  dialect: Dialect;
  /** Sources whose raw view exists (files or a table); the others are missing, as an extract without them. */
  present: Set<string>;
  side: SideTables;
  /**
   * Also keep why each rejected record was rejected (`masb_motivo`, `masb_falla`, `masb_texto`,
   * `masb_clave_texto` in the records tables): the motor lists them as masb's rejections.
   */
  reasons?: boolean;
}

export interface CompiledSql {
  /** Statements to run in order (helper functions, temporary tables). */
  statements: string[];
  /** The query of the partial-sum records, in the file's order. */
  query: string;
  /** The indicators compiled (the selection, less those in `notCompiled`). */
  indicators: Indicator[];
  notCompiled: NotCompiled[];
  plan: Plan;
}

const ORDER = new Map<string, number>(RECORD_KINDS.map((k, i) => [k, i]));

/** Why an aggregate cannot be compiled, or null. */
function whyNot(agg: Aggregate, catalog: Catalog): string | null {
  const source = catalog.sources.get(agg.source)!;
  for (const c of source.def.columnas) {
    if (c.decodificar && !SUPPORTED_DECODERS.has(c.decodificar)) return `el decodificador ${c.decodificar} de la fuente ${source.name} no tiene SQL`;
  }
  if (source.def.pivote) {
    if (!source.variables) return `la fuente ${source.name} es ancha (pivote) sin diccionario de variables: cuáles columnas son variables lo decide cada archivo`;
    if (!requiredCodes(agg.filter, source.def.pivote.variable)) return `el agregado no elige sus variables (${source.def.pivote.variable} = '…' o en […]) en la fuente ancha ${source.name}`;
  }
  if ((agg.kind === "suma" || agg.kind === "promedio") && agg.value && agg.scale === 0 && analyseExpr(agg.value, source.scope).type === "decimal") {
    return "el valor es decimal sin columna decimal que fije su escala: el motor en flujo lo suma en coma flotante, que no tiene equivalente exacto";
  }
  return null;
}

const SUPPORTED_DECODERS = new Set(Object.keys(DECODERS));

/** Everything the compiler knows of one planned source. */
interface SourceCtx {
  sp: SourcePlan;
  source: Source;
  cie: Set<string>;
  /** Wide variables each slot reads (pivoted sources). */
  codes: Map<Slot, string[]>;
  /** Every wide variable the aggregates read. */
  usedCodes: string[];
}

/**
 * Compiles the selected indicators' aggregation stage. Indicators whose aggregates cannot be
 * expressed (see `whyNot`) are left out of the SQL and listed in `notCompiled`.
 */
export function compileSql(input: CompileInput): CompiledSql {
  const { catalog, dialect: d } = input;
  const notCompiled: NotCompiled[] = [];
  const compiled: Indicator[] = [];
  for (const ind of input.indicators) {
    const reasons = Object.values(ind.aggregates).map((a) => whyNot(a, catalog)).filter((r): r is string => r !== null);
    if (reasons.length) notCompiled.push({ indicator: ind.id, reason: reasons[0] });
    else compiled.push(ind);
  }
  const plan = planFor(catalog, compiled);
  const labels = aggregateLabels(plan);
  const cluesSource = [...catalog.sources.values()].find((s) => s.def.rol === "catalogo_clues");
  const regionSource = [...catalog.sources.values()].find((s) => s.def.rol === "regionalizacion");
  if (!cluesSource) throw new Error("el catálogo no tiene fuente con rol catalogo_clues");

  const statements: string[] = [...helperFunctions(d)];
  const ctxs = new Map<string, SourceCtx>();
  for (const [name, sp] of plan.sources) {
    const codes = new Map<Slot, string[]>();
    const pivot = sp.source.def.pivote;
    if (pivot) for (const s of sp.slots) codes.set(s, [...new Set(requiredCodes(s.aggregate.filter, pivot.variable) ?? [])]);
    ctxs.set(name, {
      sp, source: sp.source, codes, usedCodes: [...new Set([...codes.values()].flat())].sort(),
      cie: cieColumns(sp.slots.flatMap((s) => [s.aggregate.filter, s.aggregate.value])),
    });
  }

  // 1. The hierarchy: units of the network from the CLUES catalog, with their regionalisation.
  const unitConditions = [...new Map([...plan.sources.values()].flatMap((sp) => sp.slots).filter((s) => s.aggregate.unidad).map((s) => [unitKey(s), s.aggregate.unidad!])).entries()];
  const conditionKeys = unitConditions.map(([k]) => k);
  statements.push(...d.tempTable("masb_r_regionalizacion", regionRows(d, regionSource, input.present, input.reasons ?? false)));
  statements.push(...d.tempTable("masb_r_clues", cluesRows(d, cluesSource, ctxs.get(cluesSource.name), unitConditions, input.reasons ?? false)));
  statements.push(...d.tempTable("masb_unidades", unitsSelect(d, unitConditions.length)));
  statements.push(...d.tempTable("masb_excluidas", `SELECT DISTINCT ${typedColumn("clues")} AS clues FROM masb_r_clues WHERE masb_estado = 'A' AND NOT masb_red`));
  statements.push(...d.tempTable("masb_nodos", [
    `SELECT 'n' AS masb_nodo`,
    `SELECT ${d.str(`e${ENTIDAD_NO_ESPECIFICADA}`)}`,
    `SELECT DISTINCT 'e' || entidad FROM masb_unidades`,
    `SELECT DISTINCT 'r' || region FROM masb_unidades`,
    `SELECT DISTINCT 'z' || zona FROM masb_unidades`,
    `SELECT 'c' || clues FROM masb_unidades`,
  ].join("\nUNION\n")));

  // 2. Each other source read by the selection: its records, then its sums per key group.
  const facts = [...plan.sources.keys()].filter((n) => n !== cluesSource.name && input.present.has(n)).sort(cmp);
  for (const name of facts) {
    const ctx = ctxs.get(name)!;
    statements.push(...d.tempTable(rowsTable(name), factRows(d, ctx, input.reasons ?? false)));
    ctx.sp.groups.forEach((_, g) => {
      if (ctx.sp.slots.some((s) => s.group === g && s.aggregate.kind !== "distintos")) statements.push(...d.tempTable(groupTable(name, g), groupSums(d, ctx, g, conditionKeys)));
    });
  }
  const cluesCtx = ctxs.get(cluesSource.name);
  if (cluesCtx?.sp.slots.some((s) => s.aggregate.kind !== "distintos")) statements.push(...d.tempTable(groupTable(cluesSource.name, 0), cluesSums(d, cluesCtx, conditionKeys)));

  // 3. The records, in the file's order.
  const parts: string[] = [];
  const rec = (kind: string, f: Partial<Record<"fuente" | "archivo" | "periodo" | "nivel" | "clave" | "agregado" | "valor" | "n", string>>, from = "", level = "0") => {
    const t = (x: string | undefined) => (x === undefined ? `CAST(NULL AS ${d.text})` : `CAST(${x} AS ${d.text})`);
    return `SELECT ${ORDER.get(kind)} AS masb_k, ${d.str(kind)} AS registro, ${t(f.fuente)} AS fuente, ${t(f.archivo)} AS archivo, ${t(f.periodo)} AS periodo, `
      + `${level} AS masb_l, ${t(f.nivel)} AS nivel, ${t(f.clave)} AS clave, ${t(f.agregado)} AS agregado, ${t(f.valor)} AS valor, ${t(f.n)} AS n${from ? `\n  ${from}` : ""}`;
  };
  parts.push(rec("formato", { valor: d.str(PARTIALS_FORMAT), n: d.str(String(PARTIALS_VERSION)) }));
  parts.push(rec("meta", { agregado: d.str("indicadores"), valor: d.str(compiled.map((i) => i.id).join(" ")) }));
  if (labels.size) {
    const rows = [...labels].map(([slot, label]) => `(${[slot.aggregate.source, label, definitionHash(slot.aggregate.key), String(slot.aggregate.scale)].map(d.str).join(", ")})`);
    parts.push(rec("agregado", { fuente: "a.fuente", agregado: "a.agregado", valor: "a.huella", n: "a.escala" }, `FROM (VALUES ${rows.join(",\n    ")}) AS a(fuente, agregado, huella, escala)`));
  }
  parts.push(unitRecords(d, cluesSource, rec));
  // Files: the hierarchy's and each fact source's.
  const fileSources = [regionSource && input.present.has(regionSource.name) ? regionSource.name : null, cluesSource.name, ...facts].filter((x): x is string => x !== null);
  for (const name of fileSources) {
    const table = name === cluesSource.name ? "masb_r_clues" : name === regionSource?.name ? "masb_r_regionalizacion" : rowsTable(name);
    parts.push(fileRecords(d, name, table, name === cluesSource.name || name === regionSource?.name ? undefined : ctxs.get(name), input.side.archivos, rec));
  }
  if (input.side.variables) parts.push(rec("variable", { fuente: "fuente", archivo: "archivo", valor: "codigo" }, "FROM masb_variables"));
  if (input.side.problemas) parts.push(rec("problema", { fuente: "fuente", archivo: "archivo", clave: "linea", agregado: "codigo", valor: "mensaje", n: "fatal" }, "FROM masb_problemas"));
  for (const name of facts) {
    const ctx = ctxs.get(name)!;
    const grain = grainOf(ctx.source);
    const period = periodText(d, grain, "masb_periodo");
    const node = nodeParts(d);
    if (ctx.source.def.exige_reporte) {
      parts.push(rec("reporte", { fuente: d.str(name), archivo: "masb_archivo", periodo: period, nivel: node.nivel("masb_n0"), clave: node.clave("masb_n0") },
        `FROM (SELECT DISTINCT masb_archivo, masb_periodo, masb_n0 FROM ${rowsTable(name)} WHERE masb_estado = 'A' AND masb_n0 <> '${OUT}') q`, node.rank("masb_n0")));
    }
    parts.push(rec("filas", { fuente: d.str(name), periodo: period, nivel: node.nivel("masb_nodo"), clave: node.clave("masb_nodo"), valor: "masb_filas" },
      `FROM (SELECT masb_periodo, masb_nodo, count(*) AS masb_filas FROM (${placedNodes(ctx)}) q GROUP BY masb_periodo, masb_nodo) f`, node.rank("masb_nodo")));
  }
  for (const name of [...(cluesCtx ? [cluesSource.name] : []), ...facts].sort(cmp)) {
    const ctx = ctxs.get(name)!;
    const node = nodeParts(d);
    ctx.sp.groups.forEach((_, g) => {
      const slots = ctx.sp.slots.filter((s) => s.group === g && s.aggregate.kind !== "distintos");
      if (slots.length === 0) return;
      const period = periodText(d, grainOf(ctx.source), "g.masb_periodo");
      const values = slots.map((s) => `(${d.str(labels.get(s)!)}, ${sumText(d, s, `g.a${s.index}`)}, ${s.aggregate.kind === "conteo" ? `CAST(NULL AS ${d.text})` : `CAST(g.b${s.index} AS ${d.text})`}, `
        + `${s.aggregate.kind === "conteo" ? `g.a${s.index} <> 0` : `(g.a${s.index} <> 0 OR g.b${s.index} <> 0)`})`);
      parts.push(rec("suma", { fuente: d.str(name), periodo: period, nivel: node.nivel("g.masb_nodo"), clave: node.clave("g.masb_nodo"), agregado: "v.agregado", valor: "v.valor", n: "v.n" },
        `FROM ${groupTable(name, g)} g CROSS JOIN LATERAL (VALUES ${values.join(",\n    ")}) AS v(agregado, valor, n, masb_no_cero)\n  WHERE v.masb_no_cero`, node.rank("g.masb_nodo")));
    });
    for (const s of ctx.sp.slots.filter((x) => x.aggregate.kind === "distintos")) {
      const period = periodText(d, grainOf(ctx.source), "q.masb_periodo");
      parts.push(rec("distinto", { fuente: d.str(name), periodo: period, nivel: node.nivel("q.masb_nodo"), clave: node.clave("q.masb_nodo"), agregado: d.str(labels.get(s)!), valor: "q.masb_valor" },
        `FROM (${distinctValues(d, ctx, s, name === cluesSource.name, conditionKeys)}) q`, node.rank("q.masb_nodo")));
    }
  }
  const by = ["masb_k", "fuente", "archivo", "periodo", "masb_l", "clave", "agregado", "valor"].map((c) => (c.startsWith("masb_") ? c : d.binary(c)));
  // An empty text as NULL: a CSV export writes both as an empty field (PostgreSQL quotes '' as "").
  const cols = ["registro", "fuente", "archivo", "periodo", "nivel", "clave", "agregado", "valor", "n"].map((c) => `NULLIF(${c}, '') AS ${c}`).join(", ");
  const query = `SELECT ${cols} FROM (\n${parts.join("\nUNION ALL\n")}\n) masb_parciales\nORDER BY ${by.join(", ")}`;
  return { statements, query, indicators: compiled, notCompiled, plan };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const groupTable = (source: string, g: number) => `masb_g_${source}_${g}`;
const unitKey = (s: Slot) => JSON.stringify(s.aggregate.unidad);

/** `nivel`, `clave` and the level's rank of a node code (`cGRIMB…`, `e12`, `n`). */
function nodeParts(d: Dialect) {
  return {
    nivel: (x: string) => `CASE substr(${x}, 1, 1) WHEN 'n' THEN 'nacional' WHEN 'e' THEN 'entidad' WHEN 'r' THEN 'region' WHEN 'z' THEN 'zona' ELSE 'clues' END`,
    clave: (x: string) => `substr(${x}, 2)`,
    rank: (x: string) => `position(substr(${x}, 1, 1) IN 'nerzc')`,
  };
}

/** The `periodo` column of a bucket key: `2024-03`, `2024`, or '' (src/engine/partials.ts, `periodText`). */
function periodText(d: Dialect, grain: "mes" | "anio" | "ninguno", key: string): string {
  if (grain === "ninguno") return "''";
  const year = d.idiv(key, "12");
  if (grain === "anio") return `CAST(${year} AS ${d.text})`;
  return `CAST(${year} AS ${d.text}) || '-' || lpad(CAST(${key} - ${year} * 12 + 1 AS ${d.text}), 2, '0')`;
}

/** A slot's sum as text: exact decimals with the aggregate's scale (scaled integers are shifted back). */
function sumText(d: Dialect, s: Slot, a: string): string {
  if (s.aggregate.kind !== "conteo" && sumsScaled(s)) {
    const unit = s.aggregate.scale === 0 ? "1" : `0.${"0".repeat(s.aggregate.scale - 1)}1`;
    return `CAST(CAST(${a} AS ${d.decimal(0)}) * CAST(${unit} AS ${d.decimal(s.aggregate.scale)}) AS ${d.text})`;
  }
  return `CAST(${a} AS ${d.text})`;
}

/** True when the slot's value is summed as an integer count of 10^-scale (a decimal expression), not as itself. */
function sumsScaled(s: Slot): boolean {
  const v = s.aggregate.value;
  if (!v || s.aggregate.scale === 0) return false;
  return v.kind !== "col";
}

// --------------------------------------------------------------------------- typed rows

/**
 * The typed layer of a source's raw view: each declared column's value (`t_<col>`, and
 * `m_<col>` the month of a date), the normalised CIE-10 code of the columns `cie()` reads
 * (`k_<col>`), the wide variables the aggregates read (`pv_<code>`, `pp_<code>` present in the
 * file), and `masb_ok`: every column, and every wide variable the dictionary lists, typed.
 */
function typedSelect(d: Dialect, source: Source, present: boolean, cie: Set<string>, usedCodes: string[], reasons = false): string {
  const cols = source.def.columnas;
  const trimmed: string[] = [];
  const prep: string[] = [];
  const typed: string[] = [];
  const oks: string[] = ["masb_columnas"];
  // The checks in masb's order (the reader's: declared columns, then wide cells), each with the text it read.
  const checks: { ok: string; text: string }[] = [];
  cols.forEach((c, i) => {
    const n = c.de?.length ?? 1;
    const texts = Array.from({ length: n }, (_, k) => `s${i}_${k}`);
    for (let k = 0; k < n; k++) trimmed.push(`${c.decodificar || c.recortar ? d.trim(rawInput(i, k)) : rawInput(i, k)} AS s${i}_${k}`);
    const t = typeColumn(d, source, c, texts, `q${i}`);
    for (const [alias, sql] of t.prep ?? []) prep.push(`${sql} AS ${alias}`);
    typed.push(`${t.value} AS ${typedColumn(c.nombre)}`);
    if (t.month) typed.push(`${t.month} AS ${monthColumn(c.nombre)}`);
    oks.push(t.ok);
    checks.push({ ok: t.ok, text: texts.join(" || '/' || ") });
  });
  const variables = source.def.pivote ? source.variables ?? [] : [];
  for (const code of variables) {
    trimmed.push(`${d.trim(rawVariable(code))} AS sv_${code}`, `${rawPresent(code)} AS sp_${code}`);
    const t = typePivot(d, source, `sv_${code}`);
    oks.push(t.ok);
    checks.push({ ok: t.ok, text: `sv_${code}` });
    if (usedCodes.includes(code)) typed.push(`${t.value} AS ${pivotValue(code)}`, `sp_${code} AS ${pivotPresent(code)}`);
  }
  const record = source.def.llave === "renglon" ? ", masb_registro" : "";
  const from = present ? rawView(source.name) : `(SELECT ${[`CAST(NULL AS ${d.text}) AS masb_archivo`, `CAST(NULL AS ${d.bigint}) AS masb_linea`, "FALSE AS masb_columnas",
    ...cols.flatMap((c, i) => Array.from({ length: c.de?.length ?? 1 }, (_, k) => `CAST(NULL AS ${d.text}) AS ${rawInput(i, k)}`))].join(", ")} WHERE FALSE) masb_vacio`;
  const p = `SELECT masb_archivo, masb_linea, masb_columnas${record},\n    ${trimmed.join(",\n    ")}\n  FROM ${from}`;
  const cieCols = [...cie].map((c) => `${cieCodeOf(d, c)} AS ${cieColumn(c)}`);
  const q = `SELECT p.*${prep.length ? `,\n    ${prep.join(",\n    ")}` : ""}\n  FROM p`;
  // Why a record does not type: the first check that fails (-1: the file lacks a required column) and its text.
  const failing = (then: (k: number) => string) => `CASE WHEN (${oks.join(" AND ")}) THEN NULL WHEN NOT COALESCE(masb_columnas, FALSE) THEN ${then(-1)} `
    + `${checks.map((c, k) => `WHEN NOT COALESCE(${c.ok}, FALSE) THEN ${then(k)}`).join(" ")} END`;
  const why = reasons ? [`${failing((k) => String(k))} AS masb_falla`, `${failing((k) => (k < 0 ? `CAST(NULL AS ${d.text})` : checks[k].text))} AS masb_texto`] : [];
  const t = `SELECT masb_archivo, masb_linea${record},\n    ${[...typed, ...why].join(",\n    ")},\n    (${oks.join("\n      AND ")}) AS masb_ok\n  FROM q`;
  // PostgreSQL inlines a CTE into the next and so repeats its expressions where they are used
  // (the trimmed text inside every test of its type): each step is computed once instead.
  const m = d.name === "postgres" ? " MATERIALIZED" : "";
  return `WITH p AS${m} (\n  ${p}\n), q AS${m} (\n  ${q}\n), t0 AS${m} (\n  ${t}\n), t AS (\n  SELECT t0.*${cieCols.length ? `, ${cieCols.join(", ")}` : ""} FROM t0\n)`;
}

/** The regionalisation's rows: the first row of each CLUES (file order) counts; a row without CLUES is rejected. */
function regionRows(d: Dialect, source: Source | undefined, present: Set<string>, reasons: boolean): string {
  const whyNone = reasons ? `, CAST(NULL AS ${d.bigint}) AS masb_linea, CAST(NULL AS ${d.text}) AS masb_motivo, CAST(NULL AS INTEGER) AS masb_falla, CAST(NULL AS ${d.text}) AS masb_texto` : "";
  if (!source) return `SELECT CAST(NULL AS ${d.text}) AS masb_archivo, CAST(NULL AS ${d.text}) AS masb_estado, CAST(NULL AS ${d.text}) AS clues, CAST(NULL AS ${d.text}) AS region, CAST(NULL AS ${d.text}) AS region_nombre, CAST(NULL AS ${d.text}) AS zona, CAST(NULL AS ${d.text}) AS zona_nombre${whyNone} WHERE FALSE`;
  const clues = typedColumn("clues");
  const has = `(masb_ok AND ${clues} IS NOT NULL AND ${clues} <> '')`;
  const text = (c: string) => `COALESCE(CAST(${typedColumn(c)} AS ${d.text}), '')`;
  const why = reasons
    ? `, masb_linea, CASE WHEN NOT COALESCE(masb_ok, FALSE) THEN 'tipo' WHEN ${clues} IS NULL OR ${clues} = '' THEN 'vacia' WHEN masb_rc > 1 THEN 'duplicada' END AS masb_motivo, masb_falla, masb_texto`
    : "";
  return `${typedSelect(d, source, present.has(source.name), new Set(), [], reasons)}
SELECT masb_archivo, CASE WHEN ${has} AND masb_rc = 1 THEN 'A' ELSE 'R' END AS masb_estado,
  ${clues} AS clues, ${text("clave_region")} AS region, ${text("region")} AS region_nombre, ${text("clave_zona")} AS zona, ${text("zona")} AS zona_nombre${why}
FROM (SELECT t.*, row_number() OVER (PARTITION BY ${has}, ${clues} ORDER BY ${d.binary("masb_archivo")}, masb_linea) AS masb_rc FROM t) r`;
}

/**
 * The CLUES catalog's rows: typed; the first row of each CLUES (file order) counts, a row
 * without CLUES is rejected; the rows that meet `incluir` are the network (`masb_red`), and
 * one of them whose entidad is not a state's code (01–32) is rejected.
 */
function cluesRows(d: Dialect, source: Source, ctx: SourceCtx | undefined, conditions: [string, Node][], reasons: boolean): string {
  const clues = typedColumn("clues");
  const env = rowEnv(d, ctx?.cie ?? new Set());
  const bool = (node: Node | undefined, otherwise: string) => (node ? `COALESCE(${new ExprPrinter({ ...env, month: "0" }, node, source.scope).print(node)}, FALSE)` : otherwise);
  const has = `(masb_ok AND ${clues} IS NOT NULL AND ${clues} <> '')`;
  const entidad = d.trim(`COALESCE(CAST(${typedColumn("clave_entidad")} AS ${d.text}), '')`);
  const flags = conditions.map(([, node], j) => `${bool(node, "TRUE")} AS masb_u${j}`);
  const closedOn = source.def.fecha_baja;
  const cierre = `CASE WHEN ${bool(source.fueraDeOperacion, "FALSE")} THEN ${closedOn
    ? `CASE WHEN ${monthColumn(closedOn)} IS NULL THEN ${d.str(NO_CLOSING_DATE)} ELSE ${periodText(d, "mes", monthColumn(closedOn))} END`
    : d.str(NO_CLOSING_DATE)} END`;
  const why = reasons
    ? `,\n  CASE WHEN NOT COALESCE(masb_ok, FALSE) THEN 'tipo' WHEN ${clues} IS NULL OR ${clues} = '' THEN 'vacia' WHEN masb_rc > 1 THEN 'duplicada' WHEN masb_red AND NOT ${d.matches(entidad, ENTIDAD_CODE)} THEN 'entidad' END AS masb_motivo`
    : "";
  return `${typedSelect(d, source, true, ctx?.cie ?? new Set(), [], reasons)}
, f AS (
  SELECT t.*, ${bool(source.incluir, "TRUE")} AS masb_red, row_number() OVER (PARTITION BY ${has}, ${clues} ORDER BY ${d.binary("masb_archivo")}, masb_linea) AS masb_rc FROM t
)
SELECT f.*,
  CASE WHEN NOT ${has} OR masb_rc > 1 THEN 'R' WHEN masb_red AND NOT ${d.matches(entidad, ENTIDAD_CODE)} THEN 'R' ELSE 'A' END AS masb_estado${why},
  lpad(${entidad}, 2, '0') AS masb_entidad,
  ${bool(source.reporta, "TRUE")} AS masb_reporta,
  ${cierre} AS masb_cierre${flags.length ? `,\n  ${flags.join(",\n  ")}` : ""}
FROM f`;
}

/** The units of the network: each with its entidad, región and zona keys (the regionalisation's, or its jurisdicción's). */
function unitsSelect(d: Dialect, conditions: number): string {
  const text = (c: string) => d.trim(`COALESCE(CAST(c.${typedColumn(c)} AS ${d.text}), '')`);
  const flags = Array.from({ length: conditions }, (_, j) => `, c.masb_u${j}`).join("");
  return `SELECT c.${typedColumn("clues")} AS clues, ${text("nombre")} AS nombre, c.masb_entidad AS entidad, ${text("entidad")} AS entidad_nombre,
  ${text("clave_jurisdiccion")} AS jurisdiccion, ${text("jurisdiccion")} AS jurisdiccion_nombre, c.masb_reporta AS reporta, c.masb_cierre AS cierre,
  r.clues IS NOT NULL AS regionalizada, r.region AS region_r, r.region_nombre AS region_nombre_r, r.zona AS zona_r, r.zona_nombre AS zona_nombre_r,
  CASE WHEN r.clues IS NOT NULL THEN r.region ELSE c.masb_entidad || '-SR' END AS region,
  CASE WHEN r.clues IS NOT NULL THEN r.zona ELSE c.masb_entidad || '-J' || ${text("clave_jurisdiccion")} END AS zona${flags}
FROM masb_r_clues c LEFT JOIN (SELECT * FROM masb_r_regionalizacion WHERE masb_estado = 'A') r ON r.clues = c.${typedColumn("clues")}
WHERE c.masb_estado = 'A' AND c.masb_red`;
}

/** The `unidad` records: the units' fields, the region's only for a unit the regionalisation lists, the closing month only for a closed one. */
function unitRecords(d: Dialect, source: Source, rec: (kind: string, f: Record<string, string>, from?: string, level?: string) => string): string {
  const fields: [string, string][] = [
    ["nombre", "u.nombre"], ["entidad", "u.entidad"], ["entidad_nombre", "u.entidad_nombre"], ["jurisdiccion", "u.jurisdiccion"],
    ["jurisdiccion_nombre", "u.jurisdiccion_nombre"], ["reporta", "CASE WHEN u.reporta THEN '1' ELSE '0' END"], ["cierre", "u.cierre"],
    ["region", "CASE WHEN u.regionalizada THEN u.region_r END"], ["region_nombre", "CASE WHEN u.regionalizada THEN u.region_nombre_r END"],
    ["zona", "CASE WHEN u.regionalizada THEN u.zona_r END"], ["zona_nombre", "CASE WHEN u.regionalizada THEN u.zona_nombre_r END"],
  ];
  const values = fields.map(([k, v]) => `(${d.str(k)}, CAST(${v} AS ${d.text}))`).join(", ");
  return rec("unidad", { fuente: d.str(source.name), nivel: "'clues'", clave: "u.clues", agregado: "v.campo", valor: "v.valor" },
    `FROM masb_unidades u CROSS JOIN LATERAL (VALUES ${values}) AS v(campo, valor)\n  WHERE v.valor IS NOT NULL`, "5");
}

/**
 * A fact source's records: verdict (`masb_estado`), period bucket (`masb_periodo`), the node of
 * each key group (`masb_n<g>`: a node code, or X out of scope), and the typed values.
 */
function factRows(d: Dialect, ctx: SourceCtx, reasons: boolean): string {
  const { source, sp } = ctx;
  const own = attachSql(d, source, source.def.clave, source.def.sin_clave, false);
  const overrides = sp.groups.slice(1).map((g) => JSON.parse(g) as { clave: ClaveIntento[]; sin_clave: "rechazar" | "no_especificada" | "fuera_de_alcance" });
  const p = source.def.periodo;
  let period = "0";
  if (p?.fecha) period = monthColumn(p.fecha);
  else if (p?.anio) {
    const y = typedColumn(p.anio);
    period = p.mes
      ? `CASE WHEN ${y} BETWEEN 1900 AND 2200 AND ${typedColumn(p.mes)} BETWEEN 1 AND 12 THEN ${y} * 12 + ${typedColumn(p.mes)} - 1 END`
      : `CASE WHEN ${y} BETWEEN 1900 AND 2200 THEN ${y} * 12 END`;
  }
  const attached = `masb_ok AND masb_n0 <> '${REJECTED}' AND masb_periodo IS NOT NULL`;
  const unique = source.def.unico ?? [];
  const uniqueElig = `(${attached} AND masb_n0 <> '${OUT}')`;
  const keyText = (c: string) => `COALESCE(CAST(${typedColumn(c)} AS ${d.text}), '')`;
  const ru = unique.length
    ? `CASE WHEN ${uniqueElig} THEN row_number() OVER (PARTITION BY ${uniqueElig}, masb_archivo, masb_periodo, ${unique.map(keyText).join(", ")} ORDER BY masb_linea) END`
    : "CAST(NULL AS BIGINT)";
  const llave = source.def.llave;
  const keyParts = llave === undefined ? null : llave === "renglon" ? ["masb_registro"] : llave.map(typedColumn);
  const keyElig = keyParts ? `(${attached} AND COALESCE(masb_ru, 1) = 1${keyParts.map((k) => ` AND ${k} IS NOT NULL`).join("")})` : "FALSE";
  const rl = keyParts
    ? `CASE WHEN ${keyElig} THEN row_number() OVER (PARTITION BY ${keyElig}, ${keyParts.join(", ")} ORDER BY ${d.binary("masb_archivo")}, masb_linea) END`
    : "CAST(NULL AS BIGINT)";
  // Where a repeated key was first read (the rejection says so), and the key as a person reads it (dates aaaa-mm-dd).
  const window = keyParts ? `OVER (PARTITION BY ${keyElig}, ${keyParts.join(", ")} ORDER BY ${d.binary("masb_archivo")}, masb_linea)` : "";
  const firstSeen = reasons && keyParts ? `, first_value(masb_archivo) ${window} AS masb_rl_archivo, first_value(masb_linea) ${window} AS masb_rl_linea` : "";
  const keyShown = (c: string) => {
    const col = source.scope.columns.find((x) => x.name === c);
    if (col?.type !== "date") return `COALESCE(CAST(${typedColumn(c)} AS ${d.text}), '')`;
    const ymd = `${helper(d, "masb_ymd")}(${typedColumn(c)})`;
    const two = (x: string) => `lpad(CAST(${x} AS ${d.text}), 2, '0')`;
    return `COALESCE(CAST(${d.idiv(ymd, "10000")} AS ${d.text}) || '-' || ${two(`${d.idiv(ymd, "100")} % 100`)} || '-' || ${two(`${ymd} % 100`)}, '')`;
  };
  const llaveText = Array.isArray(llave) ? llave.map(keyShown).join(" || '/' || ") : `CAST(NULL AS ${d.text})`;
  const keep = [
    ...source.def.columnas.map((c) => typedColumn(c.nombre)), ...[...ctx.cie].map(cieColumn),
    ...ctx.usedCodes.flatMap((c) => [pivotValue(c), pivotPresent(c)]),
  ];
  const groups = overrides.map((g, i) => `${attachSql(d, source, g.clave, g.sin_clave, true)} AS masb_n${i + 1}`);
  // Why a record is rejected, in the order of masb's checks: typing, key, period, unico, llave.
  const attempts = source.def.clave ?? [{ columna: "clues" }];
  const columnIndex = (name: string) => source.def.columnas.findIndex((c) => c.nombre === name);
  const why = reasons
    ? [
      `CASE WHEN NOT COALESCE(masb_ok, FALSE) THEN 'tipo' WHEN masb_n0 = '${REJECTED}' THEN 'clave' WHEN masb_periodo IS NULL THEN 'periodo' WHEN COALESCE(masb_ru, 1) <> 1 THEN 'unico' WHEN COALESCE(masb_rl, 1) <> 1 THEN 'llave' END AS masb_motivo`,
      "masb_falla", "masb_texto",
      `CASE ${attempts.map((a) => `WHEN ${typedColumn(a.columna)} IS NOT NULL THEN ${columnIndex(a.columna)}`).join(" ")} END AS masb_clave_col`,
      `COALESCE(${attempts.map((a) => `CAST(${typedColumn(a.columna)} AS ${d.text})`).join(", ")}, '') AS masb_clave_texto`,
      `CASE WHEN COALESCE(masb_rl, 1) <> 1 THEN ${llaveText} END AS masb_llave_texto`,
      `CASE WHEN COALESCE(masb_ru, 1) <> 1 THEN ${unique.length ? unique.map(keyText).join(" || ', ' || ") : `CAST(NULL AS ${d.text})`} END AS masb_unico_texto`,
      ...(keyParts ? ["masb_rl_archivo", "masb_rl_linea"] : [`CAST(NULL AS ${d.text}) AS masb_rl_archivo`, `CAST(NULL AS ${d.bigint}) AS masb_rl_linea`]),
    ]
    : [];
  return `${typedSelect(d, source, true, ctx.cie, ctx.usedCodes, reasons)}
, k AS (SELECT t.*, ${own} AS masb_n0, ${period} AS masb_periodo FROM t)
, u AS (SELECT k.*, ${ru} AS masb_ru FROM k)
, l AS (SELECT u.*, ${rl} AS masb_rl${firstSeen} FROM u)
SELECT masb_archivo, masb_linea,
  CASE WHEN ${attached} AND COALESCE(masb_ru, 1) = 1 AND COALESCE(masb_rl, 1) = 1 THEN 'A' ELSE 'R' END AS masb_estado,
  masb_periodo, masb_n0${groups.length ? `,\n  ${groups.join(",\n  ")}` : ""},
  ${[...keep, ...why].join(", ")}
FROM l`;
}

/** For each accepted record, the distinct nodes its key groups place it at (rows per node, once however many keys place it there). */
function placedNodes(ctx: SourceCtx): string {
  const table = rowsTable(ctx.source.name);
  return ctx.sp.groups.map((_, g) => {
    const before = Array.from({ length: g }, (_, k) => ` AND masb_n${g} <> masb_n${k}`).join("");
    return `SELECT masb_periodo, masb_n${g} AS masb_nodo FROM ${table} WHERE masb_estado = 'A' AND masb_n${g} <> '${OUT}'${before}`;
  }).join(" UNION ALL ");
}

/** What one slot adds per record (`a`) and how many values are behind it (`b`), over pivoted variables where the source is wide. */
function slotTerms(d: Dialect, ctx: SourceCtx, s: Slot, month: string): { a: string; b: string } {
  const pivot = ctx.source.def.pivote;
  const agg = s.aggregate;
  const one = (overrides: Record<string, string>, present: string | null, rest: Node | null | undefined = agg.filter) => {
    const env = { ...rowEnv(d, ctx.cie, overrides), month };
    const filter = rest ? new ExprPrinter(env, rest, ctx.source.scope).print(rest) : "TRUE";
    const cond = present ? `${present} AND ${filter}` : filter;
    if (agg.kind === "conteo") return { a: `CASE WHEN ${cond} THEN 1 ELSE 0 END`, b: "0" };
    let v = new ExprPrinter(env, agg.value!, ctx.source.scope).print(agg.value!);
    if (sumsScaled(s)) v = `CAST(floor(CAST(${v} AS ${d.double}) * ${10 ** agg.scale} + 0.5) AS ${d.bigint})`;
    return { a: `CASE WHEN ${cond} THEN ${v} END`, b: `CASE WHEN ${cond} AND (${v}) IS NOT NULL THEN 1 ELSE 0 END` };
  };
  if (!pivot) return one({}, null);
  const terms = (ctx.codes.get(s) ?? []).map((code) => one({ [pivot.variable]: d.str(code), [pivot.valor]: pivotValue(code) }, pivotPresent(code), withoutChoice(agg.filter, pivot.variable)));
  if (agg.kind === "conteo") return { a: terms.map((t) => t.a).join(" + ") || "0", b: "0" };
  return { a: terms.map((t) => `COALESCE(${t.a}, 0)`).join(" + ") || "0", b: terms.map((t) => t.b).join(" + ") || "0" };
}

/**
 * A wide source's filter without the conjunct that chooses its variables (`variable en […]`):
 * the SQL reads each chosen variable's column, for which that conjunct holds. Null when nothing
 * else is left.
 */
function withoutChoice(filter: Node | undefined, column: string): Node | null {
  if (!filter) return null;
  const parts: Node[] = [];
  const split = (n: Node): void => {
    if (n.kind === "binary" && n.op === "y") {
      split(n.left);
      split(n.right);
    } else parts.push(n);
  };
  split(filter);
  const chooses = (c: Node) => requiredCodes(c, column) !== null;
  const at = parts.findIndex(chooses);
  const rest = parts.filter((_, i) => i !== at);
  return rest.length === 0 ? null : rest.reduce((a, b) => ({ kind: "binary", op: "y", left: a, right: b, start: 0, end: 0 }));
}

/** Unit masks: the join to the units that carry each slot's `unidad` condition. */
function maskOf(s: Slot, conditions: string[]): string | null {
  if (!s.aggregate.unidad) return null;
  return `masb_u.masb_u${conditions.indexOf(unitKey(s))}`;
}

/** One key group's sums per period and node: `a<slot>` and `b<slot>` (rows behind a sum) for each slot of the group. */
function groupSums(d: Dialect, ctx: SourceCtx, g: number, conditions: string[]): string {
  const slots = ctx.sp.slots.filter((s) => s.group === g && s.aggregate.kind !== "distintos");
  const cols = slots.flatMap((s) => {
    const { a, b } = slotTerms(d, ctx, s, "r.masb_periodo");
    const mask = maskOf(s, conditions);
    const m = (x: string) => (mask ? `CASE WHEN ${mask} THEN ${x} END` : x);
    return [`COALESCE(sum(${m(a)}), 0) AS a${s.index}`, `COALESCE(sum(${m(b)}), 0) AS b${s.index}`];
  });
  const join = slots.some((s) => s.aggregate.unidad) ? ` LEFT JOIN (SELECT 'c' || clues AS masb_nodo${conditions.map((_, j) => `, masb_u${j}`).join("")} FROM masb_unidades) masb_u ON masb_u.masb_nodo = r.masb_n${g}` : "";
  return `SELECT r.masb_periodo, r.masb_n${g} AS masb_nodo,\n  ${cols.join(",\n  ")}\nFROM ${rowsTable(ctx.source.name)} r${join}\nWHERE r.masb_estado = 'A' AND r.masb_n${g} <> '${OUT}'\nGROUP BY r.masb_periodo, r.masb_n${g}`;
}

/** The CLUES catalog's own aggregates (beds, offices): over the units' catalog rows, each at its unit, without period. */
function cluesSums(d: Dialect, ctx: SourceCtx, conditions: string[]): string {
  const slots = ctx.sp.slots.filter((s) => s.aggregate.kind !== "distintos");
  const cols = slots.flatMap((s) => {
    const { a, b } = slotTerms(d, ctx, s, "0");
    const mask = s.aggregate.unidad ? `r.masb_u${conditions.indexOf(unitKey(s))}` : null;
    const m = (x: string) => (mask ? `CASE WHEN ${mask} THEN ${x} END` : x);
    return [`COALESCE(sum(${m(a)}), 0) AS a${s.index}`, `COALESCE(sum(${m(b)}), 0) AS b${s.index}`];
  });
  return `SELECT 0 AS masb_periodo, 'c' || r.${typedColumn("clues")} AS masb_nodo,\n  ${cols.join(",\n  ")}\nFROM masb_r_clues r\nWHERE r.masb_estado = 'A' AND r.masb_red\nGROUP BY r.${typedColumn("clues")}`;
}

/** One distinct-count slot's values per period and node. */
function distinctValues(d: Dialect, ctx: SourceCtx, s: Slot, catalogRows: boolean, conditions: string[]): string {
  const agg = s.aggregate;
  const pivot = ctx.source.def.pivote;
  const table = catalogRows ? "masb_r_clues" : rowsTable(ctx.source.name);
  const nodeCol = catalogRows ? `'c' || r.${typedColumn("clues")}` : `r.masb_n${s.group}`;
  const periodCol = catalogRows ? "0" : "r.masb_periodo";
  const where = catalogRows ? "r.masb_estado = 'A' AND r.masb_red" : `r.masb_estado = 'A' AND r.masb_n${s.group} <> '${OUT}'`;
  const mask = agg.unidad ? (catalogRows ? `r.masb_u${conditions.indexOf(unitKey(s))}` : `masb_u.masb_u${conditions.indexOf(unitKey(s))}`) : null;
  const join = agg.unidad && !catalogRows ? ` LEFT JOIN (SELECT 'c' || clues AS masb_nodo${conditions.map((_, j) => `, masb_u${j}`).join("")} FROM masb_unidades) masb_u ON masb_u.masb_nodo = r.masb_n${s.group}` : "";
  const one = (overrides: Record<string, string>, present: string | null, rest: Node | null | undefined = agg.filter) => {
    const env = { ...rowEnv(d, ctx.cie, overrides), month: periodCol };
    const filter = rest ? new ExprPrinter(env, rest, ctx.source.scope).print(rest) : "TRUE";
    const v = new ExprPrinter(env, agg.value!, ctx.source.scope).print(agg.value!);
    return `SELECT DISTINCT ${periodCol} AS masb_periodo, ${nodeCol} AS masb_nodo, CAST(${v} AS ${d.text}) AS masb_valor FROM ${table} r${join}`
      + ` WHERE ${where}${present ? ` AND ${present}` : ""} AND ${filter}${mask ? ` AND ${mask}` : ""} AND (${v}) IS NOT NULL`;
  };
  if (!pivot) return one({}, null);
  return (ctx.codes.get(s) ?? []).map((code) => one({ [pivot.variable]: d.str(code), [pivot.valor]: pivotValue(code) }, pivotPresent(code), withoutChoice(agg.filter, pivot.variable))).join(" UNION ");
}

/** The `archivo` records of a source: rows read, accepted, rejected, and out of each universe's scope. */
function fileRecords(d: Dialect, name: string, table: string, ctx: SourceCtx | undefined, side: boolean, rec: (kind: string, f: Record<string, string>, from?: string, level?: string) => string): string {
  // Out of scope, by universe label: each key group that some slot reads, where the record is accepted and that key leaves it out.
  const labels = new Map<string, string[]>();
  if (ctx) {
    const universes = [ctx.source.universo, ...ctx.sp.groups.slice(1).map((g) => (JSON.parse(g) as { universo: string }).universo)];
    universes.forEach((u, g) => {
      if (!ctx.sp.slots.some((s) => s.group === g)) return;
      labels.set(u, [...(labels.get(u) ?? []), `CASE WHEN masb_estado = 'A' AND masb_n${g} = '${OUT}' THEN 1 ELSE 0 END`]);
    });
  }
  const outside = [...labels].map(([u, terms], i) => ({ u, col: `masb_f${i}`, sum: `sum(${terms.join(" + ")})` }));
  const counts = `SELECT masb_archivo, count(*) AS leidos, sum(CASE WHEN masb_estado = 'A' THEN 1 ELSE 0 END) AS aceptados${outside.map((o) => `, ${o.sum} AS ${o.col}`).join("")} FROM ${table} GROUP BY masb_archivo`;
  const extra = side ? `\n    UNION ALL SELECT archivo, leidos, 0${outside.map(() => ", 0").join("")} FROM masb_no_cargados WHERE fuente = ${d.str(name)}` : "";
  const totals = `SELECT masb_archivo, sum(leidos) AS leidos, sum(aceptados) AS aceptados${outside.map((o) => `, sum(${o.col}) AS ${o.col}`).join("")} FROM (${counts}${extra}) c GROUP BY masb_archivo`;
  const values = [
    `('aceptados', f.aceptados)`, `('leidos', f.leidos)`, `('rechazados', f.leidos - f.aceptados)`,
    ...outside.map((o) => `(${d.str(`fuera_de_alcance.${o.u}`)}, f.${o.col})`),
  ].join(", ");
  const keep = outside.length ? `\n  WHERE v.campo NOT LIKE 'fuera_de_alcance.%' OR v.cuenta > 0` : "";
  return rec("archivo", { fuente: d.str(name), archivo: "f.masb_archivo", agregado: "v.campo", valor: "v.cuenta" },
    `FROM (${totals}) f CROSS JOIN LATERAL (VALUES ${values}) AS v(campo, cuenta)${keep}`);
}
