import { ExprSyntaxError } from "./errors.js";

export type TokenKind = "num" | "str" | "ident" | "op" | "eof";

export interface Token {
  kind: TokenKind;
  /** The token as written (for `str`, with its quotes). */
  text: string;
  start: number;
  end: number;
  /** `num`: the number; `str`: the string without quotes. */
  value?: number | string;
  /** `num`: written without a decimal point or exponent. */
  integral?: boolean;
}

const IDENT_START = /[A-Za-z_áéíóúñÁÉÍÓÚÑ]/;
const IDENT_PART = /[A-Za-z0-9_áéíóúñÁÉÍÓÚÑ]/;
const NUMBER = /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const TWO_CHAR_OPS = new Set(["==", "!=", "<>", "<=", ">="]);
const ONE_CHAR_OPS = new Set(["(", ")", "[", "]", ",", "=", "<", ">", "+", "-", "*", "/"]);

/** Splits expression text into tokens, each with its offsets; the last token is `eof`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (ch >= "0" && ch <= "9") {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text)!;
      i += m[0].length;
      if (i < text.length && (IDENT_PART.test(text[i]) || text[i] === ".")) {
        let j = i;
        while (j < text.length && (IDENT_PART.test(text[j]) || text[j] === ".")) j++;
        throw new ExprSyntaxError(
          `número mal escrito: '${text.slice(start, j)}'`,
          start,
          j - start,
          "los números se escriben con punto decimal y sin separador de miles: 1500, 2.5",
        );
      }
      tokens.push({ kind: "num", text: m[0], start, end: i, value: Number(m[0]), integral: m[1] === undefined && m[2] === undefined });
      continue;
    }
    if (ch === "'" || ch === '"') {
      // A quote is written inside a string by doubling it, as in SQL: 'O''Higgins'.
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= text.length) {
          throw new ExprSyntaxError(`falta cerrar el texto que empieza con ${ch}`, start, text.length - start, `cierre el texto con ${ch}`);
        }
        if (text[j] === ch) {
          if (text[j + 1] === ch) {
            value += ch;
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      i = j + 1;
      tokens.push({ kind: "str", text: text.slice(start, i), start, end: i, value });
      continue;
    }
    if (IDENT_START.test(ch)) {
      let j = i + 1;
      while (j < text.length && IDENT_PART.test(text[j])) j++;
      i = j;
      tokens.push({ kind: "ident", text: text.slice(start, i), start, end: i });
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      i += 2;
      tokens.push({ kind: "op", text: two, start, end: i });
      continue;
    }
    if (ONE_CHAR_OPS.has(ch)) {
      i++;
      tokens.push({ kind: "op", text: ch, start, end: i });
      continue;
    }
    const hint =
      ch === "!" ? "para negar escriba 'no'; para 'distinto de' escriba '!=' o '<>'"
      : ch === "&" || ch === "|" ? "escriba 'y' u 'o'"
      : ch === "." ? "los números se escriben con un dígito antes del punto: 0.5"
      : undefined;
    throw new ExprSyntaxError(`carácter inesperado '${ch}'`, start, 1, hint);
  }
  tokens.push({ kind: "eof", text: "", start: text.length, end: text.length });
  return tokens;
}
