import type { Aggregate, Catalog, Indicator, Source } from "../catalog/load.js";
import { compileExpr, compileFilter, formatExpr, type EvalContext, type Node, type Row } from "../expr/index.js";
import type { Bucket } from "./store.js";

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
  /**
   * Its column in the store's `b` (rows behind a sum or a mean), or −1: counts and distinct
   * counts need none, and most slots are counts, so `b` holds only the others.
   */
  bIndex: number;
}

/** Everything the engine does with one source in its single pass. */
export interface SourcePlan {
  source: Source;
  slots: Slot[];
  /** Slots with a `b` column (sums and means). */
  nB: number;
  /** Distinct key overrides of its aggregates (JSON text: `{ clave, sin_clave, universo }`); group 0 is the source's own key. */
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
        if (!sp) sources.set(source.name, (sp = { source, slots: [], nB: 0, groups: [""] }));
        // Aggregates that attach rows by another key (another universe) share a key group.
        const groupKey = agg.clave ? JSON.stringify({ clave: agg.clave, sin_clave: agg.sinClave ?? "no_especificada", universo: agg.universo }) : "";
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
          bIndex: agg.kind === "suma" || agg.kind === "promedio" ? sp.nB++ : -1,
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

/**
 * Adds one row (of one period bucket, attached to `nodes`) to every slot of a source whose
 * filter it passes. Compiled once per source by `compileAccumulator`.
 */
export type Accumulator = (row: Row, nodes: Int32Array, bucket: Bucket, ctx: EvalContext) => void;

const KIND = { conteo: 0, suma: 1, promedio: 1, distintos: 2 } as const;

interface Step {
  k: number;
  bk: number;
  kind: 0 | 1 | 2;
  group: number;
  unitMask: Uint8Array | null;
  /** Conjuncts still to test, as indices into the source's shared atoms. */
  atoms: number[];
  value: ((row: Row, ctx: EvalContext) => unknown) | null;
  factor: number;
}

/** The conjuncts of a filter: `a y (b y c)` → [a, b, c]. */
function conjuncts(node: Node): Node[] {
  return node.kind === "binary" && node.op === "y" ? [...conjuncts(node.left), ...conjuncts(node.right)] : [node];
}

/** `col = 'x'` or `col en ['x', 'y']` (literals only): the column and the values that make it true. */
function equalityOn(node: Node): { column: string; values: unknown[] } | null {
  const literal = (n: Node) => n.kind === "str" || n.kind === "num";
  if (node.kind === "binary" && node.op === "=") {
    if (node.left.kind === "col" && literal(node.right)) return { column: node.left.name, values: [(node.right as { value: unknown }).value] };
    if (node.right.kind === "col" && literal(node.left)) return { column: node.right.name, values: [(node.left as { value: unknown }).value] };
  }
  if (node.kind === "in" && !node.negated && node.arg.kind === "col" && node.list.items.length > 0 && node.list.items.every(literal)) {
    return { column: node.arg.name, values: node.list.items.map((n) => (n as { value: unknown }).value) };
  }
  return null;
}

/**
 * One evaluation plan for all the slots of a source, built once. Filters are split into their
 * conjuncts; equal conjuncts (by canonical text) are one shared atom, evaluated at most once
 * per row however many slots test it. The column that most slots test for equality with
 * literals (SIS `variable = 'CON01'`, `item = 'U-60'`, `motivo_egreso = '5'`) becomes a
 * dispatch key: a row only visits the slots whose literal matches its value, plus the slots
 * without such a test. Per row there is no allocation; sums stay exact (scaled integers).
 */
export function compileAccumulator(sp: SourcePlan): Accumulator {
  const scope = sp.source.scope;
  const nSlots = sp.slots.length;
  const nB = sp.nB;
  const parts = sp.slots.map((s) => (s.aggregate.filter ? conjuncts(s.aggregate.filter) : []));

  // The dispatch column: the one most slots test for equality with literals.
  const votes = new Map<string, number>();
  parts.forEach((cs) => {
    const cols = new Set(cs.map(equalityOn).filter((e) => e !== null).map((e) => e!.column));
    for (const c of cols) votes.set(c, (votes.get(c) ?? 0) + 1);
  });
  let column: string | null = null;
  for (const [c, n] of [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    if (n >= 2) column = c;
    break;
  }
  const columnAt = column === null ? -1 : scope.columns.findIndex((c) => c.name === column);

  const atomIndex = new Map<string, number>();
  const atomFns: ((row: Row, ctx: EvalContext) => boolean)[] = [];
  const always: Step[] = [];
  const byValue = new Map<unknown, Step[]>();
  sp.slots.forEach((slot, k) => {
    let keys: unknown[] | null = null;
    const atoms: number[] = [];
    for (const c of parts[k]) {
      const eq: ReturnType<typeof equalityOn> = keys === null && columnAt >= 0 ? equalityOn(c) : null;
      if (eq && eq.column === column) {
        keys = eq.values;
        continue;
      }
      const text = formatExpr(c);
      let a = atomIndex.get(text);
      if (a === undefined) {
        a = atomFns.push(compileFilter(c, scope)) - 1;
        atomIndex.set(text, a);
      }
      atoms.push(a);
    }
    const step: Step = {
      k, bk: slot.bIndex, kind: KIND[slot.aggregate.kind], group: slot.group, unitMask: slot.unitMask, atoms, value: slot.value, factor: slot.factor,
    };
    if (keys === null) always.push(step);
    else for (const v of new Set(keys)) byValue.set(v, [...(byValue.get(v) ?? []), step]);
  });
  // Each value's steps run with the always-steps, in slot order.
  const lists = new Map<unknown, Step[]>();
  for (const [v, steps] of byValue) lists.set(v, [...always, ...steps].sort((a, b) => a.k - b.k));

  const stamp = new Float64Array(atomFns.length).fill(-1);
  const truth = new Uint8Array(atomFns.length);
  let serial = 0;
  return (row, nodes, bucket, ctx) => {
    serial++;
    let steps = always;
    if (columnAt >= 0) {
      const v = row[columnAt];
      if (v !== null) steps = lists.get(v) ?? always;
    }
    for (let i = 0; i < steps.length; i++) {
      const st = steps[i];
      const node = nodes[st.group];
      if (st.unitMask !== null && st.unitMask[node] === 0) continue;
      const atoms = st.atoms;
      let pass = true;
      for (let j = 0; j < atoms.length; j++) {
        const a = atoms[j];
        if (stamp[a] !== serial) {
          stamp[a] = serial;
          truth[a] = atomFns[a](row, ctx) ? 1 : 0;
        }
        if (truth[a] === 0) {
          pass = false;
          break;
        }
      }
      if (!pass) continue;
      const at = node * nSlots + st.k;
      if (st.kind === 0) {
        bucket.a[at]++;
      } else if (st.kind === 1) {
        const v = st.value!(row, ctx);
        if (typeof v !== "number") continue; // null values do not count, as in SQL
        bucket.a[at] += st.factor === 1 ? v : Math.round(v * st.factor);
        bucket.b[node * nB + st.bk]++;
      } else {
        const v = st.value!(row, ctx);
        if (v === null || v === undefined) continue;
        let set = bucket.sets.get(at);
        if (!set) bucket.sets.set(at, (set = new Set()));
        set.add(v);
      }
    }
  };
}
