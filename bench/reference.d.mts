/** Types of bench/reference.mjs, for the test that checks it against tests/reference. */
import type { DuckDBConnection } from "@duckdb/node-api";

export const FAMILIES: string[];
export interface SourceSpec {
  files: RegExp;
  delim?: string;
  encoding?: string;
  dateformat?: string;
  types: Record<string, string>;
}
export const SOURCES: Record<string, SourceSpec>;
export function columnName(header: string): string;
export function readCsvOf(name: string, dir: string): string;
export function typedSql(dir: string): string;
export function adaptFamily(sql: string): string;
export function openReference(extract: string, options?: { threads?: number }): Promise<{ con: DuckDBConnection; ids: string[]; load_s: number; close: () => void }>;
export function useTerms(con: DuckDBConnection, ids: string[]): Promise<void>;
export function setWindow(con: DuckDBConnection, period: string, ventana: string): Promise<void>;
export function resultRows(con: DuckDBConnection, period: string, ventana: string, ids: string[]): Promise<Record<string, string>[]>;
export function runTyped(
  extract: string,
  options: { threads?: number; period?: string; windows?: Record<string, string[]>; out: string },
): Promise<{ total_s: number; load_s: number; setup_s: number; evaluate_s: number; rows: number; indicators: number }>;
export function peakRssMb(): number;
