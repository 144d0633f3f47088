import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { drillDown, loadCatalog, openExtract } from "../src/index.js";
import { runCli } from "./helpers.js";
import { catalogDirWith } from "./scoring-helpers.js";

const demo = join(__dirname, "..", "fixtures", "demo");
const small = join(__dirname, "fixtures", "explain");
const onSmall = (...args: string[]) => runCli(["explain", ...args, "--catalog", join(small, "catalogo"), "--data", join(small, "extracto")]);
/** The part of the output after the definition: the drill-down. */
const drill = (stdout: string) => stdout.slice(stdout.indexOf("Datos de "));

describe("masb explain <id>: the definition in words", () => {
  it("says what the indicator measures, how it is scored and where it comes from", async () => {
    const { code, stdout } = await runCli(["explain", "85"]);
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe("Indicador 85 · Ocupación hospitalaria");
    expect(lines).toContain("  valor = numerador / denominador × 100 (porcentaje), 1 decimal, redondeo half-up");
    expect(lines).toContain("  numerador     dias_paciente");
    expect(lines).toContain("  denominador   camas * dias_periodo");
    expect(stdout).toMatch(/dias_paciente {2}suma de `dias_estancia` en egresos \(todos los renglones\)/);
    expect(lines).toContain("  meta          85 %");
    expect(stdout).toMatch(/fuente {8}Plan de implementación MAS-BIENESTAR, Tabla 1, clave 85/);
    expect(stdout).toMatch(/método {8}Días-paciente entre días-cama/);
    expect(lines).toContain("  componentes   C8");
    expect(lines).toContain("  fases         2 operación-continuidad, 3 consolidación-evaluación");
  });

  it("describes an inline aggregate with its source and filter, and lists aliases", async () => {
    const stdout = (await runCli(["explain", "134"])).stdout.replace(/\s+/g, " ");
    expect(stdout).toContain("número de renglones de defunciones que cumplen `razon_materna = '1' o razon_materna es nulo y cie(causa, 'O00-O95', 'O98-O99', 'A34')`");
    // The births of the denominator are SINAC's residents' universe, attached by the mother's residence.
    expect(stdout).toContain("número de renglones de nacimientos (todos los renglones); universo residentes, asignados por entidad_residencia (entidad)");
    expect(stdout).toContain("universo residentes: todas las personas residentes de la entidad (por residencia)");
  });

  it("says which indicator a derived aggregate comes from", async () => {
    const { stdout } = await runCli(["explain", "R1", "--catalog", join(small, "catalogo")]);
    expect(stdout).toContain("defunciones  numerador del indicador 83b (Mortalidad hospitalaria)");
    expect(stdout).toMatch(/dias_cama {4}denominador del indicador 85 \(Ocupación hospitalaria\): dias_cama\.camas \*/);
  });

  it("exits 2 for an unknown id and suggests the one meant", async () => {
    const { code, stderr } = await runCli(["explain", "83c", "--catalog", join(small, "catalogo")]);
    expect(code).toBe(2);
    expect(stderr).toContain("'83c' no es un id ni un alias del catálogo; ¿quiso decir '83b'?");
  });
});

describe("masb explain --data --unit on the demo extract", () => {
  it("shows why zona 12-Z04 is red on 83b: its arithmetic, the rows behind it and its units", async () => {
    // Worked from fixtures/demo/EGRESOS_2024.txt (header = line 1), rows with CLUES GRIMB002930 (the
    // only hospital of zona 12-Z04, TÉCPAN) and EGRESO in 2024-03:
    //   awk -F'|' '$2=="GRIMB002930" && substr($3,1,7)=="2024-03"' → 225 discharges, of which
    //   MOTEGRE ($29) = 5 on lines 4193 4194 4196 4199 4336 4519 4589 5010 5493 5677 6161 → 11 deaths.
    //   valor = 11 / 225 × 100 = 4.888… → 4.89 %; menor es mejor: logro = 3 / 4.89 × 100 = 61.34… → 61.3,
    //   rojo (logro < 70).
    // The catalog has no target for 83b (no norm sets a crude hospital mortality: README,
    // "Targets and their sources"); this test gives it the 3 % the arithmetic above uses.
    const catalog = catalogDirWith({ "salida/83b.yaml": (t) => t.replace(/^sin_meta: .*$/m, "meta: 3") }, ["salida/83b.yaml"]);
    const { code, stdout } = await runCli(["explain", "83b", "--data", demo, "--unit", "12-Z04", "--period", "2024-03", "--catalog", catalog]);
    expect(code).toBe(0);
    const lines = drill(stdout).split("\n");
    expect(lines[0]).toBe("Datos de demo, periodo 2024-03 (ventana mes: 1 mes, 31 días)");
    expect(lines[1]).toBe("zona 12-Z04 ZONA DE SERVICIOS MÉDICOS TÉCPAN");
    expect(lines[2]).toBe("  en entidad 12 GUERRERO › región 12-R02 REGIÓN COSTA");
    expect(lines.slice(4, 8)).toEqual([
      "  numerador        11",
      "  denominador     225",
      "  valor        4.89 %  = 11 / 225 × 100",
      "  meta            3 %  logro 61.3   semáforo ■ rojo   estado ok",
    ]);
    expect(lines).toContain("                          11 renglones en la ventana: EGRESOS_2024.txt líneas 4193, 4194, 4196, 4199, 4336, …");
    expect(lines.some((l) => l.startsWith("                          225 renglones en la ventana: EGRESOS_2024.txt líneas "))).toBe(true);
    // The children: the hospital carries everything; the 5 centros have no discharges (0 / 0).
    expect(lines).toContain("Desglose por unidad (6)");
    expect(lines.find((l) => l.startsWith("  GRIMB002930"))).toMatch(/^ {2}GRIMB002930 {2}HOSPITAL RURAL TÉCPAN DE GALEANA +11 +225 +4\.89 {2}■ rojo {6}ok$/);
    expect(lines.filter((l) => /^ {2}GRIMB\d+ .* 0 +0 +— {2}· sin dato {2}sin_denominador$/.test(l))).toHaveLength(5);
  });
});

