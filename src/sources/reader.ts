import type { Source } from "../catalog/load.js";
import type { ColumnaDef } from "../catalog/schema.js";
import { daysFromCivil } from "../expr/index.js";
import { CsvTokenizer, PARSED, splitSpan, type QuoteProblem, type RecordSpan } from "./csv.js";
import { TextFromBytes, type Detected } from "./decode.js";
import { DECODERS, type Decoder } from "./decoders.js";

/** A row turned down, with enough to find it and fix it. Line and column are 1-based. */
export interface Rejection {
  file: string;
  line: number;
  column?: string;
  value?: string;
  code: string;
  reason: string;
  /** The raw fields, for the `rechazos` file. */
  raw: string[];
}

/** A problem with a whole file (missing column, wrong encoding): reported once. */
export interface FileProblem {
  file: string;
  line: number;
  code: string;
  message: string;
  hint?: string;
  fatal: boolean;
}

/**
 * The physical record behind a typed row, reused from record to record: valid only during
 * the call that hands it over. Its `fields` may hold only the columns the source reads (see
 * `CsvTokenizer.project`); `all()` splits it whole.
 */
export class RawRecord {
  /** The fields as the tokenizer handed them: with a projection, only the source's columns are filled. */
  fields: string[] = [];
  /** The record's text, when it came from text on a fast path (`PLAIN` or `QUOTED`); else null, and `fields` is the whole record. */
  span: RecordSpan | null = null;
  constructor(readonly delimiter: string) {}

  /** Every field of the record, as read (a new array): what the `rechazos` file shows. */
  all(): string[] {
    const span = this.span;
    return span !== null ? splitSpan(span, this.delimiter) : this.fields.slice();
  }
}

export interface RowSink {
  /** A typed row; `row` is reused between calls (copy what you keep). `raw` is the physical record (valid during the call). */
  row(row: unknown[], line: number, raw: RawRecord): void;
  reject(r: Rejection): void;
  problem(p: FileProblem): void;
}

/**
 * A byte range of a file read on its own (a big file split among threads): the range starts
 * after a line break, on `line`. A part after the first reads the file's header line (`head`)
 * first, to bind its columns, and reports no problem of it (the first part does).
 */
export interface ReadPart {
  /** The bytes of the file's first line, its header (line break included); absent for the first part, which starts at the file's start. */
  head?: Uint8Array;
  /** Line number of the range's first byte. */
  line: number;
  /** The file's last part: it ends where the file ends. */
  last: boolean;
}

/** What reading a file (or a part of one) gives besides its rows. */
export interface ReadOutcome {
  read: number;
  variables?: string[];
  /**
   * A part that is not the last: whether it ended at a record's end, with nothing pending
   * (then the next part, which started there, read what one reader would have read).
   */
  clean?: boolean;
  /** A part: the quotes that never closed and ran past their line (see `unclosedQuoteProblem`), reported once for the whole file. */
  unclosed?: Unclosed;
}

/** Quotes that never closed and had run past their line: the first lines (up to 10) and how many. */
export interface Unclosed {
  lines: number[];
  count: number;
}

/** The warning for a file's quotes that never closed and had run past their line. */
export function unclosedQuoteProblem(file: string, { lines, count }: Unclosed): FileProblem {
  const more = count - 1;
  return {
    file, line: lines[0], code: "MASB_ARCHIVO_COMILLA_SIN_CERRAR", fatal: false,
    message: `comilla sin cerrar en la línea ${lines[0]}${more ? ` (y en ${more} ${more === 1 ? "línea más" : "líneas más"}: ${lines.slice(1).join(", ")}${count > lines.length ? ", …" : ""})` : ""}: el renglón se tomó hasta el final de esa línea y se rechazó, y la lectura siguió en la línea siguiente`,
    hint: "un campo entre comillas debe cerrarlas antes del delimitador o del fin de línea; revise esa línea en el archivo",
  };
}

/** The warning for undecodable bytes in a file, first seen at `line`: what it was read as, and what to do. */
export function encodingWarning(detected: Detected | null, codificacion: string | undefined, sourceName: string, line: number): { message: string; hint: string } {
  if (detected && (detected.encoding === "utf-16le" || detected.encoding === "utf-16be")) {
    return { message: `el archivo tiene bytes que no son UTF-16 válido (primera vez en la línea ${line})`, hint: "guárdelo de nuevo como UTF-8" };
  }
  if (detected?.bom && codificacion === "latin1") {
    return {
      message: `el archivo empieza con la marca BOM de UTF-8, así que se leyó como UTF-8, pero tiene bytes que no son UTF-8 (primera vez en la línea ${line})`,
      hint: "guárdelo de nuevo como UTF-8, o quítele la marca BOM si es Latin-1",
    };
  }
  return {
    message: `el archivo tiene bytes que no son UTF-8 (primera vez en la línea ${line})`,
    hint: `si viene de Windows o del SIS, declare 'codificacion: latin1' en indicators/sources/${sourceName}.yaml`,
  };
}

