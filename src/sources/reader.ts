import type { Source } from "../catalog/load.js";
import type { ColumnaDef } from "../catalog/schema.js";
import { daysFromCivil } from "../expr/index.js";
import { CsvTokenizer } from "./csv.js";
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

export interface RowSink {
  /** A typed row; `row` is reused between calls (copy what you keep). `raw` are the fields of the physical record. */
  row(row: unknown[], line: number, raw: string[]): void;
  reject(r: Rejection): void;
  problem(p: FileProblem): void;
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
const INVALID = Symbol("invalid");

interface Binding {
  name: string;
  /** Positions of the original fields in the record. */
  at: number[];
  headers: string[];
  coerce?: Coerce;
  decoder?: Decoder;
  nulls: Set<string>;
  trim: boolean;
  codes?: Set<string>;
  tipo: ColumnaDef["tipo"];
  expect: string;
}

function coercer(c: ColumnaDef): { coerce: Coerce; expect: string } {
  switch (c.tipo) {
    case "entero":
      return { expect: "un número entero", coerce: (t) => (/^[+-]?\d+$/.test(t) ? Number(t) : INVALID) };
    case "decimal": {
      const scale = c.escala ?? 2;
      const re = new RegExp(`^[+-]?\\d+(\\.\\d{0,${scale}})?$`);
      return { expect: `un número con hasta ${scale} decimales`, coerce: (t) => (re.test(t) ? Number(t) : INVALID) };
    }
    case "fecha":
      if (c.formato === "aaaa-mm-dd") {
        return {
          expect: "una fecha aaaa-mm-dd",
          coerce: (t) => {
            const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$/.exec(t);
            return m ? validDate(+m[1], +m[2], +m[3]) : INVALID;
          },
        };
      }
      return {
        expect: "una fecha dd/mm/aaaa",
        coerce: (t) => {
          const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: .*)?$/.exec(t);
          return m ? validDate(+m[3], +m[2], +m[1]) : INVALID;
        },
      };
    default:
      return { expect: "texto", coerce: (t) => t };
  }
}

function validDate(y: number, m: number, d: number): number | typeof INVALID {
  if (m < 1 || m > 12 || d < 1) return INVALID;
  const days = daysFromCivil(y, m, d);
  const next = m === 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1);
  return days < next ? days : INVALID;
}

/**
 * Reads one input of a source: decodes bytes (UTF-8 with or without BOM, or Latin-1 as
 * Windows-1252), splits records, finds the header by name (case, accents and spacing
 * ignored; junk lines before it skipped), and hands typed rows, rejections and file problems
 * to the sink. Every physical record after the header ends up in exactly one of `row`
 * (once, or once per pivoted variable) and `reject`; the returned count is what was read.
 */
