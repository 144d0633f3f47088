import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Decimal from "decimal.js";
import { generate } from "../bench/generate.mjs";
import { beforeAll, describe, expect, it } from "vitest";
import type { Term } from "../src/catalog/load.js";
import type { ComputeResult, ResultRow } from "../src/index.js";
import type { Node } from "../src/expr/index.js";
import { compute, loadCatalog } from "../src/index.js";

const demo = join(__dirname, "..", "fixtures", "demo");
let result: ComputeResult;
beforeAll(async () => {
  const catalog = await loadCatalog(join(__dirname, "..", "indicators"));
  result = await compute(catalog, demo, { period: "2024-03" });
});

const sum = (xs: (string | null)[]) => xs.reduce((s, x) => s.plus(x ?? 0), new Decimal(0));

/**
 * A term adds up across org units when it is one aggregate or a sum/difference of aggregates
 * times constants. Ratios of aggregates inside a term (151: a ratio of two survey coverages)
 * are evaluated from the summed aggregates at each level, so their parts add up but the term
 * itself does not; those are left to the aggregate-level check.
 */
function linear(term: Term | undefined): boolean {
  if (!term || term.kind === "agregado") return true;
  const constant = (n: Node): boolean => n.kind === "num" || (n.kind === "col" && (n.name === "dias_periodo" || n.name === "meses_periodo"));
  const walk = (n: Node): boolean => {
    if (n.kind === "num" || n.kind === "col") return true;
    if (n.kind === "unary") return walk(n.arg);
    if (n.kind === "binary" && (n.op === "+" || n.op === "-")) return walk(n.left) && walk(n.right);
    if (n.kind === "binary" && n.op === "*") return (constant(n.left) && walk(n.right)) || (constant(n.right) && walk(n.left));
    if (n.kind === "binary" && n.op === "/") return constant(n.right) && walk(n.left);
    return false;
  };
  return walk(term.node);
}

/** The rows one level down that belong to a parent row (the nation's children are the entidades, NE included). */
function childrenOf(rows: ResultRow[], parent: ResultRow): ResultRow[] {
  switch (parent.nivel) {
    case "nacional": return rows.filter((r) => r.nivel === "entidad");
    case "entidad": return rows.filter((r) => r.nivel === "region" && r.entidad === parent.entidad);
    case "region": return rows.filter((r) => r.nivel === "zona" && r.region === parent.region);
    case "zona": return rows.filter((r) => r.nivel === "clues" && r.zona === parent.zona);
    default: return [];
  }
}

/**
 * "A parent is the sum of its children" (DESIGN.md), checked on the output: at every level an
 * indicator is reported at, for every org unit with children reported too, the numerador and
 * the denominador equal the sums over its children, for every indicator whose terms add up
 * (method indicators included: their numerador and denominador are the plain sums of their
 * groups). A row that attached to a parent alone (a birth outside any unit counted in an
 * entidad's network total) breaks it.
 */
function checkParentsAreSums(result: ComputeResult, label: string): number {
  let checked = 0;
  const byIndicator = new Map<string, ResultRow[]>();
  for (const r of result.rows) byIndicator.set(r.indicador, [...(byIndicator.get(r.indicador) ?? []), r]);
  for (const ind of result.indicators) {
    if (!linear(ind.numerador) || !linear(ind.denominador)) continue;
    const rows = byIndicator.get(ind.id) ?? [];
    for (const parent of rows) {
      if (parent.estado === "sin_datos" || parent.estado === "metodo_pendiente" || parent.nivel === "clues") continue;
      const children = childrenOf(rows, parent);
      if (children.length === 0) continue; // the finest level reported
      checked++;
      const where = `${label}: ${ind.id} ${parent.nivel} ${parent.entidad}${parent.region}${parent.zona}`;
      expect(sum(children.map((r) => r.numerador)).toString(), `numerador ${where}`).toBe(new Decimal(parent.numerador ?? 0).toString());
      if (ind.def.denominador) expect(sum(children.map((r) => r.denominador)).toString(), `denominador ${where}`).toBe(new Decimal(parent.denominador ?? 0).toString());
    }
  }
  return checked;
}

describe("roll-up", () => {
  it("gives every parent the sums of its children, at every level, for every additive indicator of the demo", async () => {
    const catalog = await loadCatalog(join(__dirname, "..", "indicators"));
    const year = await compute(catalog, demo, { period: "2024-03", ventana: "12_meses" });
    // 291 indicators × the levels each is reported at: thousands of parents checked.
    expect(checkParentsAreSums(result, "demo, own windows")).toBeGreaterThan(2000);
    expect(checkParentsAreSums(year, "demo, 12 months")).toBeGreaterThan(2000);
  });

  it("does the same on the mini extract, whose births include a home birth, an IMSS hospital and twins", async () => {
    const catalog = await loadCatalog(join(__dirname, "..", "indicators"));
    const mini = await compute(catalog, join(__dirname, "fixtures", "mini"), { period: "2024-03" });
    expect(checkParentsAreSums(mini, "mini")).toBeGreaterThan(500);
  });

  it("does the same on a generated national extract (600 units, other institutions, bad rows)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "masb-rollup-"));
    try {
      const extract = generate(join(dir, "x"), { units: 600, scale: 0.01, quiet: true });
      const catalog = await loadCatalog(join(__dirname, "..", "indicators"));
      const national = await compute(catalog, extract.dir, { period: "2024-03" });
      expect(checkParentsAreSums(national, "generated")).toBeGreaterThan(2000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("divides the sums at each level instead of averaging the units' ratios", () => {
    // Consultas por persona (70e) at national level is Σ consultas / Σ población, then annualised.
    const rows = result.rows.filter((r) => r.indicador === "70e");
    const n = rows.find((r) => r.nivel === "nacional")!;
    const expected = new Decimal(n.numerador!).div(n.denominador!).times(366).div(31).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
    expect(n.valor).toBe(expected.toFixed(2));
    const units = rows.filter((r) => r.nivel === "clues" && r.valor !== null);
    const meanOfRatios = units.reduce((s, r) => s.plus(r.valor!), new Decimal(0)).div(units.length);
    expect(meanOfRatios.toFixed(2)).not.toBe(n.valor);
  });
});
