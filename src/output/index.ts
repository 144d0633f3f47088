import { stringify } from "csv-stringify/sync";
import { MasbError } from "../errors.js";
import { RESULT_COLUMNS, resultColumns, type ResultRow } from "../scoring/rows.js";

/** A writer turns result rows into the text of one format. Adding a format is one entry here. */
export type Formatter = (rows: ResultRow[], options: { excel?: boolean }) => string;

/** A CSV field as csv-stringify writes it by default: quoted (quotes doubled) only when it holds `"`, `,`, CR or LF. */
const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * The columns of these rows: those of the options they were computed with (`resultColumns`),
 * which every row of a run carries, whatever indicators were selected.
 */
function columnsOf(rows: ResultRow[]): (keyof ResultRow)[] {
  const first = rows[0];
  return resultColumns({ tendencia: first?.periodo_anterior !== undefined, intervalos: first?.ic_inferior !== undefined });
}

/**
 * CSV lines of rows, each ended by `eol`, as text or as UTF-8 bytes. Written here rather than
 * with csv-stringify: the same bytes, several times faster on the millions of rows of a
 * national run (README, Performance). The sixteen columns of DESIGN.md are read by name; the
 * text of an org unit (entidad, región, zona, CLUES), of an indicator (id, name, unit), of a
 * period, level, semáforo and status is quoted and encoded once and reused for every row that
 * repeats it; numerators, denominators, values, targets and logros are plain ASCII numbers
 * that never need quotes, copied byte by byte. Bytes skip building and re-encoding a string.
 */
