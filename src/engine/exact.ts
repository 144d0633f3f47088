/**
 * Exact rational arithmetic for the numerator, the denominator and the value of an indicator.
 *
 * Every aggregate is an integer over a positive integer: a count (n/1), a sum of values scaled
 * to integers (a/10^scale), a mean (a/(10^scale·n)). Terms add, subtract, multiply and divide
 * them, so a numerator and a denominator are rationals, and the value — numerator over
 * denominator, times the unit's factor and the annualisation — is one more rational, rounded
 * once to the indicator's decimals, half away from zero (DESIGN.md). Nothing is approximated
 * on the way: a term like `(a / 3) / (b / 3)` at a half-way point rounds as the exact value does.
 *
 * Numerators and denominators are held in doubles while they are safe integers (|x| ≤ 2^53 − 1):
 * counts and sums of one month of a national extract stay far below that, and two numbers per
 * value cost no more than the sums themselves. An operation whose result would leave that range
 * throws `OVERFLOW`, and the caller reruns the same evaluation on BigInt, where nothing overflows.
 */
import type { Node } from "../expr/index.js";

/** p/q with q > 0; in `Ratio`, both safe integers. */
export interface Ratio {
  p: number;
  q: number;
}
export interface BigRatio {
  p: bigint;
  q: bigint;
}

/** Thrown by the double arithmetic when a result would not be a safe integer. */
export const OVERFLOW = Symbol("masb.exact.overflow");

const MAX = Number.MAX_SAFE_INTEGER;

/** The arithmetic the term evaluator runs on: doubles that must stay safe integers, or BigInt. */
interface Arith<R> {
  fromInt(n: number): R;
  fromDecimal(text: string): R;
  add(a: R, b: R): R;
  sub(a: R, b: R): R;
  mul(a: R, b: R): R;
  /** Null when b is zero. */
  div(a: R, b: R): R | null;
  neg(a: R): R;
  abs(a: R): R;
  cmp(a: R, b: R): number;
}