// What a file's reader decides at the level of the file and of CSV, in words: shared by
// `readSource` (here) and `readRecords` (records.ts, the SQL motor's loader), which must
// reject the same records with the same codes, lines and reasons (tests/records.test.ts).

/** Lines a file may have before its header (a title, a date, blank lines): the header is looked for among them. */
export const PREAMBLE_LINES = 25;

/** Whether a record is the source's header: it names the first required column. */
export function isHeaderOf(source: Source, fields: string[]): boolean {
  const names = new Set(fields.map(normalizeName));
  const first = source.def.columnas.find((c) => c.requerida);
  if (!first) return true;
  const originals = first.de ?? (first.original === undefined ? [first.nombre] : Array.isArray(first.original) ? first.original : [first.original]);
  return originals.some((o) => names.has(normalizeName(o)));
}

/** The header a file without one (`encabezado: false`) is read with: `orden`, or the declared columns. */
export function declaredHeader(source: Source): string[] {
  return source.def.formato.orden ?? source.def.columnas.map((c) => (typeof c.original === "string" ? c.original : c.nombre));
}

/**
 * No header found: after `PREAMBLE_LINES` lines (`early`), or by the end of a file that has
 * only lines that are not it. The problem (fatal), and the reason every record of the file is
 * rejected with.
 */
export function headerNotFound(source: Source, file: string, line: number, early: boolean): { problem: FileProblem; reason: string } {
  const first = source.def.columnas[0];
  const expected = `se esperaba una línea con la columna '${first.original ?? first.nombre}'`;
  return {
    reason: `archivo no leído: no se encontró el encabezado de la fuente '${source.name}'`,
    problem: {
      file, line, code: "MASB_ARCHIVO_SIN_ENCABEZADO", fatal: true,
      message: `no se encontró el encabezado de la fuente '${source.name}'${early ? ` en las primeras ${PREAMBLE_LINES} líneas` : ""}`,
      hint: early ? `${expected}; si el archivo no trae encabezado declare 'encabezado: false' y 'orden'` : expected,
    },
  };
}

/** A file with neither header nor records. */
export const emptyFileProblem = (file: string): FileProblem => ({ file, line: 1, code: "MASB_ARCHIVO_VACIO", fatal: false, message: "el archivo está vacío (sin encabezado ni renglones)" });

/** A file read as UTF-16 because every other byte was null (no BOM said so). */
export const utf16GuessProblem = (file: string, detected: Detected): FileProblem => ({
  file, line: 1, code: "MASB_ARCHIVO_UTF16", fatal: false,
  message: `el archivo parece UTF-16 sin marca BOM (un byte nulo de cada dos): se leyó como UTF-16 ${detected.encoding === "utf-16le" ? "LE" : "BE"}`,
  hint: "guárdelo como UTF-8 (en Excel: «CSV UTF-8 (delimitado por comas)»)",
});

/** A record the tokenizer found malformed (`error`): its rejection, naming the field by the header when it can. */
export function malformedRecord(fields: string[], error: string, quote: QuoteProblem | undefined, names: string[]): { reason: string; column?: string; value?: string } {
  const at = quote?.field ?? -1;
  const value = at >= 0 ? fields[at] : undefined;
  return {
    reason: `renglón mal formado: ${error}`,
    column: at >= 0 ? names[at] ?? `campo ${at + 1}` : undefined,
    value: value !== undefined && value.length > 80 ? `${value.slice(0, 80)}…` : value,
  };
}

/**
 * Why a record with `count` fields does not fit a header of `headerLen` (null when it does: the
 * same number, or one more when that last field is empty, a trailing delimiter).
 */
export function fieldCountReason(fields: string[], headerLen: number, delimiter: string): string | null {
  const n = fields.length;
  if (n === headerLen || (n === headerLen + 1 && fields[headerLen] === "")) return null;
  const hint = delimiter === "," && n > headerLen ? " (¿una coma dentro de un texto sin comillas?)" : "";
  return `el renglón tiene ${n} campos y el encabezado ${headerLen}${hint}`;
}

