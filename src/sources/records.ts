/**
 * The records of one input file as text, before any typing: what `readSource` (reader.ts)
 * decides at the level of the file and of CSV — encoding, header (found by name, junk lines
 * before it skipped), which header column each declared column reads, malformed quotes, wrong
 * field counts, files that cannot be read at all — and nothing else. A record it hands over is
 * one `readSource` would go on to type (and accept or reject with a typing code); a record it
 * rejects is one `readSource` rejects with the same code, line and reason. The SQL motor loads
 * these records into tables and types them there (src/sql); tests/records.test.ts pins this
 * module to `readSource`.
 */
import type { Source } from "../catalog/load.js";
import { CsvTokenizer, type QuoteProblem } from "./csv.js";
import {
  declaredHeader, emptyFileProblem, encodingWarning, fieldCountReason, headerNotFound, isHeaderOf, malformedRecord, PREAMBLE_LINES, TextIntake, unclosedQuoteProblem,
  type FileProblem, type Rejection,
} from "./reader.js";

/** How one file's header serves a source: where each declared column is read, and the wide variables. */
export interface HeaderBinding {
  /** The header's names (BOM and surrounding blanks removed). */
  names: string[];
  /** Per declared column (in `columnas` order): the header positions it reads (several for `de`), or [] when absent. */
  columns: number[][];
  /** Pivoted variables read: header position and variable code. */
  variables: { at: number; code: string }[];
  /** Every header column that matches the pivot's pattern, read or not (`FileReport.variables`). */
  seen: string[];
}

export interface RecordSink {
  /** The header was found and binds the source: records follow. */
  header(binding: HeaderBinding, line: number): void;
  /** A well-formed record after the header: its fields as read (not trimmed), and its line. */
  record(fields: string[], line: number): void;
  /** A record turned down at the level of the file or of CSV. */
  reject(r: Rejection): void;
  problem(p: FileProblem): void;
}

/** A header name as masb compares names: BOM, accents, case and runs of blanks ignored. */
export const normalizeName = (s: string) =>
  s.replace(/^\uFEFF/, "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").trim().replace(/\s+/g, " ").toUpperCase();

const originalsOf = (c: Source["def"]["columnas"][number]): string[] => c.de ?? (c.original === undefined ? [c.nombre] : Array.isArray(c.original) ? c.original : [c.original]);

/**
 * Binds a header to a source as `readSource` does: a declared column reads the first of its
 * original names present (case, accents and spacing ignored), a `de` column all of its; a
 * wide source reads the header columns its pattern matches that a dictionary lists. Returns
 * the binding, or why the file cannot be read (fatal), and the warnings.
 */
export function bindHeader(source: Source, header: string[]): {
  binding: HeaderBinding | null; fatal: { code: string; message: string; hint?: string; reason: string; column?: string } | null; warning: { code: string; message: string } | null;
  /** Header columns matching the pivot's pattern (reported even when the file cannot be read for another reason after the columns were found). */
  seen: string[];
} {
  const names = header.map(normalizeName);
  const find = (orig: string) => names.indexOf(normalizeName(orig));
  const columns: number[][] = [];
  const missing: string[] = [];
  for (const c of source.def.columnas) {
    const originals = originalsOf(c);
    let at: number[];
    if (c.de) at = c.de.map(find);
    else at = [originals.map(find).find((i) => i >= 0) ?? -1];
    if (at.some((i) => i < 0)) {
      if (c.requerida) missing.push(c.de ? c.de.filter((_, k) => at[k] < 0).join(", ") : originals.join(" o "));
      at = [];
    }
    columns.push(at);
  }
  if (missing.length) {
    return {
      binding: null, warning: null, seen: [],
      fatal: {
        code: "MASB_ARCHIVO_COLUMNA_FALTANTE",
        message: `faltan columnas de la fuente '${source.name}': ${missing.join("; ")}`,
        hint: `el encabezado tiene: ${header.slice(0, 20).join(", ")}${header.length > 20 ? ", …" : ""}. Ajuste 'original' en indicators/sources/${source.name}.yaml`,
        reason: `archivo no leído: faltan columnas de la fuente '${source.name}': ${missing.join("; ")}`, column: missing[0],
      },
    };
  }
  const variables: { at: number; code: string }[] = [];
  const seen: string[] = [];
  if (source.def.pivote) {
    const re = new RegExp(source.def.pivote.columnas);
    const known = source.variables ? new Set(source.variables) : null;
    header.forEach((h, i) => {
      let name = h.replace(/^\uFEFF/, "").trim();
      if (!re.test(name) && re.test(name.toUpperCase())) name = name.toUpperCase();
      if (!re.test(name)) return;
      seen.push(name);
      if (known && !known.has(name)) return;
      variables.push({ at: i, code: name });
    });
  }
  // A column the source reads that appears twice: which one to read would be a guess.
  const positions = new Map<string, number[]>();
  names.forEach((name, i) => {
    if (name === "") return;
    const at = positions.get(name);
    if (at) at.push(i);
    else positions.set(name, [i]);
  });
  const used = new Set<number>(variables.map((v) => v.at));
  for (const at of columns) for (const i of at) used.add(i);
  const read: { name: string; at: number[] }[] = [];
  const other: { name: string; at: number[] }[] = [];
  for (const at of positions.values()) {
    if (at.length < 2) continue;
    const r = { name: header[at[0]].replace(/^\uFEFF/, "").trim(), at };
    (at.some((i) => used.has(i)) ? read : other).push(r);
  }
  const describe = (r: { name: string; at: number[] }) => `${r.name} (columnas ${r.at.slice(0, -1).map((i) => i + 1).join(", ")} y ${r.at[r.at.length - 1] + 1})`;
  if (read.length) {
    const [first] = read;
    return {
      binding: null, warning: null, seen,
      fatal: {
        code: "MASB_ARCHIVO_ENCABEZADO_DUPLICADO",
        message: `columnas repetidas en el encabezado que la fuente '${source.name}' lee: ${read.map(describe).join("; ")}; no se sabe cuál usar`,
        hint: "deje una sola columna con ese nombre (¿una columna renombrada por error?)",
        reason: `archivo no leído: la columna ${first.name} aparece ${first.at.length} veces en el encabezado`, column: first.name,
      },
    };
  }
  return {
    binding: { names: header.map((h) => h.replace(/^\uFEFF/, "").trim()), columns, variables, seen },
    fatal: null,
    seen,
    warning: other.length ? { code: "MASB_ARCHIVO_ENCABEZADO_DUPLICADO", message: `columnas repetidas en el encabezado, que la fuente '${source.name}' no lee: ${other.map(describe).join("; ")}` } : null,
  };
}

