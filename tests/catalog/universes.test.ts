import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Catalog, Indicator } from "../../src/catalog/load.js";
import { loadCatalog } from "../../src/node/catalog.js";
import { runCli } from "../helpers.js";

/**
 * One universe per indicator, on the bundled catalog: every definition declares it, the
 * death- and birth-based impact indicators count residents over residents, and no two
 * definitions compute the same thing term by term (85a was 107 and 53i was 92, so their own
 * Tabla 1 concepts were not measured at all).
 */
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog();
});

/** What an indicator computes: unit, window, method and the aggregates of each term (by their canonical keys). */
function signature(i: Indicator): string {
  const keys = (t: Indicator["numerador"] | undefined) =>
    !t ? "" : t.kind === "agregado" ? i.aggregates[t.name].key : JSON.stringify([t.names.map((n) => i.aggregates[n]?.key), JSON.stringify(t.node)]);
  return JSON.stringify([i.def.unidad, i.def.ventana, i.def.anualizar, i.def.calculo ?? null, keys(i.numerador), keys(i.denominador)]);
}

describe("universes in the bundled catalog", () => {
  it("has every definition declare its universe in the YAML", () => {
    const missing = catalog.indicators.filter((i) => !/^universo: (red|responsabilidad|residentes)$/m.test(readFileSync(i.file, "utf8")));
    expect(missing.map((i) => i.id)).toEqual([]);
  });

  it("counts residents over residents for the SDG mortality, fertility and birth-care indicators", () => {
    for (const id of ["103", "91", "89", "128", "129", "130", "130-tgf", "131", "133", "134", "135", "136", "137", "137-e", "140", "141", "142"]) {
      const ind = catalog.byId.get(id)!;
      expect(ind.universo, id).toBe("residentes");
      for (const agg of Object.values(ind.aggregates)) expect(agg.universo, `${id} ${agg.source}`).toBe("residentes");
    }
  });

  it("divides the residents' rates by CONAPO's population, not by the population of responsibility", () => {
    for (const id of ["128", "129", "131", "133", "137", "138", "139", "140", "141", "142", "126", "130"]) {
      const sources = catalog.byId.get(id)!.sources;
      expect(sources, id).toContain("poblacion_conapo");
      expect(sources, id).not.toContain("poblacion");
    }
  });

  it("counts caesarean deliveries in network units by CLUES (C is a network indicator)", () => {
    const c = catalog.byId.get("C")!;
    expect(c.universo).toBe("red");
    expect(c.desdeNivel).toBe("clues");
  });

  it("has no two definitions that compute the same thing term by term", () => {
    const seen = new Map<string, string>();
    const twins: string[] = [];
    // The ones the declared sources cannot compute have no terms to compare (no_calculable).
    for (const ind of catalog.indicators.filter((i) => !i.noCalculable)) {
      const sig = signature(ind);
      const other = seen.get(sig);
      if (other) twins.push(`${other} = ${ind.id}`);
      else seen.set(sig, ind.id);
    }
    expect(twins).toEqual([]);
  });
});

describe("masb list and explain say the universe", () => {
  it("lists the universe of each indicator and filters by it", async () => {
    const { code, stdout, stderr } = await runCli(["list", "--universo", "responsabilidad"]);
    expect(code).toBe(0);
    // and says what each universe is, in words
    expect(stderr).toContain("residentes = todas las personas residentes de la entidad (por residencia)");
    // the table, without the reasons listed below it (no calculables, sin meta)
    const [head, ...lines] = stdout.trim().split("\n\n")[0].split("\n");
    expect(head.split(/\s{2,}/)).toContain("universo");
    const ids = lines.map((l) => l.split(/\s+/)[0]);
    // A: camas censables por 1 000 dh (network beds over the population of responsibility)
    expect(ids).toContain("A");
    expect(ids).not.toContain("129");
    expect(lines.every((l) => / responsabilidad /.test(l))).toBe(true);
  });
});

describe("the demo extract exercises the universes", () => {
  it("reads other institutions' and home births and foreign residents as out of scope, never as rejections", async () => {
    const dir = join(__dirname, "..", "..", "fixtures", "demo");
    const { code, stderr } = await runCli(["compute", dir, "--only", "C,103", "--format", "csv", "--out", join(tmpdir(), `masb-u-${process.pid}.csv`)]);
    expect(code).toBe(0);
    // SINAC 2024: births at IMSS, ISSSTE and private hospitals and at home are outside the
    // network's scope; mothers resident in Oaxaca, Jalisco or abroad outside the residents'.
    expect(stderr).toMatch(/sinac_2024\.csv .* rechazados +0 +fuera de alcance: red [\d,]+, residentes \d+/);
  });
});
