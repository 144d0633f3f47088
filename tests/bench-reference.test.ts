import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generate } from "../bench/generate.mjs";
import { openReference, resultRows } from "../bench/reference.mjs";
import { parse } from "csv-parse/sync";
import { runCli } from "./helpers.js";
import { runReference, type RefRow, type Ventana } from "./reference/reference.js";

/**
 * The bench's DuckDB reference (bench/reference.mjs: typed `read_csv` of the columns the 40
 * record-level indicators use) against the independent reference it adapts
 * (tests/reference: every column read as text and checked with regular expressions), on a
 * reduced national extract of the bench (bench/generate.mjs: 600 units, 2 % of the volumes,
 * the real layouts, births of 2023 and 2024 of every institution, deaths in the 74-column
 * layout, CONAPO, the deliberately bad rows). Every row and every value, in the three windows
 * the indicators use, must be the same, and the same as masb's: the bench times a query that
 * computes what masb computes.
 */

const dir = mkdtempSync(join(tmpdir(), "masb-bench-ref-"));
const extract = generate(join(dir, "x"), { units: 600, scale: 0.02, quiet: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WINDOWS: Ventana[] = [
  { period: "2024-03", ventana: "mes" },
  { period: "2024-03", ventana: "12_meses" },
  { period: "2024-03", ventana: "acumulado_anual" },
];
const FIELDS = ["periodo", "numerador", "denominador", "valor", "estado"] as const;
const keyOf = (r: RefRow) => [r.indicador, r.nivel, r.entidad, r.region, r.zona, r.clues].join("|");

/** Every difference between two sets of result rows, keyed by indicator and org unit. */
function differences(left: RefRow[], right: RefRow[], names: [string, string]): { list: string[]; rows: number } {
  const a = new Map(left.map((r) => [keyOf(r), r]));
  const b = new Map(right.map((r) => [keyOf(r), r]));
  const list: string[] = [];
  for (const [key, r] of a) {
    const s = b.get(key);
    if (!s) list.push(`${key}: only in ${names[0]}`);
    else for (const f of FIELDS) if (r[f] !== s[f]) list.push(`${key} ${f}: ${names[0]} ${r[f]}, ${names[1]} ${s[f]}`);
  }
  for (const key of b.keys()) if (!a.has(key)) list.push(`${key}: only in ${names[1]}`);
  return { list, rows: a.size };
}

describe("the bench's typed DuckDB reference", () => {
  let text: Map<string, RefRow[]>;
  let typed: Map<string, RefRow[]>;
  let ids: string[];

  beforeAll(async () => {
    const t = await runReference(extract.dir, WINDOWS);
    text = t.rows;
    ids = t.ids;
    const ref = await openReference(extract.dir, { threads: 2 });
    try {
      typed = new Map();
      for (const w of WINDOWS) typed.set(`${w.period} ${w.ventana}`, (await resultRows(ref.con, w.period, w.ventana, ref.ids)) as unknown as RefRow[]);
      expect(ref.ids).toEqual(ids);
    } finally {
      ref.close();
    }
  }, 120_000);

  it("covers the 40 record-level indicators of the text reference", () => {
    expect(ids.length).toBe(40);
  });

  for (const w of WINDOWS) {
    it(`gives the text reference's rows and values, --ventana ${w.ventana}`, () => {
      const k = `${w.period} ${w.ventana}`;
      const { list, rows } = differences(text.get(k)!, typed.get(k)!, ["text", "typed"]);
      expect(list.slice(0, 50)).toEqual([]);
      // Not vacuous: every indicator has rows, and most have a value at national level.
      expect(rows).toBeGreaterThan(10_000);
      const national = text.get(k)!.filter((r) => r.nivel === "nacional");
      expect(new Set(national.map((r) => r.indicador)).size).toBe(40);
      expect(national.filter((r) => r.valor !== "").length).toBeGreaterThan(30);
    });
  }

  it("gives masb's rows and values, in the three windows", async () => {
    for (const w of WINDOWS) {
      const { code, stdout, stderr } = await runCli([
        "compute", extract.dir, "--period", w.period, "--ventana", w.ventana, "--only", ids.join(","), "--format", "csv", "--workers", "1",
      ]);
      expect(code, stderr).toBe(0);
      const masb = (parse(stdout, { columns: true, skip_empty_lines: true }) as RefRow[]).filter((r) => ids.includes(r.indicador));
      const { list, rows } = differences(masb, typed.get(`${w.period} ${w.ventana}`)!, ["masb", "typed"]);
      expect(list.slice(0, 50), w.ventana).toEqual([]);
      expect(rows).toBeGreaterThan(10_000);
    }
  }, 60_000);

  it("counts births and deaths of residents over 12 months, from both yearly files", () => {
    const rows = typed.get("2024-03 12_meses")!;
    const at = (id: string) => rows.find((r) => r.indicador === id && r.nivel === "nacional")!;
    // 103: every live birth of residents in April 2023–March 2024 is in the denominator.
    expect(Number(at("103").denominador)).toBeGreaterThan(0.9 * 0.02 * 1_840_000);
    // 135: neonatal deaths over live births; 134 maternal deaths (razon_m) over live births.
    expect(Number(at("135").numerador)).toBeGreaterThan(0);
    expect(Number(at("134").numerador)).toBeGreaterThan(0);
  });
});
