import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { KeyHasher } from "../src/engine/keys.js";
import { CsvTokenizer, PARSED, QUOTED, splitSpan, type RecordSpan } from "../src/sources/csv.js";
import { TextFromBytes, type Declared } from "../src/sources/decode.js";

/**
 * Differential test: our streaming tokenizer (fed as the reader feeds it: bytes cut in chunks,
 * decoded by TextFromBytes, then tokenized) against csv-parse on the whole file, for seeded
 * random files read with every chunk size from 1 to 300 bytes and at 64 KiB.
 *
 * What "the same" means. csv-parse is run with
 *   { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true,
 *     record_delimiter: ["\r\n", "\n"], relax_quotes: true, info: true }
 * which is our documented semantics: records end at LF or CRLF (a lone CR is text), blank
 * lines are skipped, a quote inside an unquoted field is an ordinary character, the BOM is
 * dropped, records may have any number of fields (the reader checks the count against the
 * header, not the tokenizer). Fields must be equal, and our records must carry no error.
 *
 * Line numbers: ours count LF (a CRLF is one line break, a lone CR none) and give the line a
 * record starts on. csv-parse's `info.lines` counts differently (a lone CR is a line, a CRLF
 * inside quotes two), so the expected line is worked out from csv-parse's `info.bytes` (the
 * byte offset where the previous record ended): skip the blank lines after it, count the LFs
 * before. The generator's own bookkeeping of where each record starts must agree with it.
 *
 * Malformed files (stray, missing and doubled quotes, lone CRs) get their own checks below:
 * where strict csv-parse (no relax_quotes) still reads them, we must read the same; where it
 * gives up, our output must at least not depend on the chunk size.
 */

const SEED = 0x14c5;
const CHUNK_SIZES = [...Array.from({ length: 300 }, (_, i) => i + 1), 65536];

/** mulberry32: small, fast, good enough to generate test inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

const DELIMITERS = [",", "|", ";"] as const;
const LETTERS = ["a", "b", "Z", "0", "7", " ", "é", "ñ", "Ñ", "€", "😀", "\t", "-", "."];

interface Generated {
  text: string; // with the BOM character when the file has one
  delimiter: string;
  encoding: "utf-8" | "utf-8 declarado latin1" | "utf-16le" | "utf-16be";
  records: string[][];
  lines: number[];
}

/** `strict`: no quote inside an unquoted field (strict csv-parse refuses those). */
function generateField(rng: Rng, delimiter: string, last: boolean, strict: boolean): { text: string; value: string } {
  if (rng() < 0.15) return rng() < 0.3 ? { text: '""', value: "" } : { text: "", value: "" };
  const specials = [delimiter, '"', "\r", "\n", "\r\n", pick(rng, DELIMITERS)];
  let value = "";
  const length = int(rng, 1, rng() < 0.1 ? 40 : 10);
  for (let i = 0; i < length; i++) value += rng() < 0.12 ? pick(rng, specials) : pick(rng, LETTERS);
  const needsQuotes = value.includes(delimiter) || value.includes("\n") || value.startsWith('"') || value.includes('"') && (strict || rng() < 0.6);
  // A CR may stay unquoted unless it ends the record's last field (it would turn the LF into a CRLF).
  const crAtEnd = value.endsWith("\r") && last;
  if (needsQuotes || crAtEnd || rng() < 0.25) return { text: `"${value.replace(/"/g, '""')}"`, value };
  return { text: value, value };
}

