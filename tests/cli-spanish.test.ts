import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

/**
 * What a user reads from the CLI is Spanish, and every error has one form (issue 17): a
 * battery of invocations — help, bad options, bad choices, missing values and arguments,
 * every command — none of whose output may hold commander's English, and each of whose
 * errors is `error [MASB_…] mensaje`.
 */

const root = join(__dirname, "..");
const demo = join(root, "fixtures", "demo");
const scratch = mkdtempSync(join(tmpdir(), "masb-es-"));
const html = join(scratch, "t.html");

/** Phrases commander writes in English; none may reach the user. */
const ENGLISH = [
  "Usage", "error: ", "unknown option", "unknown command", "Allowed choices", "required option", "display help",
  "too many arguments", "missing required argument", "argument missing", "is invalid", "Did you mean", "Options:",
  "Commands:", "Arguments:", "[options]", "[command]", "(default:", "(choices:", "output the version", "cannot be used with",
];

/** Invocations and the exit code each must end with. */
const BATTERY: [args: string[], exit: number][] = [
  [["--help"], 0], [["-h"], 0], [["help"], 0], [["help", "compute"], 0], [["help", "help"], 0], [["--version"], 0], [["-V"], 0],
  [["compute", "--help"], 0], [["report", "--help"], 0], [["validate", "--help"], 0], [["list", "--help"], 0], [["explain", "--help"], 0], [["schema", "--help"], 0],
  [[], 2], [["nope"], 2], [["help", "nope"], 2], [["--bogus"], 2], [["comput", demo], 2],
  [["compute"], 2], [["compute", demo, demo], 2], [["compute", demo, "--bogus"], 2], [["compute", demo, "--bye", "entidad"], 2],
  [["compute", demo, "--format", "xml"], 2], [["compute", demo, "--ventana", "semana"], 2], [["compute", demo, "--out"], 2],
  [["compute", demo, "--by", "municipio"], 2], [["compute", demo, "--workers", "cero"], 2], [["compute", demo, "--ic", "200"], 2],
  [["compute", demo, "--period", "2024-13"], 2], [["compute", demo, "--excel", "--format", "json"], 2],
  [["report", demo], 2], [["report", demo, "--html"], 2], [["report"], 2],
  [["validate", "--format", "xml"], 2], [["validate", "a", "b"], 2],
  [["list", "--fase", "9"], 2], [["list", "--componente", "C99"], 2], [["list", "--dimension", "otra"], 2], [["list", "extra"], 2],
  [["explain"], 2], [["explain", "no-existe"], 2], [["explain", "83b", "--unit", "12"], 2], [["explain", "83b", "--lineas", "x", "--data", demo], 2],
  [["schema", "--tipo", "otro"], 2], [["schema", "extra"], 2],
  [["compute", join(scratch, "no-existe")], 2], [["validate", join(scratch, "no-existe")], 2],
  [["list", "--fase", "2"], 0], [["schema"], 0], [["explain", "83b"], 0], [["validate"], 0],
  [["compute", demo, "--only", "83b", "--format", "table", "--rechazos", join(scratch, "r.csv")], 0],
  [["report", demo, "--only", "83b", "--html", html], 0],
];

