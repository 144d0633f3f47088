import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AtomicFile } from "../src/node/files.js";

// An output that is not a regular file — `--rechazos /dev/null`, `--out /dev/stdout`, a named
// pipe — is written in place: renaming a temporary file over it would replace the device
// (as root, /dev/null itself) with a plain file.
const dir = mkdtempSync(join(tmpdir(), "masb-fifo-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("an atomic output whose target is a pipe", () => {
  it("writes into the pipe and leaves it a pipe, with no temporary file beside it", async () => {
    const fifo = join(dir, "tubo");
    execFileSync("mkfifo", [fifo]);
    let read = "";
    const reader = new Promise<void>((res) => createReadStream(fifo, "utf8").on("data", (d) => (read += d)).on("end", () => res()));
    await new AtomicFile(fifo).write("registro,valor\n");
    await reader;
    expect(read).toBe("registro,valor\n");
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(readdirSync(dir)).toEqual(["tubo"]);
  });
});
