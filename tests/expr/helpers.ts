import {
  checkExpr, compileExpr, compileFilter, parseExpr, type ColumnInfo, type EvalContext, type Node, type Scope,
} from "../../src/expr/index.js";

/** A small egresos-like source: the index of each column is its position here. */
export const COLUMNS: ColumnInfo[] = [
  { name: "edad", type: "integer" },
  { name: "edad_dias", type: "integer" },
  { name: "peso", type: "decimal" },
  { name: "talla", type: "decimal" },
  { name: "sexo", type: "code", codes: ["H", "M", "NE"] },
  { name: "afecprin", type: "string" },
  { name: "ingreso", type: "date" },
  { name: "egreso", type: "date" },
  { name: "nacimiento", type: "date" },
  { name: "motegre", type: "code", codes: ["1", "2", "3", "4", "5", "6"] },
  { name: "clues", type: "string" },
  { name: "p", type: "integer" },
  { name: "q", type: "integer" },
  { name: "anio_nac", type: "integer" },
  { name: "mes_nac", type: "integer" },
  { name: "dia_nac", type: "integer" },
];
export const SCOPE: Scope = { columns: COLUMNS };

export type RowValues = Partial<Record<string, unknown>>;

/** A row of SCOPE with the given values and null everywhere else. */
export function row(values: RowValues = {}): unknown[] {
  return COLUMNS.map((c) => (c.name in values ? values[c.name] : null));
}

/** March 2024 as `year*12 + (month-1)`: 2024*12 + 2. */
export const MARCH_2024: EvalContext = { month: 2024 * 12 + 2 };

/** Parses, checks (failing loudly on any problem) and evaluates an expression on one row. */
export function evaluate(text: string, values: RowValues = {}, ctx: EvalContext = MARCH_2024): unknown {
  const node = parseExpr(text);
  const { problems } = checkExpr(node, SCOPE);
  if (problems.length) throw new Error(`${text}: ${problems.map((p) => p.message).join("; ")}`);
  return compileExpr(node, SCOPE)(row(values), ctx);
}

/** Whether a filter keeps the row. */
export function keeps(text: string, values: RowValues = {}, ctx: EvalContext = MARCH_2024): boolean {
  return compileFilter(parseExpr(text), SCOPE)(row(values), ctx);
}

/** The tree without `start`/`end`, for comparing shapes. */
export function shape(node: Node): unknown {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === "start" || key === "end" ? undefined : value)));
}

export function parsedShape(text: string): unknown {
  return shape(parseExpr(text));
}
