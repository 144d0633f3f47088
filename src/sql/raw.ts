/**
 * The raw views `masb_src_<fuente>`: a source's table (the table contract: one text column per
 * column of its files' header, named as the header has it, plus `masb_archivo` and
 * `masb_linea`) seen through the source's schema, whatever the header's case or which of a
 * column's original names the files use. Columns:
 *
 * - `masb_archivo`, `masb_linea`: the record's file and line;
 * - `masb_columnas`: the file has every required column (else all its records are rejected);
 * - `c<i>_<k>`: the text of declared column i (part k of a `de` column), NULL when absent;
 * - `v_<code>`, `p_<code>`: a wide source's variable column and whether the file has it;
 * - `masb_registro`: the whole record, comparable (sources whose `llave` is the record).
 *
 * Three ways to build them: a DuckDB script (a template of every original name, joined to the
 * table by name, which DuckDB matches without regard to case), a PostgreSQL script (a DO block
 * that reads the catalog of the table and writes the view), and the DuckDB motor (which knows
 * each file's header, so each file's own columns: see src/node/duckdb.ts).
 */
import type { Source } from "../catalog/load.js";
import type { Dialect } from "./dialect.js";
import { rawInput, rawPresent, rawVariable, rawView } from "./rows.js";

/** What a raw view reads: per declared column, per part, its original names (first present wins). */
export interface RawSpec {
  source: string;
  view: string;
  /** `[column][part]` → alternatives. */
  inputs: string[][][];
  required: boolean[];
  variables: string[];
  registro: boolean;
  /** The pivot's pattern (a regular expression), for the variable columns a file has. */
  pattern: string | null;
}

export function rawSpec(source: Source): RawSpec {
  return {
    source: source.name,
    view: rawView(source.name),
    inputs: source.def.columnas.map((c) => (c.de ? c.de.map((n) => [n]) : [c.original === undefined ? [c.nombre] : Array.isArray(c.original) ? c.original : [c.original]])),
    required: source.def.columnas.map((c) => c.requerida),
    variables: source.def.pivote ? source.variables ?? [] : [],
    registro: source.def.llave === "renglon",
    pattern: source.def.pivote?.columnas ?? null,
  };
}

/** A table name as written in `--tablas` (`tabla` or `esquema.tabla`), quoted. */
export function tableRef(d: Dialect, table: string): string {
  return table.split(".").map((p) => d.ident(p)).join(".");
}

/** The condition on `information_schema.columns` rows that picks a table's columns. */
function columnsOf(d: Dialect, table: string): string {
  const parts = table.split(".");
  const name = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[parts.length - 2] : null;
  return `lower(table_name) = lower(${d.str(name)})${schema ? ` AND lower(table_schema) = lower(${d.str(schema)})` : ""}`;
}

/**
 * DuckDB, from a table in the contract: the source's original names as a template of empty
 * columns, joined by name (without regard to case) to the table's, so that every name exists.
 * A column is the first of its original names that is not NULL in the record.
 */
export function duckdbRawView(d: Dialect, spec: RawSpec, table: string): string[] {
  const names = new Map<string, string>();
  const add = (n: string) => {
    if (!names.has(n.toUpperCase())) names.set(n.toUpperCase(), n);
  };
  spec.inputs.flat(2).forEach(add);
  spec.variables.forEach(add);
  const template = [...names.values()].map((n) => `CAST(NULL AS VARCHAR) AS ${d.ident(n)}`).join(", ");
  const has = (alternatives: string[]) => `((SELECT count(*) FROM information_schema.columns WHERE ${columnsOf(d, table)} AND upper(column_name) IN (${alternatives.map((a) => d.str(a.toUpperCase())).join(", ")})) > 0)`;
  const required = spec.inputs.flatMap((parts, i) => (spec.required[i] ? parts.map(has) : []));
  const cols = spec.inputs.flatMap((parts, i) => parts.map((alts, k) => {
    const expr = alts.length === 1 ? d.ident(alts[0]) : `CASE ${alts.map((a) => `WHEN ${d.ident(a)} IS NOT NULL THEN ${d.ident(a)}`).join(" ")} END`;
    return `CAST(${expr} AS VARCHAR) AS ${rawInput(i, k)}`;
  }));
  const vars = spec.variables.flatMap((v) => [`CAST(${d.ident(v)} AS VARCHAR) AS ${rawVariable(v)}`, `${has([v])} AS ${rawPresent(v)}`]);
  const registro = spec.registro ? [`CAST(to_json(list_transform(list_value(*COLUMNS(* EXCLUDE (masb_archivo, masb_linea))), x -> coalesce(CAST(x AS VARCHAR), ''))) AS VARCHAR) AS masb_registro`] : [];
  return [`CREATE OR REPLACE TEMP VIEW ${d.ident(spec.view)} AS
SELECT CAST(masb_archivo AS VARCHAR) AS masb_archivo, CAST(masb_linea AS BIGINT) AS masb_linea, ${required.length ? required.join(" AND ") : "TRUE"} AS masb_columnas,
  ${[...cols, ...vars, ...registro].join(",\n  ")}
FROM ((SELECT ${template} WHERE FALSE) UNION ALL BY NAME (SELECT * FROM ${tableRef(d, table)})) masb_tabla`];
}

