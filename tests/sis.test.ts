/**
 * SIS variables (issue 15): every code the catalog reads is one of DGIS's, of the year the
 * definition names, with the meaning the dictionary states; stocks are read as the last month
 * and flows summed, as DGIS's list says; and wide files in DGIS's layout, with extra, missing
 * and reordered variable columns, give the right values and say what is missing.
 *
 * The checks against DGIS's list read it with csv-parse and the YAML with `yaml`, not with
 * masb's own loader, so they do not pass merely because masb agrees with itself.
 */
import { existsSync, readdirSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "csv-parse/sync";
import YAML from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalog } from "../src/catalog/load.js";
import { avisosVariables } from "../src/engine/variables.js";
import { compute, loadCatalog, type ComputeResult } from "../src/index.js";
import { unidad } from "./catalog/helpers.js";
import { computeInside, runCli, tempExtract } from "./helpers.js";

const root = join(__dirname, "..");
const indicatorsDir = join(root, "indicators");
const sisDir = join(indicatorsDir, "sources", "sis");
const reference = join(root, "..", "shared", "reference", "sis2024_variables.csv");
const haveReference = existsSync(reference);

interface Listed { clave: string; apartado: string; variable: string; acumulable: "si" | "no" }
const readList = (path: string) => parse(readFileSync(path, "utf8"), { columns: true, bom: true }) as Listed[];
const vendored = readList(join(sisDir, "LISTADO_VARIABLES_SIS_2024.csv"));
/** DGIS's 2024 list: the reference beside the repository when it is there, else the copy in the package. */
const dgis = new Map((haveReference ? readList(reference) : vendored).map((r) => [r.clave, r]));

type Entry = string | { texto: string; acumulable: "si" | "no" };
const dictionary = YAML.parse(readFileSync(join(sisDir, "variables_2024.yaml"), "utf8")) as { anio: number; apartados: Record<string, Record<string, Entry>> };
const dictionaryEntries = Object.entries(dictionary.apartados).flatMap(([apartado, codes]) =>
  Object.entries(codes).map(([code, e]) => ({ code, apartado, texto: typeof e === "string" ? e : e.texto, acumulable: typeof e === "string" ? "si" : e.acumulable })));

/** Every indicator definition of the catalog, as written (YAML), with its file. */
function definitions(): { file: string; def: Record<string, unknown> }[] {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "sources" ? [] : walk(join(d, e.name))) : e.name.endsWith(".yaml") ? [join(d, e.name)] : []);
  return walk(indicatorsDir).flatMap((file) => {
    const doc = YAML.parse(readFileSync(file, "utf8")) as Record<string, unknown> | Record<string, unknown>[];
    return (Array.isArray(doc) ? doc : [doc]).map((def) => ({ file: relative(indicatorsDir, file), def }));
  });
}

interface SisAggregate { file: string; id: string; name: string; codes: string[]; periodo?: string; metodo: string; year?: number }
/** The SIS aggregates of the catalog (inline numerator or denominator, or named), with the codes their filter names. */
function sisAggregates(): SisAggregate[] {
  const out: SisAggregate[] = [];
  for (const { file, def } of definitions()) {
    const aggs: [string, Record<string, unknown>][] = [
      ...Object.entries((def.agregados ?? {}) as Record<string, Record<string, unknown>>),
      ["numerador", def.numerador as Record<string, unknown>],
      ["denominador", def.denominador as Record<string, unknown>],
    ];
    for (const [name, a] of aggs) {
      if (!a || a.origen !== "sis") continue;
      const codes = [...String(a.filtro ?? "").matchAll(/'([A-Z0-9]+)'/g)].map((m) => m[1]);
      out.push({ file, id: String(def.id), name, codes, periodo: a.periodo as string | undefined, metodo: String(def.metodo ?? ""), year: (def.diccionarios as Record<string, number> | undefined)?.sis });
    }
  }
  return out;
}

