/**
 * Age groups as the catalog writes them: `"00-04"`, `"5-9"`, `"1-4"`, `"0"`, `"85+"`,
 * `"85 y más"`. Bounds are completed years, both inclusive; the last group may be open.
 */

export interface AgeGroup {
  /** As written in the catalog: also the code of the group in a source's age-group column. */
  label: string;
  /** First completed year of age in the group. */
  start: number;
  /** Last completed year of age in the group; null for an open group (`85+`). */
  end: number | null;
}

/** Width in years (n in the life-table notation); null for an open group. */
export const widthOf = (g: AgeGroup): number | null => (g.end === null ? null : g.end - g.start + 1);

/** Parses one label; null when it is not an age group. */
export function parseAgeGroup(label: string): AgeGroup | null {
  const text = String(label).trim();
  let m = /^(\d{1,3})\s*[-–]\s*(\d{1,3})$/.exec(text);
  if (m) {
    const start = Number(m[1]), end = Number(m[2]);
    return end >= start ? { label: text, start, end } : null;
  }
  m = /^(\d{1,3})\s*(?:\+|y\s+m[aá]s|o\s+m[aá]s)$/i.exec(text);
  if (m) return { label: text, start: Number(m[1]), end: null };
  m = /^(\d{1,3})$/.exec(text);
  if (m) return { label: text, start: Number(m[1]), end: Number(m[1]) };
  return null;
}

/** Why a list of groups cannot be used, in Spanish; null when it is fine. */
export function groupListProblem(groups: AgeGroup[], options: { open?: "required" | "forbidden" | "allowed" } = {}): string | null {
  if (groups.length === 0) return "la lista de grupos está vacía";
  for (let i = 1; i < groups.length; i++) {
    const prev = groups[i - 1];
    if (prev.end === null) return `el grupo abierto '${prev.label}' debe ser el último`;
    if (groups[i].start !== prev.end + 1) {
      return groups[i].start > prev.end + 1
        ? `hay un hueco entre '${prev.label}' y '${groups[i].label}': faltan las edades ${prev.end + 1} a ${groups[i].start - 1}`
        : `'${prev.label}' y '${groups[i].label}' se traslapan`;
    }
  }
  const last = groups[groups.length - 1];
  if (options.open === "required" && last.end !== null) return `el último grupo debe ser abierto (como '85+'), y es '${last.label}'`;
  if (options.open === "forbidden" && last.end === null) return `el último grupo no puede ser abierto ('${last.label}')`;
  return null;
}
