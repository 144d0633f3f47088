/**
 * The method indicators on the demo extract (fixtures/demo, period 2024-03), recomputed here
 * straight from the CSV files: INEGI deaths (DEFUN_2023, DEFUN_2024) of the 12 months April
 * 2023–March 2024 by month of occurrence, residence and decoded age; CONAPO's 2024 mid-year
 * population by entidad, sex and single year of age, summed into five-year groups; SINAC births
 * of the same months by the mother's residence and age. Every one counts residents (universe
 * `residentes`): entidad 12 and 18, the unspecified residence (99, 0, 00: entidad NE, part of the
 * nation), never residents abroad (33–35) or of entidades without network units (20, 14).
 * The engine must give the same values through its load-time expansion, single pass and
 * roll-up as the methods applied to these independent per-group sums.
 *
 * The 12 months are all in the extract (deaths and births cover 2023 and January–March 2024),
 * so the rates are per year with no annualisation: person-years = the 2024 population (the
 * latest CONAPO year at or before March 2024).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { compute, loadCatalog, type ComputeResult, type ResultRow } from "../../src/index.js";
import { directStandardise, lifeTable, parseAgeGroup, poissonExactCI, sdg341, STANDARDS, standardWeights, tfr } from "../../src/methods/index.js";

const demo = join(__dirname, "..", "..", "fixtures", "demo");
const G18 = ["00-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"];
const groups18 = G18.map((g) => parseAgeGroup(g)!);

// ---- the extract, read by hand (csv-parse, not masb's reader)
const table = (file: string, encoding: BufferEncoding = "utf8") =>
  parse(readFileSync(join(demo, file), encoding), { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
/** April 2023–March 2024, as yyyymm. */
const inWindow = (y: number, m: number) => y * 100 + m >= 202304 && y * 100 + m <= 202403;
/** Residence as the universe `residentes` reads it: 12, 18, NE for unspecified, null out of scope. */
const residence = (code: string, ne: string[]) => (ne.includes(code) ? "NE" : code === "12" || code === "18" ? code : null);

interface Death { ent: string; cause: string; age: number | null }
const deaths: Death[] = ["DEFUN_2023.csv", "DEFUN_2024.csv"].flatMap((f) => table(f))
  .filter((r) => inWindow(Number(r.anio_ocur), Number(r.mes_ocurr)))
  .map((r) => {
    const edad = Number(r.edad);
    // INEGI EDAD: 1xxx hours, 2xxx days, 3xxx months (all 0 years, their x098 too), 4xxx years; 4998 unknown.
    const age = edad >= 4000 ? (edad % 1000 > 150 ? null : edad % 1000) : 0;
    return { ent: residence(r.ent_resid, ["99", "0", "00", ""]), cause: r.causa_def, age };
  })
  .filter((d): d is Death => d.ent !== null);
const population = table("conapo_pob_mitad_2023_2025.csv", "latin1")
  .map((r) => ({ year: Number(r["AÑO"]), ent: r.CVE_GEO.padStart(2, "0"), age: Number(r.EDAD), sexo: r.SEXO, n: Number(r.POBLACION) }))
  .filter((p) => p.year === 2024 && (p.ent === "12" || p.ent === "18"));
const births = ["sinac_2023.csv", "sinac_2024.csv"].flatMap((f) => table(f))
  .filter((r) => { const [, m, y] = r.FECHANACIMIENTO.split("/").map(Number); return inWindow(y, m); })
  .map((r) => ({ ent: residence(r.ENTIDADRESIDENCIA, ["00", "99", ""]), age: r.EDAD === "99" || r.EDAD === "" ? null : Number(r.EDAD) }))
  .filter((b) => b.ent !== null);

/** Events by group (known age), spread over the known ages when some have no age. */
function byGroup<T extends { age: number | null }>(events: T[], groups = groups18, fertility = false): number[] {
  const counts = groups.map((g, i) => events.filter((e) => e.age !== null && (
    fertility && i === 0 ? e.age <= g.end! : fertility && i === groups.length - 1 ? e.age >= g.start : e.age >= g.start && (g.end === null || e.age <= g.end))).length);
  const unknown = events.filter((e) => e.age === null).length;
  const spread = events.length / (events.length - unknown);
  return counts.map((c) => c * spread);
}
/** CONAPO 2024 by five-year group (single ages summed), for one entidad or both. */
const popByGroup = (ent: string | null, labels = G18, sexo?: string) =>
  labels.map((label) => {
    const g = parseAgeGroup(label)!;
    return population.filter((p) => (ent === null || p.ent === ent) && p.age >= g.start && (g.end === null || p.age <= g.end) && (!sexo || p.sexo === sexo)).reduce((s, p) => s + p.n, 0);
  });
