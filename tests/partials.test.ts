import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCatalog, type Catalog } from "../src/index.js";
import { ingestPartials, partialsCsv, definitionHash, PARTIALS_COLUMNS } from "../src/engine/partials.js";
import { planFor } from "../src/engine/plan.js";
import { runCli } from "./helpers.js";

/**
 * Partial sums as a file (README, "Heavy pass in your own database"): what the streaming pass
 * leaves, written with --escribir-parciales and read back with --parciales, gives the same
 * results, byte for byte; and a file written by hand evaluates to values worked out by hand.
 */

const DEMO = resolve(import.meta.dirname, "../fixtures/demo");
const dir = mkdtempSync(join(tmpdir(), "masb-parciales-"));
const at = (f: string) => join(dir, f);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

describe("streaming → partial sums → --parciales", () => {
  beforeAll(async () => {
    const run = await runCli(["compute", DEMO, "--escribir-parciales", at("demo.csv"), "--out", at("stream.csv"), "--rechazos", at("r.csv")]);
    expect(run.code).toBe(0);
  });

  it.each([
    ["the default window of each indicator", []],
    ["--ventana mes", ["--ventana", "mes"]],
    ["--ventana 12_meses", ["--ventana", "12_meses"]],
  ])("gives byte-identical results, every indicator and level: %s", async (_, extra) => {
    const stream = await runCli(["compute", DEMO, "--format", "csv", "--rechazos", at("r2.csv"), ...extra]);
    const partial = await runCli(["compute", "--parciales", at("demo.csv"), "--format", "csv", ...extra]);
    expect(stream.code).toBe(0);
    expect(partial.code).toBe(0);
    expect(partial.stdout.length).toBeGreaterThan(1_000_000);
    expect(partial.stdout).toBe(stream.stdout);
  });

  it("gives the same trend, intervals and earlier period as the pass", async () => {
    const extra = ["--period", "2024-02", "--tendencia", "--ic", "--format", "csv"];
    const stream = await runCli(["compute", DEMO, "--rechazos", at("r3.csv"), ...extra]);
    const partial = await runCli(["compute", "--parciales", at("demo.csv"), ...extra]);
    expect(partial.stdout).toBe(stream.stdout);
  });

  it("says the same warnings and file counts on standard error", async () => {
    const stream = await runCli(["compute", DEMO, "--rechazos", at("r4.csv"), "--format", "csv"]);
    const partial = await runCli(["compute", "--parciales", at("demo.csv"), "--format", "csv"]);
    const lines = (s: string) => s.split("\n").filter((l) => l && !l.startsWith("periodo "));
    expect(lines(partial.stderr)).toEqual(lines(stream.stderr));
  });

  it("writes the same file again from a pass read from it", async () => {
    const text = readFileSync(at("demo.csv"), "utf8");
    const pass = await ingestPartials(catalog, [text], "demo.csv");
    expect([...partialsCsv(pass)].join("")).toBe(text);
  });

  it("evaluates a subset of the indicators it was written for with --only", async () => {
    const stream = await runCli(["compute", DEMO, "--only", "83b,C9", "--rechazos", at("r5.csv"), "--format", "csv"]);
    const partial = await runCli(["compute", "--parciales", at("demo.csv"), "--only", "83b,C9", "--format", "csv"]);
    expect(partial.stdout).toBe(stream.stdout);
  });

  it("has the nine columns and lists its records by kind", () => {
    const rows = parse(readFileSync(at("demo.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([...PARTIALS_COLUMNS]);
    expect(rows[0]).toMatchObject({ registro: "formato", valor: "masb-parciales", n: "1" });
    const kinds = [...new Set(rows.map((r) => r.registro))];
    expect(kinds).toEqual(["formato", "meta", "agregado", "unidad", "archivo", "variable", "reporte", "filas", "suma", "distinto"]);
    // Sums are exact decimals with the aggregate's scale: finanzas' pesos have two decimals.
    const pesos = rows.filter((r) => r.registro === "suma" && r.fuente === "finanzas");
    expect(pesos.length).toBeGreaterThan(0);
    for (const r of pesos) expect(r.valor).toMatch(/^-?\d+\.\d{2}$/);
  });
});

describe("a partial-sums file written by hand", () => {
  // Two units of entidad 12 in one zona; March 2024 discharges of 83b (deaths / discharges × 100,
  // two decimals): A 1 of 40, B 3 of 60.
  const file = (lines: string[]) => `${PARTIALS_COLUMNS.join(",")}\n${lines.join("\n")}\n`;
  const header = () => {
    const plan = planFor(catalog, [catalog.byId.get("83b")!]);
    const [num, den] = [...plan.sources.get("egresos")!.slots];
    return [
      "formato,,,,,,,masb-parciales,1",
      "meta,,,,,,indicadores,83b,",
      `agregado,egresos,,,,,83b.denominador,${definitionHash(den.aggregate.key)},0`,
      `agregado,egresos,,,,,83b.numerador,${definitionHash(num.aggregate.key)},0`,
      ...["A", "B"].flatMap((u) => [
        `unidad,clues,,,clues,GRIMB00000${u},entidad,12,`, `unidad,clues,,,clues,GRIMB00000${u},entidad_nombre,GUERRERO,`,
        `unidad,clues,,,clues,GRIMB00000${u},nombre,UNIDAD ${u},`, `unidad,clues,,,clues,GRIMB00000${u},reporta,1,`,
        `unidad,clues,,,clues,GRIMB00000${u},region,12-R01,`, `unidad,clues,,,clues,GRIMB00000${u},region_nombre,REGION 1,`,
        `unidad,clues,,,clues,GRIMB00000${u},zona,12-Z01,`, `unidad,clues,,,clues,GRIMB00000${u},zona_nombre,ZONA 1,`,
      ]),
      "archivo,clues,CLUES.csv,,,,aceptados,2,", "archivo,clues,CLUES.csv,,,,leidos,2,", "archivo,clues,CLUES.csv,,,,rechazados,0,",
      "archivo,regionalizacion,regionalizacion.csv,,,,aceptados,2,", "archivo,regionalizacion,regionalizacion.csv,,,,leidos,2,",
      "archivo,regionalizacion,regionalizacion.csv,,,,rechazados,0,",
      "archivo,egresos,EGRESOS.txt,,,,aceptados,100,", "archivo,egresos,EGRESOS.txt,,,,leidos,101,", "archivo,egresos,EGRESOS.txt,,,,rechazados,1,",
    ];
  };
  const data = [
    "filas,egresos,,2024-03,clues,GRIMB00000A,,40,", "filas,egresos,,2024-03,clues,GRIMB00000B,,60,",
    "suma,egresos,,2024-03,clues,GRIMB00000A,83b.denominador,40,", "suma,egresos,,2024-03,clues,GRIMB00000A,83b.numerador,1,",
    "suma,egresos,,2024-03,clues,GRIMB00000B,83b.denominador,60,", "suma,egresos,,2024-03,clues,GRIMB00000B,83b.numerador,3,",
  ];

  it("rolls the sums up and evaluates them at every level", async () => {
    writeFileSync(at("mano.csv"), file([...header(), ...data]));
    const run = await runCli(["compute", "--parciales", at("mano.csv"), "--format", "csv"]);
    expect(run.code).toBe(0);
    const rows = parse(run.stdout, { columns: true }) as Record<string, string>[];
    const got = rows.map((r) => [r.nivel, r.clues || r.zona || r.region || r.entidad || r.nivel, r.numerador, r.denominador, r.valor, r.estado].join(" "));
    expect(got).toEqual([
      "nacional nacional 4 100 4.00 ok", // (1 + 3) / (40 + 60) × 100
      "entidad 12 4 100 4.00 ok",
      "region 12-R01 4 100 4.00 ok",
      "zona 12-Z01 4 100 4.00 ok",
      "clues GRIMB00000A 1 40 2.50 ok", // 1 / 40 × 100
      "clues GRIMB00000B 3 60 5.00 ok", // 3 / 60 × 100
    ]);
    // 2 + 2 + 101 rows of the hierarchy's files and the discharges', as the file says; no warning.
    expect(run.stderr).toContain("105 renglones leídos, 1 rechazados");
    expect(run.stderr).not.toContain("aviso");
  });

  it("takes empty fields as NULL or as quoted empty texts, and a BOM, as databases export them", async () => {
    const quoted = [...header(), ...data].map((l) => l.replace(/,,/g, ',"",').replace(/,$/, ',""'));
    writeFileSync(at("comillas.csv"), `\uFEFF${file(quoted)}`);
    const a = await runCli(["compute", "--parciales", at("mano.csv"), "--format", "csv"]);
    const b = await runCli(["compute", "--parciales", at("comillas.csv"), "--format", "csv"]);
    expect(b.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it.each([
    ["a record before the kinds it follows", (h: string[]) => [...h.slice(0, 20), data[0], ...h.slice(20)], "MASB_PARCIALES_ORDEN", 23],
    ["another version of the format", (h: string[]) => ["formato,,,,,,,masb-parciales,9", ...h.slice(1)], "MASB_PARCIALES_VERSION", 2],
    ["an aggregate defined otherwise", (h: string[]) => h.map((l) => l.replace(/83b\.numerador,[0-9a-f]+/, "83b.numerador,0000000000000000")), "MASB_PARCIALES_CATALOGO", 5],
    ["a sum for a unit it does not list", (h: string[]) => [...h, "suma,egresos,,2024-03,clues,GRIMB00000Z,83b.numerador,1,"], "MASB_PARCIALES_CLAVE", 31],
    ["a sum that is not an exact number", (h: string[]) => [...h, "suma,egresos,,2024-03,clues,GRIMB00000A,83b.numerador,1.5e3,"], "MASB_PARCIALES_VALOR", 31],
  ])("refuses %s, with the file and line", async (_, edit, code, line) => {
    writeFileSync(at("malo.csv"), file(edit(header())));
    const run = await runCli(["compute", "--parciales", at("malo.csv"), "--format", "csv"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error [${code}] ${at("malo.csv")}:${line}:`);
    expect(run.stdout).toBe("");
  });
});

describe("the options of --parciales", () => {
  it.each([
    [["compute"], "MASB_USO_FALTA_ARGUMENTO"],
    [["compute", DEMO, "--parciales", "x.csv"], "MASB_OPCION_NO_APLICA"],
    [["compute", "--parciales", "x.csv", "--strict"], "MASB_OPCION_NO_APLICA"],
    [["compute", "--parciales", "x.csv", "--rechazos", "r.csv"], "MASB_OPCION_NO_APLICA"],
    [["compute", "--parciales", join(dir, "no-existe.csv")], "MASB_PARCIALES_NO_EXISTE"],
    [["compute", DEMO, "--escribir-parciales", join(dir, "no", "existe.csv")], "MASB_CARPETA_NO_EXISTE"],
  ])("refuses %j before reading anything (exit 2)", async (args, code) => {
    const run = await runCli(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [${code}]`);
  });
});
