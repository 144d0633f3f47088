import { randomBytes } from "node:crypto";
import { createWriteStream, statSync, type WriteStream } from "node:fs";
import { rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { MasbError } from "../errors.js";

/**
 * Why an output file could not be written where it was asked for, before anything is read:
 * its folder does not exist (or is not a folder), or the path is a folder. Null when it can
 * be written there. Folders are never created: a mistyped folder should stop the run, not
 * receive the results somewhere nobody will look.
 */
export async function outputTargetProblem(path: string): Promise<{ code: string; message: string } | null> {
  const folder = dirname(resolve(path));
  const shown = dirname(path);
  const kind = async (p: string) => {
    try {
      return (await stat(p)).isDirectory() ? "carpeta" : "archivo";
    } catch {
      return null;
    }
  };
  const folderKind = await kind(folder);
  if (folderKind === null) return { code: "MASB_CARPETA_NO_EXISTE", message: `la carpeta '${shown}' no existe; créela (mkdir ${shown}) o escriba otra ruta` };
  if (folderKind !== "carpeta") return { code: "MASB_CARPETA_NO_EXISTE", message: `'${shown}' es un archivo, no una carpeta; escriba la ruta de un archivo dentro de una carpeta que exista` };
  if ((await kind(path)) === "carpeta") return { code: "MASB_SALIDA_ES_CARPETA", message: `'${path}' es una carpeta; escriba el nombre de un archivo dentro de ella` };
  return null;
}

/**
 * Why a folder given as input (the extract, the catalog) cannot be read as one: it does not
 * exist, or it is a file (the extract is the folder that holds the files, not one of them).
 * Null when it is a folder. `what` names it in the message: `del extracto`, `del catálogo`.
 */
export async function inputFolderProblem(path: string, what: "extracto" | "catalogo"): Promise<{ code: string; message: string; hint: string } | null> {
  const name = what === "extracto" ? "del extracto" : "del catálogo";
  const code = what === "extracto" ? "MASB_EXTRACTO" : "MASB_CATALOGO";
  let info;
  try {
    info = await stat(path);
  } catch {
    return {
      code: `${code}_NO_EXISTE`, message: `no existe la carpeta ${name} '${path}'`,
      hint: what === "extracto" ? "revise la ruta: es la carpeta que contiene los archivos CSV del extracto" : "revise la ruta: es la carpeta que contiene los indicadores (.yaml) y sources/",
    };
  }
  if (info.isDirectory()) return null;
  const parent = dirname(path);
  return {
    code: `${code}_NO_ES_CARPETA`, message: `'${path}' es un archivo, no la carpeta ${name}`,
    hint: what === "extracto"
      ? `indique la carpeta que contiene los archivos del extracto (la de este archivo es '${parent}')`
      : `indique la carpeta que contiene los indicadores y sources/ (la de este archivo es '${parent}')`,
  };
}

/** A write that failed (no space, no permission, the file held open by another program), as a `MasbError`. */
export function writeError(path: string, e: unknown): MasbError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const why: Record<string, string> = {
    ENOSPC: "no queda espacio en el disco",
    EDQUOT: "se acabó la cuota de disco",
    EACCES: "no hay permiso de escritura",
    EPERM: "el sistema no lo permite (¿está abierto en otro programa, como Excel? ciérrelo y vuelva a correr)",
    EBUSY: "el archivo está en uso (¿abierto en Excel? ciérrelo y vuelva a correr)",
    EROFS: "el disco es de solo lectura",
    ENOENT: "la carpeta ya no existe",
    EISDIR: "es una carpeta",
  };
  const reason = (code && why[code]) ?? (e instanceof Error ? e.message : String(e));
  return new MasbError("MASB_ESCRITURA", `no se pudo escribir: ${reason}`, { file: path, value: code });
}

/**
 * A file written under a temporary name in its target folder and renamed to its name only
 * when complete (`commit`), so that no run, failed or cut short, leaves a half-written file
 * under the final name; `discard` removes the temporary file. The previous file of that name,
 * if any, stays as it was until the rename replaces it whole.
 */
export class AtomicFile {
  readonly path: string;
  readonly temp: string;
  private out: WriteStream | null = null;
  private failure: unknown = null;
  private done = false;

  /** The target is a device, a pipe or a socket (`/dev/null`, `/dev/stdout`): written in place, never replaced by a rename. */
  private readonly special: boolean;

  constructor(path: string) {
    this.path = path;
    const info = statSync(path, { throwIfNoEntry: false });
    this.special = info !== undefined && !info.isFile() && !info.isDirectory();
    this.temp = this.special ? path : join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  }

  /** Creates the temporary file; throws `MASB_ESCRITURA` when the folder does not take it. */
  async open(): Promise<WriteStream> {
    if (this.out) return this.out;
    // `flush`: the file's bytes reach the disk before it is closed, and so before the rename.
    const out = createWriteStream(this.temp, this.special ? { flags: "w" } : { flags: "wx", flush: true });
    out.on("error", (e) => {
      this.failure ??= e;
    });
    this.out = out;
    await new Promise<void>((res, rej) => {
      out.once("ready", res);
      out.once("error", rej);
    }).catch((e) => {
      throw writeError(this.path, e);
    });
    return out;
  }

  /** The error a write has hit, as a `MasbError`, if any. */
  get error(): MasbError | null {
    return this.failure === null ? null : writeError(this.path, this.failure);
  }

  /** Writes it all at once: open, write, commit. */
  async write(text: string | Uint8Array): Promise<void> {
    const out = await this.open();
    out.write(text);
    await this.commit();
  }

  /** Flushes to disk and renames over the final name; on a failure, discards and throws `MASB_ESCRITURA`. */
  async commit(): Promise<void> {
    if (this.done) return;
    try {
      const out = this.out ?? (await this.open());
      await new Promise<void>((res, rej) => {
        if (this.failure) return rej(this.failure);
        out.once("error", rej);
        out.once("close", () => (this.failure ? rej(this.failure) : res()));
        out.end();
      });
      if (!this.special) await rename(this.temp, this.path);
      this.done = true;
    } catch (e) {
      await this.discard();
      throw e instanceof MasbError ? e : writeError(this.path, e);
    }
  }

  /** Removes the temporary file (a failed or abandoned run); the final name is left untouched. */
  async discard(): Promise<void> {
    if (this.done) return;
    this.done = true;
    const out = this.out;
    if (out && !out.closed) {
      await new Promise<void>((res) => {
        out.once("close", () => res());
        out.destroy();
      });
    }
    try {
      if (!this.special) await unlink(this.temp);
    } catch {
      // never created, or already gone
    }
  }
}
