/**
 * The type checker: resolves columns against a source's scope, types every node, and collects
 * every problem it finds (it never stops at the first). The compiler reuses its node types.
 */
import type { CallNode, ColumnType, ExprType, Node, Span } from "./ast.js";
import { isArithOp } from "./ast.js";
import { explainCie10Range } from "./cie10.js";
import { parseIsoDate } from "./dates.js";
import type { ExprProblem } from "./errors.js";
import { formatExpr } from "./format.js";
import { FUNCTION_ALIASES, FUNCTION_NAMES, FUNCTIONS } from "./functions.js";
import { listNames, nearest } from "./suggest.js";

/** A column of a source, as expressions over that source see it. */
export interface ColumnInfo {
  name: string;
  type: ColumnType;
  /** The allowed values of a `code` column. */
  codes?: string[];
}

/** The columns an expression may read, in row order: a column's index is its position in the row. */
export interface Scope {
  columns: ColumnInfo[];
}

export interface CheckResult {
  /** The expression's type; meaningless when there are problems. */
  type: ExprType;
  problems: ExprProblem[];
  /** Distinct columns the expression reads, in order of first appearance. */
  columns: string[];
}

/** A node's type, or `?` where a problem made it unknowable (and further complaints pointless). */
export type NodeType = ExprType | "?";

export interface Analysis extends CheckResult {
  types: Map<Node, NodeType>;
}

type Family = "num" | "text" | "date" | "bool" | "null" | "list" | "?";

function family(t: NodeType): Family {
  switch (t) {
    case "integer": case "decimal": return "num";
    case "string": case "code": return "text";
    case "date": return "date";
    case "boolean": return "bool";
    case "null": return "null";
    case "list": return "list";
    default: return "?";
  }
}

const TYPE_NAME: Record<ExprType, string> = {
  integer: "un número entero",
  decimal: "un número decimal",
  string: "un texto",
  code: "un código",
  date: "una fecha",
  boolean: "un valor lógico (verdadero o falso)",
  null: "nulo",
  list: "una lista",
};

function typeName(t: NodeType): string {
  return t === "?" ? "un valor desconocido" : TYPE_NAME[t];
}

/** A `fecha('…')` hint for a string literal used as a date, converting `dd/mm/aaaa` when it can. */
function dateLiteralHint(node: Node): string {
  let iso = "2024-03-31";
  if (node.kind === "str") {
    const dmy = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(node.value.trim());
    if (parseIsoDate(node.value.trim()) !== null) iso = node.value.trim();
    else if (dmy) iso = `${dmy[3]}-${dmy[2].padStart(2, "0")}-${dmy[1].padStart(2, "0")}`;
  }
  return `un texto no es una fecha: escriba la fecha con fecha('AAAA-MM-DD'), por ejemplo fecha('${iso}')`;
}

class Checker {
  readonly problems: ExprProblem[] = [];
  readonly columns: string[] = [];
  readonly types = new Map<Node, NodeType>();
  private readonly byName = new Map<string, ColumnInfo>();

  constructor(private readonly scope: Scope) {
    for (const c of scope.columns) if (!this.byName.has(c.name)) this.byName.set(c.name, c);
  }

  problem(code: string, span: Span, message: string, hint?: string): void {
    const p: ExprProblem = { code, message, start: span.start, end: span.end };
    if (hint !== undefined) p.hint = hint;
    this.problems.push(p);
  }

  type(node: Node): NodeType {
    const t = this.infer(node);
    this.types.set(node, t);
    return t;
  }

