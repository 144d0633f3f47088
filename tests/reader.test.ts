import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Catalog, Source } from "../src/catalog/load.js";
import { loadCatalog } from "../src/node/catalog.js";
import { detectEncoding, TextFromBytes } from "../src/sources/decode.js";
import { readSource, type FileProblem, type Rejection } from "../src/sources/reader.js";

const MALOS = join(__dirname, "fixtures", "malos");

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(join(__dirname, "..", "indicators"));
});

interface Read {
  read: number;
  rows: unknown[][];
  rejections: Rejection[];
  problems: FileProblem[];
}

async function read(source: Source, chunks: (Uint8Array | string)[], file = "archivo.csv"): Promise<Read> {
  const out: Read = { read: 0, rows: [], rejections: [], problems: [] };
  const { read } = await readSource(source, file, chunks, {
    row: (row) => out.rows.push(row.slice()),
    reject: (r) => out.rejections.push(r),
    problem: (p) => out.problems.push(p),
  });
  out.read = read;
  return out;
}

/** The bytes cut into pieces of `size`. */
const cut = (bytes: Uint8Array, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe("a quoted line break at a 64 KiB read boundary", () => {
  it("reads a CLUES catalog whose quoted CRLF in REFERENCIAS DEL DOMICILIO ends right before a chunk boundary as one row per unit", async () => {
    const clues = catalog.sources.get("clues")!;
    const base = readFileSync(join(MALOS, "_base", "ESTABLECIMIENTO_SALUD_202403.csv"), "utf8").replace(/^\uFEFF/, "").split(/\r?\n/);
    const header = base[0].split(",");
    const ref = header.indexOf("REFERENCIAS DEL DOMICILIO");
    const name = header.indexOf("NOMBRE DE LA UNIDAD");
    expect(ref).toBeGreaterThan(0);
    const template = base[1].split(",");
    const unit = (k: number, padding = "") => {
      const f = [...template];
      f[0] = `GRIMB${String(100000 + k).slice(1).padStart(6, "0")}`;
      f[name] = `CENTRO DE SALUD ${k}${padding}`;
      f[ref] = '"ENTRE CALLE 5\r\nY CALLE 7"';
      return f.join(",");
    };
    // Rows 1..52 fill the first chunk; row 53's closing `",` must end exactly at byte 65 536,
    // so the padding of row 52's name is worked out from the byte lengths.
    const bytesOf = (s: string) => Buffer.byteLength(s, "utf8");
    const head = `${base[0]}\r\n`;
    const before = Array.from({ length: 51 }, (_, k) => `${unit(k + 1)}\r\n`).join("");
    const last = unit(53);
    const closeAt = bytesOf(last.slice(0, last.indexOf('Y CALLE 7",') + 'Y CALLE 7",'.length));
    const padding = 65536 - (bytesOf(head) + bytesOf(before) + bytesOf(`${unit(52)}\r\n`) + closeAt);
    expect(padding).toBeGreaterThan(0);
    const text = `${head}${before}${unit(52, "X".repeat(padding))}\r\n${last}\r\n`;
    const bytes = Buffer.from(text, "utf8");
    expect(bytes.subarray(65534, 65536).toString()).toBe('",'); // the boundary falls right after `",`

    const out = await read(clues, cut(bytes, 65536), "ESTABLECIMIENTO_SALUD_202403.csv");
    expect(out.rejections).toEqual([]);
    expect(out.read).toBe(53);
    const at = clues.index.get("clues")!;
    expect(new Set(out.rows.map((r) => r[at])).size).toBe(53);
  });
});

describe("the encoding a file's first bytes declare", () => {
  it("reads a UTF-8 BOM as UTF-8 on a source declared Latin-1, with its accents", async () => {
    const sis = catalog.sources.get("sis")!;
    // The Latin-1 fixture, saved again as UTF-8 with BOM: NOMBRE_CLUES of line 3 is "CENTRO DE SALUD LA SABANA ÑUÑOA".
    const latin = readFileSync(join(MALOS, "latin1", "DA_CE_SIS_2024.csv")).toString("latin1");
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(latin, "utf8")]);
    for (const size of [1, 2, 3, 5, 65536]) {
      const out = await read(sis, cut(bytes, size), "DA_CE_SIS_2024.csv");
      expect(out.problems).toEqual([]);
      expect(out.rejections).toEqual([]);
      expect(out.read).toBe(2);
      const at = sis.index.get("nombre_clues")!;
      expect(out.rows.map((r) => r[at])).toContain("CENTRO DE SALUD LA SABANA ÑUÑOA");
    }
  });

  it("reads UTF-16 BE and LE files with a BOM as text, with no problem", async () => {
    const sis = catalog.sources.get("sis")!;
    const text = readFileSync(join(MALOS, "latin1", "DA_CE_SIS_2024.csv")).toString("latin1");
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le);
    for (let i = 0; i + 1 < be.length; i += 2) [be[i], be[i + 1]] = [le[i + 1], le[i]];
    expect([...be.subarray(0, 4)]).toEqual([0xfe, 0xff, 0x00, 0x43]); // BOM, then "C" big-endian
    for (const bytes of [le, be]) {
      for (const size of [1, 3, 65536]) {
        const out = await read(sis, cut(bytes, size), "DA_CE_SIS_2024.csv");
        expect(out.problems).toEqual([]);
        expect(out.rejections).toEqual([]);
        expect(out.read).toBe(2);
        expect(out.rows.map((r) => r[sis.index.get("nombre_clues")!])).toContain("CENTRO DE SALUD LA SABANA ÑUÑOA");
      }
    }
  });

  it("drops a BOM at the start of text handed over already decoded", async () => {
    const egresos = catalog.sources.get("egresos")!;
    const text = readFileSync(join(MALOS, "bom_crlf", "EGRESOS_2024.txt"), "utf8");
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const out = await read(egresos, [text.slice(0, 1), text.slice(1)]);
    expect(out.problems).toEqual([]);
    expect(out.read).toBe(3);
  });

  it("tells the encodings apart from the first bytes", () => {
    const bytes = (...b: number[]) => Uint8Array.from(b);
    expect(detectEncoding(bytes(0xef, 0xbb, 0xbf, 0x41), "latin1")).toMatchObject({ encoding: "utf-8", bom: true, skip: 3 });
    expect(detectEncoding(bytes(0xff, 0xfe, 0x41, 0x00), "utf-8")).toMatchObject({ encoding: "utf-16le", bom: true, skip: 2 });
    expect(detectEncoding(bytes(0xfe, 0xff, 0x00, 0x41), "utf-8")).toMatchObject({ encoding: "utf-16be", bom: true, skip: 2 });
    // "ID|C" in UTF-16 without BOM: NUL in every odd byte (LE) or every even byte (BE).
    expect(detectEncoding(bytes(0x49, 0, 0x44, 0, 0x7c, 0, 0x43, 0), "utf-8")).toMatchObject({ encoding: "utf-16le", guessed: true });
    expect(detectEncoding(bytes(0, 0x49, 0, 0x44, 0, 0x7c, 0, 0x43), "latin1")).toMatchObject({ encoding: "utf-16be", guessed: true });
    // Latin-1 "AÑO" (Ñ = D1) stays with the declaration.
    expect(detectEncoding(bytes(0x41, 0xd1, 0x4f, 0x0a), "latin1")).toMatchObject({ encoding: "windows-1252", bom: false, guessed: false });
    expect(detectEncoding(bytes(0x41, 0xd1, 0x4f, 0x0a), "utf-8")).toMatchObject({ encoding: "utf-8", bom: false });
  });

  it("joins a character cut between chunks, and decodes Windows-1252 quotes in a Latin-1 file", () => {
    const t = new TextFromBytes("utf-8");
    const euro = [0xe2, 0x82, 0xac]; // €
    const parts = euro.map((b) => t.push(Uint8Array.of(b)));
    expect(parts.join("") + t.end()).toBe("€");
    const w = new TextFromBytes("latin1");
    expect(w.push(Uint8Array.of(0x93, 0x41, 0x94)) + w.end()).toBe("\u201cA\u201d");
  });
});

