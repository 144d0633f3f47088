/**
 * Hand-checked values over the tiny extract in tests/fixtures/mini/ (period 2024-03).
 *
 * Every expected number below is worked out by hand from the fixture rows, in the comment
 * above the assertion; none is copied from the program's output. A map of the extract:
 *
 *   entidad 12 GUERRERO, región 12-R01
 *     zona 12-Z01  GRIMB000011 HOSPITAL GENERAL DE TLAPA   (SEGUNDO NIVEL, 30 camas, población 0)
 *                  GRIMB000012 CENTRO DE SALUD SAN JOSÉ    (PRIMER NIVEL, 0 camas, población 4 000)
 *                  GRIMB000013 CENTRO DE SALUD TLAPA       (PRIMER NIVEL, 0 camas, población 6 000)
 *     zona 12-Z02  GRIMB000021 HOSPITAL GENERAL DE CHILAPA (20 camas, población 0)
 *                  GRIMB000022 CENTRO DE SALUD CHILAPA     (población 5 000)
 *                  GRIMB000023 CENTRO DE SALUD ZITLALA     (población 3 000)
 *   entidad 18 NAYARIT, región 18-R01
 *     zona 18-Z01  NTIMB000011 HOSPITAL GENERAL DE TEPIC   (40 camas, población 0)
 *                  NTIMB000012 CENTRO DE SALUD TEPIC       (población 8 000)
 *                  NTIMB000013 CENTRO DE SALUD XALISCO     (población 2 000)
 *     zona 18-Z02  NTIMB000021 HOSPITAL GENERAL DE SANTIAGO IXCUINTLA (10 camas, población 0)
 *                  NTIMB000022 CENTRO DE SALUD SANTIAGO    (población 4 000)
 *                  NTIMB000023 CENTRO DE SALUD VILLA HIDALGO (población 6 000)
 *
 *   Población 2024 (4 rows per centro de salud): zona 12-Z01 4 000 + 6 000 = 10 000;
 *   12-Z02 5 000 + 3 000 = 8 000; entidad 12 = 18 000; 18-Z01 8 000 + 2 000 = 10 000;
 *   18-Z02 4 000 + 6 000 = 10 000; entidad 18 = 20 000; nacional 38 000. GRIMB000012 also has
 *   two 2023 rows (700 + 700) that a stock must ignore.
 *
 *   Days: March 2024 has 31 days; January–March 2024 has 31 + 29 + 31 = 91; the 12 months
 *   April 2023–March 2024 have 30+31+30+31+31+30+31+30+31+31+29+31 = 366. So a monthly rate is
 *   annualised by 366/31 and a January–March rate by 366/91.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Nivel } from "../src/catalog/schema.js";
import type { Estado } from "../src/engine/compute.js";
import { compute, formatRows, loadCatalog, type Catalog, type ComputeResult, type ResultRow } from "../src/index.js";
import type { Rejection } from "../src/sources/reader.js";
import { computeInside } from "./helpers.js";
import { readSource } from "../src/sources/reader.js";

const MINI = fileURLToPath(new URL("./fixtures/mini", import.meta.url));

let catalog: Catalog;
/** Period 2024-03, each indicator with its own window. */
let marzo: Awaited<ReturnType<typeof computeInside>>;
/** Period 2024-03 with every indicator over the window acumulado_anual (January–March). */
let anual: ComputeResult;
const rejections: (Rejection & { source: string })[] = [];

beforeAll(async () => {
  catalog = await loadCatalog();
  marzo = await computeInside(catalog, MINI, { period: "2024-03", onReject: (r) => rejections.push(r) });
  anual = await compute(catalog, MINI, { period: "2024-03", ventana: "acumulado_anual" });
});

function keyOf(row: ResultRow, nivel: Nivel): string {
  switch (nivel) {
    case "clues": return row.clues;
    case "zona": return row.zona;
    case "region": return row.region;
    case "entidad": return row.entidad;
    default: return "nacional";
  }
}

/** The one result row of an indicator at one org unit (`key` is ignored for `nacional`). */
function pick(result: ComputeResult, id: string, nivel: Nivel, key = "nacional"): ResultRow {
  const hits = result.rows.filter((r) => r.indicador === id && r.nivel === nivel && (nivel === "nacional" || keyOf(r, nivel) === key));
  expect(hits, `${id} at ${nivel} ${key}`).toHaveLength(1);
  return hits[0];
}

interface Expected {
  numerador: string | null;
  denominador: string | null;
  valor: string | null;
  estado?: Estado;
}

/** Checks numerador, denominador, valor and (when given) estado of one result row. */
function expectRow(result: ComputeResult, id: string, nivel: Nivel, key: string, want: Expected): void {
  const row = pick(result, id, nivel, key);
  const got: Expected = { numerador: row.numerador, denominador: row.denominador, valor: row.valor };
  if (want.estado !== undefined) got.estado = row.estado;
  expect(got, `${id} at ${nivel} ${key}`).toEqual(want);
}

// ------------------------------------------------------------------------------------------

describe("the mini extract", () => {
  it("reads every file without a rejected row, except the one unknown CLUES in urgencias", () => {
    const byFile = Object.fromEntries(marzo.files.map((f) => [f.file, [f.read, f.accepted, f.rejected]]));
    expect(byFile).toEqual({
      "regionalizacion_IMB_2024.csv": [12, 12, 0],
      // 12 IMSS-BIENESTAR units and one IMSS hospital (GRIMS000031), outside the hierarchy
      "ESTABLECIMIENTO_SALUD_202403.csv": [13, 13, 0],
      "cedulas_2024.csv": [11, 11, 0],
      "DEFUN_2024.csv": [12, 12, 0],
      "EGRESOS_2024.txt": [12, 12, 0],
      "sinac_2024.csv": [20, 20, 0],
      "personal_2024.csv": [20, 20, 0],
      "poblacion_responsabilidad_2024.csv": [34, 34, 0],
      "recetas_2024.csv": [9, 9, 0],
      // 12 units × 3 months − GRIMB000013 in February = 35
      "DA_CE_SIS_2024.csv": [35, 35, 0],
      // 12 × 3 − GRIMB000013 and NTIMB000023 in February = 34
      "DA_DET_SIS_2024.csv": [34, 34, 0],
      // 16 visits, one of them (id 10, line 11) of a CLUES that is not in the catalog
      "URGENCIAS_2024.txt": [16, 15, 1],
    });
    expect(marzo.problems).toEqual([]);
  });

  it("counts, per file and universe, the valid rows that a universe leaves out, without rejecting them", () => {
    const outside = Object.fromEntries(marzo.files.filter((f) => f.fueraDeAlcance).map((f) => [f.file, f.fueraDeAlcance]));
    expect(outside).toEqual({
      // red: #7 (CLUES 9998, no unit) and #16 (GRIMS000031, IMSS); residentes: #19 (lives in 20)
      "sinac_2024.csv": { red: 2, residentes: 1 },
      // residentes: D11 (lives in the United States, 33) and D12 (lives in 20)
      "DEFUN_2024.csv": { residentes: 2 },
    });
  });

  it("rejects the urgencias row of an unknown CLUES with its line, column and value", () => {
    expect(rejections.map((r) => [r.source, r.file, r.line, r.column, r.value, r.code])).toEqual([
      ["urgencias", "URGENCIAS_2024.txt", 11, "CLUES", "GRIMB999999", "MASB_CLAVE_DESCONOCIDA"],
    ]);
  });

  it("builds 2 entidades (plus the pseudo-entidad NE), 2 regiones, 4 zonas and 12 units", () => {
    const h = marzo.pass.hierarchy;
    expect(h.level("entidad").map((n) => n.key)).toEqual(["12", "18", "NE"]);
    expect(h.level("region").map((n) => n.key)).toEqual(["12-R01", "18-R01"]);
    expect(h.level("zona").map((n) => n.key)).toEqual(["12-Z01", "12-Z02", "18-Z01", "18-Z02"]);
    expect(h.level("clues")).toHaveLength(12);
    expect(h.unregionalised).toEqual([]);
  });

  it("names the sources the extract lacks and gives their indicators sin_datos", () => {
    // No finanzas*.csv nor comunitaria*.csv in the extract (nor files for the sources the
    // later catalog added: abasto, cancer, …); every source listed has no file in MINI.
    expect(marzo.missingSources).toEqual(expect.arrayContaining(["comunitaria", "finanzas"]));
    const files = readdirSync(MINI).map((f) => f.toLowerCase());
    for (const s of marzo.missingSources) expect(files.some((f) => f.startsWith(s)), s).toBe(false);
    expectRow(marzo, "16", "nacional", "", { numerador: null, denominador: null, valor: null, estado: "sin_datos" });
  });
});

