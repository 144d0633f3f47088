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
 * Built two ways: by the script of `masb sql` from tables with the loader's contract
 * (src/sql/script.ts: PostgreSQL reads the table's catalog at run time, DuckDB unites the table
 * with a template of every name), and by the DuckDB motor, which knows each file's header and
 * so each file's own columns (`exactRawView`, used by src/node/duckdb.ts).
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