  private infer(node: Node): NodeType {
    switch (node.kind) {
      case "num": return node.integral ? "integer" : "decimal";
      case "str": return "string";
      case "bool": return "boolean";
      case "nulo": return "null";
      case "col": return this.column(node.name, node);
      case "list":
        for (const item of node.items) this.type(item);
        this.problem("MASB_EXPR_TIPO", node, "una lista solo puede ir después de 'en'", "escriba, por ejemplo, sexo en ['H', 'M']");
        return "list";
      case "unary": {
        const t = this.type(node.arg);
        if (node.op === "no") {
          this.requireBoolean(node.arg, t, "no");
          return "boolean";
        }
        if (family(t) === "num" || t === "null" || t === "?") return t;
        this.problem("MASB_EXPR_TIPO", node, `el signo '-' necesita un número y recibió ${typeName(t)}`);
        return "?";
      }
      case "binary": {
        const lt = this.type(node.left);
        const rt = this.type(node.right);
        if (node.op === "o" || node.op === "y") {
          this.requireBoolean(node.left, lt, node.op);
          this.requireBoolean(node.right, rt, node.op);
          return "boolean";
        }
        if (isArithOp(node.op)) return this.arithmetic(node.op, node.left, lt, node.right, rt);
        const ordered = node.op !== "=" && node.op !== "!=";
        this.comparable(node, ordered, node.left, lt, node.right, rt);
        if (!ordered) {
          this.knownCode(node.left, node.right);
          this.knownCode(node.right, node.left);
        }
        return "boolean";
      }
      case "in": {
        const at = this.type(node.arg);
        this.types.set(node.list, "list");
        for (const item of node.list.items) {
          const it = this.type(item);
          if (item.kind === "nulo") {
            this.problem("MASB_EXPR_TIPO", item, "nulo en una lista de 'en' nunca coincide: la comparación con nulo da nulo",
              `para aceptar también los nulos escriba (${formatExpr(node.arg)} ${node.negated ? "no en" : "en"} [...] o ${formatExpr(node.arg)} es nulo)`);
            continue;
          }
          this.comparable(item, false, node.arg, at, item, it);
          this.knownCode(node.arg, item);
        }
        return "boolean";
      }
      case "isnull": {
        const t = this.type(node.arg);
        if (t === "list") this.problem("MASB_EXPR_TIPO", node.arg, "una lista no puede ser nula; 'es nulo' va después de una columna o expresión");
        return "boolean";
      }
      case "between": {
        const at = this.type(node.arg);
        const lt = this.type(node.low);
        const ht = this.type(node.high);
        this.comparable(node.low, true, node.arg, at, node.low, lt);
        this.comparable(node.high, true, node.arg, at, node.high, ht);
        return "boolean";
      }
      case "call":
        return this.call(node);
    }
  }

  private column(name: string, span: Span): NodeType {
    const col = this.byName.get(name);
    if (col) {
      if (!this.columns.includes(name)) this.columns.push(name);
      return col.type;
    }
    const names = this.scope.columns.map((c) => c.name);
    const guess = nearest(name, names);
    let hint: string;
    if (guess !== undefined) hint = `¿quiso decir \`${guess}\`?`;
    else if (FUNCTIONS.has(name.toLowerCase())) hint = `\`${name}\` es una función: escriba ${FUNCTIONS.get(name.toLowerCase())!.usage}`;
    else hint = names.length ? `columnas disponibles: ${listNames(names)}` : "esta fuente no declara columnas";
    this.problem("MASB_EXPR_COLUMNA_DESCONOCIDA", span, `la columna \`${name}\` no existe en esta fuente`, hint);
    return "?";
  }

  private requireBoolean(node: Node, t: NodeType, op: string): void {
    if (t === "boolean" || t === "null" || t === "?") return;
    this.problem("MASB_EXPR_TIPO", node, `'${op}' necesita valores lógicos (verdadero o falso) y recibió ${typeName(t)}`,
      "escriba una comparación, como edad >= 15; un valor no cuenta como verdadero por sí solo");
  }