// ------------------------------------------------------------------------------------------

describe("Latin-1 SIS files", () => {
  it("keeps DA_CE_SIS_2024.csv as Latin-1 bytes on disk (É is the single byte C9)", () => {
    const bytes = readFileSync(join(MINI, "DA_CE_SIS_2024.csv"));
    const at = bytes.indexOf(Buffer.from("SAN JOS", "latin1"));
    expect(at).toBeGreaterThan(0);
    expect(bytes[at + 7]).toBe(0xc9);
    expect(bytes.includes(Buffer.from("É", "utf8"))).toBe(false);
  });

  it("decodes the accented NOMBRE_CLUES of the Latin-1 file without garbling it", async () => {
    const sis = catalog.sources.get("sis")!;
    const at = sis.index.get("nombre_clues")!;
    const cluesAt = sis.index.get("clues")!;
    const names = new Set<string>();
    const { read } = await readSource(sis, "DA_CE_SIS_2024.csv", [readFileSync(join(MINI, "DA_CE_SIS_2024.csv"))], {
      row(row) {
        if (row[cluesAt] === "GRIMB000012") names.add(String(row[at]));
      },
      reject(r) {
        throw new Error(`unexpected rejection: ${r.reason}`);
      },
      problem(p) {
        throw new Error(`unexpected problem: ${p.message}`);
      },
    });
    expect(read).toBe(35);
    expect([...names]).toEqual(["CENTRO DE SALUD SAN JOSÉ"]);
  });

  it("raises no encoding warning for the Latin-1 files", () => {
    expect(marzo.problems.filter((p) => p.code === "MASB_ARCHIVO_CODIFICACION")).toEqual([]);
  });

  it("names the unit and the región with their accents from the UTF-8 catalogs", () => {
    const h = marzo.pass.hierarchy;
    expect(h.nodes[h.find("clues", "GRIMB000012")!].nombre).toBe("CENTRO DE SALUD SAN JOSÉ");
    expect(h.nodes[h.find("region", "12-R01")!].nombre).toBe("REGIÓN MONTAÑA-CENTRO");
    expect(h.nodes[h.find("zona", "12-Z01")!].nombre).toBe("ZONA DE SERVICIOS MÉDICOS TLAPA");
  });

  it("counts the consultas of the unit with the accented name", () => {
    // GRIMB000012 March row of DA_CE: CON01 100 + CON02 110 + CON03 NULL + CON04 0 + CON11 60
    // + CON12 0 + CON21 0 + CON31 40 = 310 (CPP04, CPP11, CPP01, CPP08 = 9 each are the same
    // consultas by program, not counted again by 70e).
    expect(pick(marzo, "70e", "clues", "GRIMB000012").numerador).toBe("310");
  });

  it("counts the detecciones of the unit with the accented name", () => {
    // GRIMB000012 March row of DA_DET: DET01 4 + DET26 6 = 10 (the file has no DET25 nor DET02).
    expect(pick(marzo, "104", "clues", "GRIMB000012").numerador).toBe("10");
  });
});

// ------------------------------------------------------------------------------------------

describe("A: camas censables por 1 000 derechohabientes", () => {
  it("gives sin_denominador and an empty valor for a hospital, which has beds but no population", () => {
    // GRIMB000011: CAMAS EN AREA DE HOS 30; no población rows → 30 / 0.
    expectRow(marzo, "A", "clues", "GRIMB000011", { numerador: "30", denominador: "0", valor: null, estado: "sin_denominador" });
  });

  it("writes the empty valor of sin_denominador as an empty CSV field", () => {
    const row = pick(marzo, "A", "clues", "GRIMB000011");
    const [header, line] = formatRows([row], "csv", {}).trim().split("\n");
    const cols = header.split(",");
    const fields = line.split(",");
    expect(fields[cols.indexOf("valor")]).toBe("");
    expect(fields[cols.indexOf("estado")]).toBe("sin_denominador");
  });

  it("gives 0.00 for a centro de salud, which has population but no beds, and ignores its 2023 population", () => {
    // GRIMB000012: camas 0; población 2024 = 500 + 500 + 1 500 + 1 500 = 4 000 (the 2023 rows
    // 700 + 700 are an older stock) → 0 / 4 000 × 1 000 = 0.00.
    expectRow(marzo, "A", "clues", "GRIMB000012", { numerador: "0", denominador: "4000", valor: "0.00", estado: "ok" });
  });

  it("sums camas and población at the zona before dividing", () => {
    // zona 12-Z01: camas 30 (GRIMB000011) + 0 + 0; población 4 000 + 6 000 = 10 000 → 30 / 10 000 × 1 000 = 3.00
    expectRow(marzo, "A", "zona", "12-Z01", { numerador: "30", denominador: "10000", valor: "3.00", estado: "ok" });
    // zona 12-Z02: camas 20 (GRIMB000021); población 5 000 + 3 000 = 8 000 → 20 / 8 000 × 1 000 = 2.50
    expectRow(marzo, "A", "zona", "12-Z02", { numerador: "20", denominador: "8000", valor: "2.50", estado: "ok" });
    // zona 18-Z02: camas 10 (NTIMB000021); población 4 000 + 6 000 = 10 000 → 1.00
    expectRow(marzo, "A", "zona", "18-Z02", { numerador: "10", denominador: "10000", valor: "1.00", estado: "ok" });
  });

  it("sums the zonas into the región and the entidad instead of averaging their rates", () => {
    // 12: camas 30 + 20 = 50; población 10 000 + 8 000 = 18 000 → 50 / 18 000 × 1 000 = 2.777… → 2.78
    // (the mean of the zona rates, (3.00 + 2.50) / 2 = 2.75, would be wrong)
    expectRow(marzo, "A", "region", "12-R01", { numerador: "50", denominador: "18000", valor: "2.78", estado: "ok" });
    expectRow(marzo, "A", "entidad", "12", { numerador: "50", denominador: "18000", valor: "2.78", estado: "ok" });
    // 18: camas 40 + 10 = 50; población 10 000 + 10 000 = 20 000 → 2.50
    expectRow(marzo, "A", "entidad", "18", { numerador: "50", denominador: "20000", valor: "2.50", estado: "ok" });
  });

  it("sums the nation from all units", () => {
    // camas 30 + 20 + 40 + 10 = 100; población 18 000 + 20 000 = 38 000 → 100 / 38 000 × 1 000 = 2.6315… → 2.63
    expectRow(marzo, "A", "nacional", "", { numerador: "100", denominador: "38000", valor: "2.63", estado: "ok" });
  });
});

