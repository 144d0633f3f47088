import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compute, loadCatalog, resultColumns } from "../src/index.js";
import { runCli } from "./helpers.js";

/**
 * One column set per option combination, one text per value, and no option silently ignored
 * (issue 17). Values hand-worked from fixtures/demo (fixtures/README.md), March 2024:
 *
 * - 1 (entidades with multisectoral coordination): Guerrero has it, Nayarit not → 1 / 2 × 100 = 50.0 %.
 * - C (births by caesarean section, network units), Guerrero: March 120 / 337 = 35.608… → 35.6;
 *   February 106 / 281 = 37.722… → 37.7; change 35.6 − 37.7 = −2.1. Wilson's 95 % interval for
 *   120 of 337: p = 0.35608, z² = 3.84146; centre (p + z²/2n) / (1 + z²/n) = 0.36178 / 1.01140
 *   = 0.35771; half-width z·√(p(1−p)/n + z²/4n²) / (1 + z²/n) = 1.95996 × 0.026246 / 1.01140
 *   = 0.05086 → 30.7 % to 40.9 %.
 */

const demo = join(__dirname, "..", "fixtures", "demo");
const SIXTEEN = "periodo,nivel,entidad,region,zona,clues,indicador,nombre,unidad,numerador,denominador,valor,meta,logro,semaforo,estado";
const scratch = mkdtempSync(join(tmpdir(), "masb-columnas-"));
/** `masb compute` on the demo, its rejections kept out of the working directory. */
const masb = (...args: string[]) => runCli(["compute", demo, "--rechazos", join(scratch, "r.csv"), ...args]);
const head = async (...args: string[]) => (await masb("--format", "csv", "--by", "entidad", ...args)).stdout.split("\n")[0];

describe("the columns of the results", () => {
  it("depend on the options only: valor_crudo always, then the trend and the bounds when asked for", () => {
    expect(resultColumns().join(",")).toBe(`${SIXTEEN},valor_crudo`);
    expect(resultColumns({ tendencia: true }).join(",")).toBe(`${SIXTEEN},periodo_anterior,valor_anterior,cambio,valor_crudo`);
    expect(resultColumns({ intervalos: 0.9 }).join(",")).toBe(`${SIXTEEN},valor_crudo,ic_inferior,ic_superior`);
    expect(resultColumns({ tendencia: true, intervalos: true }).join(",")).toBe(`${SIXTEEN},periodo_anterior,valor_anterior,cambio,valor_crudo,ic_inferior,ic_superior`);
  });

  it("are the same in the CSV whatever --only selects: a crude rate, a standardised one, a component", async () => {
    // 83b is a plain percentage; 140-e a directly standardised rate (it has a valor_crudo); C9 a component
    for (const only of ["83b", "140-e", "C9"]) {
      expect(await head("--only", only), only).toBe(`${SIXTEEN},valor_crudo`);
      expect(await head("--only", only, "--tendencia", "--ic"), only).toBe(`${SIXTEEN},periodo_anterior,valor_anterior,cambio,valor_crudo,ic_inferior,ic_superior`);
    }
  });

  it("are the keys of every JSON and NDJSON row, in the CSV's order", async () => {
    const json = JSON.parse((await masb("--only", "83b,140-e", "--by", "entidad", "--format", "json")).stdout) as Record<string, unknown>[];
    for (const row of json) expect(Object.keys(row).join(",")).toBe(`${SIXTEEN},valor_crudo`);
    const ndjson = (await masb("--only", "83b", "--by", "entidad", "--tendencia", "--format", "ndjson")).stdout.trim().split("\n");
    for (const line of ndjson) expect(Object.keys(JSON.parse(line)).join(",")).toBe(`${SIXTEEN},periodo_anterior,valor_anterior,cambio,valor_crudo`);
  });
});

describe("a value", () => {
  it("is the same text in the library, the CSV, JSON and NDJSON: 50.0, not 50", async () => {
    const { rows } = await compute(await loadCatalog(), demo, { only: ["1"], by: [], period: "2024-03" });
    expect(rows[0]).toMatchObject({ nivel: "nacional", numerador: "1", denominador: "2", valor: "50.0", logro: "50.0", valor_crudo: null });
    const csv = (await masb("--only", "1", "--by", "entidad", "--format", "csv")).stdout.split("\n");
    expect(csv[1]).toBe("2024-03,nacional,,,,,1,Entidades con coordinación multisectorial de salud en todas las políticas,porcentaje,1,2,50.0,100,50.0,rojo,ok,");
    const json = JSON.parse((await masb("--only", "1", "--by", "entidad", "--format", "json")).stdout) as Record<string, unknown>[];
    expect(json[0]).toMatchObject({ numerador: "1", denominador: "2", valor: "50.0", meta: "100", logro: "50.0", valor_crudo: null });
    const ndjson = JSON.parse((await masb("--only", "1", "--by", "entidad", "--format", "ndjson")).stdout.split("\n")[0]);
    expect(ndjson).toEqual(json[0]);
    expect(ndjson).toEqual(rows[0]);
  });
});

describe("the terminal table", () => {
  it("shows the bounds with --ic and the previous value and the change with --tendencia", async () => {
    const { stdout } = await masb("--only", "C", "--by", "entidad", "--period", "2024-03", "--ic", "--tendencia", "--format", "table");
    const [header, , , guerrero] = stdout.split("\n");
    expect(header.split(/\s{2,}/)).toEqual(["periodo", "indicador", "nivel", "unidad org.", "numerador", "denominador", "valor", "ic inferior", "ic superior", "valor anterior", "cambio", "meta", "semáforo", "estado"]);
    expect(guerrero.split(/\s{2,}/)).toEqual(["2024-03", "C", "entidad", "12", "120", "337", "35.6", "30.7", "40.9", "37.7", "-2.1", "15", "■ rojo", "ok"]);
  });

  it("keeps its ten columns without those options", async () => {
    const { stdout } = await masb("--only", "C", "--by", "entidad", "--format", "table");
    expect(stdout.split("\n")[0].split(/\s{2,}/)).toEqual(["periodo", "indicador", "nivel", "unidad org.", "numerador", "denominador", "valor", "meta", "semáforo", "estado"]);
  });
});

describe("an option that does not apply", () => {
  it.each([["--format", "json"], ["--format", "ndjson"], ["--format", "table"], ["--out", join(scratch, "x.json")]])(
    "--excel with %s %s is refused before anything is read, exit 2",
    async (flag, value) => {
      const r = await masb("--excel", flag, value);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^error \[MASB_OPCION_NO_APLICA\] --excel solo aplica al formato csv/);
      expect(r.stderr).not.toContain("leídos");
    },
  );

  it("--workers with --strict is said to be ignored: a strict run reads in one thread", async () => {
    const r = await masb("--only", "83b", "--strict", "--workers", "4", "--format", "csv");
    expect(r.stderr).toContain("aviso [MASB_OPCION_IGNORADA] --workers 4 no aplica con --strict: el extracto se lee en un solo hilo");
  });

  it("explain's --unit, --period and --lineas need --data: refused without it", async () => {
    const r = await runCli(["explain", "83b", "--period", "2024-03", "--lineas", "3"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error \[MASB_OPCION_NO_APLICA\] --period, --lineas necesitan --data <extracto>/);
  });
});
