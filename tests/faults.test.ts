import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { compute as computeCore, loadCatalog as loadCatalogTexts } from "../src/core.js";
import { drillDown } from "../src/explain/index.js";
import { compute, loadCatalog, MasbError, validateCatalog, type Catalog } from "../src/index.js";
import { AtomicFile } from "../src/node/files.js";
import { openCounter, openExtract } from "../src/node/extract.js";
import { runCli, tempExtract } from "./helpers.js";
import { caseDir, esperado } from "./validate/helpers.js";
import { unidad } from "./catalog/helpers.js";

/**
 * The fault battery of issue 14 ("no silent loss"): every way a run can go wrong at its
 * edges (the output, the catalog, the period) ends in a Spanish message with a MASB_ code and
 * the exit code of README "Exit codes", never in "error interno" or a stack trace, and never
 * with a file that is missing, half written or written where it was not asked for.
 */

const root = join(__dirname, "..");
const demo = join(root, "fixtures", "demo");
const malos = join(__dirname, "fixtures", "malos");
const fresh = (tag: string) => mkdtempSync(join(tmpdir(), `masb-falla-${tag}-`));
const opens = () => [...openCounter.count.values()].reduce((s, n) => s + n, 0);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** A standard stream's error went unhandled: the real process would have died with a stack trace. */
  crashed?: boolean;
}

/**
 * A standard stream that takes `limit` characters and then fails every write with `code`
 * (EPIPE: the reader went away). An `error` event with no listener is what kills the real
 * process with a stack trace; here it is counted instead (`unhandled`).
 */
function failingSink(limit: number, code: string): { stream: Writable; text: () => string; unhandled: () => number } {
  let text = "";
  let unhandled = 0;
  const stream = new Writable({
    write(chunk, _enc, cb) {
      if (text.length >= limit) return cb(Object.assign(new Error(`write ${code}`), { code, syscall: "write" }));
      text += String(chunk);
      cb();
    },
  });
  const emit = stream.emit.bind(stream);
  stream.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event === "error" && stream.listenerCount("error") === 0) {
      unhandled++;
      return false;
    }
    return emit(event, ...args);
  }) as typeof stream.emit;
  return { stream, text: () => text, unhandled: () => unhandled };
}

/** The CLI in-process with standard output (and optionally standard error) failing after `limit` characters. */
async function runFailing(args: string[], { limit = 0, code = "EPIPE", stderrToo = false } = {}): Promise<Run> {
  const out = failingSink(limit, code);
  let stderr = "";
  const err = stderrToo ? failingSink(0, code) : null;
  const errStream = err?.stream ?? new Writable({ write(chunk, _enc, cb) { stderr += String(chunk); cb(); } });
  const exit = await main(["node", "masb", ...args], { stdout: out.stream, stderr: errStream });
  // Let the streams' error events (emitted on the next tick) fire before looking.
  await new Promise((r) => setTimeout(r, 20));
  return { code: exit, stdout: out.text(), stderr: err ? err.text() : stderr, crashed: out.unhandled() + (err?.unhandled() ?? 0) > 0 };
}

/** One fault: how to provoke it and what must come out. Each runs once; the last test reads them all again. */
interface Fault {
  name: string;
  run: () => Promise<Run>;
  check: (r: Run) => void | Promise<void>;
}

const runs = new Map<string, Promise<Run>>();
const runOf = (f: Fault) => {
  if (!runs.has(f.name)) runs.set(f.name, f.run());
  return runs.get(f.name)!;
};

/** A case that must be refused before a single file of the extract is opened. */
const beforeReading = (run: () => Promise<Run>) => async () => {
  const before = opens();
  const r = await run();
  expect(opens() - before, "files opened").toBe(0);
  expect(r.stderr).not.toContain("leídos");
  return r;
};

// ---------------------------------------------------------------- output

