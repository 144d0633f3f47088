/**
 * The expression tree: plain objects, the contract between the parser, the checker, the
 * closure compiler and (later) the SQL backend. Every node carries `start` and `end`, 0-based
 * offsets into the source text (`end` exclusive), so a problem can point at file:line:column.
 */

/** Types an expression can have. `code` is a string with a declared set of allowed values. */
export type ExprType = "integer" | "decimal" | "string" | "code" | "date" | "boolean" | "null" | "list";

/** Column types a source can declare. */
export type ColumnType = "integer" | "decimal" | "string" | "code" | "date";

/** A row as the engine hands it over: values by column position, missing is `null`. */
export type Row = readonly unknown[];

export interface Span {
  start: number;
  end: number;
}

export type LogicOp = "o" | "y";
export type CompareOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
export type ArithOp = "+" | "-" | "*" | "/";
export type BinaryOp = LogicOp | CompareOp | ArithOp;

export interface NumNode extends Span {
  kind: "num";
  value: number;
  /** Written without a decimal point or exponent: typed `integer`, otherwise `decimal`. */
  integral: boolean;
}
export interface StrNode extends Span {
  kind: "str";
  value: string;
}
export interface BoolNode extends Span {
  kind: "bool";
  value: boolean;
}
export interface NuloNode extends Span {
  kind: "nulo";
}
export interface ColNode extends Span {
  kind: "col";
  name: string;
}
export interface ListNode extends Span {
  kind: "list";
  items: Node[];
}
export interface UnaryNode extends Span {
  kind: "unary";
  op: "no" | "-";
  arg: Node;
}
export interface BinaryNode extends Span {
  kind: "binary";
  op: BinaryOp;
  left: Node;
  right: Node;
}
export interface InNode extends Span {
  kind: "in";
  arg: Node;
  list: ListNode;
  negated: boolean;
}
export interface IsNullNode extends Span {
  kind: "isnull";
  arg: Node;
  negated: boolean;
}
/** `arg entre low y high`, inclusive at both ends: `arg >= low y arg <= high`. */
export interface BetweenNode extends Span {
  kind: "between";
  arg: Node;
  low: Node;
  high: Node;
}
export interface CallNode extends Span {
  kind: "call";
  /** Canonical lower-case name (`años` and `AÑOS` become `anios`, `primero_no_nulo` becomes `coalesce`). */
  name: string;
  args: Node[];
}

export type Node =
  | NumNode
  | StrNode
  | BoolNode
  | NuloNode
  | ColNode
  | ListNode
  | UnaryNode
  | BinaryNode
  | InNode
  | IsNullNode
  | BetweenNode
  | CallNode;

export function isCompareOp(op: BinaryOp): op is CompareOp {
  return op === "=" || op === "!=" || op === "<" || op === "<=" || op === ">" || op === ">=";
}

export function isArithOp(op: BinaryOp): op is ArithOp {
  return op === "+" || op === "-" || op === "*" || op === "/";
}
