import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../src/catalog/load.js";
import { DEFAULT_BANDS, DEFAULT_UMBRALES, LOGRO_CAP, scoreValue } from "../src/scoring/score.js";
import { runCli } from "./helpers.js";
import { catalogTexts, computeCsv, demo, rowAt, type CsvRow } from "./scoring-helpers.js";

const mayor = { sentido: "mayor_es_mejor" as const, meta: 2.5 };
const menor = { sentido: "menor_es_mejor" as const, meta: 15 };

describe("logro", () => {
  it("is valor / meta × 100 when higher is better", () => {
    // 2.25 / 2.5 = 0.9 → 90.0
    expect(scoreValue(mayor, "2.25").logro).toBe("90.0");
  });

  it("is meta / valor × 100 when lower is better", () => {
    // 15 / 35.0 = 0.428571… → 42.9
    expect(scoreValue(menor, "35.0")).toEqual({ logro: "42.9", semaforo: "rojo" });
  });

  it("is capped at 100 whichever way beats the target", () => {
    expect(LOGRO_CAP).toBe(100);
    // 2.53 / 2.5 = 1.012 → 101.2 → 100.0
    expect(scoreValue(mayor, "2.53").logro).toBe("100.0");
    // 15 / 10.0 = 1.5 → 150 → 100.0
    expect(scoreValue(menor, "10.0").logro).toBe("100.0");
  });

  it("is 0 for a zero value when higher is better", () => {
    expect(scoreValue({ sentido: "mayor_es_mejor", meta: 100 }, "0.0")).toEqual({ logro: "0.0", semaforo: "rojo" });
  });

  it("is the cap for a zero value when lower is better (meta / 0 has no value; zero is the best possible)", () => {
    expect(scoreValue({ sentido: "menor_es_mejor", meta: 70 }, "0.0")).toEqual({ logro: "100.0", semaforo: "verde" });
  });

  it("meets a zero target when higher is better with any value at or above it", () => {
    expect(scoreValue({ sentido: "mayor_es_mejor", meta: 0 }, "0.0").logro).toBe("100.0");
  });

  it("is missed entirely when lower is better, the target is zero and the value is not", () => {
    // a target of 0 maternal deaths and 1 death: 0 / 156.0 = 0
    expect(scoreValue({ sentido: "menor_es_mejor", meta: 0 }, "156.0")).toEqual({ logro: "0.0", semaforo: "rojo" });
  });

  it("is rounded once, half-up, to one decimal", () => {
    // 2.0 / 2.4 = 0.833333… → 83.333… → 83.3
    expect(scoreValue({ sentido: "mayor_es_mejor", meta: 2.4 }, "2.0").logro).toBe("83.3");
    // 1.789 / 2 = 0.8945 → 89.45 exactly: the half rounds up → 89.5 (binary floating point would give 89.4)
    expect(scoreValue({ sentido: "mayor_es_mejor", meta: 2 }, "1.789").logro).toBe("89.5");
  });
});

describe("semáforo", () => {
  it("has default bands in one place: rojo below 70, amarillo from 70, verde from 90", () => {
    expect(DEFAULT_UMBRALES).toEqual({ amarillo: 70, verde: 90 });
    expect(DEFAULT_BANDS).toEqual({ verde: { desde: 90 }, amarillo: { desde: 70, hasta: 90 }, rojo: { hasta: 70 } });
  });

  it("uses half-open bands: 90.0 is verde and 89.9 amarillo, 70.0 amarillo and 69.9 rojo", () => {
    const at = (valor: string) => scoreValue({ sentido: "mayor_es_mejor", meta: 100 }, valor).semaforo;
    expect([at("90.0"), at("89.9"), at("70.0"), at("69.9"), at("0.0")]).toEqual(["verde", "amarillo", "amarillo", "rojo", "rojo"]);
  });

  it("reads the rounded logro, so a logro shown as 90.0 is verde", () => {
    // 89.96 / 100 → 89.96 → 90.0
    expect(scoreValue({ sentido: "mayor_es_mejor", meta: 100 }, "89.96")).toEqual({ logro: "90.0", semaforo: "verde" });
  });

  it("is sin_meta when there is a value and no target", () => {
    expect(scoreValue({ sentido: "mayor_es_mejor" }, "191.3")).toEqual({ logro: null, semaforo: "sin_meta" });
  });

  it("is sin_dato when there is no value, with or without a target", () => {
    expect(scoreValue(menor, null)).toEqual({ logro: null, semaforo: "sin_dato" });
    expect(scoreValue({ sentido: "mayor_es_mejor" }, null)).toEqual({ logro: null, semaforo: "sin_dato" });
  });

  it("uses the indicator's own umbrales on logro", () => {
    const def = { sentido: "mayor_es_mejor" as const, meta: 100, umbrales: { verde: { desde: 95 }, amarillo: { desde: 80, hasta: 95 }, rojo: { hasta: 80 } } };
    expect(scoreValue(def, "94.9").semaforo).toBe("amarillo");
    expect(scoreValue(def, "79.9").semaforo).toBe("rojo");
    expect(scoreValue(def, "95.0").semaforo).toBe("verde");
  });

  it("lets a run override the target and the bands of one unit", () => {
    // meta 40 instead of 15: 40 / 38.3 = 1.0444 → capped 100.0
    expect(scoreValue(menor, "38.3", { meta: "40" })).toEqual({ logro: "100.0", semaforo: "verde" });
    // bands 86 / 95: a logro of 85.2 (3 / 3.52) is rojo instead of amarillo
    expect(scoreValue({ sentido: "menor_es_mejor", meta: 3 }, "3.52", { umbrales: { amarillo: 86, verde: 95 } })).toEqual({ logro: "85.2", semaforo: "rojo" });
  });
});

