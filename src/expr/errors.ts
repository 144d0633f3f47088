import { MasbError } from "../errors.js";

/**
 * Thrown by `parseExpr`; `offset` and `length` locate the offending token in the expression
 * text. The code is `MASB_EXPR_SINTAXIS`, or `MASB_EXPR_LIMITE` for an expression nested
 * beyond `MAX_EXPR_DEPTH`.
 */
export class ExprSyntaxError extends MasbError {
  override readonly code: "MASB_EXPR_SINTAXIS" | "MASB_EXPR_LIMITE";
  /** 0-based offset of the offending token (the text's length when the expression ended too soon). */
  readonly offset: number;
  /** Length of the offending token, 0 at the end of the text. */
  readonly length: number;
  /** What to do, when there is more to say than the message. */
  readonly hint?: string;

  constructor(message: string, offset: number, length: number, hint?: string, code: ExprSyntaxError["code"] = "MASB_EXPR_SINTAXIS") {
    // Offsets are within the expression; the catalog loader turns them into file:line:column.
    super(code, message);
    this.code = code;
    this.name = "ExprSyntaxError";
    this.offset = offset;
    this.length = length;
    if (hint !== undefined) this.hint = hint;
  }
}

/** A problem found by `checkExpr`: plain data, one per mistake, all of them collected. */
export interface ExprProblem {
  /** Stable code, e.g. `MASB_EXPR_COLUMNA_DESCONOCIDA`. */
  code: string;
  /** Spanish, says what is wrong. */
  message: string;
  /** Spanish, says what to do. */
  hint?: string;
  /** Offsets of the offending part of the expression text (`end` exclusive). */
  start: number;
  end: number;
}

/** Thrown by `compileExpr` when handed an expression that does not pass `checkExpr`. */
export class ExprCheckError extends MasbError {
  readonly problems: ExprProblem[];
  constructor(problems: ExprProblem[]) {
    super("MASB_EXPR_INVALIDA", `la expresión no es válida: ${problems[0]?.message ?? "sin detalle"}`);
    this.name = "ExprCheckError";
    this.problems = problems;
  }
}
