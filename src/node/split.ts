/**
 * Splitting a big file into byte ranges that threads read apart (a national SINAC year is
 * 600 MB in one file: read whole, it is one thread's work while the other cores wait).
 *
 * A range must start where a record starts, and a line break may sit inside a quoted field
 * (an address over two lines). Near each split point the first line break is taken after
 * which a few records parse cleanly with the header's number of fields (resynchronisation);
 * where none is found within a window, the file is not split there. The choice is only a
 * guess: what makes the result exact is that the part before a split point must end there
 * with nothing pending (`ReadOutcome.clean`), which `ingest` checks, reading the source again
 * in one thread when a part did not. Each part finds the number of its first line by
 * counting the line breaks before it (`lineAt`), so rejections name the lines one thread
 * would.
 */
import { openSync, closeSync, readSync } from "node:fs";
import type { Source } from "../catalog/load.js";
import type { FilePart } from "../engine/ingest.js";
import { CsvTokenizer } from "../sources/csv.js";
import { headerLine } from "../sources/reader.js";

/** Bytes read at a split point to find a record boundary after it. */
const RESYNC_WINDOW_BYTES = 256 * 1024;
/** Records after a candidate boundary that must parse cleanly with the header's number of fields. */
const RESYNC_RECORDS = 8;
/** Line breaks tried at a split point before giving up on it. */
const RESYNC_CANDIDATES = 64;
/** The header is looked for in the file's first bytes. */
const HEAD_BYTES = 1 << 20;

function readAt(fd: number, start: number, length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let at = 0;
  while (at < length) {
    const n = readSync(fd, buffer, at, length - at, start + at);
    if (n === 0) break;
    at += n;
  }
  return buffer.subarray(0, at);
}

/**
 * The parts of a file of `size` bytes cut into about `n` ranges at record boundaries, or
 * null when it cannot be split (no header on its first line, UTF-16, no boundary found).
 */
export function splitFile(path: string, size: number, source: Source, n: number): FilePart[] | null {
  if (n < 2) return null;
  const fd = openSync(path, "r");
  try {
    const first = readAt(fd, 0, Math.min(size, HEAD_BYTES));
    const lf = first.indexOf(10);
    if (lf < 0) return null;
    const head = lf + 1;
    const header = headerLine(source, first.subarray(0, head));
    if (!header) return null;
    const points: number[] = [];
    for (let k = 1; k < n; k++) {
      const target = Math.max(head, Math.round((k * size) / n), (points[points.length - 1] ?? 0) + 1);
      if (target >= size) break;
      const at = boundaryAfter(fd, target, size, source, header);
      if (at !== null && at < size && at > (points[points.length - 1] ?? head - 1)) points.push(at);
    }
    if (points.length === 0) return null;
    const starts = [0, ...points];
    return starts.map((start, k) => ({ k, n: starts.length, start, end: k + 1 < starts.length ? starts[k + 1] : size, head }));
  } finally {
    closeSync(fd);
  }
}

/** The first byte after a line break at or after `target` where records look whole, or null. */
function boundaryAfter(fd: number, target: number, size: number, source: Source, header: { fields: number; encoding: string }): number | null {
  const window = readAt(fd, target, Math.min(RESYNC_WINDOW_BYTES, size - target));
  const decoder = new TextDecoder(header.encoding, { ignoreBOM: true });
  let lf = window.indexOf(10);
  for (let tried = 0; lf >= 0 && tried < RESYNC_CANDIDATES; tried++, lf = window.indexOf(10, lf + 1)) {
    const start = lf + 1;
    if (target + start >= size) return null;
    if (recordsLookWhole(decoder.decode(window.subarray(start)), source.def.formato.delimitador, header.fields, target + window.length >= size)) return target + start;
  }
  return null;
}

/** The text's first records (complete ones) parse without error, each with the header's number of fields. */
function recordsLookWhole(text: string, delimiter: string, fields: number, toEnd: boolean): boolean {
  const tokenizer = new CsvTokenizer(delimiter);
  let good = 0;
  let bad = false;
  const on = (f: string[], _line: number, error: string | null) => {
    if (bad || good >= RESYNC_RECORDS) return;
    if (error !== null || !(f.length === fields || (f.length === fields + 1 && f[fields] === ""))) bad = true;
    else good++;
  };
  tokenizer.push(text, on);
  if (toEnd) tokenizer.end(on);
  return !bad && (good >= RESYNC_RECORDS || (toEnd && good > 0));
}
