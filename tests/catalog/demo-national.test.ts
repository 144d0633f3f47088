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

  it("reads every source the catalog declares from the demo extract, with no missing source", () => {
    expect(result.missingSources).toEqual([]);
  });
});