describe("the SIS dictionary and DGIS's 2024 list", () => {
  it.runIf(haveReference)("ships DGIS's 2024 list unchanged: the same rows as ../shared/reference/sis2024_variables.csv", () => {
    expect(vendored).toEqual(readList(reference));
    expect(vendored).toHaveLength(6872);
  });

  it("gives every code of the dictionary DGIS's text, apartado and acumulable", () => {
    const wrong = dictionaryEntries.flatMap(({ code, apartado, texto, acumulable }) => {
      const ref = dgis.get(code);
      if (!ref) return [`${code}: not in DGIS's 2024 list`];
      const problems: string[] = [];
      if (ref.variable !== `${code} ${texto}`) problems.push(`${code}: «${texto}» ≠ «${ref.variable}»`);
      if (ref.apartado !== apartado) problems.push(`${code}: apartado ${apartado} ≠ ${ref.apartado}`);
      if (ref.acumulable !== acumulable) problems.push(`${code}: acumulable ${acumulable} ≠ ${ref.acumulable}`);
      return problems;
    });
    expect(wrong).toEqual([]);
    expect(dictionary.anio).toBe(2024);
    expect(dictionaryEntries.length).toBeGreaterThan(100);
  });

  it("reads, in every SIS aggregate of the catalog, only 2024 codes of the dictionary, and says which year", () => {
    const aggs = sisAggregates();
    const inDictionary = new Set(dictionaryEntries.map((e) => e.code));
    const wrong = aggs.flatMap((a) => [
      ...(a.year === 2024 ? [] : [`${a.id} ${a.name}: diccionarios.sis is ${a.year}`]),
      ...(a.codes.length ? [] : [`${a.id} ${a.name}: no variables chosen`]),
      ...a.codes.filter((c) => !inDictionary.has(c) || !dgis.has(c)).map((c) => `${a.id} ${a.name}: ${c}`),
    ]);
    expect(wrong).toEqual([]);
    // 20 definitions read SIS: 34, 53f, 53h, 65a, 67a, 70, 70a, 70c, 70d, 70e, 75c, 75e, 81b, 84, 88, 92, 101, 104, 117, 148
    expect(new Set(aggs.map((a) => a.id)).size).toBe(20);
  });

  it("names in each SIS definition's metodo the DGIS apartado of every variable it reads", () => {
    const apartadoOf = new Map(dictionaryEntries.map((e) => [e.code, e.apartado.slice(0, 3)]));
    const missing = sisAggregates().flatMap((a) =>
      [...new Set(a.codes.map((c) => apartadoOf.get(c)!))].filter((n) => !a.metodo.includes(n)).map((n) => `${a.id}: apartado ${n}`));
    expect(missing).toEqual([]);
  });

  it("reads DGIS's stocks (acumulable = no) as the last month and its flows summed, aggregate by aggregate", () => {
    const wrong: string[] = [];
    let stocks = 0;
    for (const a of sisAggregates()) {
      const kinds = new Set(a.codes.map((c) => dgis.get(c)!.acumulable));
      if (kinds.size > 1) wrong.push(`${a.id} ${a.name}: mixes stocks and flows`);
      else if (kinds.has("no") && a.periodo !== "ultimo") wrong.push(`${a.id} ${a.name}: sums a stock`);
      else if (kinds.has("si") && a.periodo === "ultimo") wrong.push(`${a.id} ${a.name}: takes the last month of a flow`);
      if (kinds.has("no")) stocks++;
    }
    expect(wrong).toEqual([]);
    // 81b reads two stocks (ADM controlled, ADM in treatment): the check is not vacuous
    expect(stocks).toBe(2);
  });

  it("marks the concepts SIS 2024 does not measure no_calculable, with the reason and a source, and reads nothing for them", () => {
    const notComputable = definitions().filter(({ def }) => def.no_calculable);
    expect(notComputable.map(({ def }) => String(def.id)).sort()).toEqual(["105", "116", "53g", "75d", "75f", "75f-2", "81a", "93", "94", "95"]);
    for (const { def } of notComputable) {
      const nc = def.no_calculable as { motivo: string; fuente_posible: string };
      expect(nc.motivo, String(def.id)).toMatch(/SIS 2024/);
      expect(nc.fuente_posible.length, String(def.id)).toBeGreaterThan(5);
      expect(def.numerador ?? def.denominador ?? def.agregados, String(def.id)).toBeUndefined();
    }
  });

  it("explains a definition SIS cannot compute by its reason, and a SIS aggregate by DGIS's texts", async () => {
    const nc = await runCli(["explain", "94", "--catalog", indicatorsDir]);
    expect(nc.code).toBe(0);
    expect(nc.stdout).toContain("  no calculable con las fuentes declaradas: El SIS 2024 no cuenta casos de tuberculosis");
    expect(nc.stdout).toContain("  otra fuente   Plataforma de Tuberculosis del SINAVE (DGE)");
    expect(nc.stdout).toContain("  resultados    estado no_calculable, sin valor");
    const sis = await runCli(["explain", "81b", "--catalog", indicatorsDir]);
    expect(sis.stdout.replace(/\s+/g, " ")).toContain("variables SIS 2024: ADM14 CONTROLADOS MUJER 20 A 59 (080); ADM15 CONTROLADOS MUJER 60 Y MÁS (080)");
  });

  it("lists them in masb list with their reason", async () => {
    const { code, stdout, stderr } = await runCli(["list", "--catalog", indicatorsDir]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^94 .*no calculable \(ver abajo\)$/m);
    expect(stdout).toContain("no calculables con las fuentes declaradas:");
    expect(stdout).toMatch(/^ {2}94: El SIS 2024 no cuenta casos de tuberculosis diagnosticados .* Fuente posible: Plataforma de Tuberculosis del SINAVE \(DGE\)/m);
    expect(stderr).toMatch(/^291 indicadores \(10 no calculables con las fuentes declaradas\)$/m);
  });
});

