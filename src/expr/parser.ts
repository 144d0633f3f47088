/**
 * A hand-written Pratt parser. Binding powers, low to high:
 *
 *   o/or 10 · y/and 20 · no/not (prefix) 30 · comparisons and the postfix tests
 *   (en, no en, es nulo, no es nulo, entre … y …) 40 · + - 50 · * / 60 · unary - 70
 *
 * Comparisons do not chain (`1 < a < 5` is an error that suggests `entre`). Keywords are
 * case-insensitive and may be Spanish or English independently of each other.
 */
import type { BinaryOp, CompareOp, ListNode, Node } from "./ast.js";
import { ExprSyntaxError } from "./errors.js";
import { canonicalFunctionName } from "./functions.js";
import { tokenize, type Token } from "./lexer.js";

const BP_OR = 10;
const BP_AND = 20;
const BP_NOT = 30;
const BP_COMPARE = 40;
const BP_ADD = 50;
const BP_MUL = 60;
const BP_UNARY = 70;

/**
 * How deep an expression may nest: parentheses, operands, function arguments and list items
 * inside one another, and the tree they build (a chain `a o b o c …` is one level deeper per
 * operator). The checker, the compiler and the formatter walk the tree recursively; bounding
 * it here turns a runaway expression (thousands of parentheses) into a syntax error with a
 * position instead of a stack overflow. The deepest expression of the bundled catalog has 5 levels.
 */
export const MAX_EXPR_DEPTH = 100;

/** Keyword (lower case) → meaning. A Map, so a column called `constructor` is just a column. */
const KEYWORDS = new Map<string, string>([
  ["o", "o"], ["or", "o"],
  ["y", "y"], ["and", "y"],
  ["no", "no"], ["not", "no"],
  ["en", "en"], ["in", "en"],
  ["es", "es"], ["is", "es"],
  ["entre", "entre"], ["between", "entre"],
  ["nulo", "nulo"], ["null", "nulo"],
  ["verdadero", "verdadero"], ["true", "verdadero"],
  ["falso", "falso"], ["false", "falso"],
]);

const COMPARE_OPS = new Map<string, CompareOp>([
  ["=", "="], ["==", "="], ["!=", "!="], ["<>", "!="], ["<", "<"], ["<=", "<="], [">", ">"], [">=", ">="],
]);

type Infix =
  | { kind: "binary"; op: BinaryOp; bp: number }
  | { kind: "in"; bp: number }
  | { kind: "es"; bp: number }
  | { kind: "entre"; bp: number }
  | { kind: "no"; bp: number };

function keyword(t: Token): string | undefined {
  return t.kind === "ident" ? KEYWORDS.get(t.text.toLowerCase()) : undefined;
}

