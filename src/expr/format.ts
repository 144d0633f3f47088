import type { Node } from "./ast.js";

/** Precedence levels, as the parser binds them: higher binds tighter. */
const OR = 1;
const AND = 2;
const NOT = 3;
const COMPARE = 4;
const ADD = 5;
const MUL = 6;
const UNARY = 7;
const ATOM = 8;

function level(node: Node): number {
  switch (node.kind) {
    case "binary":
      switch (node.op) {
        case "o": return OR;
        case "y": return AND;
        case "+": case "-": return ADD;
        case "*": case "/": return MUL;
        default: return COMPARE;
      }
    case "unary":
      return node.op === "no" ? NOT : UNARY;
    case "in":
    case "isnull":
    case "between":
      return COMPARE;
    default:
      return ATOM;
  }
}

/** `node` as text, in parentheses when its level is below `min`. */
function at(node: Node, min: number): string {
  const text = formatExpr(node);
  return level(node) < min ? `(${text})` : text;
}

function formatNumber(value: number, integral: boolean): string {
  if (integral) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  const text = String(value);
  // A decimal that happens to be whole keeps its point, so it reads back as a decimal.
  return /[.e]/.test(text) ? text : `${text}.0`;
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Canonical text of a tree: Spanish lower-case keywords, single-quoted strings, canonical
 * function names, single spaces, and parentheses only where precedence needs them. Parsing the
 * result gives back the same tree (offsets aside), so equal texts mean equal expressions.
 */
export function formatExpr(node: Node): string {
  switch (node.kind) {
    case "num":
      return formatNumber(node.value, node.integral);
    case "str":
      return quote(node.value);
    case "bool":
      return node.value ? "verdadero" : "falso";
    case "nulo":
      return "nulo";
    case "col":
      return node.name;
    case "list":
      return `[${node.items.map(formatExpr).join(", ")}]`;
    case "call":
      return `${node.name}(${node.args.map(formatExpr).join(", ")})`;
    case "unary":
      if (node.op === "no") return `no ${at(node.arg, NOT)}`;
      // `-(-3)` rather than `--3` or `- -3`.
      return `-${node.arg.kind === "unary" ? `(${formatExpr(node.arg)})` : at(node.arg, UNARY)}`;
    case "binary": {
      const p = level(node);
      // Operators associate to the left; comparisons do not chain, so both sides bind tighter.
      const leftMin = p === COMPARE ? COMPARE + 1 : p;
      return `${at(node.left, leftMin)} ${node.op} ${at(node.right, p + 1)}`;
    }
    case "in":
      return `${at(node.arg, COMPARE + 1)} ${node.negated ? "no en" : "en"} ${formatExpr(node.list)}`;
    case "isnull":
      return `${at(node.arg, COMPARE + 1)} ${node.negated ? "no es nulo" : "es nulo"}`;
    case "between":
      return `${at(node.arg, COMPARE + 1)} entre ${at(node.low, COMPARE + 1)} y ${at(node.high, COMPARE + 1)}`;
  }
}