/** `quoteAll`: every field quoted (SINAC's style), so that most lines take the quoted fast path. */
function generate(rng: Rng, size: "small" | "medium" | "large" | "huge", strict = false, quoteAll = false): Generated {
  const delimiter = pick(rng, DELIMITERS);
  const bom = rng() < 0.2;
  const eolStyle = pick(rng, ["\n", "\r\n", "mixed"] as const);
  const width = int(rng, 1, 8);
  const target = { small: 80, medium: 600, large: 2000, huge: 200_000 }[size];
  let text = bom ? "\uFEFF" : "";
  let lfs = 0;
  const records: string[][] = [];
  const lines: number[] = [];
  while (text.length < target || records.length === 0) {
    if (rng() < 0.05) {
      const blank = rng() < 0.5 ? "\n" : "\r\n";
      text += blank;
      lfs++;
    }
    const n = rng() < 0.9 ? width : int(rng, 1, 9);
    const parts: string[] = [];
    const values: string[] = [];
    for (let k = 0; k < n; k++) {
      const f = generateField(rng, delimiter, k === n - 1, strict);
      parts.push(quoteAll && !f.text.startsWith('"') ? `"${f.value.replace(/"/g, '""')}"` : f.text);
      values.push(f.value);
    }
    // A record of one unquoted empty field is a blank line: quote it.
    if (n === 1 && parts[0] === "") parts[0] = '""';
    const body = parts.join(delimiter);
    records.push(values);
    lines.push(lfs + 1);
    const eol = eolStyle === "mixed" ? pick(rng, ["\n", "\r\n"]) : eolStyle;
    text += body;
    for (const c of body) if (c === "\n") lfs++;
    const lastOne = text.length >= target;
    if (!lastOne || rng() < 0.8) {
      text += eol;
      lfs++;
    }
  }
  const encoding = bom && rng() < 0.4 ? pick(rng, ["utf-8 declarado latin1", "utf-16le", "utf-16be"] as const) : "utf-8";
  return { text, delimiter, encoding, records, lines };
}

