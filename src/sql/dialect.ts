/**
 * What differs between the SQL engines masb compiles to. Everything else the compiler prints
 * is ANSI SQL: CASE, COALESCE, CAST, window functions (`row_number() OVER`), GROUP BY,
 * UNION ALL, LATERAL VALUES. Dates are integers (days since 1970-01-01), computed with
 * integer arithmetic, so no engine's date functions or time zones come into it.
 */
export interface Dialect {
  name: "duckdb" | "postgres";
  /** Type names. */
  text: string;
  bigint: string;
  double: string;
  decimal(scale: number): string;
  /** A quoted identifier. */
  ident(name: string): string;
  /** A text literal. */
  str(value: string): string;
  /** Integer division truncating toward zero, of two integer expressions. */
  idiv(a: string, b: string): string;
  /** Whether `expr` matches `pattern` as a whole (a regular expression in the subset POSIX ERE and RE2 share). */
  matches(expr: string, pattern: string): string;
  /** Replaces the first match of `pattern` (no flags) in `expr`. */
  replaceFirst(expr: string, pattern: string, by: string): string;
  /** A text expression compared and sorted byte by byte (code point order), as JavaScript compares strings. */
  binary(expr: string): string;
  /** A text as BIGINT, NULL when it is not an integer of at most 18 digits (never an error: engines evaluate AND eagerly). */
  toInt(expr: string): string;
  /** A text as DECIMAL with `scale` decimals, NULL when it is not a number. */
  toDecimal(expr: string, scale: number): string;
  /** A text as DOUBLE, NULL when it is not a number. */
  toDouble(expr: string): string;
  /** `expr` without the blanks JavaScript's `trim` removes, at both ends. */
  trim(expr: string): string;
  /** The `n`th part (1-based) of `expr` split on `sep`. */
  splitPart(expr: string, sep: string, n: number): string;
  /** `CREATE TEMP TABLE name AS select`, replacing one of that name. */
  tempTable(name: string, select: string): string[];
  /** The JSON text of an array of text expressions: a whole record as one comparable value. */
  jsonArray(items: string[]): string;
}

/** Characters JavaScript's `String.prototype.trim` removes (what masb trims from every field). */
export const BLANKS = "\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff";

const quoteText = (value: string) => `'${value.replaceAll("'", "''")}'`;
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export const DUCKDB: Dialect = {
  name: "duckdb",
  text: "VARCHAR",
  bigint: "BIGINT",
  double: "DOUBLE",
  decimal: (s) => `DECIMAL(38, ${s})`,
  ident: quoteIdent,
  str: quoteText,
  idiv: (a, b) => `((${a}) // (${b}))`,
  // RE2: `.` must also match line breaks, as JavaScript's `[\s\S]` and PostgreSQL's `.` do.
  matches: (e, p) => `regexp_full_match(${e}, ${quoteText(`(?s)${p}`)})`,
  replaceFirst: (e, p, by) => `regexp_replace(${e}, ${quoteText(p)}, ${quoteText(by)})`,
  binary: (e) => e,
  splitPart: (e, sep, n) => `split_part(${e}, ${quoteText(sep)}, ${n})`,
  // Fields rarely have blanks at their ends: a printable ASCII character at both ends needs no trim (as the reader's fast path).
  trim: (e) => `(CASE WHEN regexp_full_match(${e}, '[!-~](?s:.*[!-~])?') THEN ${e} ELSE trim(${e}, ${quoteText(BLANKS)}) END)`,
  toInt: (e) => `TRY_CAST(${e} AS BIGINT)`,
  toDecimal: (e, s) => `TRY_CAST(${e} AS DECIMAL(38, ${s}))`,
  toDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  tempTable: (name, select) => [`CREATE OR REPLACE TEMP TABLE ${quoteIdent(name)} AS\n${select}`],
  jsonArray: (items) => `CAST(to_json(list_value(${items.join(", ")})) AS VARCHAR)`,
};

export const POSTGRES: Dialect = {
  name: "postgres",
  text: "TEXT",
  bigint: "BIGINT",
  double: "DOUBLE PRECISION",
  decimal: (s) => `NUMERIC(38, ${s})`,
  ident: quoteIdent,
  str: quoteText,
  idiv: (a, b) => `((${a}) / (${b}))`,
  matches: (e, p) => `(${e} ~ ${quoteText(`^(${p})$`)})`,
  replaceFirst: (e, p, by) => `regexp_replace(${e}, ${quoteText(p)}, ${quoteText(by)})`,
  binary: (e) => `(${e} COLLATE "C")`,
  splitPart: (e, sep, n) => `split_part(${e}, ${quoteText(sep)}, ${n})`,
  trim: (e) => `(CASE WHEN ${e} ~ '^[!-~](.*[!-~])?$' THEN ${e} ELSE btrim(${e}, ${quoteText(BLANKS)}) END)`,
  toInt: (e) => `(CASE WHEN ${e} ~ '^[+-]?[0-9]{1,18}$' THEN CAST(${e} AS BIGINT) END)`,
  toDecimal: (e, s) => `(CASE WHEN ${e} ~ '^[+-]?[0-9]{1,${37 - s}}([.][0-9]*)?$' THEN CAST(${e} AS NUMERIC(38, ${s})) END)`,
  toDouble: (e) => `(CASE WHEN ${e} ~ '^[+-]?[0-9]+([.][0-9]+)?$' THEN CAST(${e} AS DOUBLE PRECISION) END)`,
  tempTable: (name, select) => [`DROP TABLE IF EXISTS pg_temp.${quoteIdent(name)}`, `CREATE TEMP TABLE ${quoteIdent(name)} AS\n${select}`],
  jsonArray: (items) => `CAST(json_build_array(${items.join(", ")}) AS TEXT)`,
};

export const DIALECTS = { duckdb: DUCKDB, postgres: POSTGRES } as const;
export type DialectName = keyof typeof DIALECTS;
