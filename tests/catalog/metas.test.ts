import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { metaCitation } from "../../src/cli/commands/metas.js";
import { parseMetas, type Catalog } from "../../src/index.js";
import { readCatalog } from "../../src/node/catalog.js";
import { runCli } from "../helpers.js";
import { DOCUMENTOS } from "./metas-documentos.js";

const root = join(__dirname, "..", "..");
const demo = join(root, "fixtures", "demo");


/** Words that say where in a document the figure is: a section, table, target, clause… */
const LOCATOR = /\b(secci[oó]n|numeral|apartado|art[ií]culo|cap[ií]tulo|tabla|cuadro|anexo|paso|requerimiento|inciso|factor clave|meta \d|meta mundial|metas? (?:de cobertura )?para \d{4}|metas \d+-\d+-\d+|objetivo|indicador|pilar|recomendaci[oó]n|recomienda|resoluci[oó]n|target|calificaci[oó]n|umbral|gu[ií]a|valor de referencia|PI-\d|C\d\.\d|ODS \d)/i;

/** Values a target can take in the indicator's unit. */
function possible(unidad: string, meta: number): boolean {
  if (unidad === "porcentaje") return meta >= 0 && meta <= 100;
  if (unidad === "indice") return true;
  return meta >= 0;
}

describe("the catalog's targets", () => {
  let catalog: Catalog;
  beforeAll(async () => {
    const r = await readCatalog(join(root, "indicators"));
    expect(r.problems.filter((p) => p.severity === "error")).toEqual([]);
    catalog = r.catalog;
  });

  it("each has a target citing its source, or says why it has none", () => {
    const neither = catalog.indicators.filter((i) => i.def.meta === undefined && !i.def.sin_meta).map((i) => i.id);
    expect(neither).toEqual([]);
  });

  it("cite, next to the figure, a known document, its year and where in it the figure is", () => {
    const bad: string[] = [];
    for (const i of catalog.indicators.filter((x) => x.def.meta !== undefined)) {
      const sentence = metaCitation(i.def);
      if (!sentence) bad.push(`${i.id}: no sentence states "Meta ${i.def.meta}"`);
      else if (!DOCUMENTOS.some(([, re]) => re.test(sentence))) bad.push(`${i.id}: no known document in «${sentence}»`);
      else if (!/\b(19|20)\d{2}\b/.test(sentence)) bad.push(`${i.id}: no year in «${sentence}»`);
      else if (!LOCATOR.test(sentence.replace(/^.*?\bMeta [\d.]+/i, ""))) bad.push(`${i.id}: no section, table or clause in «${sentence}»`);
    }
    expect(bad).toEqual([]);
  });

  it("are values the unit can take (a percentage 0–100, rates and counts not negative)", () => {
    const impossible = catalog.indicators.filter((i) => i.def.meta !== undefined && !possible(i.def.unidad, i.def.meta)).map((i) => `${i.id} ${i.def.meta} ${i.def.unidad}`);
    expect(impossible).toEqual([]);
  });

  it("count as the README says, and the README lists every indicator without one with its reason", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const cited = catalog.indicators.filter((i) => i.def.meta !== undefined).length;
    const total = catalog.indicators.length;
    expect(readme).toContain(`**${cited} of ${total}** indicators have a target citing its source`);
    for (const i of catalog.indicators.filter((x) => x.def.meta === undefined)) {
      expect(readme, `README: falta ${i.id} en la lista de indicadores sin meta`).toContain(`| \`${i.id}\` | ${i.def.sin_meta} |`);
    }
    // and each document cited appears in the README's table of sources
    for (const [nombre, re] of DOCUMENTOS) {
      const uses = catalog.indicators.filter((i) => i.def.meta !== undefined && re.test(metaCitation(i.def) ?? "")).length;
      if (uses) expect(readme, `README: falta la fuente ${nombre}`).toContain(`| ${nombre} | ${uses} |`);
    }
  });

  it("take the direction into account: a target of 0 only where lower is better and zero is the norm's figure", () => {
    const zeros = catalog.indicators.filter((i) => i.def.meta === 0).map((i) => `${i.id} ${i.def.sentido}`);
    expect(zeros).toEqual(["114 menor_es_mejor"]);
  });
});

describe("targets found in the second round score on the demo extract (March 2024, by entidad)", () => {
  let rows: Record<string, string>[];
  beforeAll(async () => {
    const r = await runCli(["compute", demo, "--period", "2024-03", "--only", "91,127,64", "--by", "entidad", "--format", "csv", "--rechazos", join(mkdtempSync(join(tmpdir(), "masb-metas2-")), "r.csv")]);
    expect(r.code, r.stderr).toBe(0);
    rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
  });
  const at = (id: string, entidad: string) => rows.find((x) => x.indicador === id && x.nivel === "entidad" && x.entidad === entidad);

  it("91 against EPMM's 90%: Guerrero in the amarillo band", () => {
    // 369 / 463 × 100 = 79.697… → 79.7; 79.7 / 90 = 0.88555… → 88.6 → amarillo (70 ≤ 88.6 < 90)
    expect(at("91", "12")).toMatchObject({ numerador: "369", denominador: "463", valor: "79.7", meta: "90", logro: "88.6", semaforo: "amarillo" });
  });

  it("127 against EPMM's 65%: Guerrero just below it, verde", () => {
    // 38 942.41 / 62 079.57 × 100 = 62.730… → 62.7; 62.7 / 65 = 0.96461… → 96.5 → verde (≥ 90)
    expect(at("127", "12")).toMatchObject({ valor: "62.7", meta: "65", logro: "96.5", semaforo: "verde" });
  });

  it("64 against NOM-027-SSA3-2013's 100%: Nayarit, half of its hospitals", () => {
    // 2 hospitals of 4 evaluated in U-64 → 50.0; 50.0 / 100 → 50.0 → rojo
    expect(at("64", "18")).toMatchObject({ numerador: "2", denominador: "4", valor: "50.0", meta: "100", logro: "50.0", semaforo: "rojo" });
  });
});

