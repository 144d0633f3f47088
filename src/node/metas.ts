import { readFile } from "node:fs/promises";
import type { Catalog } from "../catalog/load.js";
import { MasbError, type Problem } from "../errors.js";
import { parseMetas, type Metas } from "../scoring/metas.js";

/**
 * Reads a metas CSV (`--metas`): UTF-8 with or without BOM, or Latin-1 as Excel saves it in
 * Spanish Windows (bytes that are not UTF-8 are read as Windows-1252), and parses it against
 * the catalog. Problems come back as data; only a missing file throws.
 */
export async function readMetas(path: string, catalog: Catalog): Promise<{ metas: Metas; problems: Problem[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new MasbError("MASB_METAS_NO_EXISTE", `no se puede leer el archivo de metas '${path}'`, { file: path });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder("windows-1252").decode(bytes);
  }
  return parseMetas(text, { file: path, catalog });
}
