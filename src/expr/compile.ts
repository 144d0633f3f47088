/**
 * Compiles a checked tree into nested closures over the row array. Column names become indices
 * once, here; constant subtrees are folded; the common shapes (`col = 'x'`, `col en [...]`,
 * `col es nulo`, `cie(col, …)`) get closures of their own. Nothing is allocated per call.
 *
 * Semantics are SQL's: three-valued logic, null in gives null out, division by zero gives null,
 * and a filter keeps a row only when its value is exactly `true`.
 */
import type { BetweenNode, BinaryNode, CallNode, CompareOp, InNode, Node, Row } from "./ast.js";
import { analyseExpr, type NodeType, type Scope } from "./check.js";
import { matchesCie10, parseCie10Range, type Cie10Range } from "./cie10.js";
import {
  firstDayOfMonthIndex, monthOfDays, monthsBetween, parseIsoDate, validDays, yearOfDays, yearsBetween,
} from "./dates.js";
import { ExprCheckError } from "./errors.js";

/** What the engine passes with every row: the month being evaluated, as `year*12 + (month-1)`. */
export interface EvalContext {
  month: number;
}

/** A compiled expression: its value for one row (a number, string, boolean or null). */
export type Compiled = (row: Row, ctx: EvalContext) => unknown;

type Fn = Compiled;

const NULL_FN: Fn = () => null;
const NO_ROW: Row = [];
const NO_CONTEXT: EvalContext = { month: 0 };

/** Distinct codes remembered per `cie(...)` before the memo starts over; keeps memory bounded. */
const CIE_MEMO_LIMIT = 20_000;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A decimal result rounded to 15 significant digits, the precision a double always holds, so
 * binary noise does not leak into comparisons: 0.1 + 0.2 gives 0.3, as SQL DECIMAL does.
 */
export function tidyDecimal(x: number): number {
  if (Number.isInteger(x)) return x === 0 ? 0 : x;
  const ax = x < 0 ? -x : x;
  if (!(ax >= 1e-7 && ax < 1e15)) return x;
  const p = POW10[14 - Math.floor(Math.log10(ax))];
  return Math.round(x * p) / p;
}

function flip(op: CompareOp): CompareOp {
  switch (op) {
    case "<": return ">";
    case "<=": return ">=";
    case ">": return "<";
    case ">=": return "<=";
    default: return op;
  }
}

// Values reaching an ordered comparison are both numbers (numbers and dates) or both strings, as
// the checker guarantees; JavaScript's relational operators compare strings by code unit then,
// so one closure serves both and the `number` casts only satisfy the compiler.

function columnVsConstant(i: number, op: CompareOp, k: unknown): Fn {
  if (k === null) return NULL_FN;
  const n = k as number;
  switch (op) {
    case "=": return (r) => { const v = r[i]; return v === null ? null : v === k; };
    case "!=": return (r) => { const v = r[i]; return v === null ? null : v !== k; };
    case "<": return (r) => { const v = r[i]; return v === null ? null : (v as number) < n; };
    case "<=": return (r) => { const v = r[i]; return v === null ? null : (v as number) <= n; };
    case ">": return (r) => { const v = r[i]; return v === null ? null : (v as number) > n; };
    case ">=": return (r) => { const v = r[i]; return v === null ? null : (v as number) >= n; };
  }
}

function columnVsColumn(i: number, op: CompareOp, j: number): Fn {
  switch (op) {
    case "=": return (r) => { const a = r[i], b = r[j]; return a === null || b === null ? null : a === b; };
    case "!=": return (r) => { const a = r[i], b = r[j]; return a === null || b === null ? null : a !== b; };
    case "<": return (r) => { const a = r[i], b = r[j]; return a === null || b === null ? null : (a as number) < (b as number); };
    case "<=": return (r) => { const a = r[i], b = r[j]; return a === null || b === null ? null : (a as number) <= (b as number); };
    case ">": return (r) => { const a = r[i], b = r[j]; return a === null || b === null ? null : (a as number) > (b as number); };
    case ">=": return (r) => { const a = r[i], b = r[j]; return a === null || b === null ? null : (a as number) >= (b as number); };
  }
}