/**
 * A file's text on its way to the tokenizer, for both readers: bytes decoded in the source's
 * encoding (what was detected reported once: a UTF-16 guess), a BOM at the start of text handed
 * over already decoded dropped (the bytes path drops it in decode.ts), and whether an
 * undecodable character (U+FFFD) went by: only then are records searched for it, to report
 * the first line that has one.
 */
export class TextIntake {
  readonly bytes: TextFromBytes;
  /** An undecodable character went by (or the records come as objects): check records for it. */
  replaced = false;
  private started = false;
  private reported = false;

  constructor(source: Source, private readonly file: string, private readonly into: (text: string) => void, private readonly problem: (p: FileProblem) => void) {
    this.bytes = new TextFromBytes(source.def.formato.codificacion === "latin1" ? "latin1" : "utf-8");
  }

  /** Text already decoded. */
  text(text: string): void {
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!this.replaced && text.includes("\uFFFD")) this.replaced = true;
    if (text) this.into(text);
  }

  /** Bytes of the file, decoded and handed on. */
  chunk(bytes: Uint8Array): void {
    const text = this.bytes.push(bytes);
    this.report();
    this.text(text);
  }

  /** The end of the bytes: what the decoder still held, not yet handed on (a part checks it is empty). */
  end(): string {
    const tail = this.bytes.end();
    this.report();
    return tail;
  }

  private report(): void {
    const d = this.bytes.detected;
    if (this.reported || !d) return;
    this.reported = true;
    if (d.guessed) this.problem(utf16GuessProblem(this.file, d));
  }
}

/** The unclosed quotes of a file's parts, in order, as one reader would have counted them. */
export function mergeUnclosed(parts: (Unclosed | undefined)[]): Unclosed | undefined {
  let out: Unclosed | undefined;
  for (const u of parts) {
    if (!u || u.count === 0) continue;
    out ??= { lines: [], count: 0 };
    for (const l of u.lines) if (out.lines.length < 10) out.lines.push(l);
    out.count += u.count;
  }
  return out;
}

/** A row handed over in memory, keyed by the original column names (as in a file's header). */
export type RecordObject = Record<string, string | number | null | undefined>;

/**
 * One input: bytes to decode with the source's encoding, text already decoded, or row objects
 * keyed by the original column names (a service streaming from its own database). Row objects
 * go through the same typing, checks and rejections as file rows; their "line" is 1 for the
 * implicit header and 2, 3, … for the rows.
 */
export type Chunks = AsyncIterable<Uint8Array | string | RecordObject> | Iterable<Uint8Array | string | RecordObject>;