describe("masb metas --plantilla", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "masb-plantilla-"));
  });

  it("writes one row per indicator and entidad of the extract, that --metas reads back as the catalog's targets", async () => {
    const out = join(dir, "metas.csv");
    const r = await runCli(["metas", "--plantilla", "--data", demo, "--only", "27,C,71,1", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, "utf8");
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    // 4 indicators × the demo's 2 entidades (12 Guerrero, 18 Nayarit); NE, the entidad of rows without one, is left out
    expect(rows.map((x) => `${x.indicador} ${x.nivel} ${x.clave} ${x.meta}`)).toEqual([
      "1 entidad 12 100", "1 entidad 18 100",
      "27 entidad 12 4.45", "27 entidad 18 4.45",
      "71 entidad 12 ", "71 entidad 18 ",
      "C entidad 12 15", "C entidad 18 15",
    ]);
    expect(rows[2]).toMatchObject({ nombre: "GUERRERO", unidad_medida: "por_1000", sentido: "mayor es mejor" });
    expect(rows[2].fuente_meta).toMatch(/^Meta 4\.45 por 1 000: .*Workforce 2030 \(WHO, 2016\)/);
    expect(rows[4].fuente_meta).toMatch(/^sin meta en el catálogo: /);
    expect(r.stderr).toContain("plantilla de metas: 8 renglones (4 indicadores × entidades); 3 indicadores traen la meta del catálogo y 1 van vacíos para llenar");

    const { metas, problems } = parseMetas(text, { file: out, catalog: (await readCatalog(join(root, "indicators"))).catalog });
    // the two rows of 71 set nothing: skipped, with one warning
    expect(problems).toEqual([expect.objectContaining({ code: "MASB_METAS_VACIO", severity: "aviso", line: 6 })]);
    expect(metas.byIndicator.get("27")?.get("entidad|12")).toMatchObject({ meta: "4.45" });
    expect(metas.byIndicator.get("C")?.get("entidad|18")).toMatchObject({ meta: "15" });
    expect(metas.byIndicator.get("1")?.get("entidad|18")).toMatchObject({ meta: "100" });
    expect(metas.byIndicator.has("71")).toBe(false);
  });

  it("gives every indicator of the catalog its target back, and compute scores the same with it as without it", async () => {
    const out = join(dir, "todo.csv");
    expect((await runCli(["metas", "--plantilla", "--data", demo, "--out", out])).code).toBe(0);
    const catalog = (await readCatalog(join(root, "indicators"))).catalog;
    const { metas, problems } = parseMetas(readFileSync(out, "utf8"), { file: out, catalog });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    for (const i of catalog.indicators) {
      const lines = [...(metas.byIndicator.get(i.id)?.values() ?? [])];
      if (i.def.meta === undefined) expect(lines).toEqual([]);
      else expect(lines.length > 0 && lines.every((l) => Number(l.meta) === i.def.meta), i.id).toBe(true);
    }
    const args = ["compute", demo, "--only", "27,C,1,134", "--by", "entidad", "--format", "csv", "--rechazos", join(dir, "r.csv")];
    const plain = await runCli(args);
    const withTemplate = await runCli([...args, "--metas", out]);
    expect(withTemplate.code, withTemplate.stderr).toBe(0);
    expect(withTemplate.stdout).toBe(plain.stdout);
  });

  it("writes zona rows, and entidad rows for an indicator reported from the entidad up", async () => {
    const r = await runCli(["metas", "--plantilla", "--data", demo, "--nivel", "zona", "--only", "27,1"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    // 1 (entidades con coordinación multisectorial) is measured per entidad: its rows stay there
    expect(rows.filter((x) => x.indicador === "1").map((x) => `${x.nivel} ${x.clave}`)).toEqual(["entidad 12", "entidad 18"]);
    // 27 has a row per zona of the demo: Guerrero's five (four ZSM and the jurisdicción of the unit without regionalisation) and Nayarit's four
    expect(rows.filter((x) => x.indicador === "27").map((x) => x.clave)).toEqual(["12-Z01", "12-Z02", "12-Z03", "12-Z04", "12-J04", "18-Z01", "18-Z02", "18-Z03", "18-Z04"]);
  });

  it("refuses a folder that does not exist, like --out elsewhere, and says in Spanish what is missing", async () => {
    const missing = await runCli(["metas", "--plantilla", "--data", demo, "--out", join(dir, "no-existe", "m.csv")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error [MASB_CARPETA_NO_EXISTE] --out");
    const noData = await runCli(["metas", "--plantilla"]);
    expect(noData.code).toBe(2);
    expect(noData.stderr).toContain("--plantilla necesita --data <extracto>");
    const nothing = await runCli(["metas", "--data", demo]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("masb metas --plantilla");
    const excel = await runCli(["metas", "--plantilla", "--data", demo, "--out", join(dir, "m.xlsx")]);
    expect(excel.code).toBe(2);
    expect(excel.stderr).toContain("la plantilla es CSV");
  });
});
