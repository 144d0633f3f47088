import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Hierarchy } from "../src/hierarchy/index.js";
import { parseMetas } from "../src/index.js";
import { overrideFor, unknownMetaUnits } from "../src/scoring/metas.js";
import { runCli } from "./helpers.js";
import { computeCsv, demo, patchedCatalog, rowAt, testCatalogDir, type CsvRow } from "./scoring-helpers.js";

const fixtures = join(__dirname, "fixtures", "metas");
const read = (name: string) => readFileSync(join(fixtures, name), "utf8");

describe("the metas file", () => {
  it("reads targets and bands by indicator and org unit", () => {
    const { metas, problems } = parseMetas(read("metas.csv"), { file: "metas.csv", catalog: patchedCatalog() });
    expect(problems).toEqual([]);
    expect(metas.byIndicator.get("C")?.get("entidad|18")).toMatchObject({ meta: "40", line: 2 });
    expect(metas.byIndicator.get("70e")?.get("nacional|")).toMatchObject({ meta: "2.7" });
    expect(metas.byIndicator.get("67")?.get("entidad|12")).toMatchObject({ meta: undefined, umbrales: { amarillo: 87, verde: 95 } });
  });

  it("reads what Excel saves: BOM, semicolons, CRLF, capitalised headers and levels", () => {
    const { metas, problems } = parseMetas(read("excel.csv"), { file: "excel.csv" });
    expect(problems).toEqual([]);
    expect(metas.byIndicator.get("C")?.get("entidad|18")).toMatchObject({ meta: "40", line: 2 });
  });

  it("reports every problem at once, each with its line, column and code", () => {
    const expected = JSON.parse(read("malos.esperado.json")) as { code: string; line: number; column?: number; hint?: string }[];
    const { metas, problems } = parseMetas(read("malos.csv"), { file: "malos.csv", catalog: patchedCatalog() });
    expect(problems.map((p) => ({ code: p.code, line: p.line, ...(p.column ? { column: p.column } : {}), ...(p.code.endsWith("DESCONOCIDO") ? { hint: p.hint } : {}) }))).toEqual(expected);
    // every one an error but the line that sets nothing (line 10), which is skipped with a warning
    expect(problems.every((p) => p.file === "malos.csv" && p.severity === (p.code === "MASB_METAS_VACIO" ? "aviso" : "error"))).toBe(true);
    // only the first line is kept
    expect([...metas.byIndicator.values()].reduce((n, m) => n + m.size, 0)).toBe(1);
  });

  it("applies the most specific line to a unit, field by field: unit, zona, región, entidad, nación", () => {
    const { metas } = parseMetas("indicador,nivel,clave,meta,umbral_amarillo,umbral_verde\nC,nacional,,10,50,60\nC,entidad,12,20,,\nC,zona,12-Z01,30,,\n", { file: "m.csv" });
    const unit = (nivel: "nacional" | "entidad" | "region" | "zona" | "clues", entidad = "", region = "", zona = "", clues = "") => ({ nivel, entidad, region, zona, clues });
    expect(overrideFor(metas, "C", unit("nacional"))).toEqual({ meta: "10", umbrales: { amarillo: 50, verde: 60 } });
    expect(overrideFor(metas, "C", unit("region", "12", "12-R01"))).toEqual({ meta: "20", umbrales: { amarillo: 50, verde: 60 } });
    expect(overrideFor(metas, "C", unit("clues", "12", "12-R01", "12-Z01", "GRIMB000377"))).toEqual({ meta: "30", umbrales: { amarillo: 50, verde: 60 } });
    expect(overrideFor(metas, "C", unit("entidad", "18"))).toEqual({ meta: "10", umbrales: { amarillo: 50, verde: 60 } });
    expect(overrideFor(metas, "70e", unit("entidad", "12"))).toEqual({});
  });

  it("warns once per org unit that is not in the extract", () => {
    const { metas } = parseMetas(read("otra_entidad.csv"), { file: "otra_entidad.csv" });
    const h = new Hierarchy([{ clues: "GRIMB000377", nombre: "H", entidad: "12", entidadNombre: "GUERRERO", jurisdiccion: "04", jurisdiccionNombre: "MONTAÑA", reporta: true }], new Map());
    // entidad 07 (lines 2 and 5), entidad 18 (line 3) and zona 07-Z01 (line 4) are not in a Guerrero-only hierarchy
    expect(unknownMetaUnits(metas, h).map((p) => [p.code, p.severity, p.line, p.value])).toEqual([
      ["MASB_METAS_CLAVE_DESCONOCIDA", "aviso", 2, "07"], ["MASB_METAS_CLAVE_DESCONOCIDA", "aviso", 3, "18"], ["MASB_METAS_CLAVE_DESCONOCIDA", "aviso", 4, "07-Z01"],
    ]);
  });
});