// ------------------------------------------------------------------------------------------

describe("27: médicos y enfermeras por 1 000 derechohabientes", () => {
  it("counts MG, ME and EN of the unit but not PA or AD", () => {
    // GRIMB000013 March: 1301 MG, 1302 PA → 1; población 6 000 → 1 / 6 000 × 1 000 = 0.1666… → 0.17
    expectRow(marzo, "27", "clues", "GRIMB000013", { numerador: "1", denominador: "6000", valor: "0.17", estado: "ok" });
  });

  it("rounds an exact half (0.125) up to 0.13, not to the even 0.12", () => {
    // NTIMB000012 March: 8201 MG → 1; población 1 000 + 1 000 + 3 000 + 3 000 = 8 000
    // → 1 / 8 000 × 1 000 = 0.125 exactly → half-up 0.13
    expectRow(marzo, "27", "clues", "NTIMB000012", { numerador: "1", denominador: "8000", valor: "0.13", estado: "ok" });
  });

  it("gives 0.00 for a unit without staff rows", () => {
    // NTIMB000013: no personal rows; población 250 + 250 + 750 + 750 = 2 000 → 0 / 2 000 = 0.00
    expectRow(marzo, "27", "clues", "NTIMB000013", { numerador: "0", denominador: "2000", valor: "0.00", estado: "ok" });
  });

  it("sums staff and población at the zona", () => {
    // 12-Z01: GRIMB000011 ME + EN (AD not counted) = 2, GRIMB000012 MG + EN = 2, GRIMB000013 MG = 1
    // → 5 / 10 000 × 1 000 = 0.50
    expectRow(marzo, "27", "zona", "12-Z01", { numerador: "5", denominador: "10000", valor: "0.50", estado: "ok" });
    // 12-Z02: 2101 ME + 2201 MG + 2301 EN = 3 → 3 / 8 000 × 1 000 = 0.375 → half-up 0.38
    expectRow(marzo, "27", "zona", "12-Z02", { numerador: "3", denominador: "8000", valor: "0.38", estado: "ok" });
  });

  it("sums staff and población at the entidad and the nation", () => {
    // 12: 5 + 3 = 8 / 18 000 × 1 000 = 0.444… → 0.44
    expectRow(marzo, "27", "entidad", "12", { numerador: "8", denominador: "18000", valor: "0.44", estado: "ok" });
    // 18: NTIMB000011 ME + EN = 2, NTIMB000012 MG = 1, NTIMB000013 0, NTIMB000021 EN = 1,
    // NTIMB000022 MG = 1, NTIMB000023 MG + EN = 2 → 7 / 20 000 × 1 000 = 0.35
    expectRow(marzo, "27", "entidad", "18", { numerador: "7", denominador: "20000", valor: "0.35", estado: "ok" });
    // nacional: 8 + 7 = 15 / 38 000 × 1 000 = 0.3947… → 0.39
    expectRow(marzo, "27", "nacional", "", { numerador: "15", denominador: "38000", valor: "0.39", estado: "ok" });
  });

  it("takes the staff of the last month of an annual window, not the sum of its months", () => {
    // GRIMB000012: February 1201 MG, 1202 EN, 1203 MG (3); March 1201 MG, 1202 EN (2).
    // The stock is March's 2 (not 3 + 2 = 5) → 2 / 4 000 × 1 000 = 0.50
    expectRow(anual, "27", "clues", "GRIMB000012", { numerador: "2", denominador: "4000", valor: "0.50" });
  });
});

// ------------------------------------------------------------------------------------------

describe("31: recetas surtidas completas", () => {
  it("counts a receta with fewer claves surtidas than prescritas as incomplete", () => {
    // GRIMB000012 March: 120300001 2/2, 120300002 1/1, 120300003 3 prescritas 2 surtidas (incomplete),
    // 120300004 2/2 → 3 / 4 × 100 = 75.0
    expectRow(marzo, "31", "clues", "GRIMB000012", { numerador: "3", denominador: "4", valor: "75.0", estado: "ok" });
  });

  it("leaves a February receta out of the March window", () => {
    // GRIMB000013: 130200001 of 27/02/2024 (2 prescritas, 0 surtidas) is outside March;
    // March 130300001 1/1 and 130300002 2/2 → 2 / 2 × 100 = 100.0
    expectRow(marzo, "31", "clues", "GRIMB000013", { numerador: "2", denominador: "2", valor: "100.0", estado: "ok" });
  });

  it("gives sin_denominador to a zona without recetas", () => {
    // 12-Z02 has no recetas rows → 0 / 0
    expectRow(marzo, "31", "zona", "12-Z02", { numerador: "0", denominador: "0", valor: null, estado: "sin_denominador" });
  });

  it("sums recetas at the zona, entidad and nation", () => {
    // 12-Z01: 3 + 2 = 5 complete of 4 + 2 = 6 → 83.333… → 83.3
    expectRow(marzo, "31", "zona", "12-Z01", { numerador: "5", denominador: "6", valor: "83.3", estado: "ok" });
    expectRow(marzo, "31", "entidad", "12", { numerador: "5", denominador: "6", valor: "83.3", estado: "ok" });
    // 18: NTIMB000022 220300001 1/1 and 220300002 4/4 → 2 / 2 = 100.0
    expectRow(marzo, "31", "entidad", "18", { numerador: "2", denominador: "2", valor: "100.0", estado: "ok" });
    // nacional: 5 + 2 = 7 / 6 + 2 = 8 → 87.5
    expectRow(marzo, "31", "nacional", "", { numerador: "7", denominador: "8", valor: "87.5", estado: "ok" });
  });
});