/**
 * Reads one file of a source down to its records (see the module's comment). Returns how many
 * records it read after the header: those handed to `record` plus those rejected.
 */
export async function readRecords(source: Source, file: string, chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, sink: RecordSink): Promise<{ read: number; variables?: string[] }> {
  const fmt = source.def.formato;
  const tokenizer = new CsvTokenizer(fmt.delimitador);
  const unclosedQuotes: number[] = [];
  let unclosedCount = 0;
  let read = 0;
  let binding: HeaderBinding | null = null;
  let headerLen = 0;
  let headerFailed = false;
  let preamble: { fields: string[]; line: number }[] = [];
  let warnedEncoding = false;
  let fileError = { reason: "el archivo no se pudo leer con el esquema de la fuente", column: undefined as string | undefined };
  let seen: string[] = [];

  const reject = (raw: string[], line: number, code: string, reason: string, column?: string, value?: string) => sink.reject({ file, line, code, reason, column, value, raw });
  const rejectAll = (raw: string[], line: number) => {
    read++;
    reject(raw, line, "MASB_ARCHIVO_INVALIDO", fileError.reason, fileError.column);
  };
  const bind = (header: string[], line: number): boolean => {
    const { binding: b, fatal, warning, seen: matched } = bindHeader(source, header);
    seen = matched;
    if (fatal) {
      fileError = { reason: fatal.reason, column: fatal.column };
      sink.problem({ file, line, code: fatal.code, fatal: true, message: fatal.message, ...(fatal.hint ? { hint: fatal.hint } : {}) });
      return false;
    }
    if (warning) sink.problem({ file, line, code: warning.code, fatal: false, message: warning.message });
    binding = b;
    headerLen = header.length;
    sink.header(b!, line);
    return true;
  };
  const intake: TextIntake = new TextIntake(source, file, (text) => tokenizer.push(text, onRecord), (p) => sink.problem(p));
  const warningAt = (line: number) => encodingWarning(intake.bytes.detected, fmt.codificacion, source.name, line);

  const onRecord = (fields: string[], line: number, error: string | null, quote?: QuoteProblem): void => {
    if (intake.replaced && !warnedEncoding && fields.some((f) => f.includes("\uFFFD"))) {
      warnedEncoding = true;
      sink.problem({ file, line, code: "MASB_ARCHIVO_CODIFICACION", fatal: false, ...warningAt(line) });
    }
    if (quote?.resynced) {
      if (unclosedQuotes.length < 10) unclosedQuotes.push(quote.quoteLine);
      unclosedCount++;
    }
    if (binding === null && !headerFailed) {
      if (!fmt.encabezado) {
        if (!bind(declaredHeader(source), 0)) headerFailed = true;
      } else if (isHeaderOf(source, fields)) {
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
        sink.problem(missing.problem);
        for (const p of preamble) rejectAll(p.fields, p.line);
        preamble = [];
      }
    }
    if (headerFailed) return rejectAll(fields, line);
    read++;
    if (error) {
      const bad = malformedRecord(fields, error, quote, binding!.names);
      return reject(fields, line, "MASB_CSV_COMILLAS", bad.reason, bad.column, bad.value);
    }
    const why = fieldCountReason(fields, headerLen, fmt.delimitador);
    if (why !== null) return reject(fields, line, "MASB_CSV_NUM_CAMPOS", why);
    sink.record(fields, line);
  };

  for await (const chunk of chunks as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk === "string") intake.text(chunk);
    else intake.chunk(chunk);
  }
  intake.text(intake.end());
  tokenizer.end(onRecord);
  if (unclosedCount > 0) sink.problem(unclosedQuoteProblem(file, { lines: unclosedQuotes, count: unclosedCount }));
  if (binding === null && !headerFailed) {
    if (preamble.length) {
      const missing = headerNotFound(source, file, preamble[0].line, false);
      fileError = { reason: missing.reason, column: undefined };
      sink.problem(missing.problem);
      for (const p of preamble) rejectAll(p.fields, p.line);
    } else {
      sink.problem(emptyFileProblem(file));
    }
  }
  return source.def.pivote ? { read, variables: seen } : { read };
}
