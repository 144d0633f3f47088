import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/catalog/load.js";
import { compute, loadCatalog, type Catalog, type ComputeResult } from "../../src/index.js";

// The explain extract (tests/fixtures/explain): March 2024, three units.
//   camas (clues_2024.csv): GRIMB000001 2, GRIMB000002 0, GRIMB000003 3
//   zona 12-Z01 = GRIMB000001 + GRIMB000002, zona 12-Z02 = GRIMB000003, región 12-R01 = both
//   March discharges (egresos_2024.csv): GRIMB000001 lines 3 4 6 7 9, deaths (MOTEGRE 5) lines 4 7;
//                                        GRIMB000003 lines 5 8 10, death line 8
// R1 = numerador of 83b (deaths) / denominador of 85 (camas × días del periodo) × 1 000.
const dir = join(__dirname, "..", "fixtures", "explain");
let catalog: Catalog;
let result: ComputeResult;
beforeAll(async () => {
  catalog = await loadCatalog(join(dir, "catalogo"));
  result = await compute(catalog, join(dir, "extracto"), { period: "2024-03", only: ["83b", "85", "R1"] });
});

const at = (id: string, nivel: string, key: string) =>
  result.rows.find((r) => r.indicador === id && r.nivel === nivel && (nivel === "zona" ? r.zona : nivel === "region" ? r.region : r.clues) === key)!;

describe("derived indicators", () => {
  it("computes a derived indicator from the terms of the indicators it references", () => {
    // zona 12-Z01: 2 deaths / (2 camas × 31 días = 62) × 1 000 = 32.258… → 32.26
    expect(at("R1", "zona", "12-Z01")).toMatchObject({ numerador: "2", denominador: "62", valor: "32.26" });
    // zona 12-Z02: 1 / (3 × 31 = 93) × 1 000 = 10.752… → 10.75
    expect(at("R1", "zona", "12-Z02")).toMatchObject({ numerador: "1", denominador: "93", valor: "10.75" });
    // región: sums first, then divides: 3 / (5 × 31 = 155) × 1 000 = 19.354… → 19.35
    expect(at("R1", "region", "12-R01")).toMatchObject({ numerador: "3", denominador: "155", valor: "19.35" });
  });

  it("gives at every node the referenced indicators' own numerator and denominator", () => {
    for (const r of result.rows.filter((x) => x.indicador === "R1")) {
      const same = (id: string) => result.rows.find((x) => x.indicador === id && x.nivel === r.nivel && x.entidad === r.entidad && x.region === r.region && x.zona === r.zona && x.clues === r.clues)!;
      expect(r.numerador, `${r.nivel} ${r.zona} ${r.clues}`).toBe(same("83b").numerador);
      expect(r.denominador, `${r.nivel} ${r.zona} ${r.clues}`).toBe(same("85").denominador);
    }
  });

  it("inlines a referenced expression's aggregates under prefixed names, and reads their sources", () => {
    const r1 = catalog.byId.get("R1")!;
    expect(Object.keys(r1.aggregates).sort()).toEqual(["defunciones", "dias_cama.camas"]);
    expect(r1.aggregates.defunciones).toBe(catalog.byId.get("83b")!.aggregates.numerador);
    expect(r1.sources).toEqual(["clues", "egresos"]);
    expect(r1.referencias).toMatchObject({ defunciones: { indicador: "83b", termino: "numerador" }, dias_cama: { indicador: "85", termino: "denominador" } });
  });

  it("resolves a chain of references, whatever the order of the files", () => {
    const texts = ["fuentes.yaml", "indicadores.yaml"].map((f) => ({ path: f, text: readFileSync(join(dir, "catalogo", f), "utf8") }));
    const chained = `id: R2
nombre: Días-cama de R1
dimension: salida
componentes: [C8]
fases: [2]
unidad: conteo
sentido: mayor_es_mejor
agregados:
  x: { indicador: R1, termino: denominador }
numerador: { expresion: x }
fuente: prueba
metodo: prueba
`;
    const { catalog: c, problems } = buildCatalog([{ path: "0-primero.yaml", text: chained }, ...texts]);
    expect(problems).toEqual([]);
    expect(Object.keys(c.byId.get("R2")!.aggregates)).toEqual(["x.dias_cama.camas"]);
  });
});
