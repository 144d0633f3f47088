import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MALLOC_ENV, wantsChild } from "../src/cli/launch.js";

// The launcher (src/cli/launch.ts): `compute` and `report` run in a child with glibc's mmap
// threshold fixed, the rest in the process itself. A module loaded into every node process
// (NODE_OPTIONS --import) writes down each process's pid, parent and threshold, so the test
// sees which processes ran, without asking masb.
const root = join(__dirname, "..");
const cli = join(__dirname, "masb-cli.ts");
const demo = join(root, "fixtures", "demo");
const glibc = process.platform === "linux" && Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

function run(args: string[], env: Record<string, string> = {}, onStart?: (log: string) => void): Promise<{ code: number | null; signal: string | null; stderr: string; procs: { pid: number; ppid: number; threshold: string | null }[] }> {
  const dir = mkdtempSync(join(tmpdir(), "masb-launch-"));
  const log = join(dir, "procs.log");
  const probe = join(dir, "probe.mjs");
  writeFileSync(probe, `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(log)}, JSON.stringify({ pid: process.pid, ppid: process.ppid, threshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? null }) + "\\n");\n`);
  const base = { ...process.env };
  delete base.MALLOC_MMAP_THRESHOLD_;
  const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], {
    cwd: root, stdio: ["ignore", "ignore", "pipe"],
    env: { ...base, ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${probe}`.trim() },
  });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += String(d)));
  if (onStart) {
    const poll = setInterval(() => {
      if (existsSync(log) && readFileSync(log, "utf8").split("\n").length > 2) {
        clearInterval(poll);
        onStart(log);
        process.kill(child.pid!, "SIGTERM");
      }
    }, 20);
    child.on("close", () => clearInterval(poll));
  }
  return new Promise((res) => child.on("close", (code, signal) => res({
    code, signal, stderr,
    procs: existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [],
  })));
}

describe("which commands the launcher runs in a child", () => {
  const argv = (...a: string[]) => ["node", "masb", ...a];
  it("compute and report, unless the variable is set or an inspector is asked for", () => {
    expect(wantsChild(argv("compute", "x"), [], {})).toBe(true);
    expect(wantsChild(argv("report", "x", "--html", "t.html"), [], {})).toBe(true);
    expect(wantsChild(argv("list"), [], {})).toBe(false);
    expect(wantsChild(argv("validate"), [], {})).toBe(false);
    expect(wantsChild(argv("--version"), [], {})).toBe(false);
    expect(wantsChild(argv(), [], {})).toBe(false);
    expect(wantsChild(argv("compute", "x"), [], { MALLOC_MMAP_THRESHOLD_: "0" })).toBe(false);
    expect(wantsChild(argv("compute", "x"), ["--inspect-brk=9230"], {})).toBe(false);
    expect(wantsChild(argv("compute", "x"), ["--cpu-prof"], {})).toBe(true);
  });
});

describe.skipIf(!glibc)("the launcher (glibc)", () => {
  it("runs compute in one child with the threshold, and passes its exit code and messages on", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "masb-launch-")), "r.csv");
    const ok = await run(["compute", demo, "--format", "csv", "--out", out]);
    expect(ok.code).toBe(0);
    expect(readFileSync(out, "utf8").split("\n")[0]).toMatch(/^periodo,nivel,/);
    // This process (no threshold), then its one child, with 1 MiB = 1 048 576 bytes.
    expect(ok.procs.map((p) => p.threshold)).toEqual([null, "1048576"]);
    expect(ok.procs[1].ppid).toBe(ok.procs[0].pid);
    expect(MALLOC_ENV.MALLOC_MMAP_THRESHOLD_).toBe("1048576");
    const missing = await run(["compute", join(root, "no-existe")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error \[MASB_EXTRACTO_NO_EXISTE\]/);
    expect(missing.procs).toHaveLength(2);
  });

  it("runs list here, and compute here too when the threshold is already set", async () => {
    const list = await run(["list"]);
    expect(list.code).toBe(0);
    expect(list.procs).toHaveLength(1);
    const set = await run(["compute", demo, "--format", "csv", "--out", join(mkdtempSync(join(tmpdir(), "masb-launch-")), "r.csv")], { MALLOC_MMAP_THRESHOLD_: "65536" });
    expect(set.code).toBe(0);
    expect(set.procs.map((p) => p.threshold)).toEqual(["65536"]);
  });

  it("passes a SIGTERM on to the child and ends with it", async () => {
    const ended = await run(["compute", demo, "--format", "csv", "--out", join(mkdtempSync(join(tmpdir(), "masb-launch-")), "r.csv")], {}, () => {});
    expect(ended.signal).toBe("SIGTERM");
    const child = ended.procs[1].pid;
    // The child is gone: signal 0 to its pid finds no process.
    expect(() => process.kill(child, 0)).toThrow(/ESRCH/);
  });
});
