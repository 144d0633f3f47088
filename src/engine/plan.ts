import type { Aggregate, Catalog, Indicator, Source } from "../catalog/load.js";
import { compileExpr, compileFilter, type EvalContext, type Row } from "../expr/index.js";

/** One accumulator: every indicator that asks for the same aggregate shares it. */
export interface Slot {
  index: number;
  aggregate: Aggregate;
  filter: ((row: Row, ctx: EvalContext) => boolean) | null;
  value: ((row: Row, ctx: EvalContext) => unknown) | null;
  /** 10^scale: decimal values are summed as exact integers of this many units. */
  factor: number;
  /** Indicators using it, for `explain`. */
  users: string[];
  /** Which of the source's key groups attaches rows for this slot (0 = the source's own key). */
  group: number;
  /** Nodes whose rows count, when the aggregate has a `unidad` condition (set once the hierarchy is known). */
  unitMask: Uint8Array | null;
}

/** Everything the engine does with one source in its single pass. */
export interface SourcePlan {
  source: Source;
  slots: Slot[];
  /** Distinct key overrides of its aggregates (JSON text); group 0 is the source's own key. */
  groups: string[];
}

/** The evaluation plan: per source, the deduplicated aggregates; per indicator, its slot of each named aggregate. */
export interface Plan {
  sources: Map<string, SourcePlan>;
  indicators: Indicator[];
  slotOf: Map<Indicator, Record<string, Slot>>;
}

/** Compiles the aggregates of the selected indicators once, grouped by source, sharing equal ones. */
export function planFor(catalog: Catalog, indicators: Indicator[]): Plan {
  const sources = new Map<string, SourcePlan>();
  const byKey = new Map<string, Slot>();
  const slotOf = new Map<Indicator, Record<string, Slot>>();
  for (const ind of indicators) {
    const mine: Record<string, Slot> = {};
    for (const [name, agg] of Object.entries(ind.aggregates)) {
      let slot = byKey.get(agg.key);
      if (!slot) {
        const source = catalog.sources.get(agg.source)!;
        let sp = sources.get(source.name);
        if (!sp) sources.set(source.name, (sp = { source, slots: [], groups: [""] }));
        const groupKey = agg.clave ? JSON.stringify(agg.clave) : "";
        let group = sp.groups.indexOf(groupKey);
        if (group < 0) group = sp.groups.push(groupKey) - 1;
        slot = {
          index: sp.slots.length,
          aggregate: agg,
          filter: agg.filter ? compileFilter(agg.filter, source.scope) : null,
          value: agg.value ? compileExpr(agg.value, source.scope) : null,
          factor: 10 ** agg.scale,
          users: [],
          group,
          unitMask: null,
        };
        sp.slots.push(slot);
        byKey.set(agg.key, slot);
      }
      if (!slot.users.includes(ind.id)) slot.users.push(ind.id);
      mine[name] = slot;
    }
    slotOf.set(ind, mine);
  }
  return { sources, indicators, slotOf };
}
