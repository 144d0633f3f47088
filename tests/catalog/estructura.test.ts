import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/catalog/load.js";
import { compute } from "../../src/index.js";
import { unidad } from "./helpers.js";

/**
 * Estructura definitions computed from small in-memory extracts (rows keyed by the original
 * column names). Every expected value is worked by hand in the comment next to it.
 */
const catalogDir = join(__dirname, "..", "..", "indicators");
type Catalog = ReturnType<typeof buildCatalog>["catalog"];
type Row = { nivel: string; entidad: string; clues: string; indicador: string; numerador: string | null; denominador: string | null; valor: string | null; estado: string };

let catalog: Catalog;
beforeAll(() => {
  // The source schemas and the estructura definitions only, so that a definition being edited
  // in another dimension does not stop these tests.
  // sources/ with its subfolders: the SIS dictionaries (sources/sis/*.yaml) and DGIS's list (*.csv).
  const texts = ["sources", "estructura"].flatMap((dir) =>
    (readdirSync(join(catalogDir, dir), { recursive: true }) as string[]).filter((f) => /\.(yaml|csv)$/.test(f)).map((f) => ({ path: `${dir}/${f}`, text: readFileSync(join(catalogDir, dir, f), "utf8") })));
  const built = buildCatalog(texts);
  expect(built.problems.filter((p) => p.severity === "error")).toEqual([]);
  catalog = built.catalog;
});


const U1 = "GRIMB000001", U2 = "GRIMB000002", U3 = "GRIMB000003", U4 = "GRIMB000004", N1 = "NTIMB000001";
const cluesRows = () => [
  unidad(U1, "12"), unidad(U2, "12"), unidad(U3, "12"),
  unidad(U4, "12", { "ESTATUS DE OPERACION": "FUERA DE OPERACION" }),
  unidad(N1, "18"),
];

async function run(only: string[], input: Record<string, unknown[]>): Promise<Row[]> {
  const result = await compute(catalog, { clues: cluesRows(), ...input } as never, { only, period: "2024-03" });
  return result.rows as unknown as Row[];
}
const pick = (rows: Row[], id: string, nivel: string, key?: string) =>
  rows.find((r) => r.indicador === id && r.nivel === nivel && (key === undefined || r.entidad === key || r.clues === key));
const num = (s: string | null | undefined) => (s == null ? null : Number(s));

describe("estructura: cédulas", () => {
  it("1: entidades evaluadas que cumplen E-1", async () => {
    const ced = (clave: string, item: string, cumple: string) => ({ NIVEL: "ENTIDAD", CLAVE: clave, ANIO: 2024, MES: 3, CEDULA: "SUP_ENT", ITEM: item, CUMPLE: cumple });
    const rows = await run(["1"], { cedulas: [ced("12", "E-1", "S"), ced("18", "E-1", "N"), ced("18", "E-2", "S")] });
    // E-1: Guerrero S, Nayarit N (the E-2 row of Nayarit is another item) → nacional 1 / 2 × 100 = 50.0
    expect(pick(rows, "1", "nacional")).toMatchObject({ numerador: "1", denominador: "2", valor: "50.0", estado: "ok" });
    // Guerrero 1 / 1 = 100.0; Nayarit 0 / 1 = 0.0
    expect(pick(rows, "1", "entidad", "12")!.valor).toBe("100.0");
    expect(pick(rows, "1", "entidad", "18")!.valor).toBe("0.0");
    // an entidad-level checklist is not reported by unit
    expect(rows.some((r) => r.indicador === "1" && r.nivel === "clues")).toBe(false);
  });

  it("35: unidades con U-35 cumplido entre todas las unidades en operación", async () => {
    const ced = (clues: string, cumple: string) => ({ NIVEL: "CLUES", CLAVE: clues, ANIO: 2024, MES: 3, CEDULA: "SUP_UNI", ITEM: "U-35", CUMPLE: cumple });
    const rows = await run(["35"], { cedulas: [ced(U1, "S"), ced(U2, "N"), ced(N1, "S")] });
    // in operation: U1, U2, U3 (12) and N1 (18); U4 is fuera de operación → denominador 4.
    // cumplen: U1 and N1 (U2 says N, U3 was not evaluated and counts as not met) → 2 / 4 × 100 = 50.0
    expect(pick(rows, "35", "nacional")).toMatchObject({ numerador: "2", denominador: "4", valor: "50.0" });
    // Guerrero: 1 / 3 × 100 = 33.333… → 33.3
    expect(pick(rows, "35", "entidad", "12")).toMatchObject({ numerador: "1", denominador: "3", valor: "33.3" });
    // the unevaluated unit: 0 / 1 = 0.0
    expect(pick(rows, "35", "clues", U3)!.valor).toBe("0.0");
  });
});