// ------------------------------------------------------------------------------------------

describe("validate on SIS variables", () => {
  /** The bundled catalog's texts, with one of them changed. */
  const texts = (patch: Record<string, (t: string) => string>) => {
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : /\.(yaml|csv)$/.test(e.name) ? [join(d, e.name)] : []));
    return walk(indicatorsDir).map((p) => {
      const path = relative(indicatorsDir, p);
      const text = readFileSync(p, "utf8");
      return { path, text: patch[path] ? patch[path](text) : text };
    });
  };
  const dictionaryPath = join("sources", "sis", "variables_2024.yaml");

  it("finds the bundled catalog clean", () => {
    expect(buildCatalog(texts({})).problems).toEqual([]);
  });

  it("refuses a dictionary text that is not DGIS's, at its line, with DGIS's text", () => {
    const { problems } = buildCatalog(texts({ [dictionaryPath]: (t) => t.replace('DET01: "DIABETES MELLITUS MUJER POSITIVO"', 'DET01: "DETECCIONES DE DIABETES EN 20 AÑOS Y MÁS"') }));
    const line = readFileSync(join(indicatorsDir, dictionaryPath), "utf8").split("\n").findIndex((l) => l.includes("DET01:")) + 1;
    expect(problems.map(({ code, file, line: l, column }) => ({ code, file, line: l, column }))).toEqual([{ code: "MASB_DICCIONARIO_TEXTO", file: dictionaryPath, line, column: 12 }]);
    expect(problems[0].hint).toContain("«DET01 DIABETES MELLITUS MUJER POSITIVO» (apartado 056 DETECCIONES)");
  });

  it("refuses a code DGIS's 2024 list does not have, and guesses the code from its text", () => {
    // The first version's CEX01 does not exist in 2024; its text "PRIMERA VEZ MUJERES DE < 1 AÑO" is CON01's.
    const { problems } = buildCatalog(texts({ [dictionaryPath]: (t) => t.replace("    CON01:", "    CEX01:") }));
    expect(problems.map((p) => p.code)).toEqual(expect.arrayContaining(["MASB_DICCIONARIO_VARIABLE"]));
    const p = problems.find((x) => x.code === "MASB_DICCIONARIO_VARIABLE")!;
    expect(p.message).toBe("la variable CEX01 no existe en el listado de variables SIS 2024 (LISTADO_VARIABLES_SIS_2024.csv)");
    expect(p.hint).toBe("¿quiso decir 'CON01'? (CON01 PRIMERA VEZ MUJERES DE < 1 AÑO, apartado 001 CONSULTA)");
  });

  it("says where to add a code that DGIS lists but the dictionary does not", () => {
    const { problems } = buildCatalog(texts({ [join("resultado", "104.yaml")]: (t) => t.replace("'DET26'", "'DET27'") }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "MASB_EXPR_CODIGO_DESCONOCIDO", file: join("resultado", "104.yaml") });
    expect(problems[0].message).toBe(`la variable 'DET27' no está en el diccionario SIS 2024 (${dictionaryPath})`);
    expect(problems[0].hint).toBe(`DET27 OBESIDAD HOMBRE POSITIVO (apartado 056 DETECCIONES) existe en el listado de 2024: si es la que busca, agréguela a ${dictionaryPath} en su apartado con ese texto`);
  });

  it("refuses summing the months of the diabetes census (81b without periodo: ultimo)", () => {
    const { problems } = buildCatalog(texts({ [join("salida", "81b.yaml")]: (t) => t.replace(/\n {4}periodo: ultimo/g, "") }));
    expect(problems.map((p) => p.code)).toEqual(["MASB_VARIABLE_ACUMULABLE", "MASB_VARIABLE_ACUMULABLE"]);
    expect(problems[0].message).toMatch(/^ADM14, ADM15, ADM17, ADM18 son acervos \(acumulable: no en el diccionario 2024/);
  });
});