// ------------------------------------------------------------------------------------------

describe("34: informes del SIS reportados", () => {
  it("finds every unit reported in March", () => {
    // 12 March rows of DA_CE with a CON01 column; expected 12 units × 1 month → 100.0
    expectRow(marzo, "34", "nacional", "", { numerador: "12", denominador: "12", valor: "100.0", estado: "ok" });
    // 12-Z01: 3 rows / 3 units × 1 → 100.0
    expectRow(marzo, "34", "zona", "12-Z01", { numerador: "3", denominador: "3", valor: "100.0", estado: "ok" });
  });

  it("counts the missing February of GRIMB000013 over January–March and marks it incompleto", () => {
    // GRIMB000013 sent January and March, not February → 2 / (1 unit × 3 months) = 66.666… → 66.7
    expectRow(anual, "34", "clues", "GRIMB000013", { numerador: "2", denominador: "3", valor: "66.7", estado: "incompleto" });
  });

  it("carries the missing report to the zona, the entidad and the nation", () => {
    // 12-Z01: 3 + 3 + 2 = 8 / (3 × 3 = 9) → 88.888… → 88.9
    expectRow(anual, "34", "zona", "12-Z01", { numerador: "8", denominador: "9", valor: "88.9", estado: "incompleto" });
    // 12: 8 + 9 = 17 / (6 × 3 = 18) → 94.444… → 94.4
    expectRow(anual, "34", "entidad", "12", { numerador: "17", denominador: "18", valor: "94.4", estado: "incompleto" });
    // nacional: 17 + 18 = 35 / (12 × 3 = 36) → 97.222… → 97.2
    expectRow(anual, "34", "nacional", "", { numerador: "35", denominador: "36", valor: "97.2", estado: "incompleto" });
  });

  it("keeps a zona whose units all reported ok", () => {
    // 12-Z02: 3 units × 3 months, all present → 9 / 9 = 100.0
    expectRow(anual, "34", "zona", "12-Z02", { numerador: "9", denominador: "9", valor: "100.0", estado: "ok" });
  });
});

// ------------------------------------------------------------------------------------------

describe("60: establecimientos con Sistema de Gestión de Calidad", () => {
  it("gives 100.0 to a unit whose U-60 item is S and 0.0 to one whose U-60 is N", () => {
    expectRow(marzo, "60", "clues", "GRIMB000011", { numerador: "1", denominador: "1", valor: "100.0", estado: "ok" });
    expectRow(marzo, "60", "clues", "GRIMB000013", { numerador: "0", denominador: "1", valor: "0.0", estado: "ok" });
  });

  it("counts a unit without a cédula as not accredited", () => {
    // NTIMB000023 has no cedulas row: 0 / 1 establecimiento → 0.0
    expectRow(marzo, "60", "clues", "NTIMB000023", { numerador: "0", denominador: "1", valor: "0.0", estado: "ok" });
    // 18-Z02: NTIMB000021 S, NTIMB000022 N, NTIMB000023 none → 1 / 3 = 33.333… → 33.3
    expectRow(marzo, "60", "zona", "18-Z02", { numerador: "1", denominador: "3", valor: "33.3", estado: "ok" });
  });

  it("sums accredited units and establecimientos at the zona, entidad and nation", () => {
    // 12-Z01: GRIMB000011 S, GRIMB000012 S, GRIMB000013 N → 2 / 3 = 66.666… → 66.7
    expectRow(marzo, "60", "zona", "12-Z01", { numerador: "2", denominador: "3", valor: "66.7", estado: "ok" });
    // 12: 2 + (GRIMB000021 S, 022 N, 023 N → 1) = 3 / 6 = 50.0
    expectRow(marzo, "60", "entidad", "12", { numerador: "3", denominador: "6", valor: "50.0", estado: "ok" });
    // 18: (NTIMB000011, 012, 013 all S → 3) + 1 = 4 / 6 = 66.666… → 66.7
    expectRow(marzo, "60", "entidad", "18", { numerador: "4", denominador: "6", valor: "66.7", estado: "ok" });
    // nacional: 3 + 4 = 7 / 12 = 58.333… → 58.3
    expectRow(marzo, "60", "nacional", "", { numerador: "7", denominador: "12", valor: "58.3", estado: "ok" });
  });
});

// ------------------------------------------------------------------------------------------

describe("67: ausentismo", () => {
  it("divides days of absence by working days of the unit's staff in March", () => {
    // GRIMB000011 March: 1101 (20 días, 2 ausencia), 1102 (20, 0), 1103 (20, 1) → 3 / 60 × 100 = 5.00
    expectRow(marzo, "67", "clues", "GRIMB000011", { numerador: "3", denominador: "60", valor: "5.00", estado: "ok" });
  });

  it("gives sin_denominador to a unit without staff rows", () => {
    // NTIMB000013: no personal rows → 0 / 0
    expectRow(marzo, "67", "clues", "NTIMB000013", { numerador: "0", denominador: "0", valor: null, estado: "sin_denominador" });
  });

  it("sums days at the zona before dividing", () => {
    // 12-Z01: ausencia 3 + (1201: 1, 1202: 0) 1 + (1301, 1302: 0) 0 = 4; laborables 60 + 40 + 40 = 140
    // → 4 / 140 × 100 = 2.857… → 2.86
    expectRow(marzo, "67", "zona", "12-Z01", { numerador: "4", denominador: "140", valor: "2.86", estado: "ok" });
    // 12-Z02: 2101 (20, 3), 2201 (20, 0), 2301 (20, 1) → 4 / 60 × 100 = 6.666… → 6.67
    expectRow(marzo, "67", "zona", "12-Z02", { numerador: "4", denominador: "60", valor: "6.67", estado: "ok" });
  });

  it("sums days at the entidad and the nation", () => {
    // 12: 4 + 4 = 8 / 140 + 60 = 200 → 4.00
    expectRow(marzo, "67", "entidad", "12", { numerador: "8", denominador: "200", valor: "4.00", estado: "ok" });
    // 18: ausencia only 8201 (2); laborables 7 workers × 20 = 140 → 2 / 140 × 100 = 1.428… → 1.43
    expectRow(marzo, "67", "entidad", "18", { numerador: "2", denominador: "140", valor: "1.43", estado: "ok" });
    // nacional: 8 + 2 = 10 / 200 + 140 = 340 → 2.941… → 2.94
    expectRow(marzo, "67", "nacional", "", { numerador: "10", denominador: "340", valor: "2.94", estado: "ok" });
  });

  it("adds February and March days over an annual window", () => {
    // GRIMB000012: February 1201 (20, 4), 1202 (20, 0), 1203 (20, 2) → 6 / 60;
    // March 1201 (20, 1), 1202 (20, 0) → 1 / 40 → (6 + 1) / (60 + 40) × 100 = 7.00
    expectRow(anual, "67", "clues", "GRIMB000012", { numerador: "7", denominador: "100", valor: "7.00" });
  });
});

// ------------------------------------------------------------------------------------------

