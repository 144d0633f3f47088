import { describe, expect, it } from "vitest";
import type { FileTask } from "../src/engine/ingest.js";
import { taskGroups } from "../src/node/parallel.js";

// The order in which the threads get their tasks (src/node/parallel.ts, `taskGroups`): sources
// biggest first, a source's tasks back to back in reading order. The check of natural keys
// across parts holds each part's key list until the source's last part is in, so sources read
// interleaved held every keyed source's lists at once (563 MB peak at ×4, README Performance).
const part = (index: number, source: string, k: number, n: number, bytes: number): FileTask => ({
  index, source, file: `${source}_${index}.csv`, path: `/x/${source}_${index}.csv`, size: bytes * n, keyed: true,
  part: { k, n, start: k * bytes, end: (k + 1) * bytes, head: 10 },
});
const whole = (index: number, source: string, bytes: number): FileTask => ({ index, source, file: `${source}_${index}.csv`, path: `/x/${source}_${index}.csv`, size: bytes });

describe("the order of the threads' tasks", () => {
  it("reads a source's parts one after the other, sources by total size", () => {
    // a: two files, 100 + 100 and 50 bytes (250 in all); b: 120 + 30 (150); c: one file of 10.
    const tasks = [
      part(0, "a", 0, 2, 100), part(0, "a", 1, 2, 100), whole(1, "a", 50),
      part(2, "b", 0, 1, 120), whole(3, "b", 30),
      whole(4, "c", 10),
    ];
    const order = taskGroups([...tasks].reverse()).map((g) => g.map((t) => `${t.source}${t.index}.${t.part?.k ?? "-"}`).join(" "));
    // Biggest task first would have given b2 (120) before a's parts; by source: a (250), b (150), c (10).
    expect(order).toEqual(["a0.0", "a0.1", "a1.-", "b2.0", "b3.-", "c4.-"]);
  });

  it("keeps a group (a source read again in one thread) whole, in its place by size", () => {
    const group = [0, 1].map((i) => ({ ...whole(i, "a", 40), group: "a" }));
    const order = taskGroups([whole(2, "b", 100), ...group, whole(3, "c", 5)]).map((g) => g.map((t) => t.index));
    // b 100, the group a 80 (40 + 40), c 5.
    expect(order).toEqual([[2], [0, 1], [3]]);
  });
});
