import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { yamlMessage } from "../../src/catalog/yaml.js";
import { validateCatalog } from "../../src/index.js";

/**
 * The `yaml` package's errors reach the catalog's authors in Spanish (issue 17): each by its
 * code, the frequent ones by what they say, never its English ("YAML inválido: Missing
 * closing \"quote" was what an author read).
 */

/** Words of the `yaml` package's English messages. */
const ENGLISH = /\b(Missing|missing|Unexpected|must|Implicit|allowed|Map keys|quote|Tabs|Plain value|escape sequence|Nested|anchor|Alias|token|collection)\b/;

/** Every error code of the installed `yaml` package, from its type declarations. */
const CODES = [...readFileSync(join(__dirname, "..", "..", "node_modules", "yaml", "dist", "errors.d.ts"), "utf8").match(/export type ErrorCode = ([^;]+);/)![1].matchAll(/'([A-Z_0-9]+)'/g)].map((m) => m[1]);

describe("YAML errors in Spanish", () => {
  it("has a Spanish message for every code of the yaml package", () => {
    expect(CODES.length).toBeGreaterThan(20);
    for (const code of CODES) {
      const text = yamlMessage({ code: code as never, message: "Some English text the package may write one day" });
      expect(text, code).not.toBe("el archivo no es YAML válido");
      expect(text, code).not.toMatch(ENGLISH);
    }
  });

  const cases: [name: string, text: string, line: number, column: number, message: string][] = [
    ["comilla", 'id: A\nnombre: "sin cerrar\ndimension: salida\n', 2, 9, "faltan las comillas (\") que cierran el texto que abre aquí"],
    ["corchete", "id: A\ncomponentes: [C1, C2\nfases: [1]\n", 2, 14, "falta cerrar el corchete '[' que abre aquí"],
    ["clave repetida", "id: A\nid: B\n", 2, 1, "esta clave ya está en el mismo mapa; cada clave va una sola vez"],
    ["tabulador", "id: A\nnumerador:\n\torigen: x\n", 3, 1, "la sangría tiene tabuladores: use espacios"],
    ["sangría", "id: A\nnumerador:\n  origen: x\n agregado: conteo\n", 4, 1, "las claves de este mapa no empiezan en la misma columna que las de arriba"],
    ["mapa compacto", "id: A\nnombre: uno: dos\n", 2, 9, "un mapa dentro de otro en la misma línea: ponga cada clave en su línea, con sangría"],
    ["arroba", "id: A\nnombre: @x\n", 2, 9, "un valor sin comillas no puede empezar con ese carácter: póngalo entre comillas"],
    ["coma de más", "id: A\nfases: [1,,2]\n", 2, 11, "una coma de más entre corchetes o llaves"],
  ];

  it.each(cases)("says what is wrong with a %s, where it is, in Spanish", async (name, text, line, column, message) => {
    const { problems } = await validateCatalog([{ path: `${name}.yaml`, text }]);
    const yaml = problems.filter((p) => p.code === "MASB_YAML_SINTAXIS");
    expect(yaml.map((p) => [p.line, p.column, p.message])).toEqual([[line, column, `YAML inválido: ${message}`]]);
    for (const p of yaml) expect(`${p.message} ${p.hint ?? ""}`).not.toMatch(ENGLISH);
  });
});