describe("umbrales in the indicator YAML (checked by masb validate)", () => {
  const withUmbrales = (yaml: string) => buildCatalog(catalogTexts({ "salida/70e.yaml": (t) => `${t}\n${yaml}\n` })).problems.filter((p) => p.severity === "error");

  it("accepts three bands that tile the logro scale", () => {
    expect(withUmbrales("umbrales: { rojo: { hasta: 80 }, amarillo: { desde: 80, hasta: 95 }, verde: { desde: 95 } }")).toEqual([]);
  });

  it("rejects a gap between bands, pointing at the band that leaves it", () => {
    const errors = withUmbrales("umbrales: { rojo: { hasta: 70 }, amarillo: { desde: 75, hasta: 90 }, verde: { desde: 90 } }");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "MASB_UMBRALES_HUECO", file: "salida/70e.yaml" });
    expect(errors[0].line).toBeGreaterThan(1);
  });

  it("rejects overlapping bands and a verde band with an upper end", () => {
    const errors = withUmbrales("umbrales: { rojo: { hasta: 80 }, amarillo: { desde: 70, hasta: 90 }, verde: { desde: 90, hasta: 100 } }");
    // rojo [0, 80) and amarillo [70, 90) share 70–80; verde [90, 100) leaves a logro of 100 without colour
    expect(errors.map((e) => e.code).sort()).toEqual(["MASB_UMBRALES_HUECO", "MASB_UMBRALES_TRASLAPE"]);
  });

  it("accepts a positive peso and rejects a zero one", () => {
    expect(withUmbrales("peso: 2")).toEqual([]);
    expect(withUmbrales("peso: 0")).toHaveLength(1);
  });
});

