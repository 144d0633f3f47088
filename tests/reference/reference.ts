import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

/** The SQL files, in the order they build on each other (00 first, 99 last). */
const SQL_DIR = resolve(import.meta.dirname, "sql");
const FAMILIES = [
  "egresos.sql",
  "urgencias.sql",
  "recetas.sql",
  "lista_espera.sql",
  "cancer.sql",
  "eventos_emergencia.sql",
  "vigilancia_egresos.sql",
  "nacimientos.sql",
  "defunciones.sql",
];

/** One result row of the reference, in masb's column names and text. */
export interface RefRow {
  indicador: string;
  periodo: string;
  nivel: string;
  entidad: string;
  region: string;
  zona: string;
  clues: string;
  numerador: string;
  denominador: string;
  valor: string;
  estado: string;
}

/** A window as `masb compute` takes it: `--period` and `--ventana`. */
export interface Ventana {
  period: string;
  ventana: "mes" | "12_meses" | "acumulado_anual";
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The CONAPO file(s) of the extract as a DuckDB file list, or a header-only stand-in when the
 * extract has none (the indicators that read it are then pending, and give no value).
 */
function conapoFiles(dir: string): string {
  const found = readdirSync(dir).filter((f) => /^conapo.*\.csv$/i.test(f));
  if (found.length) return `[${found.map((f) => sqlText(join(dir, f))).join(", ")}]`;
  const stub = join(mkdtempSync(join(tmpdir(), "masb-ref-")), "conapo_vacio.csv");
  writeFileSync(stub, "RENGLON,AÑO,ENTIDAD,CVE_GEO,EDAD,SEXO,POBLACION\n", "latin1");
  return sqlText(stub);
}

function load(name: string, dir: string, conapo: string): string {
  return readFileSync(join(SQL_DIR, name), "utf8")
    .replaceAll("'{{extracto}}/", `'${dir.replace(/'/g, "''")}/`)
    .replaceAll("{{conapo}}", conapo);
}

/**
 * Runs the hand-written SQL over an extract directory in embedded DuckDB and returns every
 * indicator's rows at every level for each window asked. The CSV files are read once.
 */
export async function runReference(extract: string, windows: Ventana[]): Promise<{ rows: Map<string, RefRow[]>; ids: string[] }> {
  const dir = resolve(extract);
  if (!existsSync(dir)) throw new Error(`no existe el extracto ${dir}`);
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    const conapo = conapoFiles(dir);
    await con.run(load("00_comun.sql", dir, conapo));
    for (const f of FAMILIES) await con.run(load(f, dir, conapo));
    const ids = (await con.runAndReadAll("SELECT id FROM indicadores ORDER BY id")).getRows().map((r) => String(r[0]));
    await con.run(`CREATE OR REPLACE VIEW terminos AS\n${ids
      .map((id) => `SELECT ${sqlText(id)} AS indicador, clues, entidad, numerador::HUGEINT AS numerador, denominador::HUGEINT AS denominador, filas::BIGINT AS filas FROM "ind_${id}"`)
      .join("\nUNION ALL\n")}`);
    await con.run(load("99_resultados.sql", dir, conapo));
    const rows = new Map<string, RefRow[]>();
    for (const w of windows) {
      await con.run(`DELETE FROM parametros; INSERT INTO parametros VALUES (DATE ${sqlText(`${w.period}-01`)}, ${sqlText(w.ventana)})`);
      const reader = await con.runAndReadAll("SELECT * FROM resultados");
      rows.set(`${w.period} ${w.ventana}`, reader.getRowObjectsJson().map((r) => {
        const o: Record<string, string> = {};
        for (const [k, v] of Object.entries(r)) o[k] = v === null ? "" : String(v);
        return o as unknown as RefRow;
      }));
    }
    return { rows, ids };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
