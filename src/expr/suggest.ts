/** Edit distance counting insertions, deletions, substitutions and swaps of adjacent letters as one each. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Optimal string alignment: Levenshtein plus transpositions ("edda" is one edit from "edad").
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const r = new Array<number>(b.length + 1);
    r[0] = i;
    rows.push(r);
  }
  for (let j = 0; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}

/**
 * The candidate `name` was most likely meant to be: one that differs only in case, else the
 * nearest by edit distance (ignoring case) when it is within 2 edits (1 for names of up to 4
 * letters) or a third of the name's length. Ties go to the candidate listed first.
 */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameButCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameButCase !== undefined) return sameButCase;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // A distance as long as the longer name means nothing in common.
  if (best === undefined || bestDistance >= Math.max(name.length, best.length)) return undefined;
  // Two edits turn any 3-letter name into many others: short names get one.
  const allowed = name.length <= 4 ? 1 : 2;
  return bestDistance <= allowed || bestDistance <= name.length / 3 ? best : undefined;
}

/** `a`, `b`, `c` … as a Spanish list of at most `max` names, saying how many were left out. */
export function listNames(names: readonly string[], max = 15): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``).join(", ");
  return names.length > max ? `${shown} y ${names.length - max} más` : shown;
}