function csvLineWriter(columns: (keyof ResultRow)[], eol: string): { text(rows: ResultRow[]): string; bytes(rows: ResultRow[]): Uint8Array } {
  const extra = columns.slice(RESULT_COLUMNS.length);
  const encoder = new TextEncoder();
  /** A piece of a line: its text and, once asked for, its UTF-8 bytes. */
  type Piece = { text: string; bytes: Uint8Array | null };
  const piece = (text: string): Piece => ({ text, bytes: null });
  const bytesOf = (p: Piece) => (p.bytes ??= encoder.encode(p.text));
  type Org = { entidad: string; region: string; zona: string; clues: string; piece: Piece };
  const orgs = new Map<string, Map<string, Org>>();
  const orgPiece = (r: ResultRow): Piece => {
    let level = orgs.get(r.nivel);
    if (!level) orgs.set(r.nivel, (level = new Map()));
    const key = r.clues || r.zona || r.region || r.entidad;
    const hit = level.get(key);
    if (hit && hit.entidad === r.entidad && hit.region === r.region && hit.zona === r.zona && hit.clues === r.clues) return hit.piece;
    const p = piece(`${csvField(r.nivel)},${csvField(r.entidad)},${csvField(r.region)},${csvField(r.zona)},${csvField(r.clues)},`);
    level.set(key, { entidad: r.entidad, region: r.region, zona: r.zona, clues: r.clues, piece: p });
    return p;
  };
  let periodo: string | null = null, periodoPiece = piece("");
  let indicador: string | null = null, nombre = "", unidad = "", indicatorPiece = piece("");
  const tails = new Map<string, Map<string, Piece>>();
  /** Sets the cached pieces for a row: period, indicator; returns the `semaforo,estado` piece. */
  const pieces = (r: ResultRow): Piece => {
    if (r.periodo !== periodo) periodoPiece = piece(`${csvField((periodo = r.periodo))},`);
    if (r.indicador !== indicador || r.nombre !== nombre || r.unidad !== unidad) {
      indicatorPiece = piece(`${csvField((indicador = r.indicador))},${csvField((nombre = r.nombre))},${csvField((unidad = r.unidad))},`);
    }
    let bySemaforo = tails.get(r.semaforo);
    if (!bySemaforo) tails.set(r.semaforo, (bySemaforo = new Map()));
    let tail = bySemaforo.get(r.estado);
    if (!tail) bySemaforo.set(r.estado, (tail = piece(`,${csvField(r.semaforo)},${csvField(r.estado)}`)));
    return tail;
  };
  const extraText = (r: ResultRow): string => {
    let text = "";
    for (let i = 0; i < extra.length; i++) {
      const v = r[extra[i]];
      text += `,${v === null || v === undefined ? "" : csvField(String(v))}`;
    }
    return text;
  };
  const eolBytes = encoder.encode(eol);
  return {
    text(rows) {
      let out = "";
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k];
        const tail = pieces(r);
        out += `${periodoPiece.text}${orgPiece(r).text}${indicatorPiece.text}${r.numerador ?? ""},${r.denominador ?? ""},${r.valor ?? ""},${r.meta ?? ""},${r.logro ?? ""}${tail.text}${extra.length ? extraText(r) : ""}${eol}`;
      }
      return out;
    },
    bytes(rows) {
      let buf = new Uint8Array(rows.length * 192 + 4096);
      let len = 0;
      const room = (n: number) => {
        if (len + n <= buf.length) return;
        const grown = new Uint8Array(Math.max(buf.length * 2, len + n));
        grown.set(buf.subarray(0, len));
        buf = grown;
      };
      const put = (b: Uint8Array) => {
        room(b.length);
        if (b.length > 32) buf.set(b, len);
        else for (let i = 0; i < b.length; i++) buf[len + i] = b[i];
        len += b.length;
      };
      /** An ASCII number (or nothing), then a comma. */
      const number = (x: string | null) => {
        const n = x === null ? 0 : x.length;
        room(n + 1);
        for (let i = 0; i < n; i++) buf[len + i] = x!.charCodeAt(i);
        buf[len + n] = 44; // ,
        len += n + 1;
      };
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k];
        const tail = pieces(r);
        put(bytesOf(periodoPiece));
        put(bytesOf(orgPiece(r)));
        put(bytesOf(indicatorPiece));
        number(r.numerador);
        number(r.denominador);
        number(r.valor);
        number(r.meta);
        const logro = r.logro ?? "";
        room(logro.length);
        for (let i = 0; i < logro.length; i++) buf[len + i] = logro.charCodeAt(i);
        len += logro.length;
        put(bytesOf(tail));
        for (let i = 0; i < extra.length; i++) {
          // Optional columns (valor_crudo, intervals, trend): mostly empty, numbers otherwise.
          const v = r[extra[i]];
          room(1);
          buf[len++] = 44; // ,
          if (v === null || v === undefined) continue;
          const t = csvField(String(v));
          let ascii = true;
          for (let j = 0; j < t.length && ascii; j++) ascii = t.charCodeAt(j) < 128;
          if (!ascii) put(encoder.encode(t));
          else {
            room(t.length);
            for (let j = 0; j < t.length; j++) buf[len + j] = t.charCodeAt(j);
            len += t.length;
          }
        }
        put(eolBytes);
      }
      return buf.subarray(0, len);
    },
  };
}

const csv: Formatter = (rows, { excel }) => {
  const columns = columnsOf(rows);
  const eol = excel ? "\r\n" : "\n";
  const text = columns.map((c) => csvField(c)).join(",") + eol + csvLineWriter(columns, eol).text(rows);
  return excel ? `\uFEFF${text}` : text;
};

/**
 * JSON and NDJSON write each row as the library returns it: the columns of the CSV, in its
 * order, and numbers as the same exact decimal text (`"50.0"`, `"1234567890123456789"`), so
 * that a value keeps its decimals and no digit of a large sum is lost to a double.
 */
const json: Formatter = (rows) => `${JSON.stringify(rows, null, 2)}\n`;
const ndjson: Formatter = (rows) => rows.map((r) => `${JSON.stringify(r)}\n`).join("");

const SEMAFORO_ICON: Record<string, string> = { verde: "● verde", amarillo: "▲ amarillo", rojo: "■ rojo", sin_meta: "○ sin meta", sin_dato: "· sin dato" };