describe("the CLI speaks Spanish", () => {
  it.each(BATTERY)("masb %j: no English, exit %i, errors as `error [MASB_…] …`", async (args, exit) => {
    const r = await runCli(args);
    const out = r.stdout + r.stderr;
    for (const phrase of ENGLISH) expect(out, `«${phrase}» in the output of masb ${args.join(" ")}`).not.toContain(phrase);
    expect(r.code).toBe(exit);
    // Every line that reports an error has the one form, with a code.
    for (const line of r.stderr.split("\n").filter((l) => /^error\b/.test(l))) expect(line).toMatch(/^error \[MASB_[A-Z0-9_]+\] \S/);
    if (exit === 2) expect(r.stderr).toMatch(/^error \[MASB_[A-Z0-9_]+\] /m);
  });

  it("translates commander's help: Uso, Argumentos, Opciones, values and defaults", async () => {
    const r = await runCli(["validate", "--help"]);
    expect(r.stdout.split("\n")[0]).toBe("Uso: masb validate [opciones] [dir]");
    expect(r.stdout).toContain("\nArgumentos:\n");
    expect(r.stdout).toContain("\nOpciones:\n");
    expect(r.stdout).toMatch(/\(valores: text, json o\s+github; por omisión: text\)/);
    expect(r.stdout).toMatch(/-h, --help\s+muestra esta ayuda/);
    const top = await runCli(["--help"]);
    expect(top.stdout).toContain("\nComandos:\n");
    expect(top.stdout).toMatch(/help \[comando\]\s+muestra la ayuda de un comando/);
  });

  it("says what commander found wrong, in words, with the option and the value", async () => {
    const cases: [string[], string][] = [
      [["compute", demo, "--bogus"], "error [MASB_USO_OPCION_DESCONOCIDA] opción desconocida '--bogus' de masb compute\n    masb compute --help muestra sus opciones\n"],
      [["compute", demo, "--bye", "entidad"], "error [MASB_USO_OPCION_DESCONOCIDA] opción desconocida '--bye' de masb compute; ¿quiso decir --by?\n"],
      [["compute", demo, "--format", "xml"], "error [MASB_USO_VALOR_INVALIDO] --format: valor 'xml' no admitido; use csv, json, ndjson o table\n"],
      [["report", demo], "error [MASB_USO_FALTA_OPCION] masb report necesita la opción --html <archivo>\n"],
      [["compute"], "error [MASB_USO_FALTA_ARGUMENTO] falta el argumento <extracto> de masb compute\n"],
      [["compute", demo, demo], "error [MASB_USO_ARGUMENTOS_DE_MAS] masb compute recibe un argumento y recibió 2\n"],
      [["compute", demo, "--out"], "error [MASB_USO_FALTA_VALOR] a la opción --out <archivo> le falta su valor\n"],
      [["comput", demo], "error [MASB_USO_COMANDO_DESCONOCIDO] 'comput' no es un comando de masb; ¿quiso decir compute?\n"],
      [["help", "nope"], "error [MASB_USO_COMANDO_DESCONOCIDO] 'nope' no es un comando de masb\n"],
      [[], "error [MASB_USO_FALTA_COMANDO] indique un comando: compute, report, validate, list, explain, schema, metas o sql\n"],
    ];
    for (const [args, text] of cases) expect((await runCli(args)).stderr, args.join(" ")).toContain(text);
  });

  it("prints its version, from package.json", async () => {
    const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
    expect((await runCli(["--version"])).stdout).toBe(`${version}\n`);
  });

  it("prints a catalog's errors and then one coded line, not a bare sentence", async () => {
    const dir = mkdtempSync(join(tmpdir(), "masb-es-cat-"));
    writeFileSync(join(dir, "a.yaml"), "id: X\nnombre: [sin cerrar\n");
    const r = await runCli(["compute", demo, "--catalog", dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error [MASB_YAML_SINTAXIS] ");
    expect(r.stderr).toContain("error [MASB_CATALOGO_INVALIDO] el catálogo tiene 1 error(es)\n    corrija el catálogo; masb validate lo revisa completo\n");
  });
});

describe("exit codes agree between commands", () => {
  const missing = join(scratch, "no-hay");
  const file = join(demo, "EGRESOS_2024.txt");

  it("a folder that does not exist is a usage error (2) for every command that takes one, before anything is read", async () => {
    for (const args of [["compute", missing], ["report", missing, "--html", html], ["validate", missing], ["explain", "83b", "--data", missing], ["list", "--catalog", missing]]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^error \[MASB_(EXTRACTO|CATALOGO)_NO_EXISTE\] no existe la carpeta del (extracto|catálogo) '/);
      expect(r.stderr).not.toContain("leídos");
    }
  });

  it("a file where a folder goes says so, and which folder holds it", async () => {
    const r = await runCli(["compute", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error [MASB_EXTRACTO_NO_ES_CARPETA] '${file}' es un archivo, no la carpeta del extracto\n    indique la carpeta que contiene los archivos del extracto (la de este archivo es '${demo}')\n`);
    const v = await runCli(["validate", file]);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/^error \[MASB_CATALOGO_NO_ES_CARPETA\] '.*EGRESOS_2024\.txt' es un archivo, no la carpeta del catálogo/);
  });
});