const missingFolder = fresh("carpeta");
const outputFaults: Fault[] = [
  {
    name: "compute --out into a folder that does not exist is a usage error, before reading, and creates nothing",
    run: beforeReading(() => runCli(["compute", demo, "--out", join(missingFolder, "resultados", "marzo.csv")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_CARPETA_NO_EXISTE] --out ");
      expect(r.stderr).toContain(`la carpeta '${join(missingFolder, "resultados")}' no existe; créela (mkdir ${join(missingFolder, "resultados")})`);
      expect(existsSync(join(missingFolder, "resultados"))).toBe(false);
    },
  },
  {
    name: "compute --rechazos into a folder that does not exist is a usage error before reading",
    run: beforeReading(() => runCli(["compute", demo, "--format", "csv", "--rechazos", join(missingFolder, "no-hay", "r.csv")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_CARPETA_NO_EXISTE] --rechazos ");
      expect(r.stdout).toBe("");
    },
  },
  {
    name: "report --html into a folder that does not exist is a usage error before reading",
    run: beforeReading(() => runCli(["report", demo, "--html", join(missingFolder, "no-hay", "tablero.html")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_CARPETA_NO_EXISTE] --html ");
    },
  },
  {
    name: "report --indices into a folder that does not exist is a usage error before reading",
    run: beforeReading(() => runCli(["report", demo, "--html", join(missingFolder, "t.html"), "--indices", join(missingFolder, "no-hay", "i.csv")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_CARPETA_NO_EXISTE] --indices ");
      expect(existsSync(join(missingFolder, "t.html"))).toBe(false);
    },
  },
  {
    name: "compute --out naming a folder is a usage error before reading",
    run: beforeReading(() => runCli(["compute", demo, "--format", "csv", "--out", missingFolder])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error [MASB_SALIDA_ES_CARPETA] --out ${missingFolder}: '${missingFolder}' es una carpeta`);
    },
  },
  {
    name: "compute --out marzo.xlsx is refused before reading, naming the extensions masb writes",
    run: beforeReading(() => runCli(["compute", demo, "--out", join(missingFolder, "marzo.xlsx")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_FORMATO_SALIDA]");
      expect(r.stderr).toContain("masb no escribe archivos .xlsx; use .csv, .json, .ndjson o .txt (tabla alineada)");
      expect(r.stderr).toContain("--excel");
      expect(existsSync(join(missingFolder, "marzo.xlsx"))).toBe(false);
    },
  },
  {
    name: "compute --out with an extension masb does not know, and no --format, is refused before reading",
    run: beforeReading(() => runCli(["compute", demo, "--out", join(missingFolder, "marzo.dat")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_FORMATO_SALIDA]");
      expect(r.stderr).toContain("extensión '.dat' desconocida");
    },
  },
  {
    name: "compute --out x.json --format csv (the extension says another format) is refused before reading",
    run: beforeReading(() => runCli(["compute", demo, "--format", "csv", "--out", join(missingFolder, "x.json")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("es .json (json) y --format pide csv; use la extensión .csv");
    },
  },
  {
    name: "masb list into a pipe whose reader went away (EPIPE) ends quietly with exit 0",
    run: () => runFailing(["list"], { limit: 100 }),
    check: (r) => {
      expect(r.crashed).toBe(false);
      expect(r.code).toBe(0);
      // the header line, then nothing: the reader was gone
      expect(r.stdout.startsWith("id ")).toBe(true);
      expect(r.stderr).not.toMatch(/EPIPE|error/);
    },
  },
  {
    name: "masb compute into a pipe whose reader went away ends quietly with exit 0 and stops writing",
    run: () => runFailing(["compute", demo, "--format", "csv", "--rechazos", join(fresh("epipe"), "r.csv")], { limit: 10 }),
    check: (r) => {
      expect(r.crashed).toBe(false);
      expect(r.code).toBe(0);
      // the CSV header went through; the first indicator's rows were refused, and masb stopped there
      expect(r.stdout).toBe("periodo,nivel,entidad,region,zona,clues,indicador,nombre,unidad,numerador,denominador,valor,meta,logro,semaforo,estado,valor_crudo\n");
      expect(r.stderr).not.toMatch(/EPIPE|error|periodo 2024-03:/);
    },
  },
  {
    name: "masb compute with both standard output and standard error closed ends quietly with exit 0",
    run: () => runFailing(["compute", demo, "--only", "83b", "--format", "csv", "--rechazos", join(fresh("epipe2"), "r.csv")], { limit: 0, stderrToo: true }),
    check: (r) => {
      expect(r.crashed).toBe(false);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("");
    },
  },
  {
    name: "masb compute when standard output fails for another reason (a full disk) says so, exit 1",
    run: () => runFailing(["compute", demo, "--only", "83b", "--format", "csv", "--rechazos", join(fresh("enospc"), "r.csv")], { limit: 0, code: "ENOSPC" }),
    check: (r) => {
      expect(r.crashed).toBe(false);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("error [MASB_ESCRITURA] salida estándar: no se pudo escribir: no queda espacio en el disco");
    },
  },
];

// ---------------------------------------------------------------- periods

const periodFaults: Fault[] = [
  {
    name: "compute --period 2024-13 is a usage error before any file is read",
    run: beforeReading(() => runCli(["compute", demo, "--period", "2024-13", "--format", "csv"])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toBe("error [MASB_PERIODO_INVALIDO] periodo '2024-13' inválido: use AAAA-MM, por ejemplo 2024-03\n");
    },
  },
  {
    name: "report --period 2024-13 is a usage error before any file is read",
    run: beforeReading(() => runCli(["report", demo, "--period", "2024-13", "--html", join(fresh("periodo"), "t.html")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_PERIODO_INVALIDO] periodo '2024-13'");
    },
  },
  {
    name: "explain --data --period 2024-13 is a usage error before any file is read",
    run: beforeReading(() => runCli(["explain", "83b", "--data", demo, "--period", "2024-13"])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_PERIODO_INVALIDO] periodo '2024-13'");
      expect(r.stdout).toBe("");
    },
  },
  {
    name: "compute --period after the last month with data (2025-06 on January–March 2024) warns on stderr, exit 0; flows are sin_datos, stocks carried forward",
    run: () => runCli(["compute", demo, "--period", "2025-06", "--only", "83b,22", "--by", "entidad", "--format", "csv", "--rechazos", join(fresh("futuro"), "r.csv")]),
    check: (r) => {
      expect(r.code).toBe(0);
      // fixtures/README.md: the demo extract covers January–March 2024
      expect(r.stderr).toContain("aviso [MASB_PERIODO_SIN_DATOS] el periodo 2025-06 es posterior al último mes con datos del extracto (2024-03)");
      // the library names no flag; the CLI says which one to write, below
      expect(r.stderr).toContain("evalúe el periodo 2024-03 o use un extracto que llegue a 2025-06\n    para el último mes con datos: --period 2024-03\n");
      expect(r.stderr).toContain("repiten los últimos valores");
      expect(r.stderr).toContain("aviso [MASB_VENTANA_SIN_DATOS] la fuente egresos no tiene renglones en la ventana 2025-06: 1 indicador de flujo sale con estado sin_datos (83b); su último periodo con datos es 2024-03");
      // 83b (discharges, a flow): no discharge in June 2025 is no data, not a 0/0 → sin_datos, at every level
      const b83 = r.stdout.split("\n").filter((l) => l.includes(",83b,"));
      expect(b83.length).toBe(3); // nacional, 12, 18
      // (83b has no target in the catalog: the meta column is empty; valor_crudo last, empty)
      for (const l of b83) expect(l.endsWith(",porcentaje,,,,,,sin_dato,sin_datos,")).toBe(true);
      // 22 (units in operation per 10 000 people, two stocks) carries March 2024 forward:
      // 49 units in operation / 445 492 people of the responsibility population (fixtures/README.md) × 10 000 = 1.0999… → 1.10
      expect(r.stdout).toContain("2025-06,nacional,,,,,22,Densidad de establecimientos de salud por 10 000 personas de la población de responsabilidad,por_10000,49,445492,1.10,");
      expect(r.stdout.split("\n").find((l) => l.startsWith("2025-06,nacional,,,,,22,"))!.endsWith(",ok,")).toBe(true);
    },
  },
  {
    name: "compute --period within the data gives no such warning",
    run: () => runCli(["compute", demo, "--period", "2024-02", "--only", "83b", "--format", "csv", "--rechazos", join(fresh("dentro"), "r.csv")]),
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain("posterior al último mes");
    },
  },
];

// ---------------------------------------------------------------- catalog

/** Catalog faults, from tests/fixtures/catalogos-malos: each folder's esperado.json has the code and position, worked out by hand. */
const CATALOG_CASES = ["yaml_alias_bomba", "yaml_proto", "clave_constructor", "yaml_anidado", "expr_anidada", "yaml_sangria", "yaml_comillas", "yaml_sintaxis"];

const bigCatalog = () => {
  const dir = fresh("grande");
  // 2 + 1 048 576 characters: two more than the 1 MiB a catalog file may have
  writeFileSync(join(dir, "grande.yaml"), `# ${"x".repeat(1024 * 1024)}`);
  return dir;
};

const catalogFaults: Fault[] = [
  ...CATALOG_CASES.map((name): Fault => ({
    name: `validate on the catalog '${name}' names the problem with file:line:column, exit 1`,
    run: () => runCli(["validate", caseDir(name), "--format", "github"]),
    check: (r) => {
      const want = esperado(name).problemas[0];
      expect(r.code).toBe(1);
      // the temporary catalog folder is outside the working directory: its paths are shown whole
      expect(r.stdout).toContain(`/${want.file},line=${want.line},col=${want.column}::[${want.code}]`);
    },
  })),
  {
    name: "compute with a catalog holding a YAML alias bomb stops at the catalog with its position, exit 1",
    run: beforeReading(() => runCli(["compute", demo, "--catalog", caseDir("yaml_alias_bomba"), "--format", "csv"])),
    check: (r) => {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error \[MASB_YAML_ALIAS\] \S*indicador\.yaml:2:8: /);
    },
  },
  {
    name: "validate on a catalog file over 1 MiB reports it at 1:1 without parsing it, exit 1",
    run: () => runCli(["validate", bigCatalog(), "--format", "github"]),
    check: (r) => {
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("/grande.yaml,line=1,col=1::[MASB_YAML_LIMITE]");
    },
  },
];

// ---------------------------------------------------------------- the extract (issue 14: no silent loss)

const base = join(malos, "_base");
const BASE_CLUES = "ESTABLECIMIENTO_SALUD_202403.csv";
/** The CLUES catalog of `_base` (two IMB units of Guerrero, CRLF, BOM), its lines edited by `edit`. */
const baseClues = (edit: (lines: string[]) => string[]) => edit(readFileSync(join(base, BASE_CLUES), "utf8").split("\r\n")).join("\r\n");
/** A copy of the demo extract, with some files removed and others written. */
function demoWith(remove: (name: string) => boolean, write: Record<string, string> = {}): string {
  const dir = tempExtract(demo);
  for (const f of readdirSync(dir)) if (remove(f)) rmSync(join(dir, f));
  for (const [f, text] of Object.entries(write)) writeFileSync(join(dir, f), text);
  return dir;
}
const headerOf = (file: string) => readFileSync(join(demo, file), "latin1").split("\n")[0] + "\n";

const extractFaults: Fault[] = [
  {
    name: "a CLUES catalog with its header alone stops the run with MASB_CATALOGO_SIN_RED, exit 1, and writes no results",
    run: () => {
      const dir = tempExtract(base);
      writeFileSync(join(dir, BASE_CLUES), baseClues((l) => [l[0], ""]));
      return runCli(["compute", dir, "--period", "2024-03", "--only", "83b", "--out", join(dir, "r.csv")]).then((r) => ({ ...r, stdout: readdirSync(dir).join(" ") }));
    },
    check: (r) => {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`error [MASB_CATALOGO_SIN_RED] ${BASE_CLUES}: el catálogo CLUES no tiene ninguna unidad de la red (0 renglones leídos, 0 aceptados; ningún renglón cumple «clave_institucion = 'IMB'»)`);
      expect(r.stdout).not.toContain("r.csv");
    },
  },
  {
    name: "a CLUES catalog of another institution only (no IMB unit) stops the run the same way, exit 1",
    run: () => {
      const dir = tempExtract(base);
      writeFileSync(join(dir, BASE_CLUES), baseClues((l) => l.map((x) => x.replace(/^GRIMB(\d+),IMB,/, "GRIMS$1,IMS,"))));
      return runCli(["compute", dir, "--period", "2024-03", "--only", "83b", "--format", "csv", "--rechazos", join(dir, "r.csv")]);
    },
    check: (r) => {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("error [MASB_CATALOGO_SIN_RED] ESTABLECIMIENTO_SALUD_202403.csv: el catálogo CLUES no tiene ninguna unidad de la red (2 renglones leídos, 2 aceptados;");
      expect(r.stdout).toBe("");
    },
  },
  {
    name: "an entidad '1x2' in the CLUES catalog rejects that row (file, line, column, value) and reports no such entidad",
    run: () => {
      const dir = tempExtract(base, join(malos, "clues_entidad_mal"));
      const rech = join(dir, "r.csv");
      return runCli(["compute", dir, "--period", "2024-03", "--only", "83b", "--format", "csv", "--rechazos", rech]).then((r) => ({ ...r, stderr: `${r.stderr}\n${readFileSync(rech, "utf8")}` }));
    },
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/ESTABLECIMIENTO_SALUD_202403\.csv\s+leídos\s+2\s+aceptados\s+1\s+rechazados\s+1/);
      expect(r.stderr).toContain("clues,ESTABLECIMIENTO_SALUD_202403.csv,3,CLAVE DE LA ENTIDAD,1x2,MASB_VALOR_INVALIDO,clave de entidad '1x2' inválida: se esperaba 01 a 32");
      // what is left: GRIMB000001 alone, in Guerrero: nacional, entidad 12, región 12-R01, zona 12-Z01, the unit
      const lines = r.stdout.trim().split("\n").slice(1);
      expect(lines.map((l) => l.split(",").slice(1, 6).join(","))).toEqual([
        "nacional,,,,", "entidad,12,,,", "region,12,12-R01,,", "zona,12,12-R01,12-Z01,", "clues,12,12-R01,12-Z01,GRIMB000001",
      ]);
      expect(r.stdout).not.toContain("1x2");
    },
  },
  {
    name: "an extract without regionalisation says so on stderr (aviso) and the zonas are the jurisdicciones",
    run: () => runCli(["compute", demoWith((f) => f.startsWith("regionalizacion")), "--period", "2024-03", "--only", "83b", "--by", "region", "--format", "csv", "--rechazos", join(fresh("sinreg"), "r.csv")]),
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("aviso [MASB_SIN_REGIONALIZACION] sin regionalización: el extracto no trae la fuente regionalizacion (regionalizacion*.csv); las zonas son las jurisdicciones sanitarias, bajo una sola región «sin regionalización» por entidad (p. ej. 12-SR)");
      // one región per entidad: 12-SR and 18-SR (with the regionalisation: five)
      const regiones = r.stdout.split("\n").filter((l) => l.split(",")[1] === "region").map((l) => l.split(",")[3]);
      expect(regiones).toEqual(["12-SR", "18-SR"]);
    },
  },
  {
    name: "a regionalisation file with its header alone is named, with the same consequence",
    run: () => runCli(["compute", demoWith(() => false, { "regionalizacion_IMB_2024.csv": headerOf("regionalizacion_IMB_2024.csv") }), "--period", "2024-03", "--only", "83b", "--by", "entidad", "--format", "csv", "--rechazos", join(fresh("regvacia"), "r.csv")]),
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("aviso [MASB_SIN_REGIONALIZACION] regionalizacion_IMB_2024.csv: sin regionalización: no tiene renglones (vacío o solo encabezado); las zonas son las jurisdicciones sanitarias");
    },
  },
  {
    name: "a population file with its header alone counts as missing: aviso naming it, and its indicators sin_datos instead of 0/0",
    run: () => runCli(["compute", demoWith(() => false, { "poblacion_responsabilidad_2024.csv": headerOf("poblacion_responsabilidad_2024.csv") }), "--period", "2024-03", "--only", "22", "--by", "entidad", "--format", "csv", "--rechazos", join(fresh("pobvacia"), "r.csv")]),
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("aviso [MASB_FUENTE_SIN_RENGLONES] poblacion_responsabilidad_2024.csv: la fuente poblacion no tiene renglones (vacío o solo encabezado): cuenta como faltante y 1 indicador sale con estado sin_datos (22)");
      const rows = r.stdout.split("\n").filter((l) => l.includes(",22,"));
      expect(rows.length).toBe(3);
      for (const l of rows) expect(l.endsWith(",sin_dato,sin_datos,")).toBe(true);
    },
  },
  {
    name: "an extract without SIS names the missing source and what it does (aviso [MASB_FUENTE_FALTANTE])",
    run: () => runCli(["compute", demoWith((f) => f.startsWith("DA_")), "--period", "2024-03", "--only", "34", "--by", "entidad", "--format", "csv", "--rechazos", join(fresh("sinsis"), "r.csv")]),
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("aviso [MASB_FUENTE_FALTANTE] el extracto no trae la fuente sis (DA_*_SIS_*.csv): 1 indicador sale con estado sin_datos (34)");
    },
  },
  {
    name: "a SIS apartado with its header alone is named: the source has data, that file none",
    run: () => runCli(["compute", demoWith(() => false, { "DA_CE_SIS_2024.csv": headerOf("DA_CE_SIS_2024.csv") }), "--period", "2024-03", "--only", "34", "--by", "entidad", "--format", "csv", "--rechazos", join(fresh("cevacio"), "r.csv")]),
    check: (r) => {
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("aviso [MASB_ARCHIVO_SIN_RENGLONES] DA_CE_SIS_2024.csv: el archivo no tiene renglones (solo encabezado): no aporta datos a la fuente sis");
    },
  },
  {
    name: "a symlink loop, a dangling link and a folder in the extract are skipped, each named, and the run goes on (exit 0)",
    run: () => {
      const dir = tempExtract(base, join(malos, "numero_mal"));
      symlinkSync("poblacion_ciclo.csv", join(dir, "poblacion_ciclo.csv"));
      symlinkSync(join(dir, "no-existe", "EGRESOS_2023.txt"), join(dir, "EGRESOS_2023.txt"));
      mkdirSync(join(dir, "2023"));
      return runCli(["compute", dir, "--period", "2024-03", "--only", "83b", "--format", "csv", "--rechazos", join(fresh("enlaces"), "r.csv")]).then((r) => ({ ...r, stdout: `${dir}\n${r.stdout}` }));
    },
    check: (r) => {
      const dir = r.stdout.split("\n")[0];
      expect(r.code).toBe(0);
      expect(r.stderr).toContain("aviso [MASB_ARCHIVO_OMITIDO] poblacion_ciclo.csv: es un enlace simbólico que forma un ciclo (ELOOP); no se lee");
      expect(r.stderr).toContain(`aviso [MASB_ARCHIVO_OMITIDO] EGRESOS_2023.txt: es un enlace simbólico roto: apunta a '${join(dir, "no-existe", "EGRESOS_2023.txt")}', que no existe; no se lee`);
      expect(r.stderr).toContain("aviso [MASB_ARCHIVO_OMITIDO] 2023: es una carpeta; masb no lee subcarpetas del extracto; no se lee");
      // the readable files were read: numero_mal's 3 discharges, one rejected
      expect(r.stderr).toMatch(/EGRESOS_2024\.txt\s+leídos\s+3\s+aceptados\s+2\s+rechazados\s+1/);
    },
  },
  {
    name: "explain --unit on a closed unit with no row says why it has no result, instead of pointing at itself",
    run: () => runCli(["explain", "83b", "--data", demo, "--period", "2024-03", "--unit", "NTIMB002501"]),
    check: (r) => {
      expect(r.code).toBe(0);
      // fixtures/README.md: NTIMB002501 is FUERA DE OPERACION since 30/11/2023, with no row in any file
      expect(r.stdout).toContain("unidad NTIMB002501 está fuera de operación (baja en 2023-11) y no tiene renglones propios en la ventana de 83b: no se reporta en este indicador.");
      expect(r.stdout).not.toContain("Vea el resultado de unidad NTIMB002501");
    },
  },
  {
    name: "compute --resumen into a folder that does not exist is a usage error before reading",
    run: beforeReading(() => runCli(["compute", demo, "--format", "csv", "--resumen", join(missingFolder, "no-hay", "resumen.json")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_CARPETA_NO_EXISTE] --resumen ");
      expect(r.stdout).toBe("");
    },
  },
  {
    name: "report --resumen into a folder that does not exist is a usage error before reading",
    run: beforeReading(() => runCli(["report", demo, "--html", join(missingFolder, "t.html"), "--resumen", join(missingFolder, "no-hay", "resumen.json")])),
    check: (r) => {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("error [MASB_CARPETA_NO_EXISTE] --resumen ");
    },
  },
];

