/** The functions of the language: canonical names, the other names they answer to, and arity. */

export interface FunctionInfo {
  /** Canonical lower-case name, the one the tree and `formatExpr` use. */
  name: string;
  minArgs: number;
  /** `Infinity` for a variable number of arguments. */
  maxArgs: number;
  /** How it is written, for hints: `dias(desde, hasta)`. */
  usage: string;
}

const LIST: FunctionInfo[] = [
  { name: "cie", minArgs: 2, maxArgs: Infinity, usage: "cie(columna, 'O00-O99', 'A34', …)" },
  { name: "dias", minArgs: 2, maxArgs: 2, usage: "dias(desde, hasta)" },
  { name: "meses", minArgs: 2, maxArgs: 2, usage: "meses(desde, hasta)" },
  { name: "anios", minArgs: 2, maxArgs: 2, usage: "anios(desde, hasta)" },
  { name: "anio", minArgs: 1, maxArgs: 1, usage: "anio(fecha)" },
  { name: "mes", minArgs: 1, maxArgs: 1, usage: "mes(fecha)" },
  { name: "fecha", minArgs: 1, maxArgs: 3, usage: "fecha('2024-03-31') o fecha(anio, mes, dia)" },
  { name: "en_periodo", minArgs: 1, maxArgs: 1, usage: "en_periodo(fecha)" },
  { name: "coalesce", minArgs: 2, maxArgs: Infinity, usage: "coalesce(a, b, …)" },
  { name: "abs", minArgs: 1, maxArgs: 1, usage: "abs(x)" },
  { name: "min", minArgs: 2, maxArgs: Infinity, usage: "min(a, b, …)" },
  { name: "max", minArgs: 2, maxArgs: Infinity, usage: "max(a, b, …)" },
];

export const FUNCTIONS: ReadonlyMap<string, FunctionInfo> = new Map(LIST.map((f) => [f.name, f]));

/** Other names, lower case, and the canonical name each stands for. */
export const FUNCTION_ALIASES: ReadonlyMap<string, string> = new Map([
  ["años", "anios"],
  ["año", "anio"],
  ["días", "dias"],
  ["en_período", "en_periodo"],
  ["primero_no_nulo", "coalesce"],
  ["cie10", "cie"],
]);

/** Every name a function can be called by, for did-you-mean hints. */
export const FUNCTION_NAMES: readonly string[] = [...FUNCTIONS.keys(), ...FUNCTION_ALIASES.keys()];

/** The canonical name for a name as written: lower case, aliases resolved. Unknown names are only lower-cased. */
export function canonicalFunctionName(written: string): string {
  const lower = written.toLowerCase();
  return FUNCTION_ALIASES.get(lower) ?? lower;
}
