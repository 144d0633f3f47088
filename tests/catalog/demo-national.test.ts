import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ComputeResult } from "../../src/index.js";
import { compute, loadCatalog } from "../../src/index.js";

const root = join(__dirname, "..", "..");
let result: ComputeResult;
beforeAll(async () => {
  const catalog = await loadCatalog(join(root, "indicators"));
  result = await compute(catalog, join(root, "fixtures", "demo"), { period: "2024-03", by: ["entidad"] });
}, 120_000);

describe("the whole catalog on the demo extract", () => {
  it("gives every definition a numeric value at national level, but those the declared sources cannot compute", () => {
    const nacional = result.rows.filter((r) => r.nivel === "nacional");
    expect(nacional).toHaveLength(result.indicators.length);
    const notComputable = new Set(result.indicators.filter((i) => i.noCalculable).map((i) => i.id));
    const withoutValue = nacional.filter((r) => r.valor === null && !notComputable.has(r.indicador)).map((r) => `${r.indicador}: ${r.estado}`);
    expect(withoutValue).toEqual([]);
    // no_calculable (README, "SIS variables"): concepts SIS 2024 does not measure, with no value
    expect(nacional.filter((r) => notComputable.has(r.indicador)).map((r) => [r.indicador, r.estado, r.valor]))
      .toEqual([...notComputable].map((id) => [id, "no_calculable", null]));
  });

  it("is ok at national level for every indicator but those the README documents, for the reasons it gives", () => {
    // README "Demo extract": rare events in a small population (inestable) and the deliberate
    // missing February SIS reports of GRIMB001761 over January–March windows (incompleto).
    // Ten Tabla 1 concepts are not in SIS 2024 (no_calculable, README "SIS variables").
    const expected: Record<string, string> = {
      "134": "inestable", "139": "inestable", "139-e": "inestable", "143": "inestable", "145": "inestable", "146": "inestable",
      "75c": "incompleto", "88": "incompleto", "101": "incompleto",
      "53g": "no_calculable", "75d": "no_calculable", "75f": "no_calculable", "75f-2": "no_calculable", "81a": "no_calculable",
      "93": "no_calculable", "94": "no_calculable", "95": "no_calculable", "105": "no_calculable", "116": "no_calculable",
    };
    const notOk = Object.fromEntries(result.rows.filter((r) => r.nivel === "nacional" && r.estado !== "ok").map((r) => [r.indicador, r.estado]));
    expect(notOk).toEqual(expected);
  });

  it("reads every source the catalog declares from the demo extract, with no missing source", () => {
    expect(result.missingSources).toEqual([]);
  });
});