  private arithmetic(op: string, left: Node, lt: NodeType, right: Node, rt: NodeType): NodeType {
    let ok = true;
    for (const [n, t] of [[left, lt], [right, rt]] as const) {
      const f = family(t);
      if (f === "num" || f === "null" || f === "?") {
        if (f === "?") ok = false;
        continue;
      }
      ok = false;
      const hint = f === "date" ? "para restar fechas use dias(desde, hasta), meses(desde, hasta) o anios(desde, hasta)"
        : f === "text" && n.kind === "str" && /^-?\d+(\.\d+)?$/.test(n.value) ? `los números se escriben sin comillas: ${n.value}`
        : undefined;
      this.problem("MASB_EXPR_TIPO", n, `'${op}' opera con números y recibió ${typeName(t)}`, hint);
    }
    if (!ok) return "?";
    if (op === "/") return "decimal";
    if (lt === "decimal" || rt === "decimal") return "decimal";
    return lt === "null" && rt === "null" ? "null" : "integer";
  }

  /** Problems comparing `a` with `b`, reported at `at`. `ordered` for < <= > >= and entre. */
  private comparable(at: Span, ordered: boolean, a: Node, ta: NodeType, b: Node, tb: NodeType): void {
    for (const n of [a, b]) {
      if (n.kind === "nulo") {
        const other = n === a ? b : a;
        this.problem("MASB_EXPR_TIPO", n, "comparar con nulo siempre da nulo, nunca verdadero",
          `para saber si falta el dato escriba ${formatExpr(other)} es nulo, o ${formatExpr(other)} no es nulo`);
        return;
      }
    }
    const fa = family(ta);
    const fb = family(tb);
    if (fa === "?" || fb === "?" || fa === "null" || fb === "null") return;
    if (fa === "list" || fb === "list") return; // reported where the list is
    if (fa === fb) {
      if (ordered && fa === "bool") {
        this.problem("MASB_EXPR_TIPO", at, "los valores lógicos no tienen orden: solo se comparan con = o !=");
      }
      return;
    }
    let hint: string | undefined;
    const lit = b.kind === "str" || b.kind === "num" ? b : a.kind === "str" || a.kind === "num" ? a : undefined;
    if ((fa === "date" && fb === "text") || (fa === "text" && fb === "date")) {
      hint = dateLiteralHint(fa === "text" ? a : b);
    } else if (lit?.kind === "num" && (fa === "text" || fb === "text")) {
      hint = `los textos y los códigos se escriben entre comillas: '${formatExpr(lit)}'`;
    } else if (lit?.kind === "str" && (fa === "num" || fb === "num") && /^-?\d+(\.\d+)?$/.test(lit.value)) {
      hint = `los números se escriben sin comillas: ${lit.value}`;
    } else if (fa === "date" || fb === "date") {
      hint = "una fecha se compara con otra fecha; para edades o duraciones use anios(), meses() o dias()";
    }
    this.problem("MASB_EXPR_TIPO", at, `no se puede comparar ${typeName(ta)} con ${typeName(tb)}`, hint);
  }

  /** A string literal compared with a `code` column must be one of the column's declared codes. */
  private knownCode(col: Node, lit: Node): void {
    if (col.kind !== "col" || lit.kind !== "str") return;
    const info = this.byName.get(col.name);
    if (!info || info.type !== "code" || !info.codes) return;
    if (info.codes.includes(lit.value)) return;
    const shown = info.codes.slice(0, 30).map((c) => `'${c}'`).join(", ");
    const more = info.codes.length > 30 ? ` y ${info.codes.length - 30} más` : "";
    const guess = nearest(lit.value, info.codes);
    this.problem("MASB_EXPR_CODIGO_DESCONOCIDO", lit,
      `el código '${lit.value}' no está entre los códigos declarados de la columna \`${col.name}\``,
      `${guess !== undefined && guess.toLowerCase() === lit.value.toLowerCase() ? `¿quiso decir '${guess}'? ` : ""}códigos de \`${col.name}\`: ${shown}${more}`);
  }

  private argProblem(call: CallNode, span: Span, message: string, hint?: string): void {
    this.problem("MASB_EXPR_ARGUMENTOS", span, message, hint ?? `se escribe ${FUNCTIONS.get(call.name)!.usage}`);
  }

