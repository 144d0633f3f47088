import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compute, loadCatalog } from "../../src/index.js";
import { unidad } from "./helpers.js";

/**
 * Proceso and salida definitions computed from small in-memory extracts (rows keyed by the
 * original column names). Every expected value is worked by hand in the comment next to it.
 * The catalog is the sources plus the two dimensions under test, copied apart, so that work in
 * progress in another dimension does not stop these definitions from being checked.
 */
const indicators = join(__dirname, "..", "..", "indicators");
type Catalog = Awaited<ReturnType<typeof loadCatalog>>;
type Row = { nivel: string; entidad: string; clues: string; indicador: string; numerador: string | null; denominador: string | null; valor: string | null; estado: string };

let catalog: Catalog;
let catalogDir: string;
beforeAll(async () => {
  catalogDir = mkdtempSync(join(tmpdir(), "masb-catalogo-"));
  for (const d of ["sources", "proceso", "salida"]) cpSync(join(indicators, d), join(catalogDir, d), { recursive: true });
  catalog = await loadCatalog(catalogDir);
});
afterAll(() => rmSync(catalogDir, { recursive: true, force: true }));


// Guerrero: two centros (U1, U2), one hospital (H1) and a centro fuera de operación (U4); Nayarit: one centro (N1).
const U1 = "GRIMB000001", U2 = "GRIMB000002", H1 = "GRIMB000010", U4 = "GRIMB000004", N1 = "NTIMB000001";
const cluesRows = () => [
  unidad(U1, "12"), unidad(U2, "12"),
  unidad(H1, "12", { "NIVEL ATENCION": "SEGUNDO NIVEL", "CAMAS EN AREA DE HOS": "30" }),
  unidad(U4, "12", { "ESTATUS DE OPERACION": "FUERA DE OPERACION" }),
  unidad(N1, "18"),
];

async function run(only: string[], input: Record<string, unknown[]>): Promise<Row[]> {
  const result = await compute(catalog, { clues: cluesRows(), ...input } as never, { only, period: "2024-03" });
  return result.rows as unknown as Row[];
}
const pick = (rows: Row[], id: string, nivel: string, key?: string) =>
  rows.find((r) => r.indicador === id && r.nivel === nivel && (key === undefined || r.entidad === key || r.clues === key));
const terms = (r: Row | undefined) => r && { numerador: r.numerador, denominador: r.denominador, valor: r.valor };

const cedula = (clues: string, item: string, cumple: string) =>
  ({ NIVEL: "CLUES", CLAVE: clues, ANIO: 2024, MES: 3, CEDULA: "SUP_UNI", ITEM: item, CUMPLE: cumple });
const sis = (clues: string, entidad: string, mes: number, vars: Record<string, number>, anio = 2024) =>
  ({ CLAVE_ENTIDAD: entidad, CLAVE_MUNICIPIO: "001", CLUES: clues, MES: mes, ANIO: anio, ...vars });
let nextId = 1;
const egreso = (clues: string, fecha: string, afecprin: string, edad: number, motegre: string, dias: number) =>
  ({ ID: nextId++, CLUES: clues, EGRESO: fecha, INGRE: fecha, DIAS_ESTA: dias, CVEEDAD: 5, EDAD: edad, SEXO: 1, MOTEGRE: motegre, AFECPRIN: afecprin });

