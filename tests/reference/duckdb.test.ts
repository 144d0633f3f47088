import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers.js";
import { runReference, type RefRow, type Ventana } from "./reference.js";

/**
 * masb against an independent reference: SQL written by hand (tests/reference/sql/), run in
 * embedded DuckDB directly over the demo extract's CSV files, compared value by value
 * (numerador, denominador, valor, estado) at every level, for two windows.
 */

const DEMO = resolve(import.meta.dirname, "../../fixtures/demo");

/** Record-level indicators compared, at every level, for both windows. */
const COMPARED = [
  "70b", "73", "78", "80", "81", "83b", "B", "85", "72", "75a", // egresos
  "71", // urgencias
  "31", "82", "83", "107", // recetas
  "87", "87a", // lista de espera
  "86", "86a", "149", // cáncer
  "112", "113", "126", // brotes y desastres (126 over CONAPO's population)
  "83a", "H", // vigilancia hospitalaria + egresos
  "C", "89", "103", "91", "130", // nacimientos: C by CLUES (network), the rest by residence
  "131", "134", "135", "136", "137", "138", "139", "140", "141", "142", // defunciones by residence
];

const WINDOWS: Ventana[] = [
  { period: "2024-03", ventana: "mes" },
  { period: "2024-03", ventana: "12_meses" },
];

type Row = Omit<RefRow, never>;
const FIELDS = ["periodo", "numerador", "denominador", "valor", "estado"] as const;
const keyOf = (r: Row) => [r.indicador, r.nivel, r.entidad, r.region, r.zona, r.clues].join("|");
const label = (r: Row) => r.clues || r.zona || r.region || r.entidad || "nacional";

interface Mismatch {
  indicador: string;
  nivel: string;
  clave: string;
  campo: string;
  masb: string;
  sql: string;
}

/** Every difference between masb's rows and the reference's, for the compared indicators. */
function diff(masb: Row[], ref: Row[], ids: Set<string>): { mismatches: Mismatch[]; rows: number; values: number } {
  const a = new Map(masb.filter((r) => ids.has(r.indicador)).map((r) => [keyOf(r), r]));
  const b = new Map(ref.filter((r) => ids.has(r.indicador)).map((r) => [keyOf(r), r]));
  const mismatches: Mismatch[] = [];
  let rows = 0;
  let values = 0;
  for (const [k, m] of a) {
    const s = b.get(k);
    if (!s) {
      mismatches.push({ indicador: m.indicador, nivel: m.nivel, clave: label(m), campo: "(fila)", masb: "presente", sql: "ausente" });
      continue;
    }
    rows++;
    for (const f of FIELDS) {
      values++;
      if (m[f] !== s[f]) mismatches.push({ indicador: m.indicador, nivel: m.nivel, clave: label(m), campo: f, masb: m[f], sql: s[f] });
    }
  }
  for (const [k, s] of b) {
    if (!a.has(k)) mismatches.push({ indicador: s.indicador, nivel: s.nivel, clave: label(s), campo: "(fila)", masb: "ausente", sql: "presente" });
  }
  return { mismatches, rows, values };
}

function table(ms: Mismatch[], limit = 200): string {
  const head: Mismatch = { indicador: "indicador", nivel: "nivel", clave: "clave", campo: "campo", masb: "masb", sql: "SQL" };
  const shown = [head, ...ms.slice(0, limit)];
  const cols = Object.keys(head) as (keyof Mismatch)[];
  const width = cols.map((c) => Math.max(...shown.map((r) => r[c].length)));
  const lines = shown.map((r) => cols.map((c, i) => r[c].padEnd(width[i])).join("  ").trimEnd());
  lines.splice(1, 0, width.map((w) => "-".repeat(w)).join("  "));
  if (ms.length > limit) lines.push(`… y ${ms.length - limit} más`);
  return lines.join("\n");
}

interface Rechazo {
  archivo: string;
  linea: string;
  codigo: string;
  motivo: string;
}

/** `masb compute` in-process over an extract, as CSV; its rejections from the `--rechazos` file. */
async function masbRows(extract: string, w: Ventana): Promise<{ rows: Row[]; rechazos: Rechazo[] }> {
  const rechazos = join(mkdtempSync(join(tmpdir(), "masb-ref-")), "rechazos.csv");
  const { code, stdout, stderr } = await runCli([
    "compute", extract, "--period", w.period, "--ventana", w.ventana, "--only", COMPARED.join(","),
    "--format", "csv", "--rechazos", rechazos, "--workers", "1",
  ]);
  if (code !== 0) throw new Error(`masb compute terminó con ${code}:\n${stderr}`);
  return {
    rows: parse(stdout, { columns: true, skip_empty_lines: true }) as Row[],
    rechazos: parse(readFileSync(rechazos, "utf8"), { columns: true, skip_empty_lines: true, relax_column_count: true }) as Rechazo[],
  };
}

