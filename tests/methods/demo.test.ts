/**
 * The method indicators on the demo extract (fixtures/demo, January–March 2024), recomputed
 * here straight from the CSV files: deaths by residence and decoded age, the población de
 * responsabilidad by CLUES, sex and five-year group, births by the mother's residence and age.
 * The engine must give the same values through its load-time expansion, single pass and
 * roll-up as the methods applied to these independent per-group sums.
 *
 * Every rate is annual: the deaths and births cover 1 January–31 March 2024 (31 + 29 + 31 = 91
 * days) and the 12 months ending in March 2024 have 366 days, so person-years are population ×
 * 91/366 — also for the 12-month windows of 129 and 133, whose extract covers only those three
 * months (and whose rows therefore say `incompleto`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { computeDir, loadCatalog, type ComputeResult, type ResultRow } from "../../src/index.js";
import { directStandardise, lifeTable, parseAgeGroup, poissonExactCI, sdg341, STANDARDS, standardWeights, tfr } from "../../src/methods/index.js";

const demo = join(__dirname, "..", "..", "fixtures", "demo");
const G18 = ["00-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"];
const groups18 = G18.map((g) => parseAgeGroup(g)!);
const YEAR = 91 / 366;

// ---- the extract, read by hand
const lines = (file: string) => readFileSync(join(demo, file), "utf8").replace(/^\uFEFF/, "").split(/\r?\n/).filter(Boolean);
interface Death { ent: string; cause: string; age: number | null }
const deaths: Death[] = (() => {
  const [head, ...rows] = lines("DEFUN_2024.csv");
  const h = head.split(",");
  const col = (r: string[], name: string) => r[h.indexOf(name)];
  return rows.map((l) => l.split(",")).map((r) => {
    const edad = Number(col(r, "edad"));
    // INEGI EDAD: 1xxx hours, 2xxx days, 3xxx months (all 0 years), 4xxx years; 4998 unknown.
    const age = edad >= 4000 ? (edad % 1000 > 150 ? null : edad % 1000) : 0;
    return { ent: col(r, "ent_resid"), cause: col(r, "causa_def"), age };
  });
})();
const population = (() => {
  const [, ...rows] = lines("poblacion_responsabilidad_2024.csv");
  return rows.map((l) => l.split(",")).map(([clues, , sexo, grupo, n]) => ({ ent: clues.startsWith("GR") ? "12" : "18", sexo, grupo, n: Number(n) }));
})();
const births = (() => {
  const [head, ...rows] = lines("sinac_2024.csv").map((l) => l.slice(1, -1).split('","'));
  const at = (name: string) => head.indexOf(name);
  return rows.map((r) => ({ ent: r[at("ENTIDADRESIDENCIA")], age: r[at("EDAD")] === "99" || r[at("EDAD")] === "" ? null : Number(r[at("EDAD")]), date: r[at("FECHANACIMIENTO")] }));
})();

/** Events by group (known age), spread over the known ages when some have no age. */
function byGroup<T extends { age: number | null }>(events: T[], groups = groups18, fertility = false): number[] {
  const counts = groups.map((g, i) => events.filter((e) => e.age !== null && (
    fertility && i === 0 ? e.age <= g.end! : fertility && i === groups.length - 1 ? e.age >= g.start : e.age >= g.start && (g.end === null || e.age <= g.end))).length);
  const unknown = events.filter((e) => e.age === null).length;
  const spread = events.length / (events.length - unknown);
  return counts.map((c) => c * spread);
}
const popByGroup = (ent: string | null, labels = G18, sexo?: string) =>
  labels.map((g) => population.filter((p) => (ent === null || p.ent === ent) && p.grupo === g && (!sexo || p.sexo === sexo)).reduce((s, p) => s + p.n, 0));
const resident = (ent: string | null) => deaths.filter((d) => (ent === null ? d.ent !== "20" : d.ent === ent));
// CIE-10 of SDG 3.4.1: I00–I99, C00–C97, E10–E14, J30–J98.
const ncd = (c: string) => {
  const n = Number(c.slice(1, 3));
  return c[0] === "I" || (c[0] === "C" && n <= 97) || (c[0] === "E" && n >= 10 && n <= 14) || (c[0] === "J" && n >= 30 && n <= 98);
};

let result: ComputeResult;
let suppressed: ComputeResult;
beforeAll(async () => {
  const catalog = await loadCatalog();
  const only = ["129", "130-tgf", "133", "140", "140-e", "141-e"];
  result = await computeDir(catalog, demo, { period: "2024-03", only, by: ["entidad"], intervalos: true });
  suppressed = await computeDir(catalog, demo, { period: "2024-03", only: ["140", "141-e"], by: ["entidad"], suprimir: true });
});
const row = (r: ComputeResult, id: string, entidad: string): ResultRow => r.rows.find((x) => x.indicador === id && x.entidad === entidad && (entidad ? x.nivel === "entidad" : x.nivel === "nacional"))!;