// ------------------------------------------------------------------------------------------

describe("stocks take the last month of the window, never the sum", () => {
  const U1 = "GRIMB000001", N1 = "NTIMB000001";
  const adm = (clues: string, entidad: string, mes: number, treated: [number, number, number, number], controlled: [number, number, number, number]) => ({
    CLAVE_ENTIDAD: entidad, CLAVE_MUNICIPIO: "001", CLUES: clues, MES: mes, ANIO: 2024,
    ADM08: treated[0], ADM09: treated[1], ADM11: treated[2], ADM12: treated[3],
    ADM14: controlled[0], ADM15: controlled[1], ADM17: controlled[2], ADM18: controlled[3],
  });
  let catalog: Awaited<ReturnType<typeof loadCatalog>>;
  const run = async (ventana?: "acumulado_anual") => {
    const r = await compute(catalog, {
      clues: [unidad(U1, "12"), unidad(N1, "18")],
      sis: [
        adm(U1, "12", 1, [10, 10, 10, 10], [2, 2, 2, 2]),
        adm(U1, "12", 2, [11, 11, 11, 11], [3, 3, 3, 3]),
        adm(U1, "12", 3, [12, 12, 12, 14], [5, 5, 5, 5]),
        adm(N1, "18", 1, [5, 5, 5, 5], [1, 1, 1, 1]),
        adm(N1, "18", 2, [6, 6, 6, 7], [2, 2, 2, 3]), // N1 sent no March report
      ],
    } as never, { only: ["81b"], period: "2024-03", ventana });
    return (nivel: string, key = "") => r.rows.find((x) => x.nivel === nivel && (key === "" || x.clues === key || x.entidad === key))!;
  };
  beforeAll(async () => {
    catalog = await loadCatalog(indicatorsDir);
  });

  it("reads each unit's latest census in the month: March for U1, February for N1, which did not report in March", async () => {
    const at = await run();
    // U1 March: controlled 5 + 5 + 5 + 5 = 20 / in treatment 12 + 12 + 12 + 14 = 50 → 40.0
    expect(at("clues", U1)).toMatchObject({ numerador: "20", denominador: "50", valor: "40.0", estado: "ok" });
    // N1's latest is February: 2 + 2 + 2 + 3 = 9 / 6 + 6 + 6 + 7 = 25 → 36.0, incompleto (no March report)
    expect(at("clues", N1)).toMatchObject({ numerador: "9", denominador: "25", valor: "36.0", estado: "incompleto" });
    // nacional: (20 + 9) / (50 + 25) = 29 / 75 = 38.666… → 38.7
    expect(at("nacional")).toMatchObject({ numerador: "29", denominador: "75", valor: "38.7" });
  });

  it("gives the same over January–March: a census is not added up over months", async () => {
    const at = await run("acumulado_anual");
    // Summing would give U1 (8 + 12 + 20) / (40 + 44 + 50) = 40 / 134 = 29.9; the stock gives 20 / 50 again.
    expect(at("clues", U1)).toMatchObject({ numerador: "20", denominador: "50", valor: "40.0" });
    expect(at("nacional")).toMatchObject({ numerador: "29", denominador: "75", valor: "38.7" });
  });
});

