import { describe, expect, it } from "vitest";
import { KeyHasher, SeenKeys, sharesAKey } from "../src/engine/keys.js";
import { validateCatalog as validate } from "../src/index.js";

const validateCatalog = async (...args: Parameters<typeof validate>) => (await validate(...args)).problems;

/** The hash of a key given as its fields. */
function hashOf(fields: string[]): [number, number] {
  const h = new KeyHasher();
  h.start();
  for (const f of fields) h.field(f);
  h.end();
  return [h.a, h.b];
}

describe("natural keys (llave): the set of keys already read", () => {
  it("tells keys apart by where their fields end: ab|c, a|bc and abc are three keys", () => {
    const seen = new SeenKeys();
    seen.startFile("f.csv");
    expect(seen.add(...hashOf(["ab", "c"]), 2)).toBe(-1);
    expect(seen.add(...hashOf(["a", "bc"]), 3)).toBe(-1);
    expect(seen.add(...hashOf(["abc"]), 4)).toBe(-1);
    expect(seen.add(...hashOf(["abc", ""]), 5)).toBe(-1);
    expect(seen.size).toBe(4);
  });

  it("finds a repeated key and names the file and line where it was first read", () => {
    const seen = new SeenKeys();
    seen.startFile("DEFUN_2023.csv");
    seen.add(...hashOf(["12", "036", "I219"]), 2);
    seen.add(...hashOf(["12", "062", "V892"]), 3);
    seen.startFile("DEFUN_2024.csv");
    expect(seen.add(...hashOf(["12", "001", "E119"]), 2)).toBe(-1);
    const first = seen.add(...hashOf(["12", "062", "V892"]), 3);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(seen.fileAt(first)).toBe("DEFUN_2023.csv");
    expect(seen.lineAt(first)).toBe(3);
    expect(seen.size).toBe(3);
  });

  it("makes room at once for the keys announced, and keeps the ones it had", () => {
    const seen = new SeenKeys(16);
    seen.startFile("sinac_2024.csv");
    seen.add(...hashOf(["a"]), 2);
    // 1 000 keys fill three quarters of 1 334 slots (1 333 × 3/4 = 999.75 would be too few).
    seen.reserve(1000);
    expect(seen.bytes).toBe(1334 * 12);
    seen.reserve(10);
    expect(seen.bytes).toBe(1334 * 12);
    const first = seen.add(...hashOf(["a"]), 9);
    expect([seen.fileAt(first), seen.lineAt(first)]).toEqual(["sinac_2024.csv", 2]);
  });

  it("sizes with the spare room asked for, and keeps its table while an estimate fits in it", () => {
    const seen = new SeenKeys(16);
    // 1 000 keys need 1 334 slots; a tenth more: ceil(1 334 × 1.1) = 1 468 slots of 12 bytes.
    seen.reserve(1000, 1.1);
    expect(seen.bytes).toBe(1468 * 12);
    // The next file's estimate, 1 100 keys, needs ceil(1 100 × 4/3) = 1 467 slots ≤ 1 468: no new table.
    seen.reserve(1100, 1.1);
    expect(seen.bytes).toBe(1468 * 12);
    // 1 101 keys need ceil(1 468.0) = 1 468 slots: still fits. 1 103 need ceil(1 470.67) = 1 471:
    // a new table, ceil(1 471 × 1.1) = ceil(1 618.1) = 1 619 slots.
    seen.reserve(1101, 1.1);
    expect(seen.bytes).toBe(1468 * 12);
    seen.reserve(1103, 1.1);
    expect(seen.bytes).toBe(1619 * 12);
  });

  it("names the right file after files that held no key, and lines past the first file's last", () => {
    const seen = new SeenKeys();
    seen.startFile("a.csv");
    seen.add(...hashOf(["1"]), 7);
    seen.startFile("vacio.csv");
    seen.startFile("b.csv");
    seen.add(...hashOf(["2"]), 3);
    seen.add(...hashOf(["3"]), 900);
    seen.startFile("c.csv");
    const one = seen.add(...hashOf(["1"]), 2);
    const two = seen.add(...hashOf(["2"]), 3);
    const three = seen.add(...hashOf(["3"]), 4);
    expect([seen.fileAt(one), seen.lineAt(one)]).toEqual(["a.csv", 7]);
    expect([seen.fileAt(two), seen.lineAt(two)]).toEqual(["b.csv", 3]);
    expect([seen.fileAt(three), seen.lineAt(three)]).toEqual(["b.csv", 900]);
  });

  it("keeps every key, and where it was first read, as the table grows from 16 slots", () => {
    const seen = new SeenKeys(16);
    seen.startFile("EGRESOS_2024.txt");
    // 10 000 IDs on lines 2 … 10 001. The table grows by half when over three quarters full,
    // so it ends between three quarters full (10 000 × 4/3 → 13 334 slots) and half full
    // (grown by half from just over three quarters: under 20 001 slots), 12 bytes a slot.
    for (let id = 1; id <= 10_000; id++) expect(seen.add(...hashOf([String(id)]), id + 1)).toBe(-1);
    expect(seen.size).toBe(10_000);
    expect(seen.bytes / 12).toBeGreaterThanOrEqual(13_334);
    expect(seen.bytes / 12).toBeLessThan(20_001);
    for (let id = 1; id <= 10_000; id++) {
      const first = seen.add(...hashOf([String(id)]), 20_000);
      expect(seen.lineAt(first)).toBe(id + 1);
    }
    expect(seen.size).toBe(10_000);
  });
});

