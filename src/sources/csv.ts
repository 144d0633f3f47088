/**
 * A streaming CSV tokenizer for delimited text as the information systems export it:
 * `,` `|` `;` or tab, optional double quotes with `""` escapes, quoted line breaks, LF or
 * CRLF. Unlike a parser that aborts the stream at the first malformed quote, it reports the
 * bad record and goes on, so that every input row is counted.
 *
 * Semantics (the differential test in tests/csv-differential.test.ts pins them to csv-parse
 * with `record_delimiter: ["\r\n", "\n"]`, `relax_quotes`, `skip_empty_lines`):
 * - A record ends at LF or CRLF outside quotes. A lone CR is text: inside a field it is kept,
 *   after a closing quote it is text after the quote (a malformed record).
 * - Line numbers count LF: a CRLF is one line break, a lone CR none (as `wc -l`, `grep -n`
 *   and `sed -n` count). A record's line is the line it starts on.
 * - Blank lines are skipped. A quote inside an unquoted field is an ordinary character.
 * - A record is handed over only once its line break has arrived (or at the end), so where
 *   the chunks are cut never changes what is read.
 *
 * An opening quote that does not close properly must not swallow the rest of the file. A
 * quoted field is declared unclosed when (a) the text ends inside it, (b) it runs past
 * `maxQuotedChars` characters (1 MiB by default) without closing, or (c) it contains a line
 * break and its closing quote is followed by something other than the delimiter or the end
 * of the line (the "closing" quote was the opening quote of a later line). Then the record is
 * cut at the end of the line where that quote opened, handed over with an error, and reading
 * resumes at the next line. So at most the faulty record is lost, memory holds at most
 * `maxQuotedChars` of pending text, and time stays linear: each unclosed quote rereads at
 * most the text up to the next quote character (or the limit).
 *
 * Three paths, cheapest first: a line without a quote character is `split` on the
 * delimiter; a line quoted field by field with nothing unusual inside (SINAC quotes every
 * field) is `split` on `"<delimiter>"`; anything else walks field by field. The position of
 * the next quote is found once per chunk and reused until the lines pass it, so finding
 * quotes costs one scan of the text, not one per line.
 *
 * Column projection (`project`): a reader that uses a few of a file's columns (16 of SINAC's
 * 64) says which, and on the two fast paths the tokenizer counts the delimiters of the line
 * and slices only those fields, into one array reused from record to record; the others are
 * never made into strings. The record's text (`RecordSpan`) is handed over beside them, so
 * that a record that is rejected can still be split whole (`splitSpan`) for the `rechazos`
 * file, and a whole-record key can be hashed from the text.
 */

/** What went wrong with the quotes of a record handed over with an error. */
export interface QuoteProblem {
  /** `sin_cerrar`: the quote never closed properly; `texto_tras_cierre`: text follows a closing quote on the same line. */
  kind: "sin_cerrar" | "texto_tras_cierre";
  /** 0-based index of the faulty field in the record. */
  field: number;
  /** Line where the faulty field's opening quote is. */
  quoteLine: number;
  /** The unclosed quote had run past the end of its line: the lines after it were read again as records of their own. */
  resynced: boolean;
}

/**
 * One record: its fields, the line it starts on, when malformed a message (Spanish) and what
 * is wrong, and its text. With a projection (`CsvTokenizer.project`) and a span of kind
 * `PLAIN` or `QUOTED`, only the projected positions of `fields` hold the field (the array is
 * reused for the next record; its length is the record's number of fields); otherwise every
 * field is there.
 */
export type RecordHandler = (fields: string[], line: number, error: string | null, problem: QuoteProblem | undefined, span: RecordSpan) => void;

/** The record was a line without quotes: its fields are the text split on the delimiter. */
export const PLAIN = 0;
/** Every field quoted, nothing unusual inside: the fields are the text within the outer quotes split on `"<delimiter>"`. */
export const QUOTED = 1;
/** Walked field by field (quotes inside, line breaks, errors): the fields handed over are the whole record. */
export const PARSED = 2;

