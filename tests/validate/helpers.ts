import { cpSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CatalogText } from "../../src/catalog/yaml.js";

export const MALOS = join(__dirname, "..", "fixtures", "catalogos-malos");

export interface Esperado {
  descripcion: string;
  problemas: { code: string; file: string; line: number; column: number }[];
}

/** The broken catalogs: one folder per kind of problem (folders starting with _ are shared parts). */
export function cases(): string[] {
  return readdirSync(MALOS).filter((d) => !d.startsWith("_")).sort();
}

function yamlIn(dir: string, prefix = ""): CatalogText[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.(yaml|csv)$/.test(f)) // CSV: variable lists beside the SIS dictionaries
    .sort()
    .map((f) => ({ path: `${prefix}${f}`, text: readFileSync(join(dir, f), "utf8") }));
}

/** A case's files (paths relative to its folder) plus the shared source schemas (under `_fuentes/`). */
export function catalogTexts(name: string): CatalogText[] {
  return [...yamlIn(join(MALOS, "_fuentes"), "_fuentes/"), ...yamlIn(join(MALOS, name))];
}

export function esperado(name: string): Esperado {
  return JSON.parse(readFileSync(join(MALOS, name, "esperado.json"), "utf8")) as Esperado;
}

/** A case laid out as a catalog directory, for the CLI. */
export function caseDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "masb-catalogo-"));
  cpSync(join(MALOS, "_fuentes"), join(dir, "_fuentes"), { recursive: true });
  cpSync(join(MALOS, name), dir, { recursive: true, filter: (src) => !src.endsWith("esperado.json") });
  return dir;
}