const FAULTS = [...outputFaults, ...periodFaults, ...catalogFaults, ...extractFaults];

describe("the fault battery: each fault ends in a named MASB_ problem and the right exit code", () => {
  for (const f of FAULTS) {
    it(f.name, async () => {
      await f.check(await runOf(f));
    });
  }

  it("prints every problem that does not stop the run in one format, `aviso [MASB_…] …`, in all of its cases", async () => {
    for (const f of FAULTS) {
      const r = await runOf(f);
      for (const line of r.stderr.split("\n").filter((l) => /^aviso\b/.test(l))) expect(line, f.name).toMatch(/^aviso \[MASB_[A-Z0-9_]+\] \S/);
    }
  });

  it("never says 'error interno' nor prints a stack trace, in any of its cases", async () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(36);
    for (const f of FAULTS) {
      const r = await runOf(f);
      expect(r.crashed ?? false, f.name).toBe(false);
      for (const text of [r.stdout, r.stderr]) {
        expect(text, f.name).not.toContain("error interno");
        expect(text, f.name).not.toContain("    at ");
      }
    }
  });
});

// ---------------------------------------------------------------- files written whole, or not at all

describe("output files are written whole under a temporary name and renamed at the end", () => {
  it("never shows the results or the rejections under their names before they are complete", async () => {
    const dir = fresh("atomico");
    const names = ["x.csv", "x.rechazos.csv"];
    // What each name held whenever it was seen during the run, and how often a temporary file was.
    const seen = new Map<string, Set<string>>(names.map((n) => [n, new Set()]));
    let temps = 0;
    const poll = setInterval(() => {
      for (const f of readdirSync(dir)) {
        if (seen.has(f)) seen.get(f)!.add(readFileSync(join(dir, f), "utf8"));
        else if (f.endsWith(".tmp")) temps++;
      }
    }, 1);
    let r: Run;
    try {
      r = await runCli(["compute", demo, "--out", join(dir, "x.csv")]);
    } finally {
      clearInterval(poll);
    }
    expect(r.code).toBe(0);
    expect(temps).toBeGreaterThan(0);
    // Whenever a name was there, it held the whole file, never a part of it.
    for (const n of names) for (const text of seen.get(n)!) expect(text === readFileSync(join(dir, n), "utf8"), n).toBe(true);
    // Once complete: both files under their names, no temporary file left.
    expect(readdirSync(dir).sort()).toEqual(["x.csv", "x.rechazos.csv"]);
  });

  it("leaves the previous results as they were, and no file of its own, when a run fails (--strict)", async () => {
    const dir = tempExtract(join(malos, "_base"), join(malos, "numero_mal"));
    const out = join(dir, "resultados");
    mkdirSync(out);
    writeFileSync(join(out, "r.csv"), "de la corrida anterior\n");
    const r = await runCli(["compute", dir, "--period", "2024-03", "--strict", "--out", join(out, "r.csv")]);
    expect(r.code).toBe(1);
    expect(readdirSync(out)).toEqual(["r.csv"]);
    expect(readFileSync(join(out, "r.csv"), "utf8")).toBe("de la corrida anterior\n");
  });

  it("replaces a rejections file of an earlier run by the header alone when this run rejects nothing", async () => {
    // _base alone (the CLUES catalog and the regionalisation, two rows each) rejects no row
    const dir = tempExtract(join(malos, "_base"));
    const out = fresh("sin-rechazos");
    writeFileSync(join(out, "r.rechazos.csv"), "fuente,archivo,linea,columna,valor,codigo,motivo,renglon_original\negresos,E.txt,2,,,MASB_X,viejo,\n");
    const r = await runCli(["compute", dir, "--period", "2024-03", "--out", join(out, "r.csv")]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "r.rechazos.csv"), "utf8")).toBe("fuente,archivo,linea,columna,valor,codigo,motivo,renglon_original\n");
    // and none is created where there was none
    const other = fresh("sin-rechazos-2");
    expect((await runCli(["compute", dir, "--period", "2024-03", "--out", join(other, "r.csv")])).code).toBe(0);
    expect(readdirSync(other)).toEqual(["r.csv"]);
  });

  it("keeps the old file and removes the temporary one when a write fails (a full disk)", async () => {
    const dir = fresh("lleno");
    const path = join(dir, "r.csv");
    writeFileSync(path, "anterior\n");
    const file = new AtomicFile(path);
    const stream = await file.open();
    stream.write("nuevo, a medias\n");
    stream.destroy(Object.assign(new Error("write ENOSPC"), { code: "ENOSPC" }));
    const failure = await file.commit().then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(MasbError);
    expect((failure as MasbError).code).toBe("MASB_ESCRITURA");
    expect((failure as MasbError).message).toBe("no se pudo escribir: no queda espacio en el disco");
    expect(readdirSync(dir)).toEqual(["r.csv"]);
    expect(readFileSync(path, "utf8")).toBe("anterior\n");
  });
});

