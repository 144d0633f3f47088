import { describe, expect, it } from "vitest";
import { collectIfGrown, collectionEnabled, collectNow, enableCollection } from "../src/node/gc.js";
import { readChunks } from "../src/node/extract.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe("garbage collection and chunked reads (node)", () => {
  it("is off until asked for, then collects", () => {
    expect(collectionEnabled()).toBe(false);
    collectIfGrown(0); // a no-op while off
    expect(enableCollection()).toBe(true);
    expect(collectionEnabled()).toBe(true);
    collectNow();
    const before = process.memoryUsage().heapUsed;
    // 40 arrays of 1 MB (large objects: only a full collection frees them), dropped, then collected.
    let junk: number[][] | null = Array.from({ length: 40 }, () => new Array(128 * 1024).fill(1));
    expect(junk.length).toBe(40);
    junk = null;
    collectNow();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20 * 1024 * 1024);
  });

  it("reads a file in reused 64 KB chunks that add up to the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "masb-chunks-"));
    const path = join(dir, "x.csv");
    // 200 000 bytes: three full chunks of 65 536 and one of 200 000 − 196 608 = 3 392.
    writeFileSync(path, Buffer.alloc(200_000, 0x61));
    const sizes: number[] = [];
    let same = true, first: ArrayBufferLike | null = null;
    for await (const c of readChunks(path)) {
      sizes.push(c.length);
      first ??= c.buffer;
      same &&= c.buffer === first;
    }
    expect(sizes).toEqual([65536, 65536, 65536, 3392]);
    expect(same).toBe(true);
  });
});