/**
 * An aligned table for the terminal: the org unit in one column, numbers right-aligned; with
 * the trend, the previous value and the change after the value; with intervals, the bounds.
 */
const table: Formatter = (rows) => {
  const trend = rows[0]?.periodo_anterior !== undefined;
  const bounds = rows[0]?.ic_inferior !== undefined;
  const head = [
    "periodo", "indicador", "nivel", "unidad org.", "numerador", "denominador", "valor",
    ...(bounds ? ["ic inferior", "ic superior"] : []), ...(trend ? ["valor anterior", "cambio"] : []), "meta", "semáforo", "estado",
  ];
  const body = rows.map((r) => [
    r.periodo, r.indicador, r.nivel, r.clues || r.zona || r.region || r.entidad || "nacional",
    r.numerador ?? "", r.denominador ?? "", r.valor ?? "",
    ...(bounds ? [r.ic_inferior ?? "", r.ic_superior ?? ""] : []), ...(trend ? [r.valor_anterior ?? "", r.cambio ?? ""] : []),
    r.meta ?? "", SEMAFORO_ICON[r.semaforo] ?? r.semaforo, r.estado,
  ]);
  const right = new Set(head.map((h, i) => (i >= 4 && i < head.length - 2 ? i : -1)).filter((i) => i >= 0));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(head), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(line)].join("\n") + "\n";
};

export const FORMATTERS: Record<string, Formatter> = { csv, json, ndjson, table };

/** A format written one indicator's rows at a time: `head`, then `rows` per batch, then `tail`. */
export interface StreamWriter {
  head: string;
  rows(rows: ResultRow[]): string;
  /** The same as `rows`, as UTF-8 bytes, where the format writes them faster that way (CSV). */
  bytes?(rows: ResultRow[]): Uint8Array;
  tail: string;
}

/**
 * A writer that gives, batch by batch, the same text as `formatRows` on all the rows at once;
 * null for formats that need every row first (json, table). `sample` must carry the same
 * optional columns as the whole result (one row per indicator does: they are per indicator
 * or per run, never per org unit).
 */
export function streamWriter(format: string, sample: ResultRow[], options: { excel?: boolean } = {}): StreamWriter | null {
  if (format === "csv") {
    const columns = columnsOf(sample);
    const eol = options.excel ? "\r\n" : "\n";
    const lines = csvLineWriter(columns, eol);
    return { head: `${options.excel ? "\uFEFF" : ""}${columns.map((c) => csvField(c)).join(",")}${eol}`, rows: lines.text, bytes: lines.bytes, tail: "" };
  }
  if (format === "ndjson") return { head: "", rows: (rows) => ndjson(rows, options), tail: "" };
  return null;
}
export type Format = keyof typeof FORMATTERS;


/**
 * Result rows as the text of one format: `csv` (the columns of `resultColumns`; with `excel`,
 * a BOM and CRLF line ends), `json` (an indented array of the rows as they are), `ndjson`
 * (a row per line), or `table` (aligned, for a terminal). The same rows give the same bytes.
 */
export function formatRows(rows: ResultRow[], format: string, options: { excel?: boolean } = {}): string {
  const f = FORMATTERS[format];
  if (!f) throw new MasbError("MASB_FORMATO_DESCONOCIDO", `formato desconocido '${format}'; use ${Object.keys(FORMATTERS).join(", ")}`, { value: format });
  return f(rows, options);
}

/** The `rechazos` file: one line per rejected row with where and why, then the raw fields. */
export function formatRejections(rows: { source: string; file: string; line: number; column?: string; value?: string; code: string; reason: string; raw: string[] }[], excel = false): string {
  const text = stringify(rows.map((r) => [r.source, r.file, r.line, r.column ?? "", r.value ?? "", r.code, r.reason, r.raw.join("|")]), {
    header: true,
    columns: ["fuente", "archivo", "linea", "columna", "valor", "codigo", "motivo", "renglon_original"],
    record_delimiter: excel ? "windows" : "unix",
  });
  return excel ? `\uFEFF${text}` : text;
}