// ---------------------------------------------------------------- a real pipe

describe("a real process writing into a pipe that closes", () => {
  it("ends with exit 0 and nothing on stderr but its own lines when the reader stops after two lines", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "masb-cli.ts"), "compute", demo, "--format", "csv", "--rechazos", join(fresh("tubo"), "r.csv")], {
      cwd: root, stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += String(d)));
    let lines = 0;
    child.stdout.on("data", (d: Buffer) => {
      lines += String(d).split("\n").length - 1;
      // `head -2`: read two lines, then go away
      if (lines >= 2) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((res) => child.on("close", res));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|error|    at /);
  });
});

// ---------------------------------------------------------------- the library

describe("the library refuses a bad period before it reads anything", () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await loadCatalog(join(root, "indicators"));
  });

  it("compute on a directory throws MASB_PERIODO_INVALIDO with no file opened", async () => {
    const before = opens();
    const e = await compute(catalog, demo, { period: "2024-13" }).then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(MasbError);
    expect((e as MasbError).code).toBe("MASB_PERIODO_INVALIDO");
    expect(opens() - before).toBe(0);
  });

  it("compute on in-memory rows throws MASB_PERIODO_INVALIDO without asking for a row", async () => {
    let asked = 0;
    const rows = { egresos: { [Symbol.iterator]: () => { asked++; return [][Symbol.iterator](); } } };
    const small = await loadCatalogTexts(Object.fromEntries(
      ["sources/egresos.yaml", "sources/clues.yaml", "salida/83b.yaml"].map((p) => [p, readFileSync(join(root, "indicators", p), "utf8")]),
    ));
    const e = await computeCore(small, rows as never, { period: "2024-00" }).then(() => null, (x: unknown) => x);
    expect((e as MasbError).code).toBe("MASB_PERIODO_INVALIDO");
    expect(asked).toBe(0);
  });

  it("drillDown (masb explain --data) throws MASB_PERIODO_INVALIDO with no file opened", async () => {
    const { extract } = await openExtract(demo, catalog);
    const before = opens();
    const e = await drillDown(catalog, extract, "83b", "nacional", { period: "2024-13" }).then(() => null, (x: unknown) => x);
    expect((e as MasbError).code).toBe("MASB_PERIODO_INVALIDO");
    expect(opens() - before).toBe(0);
  });

  it("validateCatalog reports a file over 1 MiB as MASB_YAML_LIMITE at 1:1", async () => {
    const { problems } = await validateCatalog([{ path: "grande.yaml", text: `# ${"x".repeat(1024 * 1024)}` }]);
    expect(problems.map(({ code, file, line, column }) => ({ code, file, line, column }))).toEqual([
      { code: "MASB_YAML_LIMITE", file: "grande.yaml", line: 1, column: 1 },
    ]);
  });
});

