import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FilePartial, FileRunner, FileTask, ProgressEvent, WorkerJob } from "../engine/ingest.js";
import { MasbError } from "../errors.js";
import { openCounter } from "./extract.js";

/**
 * Below this many bytes of fact files, starting threads costs more than it saves, and the
 * extract is read in one thread (unless `workers` is given explicitly).
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/** Messages from a worker (see worker.ts). */
export type WorkerMessage =
  | { kind: "progress"; index: number; read: number }
  | { kind: "partial"; partial: FilePartial }
  | { kind: "error"; error: { name: string; message: string; code?: string; details?: unknown; stack?: string } };

/** Where the worker's code is: `worker.js` beside the bundle, or the TypeScript source through tsx (tests, development). */
function startWorker(job: WorkerJob): Worker {
  const js = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData: job });
  const ts = new URL("./worker.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData: job });
}

/**
 * Reads fact files in worker threads, one file at a time per thread, biggest files first
 * (so that the last file to finish is a small one). Each worker builds the same plan and
 * hierarchy from the job, reads its file with the same code as the main thread, and sends
 * back the file's partial sums, rejections and report; `ingest` adds them up in reading order.
 */
export function threadRunner(): FileRunner {
  return {
    threadsFor(tasks, requested) {
      if (requested === undefined) {
        const bytes = tasks.reduce((s, t) => s + t.size, 0);
        if (bytes < PARALLEL_MIN_BYTES) return 1;
      }
      return Math.max(1, Math.min(requested ?? availableParallelism(), tasks.length));
    },
    run(job, tasks, threads, on) {
      return new Promise<void>((resolve, reject) => {
        const queue = [...tasks].sort((a, b) => b.size - a.size || a.index - b.index);
        const byIndex = new Map(tasks.map((t) => [t.index, t]));
        const workers: Worker[] = [];
        let running = 0;
        let failed = false;
        const fail = (e: unknown) => {
          if (failed) return;
          failed = true;
          for (const w of workers) void w.terminate();
          reject(e);
        };
        const feed = (w: Worker) => {
          const t = queue.shift();
          if (!t) {
            w.postMessage({ kind: "fin" });
            return;
          }
          // The worker opens the file: count it here, where `one pass per source` is checked.
          openCounter.count.set(t.path, (openCounter.count.get(t.path) ?? 0) + 1);
          on.progress({ kind: "archivo", source: t.source, file: t.file });
          w.postMessage({ kind: "task", task: t });
        };
        for (let i = 0; i < threads; i++) {
          let w: Worker;
          try {
            w = startWorker(job);
          } catch (e) {
            fail(e);
            return;
          }
          workers.push(w);
          running++;
          w.on("message", (m: WorkerMessage) => {
            if (failed) return;
            if (m.kind === "progress") {
              const t: FileTask = byIndex.get(m.index)!;
              on.progress({ kind: "renglones", source: t.source, file: t.file, read: m.read } satisfies ProgressEvent);
            } else if (m.kind === "partial") {
              try {
                on.partial(m.partial);
              } catch (e) {
                fail(e);
                return;
              }
              feed(w);
            } else {
              const err = new MasbError(m.error.code ?? "MASB_HILO", m.error.message, (m.error.details ?? {}) as MasbError["details"]);
              if (m.error.stack) err.stack = m.error.stack;
              fail(err);
            }
          });
          w.on("error", fail);
          w.on("exit", (code) => {
            if (failed) return;
            if (code !== 0) fail(new MasbError("MASB_HILO", `un hilo de lectura terminó con código ${code}`));
            else if (--running === 0) {
              if (queue.length) fail(new MasbError("MASB_HILO", "los hilos de lectura terminaron con archivos pendientes"));
              else resolve();
            }
          });
          feed(w);
        }
      });
    },
  };
}