describe("scores on the demo extract", () => {
  let rows: CsvRow[];
  beforeAll(async () => {
    rows = await computeCsv(["--period", "2024-03", "--only", "27,67,70e,C,71,103,134", "--by", "entidad,zona"]);
  });

  it("scores a higher-is-better indicator below its target: 27 in Nayarit", () => {
    // 361 médicos y enfermeras / 215 904 dh × 1 000 = 1.672… → 1.67; 1.67 / 4.45 = 0.37528 → 37.5 → rojo (< 70)
    expect(rowAt(rows, "27", "entidad:18")).toMatchObject({ numerador: "361", denominador: "215904", valor: "1.67", meta: "4.45", logro: "37.5", semaforo: "rojo" });
  });

  it("caps a higher-is-better indicator above its target: 70e in Guerrero", () => {
    // 49 565 consultas (CON… of DA_CE_SIS_2024.csv, Guerrero, March) × 366/31 / 229 588 = 2.548… → 2.55;
    // 2.55 / 2.5 = 1.02 → 102.0 → cap 100.0 → verde
    expect(rowAt(rows, "70e", "entidad:12")).toMatchObject({ valor: "2.55", meta: "2.5", logro: "100.0", semaforo: "verde" });
  });

  it("scores a lower-is-better indicator in the amarillo band: 67 in Guerrero", () => {
    // 427 días de ausencia / 12 236 laborables × 100 = 3.4897… → 3.49; 3 / 3.49 = 0.85960 → 86.0 → amarillo (70 ≤ 86.0 < 90)
    expect(rowAt(rows, "67", "entidad:12")).toMatchObject({ numerador: "427", denominador: "12236", valor: "3.49", meta: "3", logro: "86.0", semaforo: "amarillo" });
  });

  it("scores a lower-is-better indicator far from its target: C in Nayarit", () => {
    // March 2024, deliveries in Nayarit's network units (sinac_2024.csv, CLUES NTIMB…, first
    // product, resolución specified): 113 caesareans of 298 → 37.91… → 37.9; 15 / 37.9 = 0.39577 → 39.6 → rojo
    expect(rowAt(rows, "C", "entidad:18")).toMatchObject({ numerador: "113", denominador: "298", valor: "37.9", logro: "39.6", semaforo: "rojo" });
  });

  it("marks an indicator without a target sin_meta: 71", () => {
    // 4 034 consultas de urgencias / 229 588 × 1 000 × 366/31 = 207.4, and no meta in 71.yaml
    expect(rowAt(rows, "71", "entidad:12")).toMatchObject({ valor: "207.4", meta: "", logro: "", semaforo: "sin_meta" });
  });

  it("scores a zero value both ways: 2 for Guerrero and 134 for the entidad no especificada", async () => {
    // 2 (higher is better, bundled catalog): Guerrero's cédula says N for E-2 (cedulas_2024.csv)
    // → 0 / 1 = 0.0; 0.0 / 100 = 0 → rojo
    const r = await runCli(["compute", demo, "--format", "csv", "--period", "2024-03", "--only", "2", "--by", "entidad", "--rechazos", join(tmpdir(), "masb-test-r2.csv")]);
    expect(rowAt(parse(r.stdout, { columns: true }), "2", "entidad:12")).toMatchObject({ numerador: "0", denominador: "1", valor: "0.0", logro: "0.0", semaforo: "rojo" });
    // 134 (lower is better): no maternal death of unspecified residence among the 62 births of
    // unspecified residence (ENTIDADRESIDENCIA 00/99, April 2023–March 2024) = 0.0, the best possible → 100.0 → verde
    expect(rowAt(rows, "134", "entidad:NE")).toMatchObject({ numerador: "0", denominador: "62", valor: "0.0", logro: "100.0", semaforo: "verde" });
  });

  it("marks a unit without a value sin_dato even when the indicator has a target", () => {
    // Cochoapa (zona 12-J04) has no hospital: 0 births by resolution → 0 / 0
    expect(rowAt(rows, "C", "zona:12-J04")).toMatchObject({ valor: "", meta: "15", logro: "", semaforo: "sin_dato", estado: "sin_denominador" });
  });
});

describe("trend", () => {
  it("adds periodo_anterior, valor_anterior and cambio after the sixteen columns, only with --tendencia", async () => {
    const plain = await computeCsv(["--period", "2024-03", "--only", "C", "--by", "entidad"]);
    // the sixteen and valor_crudo (empty: C is not standardised)
    expect(Object.keys(plain[0])).toHaveLength(17);
    const trend = await computeCsv(["--period", "2024-03", "--only", "C", "--by", "entidad", "--tendencia"]);
    expect(Object.keys(trend[0]).slice(14)).toEqual(["semaforo", "estado", "periodo_anterior", "valor_anterior", "cambio", "valor_crudo"]);
    // Deliveries in Guerrero's network units: March 120 / 337 = 35.60… → 35.6; February 106 / 281
    // = 37.72… → 37.7; 35.6 − 37.7 = −2.1
    expect(rowAt(trend, "C", "entidad:12")).toMatchObject({ valor: "35.6", periodo_anterior: "2024-02", valor_anterior: "37.7", cambio: "-2.1" });
  });

  it("compares a cumulative window with the same window ending a month earlier", async () => {
    const rows = await computeCsv(["--period", "2024-03", "--only", "134", "--by", "entidad", "--tendencia", "--ventana", "acumulado_anual"]);
    // Guerrero's residents, every institution: January–March 2024, 2 maternal deaths / 1 314 births
    // × 100 000 = 152.20… → 152.2; January–February 1 / 848 = 117.92… → 117.9; change 34.3
    expect(rowAt(rows, "134", "entidad:12")).toMatchObject({ periodo: "2024-01/2024-03", valor: "152.2", periodo_anterior: "2024-01/2024-02", valor_anterior: "117.9", cambio: "34.3" });
  });

  it("has no previous value where the extract does not cover the previous window", async () => {
    // SINAC starts in January 2023: December 2022 has no rows, so no value, not a zero.
    // January 2023, Guerrero's network deliveries: 117 / 321 = 36.44… → 36.4
    const rows = await computeCsv(["--period", "2023-01", "--only", "C", "--by", "entidad", "--tendencia"]);
    expect(rowAt(rows, "C", "entidad:12")).toMatchObject({ valor: "36.4", periodo_anterior: "2022-12", valor_anterior: "", cambio: "" });
  });
});