// ---------------------------------------------------------------- closed units (README, Bad input)

describe("a unit out of operation with no row of its own in the window is not reported; its rows count", () => {
  let catalog: Catalog;
  beforeAll(async () => {
    catalog = await loadCatalog(join(root, "indicators"));
  });
  const U1 = "GRIMB000001", U3 = "GRIMB000003", U4 = "GRIMB000004", U5 = "GRIMB000005";
  // every row carries the column (in-memory rows take their columns from the first one)
  const fuera = (baja = "") => ({ "ESTATUS DE OPERACION": "FUERA DE OPERACION", "FECHA EFECTIVA DE BAJA": baja });
  let id = 0;
  const egreso = (clues: string, fecha: string, motegre: string) => ({ ID: ++id, CLUES: clues, EGRESO: fecha, INGRE: fecha, DIAS_ESTA: 1, CVEEDAD: 5, EDAD: 40, SEXO: 2, MOTEGRE: motegre, AFECPRIN: "O800" });
  const input = () => ({
    clues: [unidad(U1, "12", { "FECHA EFECTIVA DE BAJA": "" }), unidad(U3, "12", fuera("15/01/2024")), unidad(U4, "12", fuera("15/06/2024")), unidad(U5, "12", fuera())],
    // U1: two discharges in March, one a death; U3 (closed on 15 January 2024): three in January, one a death
    egresos: [egreso(U1, "2024-03-05", "5"), egreso(U1, "2024-03-06", "1"), egreso(U3, "2024-01-10", "5"), egreso(U3, "2024-01-11", "1"), egreso(U3, "2024-01-12", "1")],
  });
  const units = (rows: { nivel: string; clues: string }[]) => rows.filter((r) => r.nivel === "clues").map((r) => r.clues);

  it("in March: the unit closed in January (no March row) and the one closed on no known date are left out; the one that closes in June is reported", async () => {
    const r = await computeCore(catalog, input() as never, { only: ["83b"], period: "2024-03" });
    expect(units(r.rows)).toEqual([U1, U4]);
    // nacional: U1's March alone, 1 death / 2 discharges × 100 = 50.00
    expect(r.rows.find((x) => x.nivel === "nacional")).toMatchObject({ numerador: "1", denominador: "2", valor: "50.00", estado: "ok" });
    // U4 is open in March (its closing date is in June): reported, with nothing to divide
    expect(r.rows.find((x) => x.clues === U4)).toMatchObject({ numerador: "0", denominador: "0", estado: "sin_denominador" });
    expect(r.avisos.find((a) => a.code === "MASB_UNIDADES_CERRADAS")?.message).toContain(`(${U3}, ${U5})`);
  });

  it("over January–March: the closed unit has rows of its own, so it is reported and its rows count up the hierarchy", async () => {
    const r = await computeCore(catalog, input() as never, { only: ["83b"], period: "2024-03", ventana: "acumulado_anual" });
    expect(units(r.rows)).toEqual([U1, U3, U4]);
    // U3: 1 death / 3 discharges × 100 = 33.33; nacional: (1 + 1) / (2 + 3) × 100 = 40.00
    expect(r.rows.find((x) => x.clues === U3)).toMatchObject({ numerador: "1", denominador: "3", valor: "33.33" });
    expect(r.rows.find((x) => x.nivel === "nacional")).toMatchObject({ numerador: "2", denominador: "5", valor: "40.00" });
    expect(r.avisos.find((a) => a.code === "MASB_UNIDADES_CERRADAS")?.message).toContain(`(${U5})`);
  });
});

