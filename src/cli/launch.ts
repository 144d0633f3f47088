/**
 * The launcher's one decision, before the CLI is loaded: on Linux (glibc), `compute` and
 * `report` run in a child process with `MALLOC_MMAP_THRESHOLD_` fixed at 1 MiB.
 *
 * Why: glibc raises its mmap threshold each time a big block is freed (up to 32 MiB), after
 * which the many blocks of a few MB that reading allocates and frees (parts' sums, key lists,
 * read buffers) come from the heap arena, whose holes it keeps. On the ×4 bench extract that
 * retained ~100 MB: peak RSS 504–510 MB with the default, 435–437 MB with the threshold fixed
 * at 1 MiB (409 MB at 128 KiB, but 8 % slower; 1 MiB costs ~3 %). The variable has to be in
 * the environment when the process starts, hence the child. Elsewhere (macOS, Windows, musl),
 * or when the variable is already set (by the user, or by this launcher), nothing is done.
 */
import { spawn } from "node:child_process";

/** The environment the launcher adds. */
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: String(1024 * 1024) };

/** Commands that read an extract: the ones the threshold is for. */
const HEAVY = new Set(["compute", "report"]);

/**
 * Whether this command would run in a child (glibc aside): a command that reads an extract,
 * the variable not set yet, and no inspector asked for (`node --inspect bin/masb.js …`: the
 * child could not take the same port, and the debugger would attach to a process that only waits).
 */
export function wantsChild(argv: string[], execArgv: string[], env: Record<string, string | undefined>): boolean {
  return HEAVY.has(argv[2] ?? "") && env.MALLOC_MMAP_THRESHOLD_ === undefined && !execArgv.some((a) => a.startsWith("--inspect"));
}

/** Linux with glibc (its version is in Node's diagnostic report), where the variable means something. */
const glibc = (): boolean =>
  process.platform === "linux" && Boolean((process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime);

/**
 * Runs this same command in a child with `MALLOC_ENV` when it applies, resolving to its exit
 * code; null when it does not apply (run the CLI here). Signals the user sends (Ctrl-C, a
 * `kill`) reach the child; a child ended by a signal ends this process with the same signal.
 */
export function relaunch(argv: string[]): Promise<number | null> {
  const env = process.env;
  if (!wantsChild(argv, process.execArgv, env) || !glibc()) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...argv.slice(1)], { stdio: "inherit", env: { ...env, ...MALLOC_ENV } });
    // Passed on (Ctrl-C reaches the child too, as one of the group: a second SIGINT changes nothing).
    const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
    const handlers = (["SIGINT", "SIGTERM", "SIGHUP"] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    child.on("error", () => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(null);
    });
    child.on("exit", (code, signal) => {
      for (const [s, h] of handlers) process.off(s, h);
      if (signal) process.kill(process.pid, signal);
      resolve(code ?? 1);
    });
  });
}