const resident = (ent: string | null) => deaths.filter((d) => ent === null || d.ent === ent);
// CIE-10 of SDG 3.4.1: I00–I99, C00–C97, E10–E14, J30–J98.
const ncd = (c: string) => {
  const n = Number(c.slice(1, 3));
  return c[0] === "I" || (c[0] === "C" && n <= 97) || (c[0] === "E" && n >= 10 && n <= 14) || (c[0] === "J" && n >= 30 && n <= 98);
};
// Unintentional poisoning of SDG 3.9.3 (139): X40, X43–X44, X46–X49.
const poisoning = (c: string) => /^X4[034679]/.test(c);

let result: ComputeResult;
let suppressed: ComputeResult;
beforeAll(async () => {
  const catalog = await loadCatalog();
  const only = ["129", "130-tgf", "133", "139", "140", "140-e", "141-e"];
  result = await compute(catalog, demo, { period: "2024-03", only, by: ["entidad"], intervalos: true });
  suppressed = await compute(catalog, demo, { period: "2024-03", only: ["139", "139-e", "141-e"], by: ["entidad"], suprimir: true });
});
const row = (r: ComputeResult, id: string, entidad: string): ResultRow => r.rows.find((x) => x.indicador === id && x.entidad === entidad && (entidad ? x.nivel === "entidad" : x.nivel === "nacional"))!;

describe("129: life expectancy at birth on the demo", () => {
  it("equals Chiang's table over the deaths and population of each entidad and of the nation", () => {
    for (const ent of ["12", "18"]) {
      const e0 = lifeTable(groups18, byGroup(resident(ent)), popByGroup(ent))![0].e;
      expect(Number(row(result, "129", ent).valor)).toBeCloseTo(e0, 1);
    }
    // The nation adds the deaths of unspecified residence (NE); residents abroad or of
    // Oaxaca and Jalisco are out of scope.
    const e0 = lifeTable(groups18, byGroup(resident(null)), popByGroup(null))![0].e;
    const nacional = row(result, "129", "");
    expect(Number(nacional.valor)).toBeCloseTo(e0, 1);
    // A plausible life expectancy for Mexico (INEGI/CONAPO publish 75 years for 2023).
    expect(e0).toBeGreaterThan(73);
    expect(e0).toBeLessThan(78);
    // numerador: every death of a resident (those of unknown age too); denominador: the population.
    expect(nacional).toMatchObject({ numerador: String(resident(null).length), denominador: String(popByGroup(null).reduce((a, b) => a + b, 0)), estado: "ok" });
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
    const p = sdg341(g.map((x) => parseAgeGroup(x)!), events, popByGroup(null, g))!.value;
    expect(Number(row(result, "133", "").valor)).toBeCloseTo(p * 100, 1);
    expect(row(result, "133", "").estado).toBe("ok");
  });
});

describe("130-tgf: total fertility rate on the demo", () => {
  it("equals 5 × the sum of age-specific rates of Nayarit's resident mothers, every birth counted", () => {
    const g = ["15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49"];
    const nayarit = births.filter((b) => b.ent === "18");
    const r = tfr(g.map((x) => parseAgeGroup(x)!), byGroup(nayarit, g.map((x) => parseAgeGroup(x)!), true), popByGroup("18", g, "Mujeres"))!;
    expect(Number(row(result, "130-tgf", "18").valor)).toBeCloseTo(r.value, 2);
  });
});

describe("140-e: suicide mortality standardised to the WHO population", () => {
  it("weights each group's rate by the WHO 2000–2025 standard and shows the crude rate of 140 beside it", () => {
    const suicide = resident(null).filter((d) => /^X(6\d|7\d|8[0-4])/.test(d.cause));
    const weights = standardWeights(STANDARDS.oms_2000_2025, groups18) as number[];
    const r = directStandardise(byGroup(suicide), popByGroup(null), weights)!;
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
    // 139 nacional: x unintentional poisonings (x < 20) / P × 100 000, limits [χ²(2x, .025)/2, χ²(2x+2, .975)/2] on the same scale.
    const x = resident(null).filter((d) => poisoning(d.cause)).length;
    const P = popByGroup(null).reduce((a, b) => a + b, 0);
    expect(x).toBeLessThan(20);
    const r = row(result, "139", "");
    expect(r).toMatchObject({ numerador: String(x), estado: "inestable" });
    const ci = poissonExactCI(x);
    expect(Number(r.ic_inferior)).toBeCloseTo((ci.lower / P) * 1e5, 1);
    expect(Number(r.ic_superior)).toBeCloseTo((ci.upper / P) * 1e5, 1);
  });

  it("blanks unstable values with suprimir and leaves the stable ones", () => {
    expect(row(suppressed, "139", "")).toMatchObject({ valor: null, estado: "inestable", semaforo: "sin_dato" });
    expect(row(suppressed, "139-e", "12")).toMatchObject({ valor: null, valor_crudo: null, estado: "inestable" });
    // 141-e by entidad: 20 or more traffic deaths (V01–V89 in the demo) in each entidad → a value.
    for (const ent of ["12", "18"]) {
      expect(resident(ent).filter((d) => d.cause.startsWith("V")).length).toBeGreaterThanOrEqual(20);
      expect(row(suppressed, "141-e", ent).valor).not.toBeNull();
    }
  });
});