  /** Whether argument `i` of `call` has a type of family `want` (or is null or unknown); reports it if not. */
  private requireArg(call: CallNode, i: number, t: NodeType, want: "num" | "integer" | "text" | "date"): boolean {
    const f = family(t);
    if (f === "?" || f === "null") return true;
    if (want === "integer" ? t === "integer" : f === want) return true;
    const wantName = { num: "un número", integer: "un número entero", text: "un texto o código", date: "una fecha" }[want];
    const arg = call.args[i];
    const hint = want === "date" && f === "text" ? dateLiteralHint(arg) : undefined;
    this.argProblem(call, arg, `el argumento ${i + 1} de \`${call.name}\` debe ser ${wantName} y es ${typeName(t)}`, hint);
    return false;
  }

  private call(node: CallNode): NodeType {
    const types = node.args.map((a) => this.type(a));
    const info = FUNCTIONS.get(node.name);
    if (!info) {
      const written = nearest(node.name, FUNCTION_NAMES);
      const guess = written === undefined ? undefined : (FUNCTION_ALIASES.get(written) ?? written);
      this.problem("MASB_EXPR_FUNCION_DESCONOCIDA", node, `la función \`${node.name}\` no existe`,
        guess !== undefined ? `¿quiso decir \`${guess}\`?` : `funciones disponibles: ${listNames([...FUNCTIONS.keys()])}`);
      return "?";
    }
    const n = node.args.length;
    if (n < info.minArgs || n > info.maxArgs || (node.name === "fecha" && n === 2)) {
      const expected = node.name === "fecha" ? "1 o 3 argumentos"
        : info.maxArgs === Infinity ? `al menos ${info.minArgs} argumentos`
        : `${info.minArgs} argumento${info.minArgs === 1 ? "" : "s"}`;
      this.argProblem(node, node, `\`${node.name}\` espera ${expected} y recibió ${n}`);
      return "?";
    }
    switch (node.name) {
      case "cie": {
        this.requireArg(node, 0, types[0], "text");
        for (const arg of node.args.slice(1)) {
          if (arg.kind !== "str") {
            this.argProblem(node, arg, `los rangos de \`cie\` se escriben como textos literales, y el argumento es ${formatExpr(arg)}`,
              "escriba, por ejemplo, cie(afeccion_principal, 'O00-O99', 'A34')");
            continue;
          }
          const r = explainCie10Range(arg.value);
          if (!("range" in r)) this.problem("MASB_EXPR_CIE10_RANGO", arg, r.message, r.hint);
        }
        return "boolean";
      }
      case "dias":
      case "meses":
      case "anios":
        this.requireArg(node, 0, types[0], "date");
        this.requireArg(node, 1, types[1], "date");
        return "integer";
      case "anio":
      case "mes":
        this.requireArg(node, 0, types[0], "date");
        return "integer";
      case "en_periodo":
        this.requireArg(node, 0, types[0], "date");
        return "boolean";
      case "fecha":
        return this.fecha(node, types);
      case "abs":
        return this.requireArg(node, 0, types[0], "num") ? types[0] : "?";
      case "coalesce":
        return this.common(node, types, false);
      default: // min, max
        return this.common(node, types, true);
    }
  }

  private fecha(node: CallNode, types: NodeType[]): NodeType {
    if (node.args.length === 3) {
      // Values that make no date give null per row (a sentinel such as 99 or 9999), not an error.
      for (let i = 0; i < 3; i++) this.requireArg(node, i, types[i], "integer");
      return "date";
    }
    const arg = node.args[0];
    if (arg.kind !== "str") {
      this.argProblem(node, arg, `\`fecha\` con un argumento espera un texto literal 'AAAA-MM-DD' y recibió ${typeName(types[0])}`,
        "escriba fecha('2024-03-31'), o fecha(anio, mes, dia) con tres números enteros");
      return "date";
    }
    if (parseIsoDate(arg.value) === null) {
      const wellFormed = /^\d{4}-\d{2}-\d{2}$/.test(arg.value);
      this.problem("MASB_EXPR_FECHA", arg,
        wellFormed ? `la fecha '${arg.value}' no existe en el calendario o su año está fuera de 1800 a 2200` : `'${arg.value}' no es una fecha en la forma 'AAAA-MM-DD'`,
        wellFormed ? "revise el mes (1 a 12) y el día (según el mes)" : dateLiteralHint(arg));
    }
    return "date";
  }

