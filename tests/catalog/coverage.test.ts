import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../src/catalog/load.js";
import { COMPONENTES } from "../../src/catalog/schema.js";
import { loadCatalog } from "../../src/node/catalog.js";

/**
 * The catalog must hold every entry of the plan's Tabla 1 (matriz.csv) and every progression
 * indicator (progresion.csv): a definition, or an alias of the Tabla 1 definition it is
 * equivalent to. The CSVs live in ../shared/catalog, beside the repository.
 */
const shared = join(__dirname, "..", "..", "..", "shared", "catalog");
const have = existsSync(join(shared, "matriz.csv"));

interface MatrizRow { orden: string; clave: string; nombre: string; dimension: string }
interface ProgresionRow { seccion: string; componente: string; etapa: string; clave: string; nombre: string; equivalente_matriz: string }

const read = <T>(file: string): T[] => parse(readFileSync(join(shared, file), "utf8"), { columns: true, skip_empty_lines: true }) as T[];

const ROMAN_STAGE: Record<string, string> = { "semanas 1-2": "S12", "semanas 3-4": "S34", "semana 4 y continuo": "S4" };

/** `C4b a` → `C4b-a`; `C9`, stage "semanas 3-4", `XII` → `C9-S34-XII`. */
export function progressionId(r: ProgresionRow): string {
  const comp = r.componente.split(" ")[0];
  const stage = Object.entries(ROMAN_STAGE).find(([k]) => r.etapa.toLowerCase().includes(k))?.[1];
  return stage ? `${comp}-${stage}-${r.clave}` : `${comp}-${r.clave}`;
}

/** Tabla 1 ids: the duplicate key 75f becomes 75f and 75f-2, in order of appearance. */
function matrizIds(rows: MatrizRow[]): { id: string; row: MatrizRow }[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const n = (seen.get(row.clave) ?? 0) + 1;
    seen.set(row.clave, n);
    return { id: n === 1 ? row.clave : `${row.clave}-${n}`, row };
  });
}

describe.runIf(have)("catalog coverage", () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await loadCatalog(join(__dirname, "..", "..", "indicators"));
  });

  it("defines every Tabla 1 entry of matriz.csv, with the dimension of the table", () => {
    const missing: string[] = [];
    const wrongDimension: string[] = [];
    for (const { id, row } of matrizIds(read<MatrizRow>("matriz.csv"))) {
      const ind = catalog.byId.get(id);
      if (!ind || ind.id !== id) missing.push(`${id} (${row.nombre.slice(0, 50)})`);
      else if (ind.def.dimension !== row.dimension) wrongDimension.push(`${id}: ${ind.def.dimension} ≠ ${row.dimension}`);
    }
    expect(missing).toEqual([]);
    expect(wrongDimension).toEqual([]);
  });

  it("defines every progression indicator without an equivalent, and aliases the ones with one", () => {
    const missing: string[] = [];
    for (const r of read<ProgresionRow>("progresion.csv")) {
      const id = progressionId(r);
      const ind = catalog.byId.get(id);
      if (!ind) missing.push(`${id} (${r.nombre.slice(0, 50)})`);
      else if (r.equivalente_matriz && ind.id !== r.equivalente_matriz) missing.push(`${id} should alias ${r.equivalente_matriz}, got ${ind.id}`);
      else if (!r.equivalente_matriz && ind.id !== id) missing.push(`${id} should be its own definition, got alias of ${ind.id}`);
    }
    expect(missing).toEqual([]);
  });

  it("tags every progression definition with its component", () => {
    for (const r of read<ProgresionRow>("progresion.csv")) {
      const comp = r.componente.split(" ")[0] as (typeof COMPONENTES)[number];
      const ind = catalog.byId.get(progressionId(r));
      if (ind && !r.equivalente_matriz) expect(ind.def.componentes, ind.id).toContain(comp);
    }
  });
});