function compareAny(L: Fn, op: CompareOp, R: Fn): Fn {
  switch (op) {
    case "=": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : a === b; };
    case "!=": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : a !== b; };
    case "<": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : (a as number) < (b as number); };
    case "<=": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : (a as number) <= (b as number); };
    case ">": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : (a as number) > (b as number); };
    case ">=": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : (a as number) >= (b as number); };
  }
}

function arithmetic(L: Fn, op: "+" | "-" | "*" | "/", R: Fn, decimal: boolean): Fn {
  if (decimal) {
    switch (op) {
      case "+": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : tidyDecimal((a as number) + (b as number)); };
      case "-": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : tidyDecimal((a as number) - (b as number)); };
      case "*": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : tidyDecimal((a as number) * (b as number)); };
      case "/": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null || b === 0 ? null : tidyDecimal((a as number) / (b as number)); };
    }
  }
  switch (op) {
    case "+": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : (a as number) + (b as number); };
    case "-": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : (a as number) - (b as number); };
    case "*": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null ? null : (a as number) * (b as number); };
    // `/` is always typed decimal; kept for completeness.
    case "/": return (r, c) => { const a = L(r, c); if (a === null) return null; const b = R(r, c); return b === null || b === 0 ? null : (a as number) / (b as number); };
  }
}

class Compiler {
  private readonly index = new Map<string, number>();
  private readonly constants = new Map<Node, { value: unknown } | null>();

  constructor(scope: Scope, private readonly types: Map<Node, NodeType>) {
    scope.columns.forEach((c, i) => {
      if (!this.index.has(c.name)) this.index.set(c.name, i);
    });
  }

  compile(node: Node): Fn {
    const k = this.constant(node);
    if (k !== null) {
      const value = k.value;
      return value === null ? NULL_FN : () => value;
    }
    return this.build(node);
  }

  /** The value of a subtree that reads no column and no context, computed once; null otherwise. */
  private constant(node: Node): { value: unknown } | null {
    let k = this.constants.get(node);
    if (k !== undefined) return k;
    k = this.dependsOnRow(node) ? null : { value: this.build(node)(NO_ROW, NO_CONTEXT) };
    this.constants.set(node, k);
    return k;
  }

  private dependsOnRow(node: Node): boolean {
    switch (node.kind) {
      case "col": return true;
      case "num": case "str": case "bool": case "nulo": return false;
      case "list": return node.items.some((n) => this.dependsOnRow(n));
      case "unary": case "isnull": return this.dependsOnRow(node.arg);
      case "binary": return this.dependsOnRow(node.left) || this.dependsOnRow(node.right);
      case "in": return this.dependsOnRow(node.arg) || this.dependsOnRow(node.list);
      case "between": return this.dependsOnRow(node.arg) || this.dependsOnRow(node.low) || this.dependsOnRow(node.high);
      case "call": return node.name === "en_periodo" || node.args.some((n) => this.dependsOnRow(n));
    }
  }