/** DuckDB: the variable columns of a wide source's table, for every file in it (`masb_variables`). */
export function duckdbVariables(d: Dialect, specs: { spec: RawSpec; table: string }[]): string[] {
  const parts = specs.filter((s) => s.spec.pattern).map(({ spec, table }) => {
    const name = `CASE WHEN regexp_full_match(trim(column_name), ${d.str(spec.pattern!)}) THEN trim(column_name) ELSE upper(trim(column_name)) END`;
    return `SELECT DISTINCT ${d.str(spec.source)} AS fuente, a.masb_archivo AS archivo, ${name} AS codigo
FROM information_schema.columns CROSS JOIN (SELECT DISTINCT masb_archivo FROM ${tableRef(d, table)}) a
WHERE ${columnsOf(d, table)} AND (regexp_full_match(trim(column_name), ${d.str(spec.pattern!)}) OR regexp_full_match(upper(trim(column_name)), ${d.str(spec.pattern!)}))`;
  });
  const empty = `SELECT CAST(NULL AS VARCHAR) AS fuente, CAST(NULL AS VARCHAR) AS archivo, CAST(NULL AS VARCHAR) AS codigo WHERE FALSE`;
  return d.tempTable("masb_variables", parts.length ? parts.join("\nUNION ALL\n") : empty);
}

/**
 * The exact view of the motor, which knows each file's header: per file, the header column
 * each input reads (a CASE on the file when files differ), the variables each file has.
 */
export function exactRawView(d: Dialect, spec: RawSpec, table: string, files: { name: string; inputs: (string | null)[][]; variables: Map<string, string> }[]): string[] {
  const byFile = (pick: (f: (typeof files)[number]) => string | null) => {
    const choices = files.map((f) => ({ f: f.name, col: pick(f) }));
    const distinct = [...new Set(choices.map((c) => (c.col === null ? "\u0000" : c.col.toUpperCase())))];
    // No file loaded (all unreadable): the view has no records, and every column is NULL.
    if (distinct.length === 0) return "CAST(NULL AS VARCHAR)";
    if (distinct.length === 1) return choices[0]?.col ? d.ident(choices[0].col) : "CAST(NULL AS VARCHAR)";
    return `CASE masb_archivo ${choices.map((c) => `WHEN ${d.str(c.f)} THEN ${c.col ? d.ident(c.col) : "NULL"}`).join(" ")} END`;
  };
  const cols = spec.inputs.flatMap((parts, i) => parts.map((_, k) => `CAST(${byFile((f) => f.inputs[i][k])} AS VARCHAR) AS ${rawInput(i, k)}`));
  const vars = spec.variables.flatMap((v) => {
    const having = files.filter((f) => f.variables.has(v)).map((f) => f.name);
    const present = having.length === 0 ? "FALSE" : having.length === files.length ? "TRUE" : `masb_archivo IN (${having.map(d.str).join(", ")})`;
    return [`CAST(${byFile((f) => f.variables.get(v) ?? null)} AS VARCHAR) AS ${rawVariable(v)}`, `${present} AS ${rawPresent(v)}`];
  });
  const registro = spec.registro ? ["masb_registro"] : [];
  return [`CREATE OR REPLACE TEMP VIEW ${d.ident(spec.view)} AS
SELECT masb_archivo, masb_linea, TRUE AS masb_columnas,
  ${[...cols, ...vars, ...registro].join(",\n  ")}
FROM ${tableRef(d, table)}`];
}
