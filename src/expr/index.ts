/**
 * The expression language of masb: filters and values over one source's columns, written in
 * indicator YAML. Parse once (`parseExpr`), check against the source (`checkExpr`), compile to
 * closures called per row (`compileExpr`, `compileFilter`). No `eval`, no `new Function`.
 */
export type {
  ArithOp, BetweenNode, BinaryNode, BinaryOp, BoolNode, CallNode, ColNode, ColumnType, CompareOp, ExprType, InNode,
  IsNullNode, ListNode, LogicOp, Node, NuloNode, NumNode, Row, Span, StrNode, UnaryNode,
} from "./ast.js";
export { ExprCheckError, ExprSyntaxError, type ExprProblem } from "./errors.js";
export { parseExpr } from "./parser.js";
export { formatExpr } from "./format.js";
export { checkExpr, type CheckResult, type ColumnInfo, type Scope } from "./check.js";
export { compileExpr, compileFilter, tidyDecimal, type Compiled, type EvalContext } from "./compile.js";
export {
  civilFromDays, daysFromCivil, daysInMonth, firstDayOfMonthIndex, formatIsoDate, isLeapYear, MAX_YEAR, MIN_YEAR,
  monthIndexOfDays, monthOfDays, monthsBetween, packedFromDays, parseIsoDate, validDays, yearOfDays, yearsBetween,
} from "./dates.js";
export { explainCie10Range, matchesCie10, normaliseCie10, parseCie10Range, type Cie10Range } from "./cie10.js";
export { FUNCTION_ALIASES, FUNCTIONS, type FunctionInfo } from "./functions.js";
