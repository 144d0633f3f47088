import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";
import { catalogDirWith, computeCsv, demo, rowAt, testCatalogDir } from "./scoring-helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "masb-report-"));

/** A tablero with nothing in it, to render one part alone. */
const emptyTablero = () => ({
  periodo: "2024-03", extracto: "vacío", indicadores: [], unidades: [], resultados: [], indices: [], serie: { meses: [], valores: {} },
  calidad: { archivos: [], rechazos: [], archivoRechazos: null, problemas: [], avisos: [], fuentesFaltantes: [], completitud: null, sinRegionalizacion: [] },
});

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
    // the trend (deliveries in Guerrero's network units): 35.6 in March, 37.7 in February (106 / 281), −2.1
    expect(at("entidad:12").slice(9)).toEqual(["2024-02", "37.7", "-2.1"]);
  });

  it("carries a monthly series at nacional and entidad level for the line charts", () => {
    const { serie } = pageData(html);
    // Months with data, at most 24 up to the period: deaths registered late reach back to 2022.
    expect(serie.meses.length).toBeLessThanOrEqual(24);
    expect(serie.meses.slice(-3)).toEqual(["2024-01", "2024-02", "2024-03"]);
    const last3 = (id: string, unit: string) => serie.valores[id][unit].slice(-3);
    // C in Guerrero (network deliveries): January 111 / 327 = 33.9, February 106 / 281 = 37.7, March 120 / 337 = 35.6
    expect(last3("C", "entidad:12")).toEqual(["33.9", "37.7", "35.6"]);
    // 134 over 12 months of residents' maternal deaths and births (every institution): ending
    // January 5 / 12 005 = 41.6, February 6 / 12 030 = 49.875 → 49.9, March 6 / 12 041 = 49.8
    expect(last3("134", "nacional:")).toEqual(["41.6", "49.9", "49.8"]);
    // before January 2023 SINAC has no rows: C's windows there are not covered, so no value (not a zero)
    const first = serie.meses.indexOf("2022-12");
    if (first >= 0) expect(serie.valores.C["entidad:12"][first]).toBeNull();
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
    // Births in other institutions and at home are valid rows out of the network's scope: counted, not rejected.
    expect(html).toMatch(/<td>sinac_2024\.csv<\/td><td class="num">3,040<\/td><td class="num">3,040<\/td><td class="num">0<\/td><td>red [\d,]+, residentes \d+<\/td>/);
    // GRIMB001761 (Atzacoaloya) sent no SIS row in February 2024 (fixtures/README.md): a centro de
    // salud sends the 7 SIS files of the demo each month → 7 × 3 = 21 expected, February's 7 missing
    expect(html).toMatch(/<b>GRIMB001761<\/b>[^<]*: faltan 7 de 21: DA_AUX_SIS_2024\.csv 2024-02;[^<]*DA_CE_SIS_2024\.csv 2024-02;/);
  });

  describe("says where the rejected rows are, as the run left them", () => {
    // The 2 rows of EGRESOS_2024.txt that the demo rejects (fixtures/README.md); B reads that file.
    const run = async (extra: string[]) => {
      const d = tmp();
      const r = await runCli(["report", demo, "--only", "B", "--period", "2024-03", "--html", join(d, "t.html"), ...extra.map((a) => a.replace("{d}", d))]);
      expect(r.code, r.stderr).toBe(0);
      return { d, page: readFileSync(join(d, "t.html"), "utf8") };
    };

    it("only counted, when the run wrote no rejections file", async () => {
      const { page } = await run([]);
      expect(page).toContain('data-rechazados="2"');
      expect(page).toContain("Esta corrida no guardó los renglones rechazados: aquí se cuentan por fuente y motivo;");
      expect(page).not.toContain('id="archivo-rechazos"');
    });

    it("in the file --rechazos wrote, named on the page, one line per rejected row", async () => {
      const { d, page } = await run(["--rechazos", "{d}/rechazados.csv"]);
      const rej = join(d, "rechazados.csv");
      expect(page).toContain(`Cada renglón rechazado queda, con su archivo, línea y motivo, en <code id="archivo-rechazos">${rej}</code>.`);
      expect(page).not.toContain("no guardó");
      expect(parse(readFileSync(rej, "utf8"), { columns: true })).toHaveLength(2);
    });
  });

  it("says nothing of a rejections file when no row was rejected", async () => {
    const { renderTablero } = await import("../src/index.js");
    // only the data-quality paragraph matters here: rendered from a tablero with no files and no rejections
    const text = /<p id="calidad-totales"[^]*?<\/p>/.exec(renderTablero(emptyTablero()))![0];
    expect(text).toContain("<b>0</b> rechazados (—).");
    expect(text).not.toMatch(/guardó|queda, con su/);
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
