import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { Option } from "commander";
import { validateCatalog } from "../../index.js";
import { defaultCatalogDir, formatProblems, PROBLEM_REPORTERS } from "../../internal.js";
import { catalogCacheDir, checkInputFolder, EXIT, type CommandModule, type Io } from "../shared.js";

/** Paths as GitHub and editors want them: relative to the working directory when inside it. */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

async function runValidate(io: Io, dir: string | undefined, o: { format?: string }): Promise<number> {
  await checkInputFolder(dir, "catalogo");
  const validation = await validateCatalog(dir ?? defaultCatalogDir(), { cache: catalogCacheDir() });
  const problems = validation.problems.map((p) => (p.file ? { ...p, file: shownPath(p.file) } : p));
  const texts = new Map<string, string[] | null>();
  const sourceLine = (file: string, line: number) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, "utf8").split(/\r?\n/));
      } catch {
        texts.set(file, null);
      }
    }
    return texts.get(file)?.[line - 1];
  };
  io.stdout.write(formatProblems(problems, o.format ?? "text", { sourceLine }));
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  const { catalog } = validation;
  if (errors) {
    const files = new Set(problems.filter((p) => p.severity === "error").map((p) => p.file)).size;
    io.stderr.write(`${plural(errors, "error", "errores")} en ${plural(files, "archivo", "archivos")}${warnings ? ` y ${plural(warnings, "aviso", "avisos")}` : ""}; corríjalos y vuelva a correr masb validate\n`);
    return EXIT.datos;
  }
  io.stderr.write(`catálogo válido: ${plural(catalog.indicators.length, "indicador", "indicadores")}, ${plural(catalog.sources.size, "fuente", "fuentes")}${warnings ? `, ${plural(warnings, "aviso", "avisos")}` : ""}\n`);
  return EXIT.ok;
}

export const validateCommand: CommandModule = (program, io, setCode) => {
  program
    .command("validate")
    .description("valida el catálogo (indicadores y esquemas de fuentes) y reporta todos los problemas con archivo, línea y columna")
    .argument("[dir]", "carpeta del catálogo (por omisión el incluido)")
    .addOption(new Option("--format <formato>", "text para leer, json para programas, github para anotaciones de GitHub Actions").choices(Object.keys(PROBLEM_REPORTERS)).default("text"))
    .action(async (dir, o) => setCode(await runValidate(io, dir, o)));
};
