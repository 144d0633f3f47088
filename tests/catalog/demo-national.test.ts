import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ComputeResult } from "../../src/engine/compute.js";
import { compute, loadCatalog } from "../../src/index.js";

const root = join(__dirname, "..", "..");
let result: ComputeResult;
beforeAll(async () => {
  const catalog = await loadCatalog(join(root, "indicators"));
  result = await compute(catalog, join(root, "fixtures", "demo"), { period: "2024-03", by: ["entidad"] });
}, 120_000);

describe("the whole catalog on the demo extract", () => {
  it("gives every definition a numeric value at national level", () => {
    const nacional = result.rows.filter((r) => r.nivel === "nacional");
    expect(nacional).toHaveLength(result.indicators.length);
    const withoutValue = nacional.filter((r) => r.valor === null).map((r) => `${r.indicador}: ${r.estado}`);
    expect(withoutValue).toEqual([]);
  });

  it("is ok at national level for every indicator but those the README documents, for the reasons it gives", () => {
    // README "Demo extract": rare events in a small population (inestable) and the deliberate
    // missing February SIS reports of GRIMB001761 over January–March windows (incompleto).
    const expected: Record<string, string> = {
      "134": "inestable", "139": "inestable", "139-e": "inestable", "143": "inestable", "145": "inestable", "146": "inestable",
      "75c": "incompleto", "81a": "incompleto", "88": "incompleto", "94": "incompleto", "101": "incompleto",
    };
    const notOk = Object.fromEntries(result.rows.filter((r) => r.nivel === "nacional" && r.estado !== "ok").map((r) => [r.indicador, r.estado]));
    expect(notOk).toEqual(expected);
  });

  it("reads every source the catalog declares from the demo extract, with no missing source", () => {
    expect(result.missingSources).toEqual([]);
  });
});
