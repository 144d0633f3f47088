// Reading an extract for the table loader (scripts/cargar-tablas.mjs): which file belongs to
// which source, each file's header, and its records as text, exactly as written, with the line
// each starts on. Records that are not well-formed CSV are turned down and counted here, for
// both databases alike, so that PostgreSQL and DuckDB get the same tables.
//
// What masb does, mirrored (src/node/extract.ts, src/sources/decode.ts, csv.ts, reader.ts):
// - a file belongs to the source one of whose `archivos` globs matches its name, without regard
//   to case; a name two sources match is an error; subfolders and unmatched files are not read;
// - bytes: a UTF-8 BOM means UTF-8, a UTF-16 BOM (or a NUL in every other byte) UTF-16,
//   else the declared encoding, Latin-1 read as Windows-1252; the BOM never reaches the text;
// - records end at LF or CRLF outside quotes, blank lines are skipped, a quote inside an
//   unquoted field is text; lines count LF (a record's line is the one it starts on);
// - the header is the first record that names the source's first required column (case,
//   accents and blanks ignored), within 25 records; what comes before it is a preamble;
// - a record with another number of fields than the header is rejected (one more, empty, is
//   a trailing delimiter and is accepted without it); a quote that does not close properly
//   rejects its record, cut at the end of the line where that quote opened, and reading goes
//   on at the next line.
// The parser is csv-parse, with the options that tests/csv-differential.test.ts pins masb's
// tokenizer to; csv-parse joins lines after a broken quote (relax_quotes) or stops at it, so
// the quotes of any record where a quote survived into a value are checked again here.

import { readdir, open, stat } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'csv-parse';
import { parse as parseYaml } from 'yaml';

export const DEFAULT_CATALOG = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'indicators');

/** Columns every table gets after the file's own: the file's name and the line a record starts on. */
export const FILE_COLUMN = 'masb_archivo';
export const LINE_COLUMN = 'masb_linea';

/** Rejection codes: masb's own where masb rejects the same record for the same reason. */
export const CODES = {
  fields: 'MASB_CSV_NUM_CAMPOS',
  quotes: 'MASB_CSV_COMILLAS',
  noHeader: 'MASB_ARCHIVO_INVALIDO',
  nul: 'MASB_CARGA_CARACTER_NULO',
  header: 'MASB_CARGA_ENCABEZADO',
};

/** PostgreSQL's limits that a header can run into: columns per table, bytes per identifier. */
export const MAX_COLUMNS = 1600;
export const MAX_IDENTIFIER_BYTES = 63;

const PREAMBLE_LIMIT = 25; // as masb: a header further down is not looked for
const CHUNK_BYTES = 1 << 16;
const MAX_RECORD_CHARS = 1 << 20; // as masb's limit on a quoted field: an unclosed quote holds at most this
const TEXT_LIMIT = 4000; // characters of a rejected record kept in the report

