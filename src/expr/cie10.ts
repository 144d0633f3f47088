/**
 * CIE-10 (ICD-10) codes and ranges. A code is compared by category (letter and two digits,
 * `O80`) or subcategory (category and one digit, `O80.0` written `O800`); the extract writes
 * codes with or without the dot and with filler (`I10X`, `R69X`, `A09-`).
 */

/** A range with bounds in normal form: 3 characters (a category) or 4 (a subcategory). */
export interface Cie10Range {
  lo: string;
  hi: string;
}

const CODE = /^[A-Z][0-9]{2}/;
const BOUND = /^[A-Z][0-9]{2}[0-9]?$/;

/** Upper case, without spaces, the dot, and trailing `X` or `-` filler: ` i10.x ` → `I10`. */
export function normaliseCie10(code: string): string {
  let c = code.trim().toUpperCase().replace(".", "");
  let end = c.length;
  while (end > 3 && (c[end - 1] === "X" || c[end - 1] === "-")) end--;
  if (end < c.length) c = c.slice(0, end);
  return c;
}

function parseBound(text: string): string | null {
  let b = text.trim().toUpperCase();
  const dot = b.indexOf(".");
  if (dot !== -1) {
    // The dot, when written, separates the category from the subcategory digit: `O98.4`.
    if (dot !== 3) return null;
    b = b.slice(0, 3) + b.slice(4);
  }
  while (b.length > 3 && b.endsWith("X")) b = b.slice(0, -1);
  return BOUND.test(b) ? b : null;
}

/** Why a range text is not valid, as a Spanish message and a hint, or null when it is valid. */
export function explainCie10Range(text: string): { range: Cie10Range } | { message: string; hint: string } {
  const parts = text.split(/[-–]/);
  if (parts.length > 2) {
    return {
      message: `el rango CIE-10 '${text}' tiene más de un guion`,
      hint: "escriba un rango por argumento, como 'O00-O99', o un código, como 'A34' u 'O98.4'",
    };
  }
  const lo = parseBound(parts[0]);
  const hi = parts.length === 2 ? parseBound(parts[1]) : lo;
  if (lo === null || hi === null) {
    return {
      message: `'${text}' no es un código ni un rango CIE-10 válido`,
      hint: "un código CIE-10 es una letra y dos dígitos (categoría, 'O80'), con un dígito más para la subcategoría ('O80.0' u 'O800'); un rango une dos códigos con un guion: 'O00-O99'",
    };
  }
  const lo3 = lo.slice(0, 3);
  const hi3 = hi.slice(0, 3);
  if (lo3 > hi3 || (lo3 === hi3 && lo.length === 4 && hi.length === 4 && lo > hi)) {
    return {
      message: `el rango CIE-10 '${text}' está invertido: su inicio es mayor que su fin`,
      hint: `escriba '${parts[1].trim()}-${parts[0].trim()}'`,
    };
  }
  return { range: { lo, hi } };
}

/** The range a text like `O00-O99`, `A34`, `O98.4` or `O98.4-O98.9` denotes, or null when invalid. */
export function parseCie10Range(text: string): Cie10Range | null {
  const r = explainCie10Range(text);
  return "range" in r ? r.range : null;
}

/**
 * Whether a code falls in any of the ranges. A 3-character bound compares the code's category,
 * a 4-character bound its subcategory: `O98.4` matches `O984` and `O9841` but not `O98` or `O985`.
 * A text that does not start with a letter and two digits matches nothing.
 */
export function matchesCie10(code: string, ranges: readonly Cie10Range[]): boolean {
  const c = normaliseCie10(code);
  if (!CODE.test(c)) return false;
  const c3 = c.slice(0, 3);
  const c4 = c.length > 4 ? c.slice(0, 4) : c;
  for (const r of ranges) {
    const aboveLo = r.lo.length === 3 ? c3 >= r.lo : c4 >= r.lo;
    const belowHi = r.hi.length === 3 ? c3 <= r.hi : c4 <= r.hi;
    if (aboveLo && belowHi) return true;
  }
  return false;
}
