import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROBLEM_CODES } from "../../src/catalog/validate.js";
import { validateCatalog as validate } from "../../src/index.js";

const validateCatalog = async (...args: Parameters<typeof validate>) => (await validate(...args)).problems;
import { cases, catalogTexts, esperado } from "./helpers.js";

describe("broken catalogs (tests/fixtures/catalogos-malos, one folder per kind of problem)", () => {
  for (const name of cases()) {
    const want = esperado(name);
    it(`${name}: ${want.descripcion}`, async () => {
      const problems = await validateCatalog(catalogTexts(name));
      expect(problems.map(({ code, file, line, column }) => ({ code, file, line, column }))).toEqual(want.problemas);
    });
  }

  it("covers at least 12 kinds of problem, each in a folder of its own", () => {
    const single = cases().filter((c) => c !== "varios" && esperado(c).problemas.length > 0);
    const kinds = new Set(single.map((c) => esperado(c).problemas[0].code));
    expect(kinds.size).toBeGreaterThanOrEqual(12);
    for (const c of single) expect(new Set(esperado(c).problemas.map((p) => p.code)).size, c).toBe(1);
  });

  it("reports in one run every problem of a catalog with several, across files and stages", async () => {
    const problems = await validateCatalog(catalogTexts("varios"));
    expect(new Set(problems.map((p) => p.file))).toEqual(new Set(["a.yaml", "b.yaml", "sources/urgencias.yaml"]));
    // schema (unknown field), expression, meta, thresholds, references and source checks, all at once
    expect(new Set(problems.map((p) => p.code))).toEqual(new Set([
      "MASB_CAMPO_DESCONOCIDO", "MASB_EXPR_COLUMNA_DESCONOCIDA", "MASB_META_UNIDAD", "MASB_UMBRALES_TRASLAPE",
      "MASB_REFERENCIA_DESCONOCIDA", "MASB_FORMATO_FECHA", "MASB_DECODIFICADOR_DESCONOCIDO",
    ]));
  });

  it("still checks the expressions of an indicator whose schema fails", async () => {
    // a.yaml of "varios" has an unknown field, which fails the schema, and an unknown column in a filter
    const problems = await validateCatalog(catalogTexts("varios"));
    expect(problems.filter((p) => p.file === "a.yaml").map((p) => p.code)).toContain("MASB_EXPR_COLUMNA_DESCONOCIDA");
  });

  it("gives every problem a stable code from PROBLEM_CODES and a message in Spanish", async () => {
    for (const name of cases()) {
      for (const p of await validateCatalog(catalogTexts(name))) {
        expect(Object.keys(PROBLEM_CODES), `${name} ${p.code}`).toContain(p.code);
        expect(p.severity).toBe("error");
        expect(p.message.length).toBeGreaterThan(10);
        expect(p.message).not.toMatch(/Invalid|expected|received|Unrecognized/);
      }
    }
  });
});

describe("messages that say what is wrong and what is expected", () => {
  const problem = async (name: string, index = 0) => (await validateCatalog(catalogTexts(name)))[index];

  it("names the source and its columns for an unknown column, with a did-you-mean", async () => {
    const p = await problem("columna_desconocida");
    expect(p.message).toBe("columna `EDAD_DIAS` no existe en la fuente `defunciones`; columnas disponibles: `entidad_residencia`, `causa`, `sexo`, `edad_dias`, `anio_ocurrencia`, `mes_ocurrencia`, `fecha_defuncion`");
    expect(p.hint).toBe("¿quiso decir `edad_dias`?");
  });

  it("says when an unknown column is the original header of a declared one", async () => {
    const p = await problem("columna_desconocida", 1);
    expect(p.hint).toContain("`causa_def` es el nombre de la columna en el archivo original");
    expect(p.hint).toContain("`causa`");
  });

  it("suggests the field meant by a misspelt key and lists the fields allowed there", async () => {
    const [filtr, denominadro] = await validateCatalog(catalogTexts("campo_desconocido"));
    expect(filtr.hint).toMatch(/^¿quiso decir 'filtro'\? campos permitidos aquí: origen, agregado, valor, filtro/);
    expect(denominadro.hint).toMatch(/^¿quiso decir 'denominador'\?/);
  });

  it("suggests the tag meant, and lists the phases with their names", async () => {
    const [dimension, c9, , fase] = await validateCatalog(catalogTexts("etiqueta_desconocida"));
    expect(dimension.hint).toMatch(/^¿quiso decir 'impacto'\?/);
    expect(c9.hint).toMatch(/^¿quiso decir 'C9'\?/);
    expect(fase.hint).toBe("valores permitidos: 1 (planeación-arranque), 2 (operación-continuidad), 3 (consolidación-evaluación)");
  });

  it("explains a number written as text", async () => {
    const p = await problem("esquema_tipo");
    expect(p.message).toBe("indicador: 'meta' debe ser un número y es el texto '3%'");
    expect(p.hint).toBe("escriba solo el número, sin comillas ni %: 3");
  });

  it("shows the whole cycle of references", async () => {
    const [a, b] = await validateCatalog(catalogTexts("referencia_ciclo"));
    expect(a.message).toBe("referencia circular entre indicadores: A → B → A");
    expect(b.message).toBe("referencia circular entre indicadores: B → A → B");
  });

  it("names the logro values a gap leaves without colour and how to close it", async () => {
    const p = await problem("umbrales_hueco");
    expect(p.message).toContain("de 85 a 90");
    expect(p.hint).toContain("verde.desde: 85");
  });

  it("suggests the function meant when a word was added to its name", async () => {
    expect((await problem("funcion_desconocida")).hint).toMatch(/^¿quiso decir dias\(desde, hasta\)\?/);
  });
});

describe("the list of problem codes", () => {
  it("holds every code the catalog loader and the expression checker can report", () => {
    const src = join(__dirname, "..", "..", "src");
    const files = [...readdirSync(join(src, "catalog")).map((f) => join(src, "catalog", f)), join(src, "expr", "check.ts"), join(src, "expr", "parser.ts")];
    const used = new Set(files.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/"(MASB_[A-Z0-9_]+)"/g)].map((m) => m[1])));
    const missing = [...used].filter((c) => !(c in PROBLEM_CODES));
    expect(missing).toEqual([]);
  });

  it("is the table of codes in the README", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const table = [...readme.matchAll(/^\| `(MASB_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(new Set(table)).toEqual(new Set(Object.keys(PROBLEM_CODES)));
  });
});
