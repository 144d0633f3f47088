import { stat } from "node:fs/promises";
import type { Catalog, Indicator } from "../catalog/load.js";
import type { Ingested } from "../engine/ingest.js";
import { ingestPartials, partialsCsv } from "../engine/partials.js";
import { MasbError } from "../errors.js";
import { readChunks } from "./extract.js";
import { AtomicFile } from "./files.js";

/**
 * Writes the partial sums of a pass to a file (src/engine/partials.ts has the format), whole or
 * not at all: under a temporary name, renamed when complete. `commit: false` leaves the rename
 * to the caller (a CLI run commits its outputs together, once everything is written).
 */
export async function writePartials(ingested: Ingested, path: string, options: { commit?: boolean } = {}): Promise<AtomicFile> {
  const file = new AtomicFile(path);
  try {
    const out = await file.open();
    for (const chunk of partialsCsv(ingested)) {
      // Each wait removes its listeners: a long file waits for many drains.
      if (!out.write(chunk)) await new Promise<void>((res, rej) => {
        const onError = (e: Error) => {
          out.off("drain", onDrain);
          rej(e);
        };
        const onDrain = () => {
          out.off("error", onError);
          res();
        };
        out.once("drain", onDrain);
        out.once("error", onError);
      });
      if (file.error) throw file.error;
    }
    if (options.commit !== false) await file.commit();
    return file;
  } catch (e) {
    await file.discard();
    throw e instanceof MasbError ? e : file.error ?? e;
  }
}

/** Checks that a partial-sums file exists and is a file: `MASB_PARCIALES_NO_EXISTE` otherwise (a usage error). */
export async function partialsFileProblem(path: string): Promise<{ code: string; message: string; hint: string } | null> {
  const info = await stat(path).catch(() => null);
  if (!info) return { code: "MASB_PARCIALES_NO_EXISTE", message: `no existe el archivo de sumas parciales '${path}'`, hint: "revise la ruta: es el CSV que exportó de su base de datos (masb sql) o que escribió masb compute --escribir-parciales" };
  if (info.isDirectory()) return { code: "MASB_PARCIALES_NO_EXISTE", message: `'${path}' es una carpeta, no un archivo de sumas parciales`, hint: "indique el archivo CSV de sumas parciales" };
  return null;
}

/**
 * Reads a partial-sums file into a pass for `evaluate` (the hierarchy, the files read, the
 * sums, all from the file). `only` narrows the indicators to some of those it was written for.
 */
export async function readPartials(catalog: Catalog, path: string, only?: Indicator[]): Promise<Ingested> {
  const problem = await partialsFileProblem(path);
  if (problem) throw new MasbError(problem.code, problem.message, { value: path, hint: problem.hint });
  return ingestPartials(catalog, readChunks(path), path, only);
}