function describe(t: Token): string {
  if (t.kind === "eof") return "el final de la expresión";
  return t.kind === "str" ? `el texto ${t.text}` : `'${t.text}'`;
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  /** End offset of the last consumed token: the end of the node being built. */
  private lastEnd = 0;
  /** Calls of `expression` under way (how deep the parse is nested). */
  private nesting = 0;
  /** Height of each tree built, leaves 1. */
  private readonly heights = new WeakMap<Node, number>();

  constructor(text: string) {
    this.tokens = tokenize(text);
  }

  parse(): Node {
    if (this.peek().kind === "eof") throw new ExprSyntaxError("la expresión está vacía", 0, 0);
    const node = this.expression(0);
    const t = this.peek();
    if (t.kind !== "eof") {
      const hint = keyword(t) === undefined && (t.kind === "ident" || t.kind === "num" || t.kind === "str" || t.text === "(")
        ? "¿falta un operador, como 'y' u 'o'?" : undefined;
      throw new ExprSyntaxError(`se esperaba un operador o el final de la expresión y se encontró ${describe(t)}`, t.start, t.end - t.start, hint);
    }
    return node;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.pos + ahead, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (t.kind !== "eof") this.pos++;
    this.lastEnd = t.end;
    return t;
  }

  private fail(expected: string, t: Token = this.peek(), hint?: string): never {
    throw new ExprSyntaxError(`se esperaba ${expected} y se encontró ${describe(t)}`, t.start, t.end - t.start, hint);
  }

  private expectOp(text: string, hint?: string): Token {
    const t = this.peek();
    if (t.kind !== "op" || t.text !== text) this.fail(`'${text}'`, t, hint);
    return this.next();
  }

  /** Refuses nesting beyond `MAX_EXPR_DEPTH`, at the token where it goes too deep. */
  private tooDeep(t: Token): never {
    throw new ExprSyntaxError(
      `la expresión anida más de ${MAX_EXPR_DEPTH} niveles (paréntesis, operadores o funciones unos dentro de otros)`,
      t.start, t.end - t.start,
      "escriba la condición más plana: quite paréntesis de más, o use 'en [..]' y cie(..) en vez de muchos 'o'",
      "MASB_EXPR_LIMITE",
    );
  }

  /** Records the height of a node built over `children` (a leaf when none). */
  private built<T extends Node>(node: T, ...children: Node[]): T {
    let h = 0;
    for (const c of children) h = Math.max(h, this.heights.get(c) ?? 1);
    if (h + 1 > MAX_EXPR_DEPTH) this.tooDeep(this.tokens[Math.max(0, this.pos - 1)]);
    this.heights.set(node, h + 1);
    return node;
  }

  private expression(minBp: number): Node {
    if (++this.nesting > MAX_EXPR_DEPTH) this.tooDeep(this.peek());
    try {
      return this.expressionAt(minBp);
    } finally {
      this.nesting--;
    }
  }

  private expressionAt(minBp: number): Node {
    const start = this.peek().start;
    let left = this.prefix();
    let comparedAlready = false;
    for (;;) {
      const t = this.peek();
      const infix = this.infix(t);
      if (infix === undefined || infix.bp <= minBp) break;
      if (infix.bp === BP_COMPARE) {
        if (comparedAlready) {
          throw new ExprSyntaxError(
            `las comparaciones no se encadenan: se encontró ${describe(t)} después de otra comparación`,
            t.start, t.end - t.start,
            "una las condiciones con 'y' (a > 1 y a < 5), use 'entre' (a entre 1 y 5) o agrupe con paréntesis",
          );
        }
        comparedAlready = true;
      } else if (infix.bp < BP_COMPARE) {
        comparedAlready = false;
      }
      left = this.postfix(left, start, infix);
    }
    return left;
  }

  private infix(t: Token): Infix | undefined {
    if (t.kind === "op") {
      const cmp = COMPARE_OPS.get(t.text);
      if (cmp !== undefined) return { kind: "binary", op: cmp, bp: BP_COMPARE };
      if (t.text === "+" || t.text === "-") return { kind: "binary", op: t.text, bp: BP_ADD };
      if (t.text === "*" || t.text === "/") return { kind: "binary", op: t.text, bp: BP_MUL };
      return undefined;
    }
    switch (keyword(t)) {
      case "o": return { kind: "binary", op: "o", bp: BP_OR };
      case "y": return { kind: "binary", op: "y", bp: BP_AND };
      case "en": return { kind: "in", bp: BP_COMPARE };
      case "es": return { kind: "es", bp: BP_COMPARE };
      case "entre": return { kind: "entre", bp: BP_COMPARE };
      case "no": {
        // `no` between two operands only starts `no en`, `no es nulo` or `no entre`.
        const k = keyword(this.peek(1));
        return k === "en" || k === "es" || k === "entre" ? { kind: "no", bp: BP_COMPARE } : undefined;
      }
      default: return undefined;
    }
  }

  private postfix(left: Node, start: number, infix: Infix): Node {
    this.next();
    let negated = false;
    let kind = infix.kind;
    if (kind === "no") {
      negated = true;
      const k = keyword(this.next());
      kind = k === "en" ? "in" : k === "es" ? "es" : "entre";
    }
    switch (kind) {
      case "binary": {
        const op = (infix as { op: BinaryOp }).op;
        const right = this.expression(infix.bp);
        return this.built({ kind: "binary", op, left, right, start, end: this.lastEnd }, left, right);
      }
      case "in": {
        const list = this.list(true);
        return this.built({ kind: "in", arg: left, list, negated, start, end: this.lastEnd }, left, list);
      }
      case "es": {
        if (!negated && keyword(this.peek()) === "no") {
          this.next();
          negated = true;
        }
        if (keyword(this.peek()) !== "nulo") this.fail("'nulo'", this.peek(), "escriba 'es nulo' o 'no es nulo'");
        this.next();
        return this.built({ kind: "isnull", arg: left, negated, start, end: this.lastEnd }, left);
      }
      default: {
        const low = this.expression(BP_COMPARE);
        if (keyword(this.peek()) !== "y") this.fail("'y'", this.peek(), "escriba 'entre mínimo y máximo'");
        this.next();
        const high = this.expression(BP_COMPARE);
        const between: Node = this.built({ kind: "between", arg: left, low, high, start, end: this.lastEnd }, left, low, high);
        // `a no entre 1 y 5` is `no (a entre 1 y 5)`, as SQL defines NOT BETWEEN.
        return negated ? this.built({ kind: "unary", op: "no", arg: between, start, end: this.lastEnd }, between) : between;
      }
    }
  }

  private prefix(): Node {
    const t = this.peek();
    switch (t.kind) {
      case "num":
        this.next();
        return { kind: "num", value: t.value as number, integral: t.integral === true, start: t.start, end: t.end };
      case "str":
        this.next();
        return { kind: "str", value: t.value as string, start: t.start, end: t.end };
      case "ident":
        return this.word(t);
      case "op":
        if (t.text === "(") {
          this.next();
          const inner = this.expression(0);
          this.expectOp(")");
          return inner;
        }
        if (t.text === "[") return this.list(false);
        if (t.text === "-") {
          this.next();
          const arg = this.expression(BP_UNARY);
          return this.built({ kind: "unary", op: "-", arg, start: t.start, end: this.lastEnd }, arg);
        }
        return this.fail("un valor");
      default:
        return this.fail("un valor");
    }
  }

  private word(t: Token): Node {
    const k = keyword(t);
    switch (k) {
      case undefined:
        break;
      case "verdadero":
      case "falso":
        this.next();
        return { kind: "bool", value: k === "verdadero", start: t.start, end: t.end };
      case "nulo":
        this.next();
        return { kind: "nulo", start: t.start, end: t.end };
      case "no": {
        this.next();
        const arg = this.expression(BP_NOT);
        return this.built({ kind: "unary", op: "no", arg, start: t.start, end: this.lastEnd }, arg);
      }
      default:
        return this.fail("un valor");
    }
    this.next();
    const open = this.peek();
    if (open.kind !== "op" || open.text !== "(") return { kind: "col", name: t.text, start: t.start, end: t.end };
    this.next();
    const args: Node[] = [];
    if (!(this.peek().kind === "op" && this.peek().text === ")")) {
      for (;;) {
        args.push(this.expression(0));
        const sep = this.peek();
        if (sep.kind === "op" && sep.text === ",") {
          this.next();
          continue;
        }
        if (sep.kind === "op" && sep.text === ")") break;
        this.fail("',' o ')'", sep);
      }
    }
    this.next();
    return this.built({ kind: "call", name: canonicalFunctionName(t.text), args, start: t.start, end: this.lastEnd }, ...args);
  }

  private list(afterIn: boolean): ListNode {
    const open = this.peek();
    if (open.kind !== "op" || open.text !== "[") {
      this.fail("'['", open, afterIn ? "la lista va entre corchetes: a en [1, 2, 3]" : undefined);
    }
    this.next();
    if (this.peek().kind === "op" && this.peek().text === "]") {
      const t = this.peek();
      throw new ExprSyntaxError("la lista está vacía", open.start, t.end - open.start, "escriba al menos un valor: ['S']");
    }
    const items: Node[] = [];
    for (;;) {
      items.push(this.expression(0));
      const sep = this.peek();
      if (sep.kind === "op" && sep.text === ",") {
        this.next();
        continue;
      }
      if (sep.kind === "op" && sep.text === "]") break;
      this.fail("',' o ']'", sep);
    }
    this.next();
    return this.built({ kind: "list", items, start: open.start, end: this.lastEnd }, ...items);
  }
}

/** Parses expression text into a tree. Throws `ExprSyntaxError` at the first offending token. */
export function parseExpr(text: string): Node {
  return new Parser(text).parse();
}