function safe(x: number): number {
  if (!(x <= MAX && x >= -MAX)) throw OVERFLOW;
  return x;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function bigGcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** p/q in lowest terms with q > 0 (q ≠ 0 is the caller's). */
function reduced(p: number, q: number): Ratio {
  if (q < 0) {
    p = -p;
    q = -q;
  }
  if (q === 1) return { p, q };
  const g = gcd(p, q);
  return g > 1 ? { p: p / g, q: q / g } : { p, q };
}

function bigReduced(p: bigint, q: bigint): BigRatio {
  if (q < 0n) {
    p = -p;
    q = -q;
  }
  if (q === 1n) return { p, q };
  const g = bigGcd(p, q);
  return g > 1n ? { p: p / g, q: q / g } : { p, q };
}

/** Digits and power of ten of a decimal literal as JavaScript prints a number (`0.25`, `1e-7`, `1.5e+21`). */
function decimalParts(text: string): { digits: string; exp: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m) throw new Error(`número no decimal: ${text}`);
  const frac = m[3] ?? "";
  return { digits: `${m[1]}${m[2]}${frac}`, exp: Number(m[4] ?? 0) - frac.length };
}

const NUMBERS: Arith<Ratio> = {
  fromInt: (n) => ({ p: safe(n), q: 1 }),
  fromDecimal(text) {
    const { digits, exp } = decimalParts(text);
    const p = safe(Number(digits));
    return exp >= 0 ? { p: safe(p * 10 ** exp), q: 1 } : reduced(p, safe(10 ** -exp));
  },
  add: (a, b) => (a.q === b.q ? reduced(safe(a.p + b.p), a.q) : reduced(safe(safe(a.p * b.q) + safe(b.p * a.q)), safe(a.q * b.q))),
  sub: (a, b) => (a.q === b.q ? reduced(safe(a.p - b.p), a.q) : reduced(safe(safe(a.p * b.q) - safe(b.p * a.q)), safe(a.q * b.q))),
  mul: (a, b) => reduced(safe(a.p * b.p), safe(a.q * b.q)),
  div: (a, b) => (b.p === 0 ? null : reduced(safe(a.p * b.q), safe(a.q * b.p))),
  neg: (a) => ({ p: -a.p || 0, q: a.q }),
  abs: (a) => ({ p: Math.abs(a.p), q: a.q }),
  cmp: (a, b) => Math.sign(safe(a.p * b.q) - safe(b.p * a.q)),
};

const BIGINTS: Arith<BigRatio> = {
  fromInt: (n) => ({ p: BigInt(n), q: 1n }),
  fromDecimal(text) {
    const { digits, exp } = decimalParts(text);
    const p = BigInt(digits);
    return exp >= 0 ? { p: p * 10n ** BigInt(exp), q: 1n } : bigReduced(p, 10n ** BigInt(-exp));
  },
  add: (a, b) => bigReduced(a.p * b.q + b.p * a.q, a.q * b.q),
  sub: (a, b) => bigReduced(a.p * b.q - b.p * a.q, a.q * b.q),
  mul: (a, b) => bigReduced(a.p * b.p, a.q * b.q),
  div: (a, b) => (b.p === 0n ? null : bigReduced(a.p * b.q, a.q * b.p)),
  neg: (a) => ({ p: -a.p, q: a.q }),
  abs: (a) => ({ p: a.p < 0n ? -a.p : a.p, q: a.q }),
  cmp: (a, b) => {
    const d = a.p * b.q - b.p * a.q;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  },
};

export const toBig = (r: Ratio): BigRatio => ({ p: BigInt(r.p), q: BigInt(r.q) });

/** Evaluates a numerator/denominator expression over aggregate values: null propagates, x/0 is null. */
function evaluateWith<R>(A: Arith<R>, node: Node, env: Record<string, R | null>): R | null {
  switch (node.kind) {
    case "num":
      return Number.isInteger(node.value) && Math.abs(node.value) <= MAX ? A.fromInt(node.value) : A.fromDecimal(String(node.value));
    case "col":
      return env[node.name] ?? null;
    case "unary": {
      const v = evaluateWith(A, node.arg, env);
      return v === null || node.op !== "-" ? null : A.neg(v);
    }
    case "binary": {
      const l = evaluateWith(A, node.left, env);
      const r = evaluateWith(A, node.right, env);
      if (l === null || r === null) return null;
      switch (node.op) {
        case "+": return A.add(l, r);
        case "-": return A.sub(l, r);
        case "*": return A.mul(l, r);
        case "/": return A.div(l, r);
        default: return null;
      }
    }
    case "call": {
      const args = node.args.map((a) => evaluateWith(A, a, env));
      if (node.name === "coalesce") return args.find((a) => a !== null) ?? null;
      if (args.length === 0 || args.some((a) => a === null)) return null;
      const xs = args as R[];
      if (node.name === "abs") return A.abs(xs[0]);
      if (node.name === "min") return xs.reduce((m, x) => (A.cmp(x, m) < 0 ? x : m));
      if (node.name === "max") return xs.reduce((m, x) => (A.cmp(x, m) > 0 ? x : m));
      return null;
    }
    default:
      return null;
  }
}

export const evaluateRatio = (node: Node, env: Record<string, Ratio | null>): Ratio | null => evaluateWith(NUMBERS, node, env);
export const evaluateBig = (node: Node, env: Record<string, BigRatio | null>): BigRatio | null => evaluateWith(BIGINTS, node, env);

/** round(n/d), half away from zero, for safe integers n and d > 0; throws OVERFLOW when not exact in doubles. */
function roundedQuotient(n: number, d: number): number {
  const neg = n < 0;
  const a = Math.abs(n);
  let k = Math.trunc(a / d);
  let r = a - safe(k * d);
  while (r < 0) {
    k--;
    r += d;
  }
  while (r >= d) {
    k++;
    r -= d;
  }
  if (2 * r >= d) k++;
  return neg ? -k : k;
}

function bigRoundedQuotient(n: bigint, d: bigint): bigint {
  const neg = n < 0n;
  const a = neg ? -n : n;
  let k = a / d;
  if (2n * (a - k * d) >= d) k++;
  return neg ? -k : k;
}

/**
 * The value x·f rounded half away from zero to `decimals` places, as an integer count of
 * 10^−decimals: num/den · factor · annual.num/annual.den for the value of an indicator (den
 * null: no denominator). Null when den is zero.
 */
export function scaledValue(
  num: Ratio, den: Ratio | null, factor: number, annual: { num: number; den: number } | null, decimals: number,
): number | bigint | null {
  if (den !== null && den.p === 0) return null;
  const an = annual ?? { num: 1, den: 1 };
  try {
    // n/d = num.p·den.q·factor·an.num·10^decimals / (num.q·den.p·an.den)
    let n = safe(safe(safe(num.p * (den ? den.q : 1)) * factor) * an.num);
    n = safe(n * 10 ** decimals);
    let d = safe(safe(num.q * (den ? den.p : 1)) * an.den);
    if (d < 0) {
      n = -n;
      d = -d;
    }
    return roundedQuotient(n, d);
  } catch (e) {
    if (e !== OVERFLOW) throw e;
  }
  return bigScaledValue(toBig(num), den && toBig(den), factor, an, decimals);
}

export function bigScaledValue(num: BigRatio, den: BigRatio | null, factor: number, annual: { num: number; den: number }, decimals: number): bigint | null {
  if (den !== null && den.p === 0n) return null;
  let n = num.p * (den ? den.q : 1n) * BigInt(factor) * BigInt(annual.num) * 10n ** BigInt(decimals);
  let d = num.q * (den ? den.p : 1n) * BigInt(annual.den);
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  return bigRoundedQuotient(n, d);
}

/** k·10^−decimals with exactly `decimals` places (`-0` prints as `0`). */
export function fixedText(k: number | bigint, decimals: number): string {
  const neg = k < 0;
  let s = (neg ? -k : k).toString();
  if (decimals > 0) {
    if (s.length <= decimals) s = "0".repeat(decimals - s.length + 1) + s;
    s = `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
  }
  return neg ? `-${s}` : s;
}

/** Text of an exact numerator or denominator: integers plain, others to 6 places at most (half away from zero, trailing zeros dropped). */
export function ratioText(r: Ratio | BigRatio): string {
  if (typeof r.p === "number") {
    const { p, q } = r as Ratio;
    if (p % q === 0) return String(p / q || 0);
    try {
      return trimmed(fixedText(roundedQuotient(safe(p * 1e6), q), 6));
    } catch (e) {
      if (e !== OVERFLOW) throw e;
    }
    return ratioText(toBig(r as Ratio));
  }
  const { p, q } = r as BigRatio;
  if (p % q === 0n) return (p / q).toString();
  return trimmed(fixedText(bigRoundedQuotient(p * 1_000_000n, q), 6));
}

function trimmed(s: string): string {
  if (s.includes(".")) s = s.replace(/\.?0+$/, "");
  return s === "-0" ? "0" : s;
}

/** True when the rational is below an integer minimum. */
export function ratioBelow(r: Ratio | BigRatio, min: number): boolean {
  if (typeof r.p === "number") {
    const x = r as Ratio;
    const m = min * x.q;
    if (Math.abs(m) <= MAX) return x.p < m;
    return ratioBelow(toBig(x), min);
  }
  const x = r as BigRatio;
  return x.p < BigInt(min) * x.q;
}

/** The rational as a double (for intervals and methods, which compute in floating point). */
export const ratioNumber = (r: Ratio | BigRatio): number => (typeof r.p === "number" ? (r as Ratio).p / (r as Ratio).q : Number((r as BigRatio).p) / Number((r as BigRatio).q));

/** Whether the rational is an integer. */
export const ratioIsInteger = (r: Ratio | BigRatio): boolean => (typeof r.p === "number" ? (r as Ratio).p % (r as Ratio).q === 0 : (r as BigRatio).p % (r as BigRatio).q === 0n);

/** a − b for two texts with the same number of decimals, exactly, in that many decimals. */
export function differenceText(a: string, b: string, decimals: number): string {
  const scaled = (s: string) => BigInt(s.replace(".", ""));
  return fixedText(scaled(a) - scaled(b), decimals);
}

/** A decimal literal (`12.3`, `-0.5`, `1e-7`) as an exact rational. */
export function decimalRatio(text: string): Ratio | BigRatio {
  try {
    return NUMBERS.fromDecimal(text);
  } catch (e) {
    if (e !== OVERFLOW) throw e;
  }
  return BIGINTS.fromDecimal(text);
}

/**
 * `logro` in tenths of a percent, exact: valor/meta × 100 when higher is better, meta/valor ×
 * 100 when lower is better, within [0, cap], rounded once, half away from zero, to one decimal.
 * Where the ratio has no value the target is met or missed outright (see `logroOf`).
 */
export function logroTenths(valor: string, meta: string, higherIsBetter: boolean, cap: number): number {
  return logroTenthsOf(decimalRatio(valor), decimalRatio(meta), higherIsBetter, cap);
}

/** `logroTenths` of a value and a target already exact. */
export function logroTenthsOf(v: Ratio | BigRatio, m: Ratio | BigRatio, higherIsBetter: boolean, cap: number): number {
  if (typeof v.p === "number" && typeof m.p === "number") {
    try {
      return tenthsOf(NUMBERS, v as Ratio, m as Ratio, higherIsBetter, cap, (n, d) => roundedQuotient(safe(n.p * d.q * 1000), safe(n.q * d.p)));
    } catch (e) {
      if (e !== OVERFLOW) throw e;
    }
  }
  return tenthsOf(BIGINTS, big(v), big(m), higherIsBetter, cap, (n, d) => {
    const k = bigRoundedQuotient(n.p * d.q * 1000n, n.q * d.p);
    return k > BigInt(cap * 10) ? cap * 10 : Number(k);
  });
}

function tenthsOf<R extends Ratio | BigRatio>(
  A: Arith<R>, v: R, m: R, higherIsBetter: boolean, cap: number, tenths: (n: R, d: R) => number,
): number {
  const zero = A.fromInt(0);
  if (higherIsBetter && A.cmp(m, zero) <= 0) return A.cmp(v, m) >= 0 ? cap * 10 : 0;
  if (!higherIsBetter && A.cmp(v, zero) <= 0) return cap * 10;
  // Both positive here, or the value negative against a positive target (clamped to 0).
  const k = higherIsBetter ? tenths(v, m) : tenths(m, v);
  return Math.max(0, Math.min(cap * 10, k));
}

const big = (r: Ratio | BigRatio): BigRatio => (typeof r.p === "number" ? toBig(r as Ratio) : (r as BigRatio));
