import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";
import { catalogDirWith, computeCsv, demo, rowAt, testCatalogDir } from "./scoring-helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "masb-report-"));

/** The JSON the page's script reads. */
function pageData(html: string): {
  unidades: string[][];
  indicadores: { id: string; nombre: string }[];
  resultados: Record<string, unknown[][]>;
  indices: unknown[][];
  serie: { meses: string[]; valores: Record<string, Record<string, (string | null)[]>> };
} {
  const json = /<script type="application\/json" id="datos">([\s\S]*?)<\/script>/.exec(html)![1];
  return JSON.parse(json);
}

describe("masb report", () => {
  let dir: string;
  let html: string;
  let stderr: string;
  beforeAll(async () => {
    dir = tmp();
    const r = await runCli(["report", demo, "--catalog", testCatalogDir(), "--period", "2024-03", "--html", join(dir, "t.html"), "--indices", join(dir, "i.csv")]);
    expect(r.code, r.stderr).toBe(0);
    stderr = r.stderr;
    html = readFileSync(join(dir, "t.html"), "utf8");
  });

  it("writes one self-contained page that asks the browser for nothing", () => {
    expect(html.startsWith("<!DOCTYPE html>\n<html lang=\"es\">")).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|@import|url\(|\bsrc=|https?:\/\//i);
    expect(stderr).toMatch(/periodo 2024-03: 8 indicadores, .* tablero en .*t\.html/);
  });

  it("is in Spanish", () => {
    for (const text of ["Tablero de control MAS-BIENESTAR", "Resumen por entidad", "Clasificación", "Vista por indicador", "Calidad de los datos", "Catálogo"]) expect(html).toContain(text);
  });

  it("gives the same bytes for the same inputs", async () => {
    const again = join(dir, "otra.html");
    expect((await runCli(["report", demo, "--catalog", testCatalogDir(), "--period", "2024-03", "--html", again])).code).toBe(0);
    expect(readFileSync(again).equals(readFileSync(join(dir, "t.html")))).toBe(true);
  });

  it("carries the same values as masb compute, down to the zona and no further", async () => {
    const data = pageData(html);
    expect(new Set(data.unidades.map((u) => u[0]))).toEqual(new Set(["nacional", "entidad", "region", "zona"]));
    const rows = await computeCsv(["--period", "2024-03", "--only", "C", "--by", "entidad,zona"]);
    const at = (unit: string) => data.resultados.C.find((r) => { const u = data.unidades[r[0] as number]; return `${u[0]}:${u[1]}` === unit; })!;
    for (const unit of ["nacional:", "entidad:12", "entidad:18", "zona:12-Z01", "zona:12-J04"]) {
      const r = rowAt(rows, "C", unit);
      // [unit, numerador, denominador, valor, meta, logro, semaforo, estado, periodo, periodo_anterior, valor_anterior, cambio]
      expect(at(unit).slice(1, 8).map((x) => x ?? "")).toEqual([r.numerador, r.denominador, r.valor, r.meta, r.logro, r.semaforo, r.estado]);
    }
    // the trend: 35.0 in March, 36.6 in February (106 / 290), −1.6
    expect(at("entidad:12").slice(9)).toEqual(["2024-02", "36.6", "-1.6"]);
  });

  it("carries a monthly series at nacional and entidad level for the line charts", () => {
    const { serie } = pageData(html);
    expect(serie.meses).toEqual(["2024-01", "2024-02", "2024-03"]);
    // C in Guerrero: January 113 / 334 = 33.8, February 106 / 290 = 36.6, March 121 / 346 = 35.0
    expect(serie.valores.C["entidad:12"]).toEqual(["33.8", "36.6", "35.0"]);
    // 134 is a January–March window: the window ending in January starts in January too (covered)
    expect(serie.valores["134"]["nacional:"]).toEqual(["0.0", "158.7", "156.0"]);
  });

  it("writes the composite indices and rankings as CSV with --indices", () => {
    const rows = parse(readFileSync(join(dir, "i.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual(["periodo", "nivel", "entidad", "region", "zona", "clues", "agrupacion", "grupo", "indice", "semaforo", "indicadores", "evaluados", "sin_meta", "sin_dato", "lugar", "de"]);
    // C5 in Guerrero: 27 [42.2] and 67 [86.0] → 64.1, first of two (Nayarit: 57.7); see scoring-composite.test.ts
    expect(rows.find((r) => r.nivel === "entidad" && r.entidad === "12" && r.grupo === "C5")).toMatchObject({ indice: "64.1", semaforo: "rojo", evaluados: "2", sin_meta: "1", lugar: "1", de: "2" });
  });

  it("summarises the data quality of the run: rows read, rejected, completeness by unit", () => {
    const read = Number(/data-leidos="(\d+)"/.exec(html)![1]);
    const accepted = Number(/data-aceptados="(\d+)"/.exec(html)![1]);
    const rejected = Number(/data-rechazados="(\d+)"/.exec(html)![1]);
    expect(read).toBe(accepted + rejected);
    expect(rejected).toBeGreaterThan(0);
    expect(html).toContain("MASB_CLAVE_DESCONOCIDA");
    // GRIMB001761 (Atzacoaloya) sent no SIS row in February 2024 (fixtures/README.md)
    expect(html).toMatch(/<b>GRIMB001761<\/b>[^<]*: faltan \d+ de \d+: DA_CE_SIS_2024\.csv 2024-02;/);
  });

  it("shows each indicator's catalog definition", () => {
    expect(html).toContain('<details class="def-catalogo" id="def-C"><summary><b>C</b> Proporción de nacimientos por cesárea</summary>');
  });

  it("escapes catalog text, so that a name cannot close the script or inject markup", async () => {
    const catalog = catalogDirWith({ "salida/C.yaml": (t) => t.replace(/^nombre: .*$/m, 'nombre: "Cesáreas </script><script>alert(1)</script> & <b>"') });
    const out = join(tmp(), "x.html");
    expect((await runCli(["report", demo, "--catalog", catalog, "--only", "C", "--html", out])).code).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text.match(/<script/g)).toHaveLength(2);
    expect(text).toContain("Cesáreas &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;");
    expect(pageData(text).indicadores[0].nombre).toBe("Cesáreas </script><script>alert(1)</script> & <b>");
  });

  it("is a usage error without --html", async () => {
    const r = await runCli(["report", demo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--html");
  });
});
