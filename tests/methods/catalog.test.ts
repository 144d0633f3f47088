/**
 * `calculo` in the catalog: the load-time expansion into one aggregate per age group, and the
 * checks `masb validate` makes, each with file, line and column. The test indicators count
 * hospital deaths (egresos, the network) over the responsibility population, a pair of
 * universes that fit (DESIGN.md), so that only the method's own checks speak.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildCatalog } from "../../src/catalog/load.js";
import type { Problem } from "../../src/index.js";

const sourcesDir = join(__dirname, "..", "..", "indicators", "sources");
// sources/ with its subfolders: the SIS dictionaries (sources/sis/*.yaml) and DGIS's list (*.csv).
const sources = (readdirSync(sourcesDir, { recursive: true }) as string[]).filter((f) => /\.(yaml|csv)$/.test(f)).map((f) => ({ path: `sources/${f}`, text: readFileSync(join(sourcesDir, f), "utf8") }));

const HEAD = `nombre: Prueba
dimension: impacto
componentes: [C8]
fases: [3]
decimales: 1
sentido: menor_es_mejor
fuente: prueba
metodo: prueba
`;

/** Builds the catalog of the bundled sources plus one indicator file. */
function build(body: string) {
  return buildCatalog([...sources, { path: "impacto/x.yaml", text: `id: "X"\n${HEAD}${body}` }]);
}
const errors = (problems: Problem[]) => problems.filter((p) => p.severity === "error");

const STANDARDISED = `unidad: por_100000
ventana: acumulado_anual
anualizar: true
numerador: { origen: egresos, agregado: conteo, filtro: "motivo_egreso = '5'" }
denominador: { origen: poblacion, agregado: suma, valor: poblacion }
calculo:
  metodo: estandarizacion_directa
  parametros:
    grupos: ["00-04", "05-09", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85+"]
    edad_numerador: edad_anios
    grupo_denominador: grupo_edad
    estandar: oms_2000_2025
`;

describe("method indicators at load time", () => {
  it("expands numerator and denominator into one aggregate per age group with a synthesised filter", () => {
    const { catalog, problems } = build(STANDARDISED);
    expect(errors(problems)).toEqual([]);
    const x = catalog.byId.get("X")!;
    expect(x.metodo!.numerador).toHaveLength(18);
    expect(x.aggregates["numerador#30-34"].key).toContain("motivo_egreso = '5' y edad_anios entre 30 y 34");
    expect(x.aggregates["numerador#85+"].key).toContain("edad_anios >= 85");
    expect(x.aggregates["denominador#00-04"].key).toContain("grupo_edad = '00-04'");
    expect(x.aggregates["numerador#sin_edad"].key).toContain("edad_anios es nulo");
    // The standard's weights, 85+ summing 85–89 … 100+.
    expect(x.metodo!.pesos![0]).toBe(8.86);
    expect(x.metodo!.pesos![17]).toBeCloseTo(0.635, 10);
  });

  it("shares one accumulator between equal per-group aggregates of different indicators", () => {
    const { catalog } = buildCatalog([...sources,
      { path: "a.yaml", text: `id: "A1"\n${HEAD}${STANDARDISED}` },
      { path: "b.yaml", text: `id: "B1"\n${HEAD}${STANDARDISED}` }]);
    expect(catalog.byId.get("A1")!.aggregates["numerador#30-34"].key).toBe(catalog.byId.get("B1")!.aggregates["numerador#30-34"].key);
  });

  it("takes the terms of another indicator through a reference", () => {
    const base = `id: "B"\n${HEAD}unidad: por_100000\nnumerador: { origen: egresos, agregado: conteo }\ndenominador: { origen: poblacion, agregado: suma, valor: poblacion }\n`;
    const variant = `id: "B-e"\n${HEAD}unidad: por_100000
agregados:
  muertes: { indicador: "B", termino: numerador }
  gente: { indicador: "B", termino: denominador }
numerador: { expresion: muertes }
denominador: { expresion: gente }
calculo: { metodo: estandarizacion_directa, parametros: { grupos: ["00-04", "05+"], edad_numerador: edad_anios, grupo_denominador: grupo_edad } }
`;
    const { problems } = buildCatalog([...sources, { path: "b.yaml", text: base }, { path: "b-e.yaml", text: variant }]);
    // 05+ is not a code of grupo_edad: the reference resolved and the method checked the groups.
    expect(errors(problems).map((p) => p.code)).toEqual(["MASB_METODO_GRUPOS"]);
  });
});

