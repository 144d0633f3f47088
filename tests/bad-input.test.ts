import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../src/catalog/load.js";
import { compute } from "../src/core.js";
import { loadCatalog } from "../src/node/catalog.js";
import { openExtract } from "../src/node/extract.js";
import type { Rejection } from "../src/sources/reader.js";
import { runCli, tempExtract } from "./helpers.js";

/**
 * Each folder under tests/fixtures/malos holds one bad input (a file of the extract) and, in
 * `esperado.json`, what masb must say about it: the rejection code, line and column, or the
 * file problem, and the read / accepted / rejected counts. The CLUES catalog comes from `_base`.
 * Optionally `motivo` is a piece of the first rejection's reason, `todos_los_rechazos` lists
 * every rejection of the file in order (code, line, column) and `todos_los_problemas` every
 * file problem (code, line, fatal, and a piece of the message), so that a case can pin the
 * line numbers after the bad spot too.
 */
interface Expected {
  descripcion: string;
  fuente: string;
  archivo: string;
  codigo: string | null;
  linea?: number;
  columna?: string;
  valor?: string;
  /** A piece of the first rejection's reason (`¿quiso decir GRIMB000002?`, where a duplicate's first occurrence is). */
  motivo?: string;
  problema?: string;
  fatal?: boolean;
  leidos: number;
  aceptados: number;
  rechazados: number;
  todos_los_rechazos?: { codigo: string; linea: number; columna?: string }[];
  todos_los_problemas?: { codigo: string; linea: number; fatal: boolean; mensaje?: string }[];
}

const root = join(__dirname, "fixtures", "malos");
const cases = readdirSync(root).filter((d) => !d.startsWith("_")).sort();
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(join(__dirname, "..", "indicators"));
});

describe.each(cases)("bad input %s", (name) => {
  const expected = JSON.parse(readFileSync(join(root, name, "esperado.json"), "utf8")) as Expected;

  it(`is counted, never lost: read = accepted + rejected (${expected.descripcion})`, async () => {
    const dir = tempExtract(join(root, "_base"), join(root, name));
    const rejections: Rejection[] = [];
    const { extract } = await openExtract(dir, catalog);
    const result = await compute(catalog, extract, { period: "2024-03", skipUnreadableFiles: true, onReject: (r) => rejections.push(r) });
    const report = result.files.find((f) => f.file === expected.archivo)!;
    expect(report).toMatchObject({ source: expected.fuente, read: expected.leidos, accepted: expected.aceptados, rejected: expected.rechazados });
    expect(report.read).toBe(report.accepted + report.rejected);
    if (expected.codigo) {
      const first = rejections.find((r) => r.file === expected.archivo)!;
      expect(first.code).toBe(expected.codigo);
      if (expected.linea !== undefined && !expected.problema) expect(first.line).toBe(expected.linea);
      if (expected.columna) expect(first.column).toBe(expected.columna);
      if (expected.valor) expect(first.value).toBe(expected.valor);
      if (expected.motivo) expect(first.reason).toContain(expected.motivo);
    } else {
      expect(rejections.filter((r) => r.file === expected.archivo)).toEqual([]);
    }
    if (expected.problema) {
      const p = result.problems.find((x) => x.file === expected.archivo)!;
      expect(p.code).toBe(expected.problema);
      expect(p.fatal).toBe(expected.fatal);
      if (expected.linea !== undefined) expect(p.line).toBe(expected.linea);
    }
    if (expected.todos_los_rechazos) {
      const mine = rejections.filter((r) => r.file === expected.archivo);
      expect(mine.map((r) => ({ codigo: r.code, linea: r.line, ...(r.column !== undefined ? { columna: r.column } : {}) }))).toEqual(expected.todos_los_rechazos);
    }
    if (expected.todos_los_problemas) {
      const mine = result.problems.filter((p) => p.file === expected.archivo);
      expect(mine.map((p) => ({ codigo: p.code, linea: p.line, fatal: p.fatal }))).toEqual(expected.todos_los_problemas.map(({ mensaje: _, ...p }) => p));
      expected.todos_los_problemas.forEach((p, i) => {
        if (p.mensaje) expect(mine[i].message).toContain(p.mensaje);
      });
    }
  });

  it("exits 0 by default, writes the rejected rows with their reasons, and prints a summary per file", async () => {
    const dir = tempExtract(join(root, "_base"), join(root, name));
    const out = join(dir, "resultados.csv");
    const run = await runCli(["compute", dir, "--period", "2024-03", "--out", out]);
    expect(run.code).toBe(expected.fatal ? 1 : 0);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
    expect(run.stderr).toMatch(new RegExp(`${expected.archivo.replace(".", "\\.")}\\s+leídos\\s+${expected.leidos}\\s+aceptados\\s+${expected.aceptados}\\s+rechazados\\s+${expected.rechazados}`));
    const rechazos = join(dir, "resultados.rechazos.csv");
    if (expected.rechazados > 0) {
      const text = readFileSync(rechazos, "utf8");
      expect(text.split("\n")[0]).toBe("fuente,archivo,linea,columna,valor,codigo,motivo,renglon_original");
      expect(text).toContain(`${expected.fuente},${expected.archivo},${expected.problema ? "" : expected.linea ?? ""}`);
      if (expected.columna) expect(text).toContain(`,${expected.columna},`);
    } else {
      expect(existsSync(rechazos)).toBe(false);
    }
  });

  it("with --strict stops at the first rejection with exit 1 and names file, line and column", async () => {
    const dir = tempExtract(join(root, "_base"), join(root, name));
    const run = await runCli(["compute", dir, "--period", "2024-03", "--strict", "--out", join(dir, "r.csv")]);
    if (!expected.codigo && !expected.fatal) {
      expect(run.code).toBe(0);
      return;
    }
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${expected.archivo}:${expected.linea}`);
    if (expected.columna) expect(run.stderr).toContain(`columna ${expected.columna}`);
    expect(run.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