describe("masb explain --data --unit on a hand-made extract (tests/fixtures/explain)", () => {
  // egresos_2024.csv, March 2024 (line 2 is February, outside the window):
  //   GRIMB000001 (zona 12-Z01): lines 3 4 6 7 9, MOTEGRE 5 on lines 4 and 7, DIAS_ESTA 3+4+2+5+1 = 15
  //   GRIMB000003 (zona 12-Z02): lines 5 8 10, MOTEGRE 5 on line 8, DIAS_ESTA 2+5+1 = 8
  //   camas: GRIMB000001 2, GRIMB000002 0, GRIMB000003 3

  it("lists every contributing row when there are few, and the zone's units", async () => {
    // 83b at 12-Z01: 2 / 5 × 100 = 40.00 %; logro = 3 / 40 × 100 = 7.5 → rojo
    const lines = drill((await onSmall("83b", "--unit", "12-Z01")).stdout).split("\n");
    expect(lines).toContain("  valor        40.00 %  = 2 / 5 × 100");
    expect(lines).toContain("  meta             3 %  logro 7.5   semáforo ■ rojo   estado ok");
    expect(lines).toContain("                          2 renglones en la ventana: egresos_2024.csv líneas 4, 7");
    expect(lines).toContain("                          5 renglones en la ventana: egresos_2024.csv líneas 3, 4, 6, 7, 9");
    expect(lines.slice(-3)).toEqual([
      "  GRIMB000001  HOSPITAL GENERAL ACAPULCO          2            5  40.00  ■ rojo      ok",
      "  GRIMB000002  CENTRO DE SALUD LA SABANA          0            0      —  · sin dato  sin_denominador",
      "",
    ]);
  });

  it("puts the values into an expression term", async () => {
    // 85 at 12-Z01: 15 / (2 camas × 31 días = 62) × 100 = 24.19… → 24.2 %
    const lines = drill((await onSmall("85", "--unit", "12-Z01")).stdout).split("\n");
    expect(lines).toContain("  numerador        15  = dias_paciente = 15");
    expect(lines).toContain("  denominador      62  = camas * dias_periodo = 2 * 31");
    expect(lines).toContain("  valor        24.2 %  = 15 / 62 × 100");
    expect(lines).toContain("                            2 unidades del catálogo CLUES");
  });

  it("expands a derived term down to the referenced indicator's aggregates", async () => {
    // R1 at the región: 3 deaths / (5 camas × 31 = 155) × 1 000 = 19.35…; its zonas 2/62 and 1/93
    const lines = drill((await onSmall("R1", "--unit", "12-R01")).stdout).split("\n");
    expect(lines).toContain("  denominador              155  = dias_cama = dias_cama.camas * dias_periodo = 5 * 31");
    expect(lines).toContain("  valor        19.35 por 1 000  = 3 / 155 × 1 000");
    expect(lines).toContain("Desglose por zona (2)");
    expect(lines.find((l) => l.startsWith("  12-Z02"))).toMatch(/ZONA RENACIMIENTO +1 +93 +10\.75/);
  });

  it("finds the unit at any level: a CLUES, an entidad, or a level written out", async () => {
    expect(drill((await onSmall("83b", "--unit", "GRIMB000003")).stdout).split("\n")[1]).toBe("unidad GRIMB000003 HOSPITAL GENERAL RENACIMIENTO");
    expect(drill((await onSmall("83b", "--unit", "12")).stdout).split("\n")[1]).toBe("entidad 12 GUERRERO");
    expect(drill((await onSmall("83b", "--unit", "zona:12-Z02")).stdout).split("\n")[1]).toBe("zona 12-Z02 ZONA RENACIMIENTO");
  });

  it("exits 2 for a unit the extract does not have, and for --unit without --data", async () => {
    const unknown = await onSmall("83b", "--unit", "12-Z09");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error \[MASB_UNIDAD_DESCONOCIDA\] '12-Z09' no es una CLUES, zona, región ni entidad/);
    expect((await runCli(["explain", "83b", "--unit", "12-Z01"])).code).toBe(2);
  });

  it("gives services the same drill-down as data", async () => {
    const catalog = await loadCatalog(join(small, "catalogo"));
    const { extract } = await openExtract(join(small, "extracto"), catalog);
    const d = await drillDown(catalog, extract, "83b", "12-Z01");
    expect(d.row).toMatchObject({ numerador: "2", denominador: "5", valor: "40.00", semaforo: "rojo" });
    expect(d.aggregates.map((a) => [a.name, a.value, a.rows.inWindow, a.rows.lines.map((l) => l.line)])).toEqual([
      ["numerador", "2", 2, [4, 7]],
      ["denominador", "5", 5, [3, 4, 6, 7, 9]],
    ]);
    expect(d.children.map((c) => [c.node.key, c.row?.valor ?? null])).toEqual([["GRIMB000001", "40.00"], ["GRIMB000002", null]]);
  });
});