// ---------------------------------------------------------------- periods (README, Periods, windows and annualisation)

describe("an annual flow is counted for the year of the window's last month, never two whole years", () => {
  let catalog: Catalog;
  beforeAll(async () => {
    const read = (p: string) => readFileSync(join(root, "indicators", p), "utf8");
    catalog = await loadCatalogTexts({
      "sources/clues.yaml": read("sources/clues.yaml"),
      "sources/gasto_anual.yaml": [
        "fuente: gasto_anual",
        "archivos: [\"gasto_anual*.csv\"]",
        "grano: agregado",
        "universo: red",
        "periodo: { anio: anio }",
        "unico: [clues]",
        "columnas:",
        "  - { nombre: clues, tipo: texto, original: CLUES }",
        "  - { nombre: anio, tipo: entero, original: ANIO }",
        "  - { nombre: monto, tipo: entero, original: MONTO }",
      ].join("\n"),
      "estructura/X1.yaml": [
        "id: X1",
        "nombre: Gasto del año",
        "dimension: estructura",
        "componentes: [C3]",
        "fases: [1]",
        "unidad: conteo",
        "universo: red",
        "decimales: 0",
        "ventana: 12_meses",
        "sentido: mayor_es_mejor",
        "numerador: { origen: gasto_anual, agregado: suma, valor: monto }",
        "fuente: prueba",
        "metodo: prueba",
      ].join("\n"),
    });
  });
  const U1 = "GRIMB000001", U2 = "GRIMB000002";
  // U1 spent 100 in 2023 and 40 in 2024; U2 has 7 in 2023 and no 2024 row
  const input = () => ({
    clues: [unidad(U1, "12"), unidad(U2, "12")],
    gasto_anual: [{ CLUES: U1, ANIO: 2023, MONTO: 100 }, { CLUES: U1, ANIO: 2024, MONTO: 40 }, { CLUES: U2, ANIO: 2023, MONTO: 7 }],
  });
  const at = async (period: string, ventana?: "mes") => {
    const r = await computeCore(catalog, input() as never, { period, ventana });
    return Object.fromEntries(r.rows.filter((x) => x.nivel === "nacional" || x.nivel === "clues").map((x) => [x.nivel === "nacional" ? "nacional" : x.clues, `${x.valor ?? "-"} ${x.estado}`]));
  };

  it("the 12 months ending in March 2024 take 2024's figures: 40, not 100 + 40 + 7 = 147", async () => {
    expect(await at("2024-03")).toEqual({ nacional: "40 ok", [U1]: "40 ok", [U2]: "0 ok" });
  });

  it("the 12 months ending in December 2023 take 2023's: 100 + 7 = 107", async () => {
    expect(await at("2023-12")).toEqual({ nacional: "107 ok", [U1]: "100 ok", [U2]: "7 ok" });
  });

  it("a month takes its year's figure whole (the flow is the year's, whatever the window)", async () => {
    expect(await at("2024-03", "mes")).toEqual({ nacional: "40 ok", [U1]: "40 ok", [U2]: "0 ok" });
  });

  it("a window ending in a year without rows (2025) has no data: sin_datos, not 2024 carried forward", async () => {
    expect(await at("2025-02")).toEqual({ nacional: "- sin_datos", [U1]: "- sin_datos", [U2]: "- sin_datos" });
  });
});

