import { join } from "node:path";
import Decimal from "decimal.js";
import { beforeAll, describe, expect, it } from "vitest";
import type { Term } from "../src/catalog/load.js";
import type { ComputeResult } from "../src/engine/compute.js";
import type { Node } from "../src/expr/index.js";
import { computeDir, loadCatalog } from "../src/index.js";

const demo = join(__dirname, "..", "fixtures", "demo");
let result: ComputeResult;
beforeAll(async () => {
  const catalog = await loadCatalog(join(__dirname, "..", "indicators"));
  result = await computeDir(catalog, demo, { period: "2024-03" });
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

describe("roll-up", () => {
  it("gives, for every indicator, a national numerator and denominator equal to the sums over entidades", () => {
    for (const ind of result.indicators) {
      const rows = result.rows.filter((r) => r.indicador === ind.id);
      const nacional = rows.find((r) => r.nivel === "nacional")!;
      const entidades = rows.filter((r) => r.nivel === "entidad");
      expect(entidades.length, ind.id).toBeGreaterThan(0);
      if (nacional.estado === "sin_datos" || nacional.estado === "metodo_pendiente" || ind.def.calculo) continue;
      if (!linear(ind.numerador) || !linear(ind.denominador)) continue;
      // Expression terms (informes / (unidades × meses)) are linear in their aggregates, so sums carry.
      expect(sum(entidades.map((r) => r.numerador)).toString(), `numerador ${ind.id}`).toBe(new Decimal(nacional.numerador ?? 0).toString());
      if (ind.def.denominador) {
        expect(sum(entidades.map((r) => r.denominador)).toString(), `denominador ${ind.id}`).toBe(new Decimal(nacional.denominador ?? 0).toString());
      }
    }
  });

  it("gives each entidad the sums over its zonas wherever all its rows attach to units", () => {
    // Births outside a unit (SINAC CLUES 9998) attach to their entidad directly, so for those
    // sources the entidad is its zonas plus its own rows; the others must add up exactly.
    const unitOnly = (s: string) => !result.plan.sources.get(s)?.source.def.clave || result.plan.sources.get(s)!.source.def.clave!.every((k) => k.nivel === "clues");
    for (const ind of result.indicators.filter((i) => ["zona", "clues"].includes(i.desdeNivel) && i.sources.every(unitOnly))) {
      const rows = result.rows.filter((r) => r.indicador === ind.id);
      for (const ent of rows.filter((r) => r.nivel === "entidad" && r.entidad !== "NE")) {
        const zonas = rows.filter((r) => r.nivel === "zona" && r.entidad === ent.entidad);
        expect(sum(zonas.map((r) => r.numerador)).toString(), `${ind.id} ${ent.entidad}`).toBe(new Decimal(ent.numerador ?? 0).toString());
      }
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