/**
 * The text of the record being handed over: `text` from `start` to `end` (its line break
 * excluded). Reused from record to record: valid only during the call.
 */
export interface RecordSpan {
  text: string;
  start: number;
  end: number;
  kind: typeof PLAIN | typeof QUOTED | typeof PARSED;
}

/** Every field of a `PLAIN` or `QUOTED` record, from its text (a new array). */
export function splitSpan(span: RecordSpan, delimiter: string): string[] {
  return span.kind === QUOTED ? span.text.slice(span.start + 1, span.end - 1).split(`"${delimiter}"`) : span.text.slice(span.start, span.end).split(delimiter);
}

export interface CsvTokenizerOptions {
  /** A quoted field longer than this (in characters) without a closing quote is declared unclosed. Default 1 MiB. */
  maxQuotedChars?: number;
}

/** Default limit of a quoted field's length before it is declared unclosed: 1 MiB of text. */
export const MAX_QUOTED_CHARS = 1 << 20;

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

export class CsvTokenizer {
  private rest = "";
  private line = 1; // line number of the first character of `rest`
  /** After a record cut at an over-long line: drop text up to the next line break. */
  private skipping = false;
  /** The first pending record waits for the closing quote of a field: text without a quote cannot complete it. */
  private waitingForQuote = false;
  private readonly quotedSeparator: string;
  private readonly maxQuoted: number;
  /** Positions of the fields to slice on the fast paths; null: every field. */
  private keep: Uint8Array | null = null;
  /** The projected fields of the current record (reused). */
  private readonly projected: string[] = [];
  private readonly span: RecordSpan = { text: "", start: 0, end: 0, kind: PLAIN };
  constructor(private readonly delimiter: string, options: CsvTokenizerOptions = {}) {
    this.quotedSeparator = `"${delimiter}"`;
    this.maxQuoted = options.maxQuotedChars ?? MAX_QUOTED_CHARS;
  }

  /**
   * From the next record on, slice only the fields at the positions where `keep` is 1 (the
   * others, and those past its end, are counted, not made into strings); null: every field.
   * May be called from inside the record handler (after the header, say).
   */
  project(keep: Uint8Array | null): void {
    this.keep = keep;
  }

