import { describe, expect, it } from "vitest";
import { COMPONENTES, fuenteSchema, indicadorSchema, UNIDADES } from "../../src/catalog/schema.js";
import { runCli } from "../helpers.js";

type Json = Record<string, any>;

describe("masb schema", () => {
  it("prints the JSON Schema of an indicator file: one indicator or a list of them", async () => {
    const { code, stdout } = await runCli(["schema"]);
    expect(code).toBe(0);
    const schema = JSON.parse(stdout) as Json;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.anyOf).toEqual([{ $ref: "#/definitions/indicador" }, { type: "array", items: { $ref: "#/definitions/indicador" } }]);
  });

  it("is generated from the zod schema: the same fields, required ones and allowed values", async () => {
    const ind = (JSON.parse((await runCli(["schema"])).stdout) as Json).definitions.indicador as Json;
    expect(Object.keys(ind.properties)).toEqual(Object.keys(indicadorSchema.shape));
    expect(ind.additionalProperties).toBe(false);
    expect(ind.required).toEqual(expect.arrayContaining(["id", "nombre", "dimension", "componentes", "fases", "unidad", "sentido", "fuente", "metodo"]));
    // numerador is required unless the indicator is no_calculable: zod checks that (superRefine), JSON Schema cannot say it
    expect(ind.required).not.toContain("numerador");
    expect(Object.keys(ind.properties.no_calculable.properties)).toEqual(["motivo", "fuente_posible"]);
    expect(ind.properties.unidad.enum).toEqual([...UNIDADES]);
    expect(ind.properties.componentes.items.enum).toEqual([...COMPONENTES]);
    expect(ind.properties.unidad.description).toMatch(/porcentaje/);
  });

  it("lets an aggregate be another indicator's term", async () => {
    const ind = (JSON.parse((await runCli(["schema"])).stdout) as Json).definitions.indicador as Json;
    const entry = ind.properties.agregados.additionalProperties as Json;
    const shapes = (entry.anyOf as Json[]).map((s) => Object.keys(s.properties).sort());
    expect(shapes).toContainEqual(["indicador", "termino"]);
  });

  it("prints a source schema's JSON Schema with --tipo fuente", async () => {
    const schema = JSON.parse((await runCli(["schema", "--tipo", "fuente"])).stdout) as Json;
    expect(Object.keys(schema.properties)).toEqual(Object.keys(fuenteSchema.shape));
  });
});
