import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
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
    name: "compute --period after the last month with data (2025-06 on January–March 2024) warns on stderr, exit 0",
    run: () => runCli(["compute", demo, "--period", "2025-06", "--only", "83b", "--format", "csv", "--rechazos", join(fresh("futuro"), "r.csv")]),
    check: (r) => {
      expect(r.code).toBe(0);
      // fixtures/README.md: the demo extract covers January–March 2024
      expect(r.stderr).toContain("aviso: el periodo 2025-06 es posterior al último mes con datos del extracto (2024-03)");
      expect(r.stderr).toContain("repiten los últimos valores");
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
      expect(r.stderr).toContain("indicador.yaml:2:8: error [MASB_YAML_ALIAS]");
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

const FAULTS = [...outputFaults, ...periodFaults, ...catalogFaults];

describe("the fault battery: each fault ends in a named MASB_ problem and the right exit code", () => {
  for (const f of FAULTS) {
    it(f.name, async () => {
      await f.check(await runOf(f));
    });
  }

  it("never says 'error interno' nor prints a stack trace, in any of its cases", async () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(25);
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
    const problems = await validateCatalog([{ path: "grande.yaml", text: `# ${"x".repeat(1024 * 1024)}` }]);
    expect(problems.map(({ code, file, line, column }) => ({ code, file, line, column }))).toEqual([
      { code: "MASB_YAML_LIMITE", file: "grande.yaml", line: 1, column: 1 },
    ]);
  });
});