describe("70e: consultas por persona al año (annualised)", () => {
  it("annualises a March rate by 366/31 days", () => {
    // GRIMB000013 March: CON01 300 + CON02 320 = 620; población 6 000.
    // 620 / 6 000 = 0.10333… a month; × 366 / 31 (12 months April 2023–March 2024 / days of March)
    // = 20 × 366 / 6 000 = 1.22
    expectRow(marzo, "70e", "clues", "GRIMB000013", { numerador: "620", denominador: "6000", valor: "1.22", estado: "ok" });
  });

  it("sums only the CON consultas and gives sin_denominador to a hospital without population", () => {
    // GRIMB000011 March: CON01 400 + CON02 220 = 620 (CPP04, CPP11, CPP01, CPP08 = 50 each are not counted);
    // población 0 → sin_denominador
    expectRow(marzo, "70e", "clues", "GRIMB000011", { numerador: "620", denominador: "0", valor: null, estado: "sin_denominador" });
  });

  it("rounds an exact half (2.745) up to 2.75", () => {
    // NTIMB000022 March: 600 + 330 = 930; población 4 000 → 930 / 4 000 × 366 / 31 = 30 × 366 / 4 000
    // = 10 980 / 4 000 = 2.745 exactly → half-up 2.75 (half-even or binary floating point give 2.74)
    expectRow(marzo, "70e", "clues", "NTIMB000022", { numerador: "930", denominador: "4000", valor: "2.75", estado: "ok" });
  });

  it("sums consultas and población at the zona before annualising", () => {
    // 12-Z01: 620 + 310 + 620 = 1 550; población 10 000 → 1 550 / 10 000 × 366 / 31 = 50 × 366 / 10 000 = 1.83
    expectRow(marzo, "70e", "zona", "12-Z01", { numerador: "1550", denominador: "10000", valor: "1.83", estado: "ok" });
    // 12-Z02: 310 + 465 + 155 = 930; población 8 000 → 30 × 366 / 8 000 = 1.3725 → 1.37
    expectRow(marzo, "70e", "zona", "12-Z02", { numerador: "930", denominador: "8000", valor: "1.37", estado: "ok" });
  });

  it("sums consultas and población at the entidad and the nation", () => {
    // 12: 1 550 + 930 = 2 480 / 18 000 × 366 / 31 = 80 × 366 / 18 000 = 1.6266… → 1.63
    expectRow(marzo, "70e", "entidad", "12", { numerador: "2480", denominador: "18000", valor: "1.63", estado: "ok" });
    // 18: (930 + 620 + 310) + (620 + 930 + 620) = 1 860 + 2 170 = 4 030 / 20 000 × 366 / 31
    // = 130 × 366 / 20 000 = 2.379 → 2.38
    expectRow(marzo, "70e", "entidad", "18", { numerador: "4030", denominador: "20000", valor: "2.38", estado: "ok" });
    // nacional: 2 480 + 4 030 = 6 510 / 38 000 × 366 / 31 = 210 × 366 / 38 000 = 2.0226… → 2.02
    expectRow(marzo, "70e", "nacional", "", { numerador: "6510", denominador: "38000", valor: "2.02", estado: "ok" });
  });

  it("keeps GRIMB000013 ok in the March window, because it reported in March", () => {
    expect(pick(marzo, "70e", "clues", "GRIMB000013").estado).toBe("ok");
  });

  it("marks GRIMB000013 incompleto over January–March and annualises by 366/91", () => {
    // January 100 + 100 = 200, February missing, March 620 → 820; población 6 000.
    // 820 / 6 000 × 366 / 91 (31 + 29 + 31 days) = 300 120 / 546 000 = 0.5496… → 0.55
    const row = pick(anual, "70e", "clues", "GRIMB000013");
    expect(row.periodo).toBe("2024-01/2024-03");
    expectRow(anual, "70e", "clues", "GRIMB000013", { numerador: "820", denominador: "6000", valor: "0.55", estado: "incompleto" });
  });

  it("marks the zona of the missing unit incompleto and leaves its sibling zona ok", () => {
    // 12-Z01: GRIMB000011 200 + 200 + 620 = 1 020; GRIMB000012 200 + 200 + 310 = 710; GRIMB000013 820
    // → 2 550 / 10 000 × 366 / 91 = 1.0256… → 1.03
    expectRow(anual, "70e", "zona", "12-Z01", { numerador: "2550", denominador: "10000", valor: "1.03", estado: "incompleto" });
    // 12-Z02: 3 units × (200 + 200) + 930 = 2 130 / 8 000 × 366 / 91 = 1.0708… → 1.07
    expectRow(anual, "70e", "zona", "12-Z02", { numerador: "2130", denominador: "8000", valor: "1.07", estado: "ok" });
  });

  it("carries incompleto to the entidad and the nation over January–March", () => {
    // 12: 2 550 + 2 130 = 4 680 / 18 000 × 366 / 91 = 1.0457… → 1.05
    expectRow(anual, "70e", "entidad", "12", { numerador: "4680", denominador: "18000", valor: "1.05", estado: "incompleto" });
    // nacional: 4 680 + (6 units × 400 + 4 030 = 6 430) = 11 110 / 38 000 × 366 / 91 = 1.1759… → 1.18
    expectRow(anual, "70e", "nacional", "", { numerador: "11110", denominador: "38000", valor: "1.18", estado: "incompleto" });
  });
});

// ------------------------------------------------------------------------------------------

describe("72: altas hospitalarias por 1 000 (from the zona up, annualised)", () => {
  it("is not reported per unit", () => {
    expect(marzo.rows.filter((r) => r.indicador === "72" && r.nivel === "clues")).toEqual([]);
  });

  it("counts the zona's March discharges over its population, annualised", () => {
    // 12-Z01: egresos 1–4 of GRIMB000011 (egreso 5 is of 20/02/2024) = 4; población 10 000
    // → 4 / 10 000 × 1 000 × 366 / 31 = 146.4 / 31 = 4.722… → 4.7
    expectRow(marzo, "72", "zona", "12-Z01", { numerador: "4", denominador: "10000", valor: "4.7", estado: "ok" });
    // 12-Z02: egresos 6, 7 = 2 / 8 000 × 1 000 × 366 / 31 = 91.5 / 31 = 2.951… → 3.0
    expectRow(marzo, "72", "zona", "12-Z02", { numerador: "2", denominador: "8000", valor: "3.0", estado: "ok" });
  });

  it("sums discharges and population at the entidad and the nation", () => {
    // 12: 4 + 2 = 6 / 18 000 × 1 000 × 366 / 31 = 122 / 31 = 3.935… → 3.9
    expectRow(marzo, "72", "entidad", "12", { numerador: "6", denominador: "18000", valor: "3.9", estado: "ok" });
    // 18: egresos 8, 9, 10 + 11, 12 = 5 / 20 000 × 1 000 × 366 / 31 = 91.5 / 31 = 2.951… → 3.0
    expectRow(marzo, "72", "entidad", "18", { numerador: "5", denominador: "20000", valor: "3.0", estado: "ok" });
    // nacional: 11 / 38 000 × 1 000 × 366 / 31 = 3.4176… → 3.4
    expectRow(marzo, "72", "nacional", "", { numerador: "11", denominador: "38000", valor: "3.4", estado: "ok" });
  });
});

