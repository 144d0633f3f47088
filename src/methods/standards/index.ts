/**
 * Standard populations for direct age standardisation, each with its citation. A standard is
 * data: its groups as published and their weights (any scale; they are normalised over the
 * groups an indicator uses). An indicator's groups must be unions of the standard's groups.
 */
import { parseAgeGroup, type AgeGroup } from "../groups.js";
import { OMS_2000_2025 } from "./oms.js";

/** A standard population for direct age standardisation: its age groups and their weights. */
export interface StandardPopulation {
  /** The name written in `calculo.parametros.estandar`. */
  id: string;
  nombre: string;
  /** Where the weights come from, for the README and `masb explain`. */
  cita: string;
  /** [age group, weight] as published. */
  grupos: [string, number][];
}

/** The standard populations `calculo.parametros.estandar` may name, by id: the WHO World Standard 2000–2025 (`oms_2000_2025`). */
export const STANDARDS: Record<string, StandardPopulation> = {
  [OMS_2000_2025.id]: OMS_2000_2025,
};

/**
 * The standard's weight of each of `groups` (the sum of the standard's groups inside it), or
 * a Spanish message saying why the groups do not fit the standard.
 */
export function standardWeights(standard: StandardPopulation, groups: AgeGroup[]): number[] | string {
  const parts = standard.grupos.map(([label, w]) => ({ g: parseAgeGroup(label)!, w }));
  const out: number[] = [];
  for (const g of groups) {
    let w = 0;
    let covered = g.start;
    for (const p of parts) {
      const inside = p.g.start >= g.start && (g.end === null || (p.g.end !== null && p.g.end <= g.end));
      const outside = (g.end !== null && p.g.start > g.end) || (p.g.end !== null && p.g.end < g.start);
      if (inside) {
        w += p.w;
        covered = p.g.end === null ? Infinity : Math.max(covered, p.g.end + 1);
      } else if (!outside) {
        return `el grupo '${g.label}' corta el grupo '${p.g.start}${p.g.end === null ? "+" : `-${p.g.end}`}' del estándar ${standard.id}: use límites de grupo del estándar (${standard.grupos.map(([l]) => l).join(", ")})`;
      }
    }
    if (g.end !== null && covered <= g.end) return `el estándar ${standard.id} no cubre las edades ${covered} a ${g.end} del grupo '${g.label}'`;
    out.push(w);
  }
  return out;
}
