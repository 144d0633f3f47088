import { describe, expect, it } from "vitest";
import type { Problem } from "../../src/index.js";
import { formatProblems, PROBLEM_REPORTERS } from "../../src/output/problems.js";

const error: Problem = { code: "MASB_META_UNIDAD", severity: "error", file: "salida/85.yaml", line: 9, column: 7, message: "la meta 140 no es un porcentaje posible", hint: "use unidad razon" };
const aviso: Problem = { code: "MASB_METODO_SIN_PREVALENCIA", severity: "aviso", file: "a,b:c%.yaml", line: 3, column: 1, message: "sin prevalencia\nsegunda línea" };

describe("problem reporters", () => {
  it("are a registry of text, json and github", () => {
    expect(Object.keys(PROBLEM_REPORTERS)).toEqual(["text", "json", "github"]);
  });

  it("writes text as file:line:column, severity, code and message, then the hint", () => {
    expect(formatProblems([error], "text")).toBe("salida/85.yaml:9:7: error [MASB_META_UNIDAD] la meta 140 no es un porcentaje posible\n    use unidad razon\n");
  });

  it("quotes the offending line with a caret under the column when it can read it", () => {
    const text = formatProblems([error], "text", { sourceLine: () => "meta: 140" });
    expect(text.split("\n").slice(1, 4)).toEqual(["  9 | meta: 140", "    |       ^", "    = use unidad razon"]);
  });

  it("writes warnings as ::warning and escapes GitHub's special characters", () => {
    expect(formatProblems([error, aviso], "github")).toBe(
      "::error file=salida/85.yaml,line=9,col=7::[MASB_META_UNIDAD] la meta 140 no es un porcentaje posible%0Ause unidad razon\n" +
      "::warning file=a%2Cb%3Ac%25.yaml,line=3,col=1::[MASB_METODO_SIN_PREVALENCIA] sin prevalencia%0Asegunda línea\n",
    );
  });

  it("writes json with null where a field is unknown", () => {
    expect(JSON.parse(formatProblems([{ code: "MASB_CATALOGO_VACIO", severity: "error", message: "vacío" }], "json"))).toEqual([
      { code: "MASB_CATALOGO_VACIO", severity: "error", file: null, line: null, column: null, message: "vacío", hint: null },
    ]);
  });
});