/** masb's header-name key: BOM, accents, case and runs of blanks do not count. */
export const nameKey = (s) => s.replace(/^\uFEFF/, '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().replace(/\s+/g, ' ').toUpperCase();

/** `DA_*_SIS_*.csv` → a case-insensitive regular expression on the file name (masb's globToRegExp). */
const globToRegExp = (glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');

/**
 * The sources of a catalog (indicators/sources/*.yaml): name, file globs, delimiter,
 * encoding, and how masb recognises a header. The SIS dictionaries under sources/sis/ say which
 * variable columns masb reads; the files keep all of theirs, so they play no part here.
 */
export function loadSources(catalog = DEFAULT_CATALOG) {
  const dir = join(catalog, 'sources');
  const sources = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    const def = parseYaml(readFileSync(join(dir, f), 'utf8'));
    if (!def || typeof def.fuente !== 'string' || !Array.isArray(def.archivos)) continue;
    const fmt = def.formato ?? {};
    const originals = (c) => c.de ?? (c.original === undefined ? [c.nombre] : Array.isArray(c.original) ? c.original : [c.original]);
    const first = (def.columnas ?? []).find((c) => c.requerida !== false);
    sources.push({
      name: def.fuente,
      globs: def.archivos,
      patterns: def.archivos.map(globToRegExp),
      delimiter: fmt.delimitador ?? ',',
      encoding: fmt.codificacion === 'latin1' ? 'latin1' : 'utf-8',
      header: fmt.encabezado !== false,
      // A file without a header row: its columns are these names, in order.
      order: fmt.orden ?? (def.columnas ?? []).map((c) => (typeof c.original === 'string' ? c.original : c.nombre)),
      headerKeys: first ? new Set(originals(first).map(nameKey)) : null,
    });
  }
  return sources;
}

/**
 * The files of an extract folder by source, in name order, as masb assigns them; and the
 * entries no source reads, each with why.
 */
export async function listExtract(extract, sources) {
  const names = (await readdir(extract)).sort();
  const bySource = new Map();
  const skipped = [];
  for (const name of names) {
    const path = join(extract, name);
    let info;
    try {
      info = await stat(path);
    } catch (e) {
      skipped.push({ file: name, reason: `no se puede leer (${e.code ?? e.message})` });
      continue;
    }
    if (!info.isFile()) {
      skipped.push({ file: name, reason: info.isDirectory() ? 'es una carpeta; masb no lee subcarpetas del extracto' : 'no es un archivo regular' });
      continue;
    }
    const owners = sources.filter((s) => s.patterns.some((r) => r.test(name)));
    if (owners.length === 0) {
      skipped.push({ file: name, reason: 'ningún esquema de fuente reconoce este archivo' });
      continue;
    }
    if (owners.length > 1) throw new Error(`el archivo '${name}' corresponde a varias fuentes: ${owners.map((s) => s.name).join(', ')}; ajuste los patrones 'archivos'`);
    const list = bySource.get(owners[0]) ?? [];
    list.push({ name, path, bytes: info.size });
    bySource.set(owners[0], list);
  }
  return { bySource, skipped };
}

// ---------------------------------------------------------------------------------------
// Bytes to text (src/sources/decode.ts)

const SNIFF_BYTES = 256;

function detectEncoding(head, declared) {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true, skip: 3 };
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true, skip: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true, skip: 2 };
  const pairs = Math.min(head.length, SNIFF_BYTES) >> 1;
  if (pairs >= 2) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < pairs; i++) {
      if (head[2 * i] === 0) evenNul++;
      if (head[2 * i + 1] === 0) oddNul++;
    }
    if (oddNul * 2 >= pairs && evenNul * 10 <= pairs) return { encoding: 'utf-16le', bom: false, skip: 0 };
    if (evenNul * 2 >= pairs && oddNul * 10 <= pairs) return { encoding: 'utf-16be', bom: false, skip: 0 };
  }
  return { encoding: declared === 'latin1' ? 'windows-1252' : 'utf-8', bom: false, skip: 0 };
}

