import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * Packs the package as npm would publish it, installs the tarball into a fresh project and
 * uses it from ESM, CommonJS and type-checked TypeScript, computing one indicator from
 * in-memory rows: what a service sees, not what the repository sees.
 */
const root = join(__dirname, "..", "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
let project: string;

const clues = `[
  { CLUES: "GRIMB000001", "CLAVE DE LA INSTITUCION": "IMB", "CLAVE DE LA ENTIDAD": "12", ENTIDAD: "GUERRERO", "CLAVE DEL MUNICIPIO": "001",
    "CLAVE DE LA JURISDICCION": "07", JURISDICCION: "ACAPULCO", "NOMBRE DE LA UNIDAD": "HOSPITAL", "ESTATUS DE OPERACION": "EN OPERACION",
    "NIVEL ATENCION": "SEGUNDO NIVEL", "CAMAS EN AREA DE HOS": "40" },
]`;
const egresos = `[1, 5, 2, 1, 5].map((m, i) => ({ ID: i + 1, CLUES: "GRIMB000001", EGRESO: "2024-03-10", INGRE: "2024-03-08", DIAS_ESTA: 2, CVEEDAD: 5, EDAD: 40, SEXO: 2, MOTEGRE: String(m), AFECPRIN: "O800" }))`;
// 2 deaths (MOTEGRE 5) in 5 discharges: 2 / 5 × 100 = 40.00 %
const expected = "83b 2/5 40.00";

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "masb-pack-"));
  const packDir = join(project, "pack");
  mkdirSync(packDir);
  // The tarball packs dist/ as built by `npm run build` (CI builds before testing).
  execFileSync(npm, ["pack", "--pack-destination", packDir], { cwd: root, stdio: "ignore" });
  const tgz = readdirSync(packDir).find((f) => f.endsWith(".tgz"))!;
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "servicio", version: "1.0.0", private: true }));
  execFileSync(npm, ["install", "--no-audit", "--no-fund", "--ignore-scripts", join(packDir, tgz)], { cwd: project, stdio: "ignore" });
}, 240_000);

const run = (file: string) => execFileSync(process.execPath, [file], { cwd: project, encoding: "utf8" }).trim();

describe("the published package", () => {
  it("imports from ESM and computes from in-memory rows", () => {
    writeFileSync(join(project, "uso.mjs"), `
import { compute, loadCatalog } from "masb";
const catalog = await loadCatalog();
const { rows } = await compute(catalog, { clues: ${clues}, egresos: ${egresos} }, { only: ["83b"], period: "2024-03" });
const n = rows.find((r) => r.nivel === "nacional");
console.log(\`\${n.indicador} \${n.numerador}/\${n.denominador} \${n.valor}\`);
`);
    expect(run("uso.mjs")).toBe(expected);
  });

  it("requires from CommonJS and computes the same", () => {
    writeFileSync(join(project, "uso.cjs"), `
const { compute, loadCatalog } = require("masb");
loadCatalog().then((catalog) => compute(catalog, { clues: ${clues}, egresos: ${egresos} }, { only: ["83b"], period: "2024-03" })).then(({ rows }) => {
  const n = rows.find((r) => r.nivel === "nacional");
  console.log(\`\${n.indicador} \${n.numerador}/\${n.denominador} \${n.valor}\`);
});
`);
    expect(run("uso.cjs")).toBe(expected);
  });

  it("offers the browser-safe core as masb/core", () => {
    writeFileSync(join(project, "core.mjs"), `
import * as core from "masb/core";
console.log(typeof core.compute, typeof core.validateCatalog, "openExtract" in core);
`);
    expect(run("core.mjs")).toBe("function function false");
  });

  it("offers the methods as masb/metodos, and not in the main entry", () => {
    writeFileSync(join(project, "metodos.mjs"), `
import { poissonExactCI } from "masb/metodos";
import * as masb from "masb";
console.log(poissonExactCI(0).upper.toFixed(4), "poissonExactCI" in masb, "gammaQuantile" in masb);
`);
    // no event: the exact 95 % upper bound is −ln(0.025) = 3.68888, and the lower is 0
    expect(run("metodos.mjs")).toBe("3.6889 false false");
  });

  it("type-checks a TypeScript file that uses the typed API", () => {
    writeFileSync(join(project, "uso.ts"), `
import { compute, FileError, loadCatalog, MasbError, type ComputeResult, type ResultRow } from "masb";
import { validateCatalog, type Catalog } from "masb/core";
import { lifeTable, type LifeTableRow } from "masb/metodos";
export async function run(): Promise<ResultRow | undefined> {
  const catalog: Catalog = await loadCatalog();
  const checked = await validateCatalog([]);
  const n: number = checked.problems.length;
  const table: LifeTableRow[] | null = lifeTable([], [], []);
  try {
    const result: ComputeResult = await compute(catalog, { clues: ${clues} }, { only: ["A"], period: "2024-03" });
    // @ts-expect-error the partial sums and the plan are not part of the result
    void result.stores;
    const crudo: string | null = result.rows[0].valor_crudo;
    return result.rows.find((r) => r.nivel === "nacional" && n >= 0 && table === null && crudo === null);
  } catch (e) {
    if (e instanceof FileError) console.log(e.details.problems?.length);
    if (e instanceof MasbError) console.log(e.code, e.details.file);
    return undefined;
  }
}
`);
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: false, types: [] },
      files: ["uso.ts"],
    }));
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    expect(() => execFileSync(process.execPath, [tsc, "-p", project], { encoding: "utf8" })).not.toThrow();
  });
});