describe("masb validate on methods", () => {
  it("requires an age column on both the numerator and the denominator source", () => {
    const { problems } = build(STANDARDISED.replace("    grupo_denominador: grupo_edad\n", ""));
    const p = errors(problems);
    expect(p).toHaveLength(1);
    // Line 16 is `metodo:` under `calculo:`, where the parameter is missing.
    expect(p[0]).toMatchObject({ code: "MASB_METODO_COLUMNA_EDAD", file: "impacto/x.yaml", line: 16, column: 3 });
    expect(p[0].message).toContain("denominador (fuente 'poblacion')");
    expect(p[0].hint).toContain("grupo_edad");
  });

  it("points at an age column that the source does not declare, with a guess", () => {
    const { problems } = build(STANDARDISED.replace("edad_numerador: edad_anios", "edad_numerador: edad_anio"));
    expect(errors(problems)[0]).toMatchObject({ code: "MASB_METODO_COLUMNA_EDAD", line: 19, column: 21, hint: "¿quiso decir 'edad_anios'?" });
  });

  it("refuses a numeric age parameter on a column of group labels", () => {
    const { problems } = build(STANDARDISED.replace("grupo_denominador: grupo_edad", "edad_denominador: grupo_edad"));
    expect(errors(problems)[0]).toMatchObject({ code: "MASB_METODO_COLUMNA_EDAD" });
    expect(errors(problems)[0].hint).toContain("grupo_denominador: grupo_edad");
  });

  it("names an unknown parameter and suggests the right one", () => {
    const { problems } = build(STANDARDISED.replace("estandar: oms_2000_2025", "estandard: oms_2000_2025"));
    expect(errors(problems)[0]).toMatchObject({ code: "MASB_METODO_PARAMETRO", line: 21, column: 5 });
    expect(errors(problems)[0].hint).toContain("¿quiso decir 'estandar'?");
  });

  it("checks the groups against the codes of the group column and against the standard", () => {
    const gap = build(STANDARDISED.replace('"05-09", ', ""));
    expect(errors(gap.problems)[0]).toMatchObject({ code: "MASB_METODO_GRUPOS" });
    expect(errors(gap.problems)[0].message).toContain("hueco");
    const codes = build(STANDARDISED.replace('"85+"', '"85-89", "90+"'));
    expect(errors(codes.problems)[0].message).toContain("'85-89', '90+' no están entre los códigos de 'grupo_edad'");
    const unknown = build(STANDARDISED.replace("oms_2000_2025", "segi"));
    expect(errors(unknown.problems)[0]).toMatchObject({ code: "MASB_METODO_ESTANDAR" });
  });

  it("accepts a custom standard only with its weights and their source", () => {
    const custom = STANDARDISED.replace("estandar: oms_2000_2025", "estandar: personalizado");
    expect(errors(build(custom).problems).map((p) => p.code)).toEqual(["MASB_METODO_ESTANDAR", "MASB_METODO_ESTANDAR"]);
    const ok = custom.replace("estandar: personalizado", `estandar: personalizado\n    pesos: [${Array(18).fill(1).join(", ")}]\n    fuente_pesos: "población uniforme"`);
    const { catalog, problems } = build(ok);
    expect(errors(problems)).toEqual([]);
    expect(catalog.byId.get("X")!.metodo!.pesos).toEqual(Array(18).fill(1));
  });

  it("wants a numerator that is one aggregate, not an expression", () => {
    const body = STANDARDISED.replace(/numerador: \{ origen.*\n/, "agregados:\n  a: { origen: egresos, agregado: conteo }\n  b: { origen: egresos, agregado: conteo }\nnumerador: { expresion: a + b }\n");
    expect(errors(build(body).problems)[0]).toMatchObject({ code: "MASB_METODO_TERMINO" });
  });

  it("wants a life table to end in an open group and to be expressed in years", () => {
    const life = STANDARDISED.replace("metodo: estandarizacion_directa", "metodo: tabla_de_vida").replace("    estandar: oms_2000_2025\n", "");
    expect(errors(build(life).problems).map((p) => p.code)).toEqual(["MASB_METODO_UNIDAD"]);
    const years = life.replace("unidad: por_100000", "unidad: anios");
    expect(errors(build(years).problems)).toEqual([]);
    const closed = years.replace(', "85+"]', "]");
    expect(errors(build(closed).problems)[0].message).toContain("abierto");
  });

  it("lets HALE without a prevalence through with a warning (its rows are sin_datos)", () => {
    const hale = STANDARDISED.replace("metodo: estandarizacion_directa", "metodo: hale_sullivan").replace("    estandar: oms_2000_2025\n", "").replace("unidad: por_100000", "unidad: anios");
    const { catalog, problems } = build(hale);
    expect(errors(problems)).toEqual([]);
    expect(problems.find((p) => p.code === "MASB_METODO_SIN_PREVALENCIA")).toMatchObject({ severity: "aviso" });
    expect(catalog.byId.get("X")).toBeDefined();
  });

  it("validates the bundled catalog's method indicators", () => {
    const dir = join(__dirname, "..", "..", "indicators", "impacto");
    const files = readdirSync(dir).map((f) => ({ path: `impacto/${f}`, text: readFileSync(join(dir, f), "utf8") }));
    const { catalog, problems } = buildCatalog([...sources, ...files]);
    expect(errors(problems)).toEqual([]);
    for (const id of ["128", "129", "133", "130-tgf", "137-e", "138-e", "139-e", "140-e", "141-e", "142-e"]) {
      expect(catalog.byId.get(id)?.metodo, id).toBeDefined();
    }
  });
});

describe("small-numbers rule", () => {
  it("defaults to 20 events for impact rates and methods, 5 000 people for life tables, nothing elsewhere", async () => {
    const { minimumsOf, isUnstable, D } = await import("../../src/engine/evaluate.js");
    const { catalog } = buildCatalog([...sources,
      { path: "a.yaml", text: `id: "A1"\n${HEAD}${STANDARDISED}` },
      { path: "b.yaml", text: `id: "B1"\n${HEAD}unidad: por_1000\nnumerador: { origen: egresos, agregado: conteo }\ndenominador: { origen: poblacion, agregado: suma, valor: poblacion }\n` },
      { path: "c.yaml", text: `id: "C1"\n${HEAD.replace("impacto", "salida")}unidad: por_1000\nnumerador: { origen: egresos, agregado: conteo }\ndenominador: { origen: poblacion, agregado: suma, valor: poblacion }\n` },
      { path: "d.yaml", text: `id: "D1"\n${HEAD}minimo_numerador: 0\nminimo_denominador: 100\nunidad: por_1000\nnumerador: { origen: egresos, agregado: conteo }\ndenominador: { origen: poblacion, agregado: suma, valor: poblacion }\n` },
      { path: "e.yaml", text: `id: "E1"\n${HEAD}${STANDARDISED.replace("metodo: estandarizacion_directa", "metodo: tabla_de_vida").replace("    estandar: oms_2000_2025\n", "").replace("unidad: por_100000", "unidad: anios")}` },
    ]);
    const get = (id: string) => catalog.byId.get(id)!;
    expect(minimumsOf(get("A1"))).toEqual({ numerador: 20 });
    expect(minimumsOf(get("B1"))).toEqual({ numerador: 20 });
    expect(minimumsOf(get("C1"))).toEqual({});
    expect(minimumsOf(get("D1"))).toEqual({ numerador: 0, denominador: 100 });
    expect(minimumsOf(get("E1"))).toEqual({ denominador: 5000 });
    expect(isUnstable(get("B1"), new D(19), new D(1000))).toBe(true);
    expect(isUnstable(get("B1"), new D(20), new D(1000))).toBe(false);
    expect(isUnstable(get("D1"), new D(1), new D(99))).toBe(true);
    expect(isUnstable(get("D1"), new D(1), new D(100))).toBe(false);
  });
});