describe("proceso y salida: cédulas", () => {
  it("50b: unidades con código infarto, entre las evaluadas en el reactivo", async () => {
    const rows = await run(["50b"], {
      cedulas: [cedula(H1, "U-50b", "S"), cedula(U1, "U-50b", "N"), cedula(N1, "U-50b", "S"), cedula(U2, "U-50a", "S")],
    });
    // evaluated in U-50b: H1 (S), U1 (N), N1 (S); U2's row is another item → 2 / 3 × 100 = 66.66… → 66.7
    expect(terms(pick(rows, "50b", "nacional"))).toEqual({ numerador: "2", denominador: "3", valor: "66.7" });
    // Guerrero: H1 of {H1, U1} → 1 / 2 = 50.0; Nayarit: 1 / 1 = 100.0
    expect(pick(rows, "50b", "entidad", "12")!.valor).toBe("50.0");
    expect(pick(rows, "50b", "entidad", "18")!.valor).toBe("100.0");
    // U2 was not evaluated in U-50b: 0 / 0, no value
    expect(pick(rows, "50b", "clues", U2)).toMatchObject({ valor: null, estado: "sin_denominador" });
  });

  it("66: establecimientos que ofrecen su cartera, entre todos los establecimientos en operación", async () => {
    const rows = await run(["66"], { cedulas: [cedula(U1, "U-66", "S"), cedula(U2, "U-66", "S"), cedula(N1, "U-66", "N")] });
    // in operation: U1, U2, H1, N1 (U4 is fuera de operación) → 4; cumplen U1, U2 → 2 / 4 × 100 = 50.0
    expect(terms(pick(rows, "66", "nacional"))).toEqual({ numerador: "2", denominador: "4", valor: "50.0" });
    // Guerrero: 2 / 3 (H1 not evaluated counts as not met) = 66.66… → 66.7; Nayarit 0 / 1 = 0.0
    expect(terms(pick(rows, "66", "entidad", "12"))).toEqual({ numerador: "2", denominador: "3", valor: "66.7" });
    expect(pick(rows, "66", "entidad", "18")!.valor).toBe("0.0");
  });

  it("53i: unidades con el Programa de Vacunación Universal operando (U-53i), not the coverage of 92", async () => {
    const rows = await run(["53i"], {
      cedulas: [cedula(U1, "U-53i", "S"), cedula(U2, "U-53i", "N"), cedula(N1, "U-53i", "S"), cedula(H1, "U-33c", "S")],
      // children with a complete or incomplete vaccination schedule (92's terms) do not count here
      sis: [sis(U1, "12", 3, { EVC01: 10, EVC06: 9 })],
    });
    // evaluated in U-53i: U1 (S), U2 (N), N1 (S) → 2 / 3 × 100 = 66.66… → 66.7
    expect(terms(pick(rows, "53i", "nacional"))).toEqual({ numerador: "2", denominador: "3", valor: "66.7" });
  });

  it("85a: hospitales con uso eficiente de camas, laboratorio y gabinete (U-85a), not antibiotic prescribing (107)", async () => {
    const rows = await run(["85a"], { cedulas: [cedula(H1, "U-85a", "S"), cedula(U1, "U-85a", "N"), cedula(N1, "U-50b", "S")] });
    // evaluated in U-85a: H1 (S), U1 (N) → 1 / 2 × 100 = 50.0; Nayarit has no U-85a row: 0 / 0
    expect(terms(pick(rows, "85a", "nacional"))).toEqual({ numerador: "1", denominador: "2", valor: "50.0" });
    expect(pick(rows, "85a", "entidad", "18")).toMatchObject({ valor: null, estado: "sin_denominador" });
  });
});

describe("proceso y salida: SIS", () => {
  it("75c: deserción DPT1–DPT3 acumulada en el año", async () => {
    const rows = await run(["75c"], {
      // Hexavalente first doses VAC67 (and VHX51 to migrants), third doses VAC69 (and VHX53).
      sis: [
        sis(U1, "12", 12, { VAC67: 100, VHX51: 0, VAC69: 0, VHX53: 0 }, 2023), // December 2023: outside the 2024 accumulation
        sis(U1, "12", 1, { VAC67: 10, VHX51: 0, VAC69: 8, VHX53: 0 }),
        sis(U1, "12", 3, { VAC67: 12, VHX51: 1, VAC69: 9, VHX53: 1 }),
        sis(N1, "18", 2, { VAC67: 5, VHX51: 0, VAC69: 5, VHX53: 0 }),
      ],
    });
    // January–March: DPT1 = 10 + (12 + 1) + 5 = 28, DPT3 = 8 + (9 + 1) + 5 = 23 → (28 − 23) / 28 × 100 = 17.857… → 17.9
    expect(terms(pick(rows, "75c", "nacional"))).toEqual({ numerador: "5", denominador: "28", valor: "17.9" });
    // Guerrero: DPT1 10 + 13 = 23, DPT3 8 + 10 = 18 → 5 / 23 × 100 = 21.739… → 21.7; Nayarit: (5 − 5) / 5 = 0.0
    expect(pick(rows, "75c", "entidad", "12")!.valor).toBe("21.7");
    expect(pick(rows, "75c", "entidad", "18")!.valor).toBe("0.0");
  });

  it("53f: detecciones de diabetes e hipertensión entre dos por adulto de 20 y más, anualizado", async () => {
    const pob = (clues: string, sexo: string, grupo: string, n: number) => ({ CLUES: clues, ANIO: 2024, SEXO: sexo, GRUPO_EDAD: grupo, POBLACION: n });
    const rows = await run(["53f"], {
      // Diabetes: DET01 mujer positivo, DET25 hombre positivo, DET50 mujer negativo, DET58 hombre
      // negativo; hipertensión: DET02, DET26, DET51, DET59 in the same order.
      sis: [
        sis(U1, "12", 3, { DET01: 1, DET25: 0, DET50: 2, DET58: 0, DET02: 0, DET26: 0, DET51: 1, DET59: 1 }),
        sis(N1, "18", 3, { DET01: 0, DET25: 0, DET50: 0, DET58: 1, DET02: 0, DET26: 0, DET51: 0, DET59: 0 }),
        sis(U1, "12", 2, { DET01: 5, DET25: 5, DET50: 20, DET58: 20, DET02: 10, DET26: 10, DET51: 15, DET59: 15 }),
      ],
      poblacion: [
        pob(U1, "Hombres", "20-24", 100), pob(U1, "Mujeres", "20-24", 150),
        pob(U1, "Hombres", "15-19", 500), // under 20: not in the denominator
        pob(N1, "Mujeres", "85+", 25),
      ],
    });
    // March only (ventana mes; February is outside): detecciones = U1 (1 + 2) + (1 + 1) + N1 1 = 6;
    // adults 20+ = 100 + 150 + 25 = 275, two detections each → 550.
    // 6 / 550 × 100 × 366 / 31 (days of the 12 months to March 2024 / days of March) = 12.879… → 12.9
    expect(terms(pick(rows, "53f", "nacional"))).toEqual({ numerador: "6", denominador: "550", valor: "12.9" });
    // Guerrero: 5 / 500 × 100 × 366 / 31 = 11.806… → 11.8; Nayarit: 1 / 50 × 100 × 366 / 31 = 23.612… → 23.6
    expect(pick(rows, "53f", "entidad", "12")!.valor).toBe("11.8");
    expect(pick(rows, "53f", "entidad", "18")!.valor).toBe("23.6");
  });
});