describe("--metas on the demo extract", () => {
  let rows: CsvRow[];
  beforeAll(async () => {
    rows = await computeCsv(["--period", "2024-03", "--only", "C,70e,67", "--by", "entidad,region,zona", "--metas", join(fixtures, "metas.csv")]);
  });

  it("sets a per-entidad target that applies to the entidad and everything below it", () => {
    // Nayarit's meta for C is 40: 40 / 37.9 = 1.0554 → capped 100.0 → verde (15 / 37.9 = 39.6 → rojo without it)
    expect(rowAt(rows, "C", "entidad:18")).toMatchObject({ valor: "37.9", meta: "40", logro: "100.0", semaforo: "verde" });
    expect(rowAt(rows, "C", "region:18-R02")).toMatchObject({ meta: "40" });
    // Guerrero keeps the catalog's 15: 15 / 35.6 = 42.13… → 42.1
    expect(rowAt(rows, "C", "entidad:12")).toMatchObject({ meta: "15", logro: "42.1", semaforo: "rojo" });
  });

  it("lets a zona target win over its entidad's", () => {
    // 12-Z01: 35 / 39.1 = 0.89514 → 89.5 → amarillo; its neighbour 12-Z02 keeps 15: 15 / 29.9 = 0.50167 → 50.2
    expect(rowAt(rows, "C", "zona:12-Z01")).toMatchObject({ valor: "39.1", meta: "35", logro: "89.5", semaforo: "amarillo" });
    expect(rowAt(rows, "C", "zona:12-Z02")).toMatchObject({ meta: "15", logro: "50.2" });
  });

  it("sets a run-wide target with nivel nacional", () => {
    // nacional: 97 960 consultas × 366/31 / 445 492 = 2.596… → 2.60; 2.60 / 2.7 = 0.96296 → 96.3;
    // Guerrero: 49 565 × 366/31 / 229 588 = 2.548… → 2.55; 2.55 / 2.7 = 0.94444 → 94.4;
    // zona 18-Z02: 10 220 × 366/31 / 50 873 = 2.371… → 2.37; 2.37 / 2.7 = 0.87777 → 87.8 → amarillo
    expect(rowAt(rows, "70e", "nacional:")).toMatchObject({ meta: "2.7", logro: "96.3", semaforo: "verde" });
    expect(rowAt(rows, "70e", "entidad:12")).toMatchObject({ meta: "2.7", logro: "94.4" });
    expect(rowAt(rows, "70e", "zona:18-Z02")).toMatchObject({ valor: "2.37", logro: "87.8", semaforo: "amarillo" });
  });

  it("sets per-entidad bands without touching the target", () => {
    // 67 in Guerrero: logro 3 / 3.49 = 86.0; with bands 87 / 95 that is rojo (amarillo under the defaults)
    expect(rowAt(rows, "67", "entidad:12")).toMatchObject({ meta: "3", logro: "86.0", semaforo: "rojo" });
    // zona 12-Z04 inherits them: 3 / 2.99 = 1.003 → 100.0 ≥ 95 → verde; Nayarit keeps the defaults: 3 / 3.85 = 77.9 → amarillo
    expect(rowAt(rows, "67", "zona:12-Z04")).toMatchObject({ logro: "100.0", semaforo: "verde" });
    expect(rowAt(rows, "67", "entidad:18")).toMatchObject({ logro: "77.9", semaforo: "amarillo" });
  });

  it("stops with exit 1 and every problem when the file has errors", async () => {
    const r = await runCli(["compute", demo, "--catalog", testCatalogDir(), "--only", "C", "--metas", join(fixtures, "malos.csv")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    // one format for every problem of a run: `error [CODE] file:line:column: message`
    expect(r.stderr).toMatch(/error \[MASB_METAS_INDICADOR_DESCONOCIDO\] \S*malos\.csv:3:1: /);
    expect(r.stderr).toMatch(/error \[MASB_CSV_NUM_CAMPOS\] \S*malos\.csv:11: /);
    expect(r.stderr).toContain("ninguna meta se aplicó");
  });

  it("warns about org units the extract does not have and goes on", async () => {
    const r = await runCli(["compute", demo, "--catalog", testCatalogDir(), "--only", "C", "--by", "entidad", "--format", "csv", "--metas", join(fixtures, "otra_entidad.csv")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/aviso \[MASB_METAS_CLAVE_DESCONOCIDA\] \S*otra_entidad\.csv:2: entidad '07' no está en el extracto; sus 2 renglones no se aplican/);
    expect(r.stdout).toContain("2024-03,entidad,18,,,,C,");
  });

  it("says which file is missing, as a usage error (exit 2) found before anything is read", async () => {
    const r = await runCli(["compute", demo, "--catalog", testCatalogDir(), "--only", "C", "--metas", join(fixtures, "no-existe.csv")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error [MASB_METAS_NO_EXISTE] no existe el archivo de metas");
    expect(r.stderr).not.toContain("leídos");
  });
});