  /** Feeds a chunk of decoded text; complete records are handed to `onRecord`. */
  push(chunk: string, onRecord: RecordHandler): void {
    if (this.waitingForQuote && this.rest.length + chunk.length <= this.maxQuoted && chunk.indexOf('"') === -1) {
      // Parsing again would stop at the same open quote: keep the text, in linear time however small the chunks.
      this.rest += chunk;
      return;
    }
    this.waitingForQuote = false;
    this.rest = this.rest.length ? this.rest + chunk : chunk;
    this.drain(onRecord, false);
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(onRecord: RecordHandler): void {
    this.drain(onRecord, true);
    this.rest = "";
  }

  /**
   * Nothing is pending: the text so far ended with a record's line break (or held no record),
   * so what comes next starts a record, as it would for a new tokenizer.
   */
  get atBoundary(): boolean {
    return this.rest.length === 0 && !this.skipping && !this.waitingForQuote;
  }

  /** Goes on as a tokenizer whose next text starts on `line` (a range of a file read on its own); only at a boundary. */
  restartAt(line: number): void {
    if (!this.atBoundary) throw new Error("CsvTokenizer.restartAt: a record is pending");
    this.line = line;
  }

  /** Characters held back waiting for the end of a record (bounded by the line length and `maxQuotedChars`). */
  get buffered(): number {
    return this.rest.length;
  }

  private drain(onRecord: RecordHandler, final: boolean): void {
    const buf = this.rest;
    const delim = this.delimiter;
    const d = delim.charCodeAt(0);
    const quotedSeparator = this.quotedSeparator;
    const span = this.span;
    let pos = 0;
    let line = this.line;
    const n = buf.length;
    if (this.skipping) {
      const nl = buf.indexOf("\n");
      if (nl === -1) {
        this.rest = "";
        return;
      }
      this.skipping = false;
      pos = nl + 1;
      line++;
    }
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
      // Only a CR right before the LF belongs to the line end; at the end of the text a CR is data.
      if (nl < n && end > pos && buf.charCodeAt(end - 1) === CR) end--;
      const keep = this.keep;
      if (quote >= nl) {
        if (end > pos) {
          span.text = buf;
          span.start = pos;
          span.end = end;
          span.kind = PLAIN;
          onRecord(keep === null ? buf.slice(pos, end).split(delim) : this.sliceFields(buf, pos, end, d, keep), line, null, undefined, span);
        }
        pos = nl + 1;
        line++;
        continue;
      }
      if (quote === pos && end - pos >= 2 && buf.charCodeAt(end - 1) === QUOTE) {
        // "a","b","c": with no other quote inside, the quotes are balanced and the line
        // ends outside them, so splitting on `","` gives the fields.
        let fields: string[] | null;
        if (keep === null) {
          fields = buf.slice(pos + 1, end - 1).split(quotedSeparator);
          for (let k = 0; k < fields.length; k++) {
            if (fields[k].indexOf('"') !== -1) {
              fields = null;
              break;
            }
          }
        } else fields = this.sliceQuotedFields(buf, pos + 1, end - 1, d, keep);
        if (fields !== null) {
          span.text = buf;
          span.start = pos;
          span.end = end;
          span.kind = QUOTED;
          onRecord(fields, line, null, undefined, span);
          pos = nl + 1;
          line++;
          continue;
        }
      }
      const parsed = parseRecord(buf, pos, nl, delim, final, this.maxQuoted);
      if (parsed === null || parsed === WAIT_FOR_QUOTE) {
        // The record runs past the text so far: wait for more.
        this.waitingForQuote = parsed === WAIT_FOR_QUOTE;
        break;
      }
      if (parsed.problem) parsed.problem.quoteLine += line;
      span.text = buf;
      span.start = pos;
      span.end = recordEnd(buf, parsed.next);
      span.kind = PARSED;
      onRecord(parsed.fields, line, parsed.error, parsed.problem ?? undefined, span);
      line += parsed.lines;
      pos = parsed.next;
      if (parsed.skip) {
        this.skipping = true;
        break;
      }
    }
    this.rest = pos >= n ? "" : buf.slice(pos);
    this.line = line;
  }

  /** The projected fields of the unquoted text `buf[start, end)`. */
  private sliceFields(buf: string, start: number, end: number, d: number, keep: Uint8Array): string[] {
    const out = this.projected;
    const kept = keep.length;
    let i = 0;
    let from = start;
    for (let p = start; p < end; p++) {
      if (buf.charCodeAt(p) === d) {
        if (i < kept && keep[i] === 1) out[i] = buf.slice(from, p);
        i++;
        from = p + 1;
      }
    }
    if (i < kept && keep[i] === 1) out[i] = buf.slice(from, end);
    out.length = i + 1;
    return out;
  }

  /**
   * The projected fields of `buf[start, end)`, the text between a line's outer quotes, split
   * on `"<d>"`; null when a quote in it is not such a separator (a `""`, a quote inside a
   * field: the line is walked field by field). The same fields as splitting on `"<d>"` and
   * refusing any field with a quote in it.
   */
  private sliceQuotedFields(buf: string, start: number, end: number, d: number, keep: Uint8Array): string[] | null {
    const out = this.projected;
    const kept = keep.length;
    let i = 0;
    let from = start;
    for (let p = start; p < end; p++) {
      if (buf.charCodeAt(p) === QUOTE) {
        if (p + 2 >= end || buf.charCodeAt(p + 1) !== d || buf.charCodeAt(p + 2) !== QUOTE) return null;
        if (i < kept && keep[i] === 1) out[i] = buf.slice(from, p);
        i++;
        p += 2;
        from = p + 1;
      }
    }
    if (i < kept && keep[i] === 1) out[i] = buf.slice(from, end);
    out.length = i + 1;
    return out;
  }
}