describe("proceso y salida: egresos y vigilancia hospitalaria", () => {
  it("78: mortalidad a 30 días por IAM o EVC en 45 años y más, acumulada en el año", async () => {
    const rows = await run(["78"], {
      egresos: [
        egreso(H1, "2024-03-05", "I219", 60, "5", 3), // IAM, died on day 3: numerator and denominator
        egreso(H1, "2024-03-06", "I639", 70, "1", 6), // EVC, cured: denominator
        egreso(H1, "2024-03-07", "I214", 40, "5", 2), // under 45: out
        egreso(H1, "2024-03-08", "I219", 80, "5", 35), // died after 30 days: denominator only
        egreso(H1, "2024-03-09", "J189", 60, "5", 4), // pneumonia: out
        egreso(H1, "2024-01-15", "I64X", 50, "2", 5), // EVC in January: in the annual accumulation
      ],
    });
    // denominador: I219 (60), I639, I219 (80), I64X = 4; numerador: the first one = 1 → 1 / 4 × 100 = 25.0
    expect(terms(pick(rows, "78", "nacional"))).toEqual({ numerador: "1", denominador: "4", valor: "25.0" });
  });

  it("H: IAAS notificadas por 100 egresos del mes", async () => {
    const vig = (mes: number, evento: string, casos: number) => ({ CLUES: H1, ANIO: 2024, MES: mes, EVENTO: evento, CASOS: casos });
    const egresos = Array.from({ length: 8 }, (_, i) => egreso(H1, `2024-03-${String(10 + i)}`, "O800", 25, "1", 1));
    const rows = await run(["H"], {
      vigilancia_hospitalaria: [vig(3, "IAAS", 3), vig(2, "IAAS", 5), vig(3, "CIRUGIAS", 40)],
      egresos: [...egresos, egreso(H1, "2024-02-20", "O800", 25, "1", 1)],
    });
    // March: 3 IAAS (February's 5 and the CIRUGIAS row do not count) / 8 egresos × 100 = 37.50
    expect(terms(pick(rows, "H", "nacional"))).toEqual({ numerador: "3", denominador: "8", valor: "37.50" });
    expect(pick(rows, "H", "clues", H1)!.valor).toBe("37.50");
  });
});