describe("71: consultas de urgencias por 1 000 (from the zona up, annualised)", () => {
  it("counts the zona's March visits over its population, annualised", () => {
    // 12-Z01: GRIMB000011 visits 2–6 (visit 1 is of 28/02/2024) = 5; población 10 000
    // → 5 / 10 000 × 1 000 × 366 / 31 = 183 / 31 = 5.903… → 5.9
    expectRow(marzo, "71", "zona", "12-Z01", { numerador: "5", denominador: "10000", valor: "5.9", estado: "ok" });
    // 18-Z02: NTIMB000021 visits 15, 16 = 2 / 10 000 × 1 000 × 366 / 31 = 73.2 / 31 = 2.361… → 2.4
    expectRow(marzo, "71", "zona", "18-Z02", { numerador: "2", denominador: "10000", valor: "2.4", estado: "ok" });
  });

  it("leaves the rejected visit out of the national count", () => {
    // 5 + 3 (GRIMB000021) + 4 (NTIMB000011) + 2 (NTIMB000021) = 14; visit 10 (GRIMB999999) rejected
    // → 14 / 38 000 × 1 000 × 366 / 31 = 4.349… → 4.3
    expectRow(marzo, "71", "nacional", "", { numerador: "14", denominador: "38000", valor: "4.3", estado: "ok" });
  });
});

// ------------------------------------------------------------------------------------------

describe("83b: mortalidad hospitalaria bruta", () => {
  it("divides March deaths (MOTEGRE 5) by March discharges of the hospital", () => {
    // GRIMB000011 March: egresos 1–4, egreso 2 with MOTEGRE 5 (egreso 5, a February death, is outside)
    // → 1 / 4 × 100 = 25.00
    expectRow(marzo, "83b", "clues", "GRIMB000011", { numerador: "1", denominador: "4", valor: "25.00", estado: "ok" });
  });

  it("gives sin_denominador to a centro de salud without discharges", () => {
    expectRow(marzo, "83b", "clues", "GRIMB000012", { numerador: "0", denominador: "0", valor: null, estado: "sin_denominador" });
  });

  it("sums deaths and discharges at the zona, entidad and nation", () => {
    // 12-Z02: egresos 6 (MOTEGRE 1), 7 (2) → 0 / 2 = 0.00
    expectRow(marzo, "83b", "zona", "12-Z02", { numerador: "0", denominador: "2", valor: "0.00", estado: "ok" });
    // 12: 1 / 4 + 2 = 6 × 100 = 16.666… → 16.67
    expectRow(marzo, "83b", "entidad", "12", { numerador: "1", denominador: "6", valor: "16.67", estado: "ok" });
    // 18: egresos 8–12, MOTEGRE 1, 2, 1, 1, 4 → 0 / 5 = 0.00
    expectRow(marzo, "83b", "entidad", "18", { numerador: "0", denominador: "5", valor: "0.00", estado: "ok" });
    // nacional: 1 / 11 × 100 = 9.0909… → 9.09
    expectRow(marzo, "83b", "nacional", "", { numerador: "1", denominador: "11", valor: "9.09", estado: "ok" });
  });
});

// ------------------------------------------------------------------------------------------

describe("85: ocupación hospitalaria", () => {
  it("divides días de estancia by camas × 31 days of March", () => {
    // GRIMB000011 March: DIAS_ESTA 31 + 31 + 15 + 16 = 93; 30 camas × 31 = 930 → 93 / 930 × 100 = 10.0
    expectRow(marzo, "85", "clues", "GRIMB000011", { numerador: "93", denominador: "930", valor: "10.0", estado: "ok" });
    // GRIMB000021: 10 + 22 = 32; 20 × 31 = 620 → 5.161… → 5.2
    expectRow(marzo, "85", "clues", "GRIMB000021", { numerador: "32", denominador: "620", valor: "5.2", estado: "ok" });
  });

  it("gives sin_denominador to a centro de salud with no beds", () => {
    // GRIMB000012: 0 días / (0 camas × 31)
    expectRow(marzo, "85", "clues", "GRIMB000012", { numerador: "0", denominador: "0", valor: null, estado: "sin_denominador" });
  });

  it("sums días and camas before multiplying by the days of the period", () => {
    // 12: 93 + 32 = 125 / ((30 + 20) × 31 = 1 550) × 100 = 8.064… → 8.1
    expectRow(marzo, "85", "entidad", "12", { numerador: "125", denominador: "1550", valor: "8.1", estado: "ok" });
    // 18: NTIMB000011 50 + 50 + 24 = 124, NTIMB000021 40 + 22 = 62 → 186 / ((40 + 10) × 31 = 1 550) = 12.0
    expectRow(marzo, "85", "entidad", "18", { numerador: "186", denominador: "1550", valor: "12.0", estado: "ok" });
    // 18-Z02: 62 / (10 × 31 = 310) = 20.0
    expectRow(marzo, "85", "zona", "18-Z02", { numerador: "62", denominador: "310", valor: "20.0", estado: "ok" });
    // nacional: 125 + 186 = 311 / (100 × 31 = 3 100) = 10.032… → 10.0
    expectRow(marzo, "85", "nacional", "", { numerador: "311", denominador: "3100", valor: "10.0", estado: "ok" });
  });
});

// ------------------------------------------------------------------------------------------
// SINAC March births (row: CLUES, ENTIDADNACIMIENTO/ENTIDADRESIDENCIA, RESOLUCIONEMBARAZO,
// PERSONALATENDIO, TOTALCONSULTAS, ORDENPRODUCTO; blank ORDENPRODUCTO = a single birth):
//   #1 GRIMB000011 12/12 1 1 5     #2 GRIMB000011 12/12 3 1 2     #3 GRIMB000011 12/12 3 1 8
//   #4 GRIMB000011 12/12 1 2 99    #5 GRIMB000012 12/12 1 2 4     #6 GRIMB000021 12/12 2 1 3
//   #7 9998        12/12 1 4 0     #8 NTIMB000011 18/18 3 1 6     #9 NTIMB000011 18/18 1 1 4
//   #10 NTIMB000011 18/12 1 1 7    #11 NTIMB000021 18/18 3 1 1    #12 NTIMB000021 18/18 0 9 5
//   #13 NTIMB000022 18/18 1 3 (blank)
//   #16 GRIMS000031 12/12 3 1 9 1  (an IMSS hospital: in the CLUES catalog, not in the network)
//   #17 GRIMB000011 12/12 3 1 6 1  #18 GRIMB000011 12/12 3 1 6 2  (twins: one delivery)
//   #19 NTIMB000011 18/20 1 1 5 1  (a mother resident in Oaxaca, 20: no network unit in the extract)
//   #20 GRIMB000012 12/99 1 2 4 1  (residence not specified: entidad NE)
// and outside March: #14 GRIMB000011 15/02/2024 12/12 1 1 6; #15 NTIMB000011 20/01/2024 18/18 3 1 5.
// Universes (README "Universes"): C counts deliveries in network units by CLUES, so #7 (no
// unit) and #16 (IMSS) are out of its scope and #18 is the second product of #17; 103 and 91
// count every birth of mothers resident in each entidad, wherever it happened, so #7 and #16
// count and #19 is out of scope (resident of an entidad without network units).