describe("bad quotes through the reader", () => {
  it("gives the same rows, rejections and problems at every chunk size", async () => {
    const egresos = catalog.sources.get("egresos")!;
    for (const name of ["comilla_sin_cerrar", "cr_suelto", "comillas"]) {
      const bytes = readFileSync(join(MALOS, name, "EGRESOS_2024.txt"));
      const whole = await read(egresos, [bytes]);
      for (let size = 1; size <= 64; size++) {
        const chunked = await read(egresos, cut(bytes, size));
        expect(chunked, `${name} at ${size}`).toEqual(whole);
      }
    }
  });

  it("names the line where an unclosed quote opened, rejects that line with its column and reads the rest", async () => {
    const egresos = catalog.sources.get("egresos")!;
    const out = await read(egresos, [readFileSync(join(MALOS, "comilla_sin_cerrar", "EGRESOS_2024.txt"))]);
    // Lines 2-7 are data: 6 read, line 3 rejected for its quote, line 6 for DIAS_ESTA = 3a.
    expect(out.read).toBe(6);
    expect(out.rejections.map((r) => [r.line, r.code, r.column])).toEqual([
      [3, "MASB_CSV_COMILLAS", "AFECPRIN"],
      [6, "MASB_VALOR_INVALIDO", "DIAS_ESTA"],
    ]);
    expect(out.rejections[0].reason).toMatch(/comilla sin cerrar/);
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatchObject({ code: "MASB_ARCHIVO_COMILLA_SIN_CERRAR", line: 3, fatal: false });
    expect(out.problems[0].message).toContain("línea 3");
  });
});