function encode(text: string, encoding: Generated["encoding"]): { bytes: Uint8Array; declared: Declared } {
  if (encoding === "utf-8") return { bytes: Buffer.from(text, "utf8"), declared: "utf-8" };
  if (encoding === "utf-8 declarado latin1") return { bytes: Buffer.from(text, "utf8"), declared: "latin1" };
  const le = Buffer.from(text, "utf16le");
  if (encoding === "utf-16le") return { bytes: le, declared: "utf-8" };
  const be = Buffer.alloc(le.length);
  for (let i = 0; i + 1 < le.length; i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  return { bytes: be, declared: "latin1" };
}

/** One record per line of the signature: `<line><: or !><fields joined by U+0001>`. */
const sign = (line: number, fields: string[], error: boolean) => `${line}${error ? "!" : ":"}${fields.join("\u0001")}\n`;

/** Our records, reading `bytes` in chunks of `chunk` bytes the way readSource does; `lines` collects their lines. */
function ours(bytes: Uint8Array, chunk: number, declared: Declared, delimiter: string, lines?: number[]): string {
  const text = new TextFromBytes(declared);
  const t = new CsvTokenizer(delimiter);
  let out = "";
  const on = (fields: string[], line: number, error: string | null) => {
    out += sign(line, fields, error !== null);
    lines?.push(line);
  };
  for (let i = 0; i < bytes.length; i += chunk) {
    const s = text.push(bytes.subarray(i, i + chunk));
    if (s) t.push(s, on);
  }
  const tail = text.end();
  if (tail) t.push(tail, on);
  t.end(on);
  return out;
}

const CSV_PARSE_OPTIONS = { bom: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ["\r\n", "\n"], info: true };

/** csv-parse's records with the line each starts on (see the header comment); null when csv-parse refuses the text. */
function reference(text: string, delimiter: string, relaxQuotes: boolean): { signature: string; records: string[][]; lines: number[] } | null {
  const buf = Buffer.from(text, "utf8");
  let rows: { record: string[]; info: { bytes: number } }[];
  try {
    rows = parse(buf, { ...CSV_PARSE_OPTIONS, delimiter, relax_quotes: relaxQuotes }) as unknown as typeof rows;
  } catch {
    return null;
  }
  let offset = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let lfs = 0;
  let counted = 0;
  let signature = "";
  const lines: number[] = [];
  for (const { record, info } of rows) {
    for (;;) {
      if (buf[offset] === 0x0a) offset += 1;
      else if (buf[offset] === 0x0d && buf[offset + 1] === 0x0a) offset += 2;
      else break;
    }
    for (; counted < offset; counted++) if (buf[counted] === 0x0a) lfs++;
    lines.push(lfs + 1);
    signature += sign(lfs + 1, record, false);
    offset = info.bytes;
  }
  return { signature, records: rows.map((r) => r.record), lines };
}

/** The first chunk size at which our output differs from `expected`, or null. */
function firstMismatch(bytes: Uint8Array, declared: Declared, delimiter: string, expected: string, sizes = CHUNK_SIZES): { chunk: number; got: string } | null {
  for (const chunk of sizes) {
    const got = ours(bytes, chunk, declared, delimiter);
    if (got !== expected) return { chunk, got };
  }
  return null;
}

/** Greedy shrinking: drop lines, then characters, while `fails` still holds. */
function shrink(text: string, fails: (t: string) => boolean): string {
  let current = text;
  for (let changed = true; changed; ) {
    changed = false;
    const lines = current.split(/(?<=\n)/);
    for (let i = 0; i < lines.length && lines.length > 1; i++) {
      const candidate = [...lines.slice(0, i), ...lines.slice(i + 1)].join("");
      if (fails(candidate)) {
        current = candidate;
        changed = true;
        break;
      }
    }
    if (changed) continue;
    const chars = [...current];
    for (let i = 0; i < chars.length; i++) {
      const candidate = [...chars.slice(0, i), ...chars.slice(i + 1)].join("");
      if (fails(candidate)) {
        current = candidate;
        changed = true;
        break;
      }
    }
  }
  return current;
}

function report(kind: string, text: string, delimiter: string, fails: (t: string) => boolean, detail: string): string {
  const small = shrink(text, fails);
  return `${kind}\nshrunk failing input (delimiter ${JSON.stringify(delimiter)}): ${JSON.stringify(small)}\n${detail}`;
}

describe("the tokenizer agrees with csv-parse on generated well-formed files", () => {
  it("reads every file the same at every chunk size from 1 to 300 bytes and at 64 KiB", () => {
    const rng = prng(SEED);
    const sizes = [...Array(160).fill("small"), ...Array(180).fill("medium"), ...Array(80).fill("large")] as ("small" | "medium" | "large")[];
    let combinations = 0;
    let effective = 0; // chunk smaller than the file: the chunking actually cuts it
    let mismatches = 0;
    const failures: string[] = [];
    for (const size of sizes) {
      const g = generate(rng, size);
      const ref = reference(g.text, g.delimiter, true);
      // The generator and csv-parse must agree on what the file holds, and on where each record starts.
      expect(ref, `csv-parse refused a generated file: ${JSON.stringify(g.text)}`).not.toBeNull();
      expect(ref!.records, JSON.stringify(g.text)).toEqual(g.records);
      expect(ref!.lines, JSON.stringify(g.text)).toEqual(g.lines);
      const { bytes, declared } = encode(g.text, g.encoding);
      for (const chunk of CHUNK_SIZES) {
        combinations++;
        if (chunk < bytes.length) effective++;
        const got = ours(bytes, chunk, declared, g.delimiter);
        if (got === ref!.signature) continue;
        mismatches++;
        if (failures.length < 3) {
          const fails = (t: string) => {
            const r = reference(t, g.delimiter, true);
            if (!r) return false;
            const e = encode(t, g.encoding);
            return firstMismatch(e.bytes, e.declared, g.delimiter, r.signature) !== null;
          };
          failures.push(report(`mismatch at chunk ${chunk} (${g.encoding})`, g.text, g.delimiter, fails, `ours:\n${got}expected:\n${ref!.signature}`));
        }
      }
    }
    console.log(`differential: ${combinations} file × chunk-size combinations (${effective} where the chunk cuts the file), ${mismatches} mismatches`);
    expect(failures).toEqual([]);
    expect(mismatches).toBe(0);
    expect(combinations).toBeGreaterThanOrEqual(100_000);
  });

  it("reads large files the same at 64 KiB and at sizes around it", () => {
    const rng = prng(SEED + 1);
    for (let f = 0; f < 6; f++) {
      const g = generate(rng, "huge");
      const ref = reference(g.text, g.delimiter, true)!;
      expect(ref.records).toEqual(g.records);
      const { bytes, declared } = encode(g.text, g.encoding);
      const miss = firstMismatch(bytes, declared, g.delimiter, ref.signature, [65536, 65535, 65537, 4096, 997, 64]);
      expect(miss?.chunk ?? null, `file ${f} (${bytes.length} bytes, ${g.encoding})`).toBeNull();
    }
  });
});

/** Breaks a well-formed file: stray, missing or doubled quotes and lone CRs at random places. */
function mutate(rng: Rng, text: string): string {
  let t = text;
  const edits = int(rng, 1, 3);
  for (let e = 0; e < edits; e++) {
    let at = int(rng, 0, t.length);
    if (at > 0 && at < t.length && t.charCodeAt(at) >= 0xdc00 && t.charCodeAt(at) <= 0xdfff) at--; // not inside a surrogate pair
    const op = rng();
    if (op < 0.45) t = `${t.slice(0, at)}"${t.slice(at)}`;
    else if (op < 0.7) {
      const q = t.indexOf('"', at);
      if (q !== -1) t = t.slice(0, q) + t.slice(q + 1);
    } else if (op < 0.85) t = `${t.slice(0, at)}\r${t.slice(at)}`;
    else {
      const nl = t.indexOf("\n", at);
      if (nl !== -1) t = `${t.slice(0, nl)}"${t.slice(nl)}`;
    }
  }
  return t;
}

describe("the tokenizer on malformed files", () => {
  it("reads what strict csv-parse reads, and otherwise gives the same records at every chunk size", () => {
    const rng = prng(SEED + 2);
    let strictAgreements = 0;
    let invariance = 0;
    const failures: string[] = [];
    for (let f = 0; f < 400; f++) {
      const g = generate(rng, rng() < 0.5 ? "small" : "medium", true);
      const text = mutate(rng, g.text);
      const bytes = Buffer.from(text, "utf8");
      const strict = reference(text, g.delimiter, false);
      const lines: number[] = [];
      const whole = ours(bytes, 1 << 20, "utf-8", g.delimiter, lines);
      const sizes = CHUNK_SIZES.filter((c) => c <= 150 || c === 65536);
      if (strict) {
        // csv-parse accepts it: then it is well-formed for us too, with the same records.
        strictAgreements++;
        const miss = firstMismatch(bytes, "utf-8", g.delimiter, strict.signature, sizes);
        if (miss && failures.length < 3) {
          const fails = (t: string) => {
            const r = reference(t, g.delimiter, false);
            return r !== null && firstMismatch(Buffer.from(t, "utf8"), "utf-8", g.delimiter, r.signature, sizes) !== null;
          };
          failures.push(report(`strict csv-parse reads it, we differ at chunk ${miss.chunk}`, text, g.delimiter, fails, `ours:\n${miss.got}csv-parse:\n${strict.signature}`));
        }
      } else {
        invariance++;
        const miss = firstMismatch(bytes, "utf-8", g.delimiter, whole, sizes);
        if (miss && failures.length < 3) {
          const fails = (t: string) => {
            const b = Buffer.from(t, "utf8");
            return firstMismatch(b, "utf-8", g.delimiter, ours(b, 1 << 20, "utf-8", g.delimiter), sizes) !== null;
          };
          failures.push(report(`depends on the chunk size (${miss.chunk})`, text, g.delimiter, fails, `chunked:\n${miss.got}whole:\n${whole}`));
        }
      }
      // Records come in order, each on a later line than the one before.
      for (let k = 1; k < lines.length; k++) expect(lines[k], JSON.stringify(text)).toBeGreaterThan(lines[k - 1]);
    }
    console.log(`malformed: ${strictAgreements} files read as strict csv-parse reads them, ${invariance} checked for chunk-size invariance`);
    expect(failures).toEqual([]);
    expect(strictAgreements).toBeGreaterThan(15);
    expect(invariance).toBeGreaterThan(100);
  });
});

/** The two halves of a whole record's key hash, field by field (what `fieldsOf` must give). */
function hashOfFields(fields: string[]): string {
  const h = new KeyHasher();
  h.start();
  for (const f of fields) h.field(f);
  h.end();
  return `${h.a}/${h.b}`;
}

/**
 * Our records read with a projection: per record, the field count, the projected fields, the
 * whole record (split again from its text where the tokenizer sliced only some), and whether
 * hashing it from its text gave the hash of its fields.
 */
function projected(bytes: Uint8Array, chunk: number, declared: Declared, delimiter: string, keep: Uint8Array): { signature: string; hashMismatches: number; sliced: number } {
  const text = new TextFromBytes(declared);
  const t = new CsvTokenizer(delimiter);
  t.project(keep);
  let signature = "";
  let hashMismatches = 0;
  let sliced = 0;
  const h = new KeyHasher();
  const on = (fields: string[], line: number, error: string | null, _p: unknown, span: RecordSpan) => {
    const whole = span.kind === PARSED ? fields : splitSpan(span, delimiter);
    if (span.kind !== PARSED) {
      sliced++;
      h.start();
      h.fieldsOf(span.text, span.start, span.end, delimiter.charCodeAt(0), span.kind === QUOTED);
      h.end();
      if (`${h.a}/${h.b}` !== hashOfFields(whole)) hashMismatches++;
    }
    const kept = whole.map((f, i) => (keep[i] === 1 ? f : "·"));
    signature += `${line}${error ? "!" : ":"}${fields.length}:${kept.join("\u0001")}|${whole.join("\u0001")}\n`;
    // The projected positions hold their field.
    for (let i = 0; i < fields.length; i++) if (keep[i] === 1 && fields[i] !== whole[i]) signature += `  campo ${i}: ${JSON.stringify(fields[i])}\n`;
  };
  for (let i = 0; i < bytes.length; i += chunk) {
    const s = text.push(bytes.subarray(i, i + chunk));
    if (s) t.push(s, on);
  }
  const tail = text.end();
  if (tail) t.push(tail, on);
  t.end(on);
  return { signature, hashMismatches, sliced };
}

describe("column projection", () => {
  it("slices the projected fields as csv-parse reads them, counts the others, and splits the whole record again from its text", () => {
    const rng = prng(SEED + 3);
    let files = 0;
    let sliced = 0;
    const failures: string[] = [];
    for (let f = 0; f < 300; f++) {
      const g = generate(rng, pick(rng, ["small", "medium", "large"] as const), false, rng() < 0.5);
      const ref = reference(g.text, g.delimiter, true)!;
      expect(ref.records).toEqual(g.records);
      const keep = new Uint8Array(int(rng, 0, 10));
      for (let i = 0; i < keep.length; i++) keep[i] = rng() < 0.4 ? 1 : 0;
      let expected = "";
      ref.records.forEach((record, k) => {
        expected += `${ref.lines[k]}:${record.length}:${record.map((x, i) => (keep[i] === 1 ? x : "·")).join("\u0001")}|${record.join("\u0001")}\n`;
      });
      const { bytes, declared } = encode(g.text, g.encoding);
      files++;
      for (const chunk of [1, 2, 7, 64, 333, 65536]) {
        const got = projected(bytes, chunk, declared, g.delimiter, keep);
        sliced += got.sliced;
        if (got.hashMismatches > 0) failures.push(`file ${f}, chunk ${chunk}: ${got.hashMismatches} records hashed from their text differently from their fields: ${JSON.stringify(g.text)}`);
        if (got.signature !== expected && failures.length < 3) failures.push(`file ${f}, chunk ${chunk}, keep ${[...keep].join("")}: ${JSON.stringify(g.text)}\nours:\n${got.signature}expected:\n${expected}`);
      }
    }
    console.log(`projection: ${files} files at 6 chunk sizes, ${sliced} records sliced on a fast path`);
    expect(failures).toEqual([]);
    expect(sliced).toBeGreaterThan(10_000);
  });
});