describe("proceso y salida: recetas, lista de espera, satisfacción, encuesta, acción comunitaria", () => {
  it("83: recetas de 65 y más con antipsicótico", async () => {
    let folio = 1;
    const receta = (edad: string, antipsicotico: string) => ({
      CLUES: U1, FOLIO_RECETA: String(folio++), FECHA_EMISION: "15/03/2024", CLAVES_PRESCRITAS: 2, CLAVES_SURTIDAS: 2,
      PIEZAS_PRESCRITAS: 4, PIEZAS_SURTIDAS: 4, EDAD_PACIENTE: edad, CLAVES_ANTIPSICOTICO: antipsicotico,
    });
    const rows = await run(["83"], {
      recetas: [receta("70", "1"), receta("66", "0"), receta("65", "2"), receta("40", "1"), receta("999", "1"), receta("80", "")],
    });
    // 65+: 70, 66, 65 (40 is younger; 999 is unknown age; the 80-year-old has no antipsicótico datum) → 3;
    // with antipsicótico: 70 and 65 → 2 / 3 × 100 = 66.666… → 66.67
    expect(terms(pick(rows, "83", "nacional"))).toEqual({ numerador: "2", denominador: "3", valor: "66.67" });
  });

  it("87 and 87a: días promedio de espera de cirugía electiva y de consulta de especialidad", async () => {
    const sol = (folio: string, tipo: string, solicitud: string, atencion: string) =>
      ({ CLUES: H1, FOLIO: folio, TIPO: tipo, ESPECIALIDAD: "CIRUGIA GENERAL", FECHA_SOLICITUD: solicitud, FECHA_ATENCION: atencion });
    const rows = await run(["87", "87a"], {
      lista_espera: [
        sol("1", "CIRUGIA", "10/01/2024", "09/02/2024"), // 21 days of January + 9 of February = 30
        sol("2", "CIRUGIA", "01/02/2024", "15/03/2024"), // 29 days of February 2024 + 14 = 43
        sol("3", "CIRUGIA", "05/03/2024", ""), // still waiting: out
        sol("4", "CONSULTA", "01/03/2024", "11/03/2024"), // 10 days, consulta
        sol("5", "CIRUGIA", "20/12/2023", "10/01/2024"), // requested in 2023: outside the annual accumulation
      ],
    });
    // 87: (30 + 43) / 2 = 36.5 days
    expect(terms(pick(rows, "87", "nacional"))).toEqual({ numerador: "73", denominador: "2", valor: "36.5" });
    // 87a: 10 / 1 = 10.0 days
    expect(terms(pick(rows, "87a", "nacional"))).toEqual({ numerador: "10", denominador: "1", valor: "10.0" });
  });

  it("75b: usuarios que reportan prestador asignado", async () => {
    const sat = (clues: string, reactivo: string, favorables: number, total: number) =>
      ({ CLUES: clues, ANIO: 2024, MES: 3, REACTIVO: reactivo, FAVORABLES: favorables, TOTAL: total });
    const rows = await run(["75b"], {
      satisfaccion: [sat(U1, "PRESTADOR", 30, 40), sat(N1, "PRESTADOR", 10, 10), sat(U1, "TRATO", 40, 40)],
    });
    // PRESTADOR only: (30 + 10) / (40 + 10) × 100 = 80.0; Guerrero 30 / 40 = 75.0; Nayarit 10 / 10 = 100.0
    expect(terms(pick(rows, "75b", "nacional"))).toEqual({ numerador: "40", denominador: "50", valor: "80.0" });
    expect(pick(rows, "75b", "entidad", "12")!.valor).toBe("75.0");
    expect(pick(rows, "75b", "entidad", "18")!.valor).toBe("100.0");
  });

  it("62: población a menos de una hora de una unidad de primer contacto, última edición de la encuesta", async () => {
    const enc = (entidad: string, anio: number, num: string, den: string) =>
      ({ CLAVE_ENTIDAD: entidad, ANIO: anio, ENCUESTA: "ENSANUT", VARIABLE: "POB_ACCESO_1H", NUMERADOR: num, DENOMINADOR: den });
    const rows = await run(["62"], {
      encuesta: [enc("12", 2022, "700.50", "1000.00"), enc("12", 2023, "800.25", "1000.00"), enc("18", 2023, "450.00", "500.00")],
    });
    // the latest edition (2023) only: (800.25 + 450.00) / (1000 + 500) × 100 = 83.35 → 83.4 (half-up)
    expect(terms(pick(rows, "62", "nacional"))).toEqual({ numerador: "1250.25", denominador: "1500", valor: "83.4" });
    expect(pick(rows, "62", "entidad", "12")!.valor).toBe("80.0"); // 800.25 / 1000 × 100 = 80.025 → 80.0
    // survey estimates stop at the entidad
    expect(rows.some((r) => r.indicador === "62" && r.nivel === "clues")).toBe(false);
  });

  it("56: unidades de primer nivel con acciones conjuntas con la organización comunitaria en el mes", async () => {
    const com = (clues: string, mes: number, cantidad: number) => ({ CLUES: clues, ANIO: 2024, MES: mes, ACTIVIDAD: "ACCIONES_CONJUNTAS_OCS", CANTIDAD: cantidad });
    const rows = await run(["56"], { comunitaria: [com(U1, 3, 2), com(U2, 3, 0), com(N1, 2, 1)] });
    // primer nivel in operation: U1, U2, N1 = 3 (H1 is a hospital, U4 is closed);
    // with an action in March: U1 only (U2 reported 0, N1's is from February) → 1 / 3 × 100 = 33.3
    expect(terms(pick(rows, "56", "nacional"))).toEqual({ numerador: "1", denominador: "3", valor: "33.3" });
  });
});