describe("estructura: finanzas", () => {
  const fin = (anio: number, mes: number, capitulo: string, nivel: string, concepto: string, presupuesto: string, ejercido: string) =>
    ({ CLAVE_ENTIDAD: "12", ANIO: anio, MES: mes, CAPITULO: capitulo, NIVEL_ATENCION: nivel, CONCEPTO: concepto, PRESUPUESTO: presupuesto, EJERCIDO: ejercido });
  const finanzas = [
    fin(2023, 12, "3000", "2", "SERVICIOS_INDIRECTOS", "1000.00", "1000.00"), // previous year: outside acumulado_anual
    fin(2024, 1, "3000", "2", "SERVICIOS_INDIRECTOS", "1000.00", "900.00"),
    fin(2024, 2, "1000", "3", "SERVICIOS_INDIRECTOS", "1000.00", "950.50"),
    fin(2024, 3, "3000", "1", "SERVICIOS_INDIRECTOS", "500.00", "500.00"), // nivel 1: not 20a
    fin(2024, 3, "1000", "2", "HOSPITALIZACION", "2000.00", "1800.00"),
    fin(2024, 3, "3000", "3", "INVESTIGACION", "100.00", "49.50"),
  ];

  it("20a: ejercido / presupuesto de servicios indirectos de segundo y tercer nivel, acumulado en el año", async () => {
    const rows = await run(["20a"], { finanzas });
    // SERVICIOS_INDIRECTOS, niveles 2-3, 2024 (any capítulo): ejercido 900.00 + 950.50 = 1850.50;
    // presupuesto 1000 + 1000 = 2000 → 1850.50 / 2000 × 100 = 92.525 → 92.5
    // (December 2023 is another year; the nivel 1 row is not 2-3)
    const r = pick(rows, "20a", "nacional")!;
    expect([num(r.numerador), num(r.denominador), r.valor]).toEqual([1850.5, 2000, "92.5"]);
  });

  it("12: gasto en investigación entre el gasto ejercido total, acumulado en el año", async () => {
    const rows = await run(["12"], { finanzas });
    // INVESTIGACION 49.50; total 2024 = 900.00 + 950.50 + 500.00 + 1800.00 + 49.50 = 4200.00
    // 49.50 / 4200 × 100 = 1.17857… → 1.18 (2 decimales)
    const r = pick(rows, "12", "entidad", "12")!;
    expect([num(r.numerador), num(r.denominador), r.valor]).toEqual([49.5, 4200, "1.18"]);
  });

  it("15 and 14: per cápita and % of GDP, annualised by days", async () => {
    const f = [
      fin(2024, 1, "1000", "1", "ATENCION_AMBULATORIA", "1000.00", "1000.00"),
      fin(2024, 2, "2000", "1", "ATENCION_AMBULATORIA", "2000.00", "2000.00"),
      fin(2024, 3, "5000", "2", "HOSPITALIZACION", "4000.00", "3000.50"),
    ];
    const poblacion = [
      { CLUES: U1, ANIO: 2024, SEXO: "Hombres", GRUPO_EDAD: "20-24", POBLACION: 6000 },
      { CLUES: U2, ANIO: 2024, SEXO: "Mujeres", GRUPO_EDAD: "20-24", POBLACION: 4000 },
    ];
    const contexto = [{ CLAVE_ENTIDAD: "12", ANIO: 2024, VARIABLE: "PIB", VALOR: "1000000.00" }];
    const rows = await run(["15", "14"], { finanzas: f, poblacion, contexto });
    // 15: ejercido Jan-Mar = 1000 + 2000 + 3000.50 = 6000.50 pesos; población 10 000;
    // annualised × 366 / 91 (2024 is leap; Jan+Feb+Mar = 31 + 29 + 31 = 91 days):
    // 6000.50 × 366 / (10000 × 91) = 2 196 183 / 910 000 = 2.41339… → 2.41 pesos por persona al año
    const p = pick(rows, "15", "entidad", "12")!;
    expect([num(p.numerador), num(p.denominador), p.valor]).toEqual([6000.5, 10000, "2.41"]);
    // 14: gasto corriente excludes capítulo 5000 → 1000 + 2000 = 3000.00; PIB 1 000 000.00
    // 3000 / 1 000 000 × 100 × 366 / 91 = 0.3 × 4.021978… = 1.20659… → 1.21
    const g = pick(rows, "14", "nacional")!;
    expect([num(g.numerador), num(g.denominador), g.valor]).toEqual([3000, 1000000, "1.21"]);
  });

  it("16: primer nivel de la institución entre el gasto público en salud de la entidad, not the institution's own total", async () => {
    const f = [
      fin(2024, 1, "1000", "1", "ATENCION_AMBULATORIA", "1000.00", "1000.00"),
      fin(2024, 2, "2000", "1", "ATENCION_AMBULATORIA", "2000.00", "2000.00"),
      fin(2024, 3, "1000", "2", "HOSPITALIZACION", "9000.00", "9000.00"), // second level: not in the numerator
    ];
    const contexto = [
      { CLAVE_ENTIDAD: "12", ANIO: 2024, VARIABLE: "GASTO_PUBLICO_SALUD", VALOR: "20000.00" },
      { CLAVE_ENTIDAD: "12", ANIO: 2024, VARIABLE: "PIB", VALOR: "1000000.00" },
    ];
    const rows = await run(["16"], { finanzas: f, contexto });
    // primer nivel ejercido Jan–Mar = 1000 + 2000 = 3000.00; public health spending of the
    // year 20 000.00 (all public institutions); annualised × 366/91:
    // 3000 / 20 000 × 100 × 366 / 91 = 15 × 4.021978… = 60.329… → 60.3
    // (over the institution's own spending it would have been 3000 / 12 000 = 25.0: another
    // ratio, not the PAHO benchmark's)
    const r = pick(rows, "16", "entidad", "12")!;
    expect([num(r.numerador), num(r.denominador), r.valor]).toEqual([3000, 20000, "60.3"]);
  });
});

