import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers.js";
import { caseDir, esperado } from "./helpers.js";

const catalogDir = join(__dirname, "..", "..", "indicators");

describe("masb validate", () => {
  it("exits 0 on the repository's own catalog and says how much it checked", async () => {
    const { code, stdout, stderr } = await runCli(["validate", catalogDir]);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^catálogo válido: \d+ indicadores, \d+ fuentes/);
    expect(code).toBe(0);
  });

  it("exits 1 and prints every problem with file:line:column, the offending line and a caret", async () => {
    const dir = caseDir("columna_desconocida");
    const { code, stdout, stderr } = await runCli(["validate", dir]);
    expect(code).toBe(1);
    const lines = stdout.split("\n");
    expect(lines[0]).toBe(`${join(dir, "indicador.yaml")}:11:12: error [MASB_EXPR_COLUMNA_DESCONOCIDA] columna \`EDAD_DIAS\` no existe en la fuente \`defunciones\`; columnas disponibles: \`entidad_residencia\`, \`causa\`, \`sexo\`, \`edad_dias\`, \`anio_ocurrencia\`, \`mes_ocurrencia\`, \`fecha_defuncion\``);
    expect(lines[1]).toBe(`  11 |   filtro: "EDAD_DIAS < 28 y causa_def != 'R99X'"`);
    expect(lines[2]).toBe("     |            ^");
    expect(lines[3]).toBe("     = ¿quiso decir `edad_dias`?");
    expect(stderr).toBe("2 errores en 1 archivo; corríjalos y vuelva a correr masb validate\n");
  });

  it("prints a JSON array with the same keys for every problem", async () => {
    const dir = caseDir("varios");
    const { code, stdout } = await runCli(["validate", dir, "--format", "json"]);
    expect(code).toBe(1);
    const problems = JSON.parse(stdout) as Record<string, unknown>[];
    expect(problems.map((p) => Object.keys(p))).toEqual(problems.map(() => ["code", "severity", "file", "line", "column", "message", "hint"]));
    expect(problems.map((p) => [p.code, p.line, p.column])).toEqual(esperado("varios").problemas.map((p) => [p.code, p.line, p.column]));
  });

  it("prints GitHub workflow commands, one ::error per problem", async () => {
    const dir = caseDir("referencia_ciclo");
    const { code, stdout } = await runCli(["validate", dir, "--format", "github"]);
    expect(code).toBe(1);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`::error file=${join(dir, "a.yaml")},line=10,col=22::[MASB_REFERENCIA_CICLO] referencia circular entre indicadores: A → B → A%0Aun indicador no puede depender de sí mismo: tome el agregado de su fuente en lugar de referirse al otro indicador`);
    expect(lines[1]).toMatch(/^::error file=.*b\.yaml,line=9,col=22::\[MASB_REFERENCIA_CICLO\] /);
  });

  it("exits 2 on an unknown format and on a directory that does not exist", async () => {
    expect((await runCli(["validate", catalogDir, "--format", "xml"])).code).toBe(2);
    const missing = await runCli(["validate", join(tmpdir(), "no-existe-masb")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error \[MASB_CATALOGO_NO_EXISTE\] no existe la carpeta del catálogo/);
  });

  it("reports an empty directory instead of calling it valid", async () => {
    const { code, stdout } = await runCli(["validate", mkdtempSync(join(tmpdir(), "masb-vacio-")), "--format", "json"]);
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as { code: string }[]).map((p) => p.code)).toEqual(["MASB_CATALOGO_VACIO"]);
  });
});