describe("C: partos por cesárea en unidades de la red", () => {
  it("divides caesarean deliveries by deliveries of the hospital in March, twins once", () => {
    // GRIMB000011: #1, #2 (3), #3 (3), #4, #17 (3, first twin); #18 second twin → out:
    // 3 / 5 × 100 = 60.0
    expectRow(marzo, "C", "clues", "GRIMB000011", { numerador: "3", denominador: "5", valor: "60.0", estado: "ok" });
  });

  it("leaves a birth with resolución 0 out of the denominator", () => {
    // NTIMB000021: #11 cesárea, #12 resolución 0 (n.e.) → 1 / 1 × 100 = 100.0
    expectRow(marzo, "C", "clues", "NTIMB000021", { numerador: "1", denominador: "1", valor: "100.0", estado: "ok" });
  });

  it("counts a unit's deliveries whatever the mother's residence", () => {
    // NTIMB000011: #8 (3), #9, #10 (resident of 12), #19 (resident of 20) → 1 / 4 = 25.0
    expectRow(marzo, "C", "clues", "NTIMB000011", { numerador: "1", denominador: "4", valor: "25.0", estado: "ok" });
  });

  it("sums deliveries at the zona", () => {
    // 12-Z01: GRIMB000011 3 / 5 + GRIMB000012 (#5, #20) 0 / 2 → 3 / 7 = 42.857… → 42.9
    expectRow(marzo, "C", "zona", "12-Z01", { numerador: "3", denominador: "7", valor: "42.9", estado: "ok" });
  });

  it("leaves births outside a unit and in other institutions out of the entidad, which is the sum of its units", () => {
    // 12: 12-Z01 3 / 7 + 12-Z02 (#6, resolución 2) 0 / 1 = 3 / 8 = 37.5; #7 (9998) and #16
    // (IMSS) are in no network unit, so in no network total either.
    expectRow(marzo, "C", "entidad", "12", { numerador: "3", denominador: "8", valor: "37.5", estado: "ok" });
  });

  it("sums deliveries at the entidad and the nation", () => {
    // 18: #8 (3), #9, #10, #11 (3), #13, #19 (#12 resolución 0 excluded) → 2 / 6 = 33.333… → 33.3
    expectRow(marzo, "C", "entidad", "18", { numerador: "2", denominador: "6", valor: "33.3", estado: "ok" });
    // nacional: 3 + 2 = 5 / 8 + 6 = 14 → 35.714… → 35.7
    expectRow(marzo, "C", "nacional", "", { numerador: "5", denominador: "14", valor: "35.7", estado: "ok" });
  });

  it("reports no row for the entidad no especificada, where no network delivery is", () => {
    expect(marzo.rows.filter((r) => r.indicador === "C" && r.entidad === "NE")).toEqual([]);
  });
});

describe("103: asistencia calificada al parto, todas las residentes", () => {
  it("is reported from the entidad up only: births are counted by residence", () => {
    expect(marzo.rows.filter((r) => r.indicador === "103" && r.nivel !== "nacional" && r.nivel !== "entidad")).toEqual([]);
  });

  it("counts home births and other institutions' births of the entidad's residents", () => {
    // 12 residents: #1–#7, #10, #16, #17, #18 = 11; médico (1) or enfermera (2): all but #7
    // (partera, 4) → 10 / 11 × 100 = 90.909… → 90.9
    expectRow(marzo, "103", "entidad", "12", { numerador: "10", denominador: "11", valor: "90.9", estado: "ok" });
  });

  it("keeps 'se ignora' and persona autorizada in the denominator and leaves out a resident of another entidad", () => {
    // 18 residents: #8, #9, #11, #12 (se ignora, 9), #13 (persona autorizada, 3) = 5 (#10 lives
    // in 12, #19 in 20) → #8, #9, #11 = 3 / 5 = 60.0
    expectRow(marzo, "103", "entidad", "18", { numerador: "3", denominador: "5", valor: "60.0", estado: "ok" });
  });

  it("puts the birth of unspecified residence in NE and the nation", () => {
    // NE: #20 enfermera → 1 / 1 = 100.0
    expectRow(marzo, "103", "entidad", "NE", { numerador: "1", denominador: "1", valor: "100.0", estado: "ok" });
    // nacional: 10 + 3 + 1 = 14 / 11 + 5 + 1 = 17 → 82.352… → 82.4
    expectRow(marzo, "103", "nacional", "", { numerador: "14", denominador: "17", valor: "82.4", estado: "ok" });
  });
});

describe("91: cuatro o más consultas prenatales, mujeres residentes con un nacido vivo", () => {
  it("keeps TOTALCONSULTAS 99 and blank in the denominator, counts a twin delivery once", () => {
    // 12 residents' deliveries: #1 5, #2 2, #3 8, #4 99, #5 4, #6 3, #7 0, #10 7, #16 9, #17 6
    // (#18 is #17's second twin) = 10; 4 or more: #1, #3, #5, #10, #16, #17 = 6 → 60.0
    expectRow(marzo, "91", "entidad", "12", { numerador: "6", denominador: "10", valor: "60.0", estado: "ok" });
    // 18: #8 6, #9 4, #11 1, #12 5, #13 blank = 5; 4 or more: #8, #9, #12 = 3 → 60.0
    expectRow(marzo, "91", "entidad", "18", { numerador: "3", denominador: "5", valor: "60.0", estado: "ok" });
  });

  it("sums the entidades and NE into the nation", () => {
    // NE: #20 (4) → 1 / 1; nacional: 6 + 3 + 1 = 10 / 10 + 5 + 1 = 16 → 62.5
    expectRow(marzo, "91", "nacional", "", { numerador: "10", denominador: "16", valor: "62.5", estado: "ok" });
  });
});

describe("89: control prenatal desde el primer trimestre, mujeres residentes con un nacido vivo", () => {
  it("counts deliveries of residents with the trimester specified, twins once", () => {
    // TRIMESTREPRIMERCONSULTA of March deliveries of 12 residents: #1 1, #2 2, #3 1, #4 8 (n.e.:
    // out), #5 2, #6 3, #7 0, #10 1, #16 1, #17 1 (#18 is the second twin) → 5 of 9 = 55.555… → 55.6
    expectRow(marzo, "89", "entidad", "12", { numerador: "5", denominador: "9", valor: "55.6", estado: "ok" });
    // 18: #8 1, #9 1, #11 3, #12 2, #13 9 (se ignora: out) → 2 / 4 = 50.0
    expectRow(marzo, "89", "entidad", "18", { numerador: "2", denominador: "4", valor: "50.0", estado: "ok" });
    // nacional: 5 + 2 + NE #20 (1) 1 = 8 / 9 + 4 + 1 = 14 → 57.142… → 57.1
    expectRow(marzo, "89", "nacional", "", { numerador: "8", denominador: "14", valor: "57.1", estado: "ok" });
  });
});