describe("a monthly flow without rows in a month inside the span its source covers counts zero events; past its last month, no data", () => {
  let catalog: Catalog;
  beforeAll(async () => {
    const read = (p: string) => readFileSync(join(root, "indicators", p), "utf8");
    catalog = await loadCatalogTexts({
      "sources/clues.yaml": read("sources/clues.yaml"),
      "sources/brotes.yaml": [
        "fuente: brotes",
        "archivos: [\"brotes*.csv\"]",
        "grano: registro",
        "universo: red",
        "periodo: { fecha: fecha }",
        "columnas:",
        "  - { nombre: clues, tipo: texto, original: CLUES }",
        "  - { nombre: fecha, tipo: fecha, formato: aaaa-mm-dd, original: FECHA }",
      ].join("\n"),
      "proceso/X2.yaml": [
        "id: X2",
        "nombre: Brotes notificados",
        "dimension: proceso",
        "componentes: [C1]",
        "fases: [2]",
        "unidad: conteo",
        "universo: red",
        "decimales: 0",
        "sentido: menor_es_mejor",
        "numerador: { origen: brotes, agregado: conteo }",
        "fuente: prueba",
        "metodo: prueba",
      ].join("\n"),
    });
  });
  const U1 = "GRIMB000001";
  // outbreaks notified in January (2) and March 2024 (1); none in February
  const input = () => ({
    clues: [unidad(U1, "12")],
    brotes: [{ CLUES: U1, FECHA: "2024-01-10" }, { CLUES: U1, FECHA: "2024-01-20" }, { CLUES: U1, FECHA: "2024-03-05" }],
  });
  const nacional = async (period: string) => {
    const r = await computeCore(catalog, input() as never, { period });
    const row = r.rows.find((x) => x.nivel === "nacional")!;
    return `${row.valor ?? "-"} ${row.estado}`;
  };

  it("February, between January and March: no outbreak is 0, ok", async () => {
    expect(await nacional("2024-02")).toBe("0 ok");
  });

  it("March: 1", async () => {
    expect(await nacional("2024-03")).toBe("1 ok");
  });

  it("April, after the source's last month: no data, sin_datos", async () => {
    expect(await nacional("2024-04")).toBe("- sin_datos");
  });
});

// ---------------------------------------------------------------- the run summary (README, Output: --resumen)

