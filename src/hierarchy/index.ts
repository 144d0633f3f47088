import { NIVELES, type Nivel } from "../catalog/schema.js";

/** One org unit of the hierarchy: the nation, an entidad, a región, a zona or a CLUES. */
export interface OrgNode {
  index: number;
  nivel: Nivel;
  key: string;
  nombre: string;
  /** Index of the parent node; -1 for the nation. */
  parent: number;
  entidad: string;
  region: string;
  zona: string;
  clues: string;
  /** Units only: expected to send the monthly aggregate reports. */
  reporta: boolean;
  /**
   * Units out of operation only: the month (`year * 12 + month - 1`) of their effective closing
   * date, or 0 when the catalog gives none. From the window ending in that month on, a closed
   * unit with no row of its own is not reported.
   */
  cierre?: number;
}

/** What the hierarchy needs from one CLUES catalog row. */
export interface UnitInfo {
  clues: string;
  nombre: string;
  entidad: string;
  entidadNombre: string;
  jurisdiccion: string;
  jurisdiccionNombre: string;
  reporta: boolean;
  /** Out of operation: the month of its closing date, or 0 when unknown (see `OrgNode.cierre`). */
  cierre?: number;
}

/** What it needs from one row of the operational regionalisation. */
export interface RegionInfo {
  region: string;
  regionNombre: string;
  zona: string;
  zonaNombre: string;
}

/** Key of the pseudo-entidad that collects rows whose entidad is not specified (INEGI 99, SINAC 00/99). */
export const ENTIDAD_NO_ESPECIFICADA = "NE";

/**
 * CLUES → zona → región → entidad → nacional. Nodes are ordered so that every parent comes
 * before its children (nation, entidades, regiones, zonas, units), which lets roll-up run as
 * one backward loop. Units without regionalisation fall back to their jurisdicción as zona,
 * under a región "sin regionalización" of their entidad.
 */
export class Hierarchy {
  readonly nodes: OrgNode[] = [];
  private readonly byLevel = new Map<Nivel, Map<string, number>>(NIVELES.map((n) => [n, new Map()]));
  /** CLUES keys present in the catalog but outside the hierarchy (other institutions), for clearer rejections. */
  readonly excluded = new Set<string>();
  /** Units that had no regionalisation row and fell back to their jurisdicción. */
  readonly unregionalised: string[] = [];

  constructor(units: UnitInfo[], regions: Map<string, RegionInfo>, excluded: Iterable<string> = []) {
    for (const e of excluded) this.excluded.add(e);
    const nation = this.add("nacional", "nacional", "Nacional", -1, {});
    const sorted = [...units].sort((a, b) => cmp(a.entidad, b.entidad) || cmp(a.clues, b.clues));
    const placed = sorted.map((u) => {
      const r = regions.get(u.clues);
      if (!r) this.unregionalised.push(u.clues);
      return {
        u,
        region: r?.region ?? `${u.entidad}-SR`,
        regionNombre: r?.regionNombre ?? "SIN REGIONALIZACIÓN OPERATIVA",
        zona: r?.zona ?? `${u.entidad}-J${u.jurisdiccion}`,
        zonaNombre: r?.zonaNombre ?? `JURISDICCIÓN ${u.jurisdiccionNombre}`.trim(),
      };
    });
    const entidades = uniq(placed.map((p) => [p.u.entidad, p.u.entidadNombre] as const));
    for (const [k, name] of entidades) this.add("entidad", k, name, nation, { entidad: k });
    this.add("entidad", ENTIDAD_NO_ESPECIFICADA, "ENTIDAD NO ESPECIFICADA", nation, { entidad: ENTIDAD_NO_ESPECIFICADA });
    for (const [k, name, ent] of uniq3(placed.map((p) => [p.region, p.regionNombre, p.u.entidad] as const))) {
      this.add("region", k, name, this.find("entidad", ent)!, { entidad: ent, region: k });
    }
    for (const [k, name, reg] of uniq3(placed.map((p) => [p.zona, p.zonaNombre, p.region] as const))) {
      const r = this.nodes[this.find("region", reg)!];
      this.add("zona", k, name, r.index, { entidad: r.entidad, region: reg, zona: k });
    }
    for (const p of placed) {
      const z = this.nodes[this.find("zona", p.zona)!];
      const node = this.add("clues", p.u.clues, p.u.nombre, z.index, { entidad: z.entidad, region: z.region, zona: z.zona, clues: p.u.clues });
      this.nodes[node].reporta = p.u.reporta;
      if (p.u.cierre !== undefined) this.nodes[node].cierre = p.u.cierre;
    }
  }

  private add(nivel: Nivel, key: string, nombre: string, parent: number, at: Partial<OrgNode>): number {
    const level = this.byLevel.get(nivel)!;
    const existing = level.get(key);
    if (existing !== undefined) return existing;
    const index = this.nodes.length;
    this.nodes.push({ index, nivel, key, nombre, parent, entidad: "", region: "", zona: "", clues: "", reporta: false, ...at });
    level.set(key, index);
    return index;
  }

  /** Node index of a key at a level, or undefined. Entidad keys are compared zero-padded (`9` = `09`). */
  find(nivel: Nivel, key: string): number | undefined {
    if (nivel === "nacional") return 0;
    const hit = this.byLevel.get(nivel)!.get(key);
    if (hit !== undefined || nivel !== "entidad" || !/^\d$/.test(key)) return hit;
    return this.byLevel.get(nivel)!.get(`0${key}`);
  }

  get size(): number {
    return this.nodes.length;
  }

  /** Nodes of one level in hierarchy order. */
  level(nivel: Nivel): OrgNode[] {
    return this.nodes.filter((n) => n.nivel === nivel);
  }

  /** True when `ancestor` is `node` or above it. */
  contains(ancestor: number, node: number): boolean {
    for (let i = node; i >= 0; i = this.nodes[i].parent) if (i === ancestor) return true;
    return false;
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function uniq<T extends readonly [string, string]>(rows: T[]): T[] {
  const seen = new Map<string, T>();
  for (const r of rows) if (!seen.has(r[0])) seen.set(r[0], r);
  return [...seen.values()].sort((a, b) => cmp(a[0], b[0]));
}
function uniq3<T extends readonly [string, string, string]>(rows: T[]): T[] {
  const seen = new Map<string, T>();
  for (const r of rows) if (!seen.has(r[0])) seen.set(r[0], r);
  return [...seen.values()].sort((a, b) => cmp(a[2], b[2]) || cmp(a[0], b[0]));
}