// ------------------------------------------------------------------------------------------

describe("files of another year than the dictionary", () => {
  it("warns that 2025 files are read with the 2024 codes, naming the indicators", async () => {
    const catalog = await loadCatalog(indicatorsDir);
    const row = (anio: number) => ({ CLAVE_ENTIDAD: "12", CLAVE_MUNICIPIO: "001", CLUES: "GRIMB000001", MES: 1, ANIO: anio, REF01: 3, CON01: 40 });
    const r = await computeInside(catalog, { clues: [unidad("GRIMB000001", "12")], sis: [row(2024), row(2025)] } as never, { only: ["75e"], period: "2025-01" });
    const anio = avisosVariables(r.pass).filter((a) => a.code === "MASB_VARIABLES_ANIO");
    expect(anio.map(({ indicadores, anios }) => ({ indicadores, anios }))).toEqual([{ indicadores: ["75e"], anios: { archivos: [2024, 2025], diccionario: 2024 } }]);
    expect(anio[0].message).toBe("el extracto trae datos de 'sis' de 2025 y el indicador 75e lee las variables del diccionario 2024: los códigos cambian de un año a otro");
  });
});

describe("SIS files as DGIS publishes them: extra, missing and reordered variable columns", () => {
  // tests/fixtures/sis-real/: DA_EC_SIS_2024.csv (080: ADM… in descending order, with ADM02,
  // AHA08 and HBA01, which the catalog does not read, and without ADM17) and DA_CE_SIS_2024.csv
  // (ANIO before MES; only CON01, con07 in lower case and CON27 of the 45 consultas; CPA01;
  // CES06, not read), Latin-1, for GRIMB000012 (SAN JOSÉ) and NTIMB000022 of the mini extract,
  // January–March. No DA_DET file: the detections are not in the extract.
  const MINI = join(__dirname, "fixtures", "mini");
  const REAL = join(__dirname, "fixtures", "sis-real");
  let dir: string;
  let result: Awaited<ReturnType<typeof computeInside>>;
  const only = ["81b", "70e", "53f", "104"];
  const at = (id: string, nivel: string, key = "") => result.rows.find((r) => r.indicador === id && r.nivel === nivel && (key === "" || r.clues === key))!;
  beforeAll(async () => {
    dir = tempExtract(MINI, REAL);
    unlinkSync(join(dir, "DA_DET_SIS_2024.csv")); // the mini's own DET file: this extract has none
    // DA_CE_SIS_2024.csv of REAL replaced the mini's (same name)
    result = await computeInside(await loadCatalog(indicatorsDir), dir, { only, period: "2024-03" });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every row, and records the variable columns each file had, read or not", () => {
    const ce = result.files.find((f) => f.file === "DA_CE_SIS_2024.csv")!;
    const ec = result.files.find((f) => f.file === "DA_EC_SIS_2024.csv")!;
    expect([ce.read, ce.accepted, ce.rejected, ec.read, ec.accepted, ec.rejected]).toEqual([6, 6, 0, 6, 6, 0]);
    expect(ce.variables).toEqual(["CPA01", "CON27", "CON01", "CES06", "CON07"]);
    expect(ec.variables).toEqual(["ADM02", "ADM18", "ADM15", "ADM14", "AHA08", "ADM12", "ADM11", "ADM09", "ADM08", "HBA01"]);
  });

  it("sums the consultas the file has, whatever their order and case", () => {
    // GRIMB000012 March: CON01 100 + con07 200 + CON27 10 = 310 (CES06 12 is not read);
    // población 4 000 → 310 × 366 / 31 / 4 000 = 3 660 / 4 000 = 0.915 exactly → half-up 0.92
    expect(at("70e", "clues", "GRIMB000012")).toMatchObject({ numerador: "310", denominador: "4000", valor: "0.92" });
    // NTIMB000022 March: CON01 62 + con07 NULL + CON27 0 = 62 → 62 × 366 / 31 / 4 000 = 732 / 4 000 = 0.183 → 0.18
    expect(at("70e", "clues", "NTIMB000022")).toMatchObject({ numerador: "62", denominador: "4000", valor: "0.18" });
  });

  it("takes the March census of the reordered diabetes columns, without the missing ADM17", () => {
    // GRIMB000012 March: controlled ADM14 12 + ADM15 7 + ADM18 5 = 24; in treatment ADM08 22 + ADM09 16
    // + ADM11 13 + ADM12 9 = 60 → 40.0
    expect(at("81b", "clues", "GRIMB000012")).toMatchObject({ numerador: "24", denominador: "60", valor: "40.0", estado: "ok" });
    // NTIMB000022 March: 4 + 2 + 1 = 7 / 7 + 5 + 4 + 2 = 18 → 38.888… → 38.9
    expect(at("81b", "clues", "NTIMB000022")).toMatchObject({ numerador: "7", denominador: "18", valor: "38.9", estado: "ok" });
    // nacional: 31 / 78 = 39.743… → 39.7 (the other ten units of the mini sent no SIS file: incompleto)
    expect(at("81b", "nacional")).toMatchObject({ numerador: "31", denominador: "78", valor: "39.7", estado: "incompleto" });
  });

  it("gives sin_datos, not zero, to indicators none of whose variables the extract has", () => {
    for (const id of ["53f", "104"]) {
      expect(at(id, "nacional"), id).toMatchObject({ numerador: null, denominador: null, valor: null, estado: "sin_datos" });
      expect(at(id, "clues", "GRIMB000012").estado, id).toBe("sin_datos");
    }
  });

  it("returns a warning per aggregate that lacks variables, typed, naming them", () => {
    const avisos = avisosVariables(result.pass).map(({ code, fuente, indicadores, variables, leidas, sinDatos }) => ({ code, fuente, indicadores, n: variables.length, first: variables.slice(0, 3), leidas, sinDatos }));
    expect(avisos).toEqual([
      // catalog order: 53f, 70e, 81b, 104
      { code: "MASB_VARIABLES_AUSENTES", fuente: "sis", indicadores: ["53f"], n: 8, first: ["DET01", "DET25", "DET50"], leidas: 8, sinDatos: true },
      // 45 consultas, of which the file has CON01, CON07 and CON27
      { code: "MASB_VARIABLES_AUSENTES", fuente: "sis", indicadores: ["70e"], n: 42, first: ["CON02", "CON03", "CON04"], leidas: 45, sinDatos: false },
      { code: "MASB_VARIABLES_AUSENTES", fuente: "sis", indicadores: ["81b"], n: 1, first: ["ADM17"], leidas: 4, sinDatos: false },
      { code: "MASB_VARIABLES_AUSENTES", fuente: "sis", indicadores: ["104"], n: 4, first: ["DET01", "DET25", "DET02"], leidas: 4, sinDatos: true },
    ]);
  });

  it("prints the warnings on masb compute, and exits 0", async () => {
    const { code, stderr } = await runCli(["compute", dir, "--only", only.join(","), "--period", "2024-03", "--format", "csv", "--out", join(dir, "r.csv")]);
    expect(code).toBe(0);
    expect(stderr).toContain("aviso [MASB_VARIABLES_AUSENTES] ningún archivo de 'sis' del extracto trae ninguna de las 8 variables DET01, DET25, DET50, DET58, DET02, DET26, DET51, DET59: el indicador 53f sale con estado sin_datos\n");
    expect(stderr).toContain("aviso [MASB_VARIABLES_AUSENTES] los archivos de 'sis' del extracto no traen la variable ADM17 que lee el indicador 81b: se suman las que sí trae\n");
    expect(stderr).toContain("aviso [MASB_VARIABLES_AUSENTES] los archivos de 'sis' del extracto no traen 42 de las 45 variables CON02, CON03, CON04, CON05, CON06, CON08, CON09, CON10, CON11, CON12, CON13, CON14 y 30 más que lee el indicador 70e: se suman las que sí trae\n");
  });
});
