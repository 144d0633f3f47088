import { Option } from "commander";
import { sqlScript, SQL_TABLE_KEYS } from "../../internal.js";
import { catalogOrExit, checkOutputTargets, EXIT, UsageError, type CommandModule, type Io } from "../shared.js";

/** `fuente=tabla,fuente=esquema.tabla` → a map, refusing names that are not sources (with a guess) and malformed pairs. */
export function parseTables(text: string | undefined, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  for (const part of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)\s*=\s*([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?|-)$/.exec(part);
    if (!m) {
      throw new UsageError("MASB_TABLAS_INVALIDA", `--tablas: '${part}' no es fuente=tabla`, "escriba pares fuente=tabla (o fuente=esquema.tabla, o fuente=- si no tiene tabla) separados por coma, p. ej. --tablas egresos=saeh.egresos_2024,clues=catalogos.clues");
    }
    const [, key, table] = m;
    if (!keys.includes(key)) {
      const guess = keys.find((k) => k.toLowerCase() === key.toLowerCase() || k.startsWith(key.toLowerCase()) || key.toLowerCase().startsWith(k));
      throw new UsageError("MASB_TABLAS_FUENTE_DESCONOCIDA", `--tablas: '${key}' no es una fuente del catálogo${guess ? `; ¿quiso decir ${guess}?` : ""}`, `fuentes: ${keys.join(", ")}`);
    }
    if (out[key] !== undefined) throw new UsageError("MASB_TABLAS_INVALIDA", `--tablas: la fuente '${key}' aparece dos veces`, "deje un solo par por fuente");
    out[key] = table;
  }
  return out;
}

async function runSql(io: Io, o: Record<string, string | undefined>): Promise<number> {
  await checkOutputTargets([["--out", o.out]]);
  const catalog = await catalogOrExit(io, o.catalog);
  const tables = parseTables(o.tablas, SQL_TABLE_KEYS(catalog));
  const only = o.only?.split(",").map((s) => s.trim()).filter(Boolean);
  const script = sqlScript(catalog, { dialect: o.dialecto as "postgres" | "duckdb", tables, only });
  for (const n of script.notCompiled) io.stderr.write(`aviso [MASB_SQL_NO_COMPILA] indicador ${n.indicator}: ${n.reason}; queda fuera del SQL (calcúlelo con masb compute sobre el extracto)\n`);
  if (o.out) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(o.out, script.text);
  } else io.stdout.write(script.text);
  io.stderr.write(`SQL de ${o.dialecto}: ${script.indicators.length} ${script.indicators.length === 1 ? "indicador" : "indicadores"}, tablas ${script.tables.map((t) => (t.table === t.source ? t.table : `${t.source}=${t.table}`)).join(", ")}${script.withoutTable.length ? `; sin tabla: ${script.withoutTable.join(", ")}` : ""}${o.out ? `; escrito en ${o.out}` : ""}\n`);
  return EXIT.ok;
}

export const sqlCommand: CommandModule = (program, io, setCode) => {
  program
    .command("sql")
    .description("imprime el SQL que calcula las sumas parciales en su base de datos, desde las tablas de scripts/cargar-tablas.mjs; su CSV se evalúa con masb compute --parciales")
    .addOption(new Option("--dialecto <dialecto>", "base de datos donde correrá el SQL").choices(["postgres", "duckdb"]).makeOptionMandatory())
    .option("--tablas <fuente=tabla,...>", "qué tabla tiene cada fuente (fuente=- si no tiene; y masb_archivos=tabla, el reporte de archivos); por omisión la tabla se llama como la fuente")
    .option("--only <ids|etiquetas>", "indicadores, alias, componentes (C9), fases (fase:1) o dimensiones")
    .option("--out <archivo>", "escribe el SQL en el archivo en lugar de la salida estándar")
    .option("--catalog <dir>", "carpeta del catálogo (por omisión el incluido)")
    .action(async (o) => setCode(await runSql(io, o)));
};