  /** The common type of coalesce/min/max arguments, reporting arguments of another kind. */
  private common(node: CallNode, types: NodeType[], ordered: boolean): NodeType {
    let first: Family | undefined;
    let firstIndex = -1;
    let unknown = false;
    node.args.forEach((arg, i) => {
      const f = family(types[i]);
      if (f === "?") unknown = true;
      if (f === "?" || f === "null") return;
      if (f === "list" || (ordered && f === "bool")) {
        this.argProblem(node, arg, `el argumento ${i + 1} de \`${node.name}\` no puede ser ${typeName(types[i])}`);
        unknown = true;
        return;
      }
      if (first === undefined) {
        first = f;
        firstIndex = i;
      } else if (f !== first) {
        this.argProblem(node, arg,
          `los argumentos de \`${node.name}\` deben ser del mismo tipo: el ${firstIndex + 1} es ${typeName(types[firstIndex])} y el ${i + 1} es ${typeName(types[i])}`);
        unknown = true;
      }
    });
    if (unknown) return "?";
    const present = types.filter((t) => t !== "null");
    if (present.length === 0) return "null";
    switch (first) {
      case "num": return present.includes("decimal") ? "decimal" : "integer";
      case "text": return present.every((t) => t === "code") ? "code" : "string";
      case "date": return "date";
      default: return "boolean";
    }
  }
}

function expectProblem(checker: Checker, node: Node, t: NodeType, expect: ExprType | "numeric"): void {
  if (t === "?") return;
  const f = family(t);
  let ok: boolean;
  switch (expect) {
    case "numeric": ok = f === "num"; break;
    case "decimal": ok = f === "num"; break;
    case "string": ok = f === "text"; break;
    default: ok = t === expect;
  }
  if (ok) return;
  if (expect === "boolean") {
    checker.problem("MASB_EXPR_TIPO", node, `un filtro debe dar verdadero o falso, y esta expresión da ${typeName(t)}`,
      f === "num" || f === "text" || f === "date" ? `escriba una condición, por ejemplo ${formatExpr(node)} es nulo, o una comparación` : undefined);
  } else if (expect === "numeric") {
    checker.problem("MASB_EXPR_TIPO", node, `se esperaba un valor numérico y esta expresión da ${typeName(t)}`,
      f === "bool" ? "para contar las filas que cumplen una condición use un conteo con filtro" : f === "date" ? "para una duración use dias(), meses() o anios()" : undefined);
  } else {
    checker.problem("MASB_EXPR_TIPO", node, `se esperaba ${TYPE_NAME[expect]} y esta expresión da ${typeName(t)}`);
  }
}

/** Types every node and collects every problem: what `checkExpr` returns, plus the type of each node. */
export function analyseExpr(node: Node, scope: Scope, expect?: ExprType | "numeric"): Analysis {
  const checker = new Checker(scope);
  const t = checker.type(node);
  if (expect !== undefined) expectProblem(checker, node, t, expect);
  return { type: t === "?" ? "null" : t, problems: checker.problems, columns: checker.columns, types: checker.types };
}

/**
 * Checks an expression against a source's columns: every problem at once, each with its offsets.
 * `expect` is what the expression must give: `"boolean"` for a filter, `"numeric"` for a value.
 */
export function checkExpr(node: Node, scope: Scope, expect?: ExprType | "numeric"): CheckResult {
  const { type, problems, columns } = analyseExpr(node, scope, expect);
  return { type, problems, columns };
}
