/** `masb compute --ic` and `--suprimir`: the extra columns in CSV and the usage error. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers.js";

const demo = join(__dirname, "..", "..", "fixtures", "demo");

describe("masb compute with methods", () => {
  it("puts valor_crudo and the confidence bounds after the sixteen columns", async () => {
    const { code, stdout } = await runCli(["compute", demo, "--only", "140,140-e", "--by", "entidad", "--ic", "--format", "csv"]);
    expect(code).toBe(0);
    const [head, ...rows] = stdout.trim().split("\n");
    expect(head).toBe("periodo,nivel,entidad,region,zona,clues,indicador,nombre,unidad,numerador,denominador,valor,meta,logro,semaforo,estado,valor_crudo,ic_inferior,ic_superior");
    const nacional = rows.find((r) => r.includes(",140-e,") && r.includes(",nacional,"))!;
    const cells = nacional.split(",");
    const [valor, crudo, lo, hi] = [cells[cells.length - 8], ...cells.slice(-3)].map(Number);
    expect(lo).toBeLessThan(valor);
    expect(hi).toBeGreaterThan(valor);
    // valor_crudo of 140-e is the value of 140 at the same node.
    const base = rows.find((r) => r.includes(",140,") && r.includes(",nacional,"))!.split(",");
    expect(crudo).toBe(Number(base[11]));
  });

  it("writes the sixteen columns and valor_crudo without the options, valor_crudo empty on an indicator not standardised", async () => {
    const { stdout } = await runCli(["compute", demo, "--only", "129", "--by", "entidad", "--format", "csv"]);
    const [head, first] = stdout.split("\n");
    expect(head.split(",")).toHaveLength(17);
    expect(head.endsWith(",estado,valor_crudo")).toBe(true);
    expect(first.endsWith(",")).toBe(true);
  });

  it("blanks unstable values with --suprimir", async () => {
    // 139 (unintentional poisoning): 3 deaths in the 12 months, fewer than 20 → inestable.
    const { stdout } = await runCli(["compute", demo, "--only", "139", "--by", "entidad", "--suprimir", "--format", "json"]);
    const rows = JSON.parse(stdout) as { nivel: string; valor: number | null; estado: string }[];
    for (const r of rows.filter((x) => x.estado === "inestable")) expect(r.valor).toBeNull();
    expect(rows.some((r) => r.estado === "inestable")).toBe(true);
  });

  it("refuses a confidence level that is not one", async () => {
    const { code, stderr } = await runCli(["compute", demo, "--only", "140", "--ic", "150"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--ic");
  });
});
