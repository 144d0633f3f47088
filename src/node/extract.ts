import { closeSync, constants, openSync, readSync } from "node:fs";
import { access, open, readdir, readlink, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Catalog } from "../catalog/load.js";
import { aviso, MasbError, type Aviso } from "../errors.js";
import type { Extract, SourceInput } from "../engine/compute.js";
import { inputFolderProblem } from "./files.js";

/**
 * Bytes read from a file at a time. The decoded text of a chunk this small is an ordinary
 * young object that dies in the next scavenge; chunks of 1 MB became large objects that only
 * a full collection frees, and a thread's heap grew by hundreds of MB of dead text before one
 * ran (README, Performance: peak RSS).
 */
export const READ_CHUNK_BYTES = 1 << 16;

/** Chunks read between two turns of the event loop (1 MB): messages from other threads get in. */
const CHUNKS_PER_TURN = 16;

/**
 * The bytes of a file, chunk by chunk, into one buffer reused for every chunk: a chunk is
 * valid until the next is asked for (the reader decodes each at once). A stream allocates a
 * buffer per chunk, thousands per national file, which the allocator kept as RSS. The reads
 * are synchronous (a 64 KB copy from the page cache), with a turn of the event loop every
 * megabyte: an asynchronous read per chunk cost about as much again as the copy (0.35 s of
 * CPU for the 618 MB of a SINAC year, against 0.08 s).
 */
export async function* readChunks(path: string, start = 0, end = Infinity): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, "r");
  try {
    const buffer = new Uint8Array(READ_CHUNK_BYTES);
    let chunks = 0;
    for (let at = start; at < end; ) {
      const bytesRead = readSync(fd, buffer, 0, Math.min(buffer.length, end - at), at);
      if (bytesRead === 0) return;
      at += bytesRead;
      yield buffer.subarray(0, bytesRead);
      if (++chunks % CHUNKS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes [start, end) of a file (fewer if it is shorter). */
export async function readBytes(path: string, start: number, end: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    const buffer = new Uint8Array(Math.max(0, end - start));
    let at = 0;
    while (at < buffer.length) {
      const { bytesRead } = await handle.read(buffer, at, buffer.length - at, start + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return buffer.subarray(0, at);
  } finally {
    await handle.close();
  }
}

/**
 * The line number of the byte at `end`: 1 plus the line breaks (LF) before it. About 0.25 ms
 * a megabyte (native `indexOf`), so a part of a big file finds its first line by itself.
 */
export async function lineAt(path: string, end: number): Promise<number> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    let line = 1;
    for (let at = 0; at < end; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
      const bytes = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
      for (let p = bytes.indexOf(10); p !== -1; p = bytes.indexOf(10, p + 1)) line++;
    }
    return line;
  } finally {
    await handle.close();
  }
}

/** `DA_*_SIS_*.csv` → a case-insensitive regular expression on the file name. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}

export interface ExtractListing {
  extract: Extract;
  /** Files that no source claims (reported, never read). */
  unmatched: string[];
  /**
   * Entries of the folder that are not read, each with why: a file no source claims
   * (`MASB_ARCHIVO_NO_RECONOCIDO`), a folder, a link that leads nowhere or in a loop, a file
   * that cannot be opened (`MASB_ARCHIVO_OMITIDO`).
   */
  avisos: Aviso[];
}

/**
 * An entry of the extract folder: its size when it is a readable file, else why it cannot be read.
 * `stat` follows links: a dangling link (ENOENT) or a loop (ELOOP) fails there, and would
 * otherwise stop the whole run.
 */
async function inspectEntry(path: string): Promise<{ reason: string } | { size: number }> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ELOOP") return { reason: "es un enlace simbólico que forma un ciclo (ELOOP)" };
    if (code === "ENOENT") {
      const target = await readlink(path).catch(() => null);
      return { reason: target === null ? "desapareció mientras se listaba el extracto" : `es un enlace simbólico roto: apunta a '${target}', que no existe` };
    }
    return { reason: `no se puede leer (${code ?? (e as Error).message})` };
  }
  if (info.isDirectory()) return { reason: "es una carpeta; masb no lee subcarpetas del extracto" };
  if (!info.isFile()) return { reason: "no es un archivo regular" };
  try {
    await access(path, constants.R_OK);
  } catch (e) {
    return { reason: `no se puede leer (${(e as NodeJS.ErrnoException).code ?? "sin permiso"})` };
  }
  return { size: info.size };
}

/** Counts the times each file is opened: lets a test prove that each source file is read once per run. */
export const openCounter = { count: new Map<string, number>() };

/**
 * Lists an extract directory and assigns each file to the source whose `archivos` pattern
 * matches its name. A file claimed by two sources is an error (the mapping is ambiguous).
 */
export async function openExtract(dir: string, catalog: Catalog): Promise<ExtractListing> {
  const wrong = await inputFolderProblem(dir, "extracto");
  if (wrong) throw new MasbError(wrong.code, wrong.message, { value: dir, hint: wrong.hint });
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (e) {
    throw new MasbError("MASB_EXTRACTO_ILEGIBLE", `no se puede leer la carpeta del extracto '${dir}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: dir });
  }
  const extract: Extract = new Map();
  const unmatched: string[] = [];
  const avisos: Aviso[] = [];
  const patterns = [...catalog.sources.values()].map((s) => ({ name: s.name, res: s.def.archivos.map(globToRegExp) }));
  for (const name of names) {
    const path = join(dir, name);
    const info = await inspectEntry(path);
    if ("reason" in info) {
      // Every entry that is not read is named, with why: nothing in the folder is skipped silently.
      avisos.push(aviso("MASB_ARCHIVO_OMITIDO", `${info.reason}; no se lee`, { file: name }));
      continue;
    }
    const owners = patterns.filter((p) => p.res.some((r) => r.test(name))).map((p) => p.name);
    if (owners.length === 0) {
      unmatched.push(name);
      avisos.push(aviso("MASB_ARCHIVO_NO_RECONOCIDO", "ningún esquema de fuente reconoce este archivo; no se lee", { file: name }));
      continue;
    }
    if (owners.length > 1) {
      throw new MasbError("MASB_ARCHIVO_AMBIGUO", `el archivo '${name}' corresponde a varias fuentes: ${owners.join(", ")}; ajuste los patrones 'archivos'`, { file: path });
    }
    const input: SourceInput = {
      name,
      path,
      size: info.size,
      open() {
        openCounter.count.set(path, (openCounter.count.get(path) ?? 0) + 1);
        return readChunks(path);
      },
    };
    const list = extract.get(owners[0]) ?? [];
    list.push(input);
    extract.set(owners[0], list);
  }
  return { extract, unmatched, avisos };
}
