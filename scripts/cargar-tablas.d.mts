/** Types of scripts/cargar-tablas.mjs, for the tests and the bench that load extracts into a database. */
import type { DuckDBConnection } from "@duckdb/node-api";

/** A source of the catalog as the loader needs it. */
export interface TableSource {
  name: string;
  globs: string[];
  patterns: RegExp[];
  delimiter: string;
  encoding: "utf-8" | "latin1";
  header: boolean;
  order: string[];
  /** masb's keys of the names of the source's first required column: a record naming one is the header. */
  headerKeys: Set<string> | null;
}

export interface PlannedFile {
  name: string;
  path: string;
  bytes: number;
  /** The file's column names (empty and repeated names made distinct), or null when it has no usable header. */
  columns: string[] | null;
  /** The table column of each of the file's columns. */
  at: number[];
  /** Why the file's records cannot be loaded although it has a header. */
  problem: string | null;
}

export interface PlannedTable {
  source: TableSource;
  table: string;
  /** The union of the files' columns, in order of first appearance. */
  columns: string[];
  files: PlannedFile[];
}

export interface Plan {
  tables: PlannedTable[];
  skipped: { file: string; reason: string }[];
  /** Sources of the catalog without files in the extract: they get no table. */
  absent: string[];
}

export interface Rejection {
  line: number;
  code: string;
  reason: string;
  text: string;
}

export interface FileCounts {
  records: number;
  loaded: number;
  rejected: number;
  preamble: number;
  headerLine: number | null;
  encoding: string | null;
  bom: boolean;
  /** First line with a character that was not of the file's encoding (U+FFFD), or null. */
  replacement: number | null;
  byCode: Record<string, number>;
  failed?: string;
}

export interface RecordSink {
  header(names: string[], line: number): void;
  record(fields: string[], line: number): void;
  reject(r: Rejection): void;
  drain?: () => Promise<void>;
}

export interface FileReport {
  archivo: string;
  bytes: number;
  codificacion: string | null;
  bom: boolean;
  lineaEncabezado: number | null;
  preambulo: number;
  leidos: number;
  cargados: number;
  rechazados: number;
  porCodigo: Record<string, number>;
  problema: string | null;
  primeraLineaNoDecodificada: number | null;
  /** The first rejections (all are in the table masb_rechazos). */
  rechazos: { linea: number; codigo: string; motivo: string; texto: string }[];
  segundos: number;
}

export interface TableReport {
  fuente: string;
  tabla: string;
  columnas: string[];
  archivos: FileReport[];
}

export interface LoadReport {
  motor: "postgres" | "duckdb";
  extracto: string;
  tablas: TableReport[];
  ausentes: string[];
  omitidos: { archivo: string; motivo: string }[];
  totales: { archivos: number; leidos: number; cargados: number; rechazados: number; bytes: number };
  segundos: number;
}

export interface LoadOptions {
  /** The catalog folder (indicators/). */
  catalog?: string;
  onFile?: (table: TableReport, file: FileReport) => void;
}

export const FILE_COLUMN: "masb_archivo";
export const LINE_COLUMN: "masb_linea";
export const CODES: { fields: string; quotes: string; noHeader: string; nul: string; header: string };

export function loadSources(catalog?: string): TableSource[];
export function planTables(extract: string, sources: TableSource[]): Promise<Plan>;
export function readFile(
  source: TableSource,
  file: { name: string; path: string },
  sink: RecordSink,
  options?: { headerOnly?: boolean; refuse?: string | null; chunkBytes?: number },
): Promise<FileCounts>;
export function masbRecord(buf: Uint8Array, start: number, n: number, delimiter: string, final: boolean): { next: number; error: string | null } | null;
export function nameKey(name: string): string;
export function copyValue(value: string | null | undefined): string;
export function quoteIdent(name: string): string;
export function fileLine(table: TableReport, file: FileReport): string;

export function loadPostgres(
  extract: string,
  options: LoadOptions & { connection: string; psql?: string; env?: NodeJS.ProcessEnv; schema?: string },
): Promise<LoadReport>;
export function loadDuckDB(
  extract: string,
  options?: LoadOptions & { connection?: DuckDBConnection | null; database?: string | null; schema?: string },
): Promise<LoadReport>;