const normalizeName = (s: string) =>
  s.replace(/^\uFEFF/, "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim().replace(/\s+/g, " ").toUpperCase();

type Coerce = (text: string) => unknown; // returns INVALID for bad text
export const INVALID = Symbol("invalid");

interface Binding {
  name: string;
  /** Positions of the original fields in the record. */
  at: number[];
  headers: string[];
  coerce?: Coerce;
  decoder?: Decoder;
  /** Reused for the decoder's raw fields: no allocation per row. */
  parts: string[];
  nulls: Set<string>;
  /** The only null sentinel is the empty field (the usual case): a length test, no hashing. */
  emptyIsOnlyNull: boolean;
  trim: boolean;
  codes?: Set<string>;
  /** The codes again when all are one or two ASCII characters (the usual case): a table lookup instead of hashing the text. */
  shortCodes?: Uint8Array;
  tipo: ColumnaDef["tipo"];
  expect: string;
}

function coercer(c: ColumnaDef): { coerce: Coerce; expect: string } {
  switch (c.tipo) {
    case "entero":
      return { expect: "un número entero", coerce: parseInteger };
    case "decimal": {
      const scale = c.escala ?? 2;
      return { expect: `un número con hasta ${scale} decimales`, coerce: (t) => (isDecimal(t, scale) ? Number(t) : INVALID) };
    }
    case "fecha":
      if (c.formato === "aaaa-mm-dd") return { expect: "una fecha aaaa-mm-dd", coerce: parseIsoDay };
      return { expect: "una fecha dd/mm/aaaa", coerce: parseDmyDay };
    default:
      return { expect: "texto", coerce: (t) => t };
  }
}

// The parsers below are the per-field hot path: char codes, no regular expressions, no
// allocation. Each accepts exactly what the regular expression in its comment accepts.

const ZERO = 48;
const isDigit = (c: number) => c >= ZERO && c <= ZERO + 9;

/** `^[+-]?\d+$` → the number, else INVALID. */
export function parseInteger(t: string): number | typeof INVALID {
  const n = t.length;
  let i = 0;
  let neg = false;
  if (n > 0) {
    const c = t.charCodeAt(0);
    if (c === 45 || c === 43) {
      neg = c === 45;
      i = 1;
    }
  }
  if (i >= n) return INVALID;
  // Beyond 15 digits a double is no longer exact digit by digit: let Number round it as before.
  if (n - i > 15) return /^[+-]?\d+$/.test(t) ? Number(t) : INVALID;
  let v = 0;
  for (; i < n; i++) {
    const d = t.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return INVALID;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** `^[+-]?\d+(\.\d{0,scale})?$`; scale = Infinity for `^[+-]?\d+(\.\d+)?$` with at least one decimal digit. */
function isDecimal(t: string, scale: number, needDigitAfterPoint = false): boolean {
  const n = t.length;
  let i = 0;
  if (n > 0 && (t.charCodeAt(0) === 45 || t.charCodeAt(0) === 43)) i = 1;
  const start = i;
  while (i < n && isDigit(t.charCodeAt(i))) i++;
  if (i === start) return false;
  if (i === n) return true;
  if (t.charCodeAt(i) !== 46) return false;
  const point = ++i;
  while (i < n && isDigit(t.charCodeAt(i))) i++;
  if (i !== n) return false;
  const decimals = n - point;
  return decimals <= scale && (!needDigitAfterPoint || decimals > 0);
}

/** Digits of t from i to j (exclusive) as a number; -1 if any is not a digit. */
function digits(t: string, i: number, j: number): number {
  let v = 0;
  for (; i < j; i++) {
    const d = t.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** `^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$` → day number of a valid date, else INVALID. */
export function parseDmyDay(t: string): number | typeof INVALID {
  const n = t.length;
  const s1 = t.indexOf("/");
  if (s1 < 1 || s1 > 2) return INVALID;
  const s2 = t.indexOf("/", s1 + 1);
  if (s2 - s1 < 2 || s2 - s1 > 3) return INVALID;
  const end = s2 + 5;
  if (n < end || (n > end && t.charCodeAt(end) !== 32)) return INVALID;
  const d = digits(t, 0, s1), m = digits(t, s1 + 1, s2), y = digits(t, s2 + 1, end);
  if (d < 0 || m < 0 || y < 0) return INVALID;
  return validDate(y, m, d);
}

/** `^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$` → day number of a valid date, else INVALID. */
export function parseIsoDay(t: string): number | typeof INVALID {
  const n = t.length;
  if (n < 10 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return INVALID;
  if (n > 10 && t.charCodeAt(10) !== 32 && t.charCodeAt(10) !== 84) return INVALID;
  const y = digits(t, 0, 4), m = digits(t, 5, 7), d = digits(t, 8, 10);
  if (d < 0 || m < 0 || y < 0) return INVALID;
  return validDate(y, m, d);
}

/** A pivoted cell: an integer, or a decimal (`^[+-]?\d+(\.\d+)?$`), else INVALID. */
function pivotNumber(t: string, integer: boolean): number | typeof INVALID {
  if (integer) return parseInteger(t);
  return isDecimal(t, Infinity, true) ? Number(t) : INVALID;
}

function validDate(y: number, m: number, d: number): number | typeof INVALID {
  if (m < 1 || m > 12 || d < 1) return INVALID;
  const days = daysFromCivil(y, m, d);
  const next = m === 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1);
  return days < next ? days : INVALID;
}

/** Could be whitespace for `String.prototype.trim` (ASCII blanks, NBSP, BOM, Unicode spaces). */
const isBlank = (c: number) => c <= 32 || c >= 0x7f;
/** `t.trim()`, skipped when the ends are plainly not whitespace (the usual case). */
const trimmed = (t: string) => (t.length > 0 && (isBlank(t.charCodeAt(0)) || isBlank(t.charCodeAt(t.length - 1))) ? t.trim() : t);

/**
 * Reads one input of a source: decodes bytes (the declared UTF-8 or Latin-1 as Windows-1252;
 * a BOM overrides the declaration: UTF-8, or UTF-16 LE/BE; see decode.ts), splits records
 * (csv.ts), finds the header by name (case, accents and spacing ignored; junk lines before it
 * skipped), and hands typed rows, rejections and file problems to the sink. Every physical
 * record after the header ends up in exactly one of `row` (once, or once per pivoted
 * variable) and `reject`; the returned count is what was read.
 *
 * A header where a column the source reads appears twice (same name after normalising) is a
 * fatal problem of the file: which one to read would be a guess. Repeated names the source
 * does not read are a warning.
 */
export async function readSource(source: Source, file: string, chunks: Chunks, sink: RowSink, part?: ReadPart): Promise<ReadOutcome> {
  const fmt = source.def.formato;
  /** Lines where a quote that never closed had run past its line (the lines after it were read again). */
  const unclosedQuotes: number[] = [];
  let unclosedCount = 0;
  let headerNames: string[] = [];
  const tokenizer = new CsvTokenizer(fmt.delimitador);
  const record = new RawRecord(fmt.delimitador);
  /** While a later part reads its file's header: its problems are the first part's to report. */
  let quiet = false;
  const problem = (p: FileProblem) => {
    if (!quiet) sink.problem(p);
  };
  let read = 0;
  let bindings: Binding[] | null = null;
  let pivot: { at: number[]; names: string[]; nulls: Set<string>; integer: boolean; numericNulls: boolean; values: (number | null)[] } | null = null;
  let headerLen = 0;
  let headerFailed = false;
  let preamble: { fields: string[]; line: number }[] = [];
  let warnedEncoding = false;
  let fileError = { reason: "el archivo no se pudo leer con el esquema de la fuente", column: undefined as string | undefined };
  const row: unknown[] = new Array(source.scope.columns.length).fill(null);
  /** Every header column that matches the pivot's pattern, read or not (what variables the file has). */
  const pivotSeen: string[] = [];
  const formatNulls = new Set(fmt.nulos);

  const bind = (header: string[], line: number): boolean => {
    const names = header.map(normalizeName);
    const find = (orig: string) => names.indexOf(normalizeName(orig));
    const result: Binding[] = [];
    const missing: string[] = [];
    for (const c of source.def.columnas) {
      const originals = c.de ?? (c.original === undefined ? [c.nombre] : Array.isArray(c.original) ? c.original : [c.original]);
      let at: number[];
      if (c.de) at = c.de.map(find);
      else {
        const hit = originals.map(find).find((i) => i >= 0);
        at = [hit ?? -1];
      }
      if (at.some((i) => i < 0)) {
        if (c.requerida) missing.push(c.de ? c.de.filter((_, k) => at[k] < 0).join(", ") : originals.join(" o "));
        at = [];
      }
      const dec = c.decodificar ? DECODERS[c.decodificar] : undefined;
      const { coerce, expect } = coercer(c);
      result.push({
        name: c.nombre,
        at,
        headers: at.map((i) => header[i]),
        coerce: dec ? undefined : coerce,
        decoder: dec,
        parts: at.map(() => ""),
        nulls: new Set([...formatNulls, ...(c.nulos ?? [])]),
        emptyIsOnlyNull: new Set([...formatNulls, ...(c.nulos ?? [])]).size === 1 && [...formatNulls, ...(c.nulos ?? [])][0] === "",
        trim: c.recortar,
        codes: c.codigos && c.rechazar_desconocidos ? new Set(Array.isArray(c.codigos) ? c.codigos : Object.keys(c.codigos)) : undefined,
        shortCodes: c.codigos && c.rechazar_desconocidos ? shortCodeTable(Array.isArray(c.codigos) ? c.codigos : Object.keys(c.codigos)) : undefined,
        tipo: c.tipo,
        expect: dec ? dec.describe : expect,
      });
    }
    if (missing.length) {
      fileError = { reason: `archivo no leído: faltan columnas de la fuente '${source.name}': ${missing.join("; ")}`, column: missing[0] };
      problem({
        file, line, code: "MASB_ARCHIVO_COLUMNA_FALTANTE", fatal: true,
        message: `faltan columnas de la fuente '${source.name}': ${missing.join("; ")}`,
        hint: `el encabezado tiene: ${header.slice(0, 20).join(", ")}${header.length > 20 ? ", …" : ""}. Ajuste 'original' en indicators/sources/${source.name}.yaml`,
      });
      return false;
    }
    if (source.def.pivote) {
      const re = new RegExp(source.def.pivote.columnas);
      // With dictionaries (SIS), only the variables some dictionary lists are read: the others
      // (a DGIS file has dozens the catalog never uses) are left alone, whatever they hold.
      const known = source.variables ? new Set(source.variables) : null;
      const at: number[] = [];
      const vars: string[] = [];
      header.forEach((h, i) => {
        let name = h.replace(/^\uFEFF/, "").trim();
        if (!re.test(name) && re.test(name.toUpperCase())) name = name.toUpperCase(); // `det01` as a program lower-cased it
        if (!re.test(name)) return;
        pivotSeen.push(name);
        if (known && !known.has(name)) return;
        at.push(i);
        vars.push(name);
      });
      const nulls = new Set([...formatNulls, ...source.def.pivote.nulos]);
      const integer = source.def.pivote.tipo === "entero";
      pivot = {
        at, names: vars, nulls, integer,
        numericNulls: [...nulls].some((t) => pivotNumber(t, integer) !== INVALID),
        values: at.map(() => null),
      };
    }
    const repeated = repeatedColumns(header, names, result, pivot?.at ?? []);
    if (repeated.read.length) {
      const [first] = repeated.read;
      fileError = { reason: `archivo no leído: la columna ${first.name} aparece ${first.at.length} veces en el encabezado`, column: first.name };
      problem({
        file, line, code: "MASB_ARCHIVO_ENCABEZADO_DUPLICADO", fatal: true,
        message: `columnas repetidas en el encabezado que la fuente '${source.name}' lee: ${repeated.read.map(describeRepeated).join("; ")}; no se sabe cuál usar`,
        hint: "deje una sola columna con ese nombre (¿una columna renombrada por error?)",
      });
      return false;
    }
    if (repeated.other.length) {
      problem({
        file, line, code: "MASB_ARCHIVO_ENCABEZADO_DUPLICADO", fatal: false,
        message: `columnas repetidas en el encabezado, que la fuente '${source.name}' no lee: ${repeated.other.map(describeRepeated).join("; ")}`,
      });
    }
    bindings = result;
    headerLen = header.length;
    // Only the columns the source declares (and the pivot's) are made into strings; one past
    // the header too, to tell a trailing delimiter (an empty last field) from an extra column.
    const keep = new Uint8Array(headerLen + 1);
    for (const b of result) for (const i of b.at) keep[i] = 1;
    for (const i of pivot?.at ?? []) keep[i] = 1;
    keep[headerLen] = 1;
    tokenizer.project(keep);
    headerNames = header.map((h) => h.replace(/^\uFEFF/, "").trim());
    return true;
  };

  const isHeader = (fields: string[]) => isHeaderOf(source, fields);

  const onRecord = (fields: string[], line: number, error: string | null, quote?: QuoteProblem, span?: RecordSpan): void => {
    record.fields = fields;
    record.span = span !== undefined && span.kind !== PARSED ? span : null;
    if (intake.replaced && !warnedEncoding && hasReplacement(record)) {
      warnedEncoding = true;
      problem({ file, line, code: "MASB_ARCHIVO_CODIFICACION", fatal: false, ...warningAt(line) });
    }
    if (quote?.resynced) {
      if (unclosedQuotes.length < 10) unclosedQuotes.push(quote.quoteLine);
      unclosedCount++;
    }
    if (bindings === null && !headerFailed) {
      if (!fmt.encabezado) {
        if (!bind(declaredHeader(source), 0)) headerFailed = true;
      } else if (isHeader(fields)) {
        if (!bind(fields, line)) headerFailed = true;
        else preamble = [];
        return;
      } else if (preamble.length < PREAMBLE_LINES) {
        preamble.push({ fields, line });
        return;
      } else {
        headerFailed = true;
        const missing = headerNotFound(source, file, preamble[0].line, true);
        fileError = { reason: missing.reason, column: undefined };
        problem(missing.problem);
        for (const p of preamble) rejectAll(p.fields, p.line);
        preamble = [];
      }
    }
    if (headerFailed) return rejectAll(fields, line);
    read++;
    if (error) {
      const bad = malformedRecord(fields, error, quote, headerNames);
      return reject(record.all(), line, "MASB_CSV_COMILLAS", bad.reason, bad.column, bad.value);
    }
    if (extraKeys) {
      return reject(record.all(), line, "MASB_CSV_NUM_CAMPOS", `el objeto trae ${extraKeys.map((k) => `'${k}'`).join(", ")}, que el primer objeto no trae (sus claves son las columnas)`, extraKeys[0]);
    }
    if (fields.length !== headerLen) {
      const why = fieldCountReason(fields, headerLen, fmt.delimitador);
      if (why !== null) return reject(record.all(), line, "MASB_CSV_NUM_CAMPOS", why);
    }
    const bs = bindings!;
    for (let i = 0; i < bs.length; i++) {
      const b = bs[i];
      if (b.at.length === 0) {
        row[i] = null;
        continue;
      }
      if (b.decoder) {
        const parts = b.parts;
        for (let k = 0; k < parts.length; k++) parts[k] = trimmed(fields[b.at[k]]);
        const v = b.decoder.decode(parts);
        if (v === undefined) return reject(record.all(), line, "MASB_VALOR_INVALIDO", `valor inválido en ${b.headers.join("/")}: se esperaba ${b.expect}`, b.headers.join("/"), parts.join("/"));
        row[i] = v;
        continue;
      }
      let text = fields[b.at[0]];
      if (b.trim) text = trimmed(text);
      if (b.emptyIsOnlyNull ? text.length === 0 : b.nulls.has(text)) {
        row[i] = null;
        continue;
      }
      const v = b.coerce!(text);
      if (v === INVALID) return reject(record.all(), line, "MASB_VALOR_INVALIDO", `valor '${text}' en la columna ${b.headers[0]}: se esperaba ${b.expect}`, b.headers[0], text);
      if (b.codes && !(b.shortCodes ? isShortCode(b.shortCodes, text) : b.codes.has(text))) {
        return reject(record.all(), line, "MASB_CODIGO_NO_PERMITIDO", `código '${text}' no permitido en la columna ${b.headers[0]}; permitidos: ${[...b.codes].slice(0, 12).join(", ")}`, b.headers[0], text);
      }
      row[i] = v;
    }
    if (pivot) {
      const p = pivot;
      const vi = bs.length;
      const values = p.values;
      // Parse and check every cell first, so that a bad cell rejects the whole record and nothing of it is counted.
      for (let k = 0; k < p.at.length; k++) {
        const raw = fields[p.at[k]];
        let v: number | null | typeof INVALID = p.numericNulls ? INVALID : pivotNumber(raw, p.integer);
        if (v === INVALID) {
          const t = trimmed(raw);
          v = p.nulls.has(t) ? null : pivotNumber(t, p.integer);
          if (v === INVALID) return reject(record.all(), line, "MASB_VALOR_INVALIDO", `valor '${t}' en la columna ${p.names[k]}: se esperaba un número o NULL`, p.names[k], t);
        }
        values[k] = v;
      }
      for (let k = 0; k < p.at.length; k++) {
        row[vi] = p.names[k];
        row[vi + 1] = values[k];
        sink.row(row, line, record);
      }
      return;
    }
    sink.row(row, line, record);
  };

  const reject = (raw: string[], line: number, code: string, reason: string, column?: string, value?: string): void => {
    sink.reject({ file, line, code, reason, column, value, raw });
  };
  const rejectAll = (raw: string[], line: number) => {
    read++;
    reject(raw, line, "MASB_ARCHIVO_INVALIDO", fileError.reason, fileError.column);
  };

  const intake = new TextIntake(source, file, (text) => tokenizer.push(text, onRecord), problem);
  const warningAt = (line: number) => encodingWarning(intake.bytes.detected, fmt.codificacion, source.name, line);

  if (part?.head) {
    // A later part of a file: its header first, quietly (the first part reports its
    // problems), then the range from its own line on.
    quiet = true;
    intake.text(intake.bytes.push(part.head));
    intake.text(intake.bytes.end());
    quiet = false;
    tokenizer.restartAt(part.line);
  }

  let objectHeader: string[] | null = null;
  let objectKeys: Set<string> | null = null;
  /** Keys of the current object that the first one lacked: without a column, their values would vanish unsaid. */
  let extraKeys: string[] | null = null;
  let objectLine = 1;
  for await (const chunk of chunks as AsyncIterable<Uint8Array | string | RecordObject>) {
    if (typeof chunk === "string") {
      intake.text(chunk);
    } else if (chunk instanceof Uint8Array) {
      intake.chunk(chunk);
    } else {
      intake.replaced = true;
      if (objectHeader === null) {
        objectHeader = Object.keys(chunk);
        objectKeys = new Set(objectHeader);
        onRecord(objectHeader, objectLine, null);
      }
      const values = objectHeader.map((k) => {
        const v = chunk[k];
        return v === null || v === undefined ? "" : String(v);
      });
      for (const k in chunk) if (!objectKeys!.has(k) && chunk[k] !== undefined) (extraKeys ??= []).push(k);
      onRecord(values, ++objectLine, null);
      extraKeys = null;
    }
  }
  const tail = intake.end();
  if (part && !part.last) {
    // The next part starts where this one ends: right only if a record ended there.
    const clean = tail === "" && tokenizer.atBoundary;
    return { read, ...(source.def.pivote ? { variables: pivotSeen } : {}), clean, unclosed: { lines: unclosedQuotes, count: unclosedCount } };
  }
  intake.text(tail);
  tokenizer.end(onRecord);
  if (part) return { read, ...(source.def.pivote ? { variables: pivotSeen } : {}), clean: true, unclosed: { lines: unclosedQuotes, count: unclosedCount } };
  if (unclosedCount > 0) problem(unclosedQuoteProblem(file, { lines: unclosedQuotes, count: unclosedCount }));
  if (bindings === null && !headerFailed) {
    if (preamble.length) {
      const missing = headerNotFound(source, file, preamble[0].line, false);
      fileError = { reason: missing.reason, column: undefined };
      problem(missing.problem);
      for (const p of preamble) rejectAll(p.fields, p.line);
    } else {
      problem(emptyFileProblem(file));
    }
  }
  return source.def.pivote ? { read, variables: pivotSeen } : { read };
}

/** A code of one or two ASCII characters as an index (a second character of 0 for one). */
const shortCodeIndex = (c0: number, c1: number) => (c0 << 7) | c1;

/** A table of codes of one or two ASCII characters (none of them NUL), or undefined when some code is not such. */
function shortCodeTable(codes: string[]): Uint8Array | undefined {
  const table = new Uint8Array(1 << 14);
  for (const code of codes) {
    const n = code.length;
    if (n < 1 || n > 2) return undefined;
    const c0 = code.charCodeAt(0);
    const c1 = n === 2 ? code.charCodeAt(1) : 0;
    if (c0 < 1 || c0 > 127 || (n === 2 && (c1 < 1 || c1 > 127))) return undefined;
    table[shortCodeIndex(c0, c1)] = 1;
  }
  return table;
}

/** Whether `text` is one of the codes of a `shortCodeTable`. */
function isShortCode(table: Uint8Array, text: string): boolean {
  const n = text.length;
  if (n < 1 || n > 2) return false;
  const c0 = text.charCodeAt(0);
  const c1 = n === 2 ? text.charCodeAt(1) : 0;
  return c0 > 0 && c0 < 128 && c1 < 128 && (n === 1 || c1 > 0) && table[shortCodeIndex(c0, c1)] === 1;
}

/**
 * When a file's first line is the source's header, on a line of its own: its number of
 * fields and the file's encoding (as its first bytes say). Null otherwise (no header, junk
 * before it, a header over two lines, UTF-16): such a file is not read in parts. `head` is
 * the file's first bytes, up to and with the first line break.
 */
export function headerLine(source: Source, head: Uint8Array): { fields: number; encoding: "utf-8" | "windows-1252" } | null {
  const fmt = source.def.formato;
  if (!fmt.encabezado) return null;
  const bytes = new TextFromBytes(fmt.codificacion === "latin1" ? "latin1" : "utf-8");
  let text = bytes.push(head);
  text += bytes.end();
  const encoding = bytes.detected?.encoding;
  if (encoding !== "utf-8" && encoding !== "windows-1252") return null;
  const records: { fields: string[]; line: number; error: string | null }[] = [];
  const tokenizer = new CsvTokenizer(fmt.delimitador);
  const on = (fields: string[], line: number, error: string | null) => records.push({ fields: fields.slice(), line, error });
  tokenizer.push(text, on);
  if (!tokenizer.atBoundary) return null;
  tokenizer.end(on);
  if (records.length !== 1 || records[0].line !== 1 || records[0].error !== null || !text.endsWith("\n")) return null;
  return isHeaderOf(source, records[0].fields) ? { fields: records[0].fields.length, encoding } : null;
}

/** The record has a U+FFFD (bytes that were not valid in the file's encoding). */
function hasReplacement(record: RawRecord): boolean {
  const span = record.span;
  if (span === null) return record.fields.some((f) => f.includes("\uFFFD"));
  const { text, end } = span;
  for (let i = span.start; i < end; i++) if (text.charCodeAt(i) === 0xfffd) return true;
  return false;
}

interface Repeated {
  name: string;
  /** 0-based positions in the header. */
  at: number[];
}

/** Header names that appear more than once (after normalising), split by whether the source reads them. Empty names are ignored. */
function repeatedColumns(header: string[], names: string[], bindings: Binding[], pivotAt: number[]): { read: Repeated[]; other: Repeated[] } {
  const positions = new Map<string, number[]>();
  names.forEach((name, i) => {
    if (name === "") return;
    const at = positions.get(name);
    if (at) at.push(i);
    else positions.set(name, [i]);
  });
  const used = new Set<number>(pivotAt);
  for (const b of bindings) for (const i of b.at) used.add(i);
  const read: Repeated[] = [];
  const other: Repeated[] = [];
  for (const at of positions.values()) {
    if (at.length < 2) continue;
    const r = { name: header[at[0]].replace(/^\uFEFF/, "").trim(), at };
    (at.some((i) => used.has(i)) ? read : other).push(r);
  }
  return { read, other };
}

const describeRepeated = (r: Repeated) => `${r.name} (columnas ${r.at.slice(0, -1).map((i) => i + 1).join(", ")} y ${r.at[r.at.length - 1] + 1})`;
