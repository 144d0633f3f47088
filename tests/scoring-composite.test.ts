import { beforeAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../src/catalog/load.js";
import { compute, type ResultRow } from "../src/index.js";
import { compositeIndices, rankComposites, type CompositeRow } from "../src/scoring/composite.js";
import { catalogTexts, demo, INDICATOR_FILES, patchedCatalog } from "./scoring-helpers.js";

/**
 * Composites over six indicators of the demo extract, March 2024, from these rows of
 * `masb compute fixtures/demo --only 27,67,84,70e,C,71 --by entidad,zona` (logro in brackets):
 *
 * | unit    | 27 (C5, f1-3, estructura) | 67 (C5, f2-3, salida) | 84 (C5+C8, sin meta) | 70e (C8)     | C (C8, menor) | 71 (C8, sin meta) |
 * | ------- | ------------------------- | --------------------- | -------------------- | ------------ | ------------- | ----------------- |
 * | 12      | 1.88 [42.2]               | 3.49 [86.0]           | 3079.1               | 2.53 [100.0] | 35.6 [42.1]   | 207.4             |
 * | 18      | 1.67 [37.5]               | 3.85 [77.9]           | 3551.5               | 2.63 [100.0] | 37.9 [39.6]   | 174.1             |
 * | 12-Z01  | 2.37 [53.3]               | 3.52 [85.2]           | 2418.4               | 2.49 [99.6]  | 39.1 [38.4]   | 277.2             |
 * | 12-Z02  | 1.83 [41.1]               | 3.49 [86.0]           | 3144.0               | 2.53 [100.0] | 29.9 [50.2]   | 170.7             |
 * | 12-Z03  | 2.21 [49.7]               | 3.75 [80.0]           | 2672.8               | 2.55 [100.0] | 37.9 [39.6]   | 286.0             |
 * | 12-Z04  | 1.48 [33.3]               | 2.99 [100.0]          | 3935.3               | 2.57 [100.0] | 34.6 [43.4]   | 148.2             |
 * | 12-J04  | 0.52 [11.7]               | 5.00 [60.0]           | 9523.9               | 2.48 [99.2]  | sin dato      | 0.0               |
 *
 * C counts deliveries in network units (sinac_2024.csv, March, first product, resolución
 * specified): Guerrero 120 / 337 = 35.6, Nayarit 113 / 298 = 37.9, 12-Z02 23 / 77 = 29.9; the
 * other zonas as before. Logro of C (lower is better) = 15 / valor × 100.
 *
 * And, for 53i (unidades con el Programa de Vacunación Universal operando, meta 100, dimensión
 * proceso) in Nayarit's zonas, from the units' latest U-53i rows in cedulas_2024.csv:
 * 18-Z01 6/6 = 100.0 [100.0], 18-Z02 6/6 [100.0], 18-Z03 5/6 = 83.3 [83.3], 18-Z04 6/6 [100.0].
 */
const ONLY = ["27", "67", "84", "70e", "C", "71"];

function at(rows: CompositeRow[], unit: string, agrupacion: string, grupo: string): CompositeRow {
  const [nivel, clave] = unit.split(":");
  const hits = rows.filter((r) => r.nivel === nivel && (nivel === "nacional" || (nivel === "entidad" ? r.entidad : r.zona) === clave) && r.agrupacion === agrupacion && r.grupo === grupo);
  if (hits.length !== 1) throw new Error(`${hits.length} índices ${agrupacion} ${grupo} en ${unit}`);
  return hits[0];
}

describe("composite indices on the demo extract", () => {
  let rows: ResultRow[];
  let indices: CompositeRow[];
  beforeAll(async () => {
    const catalog = patchedCatalog();
    rows = (await compute(catalog, demo, { period: "2024-03", only: ONLY, by: ["entidad", "zona"] })).rows;
    indices = compositeIndices(rows, catalog.indicators);
  });

  it("averages the logro of the indicators of a componente that have a value and a target", () => {
    // C5 in Guerrero: 27 [42.2] and 67 [86.0]; 84 has no meta. (42.2 + 86.0) / 2 = 128.2 / 2 = 64.1 → rojo
    expect(at(indices, "entidad:12", "componente", "C5")).toMatchObject({
      periodo: "2024-03", indice: "64.1", semaforo: "rojo", indicadores: 3, evaluados: 2, sin_meta: 1, sin_dato: 0,
    });
    // C8 in Nayarit: 70e [100.0] and C [39.6]; 84 and 71 have no meta. (100.0 + 39.6) / 2 = 69.8 → rojo, just below 70
    expect(at(indices, "entidad:18", "componente", "C8")).toMatchObject({ indice: "69.8", semaforo: "rojo", indicadores: 4, evaluados: 2, sin_meta: 2 });
    // C8 in Guerrero: (100.0 + 42.1) / 2 = 71.05 → 71.1 → amarillo
    expect(at(indices, "entidad:12", "componente", "C8")).toMatchObject({ indice: "71.1", semaforo: "amarillo" });
  });

  it("groups by fase and by dimensión with the same mean", () => {
    // fase 1: only 27 is in fase 1 → 42.2
    expect(at(indices, "entidad:12", "fase", "1")).toMatchObject({ indice: "42.2", indicadores: 1, evaluados: 1 });
    // fase 2: all six; scored 27, 67, 70e, C: (42.2 + 86.0 + 100.0 + 42.1) / 4 = 270.3 / 4 = 67.575 → 67.6
    expect(at(indices, "entidad:12", "fase", "2")).toMatchObject({ indice: "67.6", indicadores: 6, evaluados: 4, sin_meta: 2 });
    // salida: 67, 84, 70e, C, 71; scored 67, 70e, C: (86.0 + 100.0 + 42.1) / 3 = 228.1 / 3 = 76.03… → 76.0 → amarillo
    expect(at(indices, "entidad:12", "dimension", "salida")).toMatchObject({ indice: "76.0", semaforo: "amarillo", indicadores: 5, evaluados: 3 });
    // global for Nayarit: (37.5 + 77.9 + 100.0 + 39.6) / 4 = 255.0 / 4 = 63.75 → 63.8 (half-up)
    expect(at(indices, "entidad:18", "global", "todos")).toMatchObject({ indice: "63.8", indicadores: 6, evaluados: 4 });
  });

  it("counts an indicator without a value as sin_dato and leaves it out of the mean", () => {
    // zona 12-J04 (Cochoapa, no hospital): C is 0 / 0. Global: 27 [11.7], 67 [60.0], 70e [99.2]
    // → (11.7 + 60.0 + 99.2) / 3 = 170.9 / 3 = 56.966… → 57.0 → rojo
    expect(at(indices, "zona:12-J04", "global", "todos")).toMatchObject({ indice: "57.0", semaforo: "rojo", indicadores: 6, evaluados: 3, sin_meta: 2, sin_dato: 1 });
  });

  it("has no index, and says why, when no indicator of the group has a logro", () => {
    // with 71 alone (no meta anywhere), C8 has one indicator and nothing to average
    const only71 = compositeIndices(rows.filter((r) => r.indicador === "71"), patchedCatalog().indicators);
    expect(at(only71, "entidad:12", "componente", "C8")).toMatchObject({ indice: null, semaforo: "sin_meta", evaluados: 0, sin_meta: 1, lugar: null });
  });

  it("ranks the entidades nationally on each index, best first", () => {
    // global: Guerrero 67.6 (see fase 2: the same six indicators), Nayarit 63.8
    expect(at(indices, "entidad:12", "global", "todos")).toMatchObject({ indice: "67.6", lugar: 1, de: 2 });
    expect(at(indices, "entidad:18", "global", "todos")).toMatchObject({ lugar: 2, de: 2 });
    // C5: Guerrero 64.1 first; Nayarit (37.5 + 77.9) / 2 = 115.4 / 2 = 57.7 second
    expect(at(indices, "entidad:12", "componente", "C5")).toMatchObject({ lugar: 1, de: 2 });
    expect(at(indices, "entidad:18", "componente", "C5")).toMatchObject({ indice: "57.7", lugar: 2, de: 2 });
  });

  it("ranks the zonas within their entidad", () => {
    // Guerrero, global (27, 67, 70e, C):
    //   12-Z02 (41.1 + 86.0 + 100.0 + 50.2) / 4 = 277.3 / 4 = 69.325 → 69.3  1st
    //   12-Z04 (33.3 + 100.0 + 100.0 + 43.4) / 4 = 276.7 / 4 = 69.175 → 69.2  2nd
    //   12-Z01 (53.3 + 85.2 + 99.6 + 38.4) / 4 = 276.5 / 4 = 69.125 → 69.1    3rd
    //   12-Z03 (49.7 + 80.0 + 100.0 + 39.6) / 4 = 269.3 / 4 = 67.325 → 67.3  4th
    //   12-J04 57.0 (above)                                                   5th
    // (listed in hierarchy order: región 12-R01, 12-R02, then 12-SR "sin regionalización")
    const zonas = indices.filter((r) => r.nivel === "zona" && r.entidad === "12" && r.agrupacion === "global");
    expect(zonas.map((z) => [z.zona, z.indice, z.lugar, z.de])).toEqual([
      ["12-Z01", "69.1", 3, 5], ["12-Z02", "69.3", 1, 5], ["12-Z03", "67.3", 4, 5], ["12-Z04", "69.2", 2, 5], ["12-J04", "57.0", 5, 5],
    ]);
  });

  it("gives tied zonas the same place and skips the next", async () => {
    // Nayarit, dimensión proceso with 53i alone: 18-Z01, 18-Z02 and 18-Z04 100.0 share the 1st place, 18-Z03 83.3 is 4th
    const { catalog } = buildCatalog(catalogTexts({}, [...INDICATOR_FILES, "proceso/53i.yaml"]));
    const rows53i = (await compute(catalog, demo, { period: "2024-03", only: ["53i"], by: ["zona"] })).rows;
    const proceso = compositeIndices(rows53i, catalog.indicators).filter((r) => r.nivel === "zona" && r.entidad === "18" && r.grupo === "proceso");
    expect(Object.fromEntries(proceso.map((z) => [z.zona, [z.indice, z.lugar, z.de]]))).toEqual({
      "18-Z01": ["100.0", 1, 4], "18-Z02": ["100.0", 1, 4], "18-Z03": ["83.3", 4, 4], "18-Z04": ["100.0", 1, 4],
    });
  });

  it("does not rank the entidad no especificada", async () => {
    // 134 counts residents: deaths and births of unspecified residence make an NE row (0 / 62).
    const catalog = patchedCatalog();
    const rows134 = (await compute(catalog, demo, { period: "2024-03", only: [...ONLY, "134"], by: ["entidad"] })).rows;
    const ne = compositeIndices(rows134, catalog.indicators).filter((r) => r.entidad === "NE");
    expect(ne.length).toBeGreaterThan(0);
    expect(ne.every((r) => r.lugar === null && r.de === null)).toBe(true);
  });

  it("weights each indicator by its peso", async () => {
    const catalog = patchedCatalog({ "salida/70e.yaml": (t) => `${t}\npeso: 3\n` });
    const weighted = compositeIndices((await compute(catalog, demo, { period: "2024-03", only: ONLY, by: ["entidad"] })).rows, catalog.indicators);
    // C8 in Guerrero: (3 × 100.0 + 1 × 42.1) / (3 + 1) = 342.1 / 4 = 85.525 → 85.5 → amarillo
    expect(at(weighted, "entidad:12", "componente", "C8")).toMatchObject({ indice: "85.5", semaforo: "amarillo", evaluados: 2 });
    // global in Guerrero: (42.2 + 86.0 + 3 × 100.0 + 42.1) / (1 + 1 + 3 + 1) = 470.3 / 6 = 78.383… → 78.4
    expect(at(weighted, "entidad:12", "global", "todos")).toMatchObject({ indice: "78.4" });
  });
});

describe("ranking", () => {
  const row = (entidad: string, indice: string | null, nivel: "entidad" | "zona" = "entidad", zona = ""): CompositeRow => ({
    periodo: "2024-03", nivel, entidad, region: "", zona, clues: "", agrupacion: "global", grupo: "todos",
    indice, semaforo: "verde", indicadores: 1, evaluados: indice === null ? 0 : 1, sin_meta: 0, sin_dato: indice === null ? 1 : 0, lugar: null, de: null,
  });

  it("uses competition ranking (1, 1, 3, 4) on the published index, and leaves units without an index unranked", () => {
    const rows = [row("01", "80.0"), row("02", "85.0"), row("03", "85.0"), row("04", null), row("05", "70.0"), row("NE", "99.0")];
    rankComposites(rows);
    expect(rows.map((r) => [r.entidad, r.lugar, r.de])).toEqual([
      ["01", 3, 4], ["02", 1, 4], ["03", 1, 4], ["04", null, null], ["05", 4, 4], ["NE", null, null],
    ]);
  });

  it("ranks zonas only against the zonas of the same entidad", () => {
    const rows = [row("12", "50.0", "zona", "12-Z01"), row("12", "60.0", "zona", "12-Z02"), row("18", "10.0", "zona", "18-Z01")];
    rankComposites(rows);
    expect(rows.map((r) => [r.zona, r.lugar, r.de])).toEqual([["12-Z01", 2, 2], ["12-Z02", 1, 2], ["18-Z01", 1, 1]]);
  });
});