describe("estructura: equipamiento, abasto, personal, clues", () => {
  const eq = (mes: number, id: string, esencial: string, estado: string, prog: string, real: string, contrato: string) =>
    ({ CLUES: U1, ANIO: 2024, MES: mes, ID_EQUIPO: id, ESENCIAL: esencial, ESTADO: estado, MANTENIMIENTO_PROGRAMADO: prog, MANTENIMIENTO_REALIZADO: real, CON_CONTRATO: contrato });
  const equipamiento = [
    eq(2, "E1", "S", "FUNCIONAL", "S", "S", "S"),
    eq(2, "E2", "S", "FUERA_DE_SERVICIO", "S", "N", "S"),
    eq(2, "E3", "N", "FUNCIONAL", "N", "N", "S"),
    eq(3, "E1", "S", "FUNCIONAL", "S", "N", "S"),
    eq(3, "E2", "S", "REHABILITADO", "N", "N", "N"),
    eq(3, "E3", "N", "FUERA_DE_SERVICIO", "S", "S", "S"),
    eq(3, "E4", "S", "FUERA_DE_SERVICIO", "N", "N", "N"),
  ];

  it("33, 33b, C4b-b and C4b-c from the equipment inventory", async () => {
    const rows = await run(["33", "33b", "C4b-b", "C4b-c"], { equipamiento });
    // 33 (last month, March): esenciales E1, E2, E4 = 3; funcional o rehabilitado E1, E2 = 2 → 2 / 3 × 100 = 66.7
    expect(pick(rows, "33", "clues", U1)).toMatchObject({ numerador: "2", denominador: "3", valor: "66.7" });
    // 33b (month window, March): esencial rehabilitado E2 = 1; esencial fuera de servicio o rehabilitado E2, E4 = 2 → 50.0
    expect(pick(rows, "33b", "nacional")).toMatchObject({ numerador: "1", denominador: "2", valor: "50.0" });
    // C4b-b (last month): con contrato E1, E3 of E1…E4 → 2 / 4 × 100 = 50.0
    expect(pick(rows, "C4b-b", "nacional")).toMatchObject({ numerador: "2", denominador: "4", valor: "50.0" });
    // C4b-c (Jan-Mar): programados Feb E1, E2 and Mar E1, E3 = 4; realizados among them Feb E1, Mar E3 = 2 → 50.0
    expect(pick(rows, "C4b-c", "nacional")).toMatchObject({ numerador: "2", denominador: "4", valor: "50.0" });
  });

  it("C6-b: piezas solicitadas no entregadas, without offsetting over-deliveries", async () => {
    const ab = (clave: string, tipo: string, solicitado: number, entregado: number) =>
      ({ CLUES: U1, ANIO: 2024, MES: 3, CLAVE_INSUMO: clave, TIPO_INSUMO: tipo, ESENCIAL: "S", CPM: 10, EXISTENCIA: 5, SOLICITADO: solicitado, ENTREGADO: entregado });
    const rows = await run(["C6-b"], { abasto: [ab("010.000.0104", "MED", 100, 80), ab("010.000.0101", "MED", 50, 70), ab("060.000.0001", "MC", 30, 0)] });
    // MED only: gaps max(100 − 80, 0) = 20 and max(50 − 70, 0) = 0 → 20; solicitado 100 + 50 = 150
    // 20 / 150 × 100 = 13.333… → 13.3 (the MC row is not medicine)
    expect(pick(rows, "C6-b", "nacional")).toMatchObject({ numerador: "20", denominador: "150", valor: "13.3" });
  });

  it("13b: personal capacitado entre el personal con el dato, último mes", async () => {
    const w = (mes: number, id: string, cap: string) =>
      ({ CLUES: U1, ANIO: 2024, MES: mes, ID_TRABAJADOR: id, CATEGORIA: "MG", DIAS_LABORABLES: 20, DIAS_AUSENCIA: 0, CAPACITADO_MASB: cap });
    const rows = await run(["13b"], { personal: [w(2, "W4", "S"), w(3, "W1", "S"), w(3, "W2", "N"), w(3, "W3", "")] });
    // March only (stock): W1 S, W2 N, W3 without the datum → 1 / 2 × 100 = 50.0 (W4 is February)
    expect(pick(rows, "13b", "nacional")).toMatchObject({ numerador: "1", denominador: "2", valor: "50.0" });
  });

  it("22: establecimientos en operación por 10 000 personas, desde la zona", async () => {
    const poblacion = [
      { CLUES: U1, ANIO: 2024, SEXO: "Hombres", GRUPO_EDAD: "00-04", POBLACION: 5000 },
      { CLUES: U2, ANIO: 2024, SEXO: "Mujeres", GRUPO_EDAD: "00-04", POBLACION: 7000 },
    ];
    const rows = await run(["22"], { poblacion });
    // Guerrero: U1, U2, U3 in operation (U4 is not) = 3; población 5000 + 7000 = 12 000
    // 3 / 12 000 × 10 000 = 2.50
    expect(pick(rows, "22", "entidad", "12")).toMatchObject({ numerador: "3", denominador: "12000", valor: "2.50" });
    // Nayarit has a unit but no population: no value
    expect(pick(rows, "22", "entidad", "18")).toMatchObject({ valor: null, estado: "sin_denominador" });
    expect(rows.some((r) => r.indicador === "22" && r.nivel === "clues")).toBe(false);
  });
});
