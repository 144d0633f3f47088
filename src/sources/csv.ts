/**
 * A streaming CSV tokenizer for delimited text as the information systems export it:
 * `,` `|` `;` or tab, optional double quotes with `""` escapes, quoted line breaks, LF or
 * CRLF. Unlike a parser that aborts the stream at the first malformed quote, it reports the
 * bad record and goes on with the next line, so that every input row is counted.
 *
 * Three paths, cheapest first: a line without a quote character is `split` on the
 * delimiter; a line quoted field by field with nothing unusual inside (SINAC quotes every
 * field) is `split` on `"<delimiter>"`; anything else walks character by character. The
 * position of the next quote is found once per chunk and reused until the lines pass it, so
 * finding quotes costs one scan of the text, not one per line.
 */
export type RecordHandler = (fields: string[], line: number, error: string | null) => void;

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

export class CsvTokenizer {
  private rest = "";
  private line = 1; // line number of the first character of `rest`
  private readonly quotedSeparator: string;
  constructor(private readonly delimiter: string) {
    this.quotedSeparator = `"${delimiter}"`;
  }

  /** Feeds a chunk of decoded text; complete records are handed to `onRecord`. */
  push(chunk: string, onRecord: RecordHandler): void {
    this.rest = this.rest.length ? this.rest + chunk : chunk;
    this.drain(onRecord, false);
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(onRecord: RecordHandler): void {
    this.drain(onRecord, true);
    this.rest = "";
  }

  private drain(onRecord: RecordHandler, final: boolean): void {
    const buf = this.rest;
    const delim = this.delimiter;
    const quotedSeparator = this.quotedSeparator;
    let pos = 0;
    let line = this.line;
    const n = buf.length;
    let quote = -1; // next quote at or after pos (n when none); -1 = not looked for yet
    while (pos < n) {
      let nl = buf.indexOf("\n", pos);
      if (nl === -1) {
        if (!final) break;
        nl = n;
      }
      if (quote < pos) {
        quote = buf.indexOf('"', pos);
        if (quote === -1) quote = n;
      }
      let end = nl;
      if (end > pos && buf.charCodeAt(end - 1) === CR) end--;
      if (quote >= nl) {
        if (end > pos) onRecord(buf.slice(pos, end).split(delim), line, null);
        pos = nl + 1;
        line++;
        continue;
      }
      if (quote === pos && end - pos >= 2 && buf.charCodeAt(end - 1) === QUOTE) {
        // "a","b","c": with no other quote inside, the quotes are balanced and the line
        // ends outside them, so splitting on `","` gives the fields.
        const fields = buf.slice(pos + 1, end - 1).split(quotedSeparator);
        let plain = true;
        for (let k = 0; k < fields.length; k++) {
          if (fields[k].indexOf('"') !== -1) {
            plain = false;
            break;
          }
        }
        if (plain) {
          onRecord(fields, line, null);
          pos = nl + 1;
          line++;
          continue;
        }
      }
      const parsed = parseQuoted(buf, pos, delim, final);
      if (parsed === null) break; // a quoted field runs past the chunk: wait for more text
      onRecord(parsed.fields, line, parsed.error);
      line += parsed.lines;
      pos = parsed.next;
    }
    this.rest = pos >= n ? "" : buf.slice(pos);
    this.line = line;
  }
}

interface Parsed {
  fields: string[];
  next: number;
  lines: number;
  error: string | null;
}

/** Character-level parse of one record that contains quotes; null when the text ends inside a quoted field. */
function parseQuoted(buf: string, start: number, delim: string, final: boolean): Parsed | null {
  const d = delim.charCodeAt(0);
  const fields: string[] = [];
  const n = buf.length;
  let pos = start;
  let lines = 1;
  let error: string | null = null;
  for (;;) {
    // start of a field
    if (pos < n && buf.charCodeAt(pos) === QUOTE) {
      let value = "";
      let from = pos + 1;
      let i = from;
      for (;;) {
        const q = buf.indexOf('"', i);
        if (q === -1) {
          if (!final) return null;
          value += buf.slice(from);
          for (let k = from; k < n; k++) if (buf.charCodeAt(k) === LF) lines++;
          fields.push(value);
          return { fields, next: n, lines, error: error ?? "comilla sin cerrar al final del archivo" };
        }
        if (q + 1 < n && buf.charCodeAt(q + 1) === QUOTE) {
          value += buf.slice(from, q + 1);
          i = from = q + 2;
          continue;
        }
        if (q + 1 >= n && !final) return null;
        value += buf.slice(from, q);
        for (let k = pos; k < q; k++) if (buf.charCodeAt(k) === LF) lines++;
        pos = q + 1;
        break;
      }
      // after the closing quote: delimiter, end of line, or junk
      let c = pos < n ? buf.charCodeAt(pos) : LF;
      if (c !== d && c !== LF && c !== CR) {
        error ??= `texto después de la comilla de cierre en el campo ${fields.length + 1}`;
        const stop = nextBoundary(buf, pos, d);
        value += buf.slice(pos, stop);
        pos = stop;
        c = pos < n ? buf.charCodeAt(pos) : LF;
      }
      fields.push(value);
      if (c === d) {
        pos++;
        continue;
      }
      return finishLine(buf, pos, fields, lines, error);
    }
    const stop = nextBoundary(buf, pos, d);
    let value = buf.slice(pos, stop);
    if (stop < n && buf.charCodeAt(stop) === LF && value.charCodeAt(value.length - 1) === CR) value = value.slice(0, -1);
    fields.push(value);
    pos = stop;
    if (pos < n && buf.charCodeAt(pos) === d) {
      pos++;
      continue;
    }
    return finishLine(buf, pos, fields, lines, error);
  }
}

function nextBoundary(buf: string, pos: number, d: number): number {
  const n = buf.length;
  for (let i = pos; i < n; i++) {
    const c = buf.charCodeAt(i);
    if (c === d || c === LF) return i;
  }
  return n;
}

function finishLine(buf: string, pos: number, fields: string[], lines: number, error: string | null): Parsed {
  const n = buf.length;
  if (pos < n && buf.charCodeAt(pos) === CR) pos++;
  if (pos < n && buf.charCodeAt(pos) === LF) pos++;
  return { fields, next: pos, lines, error };
}
