/**
 * The expression language in SQL: a printer over the checked tree (src/expr/ast.ts), with the
 * semantics of the closures (src/expr/compile.ts). SQL's three-valued logic is the language's
 * (a comparison with a missing value is NULL, a filter keeps a row only when TRUE), so most
 * nodes print as themselves; what needs care:
 *
 * - dates are BIGINT days since 1970-01-01 (`masb_dias`, `masb_ymd` turn them into and from
 *   year, month and day: see `helperFunctions`);
 * - decimal arithmetic is done in DOUBLE and rounded to 15 significant digits, as the closures
 *   do (`tidyDecimal`), so that `0.1 + 0.2 = 0.3` in both; a division by zero is NULL;
 * - `min` and `max` are NULL when any argument is (not SQL's LEAST/GREATEST, which skip NULLs);
 * - text is ordered by code point (JavaScript's `<`), not by the database's collation;
 * - `cie(col, 'A00-B99', …)` normalises the code as masb does (upper case, no blanks, the dot
 *   and trailing X or - filler dropped) and compares its category or subcategory with each range.
 */
import type { CallNode, Node } from "../expr/ast.js";
import { analyseExpr, type NodeType, type Scope } from "../expr/check.js";
import { parseCie10Range } from "../expr/cie10.js";
import { parseIsoDate } from "../expr/dates.js";
import type { Dialect } from "./dialect.js";

/** What an expression reads: each column's typed SQL, the row's month (`en_periodo`), and precomputed CIE-10 parts. */
export interface ExprEnv {
  d: Dialect;
  /** The typed value of a column: BIGINT (integers, dates as days), DECIMAL, or text. */
  column(name: string): string;
  /** The month index (`year * 12 + month - 1`) of the row's period bucket. */
  month: string;
  /** For `cie(col, …)` on a plain column: SQL of its normalised code, when the caller computed it once per row. */
  cieCode?(name: string): string | undefined;
}

/**
 * The helper functions the printed SQL calls, one per dialect: day numbers to and from year,
 * month and day (Howard Hinnant's days_from_civil and civil_from_days, shifted by one 400-year
 * era so that every integer division is of non-negative numbers, where truncating and flooring
 * agree), each step a function of the one before so that no expression repeats.
 */
export function helperFunctions(d: Dialect): string[] {
  const div = (a: string, b: string) => (d.name === "duckdb" ? `${a} // ${b}` : `${a} / ${b}`);
  const steps: [name: string, params: string[], body: string][] = [
    ["masb_dias_d", ["era", "yoe", "doy"], `era * 146097 + yoe * 365 + ${div("yoe", "4")} - ${div("yoe", "100")} + doy - 719468 - 146097`],
    ["masb_dias_e", ["yy", "m", "d"], `masb_dias_d(${div("yy", "400")}, yy - ${div("yy", "400")} * 400, ${div("(153 * (CASE WHEN m > 2 THEN m - 3 ELSE m + 9 END) + 2)", "5")} + d - 1)`],
    ["masb_dias", ["y", "m", "d"], "masb_dias_e(y + 400 - CASE WHEN m <= 2 THEN 1 ELSE 0 END, m, d)"],
    ["masb_ymd_p", ["y", "doy", "mp"], `(y + CASE WHEN mp >= 10 THEN 1 ELSE 0 END) * 10000 + (CASE WHEN mp < 10 THEN mp + 3 ELSE mp - 9 END) * 100 + (doy - ${div("(153 * mp + 2)", "5")} + 1)`],
    ["masb_ymd_m", ["y", "doy"], `masb_ymd_p(y, doy, ${div("(5 * doy + 2)", "153")})`],
    ["masb_ymd_y", ["era", "doe", "yoe"], `masb_ymd_m(yoe + era * 400 - 400, doe - (365 * yoe + ${div("yoe", "4")} - ${div("yoe", "100")}))`],
    ["masb_ymd_d", ["era", "doe"], `masb_ymd_y(era, doe, ${div(`(doe - ${div("doe", "1460")} + ${div("doe", "36524")} - ${div("doe", "146096")})`, "365")})`],
    ["masb_ymd_z", ["z"], `masb_ymd_d(${div("z", "146097")}, z - ${div("z", "146097")} * 146097)`],
    ["masb_ymd", ["x"], "masb_ymd_z(x + 719468 + 146097)"],
  ];
  if (d.name === "duckdb") return steps.map(([name, params, body]) => `CREATE OR REPLACE TEMP MACRO ${name}(${params.join(", ")}) AS ${body}`);
  return steps.map(([name, params, body]) =>
    `CREATE OR REPLACE FUNCTION pg_temp.${name}(${params.map((p) => `${p} BIGINT`).join(", ")}) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS $$ SELECT ${body.replace(/\bmasb_/g, "pg_temp.masb_")} $$`);
}

