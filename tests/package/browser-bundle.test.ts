import { build } from "esbuild";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

describe("the core entry", () => {
  it.each(["core.ts", "metodos.ts"])("src/%s bundles for the browser with no Node built-in and no shim", async (entry) => {
    const result = await build({
      entryPoints: [join(root, "src", entry)],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent",
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    // Nothing from node_modules that stands in for Node modules (browserify shims) and no node: imports.
    expect(inputs.filter((i) => /(^|\/)node:|\/(buffer|stream-browserify|process|events|util)\//.test(i))).toEqual([]);
    const text = result.outputFiles[0].text;
    expect(text).not.toMatch(/from\s*["']node:/);
    expect(text).not.toMatch(/require\(["'](fs|path|worker_threads|node:[a-z_]+)["']\)/);
  });

  it("computes an indicator from in-memory YAML and rows, as a browser would", async () => {
    const core = await import("../../src/core.js");
    const catalog = await core.loadCatalog({
      "sources/clues.yaml": [
        "fuente: clues", "archivos: ['clues.csv']", "grano: catalogo", "rol: catalogo_clues", "columnas:",
        "  - { nombre: clues, tipo: texto, original: CLUES }",
        "  - { nombre: clave_entidad, tipo: texto, original: ENT }",
        "  - { nombre: entidad, tipo: texto, original: NOM_ENT }",
        "  - { nombre: clave_jurisdiccion, tipo: texto, original: JUR }",
        "  - { nombre: jurisdiccion, tipo: texto, original: NOM_JUR }",
        "  - { nombre: nombre, tipo: texto, original: NOMBRE }",
        "  - { nombre: camas, tipo: entero, original: CAMAS }",
      ].join("\n"),
      "camas.yaml": [
        "id: X1", "nombre: Camas", "dimension: estructura", "componentes: [C4a]", "fases: [1]", "unidad: conteo",
        "decimales: 0", "sentido: mayor_es_mejor", "fuente: prueba", "metodo: suma de camas",
        "numerador: { origen: clues, agregado: suma, valor: camas }",
      ].join("\n"),
    });
    const clues = [
      { CLUES: "GRIMB000001", ENT: "12", NOM_ENT: "GUERRERO", JUR: "01", NOM_JUR: "MONTAÑA", NOMBRE: "HOSPITAL", CAMAS: 30 },
      { CLUES: "GRIMB000002", ENT: "12", NOM_ENT: "GUERRERO", JUR: "01", NOM_JUR: "MONTAÑA", NOMBRE: "CENTRO", CAMAS: 0 },
    ];
    const { rows } = await core.compute(catalog, { clues }, { period: "2024-03" });
    // 30 + 0 camas = 30 at national level
    expect(rows.find((r) => r.nivel === "nacional")).toMatchObject({ indicador: "X1", numerador: "30", valor: "30" });
  });
});