/** Bad (and borderline) rows, each with whether masb must accept or reject it and why. */
interface Renglon {
  esperado: "acepta" | "rechaza";
  motivo: string;
  renglon: string;
}
const MALOS = JSON.parse(readFileSync(resolve(import.meta.dirname, "malos/renglones.json"), "utf8")) as { archivos: Record<string, Renglon[]> };

/** A copy of the demo with the rows of malos/renglones.json appended; the line each row lands on. */
function demoWithBadRows(): { dir: string; lines: Map<string, Renglon> } {
  const dir = mkdtempSync(join(tmpdir(), "masb-ref-malos-"));
  cpSync(DEMO, dir, { recursive: true });
  const lines = new Map<string, Renglon>();
  for (const [file, rows] of Object.entries(MALOS.archivos)) {
    const text = readFileSync(join(dir, file), "latin1");
    let n = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    // In the file's own line ending: SINAC's CRLF stays CRLF (a mixed file is another fault).
    const eol = text.includes("\r\n") ? "\r\n" : "\n";
    appendFileSync(join(dir, file), (text.endsWith("\n") ? "" : eol) + rows.map((r) => r.renglon).join(eol) + eol, "latin1");
    for (const r of rows) lines.set(`${file}:${++n}`, r);
  }
  return { dir, lines };
}

/** Runs masb and the reference over one extract for every window and checks they agree. */
function comparesOn(title: string, extract: () => string, extra?: (rechazos: Rechazo[]) => void) {
  describe(title, () => {
    const masb = new Map<string, Row[]>();
    const rechazos: Rechazo[] = [];
    let ref: Map<string, RefRow[]>;
    let refIds: string[];

    beforeAll(async () => {
      const dir = extract();
      const [r, ...m] = await Promise.all([runReference(dir, WINDOWS), ...WINDOWS.map((w) => masbRows(dir, w))]);
      ref = r.rows;
      refIds = r.ids;
      WINDOWS.forEach((w, i) => masb.set(`${w.period} ${w.ventana}`, m[i].rows));
      rechazos.push(...m[0].rechazos);
    }, 60_000);

    it("has SQL for every compared indicator, 30 or more", () => {
      for (const id of COMPARED) expect(refIds, `falta ind_${id}`).toContain(id);
      expect(COMPARED.length).toBeGreaterThanOrEqual(30);
    });

    for (const w of WINDOWS) {
      it(`agrees with masb at every level, --period ${w.period} --ventana ${w.ventana}`, () => {
        const k = `${w.period} ${w.ventana}`;
        const { mismatches, rows, values } = diff(masb.get(k)!, ref.get(k)!, new Set(COMPARED));
        const levels = new Set(masb.get(k)!.filter((r) => COMPARED.includes(r.indicador)).map((r) => r.nivel));
        console.log(`referencia DuckDB (${title}), ${k}: ${COMPARED.length} indicadores, ${rows} filas, ${values} valores comparados, ` +
          `${mismatches.length} diferencias${mismatches.length ? `\n${table(mismatches)}` : ""}`);
        expect(levels).toEqual(new Set(["nacional", "entidad", "region", "zona", "clues"]));
        expect(rows).toBeGreaterThan(0);
        expect(mismatches, `diferencias entre masb y la referencia SQL (${k}):\n${table(mismatches)}`).toEqual([]);
      });
    }

    if (extra) it("rejects exactly the rows the reference leaves out, for the stated reasons", () => extra(rechazos));
  });
}

describe("independent reference: hand-written SQL in DuckDB", () => {
  comparesOn("fixtures/demo", () => DEMO);

  let bad: ReturnType<typeof demoWithBadRows> | undefined;
  const badRows = () => (bad ??= demoWithBadRows());
  afterAll(() => { if (bad) rmSync(bad.dir, { recursive: true, force: true }); });
  comparesOn("fixtures/demo with bad rows appended", () => badRows().dir, (rechazos) => {
    // masb's verdict on each appended row must be the one written beside it in malos/renglones.json.
    const rejected = new Set(rechazos.map((r) => `${r.archivo}:${r.linea}`));
    const wrong = [...badRows().lines].filter(([at, r]) => rejected.has(at) !== (r.esperado === "rechaza"))
      .map(([at, r]) => `${at} (${r.motivo}): se esperaba ${r.esperado}, masb ${rejected.has(at) ? "lo rechazó" : "lo aceptó"}`);
    expect(wrong).toEqual([]);
  });
});
