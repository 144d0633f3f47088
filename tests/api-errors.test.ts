import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compute, DataError, evaluate, FileError, ingest, loadCatalog, MasbError, parseMetas, validateCatalog, type Catalog, type Ingested,
} from "../src/index.js";
import { tempExtract } from "./helpers.js";

/**
 * The library's side of issue 17: what stops a run is thrown as a typed error, what a run
 * returns is the public result and nothing of the engine's, and its messages are the
 * library's own, naming no flag of the CLI.
 */

const demo = join(__dirname, "..", "fixtures", "demo");
const malos = join(__dirname, "fixtures", "malos");
/** A flag of the CLI (`--period`, `--unit`) or the CLI itself (`masb validate`) in a message. */
const CLI_WORDS = /(^|[\s(])--[a-z]|\bmasb (compute|validate|list|explain|report)\b/;

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

describe("a file that cannot be read at all", () => {
  // tests/fixtures/malos/columna_faltante: EGRESOS_2024.txt lacks DIAS_ESTA, which the schema requires
  const dir = () => tempExtract(join(malos, "_base"), join(malos, "columna_faltante"));

  it("is thrown as a FileError, a DataError, naming the file, its line and the problem's code", async () => {
    const error = await compute(catalog, dir(), { period: "2024-03", only: ["83b"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileError);
    expect(error).toBeInstanceOf(DataError);
    expect(error).toBeInstanceOf(MasbError);
    const e = error as FileError;
    expect(e.code).toBe("MASB_ARCHIVOS_ILEGIBLES");
    expect(e.message).toMatch(/^el archivo EGRESOS_2024\.txt del extracto no se pudo leer: /);
    expect(e.details.problems!.map((p) => [p.code, p.file, p.line, p.severity])).toEqual([["MASB_ARCHIVO_COLUMNA_FALTANTE", "EGRESOS_2024.txt", 1, "error"]]);
    await expect(ingest(catalog, dir(), { period: "2024-03", only: ["83b"] })).rejects.toBeInstanceOf(FileError);
  });

  it("is skipped on request: listed in problems as fatal, its 2 rows read and rejected, its source missing", async () => {
    const r = await compute(catalog, dir(), { period: "2024-03", only: ["83b"], skipUnreadableFiles: true });
    expect(r.problems.filter((p) => p.fatal).map((p) => [p.code, p.file])).toEqual([["MASB_ARCHIVO_COLUMNA_FALTANTE", "EGRESOS_2024.txt"]]);
    expect(r.files.find((f) => f.file === "EGRESOS_2024.txt")).toMatchObject({ read: 2, accepted: 0, rejected: 2 });
    expect(r.missingSources).toContain("egresos");
  });
});

describe("the result of compute", () => {
  it("holds the rows and what the run read and said, and none of the engine's plan or partial sums", async () => {
    const r = await compute(catalog, demo, { period: "2024-03", only: ["83b"], by: [] });
    expect(Object.keys(r).sort()).toEqual(["avisos", "files", "indicators", "latestMonth", "missingSources", "period", "problems", "rows"]);
  });

  it("evaluates only what ingest returned", async () => {
    const pass: Ingested = await ingest(catalog, demo, { only: ["83b"] });
    // 56 deaths in 2 121 discharges, March 2024 (fixtures/README.md): 2.640… → 2.64
    expect(evaluate(pass, { period: "2024-03", by: [] }).rows[0]).toMatchObject({ numerador: "56", denominador: "2121", valor: "2.64" });
    const forged = { ...pass, stores: undefined } as unknown as Ingested;
    expect(() => evaluate(forged)).toThrow(expect.objectContaining({ code: "MASB_ARGUMENTO_INVALIDO" }));
  });

  it("warns of the run's targets for org units the extract does not have", async () => {
    const { metas, problems } = parseMetas("indicador,nivel,clave,meta\n83b,entidad,07,2\n", { catalog });
    expect(problems).toEqual([]);
    const r = await compute(catalog, demo, { period: "2024-03", only: ["83b"], by: [], metas });
    expect(r.avisos.filter((a) => a.code === "MASB_METAS_CLAVE_DESCONOCIDA").map((a) => [a.line, a.message])).toEqual([[2, "entidad '07' no está en el extracto; su renglón no se aplica"]]);
  });
});

describe("the library's messages", () => {
  it("ask for the period, not for --period, when the extract has no monthly data", async () => {
    const error = await compute(catalog, join(malos, "_base"), {}).catch((e: unknown) => e as MasbError);
    expect(error).toMatchObject({ code: "MASB_SIN_PERIODO" });
    expect((error as MasbError).message).toContain("indique el periodo (AAAA-MM)");
    expect((error as MasbError).message).not.toMatch(CLI_WORDS);
  });

  it("name no flag in the warnings of a period after the data", async () => {
    const r = await compute(catalog, demo, { period: "2025-06", only: ["83b"], by: [] });
    const late = r.avisos.find((a) => a.code === "MASB_PERIODO_SIN_DATOS")!;
    expect(late.message).toContain("evalúe el periodo 2024-03 o use un extracto que llegue a 2025-06");
    expect(late.value).toBe("2024-03");
    for (const a of r.avisos) expect(`${a.message} ${a.hint ?? ""}`, a.code).not.toMatch(CLI_WORDS);
  });

  it("name no command in the hint of an empty catalog", async () => {
    const { problems } = await validateCatalog([]);
    expect(problems.map((p) => p.code)).toEqual(["MASB_CATALOGO_VACIO"]);
    expect(problems[0].hint).toBe("indique la carpeta que contiene los indicadores (.yaml) y sources/");
  });

  it("tell a folder that does not exist from a file given where a folder goes", async () => {
    await expect(loadCatalog(join(demo, "no-hay"))).rejects.toMatchObject({ code: "MASB_CATALOGO_NO_EXISTE" });
    await expect(loadCatalog(join(demo, "EGRESOS_2024.txt"))).rejects.toMatchObject({ code: "MASB_CATALOGO_NO_ES_CARPETA" });
    await expect(compute(catalog, join(demo, "no-hay"))).rejects.toMatchObject({ code: "MASB_EXTRACTO_NO_EXISTE" });
    await expect(compute(catalog, join(demo, "EGRESOS_2024.txt"))).rejects.toMatchObject({
      code: "MASB_EXTRACTO_NO_ES_CARPETA", message: `'${join(demo, "EGRESOS_2024.txt")}' es un archivo, no la carpeta del extracto`,
    });
  });
});