describe("--resumen writes the run summary as JSON, and the same warnings reach the library result and the tablero", () => {
  /** `_base` (two units of zona 12-Z01), numero_mal's discharges (3 read, 1 rejected) and a file no source claims. */
  const extract = () => {
    const dir = tempExtract(base, join(malos, "numero_mal"));
    writeFileSync(join(dir, "notas.txt"), "apuntes\n");
    return dir;
  };
  const avisosEsperados = [
    { codigo: "MASB_ARCHIVO_NO_RECONOCIDO", fuente: null, archivo: "notas.txt", linea: null, mensaje: "ningún esquema de fuente reconoce este archivo; no se lee" },
    { codigo: "MASB_FUENTE_FALTANTE", fuente: "poblacion", archivo: null, linea: null, mensaje: "el extracto no trae la fuente poblacion (poblacion*.csv): 1 indicador sale con estado sin_datos (22)" },
  ];
  const filesEsperados = [
    { fuente: "regionalizacion", archivo: "regionalizacion_IMB_2024.csv", leidos: 2, aceptados: 2, rechazados: 0, fueraDeAlcance: {} },
    { fuente: "clues", archivo: "ESTABLECIMIENTO_SALUD_202403.csv", leidos: 2, aceptados: 2, rechazados: 0, fueraDeAlcance: {} },
    { fuente: "egresos", archivo: "EGRESOS_2024.txt", leidos: 3, aceptados: 2, rechazados: 1, fueraDeAlcance: {} },
  ];

  it("compute: every field of the contract, worked out by hand", async () => {
    const dir = extract();
    const out = fresh("resumen");
    const paths = { resultados: join(out, "r.csv"), rechazos: join(out, "r.rechazos.csv"), resumen: join(out, "resumen.json") };
    const r = await runCli(["compute", dir, "--period", "2024-03", "--only", "83b,22", "--out", paths.resultados, "--resumen", paths.resumen]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["r.csv", "r.rechazos.csv", "resumen.json"]);
    expect(JSON.parse(readFileSync(paths.resumen, "utf8"))).toEqual({
      version: 1,
      comando: "compute",
      extracto: dir,
      periodo: "2024-03",
      ultimoMesConDatos: "2024-03",
      // 83b and 22 are both monthly
      ventanas: [{ ventana: "mes", periodo: "2024-03", desde: "2024-03", hasta: "2024-03", indicadores: 2 }],
      indicadores: 2,
      // 83b: nacional, entidad 12, región 12-R01, zona 12-Z01 and the two units = 6; 22 (from the zona up) = 4
      resultados: 10,
      totales: { archivos: 3, leidos: 7, aceptados: 6, rechazados: 1, fueraDeAlcance: {} },
      archivos: filesEsperados,
      rechazos: [{ fuente: "egresos", codigo: "MASB_VALOR_INVALIDO", renglones: 1 }],
      avisos: avisosEsperados,
      problemas: [],
      fuentesFaltantes: ["poblacion"],
      salidas: paths,
      codigoSalida: 0,
    });
    // and on stderr, in the one format of the CLI
    expect(r.stderr).toContain("aviso [MASB_ARCHIVO_NO_RECONOCIDO] notas.txt: ningún esquema de fuente reconoce este archivo; no se lee");
    expect(r.stderr).toContain(`aviso [MASB_FUENTE_FALTANTE] ${avisosEsperados[1].mensaje}`);
  });

  it("report: the same summary, and the tablero's data-quality section lists the same warnings", async () => {
    const dir = extract();
    const out = fresh("resumen-report");
    const r = await runCli(["report", dir, "--period", "2024-03", "--only", "83b,22", "--html", join(out, "t.html"), "--resumen", join(out, "resumen.json")]);
    expect(r.code).toBe(0);
    const resumen = JSON.parse(readFileSync(join(out, "resumen.json"), "utf8"));
    expect(resumen).toMatchObject({ comando: "report", periodo: "2024-03", archivos: filesEsperados, avisos: avisosEsperados, salidas: { tablero: join(out, "t.html"), resumen: join(out, "resumen.json") } });
    // down to the zona: 83b and 22 at nacional, entidad 12, región 12-R01, zona 12-Z01
    expect(resumen.resultados).toBe(8);
    const html = readFileSync(join(out, "t.html"), "utf8");
    const list = /<ul id="lista-avisos">(.*?)<\/ul>/.exec(html)?.[1] ?? "";
    expect(list).toContain("<code>MASB_ARCHIVO_NO_RECONOCIDO</code> notas.txt: ningún esquema de fuente reconoce este archivo; no se lee");
    expect(list).toContain("<code>MASB_FUENTE_FALTANTE</code> el extracto no trae la fuente poblacion");
  });

  it("the library returns the same warnings, typed, on the compute result (and prints nothing)", async () => {
    const catalog = await loadCatalog(join(root, "indicators"));
    const result = await compute(catalog, extract(), { period: "2024-03", only: ["83b", "22"] });
    expect(result.avisos.map((a) => ({ code: a.code, severity: a.severity, file: a.file, source: a.source }))).toEqual([
      { code: "MASB_ARCHIVO_NO_RECONOCIDO", severity: "aviso", file: "notas.txt", source: undefined },
      { code: "MASB_FUENTE_FALTANTE", severity: "aviso", file: undefined, source: "poblacion" },
    ]);
  });
});

describe("rows handed to the library as objects lose nothing unsaid", () => {
  it("an object with a key the first object lacks is rejected with that key named, not trimmed to the first one's columns", async () => {
    const catalog = await loadCatalog(join(root, "indicators"));
    const rejected: { code: string; reason: string; column?: string; line: number }[] = [];
    const r = await computeCore(catalog, {
      clues: [unidad("GRIMB000001", "12"), unidad("GRIMB000003", "12", { "ESTATUS DE OPERACION": "FUERA DE OPERACION", "FECHA EFECTIVA DE BAJA": "15/01/2024" })],
    } as never, { only: ["22"], period: "2024-03", onReject: (x) => rejected.push(x) });
    expect(r.files.find((f) => f.source === "clues")).toMatchObject({ read: 2, accepted: 1, rejected: 1 });
    // line 1 is the first object's keys (the header), so the second object is line 3
    expect(rejected).toEqual([expect.objectContaining({
      code: "MASB_CSV_NUM_CAMPOS", line: 3, column: "FECHA EFECTIVA DE BAJA",
      reason: "el objeto trae 'FECHA EFECTIVA DE BAJA', que el primer objeto no trae (sus claves son las columnas)",
    })]);
  });
});
