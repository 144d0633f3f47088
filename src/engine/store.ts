import type { SourcePlan } from "./plan.js";

/**
 * Partial sums of one source for one period bucket, for every node of the hierarchy:
 * `a[node * nSlots + slot]` holds the count or the exact (scaled integer) sum,
 * `b[node * nB + slot.bIndex]` the rows behind a sum or a mean (counts need none), `sets` the
 * values of a distinct count. Memory follows nodes × aggregates ×
 * periods, never rows.
 */
export class Bucket {
  a: Float64Array;
  b: Float64Array;
  readonly sets: Map<number, Set<unknown>>;
  /** Rows attached to each node (before roll-up: own rows; after: own and below). */
  rows: Float64Array;
  constructor(nNodes: number, nSlots: number, nB: number, alloc: Allocate = plainArray) {
    this.a = alloc(nNodes * nSlots);
    this.b = alloc(nNodes * nB);
    this.sets = new Map();
    this.rows = alloc(nNodes);
  }

  /** A bucket over arrays that already hold partial sums (another thread's, say). */
  static over(p: { a: Float64Array; b: Float64Array; rows: Float64Array; sets: Map<number, Set<unknown>> }): Bucket {
    const bucket = new Bucket(0, 0, 0);
    bucket.a = p.a;
    bucket.b = p.b;
    bucket.rows = p.rows;
    for (const [k, v] of p.sets) bucket.sets.set(k, v);
    return bucket;
  }
}

/** Makes a zeroed array of the sums: in ordinary memory, or shared where threads will read it (see `FileRunner.allocate`). */
export type Allocate = (length: number) => Float64Array;
const plainArray: Allocate = (length) => new Float64Array(length);

/** Buckets of one source keyed by period (a month index, or 0 for sources without period). */
export class SourceStore {
  readonly buckets = new Map<number, Bucket>();
  /** Rows accepted per bucket, for completeness and "which periods have data". */
  readonly nSlots: number;
  /** Columns of `b`: the slots that are sums or means. */
  readonly nB: number;
  constructor(readonly plan: SourcePlan, readonly nNodes: number, private readonly alloc: Allocate = plainArray) {
    this.nSlots = plan.slots.length;
    this.nB = plan.nB;
  }

  bucket(key: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new Bucket(this.nNodes, this.nSlots, this.nB, this.alloc)));
    return b;
  }

  /** Moves every bucket's arrays to the ones `move` returns (shared memory, so threads can read them without a copy). */
  moveArrays(move: (x: Float64Array) => Float64Array): void {
    for (const b of this.buckets.values()) {
      b.a = move(b.a);
      b.b = move(b.b);
      b.rows = move(b.rows);
    }
  }

  /** Adds partial sums of the same nodes and slots (one file read elsewhere) into this store's buckets. */
  add(partials: { key: number; a: Float64Array; b: Float64Array; rows: Float64Array; sets: Map<number, Set<unknown>> }[]): void {
    for (const p of partials) {
      const b = this.bucket(p.key);
      const { a, b: bb, rows } = b;
      for (let i = 0; i < a.length; i++) a[i] += p.a[i];
      for (let i = 0; i < bb.length; i++) bb[i] += p.b[i];
      for (let i = 0; i < rows.length; i++) rows[i] += p.rows[i];
      for (const [at, set] of p.sets) {
        let target = b.sets.get(at);
        if (!target) b.sets.set(at, (target = new Set()));
        for (const v of set) target.add(v);
      }
    }
  }

  /** Adds every node's partials into its parent's, children before parents (parents have lower indices). */
  rollUp(parent: ArrayLike<number>): void {
    // Buckets in period order, however the files were read (one thread or several).
    const sorted = [...this.buckets].sort((x, y) => x[0] - y[0]);
    this.buckets.clear();
    for (const [k, b] of sorted) this.buckets.set(k, b);
    const s = this.nSlots, nB = this.nB;
    for (const b of this.buckets.values()) {
      for (let node = this.nNodes - 1; node > 0; node--) {
        const p = parent[node];
        b.rows[p] += b.rows[node];
        for (let k = 0; k < nB; k++) b.b[p * nB + k] += b.b[node * nB + k];
        const from = node * s, to = p * s;
        for (let k = 0; k < s; k++) {
          b.a[to + k] += b.a[from + k];
          const set = b.sets.get(from + k);
          if (set) {
            let target = b.sets.get(to + k);
            if (!target) b.sets.set(to + k, (target = new Set()));
            for (const v of set) target.add(v);
          }
        }
      }
    }
  }
}