/** The name a helper is called by. */
export const helper = (d: Dialect, name: "masb_dias" | "masb_ymd") => (d.name === "postgres" ? `pg_temp.${name}` : name);

/** Day number of y, m, d (integer SQL expressions; no validation). */
export const daysOf = (d: Dialect, y: string, m: string, day: string) => `${helper(d, "masb_dias")}(${y}, ${m}, ${day})`;

/** SQL that is TRUE when y-m-d (integers) is a real date: month 1–12, day within the month. */
export function validDateSql(d: Dialect, y: string, m: string, day: string): string {
  const leap = `((${y} % 4 = 0 AND ${y} % 100 <> 0) OR ${y} % 400 = 0)`;
  const last = `(CASE WHEN ${m} = 2 THEN CASE WHEN ${leap} THEN 29 ELSE 28 END WHEN ${m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)`;
  return `(${m} BETWEEN 1 AND 12 AND ${day} >= 1 AND ${day} <= ${last})`;
}

/** The first day (day number) of month index `mi`. */
const firstDayOf = (d: Dialect, mi: string) => daysOf(d, d.idiv(mi, "12"), `(${mi} - ${d.idiv(mi, "12")} * 12 + 1)`, "1");

/** The SQL of the normalised CIE-10 code of a text expression (`i10.x` → `I10`). */
export function cieCodeSql(d: Dialect, text: string): string {
  const s = d.replaceFirst(`upper(${d.trim(text)})`, "\\.", "");
  return `(CASE WHEN length(${s}) > 3 THEN substr(${s}, 1, 3) || regexp_replace(substr(${s}, 4), '[X-]+$', '') ELSE ${s} END)`;
}

/** A printer for one expression; `print` returns SQL of the same value, NULL where the closure gives null. */
export class ExprPrinter {
  private readonly types: Map<Node, NodeType>;
  constructor(private readonly env: ExprEnv, node: Node, scope: Scope) {
    this.types = analyseExpr(node, scope).types;
  }

  private get d(): Dialect {
    return this.env.d;
  }

  private type(node: Node): NodeType {
    return this.types.get(node) ?? "?";
  }

  private isText(node: Node): boolean {
    const t = this.type(node);
    return t === "string" || t === "code";
  }

  /** A numeric operand of decimal arithmetic, as DOUBLE (as the closures compute it). */
  private asDouble(node: Node): string {
    return `CAST(${this.print(node)} AS ${this.d.double})`;
  }

  /** Rounds a DOUBLE to 15 significant digits (`tidyDecimal`). */
  private tidy(x: string): string {
    const p = `power(CAST(10 AS ${this.d.double}), 14 - floor(log10(abs(${x}))))`;
    return `(CASE WHEN ${x} = floor(${x}) THEN ${x} WHEN abs(${x}) >= 1e-7 AND abs(${x}) < 1e15 THEN floor(${x} * ${p} + 0.5) / ${p} ELSE ${x} END)`;
  }

  print(node: Node): string {
    const d = this.d;
    switch (node.kind) {
      case "num":
        if (node.integral) return Number.isSafeInteger(node.value) ? String(node.value) : BigInt(node.value).toString();
        return `CAST(${String(node.value)} AS ${d.double})`;
      case "str":
        return d.str(node.value);
      case "bool":
        return node.value ? "TRUE" : "FALSE";
      case "nulo":
        return "NULL";
      case "col":
        return this.env.column(node.name);
      case "list":
        throw new Error("una lista solo se imprime dentro de 'en'");
      case "unary":
        return node.op === "no" ? `(NOT ${this.print(node.arg)})` : `(0 - ${this.print(node.arg)})`;
      case "binary": {
        const { op, left, right } = node;
        if (op === "y") return `(${this.print(left)} AND ${this.print(right)})`;
        if (op === "o") return `(${this.print(left)} OR ${this.print(right)})`;
        if (op === "+" || op === "-" || op === "*" || op === "/") {
          if (this.type(node) !== "decimal") return `(${this.print(left)} ${op} ${this.print(right)})`;
          const [a, b] = [this.asDouble(left), this.asDouble(right)];
          const raw = op === "/" ? `(CASE WHEN ${b} = 0 THEN NULL ELSE ${a} / ${b} END)` : `(${a} ${op} ${b})`;
          return this.tidy(raw);
        }
        const sqlOp = op === "!=" ? "<>" : op;
        const ordered = op !== "=" && op !== "!=";
        if (ordered && (this.isText(left) || this.isText(right))) return `(${d.binary(this.print(left))} ${sqlOp} ${d.binary(this.print(right))})`;
        return `(${this.print(left)} ${sqlOp} ${this.print(right)})`;
      }
      case "in": {
        if (node.list.items.length === 0) return `(CASE WHEN ${this.print(node.arg)} IS NULL THEN NULL ELSE ${node.negated ? "TRUE" : "FALSE"} END)`;
        return `(${this.print(node.arg)} ${node.negated ? "NOT IN" : "IN"} (${node.list.items.map((i) => this.print(i)).join(", ")}))`;
      }
      case "isnull":
        return `(${this.print(node.arg)} IS ${node.negated ? "NOT " : ""}NULL)`;
      case "between": {
        const text = this.isText(node.arg);
        const w = (s: string) => (text ? d.binary(s) : s);
        const x = w(this.print(node.arg));
        return `(${x} >= ${w(this.print(node.low))} AND ${x} <= ${w(this.print(node.high))})`;
      }
      case "call":
        return this.call(node);
    }
  }