describe("the keys of parts read apart, checked together", () => {
  /** A seeded stream of 32-bit words (mulberry32). */
  const words = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) | 0;
  };
  const setOf = (pairs: [number, number][]) => {
    const seen = new SeenKeys();
    seen.startFile("parte.csv");
    pairs.forEach(([a, b], i) => seen.add(a, b, i + 2));
    return seen;
  };

  it("hands back every key once, sorted by a then b as unsigned numbers", () => {
    const next = words(7);
    // Keys with equal a (and with a's sign bit set) among random ones.
    const pairs: [number, number][] = Array.from({ length: 20_000 }, (_, i) => [i % 7 === 0 ? -5 : next(), next()]);
    const sorted = setOf(pairs).sortedPairs();
    const expected = [...pairs].sort((x, y) => (x[0] >>> 0) - (y[0] >>> 0) || (x[1] >>> 0) - (y[1] >>> 0)).flat();
    expect([...sorted]).toEqual(expected.map((x) => x | 0));
  });

  it("finds a key in two parts, and none when each key is in one", () => {
    const next = words(11);
    const parts = [0, 1, 2].map(() => Array.from({ length: 5_000 }, () => [next(), next()] as [number, number]));
    const lists = parts.map((p) => setOf(p).sortedPairs());
    expect(sharesAKey(lists)).toBe(false);
    expect(sharesAKey([lists[0], new Int32Array(0), lists[2]])).toBe(false);
    // The last key of the third part also in the first.
    const repeated = [...parts[0], parts[2][4_999]];
    expect(sharesAKey([setOf(repeated).sortedPairs(), lists[1], lists[2]])).toBe(true);
    // Same a, other b: not the same key.
    const near = [...parts[1], [parts[2][0][0], parts[2][0][1] ^ 1] as [number, number]];
    expect(sharesAKey([lists[0], setOf(near).sortedPairs(), lists[2]])).toBe(false);
  });
});

describe("natural keys (llave) in a source schema", () => {
  const source = (extra: string, rol = "") => [{
    path: "sources/s.yaml",
    text: `fuente: s\narchivos: ["s*.csv"]\ngrano: registro\n${rol}${extra}\ncolumnas:\n  - { nombre: clues, tipo: texto }\n  - { nombre: folio, tipo: texto }\n`,
  }];

  it("accepts declared columns and `renglon`, the whole record", async () => {
    expect(await validateCatalog(source("llave: [clues, folio]"))).toEqual([]);
    expect(await validateCatalog(source("llave: renglon"))).toEqual([]);
  });

  it("refuses another word than `renglon`, at its position", async () => {
    const [p] = await validateCatalog(source("llave: registro"));
    expect({ code: p.code, line: p.line, column: p.column }).toEqual({ code: "MASB_ESQUEMA", line: 4, column: 8 });
  });

  it("refuses the pivot's variable in a llave: a record is one line, whatever the variables it unpivots to", async () => {
    const problems = await validateCatalog(source("llave: [clues, variable]\npivote: { columnas: '^[A-Z]{3}[0-9]{2}$', variable: variable, valor: valor }"));
    // `variable` starts after "llave: [clues, ": column 16 of line 4.
    expect(problems.map((p) => ({ code: p.code, line: p.line, column: p.column }))).toEqual([{ code: "MASB_COLUMNA_DESCONOCIDA", line: 4, column: 16 }]);
  });

  it("refuses a llave on the CLUES catalog, whose own check keeps one row per CLUES", async () => {
    const problems = await validateCatalog(source("llave: [clues]", "rol: catalogo_clues\n"));
    expect(problems.map((p) => ({ code: p.code, line: p.line, column: p.column }))).toEqual([{ code: "MASB_ESQUEMA", line: 5, column: 1 }]);
  });
});
