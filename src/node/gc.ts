/**
 * Full garbage collections for long runs on national extracts. V8 lets the old generation grow
 * to several times the live memory before it collects: reading one 109 MB file, a thread's
 * heap went from 65 to 235 MB with 60 MB live, and each thread did so at once. Collections are
 * not free (in the evaluating worker, ~20 ms per indicator when frequent), so they start only
 * once the process is above `RSS_SOFT_LIMIT_BYTES` and tighten above `RSS_TIGHT_LIMIT_BYTES`:
 * a small run pays nothing, a national one peaks at ~470 MB (README, Performance).
 *
 * Opt-in: the CLI turns it on (`enableCollection`), and passes it on to its worker threads.
 * `gc` is reached through a new context after `--expose-gc`, the documented V8 flag, which
 * changes nothing else.
 */
import v8 from "node:v8";
import vm from "node:vm";

/** Heap growth (used heap plus memory held outside it, like file text and output buffers) that triggers a collection. */
export const COLLECT_GROWTH_BYTES = 64 * 1024 * 1024;

/**
 * The same while evaluating: two threads each hold one indicator's rows and text at a time,
 * and a tighter bound there cost little time, where it cost 9 % while reading.
 */
export const EVALUATION_GROWTH_BYTES = 32 * 1024 * 1024;

let gc: (() => void) | null = null;
let base = 0;

const inUse = () => {
  const h = v8.getHeapStatistics();
  return h.used_heap_size + h.external_memory;
};

/** Turns collections on for this thread (call once per thread); false when V8 would not expose `gc`. */
export function enableCollection(): boolean {
  if (gc) return true;
  try {
    v8.setFlagsFromString("--expose-gc");
    const found: unknown = vm.runInNewContext("gc");
    gc = typeof found === "function" ? (found as () => void) : null;
  } catch {
    gc = null;
  }
  if (gc) base = inUse();
  return gc !== null;
}

export const collectionEnabled = (): boolean => gc !== null;

/**
 * Resident memory of the process (all its threads) below which nothing is collected: a full
 * collection costs a thread tens of ms, and a run that stays small need not pay for any. Above
 * it, each thread collects whenever its heap has grown by the given amount.
 */
export const RSS_SOFT_LIMIT_BYTES = 360 * 1024 * 1024;

/** Above this, a thread collects as soon as its heap has grown by `TIGHT_GROWTH_BYTES`: the last margin before 500 MB. */
export const RSS_TIGHT_LIMIT_BYTES = 460 * 1024 * 1024;
export const TIGHT_GROWTH_BYTES = 8 * 1024 * 1024;

/**
 * Collects when the heap has grown by `growth` bytes since the last collection and the
 * process is above `RSS_SOFT_LIMIT_BYTES` (by `TIGHT_GROWTH_BYTES` above
 * `RSS_TIGHT_LIMIT_BYTES`); cheap otherwise.
 */
export function collectIfGrown(growth = COLLECT_GROWTH_BYTES): void {
  if (!gc) return;
  const grown = inUse() - base;
  if (grown < TIGHT_GROWTH_BYTES) return;
  const rss = process.memoryUsage.rss();
  if (rss < RSS_SOFT_LIMIT_BYTES || (grown < growth && rss < RSS_TIGHT_LIMIT_BYTES)) return;
  collectNow();
}

/** Collects now (after a phase that dropped much: the reading, the move of the sums to shared memory). */
export function collectNow(): void {
  if (!gc) return;
  gc();
  base = inUse();
}