/** Where the text of a record that ends before `next` ends: without its line break (LF or CRLF). */
function recordEnd(buf: string, next: number): number {
  let end = next;
  if (end > 0 && buf.charCodeAt(end - 1) === LF) {
    end--;
    if (end > 0 && buf.charCodeAt(end - 1) === CR) end--;
  }
  return end;
}

interface Parsed {
  fields: string[];
  /** Where the next record starts. */
  next: number;
  /** Line breaks consumed (the record's own, and the one that ends it). */
  lines: number;
  error: string | null;
  /** `quoteLine` is relative to the record's first line until `drain` makes it absolute. */
  problem: QuoteProblem | null;
  /** The record was cut inside an over-long line: drop the text up to its line break. */
  skip: boolean;
}

/** The text ends inside a quoted field, with no quote after its opening one. */
const WAIT_FOR_QUOTE = 0;

/**
 * Field-by-field parse of one record that contains quotes, starting at `start`; `nl` is the
 * first LF at or after `start` (the text's length when none). Null (or WAIT_FOR_QUOTE) when
 * the text ends before the record does and more may come.
 */
function parseRecord(buf: string, start: number, nl: number, delim: string, final: boolean, maxQuoted: number): Parsed | null | typeof WAIT_FOR_QUOTE {
  const d = delim.charCodeAt(0);
  const fields: string[] = [];
  const n = buf.length;
  let pos = start;
  let lines = 0; // LFs inside quoted fields so far
  let nextLf = nl; // first LF at or after pos
  let nextDelim = -1; // a delimiter at or after pos, once looked for (n when none)
  let error: string | null = null;
  let problem: QuoteProblem | null = null;
  for (;;) {
    if (pos < n && buf.charCodeAt(pos) === QUOTE) {
      const open = pos;
      const linesBefore = lines;
      let value = "";
      let from = pos + 1;
      let i = from;
      let close: number;
      for (;;) {
        const q = buf.indexOf('"', i);
        if (q === -1 || q - open > maxQuoted) {
          if (q === -1 && !final && n - open <= maxQuoted) return WAIT_FOR_QUOTE;
          // The text ended inside the field, or the field ran past the limit.
          const over = q === -1 ? n - open > maxQuoted : true;
          return unclosed(buf, open, fields, linesBefore, q === -1 ? n : Math.min(q, open + maxQuoted + 1), over ? "limite" : "fin", final, maxQuoted);
        }
        if (q + 1 < n && buf.charCodeAt(q + 1) === QUOTE) {
          value += buf.slice(from, q + 1);
          i = from = q + 2;
          continue;
        }
        if (q + 1 >= n && !final) return null; // a `""` may be cut between chunks
        value += buf.slice(from, q);
        close = q;
        break;
      }
      let fieldLines = 0;
      if (nextLf < close) {
        while (nextLf !== -1 && nextLf < close) {
          fieldLines++;
          nextLf = buf.indexOf("\n", nextLf + 1);
        }
        if (nextLf === -1) nextLf = n;
        lines += fieldLines;
      }
      pos = close + 1;
      // After the closing quote: delimiter, line end, end of text, or text that should not be there.
      if (pos >= n) {
        fields.push(value);
        return done(fields, n, lines, error, problem);
      }
      const c = buf.charCodeAt(pos);
      if (c === d) {
        fields.push(value);
        pos++;
        continue;
      }
      if (c === LF) {
        fields.push(value);
        return done(fields, pos + 1, lines + 1, error, problem);
      }
      if (c === CR) {
        if (pos + 1 < n && buf.charCodeAt(pos + 1) === LF) {
          fields.push(value);
          return done(fields, pos + 2, lines + 1, error, problem);
        }
        if (pos + 1 >= n && !final) return null; // is it a CRLF? the LF may be in the next chunk
      }
      if (fieldLines > 0) {
        // A quote that "closes" on a later line and is followed by text was most likely the
        // opening quote of that line: the field's own opening quote never closed.
        return unclosed(buf, open, fields, linesBefore, pos, "cierre", final, maxQuoted);
      }
      error ??= `texto después de la comilla de cierre en el campo ${fields.length + 1}`;
      problem ??= { kind: "texto_tras_cierre", field: fields.length, quoteLine: linesBefore, resynced: false };
      const stop = nextBoundary(buf, pos, d);
      if (stop >= n && !final) return null;
      value += stop < n && buf.charCodeAt(stop) === LF && stop > pos && buf.charCodeAt(stop - 1) === CR ? buf.slice(pos, stop - 1) : buf.slice(pos, stop);
      fields.push(value);
      pos = stop;
    } else {
      if (nextDelim < pos) {
        nextDelim = buf.indexOf(delim, pos);
        if (nextDelim === -1) nextDelim = n;
      }
      // An unquoted field ends at the next delimiter or line break (it cannot hold a LF).
      const stop = nextDelim < nextLf ? nextDelim : nextLf;
      if (stop >= n && !final) return null;
      fields.push(stop < n && buf.charCodeAt(stop) === LF && stop > pos && buf.charCodeAt(stop - 1) === CR ? buf.slice(pos, stop - 1) : buf.slice(pos, stop));
      pos = stop;
    }
    if (pos < n && buf.charCodeAt(pos) === d) {
      pos++;
      continue;
    }
    return done(fields, pos < n ? pos + 1 : n, lines + 1, error, problem);
  }
}