  private columnIndex(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`columna desconocida \`${name}\``);
    return i;
  }

  private build(node: Node): Fn {
    switch (node.kind) {
      case "num":
      case "str":
      case "bool": {
        const v = node.value;
        return () => v;
      }
      case "nulo":
        return NULL_FN;
      case "col": {
        const i = this.columnIndex(node.name);
        return (r) => r[i];
      }
      case "list":
        throw new Error("una lista solo se compila dentro de 'en'");
      case "unary": {
        const A = this.compile(node.arg);
        if (node.op === "no") return (r, c) => { const a = A(r, c); return a === true ? false : a === false ? true : null; };
        // 0 - a rather than -a: no negative zero.
        return (r, c) => { const a = A(r, c); return a === null ? null : 0 - (a as number); };
      }
      case "binary":
        return this.binary(node);
      case "in":
        return this.in(node);
      case "isnull": {
        if (node.arg.kind === "col") {
          const i = this.columnIndex(node.arg.name);
          return node.negated ? (r) => r[i] !== null : (r) => r[i] === null;
        }
        const A = this.compile(node.arg);
        return node.negated ? (r, c) => A(r, c) !== null : (r, c) => A(r, c) === null;
      }
      case "between":
        return this.between(node);
      case "call":
        return this.call(node);
    }
  }

  private binary(node: BinaryNode): Fn {
    const { op, left, right } = node;
    if (op === "y" || op === "o") {
      const L = this.compile(left);
      const R = this.compile(right);
      // Kleene: false decides `y` and true decides `o` whatever the other side is, even null.
      if (op === "y") {
        return (r, c) => {
          const a = L(r, c);
          if (a === false) return false;
          const b = R(r, c);
          if (b === false) return false;
          return a === null || b === null ? null : true;
        };
      }
      return (r, c) => {
        const a = L(r, c);
        if (a === true) return true;
        const b = R(r, c);
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    }
    if (op === "+" || op === "-" || op === "*" || op === "/") {
      return arithmetic(this.compile(left), op, this.compile(right), this.types.get(node) === "decimal");
    }
    const lk = this.constant(left);
    const rk = this.constant(right);
    if (left.kind === "col" && rk !== null) return columnVsConstant(this.columnIndex(left.name), op, rk.value);
    if (right.kind === "col" && lk !== null) return columnVsConstant(this.columnIndex(right.name), flip(op), lk.value);
    if (left.kind === "col" && right.kind === "col") {
      return columnVsColumn(this.columnIndex(left.name), op, this.columnIndex(right.name));
    }
    return compareAny(this.compile(left), op, this.compile(right));
  }

  private in(node: InNode): Fn {
    const A = this.compile(node.arg);
    const hit = !node.negated;
    const items = node.list.items;
    if (items.every((n) => this.constant(n) !== null)) {
      const values = new Set<unknown>();
      let hasNull = false;
      for (const n of items) {
        const v = this.constant(n)!.value;
        if (v === null) hasNull = true;
        else values.add(v);
      }
      // SQL: no match against a list holding null is unknown, not false.
      const miss = hasNull ? null : !hit;
      if (node.arg.kind === "col") {
        const i = this.columnIndex(node.arg.name);
        return (r) => { const v = r[i]; return v === null ? null : values.has(v) ? hit : miss; };
      }
      return (r, c) => { const v = A(r, c); return v === null ? null : values.has(v) ? hit : miss; };
    }
    const fns = items.map((n) => this.compile(n));
    const count = fns.length;
    return (r, c) => {
      const v = A(r, c);
      if (v === null) return null;
      let sawNull = false;
      for (let k = 0; k < count; k++) {
        const x = fns[k](r, c);
        if (x === null) sawNull = true;
        else if (x === v) return hit;
      }
      return sawNull ? null : !hit;
    };
  }

  private between(node: BetweenNode): Fn {
    const lo = this.constant(node.low);
    const hi = this.constant(node.high);
    if (node.arg.kind === "col" && lo !== null && hi !== null && lo.value !== null && hi.value !== null) {
      const i = this.columnIndex(node.arg.name);
      const a = lo.value as number;
      const b = hi.value as number;
      return (r) => { const v = r[i]; return v === null ? null : (v as number) >= a && (v as number) <= b; };
    }
    const A = this.compile(node.arg);
    const L = this.compile(node.low);
    const H = this.compile(node.high);
    // `x entre a y b` is `x >= a y x <= b`, in three-valued logic.
    return (r, c) => {
      const v = A(r, c);
      if (v === null) return null;
      const a = L(r, c);
      const ge = a === null ? null : (v as number) >= (a as number);
      if (ge === false) return false;
      const b = H(r, c);
      const le = b === null ? null : (v as number) <= (b as number);
      if (le === false) return false;
      return ge === null || le === null ? null : true;
    };
  }

  private call(node: CallNode): Fn {
    const args = node.args;
    switch (node.name) {
      case "cie":
        return this.cie(node);
      case "fecha": {
        if (args.length === 1) {
          const days = args[0].kind === "str" ? parseIsoDate(args[0].value) : null;
          return () => days;
        }
        const Y = this.compile(args[0]);
        const M = this.compile(args[1]);
        const D = this.compile(args[2]);
        return (r, c) => {
          const y = Y(r, c);
          if (y === null) return null;
          const m = M(r, c);
          if (m === null) return null;
          const d = D(r, c);
          return d === null ? null : validDays(y as number, m as number, d as number);
        };
      }
      case "dias": {
        const A = this.compile(args[0]);
        const B = this.compile(args[1]);
        return (r, c) => { const a = A(r, c); if (a === null) return null; const b = B(r, c); return b === null ? null : (b as number) - (a as number); };
      }
      case "meses": {
        const A = this.compile(args[0]);
        const B = this.compile(args[1]);
        return (r, c) => { const a = A(r, c); if (a === null) return null; const b = B(r, c); return b === null ? null : monthsBetween(a as number, b as number); };
      }
      case "anios": {
        const A = this.compile(args[0]);
        const B = this.compile(args[1]);
        return (r, c) => { const a = A(r, c); if (a === null) return null; const b = B(r, c); return b === null ? null : yearsBetween(a as number, b as number); };
      }
      case "anio": {
        const A = this.compile(args[0]);
        return (r, c) => { const a = A(r, c); return a === null ? null : yearOfDays(a as number); };
      }
      case "mes": {
        const A = this.compile(args[0]);
        return (r, c) => { const a = A(r, c); return a === null ? null : monthOfDays(a as number); };
      }
      case "en_periodo": {
        const A = this.compile(args[0]);
        // The month's bounds are recomputed only when the context moves to another month.
        let month = NaN;
        let from = 0;
        let to = 0;
        return (r, c) => {
          const d = A(r, c);
          if (d === null) return null;
          if (c.month !== month) {
            month = c.month;
            from = firstDayOfMonthIndex(month);
            to = firstDayOfMonthIndex(month + 1);
          }
          return (d as number) >= from && (d as number) < to;
        };
      }
      case "coalesce": {
        const fns = args.map((n) => this.compile(n));
        const count = fns.length;
        return (r, c) => {
          for (let k = 0; k < count; k++) {
            const v = fns[k](r, c);
            if (v !== null) return v;
          }
          return null;
        };
      }
      case "abs": {
        const A = this.compile(args[0]);
        return (r, c) => { const a = A(r, c); return a === null ? null : Math.abs(a as number); };
      }
      case "min":
      case "max": {
        const fns = args.map((n) => this.compile(n));
        const count = fns.length;
        const isMin = node.name === "min";
        // Any null gives null, as for every other operation (not SQL LEAST/GREATEST, which skip nulls).
        return (r, c) => {
          let best = fns[0](r, c);
          if (best === null) return null;
          for (let k = 1; k < count; k++) {
            const v = fns[k](r, c);
            if (v === null) return null;
            if (isMin ? (v as number) < (best as number) : (v as number) > (best as number)) best = v;
          }
          return best;
        };
      }
      default:
        throw new Error(`función desconocida \`${node.name}\``);
    }
  }

  private cie(node: CallNode): Fn {
    const ranges: Cie10Range[] = [];
    for (const a of node.args.slice(1)) {
      const r = a.kind === "str" ? parseCie10Range(a.value) : null;
      if (r === null) throw new Error(`rango CIE-10 no válido en ${a.start}`);
      ranges.push(r);
    }
    // Extracts repeat a few thousand distinct codes over millions of rows: match each once.
    const memo = new Map<string, boolean>();
    const test = (code: string): boolean => {
      let m = memo.get(code);
      if (m === undefined) {
        m = matchesCie10(code, ranges);
        if (memo.size >= CIE_MEMO_LIMIT) memo.clear();
        memo.set(code, m);
      }
      return m;
    };
    const arg = node.args[0];
    if (arg.kind === "col") {
      const i = this.columnIndex(arg.name);
      return (r) => { const v = r[i]; return v === null ? null : test(v as string); };
    }
    const A = this.compile(arg);
    return (r, c) => { const v = A(r, c); return v === null ? null : test(v as string); };
  }
}

/**
 * Compiles a checked expression into a function of a row. Column names are resolved to row
 * positions here, once. Throws `ExprCheckError` if the expression does not pass `checkExpr`.
 */
export function compileExpr(node: Node, scope: Scope): Compiled {
  const analysis = analyseExpr(node, scope);
  if (analysis.problems.length) throw new ExprCheckError(analysis.problems);
  return new Compiler(scope, analysis.types).compile(node);
}

/** Compiles a filter: it keeps a row only when the expression gives exactly `true` (not null). */
export function compileFilter(node: Node, scope: Scope): (row: Row, ctx: EvalContext) => boolean {
  const f = compileExpr(node, scope);
  return (row, ctx) => f(row, ctx) === true;
}
