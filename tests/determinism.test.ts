import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers.js";

const demo = join(__dirname, "..", "fixtures", "demo");

describe("output", () => {
  it.each(["csv", "json", "ndjson", "table"])("is byte-identical across two runs in %s", async (format) => {
    const dir = mkdtempSync(join(tmpdir(), "masb-det-"));
    const a = await runCli(["compute", demo, "--format", format, "--out", join(dir, `a.${format}`)]);
    const b = await runCli(["compute", demo, "--format", format, "--out", join(dir, `b.${format}`)]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(readFileSync(join(dir, `a.${format}`)).equals(readFileSync(join(dir, `b.${format}`)))).toBe(true);
  });

  it("starts the CSV with a BOM and uses CRLF only with --excel", async () => {
    const dir = mkdtempSync(join(tmpdir(), "masb-xl-"));
    await runCli(["compute", demo, "--period", "2024-03", "--only", "A", "--out", join(dir, "x.csv"), "--excel"]);
    await runCli(["compute", demo, "--period", "2024-03", "--only", "A", "--out", join(dir, "p.csv")]);
    const excel = readFileSync(join(dir, "x.csv"));
    const plain = readFileSync(join(dir, "p.csv"));
    expect([...excel.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.toString("utf8")).toContain("\r\n");
    expect([...plain.subarray(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(plain.toString("utf8")).not.toContain("\r");
    expect(plain.toString("utf8").split("\n")[0]).toBe(
      "periodo,nivel,entidad,region,zona,clues,indicador,nombre,unidad,numerador,denominador,valor,meta,logro,semaforo,estado,valor_crudo",
    );
  });

  it("emits only the requested levels plus nacional with --by", async () => {
    const dir = mkdtempSync(join(tmpdir(), "masb-by-"));
    await runCli(["compute", demo, "--period", "2024-03", "--only", "A", "--by", "entidad", "--out", join(dir, "x.csv")]);
    const levels = new Set(readFileSync(join(dir, "x.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[1]));
    expect([...levels].sort()).toEqual(["entidad", "nacional"]);
  });
});
