import { cpSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "../src/cli/main.js";

/** Runs the CLI in-process and captures what it writes. */
export async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (s: string) => void) => new Writable({ write(chunk, _enc, cb) { append(String(chunk)); cb(); } });
  const code = await main(["node", "masb", ...args], {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

/** A fresh temporary directory holding copies of the given directories' files. */
export function tempExtract(...dirs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "masb-"));
  for (const d of dirs) for (const f of readdirSync(d)) if (f !== "esperado.json") cpSync(join(d, f), join(dir, f));
  return dir;
}