export async function readSource(source: Source, file: string, chunks: Chunks, sink: RowSink): Promise<{ read: number }> {
  const fmt = source.def.formato;
  const decoder = new TextDecoder(fmt.codificacion === "latin1" ? "windows-1252" : "utf-8");
  const tokenizer = new CsvTokenizer(fmt.delimitador);
  let read = 0;
  let bindings: Binding[] | null = null;
  let pivot: { at: number[]; names: string[]; nulls: Set<string>; integer: boolean } | null = null;
  let headerLen = 0;
  let headerFailed = false;
  let preamble: { fields: string[]; line: number }[] = [];
  let warnedEncoding = false;
  let fileError = { reason: "el archivo no se pudo leer con el esquema de la fuente", column: undefined as string | undefined };
  const row: unknown[] = new Array(source.scope.columns.length).fill(null);
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
        nulls: new Set([...formatNulls, ...(c.nulos ?? [])]),
        trim: c.recortar,
        codes: c.codigos && c.rechazar_desconocidos ? new Set(Array.isArray(c.codigos) ? c.codigos : Object.keys(c.codigos)) : undefined,
        tipo: c.tipo,
        expect: dec ? dec.describe : expect,
      });
    }
    if (missing.length) {
      fileError = { reason: `archivo no leído: faltan columnas de la fuente '${source.name}': ${missing.join("; ")}`, column: missing[0] };
      sink.problem({
        file, line, code: "MASB_ARCHIVO_COLUMNA_FALTANTE", fatal: true,
        message: `faltan columnas de la fuente '${source.name}': ${missing.join("; ")}`,
        hint: `el encabezado tiene: ${header.slice(0, 20).join(", ")}${header.length > 20 ? ", …" : ""}. Ajuste 'original' en indicators/sources/${source.name}.yaml`,
      });
      return false;
    }
    if (source.def.pivote) {
      const re = new RegExp(source.def.pivote.columnas);
      const at: number[] = [];
      const vars: string[] = [];
      header.forEach((h, i) => {
        const name = h.replace(/^\uFEFF/, "").trim();
        if (re.test(name)) {
          at.push(i);
          vars.push(name);
        }
      });
      pivot = { at, names: vars, nulls: new Set([...formatNulls, ...source.def.pivote.nulos]), integer: source.def.pivote.tipo === "entero" };
    }
    bindings = result;
    headerLen = header.length;
    return true;
  };

  const isHeader = (fields: string[]): boolean => {
    const names = new Set(fields.map(normalizeName));
    const first = source.def.columnas.find((c) => c.requerida);
    if (!first) return true;
    const originals = first.de ?? (first.original === undefined ? [first.nombre] : Array.isArray(first.original) ? first.original : [first.original]);
    return originals.some((o) => names.has(normalizeName(o)));
  };

  const onRecord = (fields: string[], line: number, error: string | null): void => {
    if (!warnedEncoding && fields.some((f) => f.includes("\uFFFD"))) {
      warnedEncoding = true;
      sink.problem({
        file, line, code: "MASB_ARCHIVO_CODIFICACION", fatal: false,
        message: `el archivo tiene bytes que no son UTF-8 (primera vez en la línea ${line})`,
        hint: `si viene de Windows o del SIS, declare 'codificacion: latin1' en indicators/sources/${source.name}.yaml`,
      });
    }
    if (bindings === null && !headerFailed) {
      if (!fmt.encabezado) {
        if (!bind(fmt.orden ?? source.def.columnas.map((c) => (typeof c.original === "string" ? c.original : c.nombre)), 0)) headerFailed = true;
      } else if (isHeader(fields)) {
        if (!bind(fields, line)) headerFailed = true;
        else preamble = [];
        return;
      } else if (preamble.length < 25) {
        preamble.push({ fields, line });
        return;
      } else {
        headerFailed = true;
        fileError = { reason: `archivo no leído: no se encontró el encabezado de la fuente '${source.name}'`, column: undefined };
        sink.problem({
          file, line: preamble[0].line, code: "MASB_ARCHIVO_SIN_ENCABEZADO", fatal: true,
          message: `no se encontró el encabezado de la fuente '${source.name}' en las primeras 25 líneas`,
          hint: `se esperaba una línea con la columna '${source.def.columnas[0].original ?? source.def.columnas[0].nombre}'; si el archivo no trae encabezado declare 'encabezado: false' y 'orden'`,
        });
        for (const p of preamble) rejectAll(p.fields, p.line);
        preamble = [];
      }
    }
    if (headerFailed) return rejectAll(fields, line);
    read++;
    if (error) return reject(fields, line, "MASB_CSV_COMILLAS", `renglón mal formado: ${error}`);
    if (fields.length !== headerLen && !(fields.length === headerLen + 1 && fields[headerLen] === "")) {
      return reject(fields, line, "MASB_CSV_NUM_CAMPOS", `el renglón tiene ${fields.length} campos y el encabezado ${headerLen}`, undefined, undefined,
        fmt.delimitador === "," && fields.length > headerLen ? "¿una coma dentro de un texto sin comillas?" : undefined);
    }
    const bs = bindings!;
    for (let i = 0; i < bs.length; i++) {
      const b = bs[i];
      if (b.at.length === 0) {
        row[i] = null;
        continue;
      }
      if (b.decoder) {
        const parts = b.at.map((k) => fields[k].trim());
        const v = b.decoder.decode(parts);
        if (v === undefined) return reject(fields, line, "MASB_VALOR_INVALIDO", `valor inválido en ${b.headers.join("/")}: se esperaba ${b.expect}`, b.headers.join("/"), parts.join("/"));
        row[i] = v;
        continue;
      }
      let text = fields[b.at[0]];
      if (b.trim) text = text.trim();
      if (b.nulls.has(text)) {
        row[i] = null;
        continue;
      }
      const v = b.coerce!(text);
      if (v === INVALID) return reject(fields, line, "MASB_VALOR_INVALIDO", `valor '${text}' en la columna ${b.headers[0]}: se esperaba ${b.expect}`, b.headers[0], text);
      if (b.codes && !b.codes.has(text)) {
        return reject(fields, line, "MASB_CODIGO_NO_PERMITIDO", `código '${text}' no permitido en la columna ${b.headers[0]}; permitidos: ${[...b.codes].slice(0, 12).join(", ")}`, b.headers[0], text);
      }
      row[i] = v;
    }
    if (pivot) {
      const p = pivot;
      const vi = bs.length;
      // Validate every cell first, so that a bad cell rejects the whole record and nothing of it is counted twice.
      for (let k = 0; k < p.at.length; k++) {
        const t = fields[p.at[k]].trim();
        if (!p.nulls.has(t) && !(p.integer ? /^[+-]?\d+$/ : /^[+-]?\d+(\.\d+)?$/).test(t)) {
          return reject(fields, line, "MASB_VALOR_INVALIDO", `valor '${t}' en la columna ${p.names[k]}: se esperaba un número o NULL`, p.names[k], t);
        }
      }
      for (let k = 0; k < p.at.length; k++) {
        const t = fields[p.at[k]].trim();
        row[vi] = p.names[k];
        row[vi + 1] = p.nulls.has(t) ? null : Number(t);
        sink.row(row, line, fields);
      }
      return;
    }
    sink.row(row, line, fields);
  };

  const reject = (raw: string[], line: number, code: string, reason: string, column?: string, value?: string, hint?: string): void => {
    sink.reject({ file, line, code, reason: hint ? `${reason} (${hint})` : reason, column, value, raw });
  };
  const rejectAll = (raw: string[], line: number) => {
    read++;
    reject(raw, line, "MASB_ARCHIVO_INVALIDO", fileError.reason, fileError.column);
  };

  let objectHeader: string[] | null = null;
  let objectLine = 1;
  for await (const chunk of chunks as AsyncIterable<Uint8Array | string | RecordObject>) {
    if (typeof chunk === "string") {
      if (chunk) tokenizer.push(chunk, onRecord);
    } else if (chunk instanceof Uint8Array) {
      const text = decoder.decode(chunk, { stream: true });
      if (text) tokenizer.push(text, onRecord);
    } else {
      if (objectHeader === null) {
        objectHeader = Object.keys(chunk);
        onRecord(objectHeader, objectLine, null);
      }
      const values = objectHeader.map((k) => {
        const v = chunk[k];
        return v === null || v === undefined ? "" : String(v);
      });
      onRecord(values, ++objectLine, null);
    }
  }
  const tail = decoder.decode();
  if (tail) tokenizer.push(tail, onRecord);
  tokenizer.end(onRecord);
  if (bindings === null && !headerFailed) {
    if (preamble.length) {
      fileError = { reason: `archivo no leído: no se encontró el encabezado de la fuente '${source.name}'`, column: undefined };
      sink.problem({
        file, line: preamble[0].line, code: "MASB_ARCHIVO_SIN_ENCABEZADO", fatal: true,
        message: `no se encontró el encabezado de la fuente '${source.name}'`,
        hint: `se esperaba una línea con la columna '${source.def.columnas[0].original ?? source.def.columnas[0].nombre}'`,
      });
      for (const p of preamble) rejectAll(p.fields, p.line);
    } else {
      sink.problem({ file, line: 1, code: "MASB_ARCHIVO_VACIO", fatal: false, message: "el archivo está vacío (sin encabezado ni renglones)" });
    }
  }
  return { read };
}
