import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

/**
 * Opens the tablero in headless Chromium (Debian's `chromium`, which `.ci/run` installs; this
 * test never downloads a browser) and checks it against `masb compute`. Where Chromium is not
 * installed the suite is skipped and says why.
 */
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!CHROMIUM) console.log("tests/browser.test.ts: se omite: no hay Chromium en /usr/bin/chromium (apt-get install -y chromium)");

const root = join(__dirname, "..");
const demo = join(root, "fixtures", "demo");
const artifacts = join(root, "tests", "artifacts");
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** Three indicators, checked number by number: a count-based ratio, an annualised rate, a lower-is-better percentage. */
const CHECKED = ["27", "70e", "C"];

type Row = Record<string, string>;
const plain = (s: string | null) => (s ?? "").replace(/,/g, "").trim();

describe.skipIf(!CHROMIUM)("the tablero in a browser", () => {
  let context: BrowserContext;
  let page: Page;
  let html: string;
  let csv: Row[];
  let totalRead: number;
  let htmlCatalogSize: number;
  const outside: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "masb-html-"));
    html = join(dir, "tablero.html");
    const report = await runCli(["report", demo, "--html", html, "--period", "2024-03"]);
    expect(report.code, report.stderr).toBe(0);
    const computed = await runCli(["compute", demo, "--period", "2024-03", "--by", "entidad,region,zona", "--format", "csv", "--rechazos", join(dir, "r.csv")]);
    expect(computed.code, computed.stderr).toBe(0);
    csv = parse(computed.stdout, { columns: true }) as Row[];
    htmlCatalogSize = Number(/: (\d+) indicadores/.exec(report.stderr)![1]);
    totalRead = Number(/([\d,]+) renglones leídos/.exec(computed.stderr)![1].replace(/,/g, ""));

    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "masb-chromium-")), {
      executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 1500 }, locale: "es-MX",
    });
    // Every request that does not stay on file: is recorded and refused.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) return route.continue();
      outside.push(url);
      return route.abort();
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (r) => { if (!r.url().startsWith("file:")) outside.push(r.url()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await page.goto(pathToFileURL(html).href);
    await page.waitForSelector("body[data-listo]", { timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  const row = (indicador: string, unit: string) => {
    const [nivel, clave] = unit.split(":");
    return csv.find((r) => r.indicador === indicador && r.nivel === nivel &&
      (nivel === "nacional" || (nivel === "entidad" ? r.entidad : nivel === "region" ? r.region : r.zona) === clave))!;
  };

  it("opens from disk in Spanish with no request leaving file: and no script error", async () => {
    expect(await page.getAttribute("html", "lang")).toBe("es");
    expect(await page.title()).toBe("Tablero de control MAS-BIENESTAR · 2024-03");
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("shows the summary by entidad with the semáforo as an icon and a word, not only a colour", async () => {
    const units = await page.$$eval("#tabla-resumen tbody tr:not([hidden])", (trs) => trs.map((tr) => tr.getAttribute("data-u")));
    expect(units).toEqual(["nacional:", "entidad:12", "entidad:18"]);
    const cell = page.locator('#tabla-resumen tr[data-u="entidad:12"] td[data-g="global|todos"]');
    const cls = (await cell.getAttribute("class"))!;
    const sem = /s-(verde|amarillo|rojo|sin_meta|sin_dato)/.exec(cls)![1];
    expect(await cell.locator(".ico").textContent()).toBe({ verde: "●", amarillo: "▲", rojo: "■", sin_meta: "○", sin_dato: "·" }[sem]);
    expect((await cell.locator(".sr").textContent())!.trim()).toBe(sem.replace("_", " "));
    expect(await cell.getAttribute("title")).toMatch(/indicadores evaluados/);
  });

  it("drills down from an entidad to its regiones and from a región to its zonas", async () => {
    await page.click('[data-toggle="entidad:12"]');
    expect(await page.isVisible('#tabla-resumen tr[data-u="region:12-R01"]')).toBe(true);
    expect(await page.isVisible('#tabla-resumen tr[data-u="zona:12-Z01"]')).toBe(false);
    await page.click('[data-toggle="region:12-R01"]');
    expect(await page.isVisible('#tabla-resumen tr[data-u="zona:12-Z01"]')).toBe(true);
    expect(await page.isVisible('#tabla-resumen tr[data-u="zona:12-Z02"]')).toBe(true);
    expect(await page.isVisible('#tabla-resumen tr[data-u="region:18-R01"]')).toBe(false);
  });

  it("ranks the entidades and the zonas of an entidad", async () => {
    const places = await page.$$eval("#ranking-entidades tbody tr td.lugar", (tds) => tds.map((td) => td.textContent));
    expect(places.length).toBe(2);
    expect(places[0]).toBe("1");
    const zonas = await page.$$eval("#ranking-zonas tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-u")));
    expect(zonas.every((z) => z!.startsWith("zona:12-"))).toBe(true);
  });

  it("filters the indicators by componente, fase and dimensión", async () => {
    // the catalog the report was made with, as the page carries it
    const indicators = JSON.parse((await page.locator("#datos").textContent())!).indicadores as { componentes: string[]; fases: number[]; dimension: string }[];
    expect(indicators.length).toBe(htmlCatalogSize);
    const count = (f: (c: string[], fases: number[], d: string) => boolean) => indicators.filter((i) => f(i.componentes, i.fases, i.dimension)).length;
    await page.selectOption("#f-componente", "C5");
    expect(await page.locator("#tabla-matriz tbody tr").count()).toBe(count((c) => c.includes("C5")));
    const groups = await page.$$eval('#tabla-resumen tr[data-u="nacional:"] td[data-g]', (tds) => tds.map((td) => td.getAttribute("data-g")));
    expect(groups.filter((g) => g!.startsWith("componente|"))).toEqual(["componente|C5"]);
    await page.selectOption("#f-fase", "1");
    await page.selectOption("#f-dimension", "estructura");
    expect(await page.locator("#tabla-matriz tbody tr").count()).toBe(count((c, f, d) => c.includes("C5") && f.includes(1) && d === "estructura"));
    await page.click("#f-limpiar");
    expect(await page.locator("#tabla-matriz tbody tr").count()).toBe(indicators.length);
  });

  it("shows the numbers of three indicators exactly as the CSV output does", async () => {
    for (const id of CHECKED) {
      await page.selectOption("#sel-indicador", id);
      for (const view of ["entidades", "zona:12", "zona:18"]) {
        await page.selectOption("#sel-unidades-ind", view);
        const shown = await page.$$eval("#tabla-indicador tbody tr", (trs) => trs.map((tr) => ({
          u: tr.getAttribute("data-u")!,
          numerador: tr.querySelector(".numerador")!.textContent, denominador: tr.querySelector(".denominador")!.textContent,
          valor: tr.querySelector(".valor")!.textContent, meta: tr.querySelector(".meta")!.textContent,
          logro: tr.querySelector(".logro")!.textContent, semaforo: tr.querySelector(".semaforo")!.getAttribute("data-semaforo"),
        })));
        expect(shown.length).toBeGreaterThan(2);
        for (const s of shown) {
          const r = row(id, s.u);
          expect({ u: s.u, numerador: plain(s.numerador), denominador: plain(s.denominador), valor: plain(s.valor), meta: plain(s.meta), logro: plain(s.logro), semaforo: s.semaforo })
            .toEqual({ u: s.u, numerador: r.numerador, denominador: r.denominador, valor: r.valor, meta: r.meta, logro: r.logro, semaforo: r.semaforo });
        }
      }
      expect(await page.locator("#grafica-barras rect").count()).toBeGreaterThan(0);
      expect(await page.locator("#grafica-meses path").count()).toBeGreaterThan(0);
    }
  });

  it("shows the catalog definition of an indicator on click", async () => {
    await page.click('#tabla-matriz button[data-def="C"]');
    const dialog = page.locator("#dlg-def");
    expect(await dialog.isVisible()).toBe(true);
    const text = (await dialog.textContent())!;
    expect(text).toContain("Proporción de nacimientos por cesárea");
    expect(text).toContain("menor es mejor");
    expect(text).toContain("RESOLUCIONEMBARAZO");
    await page.click("#dlg-cerrar");
    expect(await dialog.isVisible()).toBe(false);
  });

  it("shows the data-quality summary of the run", async () => {
    const totals = page.locator("#calidad-totales");
    expect(Number(await totals.getAttribute("data-leidos"))).toBe(totalRead);
    expect(Number(await totals.getAttribute("data-leidos"))).toBe(Number(await totals.getAttribute("data-aceptados")) + Number(await totals.getAttribute("data-rechazados")));
    expect(await page.locator("#tabla-archivos tbody tr").count()).toBeGreaterThan(10);
    // two units did not report in February (fixtures/README.md): the completeness table says so
    expect(await page.locator("#lista-faltantes").textContent()).toContain("GRIMB001761");
  });

  it("says the rejected rows were counted, not saved, when the report had no --rechazos", async () => {
    const text = (await page.locator("#calidad-totales").textContent())!;
    expect(text).toContain("Esta corrida no guardó los renglones rechazados");
    expect(text).not.toContain("en el archivo de rechazos de la corrida");
  });

  it("wraps the semáforo legend on a 420 px screen instead of running off it", async () => {
    mkdirSync(artifacts, { recursive: true });
    await page.setViewportSize({ width: 420, height: 900 });
    try {
      const box = await page.$eval(".leyenda", (legend) => {
        const chips = [...legend.querySelectorAll("li")].map((li) => li.getBoundingClientRect());
        return {
          viewport: legend.ownerDocument.documentElement.clientWidth,
          legendRight: legend.getBoundingClientRect().right,
          overflow: legend.scrollWidth - legend.clientWidth,
          widest: Math.max(...chips.map((r) => r.right)),
          lines: new Set(chips.map((r) => Math.round(r.top))).size,
        };
      });
      expect(box.viewport).toBeLessThanOrEqual(420);
      expect(box.overflow).toBeLessThanOrEqual(0);
      expect(box.legendRight).toBeLessThanOrEqual(box.viewport);
      expect(box.widest).toBeLessThanOrEqual(box.viewport);
      // five chips, too long for one line at this width
      expect(box.lines).toBeGreaterThan(1);
      await page.evaluate("window.scrollTo(0, 0)");
      await page.screenshot({ path: join(artifacts, "tablero-420.png") });
    } finally {
      await page.setViewportSize({ width: 1280, height: 1500 });
    }
  });

  it("keeps a screenshot of the tablero as an artifact", async () => {
    mkdirSync(artifacts, { recursive: true });
    await page.selectOption("#sel-indicador", "70e");
    await page.evaluate("window.scrollTo(0, 0)");
    const shot = join(artifacts, "tablero.png");
    await page.screenshot({ path: shot });
    await page.screenshot({ path: join(artifacts, "tablero-completo.png"), fullPage: true });
    expect([...readFileSync(shot).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // The README's picture is this screenshot: rewritten whenever it changes (and only then, so
    // that an unchanged tablero leaves docs/tablero.png untouched in git).
    const readme = join(root, "docs", "tablero.png");
    const bytes = readFileSync(shot);
    if (!existsSync(readme) || !bytes.equals(readFileSync(readme))) writeFileSync(readme, bytes);
    expect(readFileSync(readme).equals(bytes)).toBe(true);
  });
});