function done(fields: string[], next: number, lines: number, error: string | null, problem: QuoteProblem | null): Parsed {
  return { fields, next, lines, error, problem, skip: false };
}

type Cause = "fin" | "limite" | "cierre";

const because = (cause: Cause, maxQuoted: number): string =>
  cause === "fin" ? "no se cierra antes del final del archivo"
  : cause === "limite" ? `no se cierra en ${maxQuoted.toLocaleString("es-MX")} caracteres`
  : "la siguiente comilla está en otra línea y le sigue texto, no un delimitador";

/**
 * The quoted field opened at `open` is declared unclosed: the record is cut at the end of the
 * line where it opened (its value is the rest of that line) and reading resumes on the next
 * line. `scanned` is how far the search for its closing quote went.
 */
function unclosed(buf: string, open: number, fields: string[], linesBefore: number, scanned: number, cause: Cause, final: boolean, maxQuoted: number): Parsed {
  const n = buf.length;
  const eol = buf.indexOf("\n", open);
  const index = fields.length;
  const error = `comilla sin cerrar en el campo ${index + 1} (${because(cause, maxQuoted)})`;
  if (eol === -1) {
    // The quote opened on the last line of the text, or on a line longer than the limit
    // whose end has not arrived yet: the rest of that line is dropped as it comes.
    fields.push(buf.slice(open + 1));
    return {
      fields, next: n, lines: linesBefore + (final ? 1 : 0), skip: !final, error,
      problem: { kind: "sin_cerrar", field: index, quoteLine: linesBefore, resynced: false },
    };
  }
  fields.push(buf.slice(open + 1, eol > open + 1 && buf.charCodeAt(eol - 1) === CR ? eol - 1 : eol));
  const resynced = eol + 1 < scanned;
  return {
    fields, next: eol + 1, lines: linesBefore + 1, skip: false,
    error: resynced ? `${error}; el renglón se tomó hasta el final de esa línea y la lectura siguió en la siguiente` : error,
    problem: { kind: "sin_cerrar", field: index, quoteLine: linesBefore, resynced },
  };
}

/** Position of the next delimiter or LF at or after `pos`, or the text's length. */
function nextBoundary(buf: string, pos: number, d: number): number {
  const n = buf.length;
  for (let i = pos; i < n; i++) {
    const c = buf.charCodeAt(i);
    if (c === d || c === LF) return i;
  }
  return n;
}
