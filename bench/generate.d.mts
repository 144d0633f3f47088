/** Types of bench/generate.mjs, for the tests that generate a reduced national extract. */
export interface GeneratedFile {
  file: string;
  rows: number;
  bytes: number;
}
export interface Generated {
  dir: string;
  files: GeneratedFile[];
  /** IMSS-BIENESTAR units in the CLUES catalog, and those in operation. */
  units: number;
  imbActive: number;
  /** Sources that have a file in the extract. */
  sources: string[];
}
export const GENERATOR_VERSION: number;
/** Rows at --scale 1: births, deaths and discharges a year's (2023; January–March 2024 at the same rate), ED visits and prescriptions a month's. */
export const VOLUMES: { births: number; deaths: number; discharges: number; ed: number; prescriptions: number };
export function generate(outDir: string, options?: { scale?: number; units?: number; quiet?: boolean }): Generated;
