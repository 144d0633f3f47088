import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CatalogError, compute, loadCatalog, MasbError } from "../src/index.js";

const catalogDir = join(__dirname, "..", "indicators");

/** Two units of one zona, with the CLUES catalog columns the hierarchy needs. */
function clues(): Record<string, string>[] {
  const base = {
    "CLAVE DE LA INSTITUCION": "IMB", "CLAVE DE LA ENTIDAD": "12", ENTIDAD: "GUERRERO", "CLAVE DEL MUNICIPIO": "001",
    "CLAVE DE LA JURISDICCION": "07", JURISDICCION: "ACAPULCO", "ESTATUS DE OPERACION": "EN OPERACION",
  };
  return [
    { CLUES: "GRIMB000001", "NOMBRE DE LA UNIDAD": "HOSPITAL GENERAL", "NIVEL ATENCION": "SEGUNDO NIVEL", "CAMAS EN AREA DE HOS": "40", ...base },
    { CLUES: "GRIMB000002", "NOMBRE DE LA UNIDAD": "CENTRO DE SALUD", "NIVEL ATENCION": "PRIMER NIVEL", "CAMAS EN AREA DE HOS": "0", ...base },
  ];
}

function egreso(id: number, motegre: string) {
  return { ID: id, CLUES: "GRIMB000001", EGRESO: "2024-03-10", INGRE: "2024-03-07", DIAS_ESTA: 3, CVEEDAD: 5, EDAD: 50, SEXO: 1, MOTEGRE: motegre, AFECPRIN: "J189" };
}

describe("library API", () => {
  it("computes from rows streamed in memory, keyed by the original column names", async () => {
    const catalog = await loadCatalog(catalogDir);
    async function* egresos() {
      yield egreso(1, "1");
      yield egreso(2, "5");
      yield egreso(3, "1");
      yield egreso(4, "2");
    }
    const result = await compute(catalog, { clues: clues(), egresos: egresos() }, { only: ["83b"], period: "2024-03" });
    const nacional = result.rows.find((r) => r.nivel === "nacional")!;
    // 1 death (MOTEGRE 5) in 4 discharges: 1 / 4 × 100 = 25.00 %
    expect(nacional).toMatchObject({ numerador: "1", denominador: "4", valor: "25.00", estado: "ok" });
    const hospital = result.rows.find((r) => r.clues === "GRIMB000001")!;
    expect(hospital.valor).toBe("25.00");
    // the centro de salud had no discharges: 0 / 0
    expect(result.rows.find((r) => r.clues === "GRIMB000002")).toMatchObject({ valor: null, estado: "sin_denominador" });
  });

  it("rejects in-memory rows like file rows, with a reason and the row number", async () => {
    const catalog = await loadCatalog(catalogDir);
    const rejected: { line: number; code: string }[] = [];
    const result = await compute(catalog, { clues: clues(), egresos: [egreso(1, "1"), { ...egreso(2, "1"), DIAS_ESTA: "tres" }] }, {
      only: ["83b"], period: "2024-03", onReject: (r) => rejected.push({ line: r.line, code: r.code }),
    });
    expect(rejected).toEqual([{ line: 3, code: "MASB_VALOR_INVALIDO" }]);
    expect(result.files.find((f) => f.source === "egresos")).toMatchObject({ read: 2, accepted: 1, rejected: 1 });
  });

  it("throws a MasbError with a stable code, not a bare string, for an unknown selection", async () => {
    const catalog = await loadCatalog(catalogDir);
    await expect(compute(catalog, { clues: clues() }, { only: ["no-existe"] })).rejects.toMatchObject({ code: "MASB_SELECCION_DESCONOCIDA" });
    await expect(compute(catalog, { clues: clues() }, { only: ["no-existe"] })).rejects.toBeInstanceOf(MasbError);
  });

  it("reports every catalog problem at once in a CatalogError", async () => {
    const { buildCatalog } = await import("../src/catalog/load.js");
    const { problems } = buildCatalog([
      { path: "a.yaml", text: "id: X\nnombre: x\ndimension: salida\ncomponentes: [C8]\nfases: [2]\nunidad: conteo\nsentido: mayor_es_mejor\nfuente: f\nmetodo: m\nnumerador:\n  origen: nada\n  agregado: conteo\n" },
      { path: "b.yaml", text: "id: Y\nnombre: y\ndimension: otra\n" },
    ]);
    expect(problems.map((p) => [p.file, p.code])).toEqual(expect.arrayContaining([["a.yaml", "MASB_FUENTE_DESCONOCIDA"], ["b.yaml", "MASB_ESQUEMA"]]));
    const unknown = problems.find((p) => p.code === "MASB_FUENTE_DESCONOCIDA")!;
    expect([unknown.line, unknown.column]).toEqual([11, 11]);
    expect(new CatalogError(problems).details.problems).toHaveLength(problems.length);
  });
});

describe("trace", () => {
  it("counts, for a traced unit, the rows each aggregate took and keeps their line numbers", async () => {
    const { ingest } = await import("../src/engine/ingest.js");
    const catalog = await loadCatalog(catalogDir);
    const { extract } = await (await import("../src/node/extract.js")).openExtract(join(__dirname, "fixtures", "malos", "_base"), catalog);
    extract.set("egresos", [{ name: "eg.txt", open: () => [egreso(1, "1"), egreso(2, "5"), egreso(3, "5")] }]);
    const ing = await ingest(catalog, extract, { only: ["83b"], trace: { nivel: "clues", key: "GRIMB000001" } });
    const entries = [...ing.trace!.values()].sort((a, b) => a.count - b.count);
    // numerador: the 2 deaths (object rows 2 and 3 are "lines" 3 and 4); denominador: all 3 discharges
    expect(entries.map((e) => [e.source, e.count, e.first.map((f) => f.line)])).toEqual([
      ["egresos", 2, [3, 4]],
      ["egresos", 3, [2, 3, 4]],
    ]);
  });
});

describe("stocks", () => {
  it("take each unit's own latest assessment, not the latest month of the whole source", async () => {
    const catalog = await loadCatalog(catalogDir);
    const cedula = (clues: string, mes: number, cumple: string) => ({ NIVEL: "CLUES", CLAVE: clues, ANIO: 2024, MES: mes, CEDULA: "SUPERVISION_UNIDAD", ITEM: "U-60", CUMPLE: cumple });
    // GRIMB000001 was assessed in January (S) and not since; GRIMB000002 in March (N).
    const result = await compute(catalog, { clues: clues(), cedulas: [cedula("GRIMB000001", 1, "S"), cedula("GRIMB000002", 3, "N")] }, { only: ["60"], period: "2024-03" });
    const nacional = result.rows.find((r) => r.nivel === "nacional")!;
    // numerador: the January S of GRIMB000001 still stands = 1; denominador: 2 units in operation → 1/2 × 100 = 50.0
    expect(nacional).toMatchObject({ numerador: "1", denominador: "2", valor: "50.0" });
    expect(result.rows.find((r) => r.clues === "GRIMB000001")).toMatchObject({ numerador: "1", valor: "100.0" });
    expect(result.rows.find((r) => r.clues === "GRIMB000002")).toMatchObject({ numerador: "0", valor: "0.0" });
  });
});