  private call(node: CallNode): string {
    const d = this.d;
    const args = node.args;
    const p = (i: number) => this.print(args[i]);
    const ymd = (x: string) => `${helper(d, "masb_ymd")}(${x})`;
    switch (node.name) {
      case "cie":
        return this.cie(node);
      case "fecha": {
        if (args.length === 1) {
          const days = args[0].kind === "str" ? parseIsoDate(args[0].value) : null;
          return days === null ? "NULL" : String(days);
        }
        const [y, m, day] = [p(0), p(1), p(2)];
        return `(CASE WHEN ${y} BETWEEN 1800 AND 2200 AND ${validDateSql(d, y, m, day)} THEN ${daysOf(d, y, m, day)} END)`;
      }
      case "dias":
        return `(${p(1)} - ${p(0)})`;
      case "anio":
        return d.idiv(ymd(p(0)), "10000");
      case "mes":
        return `(${d.idiv(ymd(p(0)), "100")} % 100)`;
      case "meses":
      case "anios": {
        const [a, b] = [p(0), p(1)];
        const diff = (x: string, y: string) => {
          const [px, py] = [ymd(x), ymd(y)];
          if (node.name === "anios") return `(${d.idiv(py, "10000")} - ${d.idiv(px, "10000")} - CASE WHEN ${py} % 10000 < ${px} % 10000 THEN 1 ELSE 0 END)`;
          const months = (q: string) => `(${d.idiv(q, "10000")} * 12 + ${d.idiv(q, "100")} % 100)`;
          return `(${months(py)} - ${months(px)} - CASE WHEN ${py} % 100 < ${px} % 100 THEN 1 ELSE 0 END)`;
        };
        return `(CASE WHEN ${a} IS NULL OR ${b} IS NULL THEN NULL WHEN ${a} <= ${b} THEN ${diff(a, b)} ELSE 0 - ${diff(b, a)} END)`;
      }
      case "en_periodo": {
        const x = p(0);
        const m = this.env.month;
        return `(${x} >= ${firstDayOf(d, m)} AND ${x} < ${firstDayOf(d, `(${m} + 1)`)})`;
      }
      case "coalesce":
        return `COALESCE(${args.map((_, i) => p(i)).join(", ")})`;
      case "abs":
        return `abs(${p(0)})`;
      case "min":
      case "max": {
        const text = args.some((a) => this.isText(a));
        const items = args.map((_, i) => p(i));
        const fn = node.name === "min" ? "LEAST" : "GREATEST";
        return `(CASE WHEN ${items.map((x) => `${x} IS NULL`).join(" OR ")} THEN NULL ELSE ${fn}(${items.map((x) => (text ? d.binary(x) : x)).join(", ")}) END)`;
      }
      default:
        throw new Error(`función desconocida \`${node.name}\``);
    }
  }

  private cie(node: CallNode): string {
    const d = this.d;
    const arg = node.args[0];
    const text = this.print(arg);
    const code = (arg.kind === "col" && this.env.cieCode?.(arg.name)) || cieCodeSql(d, text);
    const c3 = d.binary(`substr(${code}, 1, 3)`);
    const c4 = d.binary(`(CASE WHEN length(${code}) > 4 THEN substr(${code}, 1, 4) ELSE ${code} END)`);
    const tests = node.args.slice(1).map((a) => {
      const r = parseCie10Range((a as { value: string }).value)!;
      const lo = `${r.lo.length === 3 ? c3 : c4} >= ${d.str(r.lo)}`;
      const hi = `${r.hi.length === 3 ? c3 : c4} <= ${d.str(r.hi)}`;
      return `(${lo} AND ${hi})`;
    });
    return `(CASE WHEN ${text} IS NULL THEN NULL ELSE ${d.matches(`substr(${code}, 1, 3)`, "[A-Z][0-9]{2}")} AND (${tests.join(" OR ")}) END)`;
  }
}