// ------------------------------------------------------------------------------------------
// DEFUN_2024 rows (ent_resid, causa_def, sexo, edad, fecha de ocurrencia, razon_m):
//   D1 12 P071 1 2005 (5 días) 10/03/2024     D2 18 O149 2 4028 15/02/2024 (razon_m vacío)
//   D3 12 E119 1 4067 20/03/2024              D4 18 I219 2 4075 02/01/2024
//   D5 12 J189 2 3006 (6 meses) 14/03/2024    D6 99 P369 2 2010 (10 días) 08/03/2024
//   D7 12 P220 1 2003 (3 días) 28/12/2023
//   D8 12 O969 2 4031 05/02/2024 razon_m 2 (maternal death after 42 days: late, not counted)
//   D9 12 B24X 2 4026 09/03/2024 razon_m 1 (HIV in pregnancy: INEGI counts it as maternal)
//   D10 18 P070 1 2098 (días no especificados) 11/03/2024
//   D11 33 V892 1 4040 12/03/2024 (resident of the United States: out of scope)
//   D12 20 P071 1 2002 13/03/2024 (resident of Oaxaca, no network units in the extract: out of scope)
// 134 and 135 take the 12 months April 2023–March 2024. Births of the window by
// ENTIDADRESIDENCIA (every institution, and home): 12 = #1–#7, #10, #14, #16, #17, #18 = 12;
// 18 = #8, #9, #11, #12, #13, #15 = 6; NE = #20 = 1 (#19 lives in 20: out); nacional 19.
// Every 134 and 135 value here rests on fewer than 20 deaths: impact-dimension rates are
// then `inestable` (the small-numbers default, NCHS; README "Epidemiological methods").

describe("135: mortalidad neonatal (todas las residentes, 12 meses)", () => {
  it("is reported from the entidad up only", () => {
    expect(marzo.rows.filter((r) => r.indicador === "135" && (r.nivel === "zona" || r.nivel === "clues" || r.nivel === "region"))).toEqual([]);
  });

  it("divides neonatal deaths by births of mothers resident in the entidad, over 12 months", () => {
    // 12: D1 (5 días) and D7 (3 días, December 2023: inside April 2023–March 2024); D5 is 6
    // meses → 2 / 12 × 1 000 = 166.666… → 166.7
    const row = pick(marzo, "135", "entidad", "12");
    expect(row.periodo).toBe("2023-04/2024-03");
    expectRow(marzo, "135", "entidad", "12", { numerador: "2", denominador: "12", valor: "166.7", estado: "inestable" });
    // 18: D10, age in days not specified (2098): under a month, a neonatal death → 1 / 6 = 166.7
    expectRow(marzo, "135", "entidad", "18", { numerador: "1", denominador: "6", valor: "166.7", estado: "inestable" });
  });

  it("puts the death and the birth of unspecified residence in NE", () => {
    // D6 ent_resid 99 → NE; #20 → NE: 1 / 1 × 1 000 = 1000.0
    expectRow(marzo, "135", "entidad", "NE", { numerador: "1", denominador: "1", valor: "1000.0", estado: "inestable" });
  });

  it("adds NE to the nation and leaves residents abroad or of an entidad without network units out", () => {
    // nacional: D1, D7, D10, D6 = 4 (D12, 2 días, lives in 20: out) / 19 → 210.526… → 210.5
    expectRow(marzo, "135", "nacional", "", { numerador: "4", denominador: "19", valor: "210.5", estado: "inestable" });
  });
});

describe("134: razón de mortalidad materna (todas las residentes, 12 meses)", () => {
  it("counts what INEGI marks for the ratio, and falls back on the cause where the mark is empty", () => {
    // 18: D2 (O149, razon_m empty → cause O00–O95) → 1 / 6 × 100 000 = 16 666.666… → 16666.7
    expectRow(marzo, "134", "entidad", "18", { numerador: "1", denominador: "6", valor: "16666.7", estado: "inestable" });
    // 12: D9 (B24X, razon_m 1) counts; D8 (O969, razon_m 2: late) does not → 1 / 12 × 100 000
    // = 8 333.333… → 8333.3
    expectRow(marzo, "134", "entidad", "12", { numerador: "1", denominador: "12", valor: "8333.3", estado: "inestable" });
  });

  it("sums the nation", () => {
    // nacional: 2 / 19 × 100 000 = 10 526.315… → 10526.3
    expectRow(marzo, "134", "nacional", "", { numerador: "2", denominador: "19", valor: "10526.3", estado: "inestable" });
  });
});

// ------------------------------------------------------------------------------------------

describe("104: detecciones positivas de diabetes e hipertensión (conteo)", () => {
  it("adds DET01 and DET26 of the unit, a NULL counting as nothing", () => {
    // GRIMB000022 March: DET01 3 + DET26 NULL = 3 (DET25 and DET02 are not columns of the mini file)
    expectRow(marzo, "104", "clues", "GRIMB000022", { numerador: "3", denominador: null, valor: "3", estado: "ok" });
  });

  it("sums detecciones at the zona, entidad and nation", () => {
    // 12-Z01: (2 + 3) + (4 + 6) + (1 + 1) = 17
    expectRow(marzo, "104", "zona", "12-Z01", { numerador: "17", denominador: null, valor: "17", estado: "ok" });
    // 12: 17 + ((0 + 2) + 3 + (5 + 5)) = 17 + 15 = 32
    expectRow(marzo, "104", "entidad", "12", { numerador: "32", denominador: null, valor: "32", estado: "ok" });
    // 18: (2 + 2) + (6 + 4) + (1 + 0) + (3 + 3) + (7 + 3) + (2 + 2) = 4 + 10 + 1 + 6 + 10 + 4 = 35
    expectRow(marzo, "104", "entidad", "18", { numerador: "35", denominador: null, valor: "35", estado: "ok" });
    // nacional: 32 + 35 = 67
    expectRow(marzo, "104", "nacional", "", { numerador: "67", denominador: null, valor: "67", estado: "ok" });
  });

  it("marks incompleto a unit that sent consulta externa but not detecciones in February", () => {
    // NTIMB000023 has a February row in DA_CE but none in DA_DET: each apartado must be sent
    // every month (indicators/sources/sis.yaml). January 1 + 1 + March 2 + 2 = 6.
    expectRow(anual, "104", "clues", "NTIMB000023", { numerador: "6", denominador: null, valor: "6", estado: "incompleto" });
  });
});