describe("129: life expectancy at birth on the demo", () => {
  it("equals Chiang's table over the deaths and population of each entidad and of the nation", () => {
    for (const ent of ["12", "18"]) {
      const e0 = lifeTable(groups18, byGroup(resident(ent)), popByGroup(ent).map((p) => p * YEAR))![0].e;
      expect(Number(row(result, "129", ent).valor)).toBeCloseTo(e0, 1);
    }
    // The nation adds the 3 deaths of residence 99 (NE); those of Oaxaca (20) are rejected.
    const e0 = lifeTable(groups18, byGroup(resident(null)), popByGroup(null).map((p) => p * YEAR))![0].e;
    const nacional = row(result, "129", "");
    expect(Number(nacional.valor)).toBeCloseTo(e0, 1);
    // numerador: every death of a resident (those of unknown age too); denominador: the population.
    expect(nacional).toMatchObject({ numerador: String(resident(null).length), denominador: String(popByGroup(null).reduce((a, b) => a + b, 0)), estado: "incompleto" });
  });

  it("gives an interval around it", () => {
    const r = row(result, "129", "");
    expect(Number(r.ic_inferior)).toBeLessThan(Number(r.valor));
    expect(Number(r.ic_superior)).toBeGreaterThan(Number(r.valor));
  });
});

describe("133: SDG 3.4.1 on the demo", () => {
  it("equals the WHO formula over the NCD deaths at 30–69 of the nation", () => {
    const g = G18.slice(6, 14);
    const events = byGroup(resident(null).filter((d) => ncd(d.cause)), groups18).slice(6, 14);
    const p = sdg341(g.map((x) => parseAgeGroup(x)!), events, popByGroup(null, g).map((x) => x * YEAR))!.value;
    expect(Number(row(result, "133", "").valor)).toBeCloseTo(p * 100, 1);
  });
});

describe("130-tgf: total fertility rate on the demo", () => {
  it("equals 5 × the sum of age-specific rates of Nayarit's resident mothers", () => {
    const g = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49"];
    const quarter = births.filter((b) => b.ent === "18" && /\/0[123]\/2024$/.test(b.date));
    const r = tfr(g.map((x) => parseAgeGroup(x)!), byGroup(quarter, g.map((x) => parseAgeGroup(x)!), true), popByGroup("18", g, "Mujeres").map((x) => x * YEAR))!;
    expect(Number(row(result, "130-tgf", "18").valor)).toBeCloseTo(r.value, 2);
  });
});

describe("140-e: suicide mortality standardised to the WHO population", () => {
  it("weights each group's rate by the WHO 2000–2025 standard and shows the crude rate of 140 beside it", () => {
    const suicide = resident(null).filter((d) => /^X(6\d|7\d|8[0-4])/.test(d.cause));
    const weights = standardWeights(STANDARDS.oms_2000_2025, groups18) as number[];
    const r = directStandardise(byGroup(suicide), popByGroup(null).map((p) => p * YEAR), weights)!;
    const e = row(result, "140-e", "");
    expect(Number(e.valor)).toBeCloseTo(r.value * 1e5, 1);
    expect(e.valor_crudo).toBe(row(result, "140", "").valor);
    expect(Number(e.valor_crudo)).toBeCloseTo(r.crude * 1e5, 1);
    expect(Number(e.ic_inferior)).toBeCloseTo(r.ci!.lower * 1e5, 1);
    expect(Number(e.ic_superior)).toBeCloseTo(r.ci!.upper * 1e5, 1);
  });
});

describe("small numbers and intervals on plain rates", () => {
  it("marks a rate on fewer than 20 deaths inestable and gives its exact Poisson interval", () => {
    // 140 nacional: x suicides (x < 20) / P × 100 000 × 366/91, limits [χ²(2x, .025)/2, χ²(2x+2, .975)/2] on the same scale.
    const x = resident(null).filter((d) => /^X(6\d|7\d|8[0-4])/.test(d.cause)).length;
    const P = popByGroup(null).reduce((a, b) => a + b, 0);
    expect(x).toBeLessThan(20);
    const r = row(result, "140", "");
    expect(r).toMatchObject({ numerador: String(x), estado: "inestable" });
    const ci = poissonExactCI(x);
    expect(Number(r.ic_inferior)).toBeCloseTo(((ci.lower / P) * 1e5) / YEAR, 1);
    expect(Number(r.ic_superior)).toBeCloseTo(((ci.upper / P) * 1e5) / YEAR, 1);
  });

  it("blanks unstable values with suprimir and leaves the stable ones", () => {
    expect(row(suppressed, "140", "")).toMatchObject({ valor: null, estado: "inestable", semaforo: "sin_dato" });
    // 141-e by entidad: fewer than 20 traffic deaths (V01–V89 in the demo) → blank; 20 or more → a value.
    for (const ent of ["12", "18"]) {
      const n = resident(ent).filter((d) => d.cause.startsWith("V")).length;
      const r = row(suppressed, "141-e", ent);
      if (n < 20) expect(r).toMatchObject({ valor: null, valor_crudo: null, estado: "inestable" });
      else expect(r.valor).not.toBeNull();
    }
    expect(row(suppressed, "141-e", "").valor).not.toBeNull();
  });
});