/** Decoded text of a file, chunk by chunk; `detected` once the first bytes are seen. */
async function* decodedChunks(path, declared, detected, chunkBytes = CHUNK_BYTES) {
  const handle = await open(path, 'r');
  try {
    let head = Buffer.alloc(0);
    let decoder = null;
    const buffer = Buffer.alloc(chunkBytes);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      const bytes = buffer.subarray(0, bytesRead);
      if (!decoder) {
        head = Buffer.concat([head, bytes]);
        if (head.length < SNIFF_BYTES && bytesRead > 0) continue;
        const d = detectEncoding(head, declared);
        Object.assign(detected, d);
        decoder = new TextDecoder(d.encoding, { ignoreBOM: true });
        // Always as a stream, then flushed: Node 20's non-streaming decode of windows-1252
        // takes a Latin-1 shortcut that turns 0x93 into U+0093 instead of “.
        const text = decoder.decode(head.subarray(d.skip), { stream: true });
        if (text) yield text;
        if (bytesRead === 0) {
          const rest = decoder.decode();
          if (rest) yield rest;
          return;
        }
        continue;
      }
      if (bytesRead === 0) {
        const text = decoder.decode();
        if (text) yield text;
        return;
      }
      const text = decoder.decode(bytes, { stream: true });
      if (text) yield text;
    }
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------
// Quotes

const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * The record that starts at `start` in `buf` (bytes up to `n`), as masb's tokenizer reads it
 * (parseRecord in src/sources/csv.ts, ported to bytes: the characters that matter are ASCII).
 * csv-parse decides where most records end; this is asked only about a record where csv-parse
 * left a quote in a value, and about the record csv-parse stopped at. Returns where the record
 * ends (after its line break) and what is wrong with its quotes, or null when the bytes so far
 * do not tell (`final` false: more are coming).
 *
 * A quoted field that does not close (the text ends inside it, or its "closing" quote is on a
 * later line and text follows it: the opening quote of that line) cuts the record at the end of
 * the line where it opened; text after a closing quote on the same line makes the record
 * malformed, read up to the next delimiter.
 */
export function masbRecord(buf, start, n, delimiter, final) {
  const d = delimiter.charCodeAt(0);
  let pos = start;
  let field = 1;
  let error = null;
  const unclosed = (open, why) => {
    const eol = buf.indexOf(LF, open);
    if ((eol === -1 || eol >= n) && !final) return null;
    return { next: eol === -1 || eol >= n ? n : eol + 1, error: `comilla sin cerrar en el campo ${field} (${why})` };
  };
  const boundary = (from) => {
    let i = from;
    while (i < n && buf[i] !== d && buf[i] !== LF) i++;
    return i;
  };
  for (;;) {
    if (pos < n && buf[pos] === QUOTE) {
      const open = pos;
      let i = pos + 1;
      let close = -1;
      for (;;) {
        const q = buf.indexOf(QUOTE, i);
        if (q === -1 || q >= n) break;
        if (q + 1 < n && buf[q + 1] === QUOTE) {
          i = q + 2;
          continue;
        }
        if (q + 1 >= n && !final) return null; // a `""` may be cut between chunks
        close = q;
        break;
      }
      if (close === -1) return final ? unclosed(open, 'no se cierra antes del final del archivo') : null;
      const inner = buf.indexOf(LF, open);
      const multiline = inner !== -1 && inner < close;
      pos = close + 1;
      if (pos >= n) return final ? { next: n, error } : null;
      const c = buf[pos];
      if (c === d) {
        pos++;
        field++;
        continue;
      }
      if (c === LF) return { next: pos + 1, error };
      if (c === CR) {
        if (pos + 1 < n && buf[pos + 1] === LF) return { next: pos + 2, error };
        if (pos + 1 >= n && !final) return null;
      }
      if (multiline) return unclosed(open, 'la siguiente comilla está en otra línea y le sigue texto, no un delimitador');
      error ??= `texto después de la comilla de cierre en el campo ${field}`;
      pos = boundary(pos);
      if (pos >= n && !final) return null;
    } else {
      // An unquoted field ends at the next delimiter or line break; a quote in it is text.
      pos = boundary(pos);
      if (pos >= n && !final) return null;
    }
    if (pos < n && buf[pos] === d) {
      pos++;
      field++;
      continue;
    }
    return { next: pos < n ? pos + 1 : n, error };
  }
}

// ---------------------------------------------------------------------------------------
// Records

/**
 * Reads one file of a source and hands over, in order:
 *   sink.header(names, line)          the header (names as written: BOM and outer blanks dropped);
 *   sink.record(fields, line)         a well-formed record, exactly as many fields as the header;
 *   sink.reject({ line, code, reason, text })  a record not loaded, with why.
 * Resolves to the file's counts. `headerOnly` stops once the header is known.
 */
export async function readFile(source, file, sink, { headerOnly = false, refuse = null, chunkBytes = CHUNK_BYTES } = {}) {
  const detected = {};
  const counts = { records: 0, loaded: 0, rejected: 0, preamble: 0, headerLine: null, encoding: null, bom: false, replacement: null, byCode: {} };
  const delimiter = source.delimiter;
  let header = source.header ? null : source.order;
  let width = header ? header.length : 0;
  if (header) {
    counts.headerLine = 0;
    sink.header(header, 0);
    if (headerOnly) return counts;
  }
  const preamble = [];
  let failed = null; // why the file's records cannot be loaded (no header found)

  // Byte bookkeeping over the UTF-8 text fed to csv-parse: `pending` holds the bytes from
  // `pendingStart` (absolute) on; `lastEnd` is where the last record handled ended.
  let pending = Buffer.alloc(0);
  let pendingStart = 0;
  let lastEnd = 0;
  let lfPos = 0;
  let lfCount = 0;
  let base = 0; // absolute offset where the current parser started
  let resyncAt = -1;
  let stop = false;
  let suspicious = false;

  const newParser = () => new Parser({
    delimiter,
    record_delimiter: ['\r\n', '\n'],
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // No `info: true`: a copy of the counters per record costs a sixth of the time; the
    // parser's own counters say where the record being handed over ends.
    max_record_size: MAX_RECORD_CHARS,
  });
  let parser = newParser();

  /** The line `pos` is on (1-based), counting the LFs since the last position asked for. */
  const lineAt = (pos) => {
    const stopAt = pos - pendingStart;
    let i = lfPos - pendingStart;
    while (i < stopAt) {
      const nl = pending.indexOf(LF, i);
      if (nl === -1 || nl >= stopAt) break;
      lfCount++;
      i = nl + 1;
    }
    lfPos = pos;
    return lfCount + 1;
  };
  const skipBlank = (pos) => {
    for (;;) {
      const at = pos - pendingStart;
      if (pending[at] === LF) pos++;
      else if (pending[at] === CR && pending[at + 1] === LF) pos += 2;
      else return pos;
    }
  };
  const textOf = (from, to) => {
    let end = to;
    if (end > from && pending[end - pendingStart - 1] === LF) end--;
    if (end > from && pending[end - pendingStart - 1] === CR) end--;
    const text = pending.toString('utf8', from - pendingStart, end - pendingStart);
    return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}…` : text;
  };
  const reject = (line, code, reason, text) => {
    counts.rejected++;
    counts.byCode[code] = (counts.byCode[code] ?? 0) + 1;
    sink.reject({ line, code, reason, text });
  };

  const handle = (fields, line, from, to) => {
    if (stop) return;
    if (header === null) {
      if (!failed && (source.headerKeys === null || fields.some((f) => source.headerKeys.has(nameKey(f))))) {
        header = fields.map((f) => f.replace(/^\uFEFF/, '').trim());
        width = header.length;
        counts.headerLine = line;
        counts.preamble = preamble.length;
        preamble.length = 0;
        sink.header(header, line);
        if (headerOnly) stop = true;
        return;
      }
      if (!failed && preamble.length < PREAMBLE_LIMIT) {
        preamble.push({ line, text: textOf(from, to) });
        return;
      }
      if (!failed) {
        failed = `no se encontró el encabezado de la fuente '${source.name}' en las primeras ${PREAMBLE_LIMIT} líneas`;
        if (headerOnly) {
          stop = true;
          return;
        }
        for (const p of preamble) {
          counts.records++;
          reject(p.line, CODES.noHeader, failed, p.text);
        }
        preamble.length = 0;
      }
      counts.records++;
      reject(line, CODES.noHeader, failed, textOf(from, to));
      return;
    }
    counts.records++;
    if (refuse) return reject(line, CODES.header, refuse, textOf(from, to));
    if (fields.length === width + 1 && fields[width] === '') fields.pop(); // a trailing delimiter
    if (fields.length !== width) return reject(line, CODES.fields, `el renglón tiene ${fields.length} campos y el encabezado ${width}`, textOf(from, to));
    for (let k = 0; suspicious && k < fields.length; k++) {
      if (fields[k].indexOf('\u0000') !== -1) return reject(line, CODES.nul, `el campo ${k + 1} contiene el carácter NUL, que PostgreSQL no guarda en un texto`, textOf(from, to).replaceAll('\u0000', '\\0'));
      if (counts.replacement === null && fields[k].indexOf('\uFFFD') !== -1) counts.replacement = line;
    }
    counts.loaded++;
    sink.record(fields, line);
  };

  const rejectQuotes = (line, from, to, reason) => {
    counts.records++;
    reject(line, CODES.quotes, `renglón mal formado: ${reason}`, textOf(from, to));
  };

  /**
   * A record csv-parse handed over. Where a quote survived into one of its values, masb's
   * reading of the same bytes decides: a malformed record is rejected, and where masb's record
   * ends elsewhere than csv-parse's, csv-parse starts again from there (`resyncAt`).
   */
  const onRecord = (record) => {
    if (resyncAt >= 0 || stop) return;
    const end = base + parser.api.info.bytes;
    const start = skipBlank(lastEnd);
    const line = lineAt(start);
    let quoted = false;
    for (let k = 0; k < record.length; k++) {
      if (record[k].indexOf('"') !== -1) {
        quoted = true;
        break;
      }
    }
    if (quoted) {
      const m = masbRecord(pending, start - pendingStart, pending.length, delimiter, final);
      if (m === null) {
        // masb's reading needs bytes that have not come yet: read from here again with them.
        resyncAt = start;
        waiting = true;
        return;
      }
      const mEnd = m.next + pendingStart;
      if (m.error || mEnd !== end) {
        lastEnd = mEnd;
        if (mEnd !== end) resyncAt = mEnd;
        if (m.error) {
          if (header === null) handle(record, line, start, mEnd); // before the header: preamble, as in masb
          else rejectQuotes(line, start, mEnd, m.error);
          return;
        }
        // Well formed for masb, over other bytes than csv-parse took: parse exactly those.
        const again = [];
        const err = newParser().api.parse(pending.subarray(start - pendingStart, m.next), true, (r) => again.push(r), () => {});
        if (err || again.length !== 1) return rejectQuotes(line, start, mEnd, 'comillas que no se pueden leer sin ambigüedad');
        return handle(again[0], line, start, mEnd);
      }
    }
    lastEnd = end;
    handle(record, line, start, end);
  };

  /** After csv-parse stopped (a quote open at the end, an over-long record): that record, as masb reads it, is rejected; returns where to resume. */
  const afterError = (err) => {
    const start = skipBlank(lastEnd);
    if (start >= pendingStart + pending.length) return -1;
    const m = masbRecord(pending, start - pendingStart, pending.length, delimiter, final);
    if (m === null || !m.error) {
      throw new Error(`${file.name}: csv-parse se detuvo (${err.code}: ${err.message}) cerca de la línea ${lineAt(start)}, en un renglón que no se pudo delimitar`);
    }
    const line = lineAt(start);
    const resume = m.next + pendingStart;
    if (header === null) handle([], line, start, resume);
    else rejectQuotes(line, start, resume, m.error);
    lastEnd = resume;
    return resume;
  };

  let final = false;
  let waiting = false;
  const feed = (bytes, last) => {
    final = last;
    if (bytes && bytes.length) pending = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    let input = bytes;
    if (waiting) {
      waiting = false;
      parser = newParser();
      base = lastEnd;
      input = pending.subarray(lastEnd - pendingStart);
    }
    for (;;) {
      resyncAt = -1;
      const err = parser.api.parse(input, final, onRecord, () => {});
      if (stop || waiting) break;
      if (resyncAt < 0 && err) resyncAt = afterError(err);
      if (resyncAt < 0) break;
      lineAt(resyncAt);
      parser = newParser();
      base = resyncAt;
      input = pending.subarray(resyncAt - pendingStart);
      if (input.length === 0 && !final) break;
    }
    // Keep only what has not been turned into records yet.
    if (lastEnd > pendingStart) {
      lineAt(lastEnd);
      pending = pending.subarray(lastEnd - pendingStart);
      pendingStart = lastEnd;
    }
  };

  for await (const text of decodedChunks(file.path, source.encoding, detected, chunkBytes)) {
    // NUL (which PostgreSQL cannot store) and U+FFFD (bytes that were not of the encoding) are
    // looked for record by record only once a chunk has one.
    if (!suspicious && (text.indexOf('\u0000') !== -1 || text.indexOf('\uFFFD') !== -1)) suspicious = true;
    feed(Buffer.from(text, 'utf8'), false);
    if (stop) break;
    if (sink.drain) await sink.drain();
  }
  if (!stop) feed(undefined, true);
  counts.encoding = detected.encoding ?? (source.encoding === 'latin1' ? 'windows-1252' : 'utf-8');
  counts.bom = detected.bom ?? false;
  if (!stop && header === null) {
    // A file that ended before a header appeared: its records cannot be loaded.
    if (preamble.length) {
      failed = `no se encontró el encabezado de la fuente '${source.name}'`;
      for (const p of preamble) {
        counts.records++;
        reject(p.line, CODES.noHeader, failed, p.text);
      }
    } else if (!failed) failed = 'el archivo está vacío (sin encabezado ni renglones)';
  }
  if (failed) counts.failed = failed;
  return counts;
}

/**
 * The table of each source with files: its columns, the union of its files' headers in order
 * of first appearance. Names are matched as masb matches them (nameKey: case, accents and
 * blanks ignored), and a column takes the spelling of the first file that has it. Within a
 * file, an empty name becomes `columna_<n>` and a repeated one `<name> (2)`, `(3)`…, so that
 * every field has a column. Reads each file up to its header.
 */
export async function planTables(extract, sources) {
  const { bySource, skipped } = await listExtract(extract, sources);
  const tables = [];
  for (const source of sources) {
    const files = bySource.get(source);
    if (!files) continue;
    const columns = [];
    const byKey = new Map();
    const planned = [];
    for (const file of files) {
      let names = null;
      await readFile(source, file, { header: (h) => (names = h), record() {}, reject() {} }, { headerOnly: true });
      const named = names ? fileColumnNames(names) : null;
      const problem = named ? headerProblem(named) : null;
      const fileColumns = problem ? null : named;
      const at = [];
      if (fileColumns) {
        for (const name of fileColumns) {
          const key = nameKey(name) || name;
          let index = byKey.get(key);
          if (index === undefined) {
            index = columns.length;
            byKey.set(key, index);
            columns.push(name);
          }
          at.push(index);
        }
      }
      planned.push({ ...file, columns: fileColumns, at, problem });
    }
    if (columns.length + 2 > MAX_COLUMNS) {
      throw new Error(`la fuente ${source.name} tendría ${columns.length + 2} columnas (la unión de los encabezados de sus ${files.length} archivos); PostgreSQL admite ${MAX_COLUMNS} por tabla`);
    }
    tables.push({ source, table: source.name, columns, files: planned });
  }
  return { tables, skipped, absent: sources.filter((s) => !bySource.has(s)).map((s) => s.name) };
}

/** A header PostgreSQL cannot take as column names: a name longer than an identifier may be. */
function headerProblem(names) {
  const long = names.find((n) => Buffer.byteLength(n) > MAX_IDENTIFIER_BYTES);
  return long ? `el nombre de columna '${long}' pasa de ${MAX_IDENTIFIER_BYTES} bytes, el límite de PostgreSQL` : null;
}

/** The file's column names: empty names and repeats (as masb compares names) made distinct. */
export function fileColumnNames(names) {
  const seen = new Set([FILE_COLUMN, LINE_COLUMN].map(nameKey));
  return names.map((raw, i) => {
    let name = raw === '' ? `columna_${i + 1}` : raw;
    if (seen.has(nameKey(name))) {
      let k = 2;
      while (seen.has(nameKey(`${name} (${k})`))) k++;
      name = `${name} (${k})`;
    }
    seen.add(nameKey(name));
    return name;
  });
}
