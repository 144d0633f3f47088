import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { eachResult, type ResultOptions as EvaluateOptions, type ResultRow } from "../stages.js";
import { streamWriter, type StreamWriter } from "../output/index.js";
import { snapshotOf, type FilePartial, type FileRunner, type FileTask, type Ingested, type ProgressEvent, type TaskInput, type WorkerJob } from "../engine/ingest.js";
import { MasbError } from "../errors.js";
import type { Catalog } from "../catalog/load.js";
import { lineAt, openCounter, readBytes, readChunks } from "./extract.js";
import { splitFile } from "./split.js";
import { collectIfGrown, collectionEnabled, collectNow, EVALUATION_GROWTH_BYTES } from "./gc.js";

/**
 * Below this many bytes of fact files, starting threads costs more than it saves, and the
 * extract is read in one thread (unless `workers` is given explicitly).
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;

/**
 * Young generation of the threads: 16 MB where they read (the same time as 64 MB, ~30 MB less
 * peak RSS); 48 MB where they evaluate, as big as this thread's default: with 16 MB a worker
 * took 49 ms per indicator where this thread took 28 (README).
 */
const YOUNG_GENERATION_MB = { read: 16, evaluate: 48 } as const;

/** Messages from a worker (see worker.ts). */
export type WorkerMessage =
  | { kind: "progress"; index: number; part?: number; read: number }
  | { kind: "partial"; partial: FilePartial }
  | { kind: "text"; index: number; bytes: Uint8Array; count: number }
  | { kind: "error"; error: { name: string; message: string; code?: string; details?: unknown; stack?: string } };

/** Where the worker's code is: `worker.js` beside the bundle, or the TypeScript source through tsx (tests, development). */
function startWorker(data: { mode: "read" | "evaluate"; [k: string]: unknown }): Worker {
  // Workers collect garbage as this thread does (node/gc.ts).
  const workerData = { ...data, collect: collectionEnabled() };
  const js = new URL("./worker.js", import.meta.url);
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB[data.mode] };
  if (existsSync(fileURLToPath(js))) return new Worker(js, { workerData, resourceLimits });
  const ts = new URL("./worker.ts", import.meta.url).href;
  const boot = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(ts)}); })`;
  return new Worker(boot, { eval: true, workerData, resourceLimits });
}

/**
 * Read workers started before their job is known (`prestartReaders`): a worker takes 0.3 to
 * 0.7 s to load its code and receive the catalog, which the CLI lets it do while this thread
 * lists the extract, reads the CLUES catalog and builds the hierarchy, instead of after. Each
 * waits, unreferenced (it keeps no process alive), for a `job` message; `threadRunner` takes
 * them first.
 */
const pool: { worker: Worker; catalog: Catalog }[] = [];

/**
 * Starts the read workers a compute over the extract folder `dir` would use, ahead of it: as
 * many as `threadRunner` would (one fewer than the threads: this thread reads too), none when
 * the folder is smaller than `PARALLEL_MIN_BYTES` and no `workers` were asked for. They get
 * the catalog now (copying it to a thread takes about 0.2 s, then spent while this thread
 * works), the rest of their job when the run takes them; those it does not need are ended
 * (`releaseReaders`).
 */
export function prestartReaders(dir: string, requested: number | undefined, catalog: Catalog): void {
  const threads = requested ?? availableParallelism();
  if (threads < 2) return;
  if (requested === undefined) {
    let bytes = 0;
    try {
      for (const name of readdirSync(dir)) {
        const info = statSync(join(dir, name), { throwIfNoEntry: false });
        if (info?.isFile()) bytes += info.size;
      }
    } catch {
      return;
    }
    if (bytes < PARALLEL_MIN_BYTES) return;
  }
  while (pool.length < threads - 1) {
    let w: Worker;
    try {
      w = startWorker({ mode: "read", catalog });
    } catch {
      return;
    }
    w.unref();
    const drop = () => {
      const i = pool.findIndex((p) => p.worker === w);
      if (i >= 0) pool.splice(i, 1);
    };
    // A worker that fails or ends before it is taken is just not used.
    w.on("error", drop);
    w.on("exit", drop);
    pool.push({ worker: w, catalog });
  }
}

/** Ends the pre-started read workers no run took. */
export function releaseReaders(): void {
  for (const p of pool.splice(0)) void p.worker.terminate();
}

/** A read worker with its job: a pre-started one (sent the job without the catalog it has when it is the same), or a new one. */
function readerFor(job: WorkerJob): Worker {
  const taken = pool.shift();
  if (!taken) return startWorker({ mode: "read", job });
  const w = taken.worker;
  w.ref();
  w.postMessage({ kind: "job", job: taken.catalog === job.catalog ? { ...job, catalog: undefined } : job, collect: collectionEnabled() });
  return w;
}

/** An error a worker posted, as the `MasbError` it was. */
function workerError(m: Extract<WorkerMessage, { kind: "error" }>): MasbError {
  const err = new MasbError(m.error.code ?? "MASB_HILO", m.error.message, (m.error.details ?? {}) as MasbError["details"]);
  if (m.error.stack) err.stack = m.error.stack;
  return err;
}

/**
 * What both pools keep: the workers started, how many runners are still going (this thread's
 * own loop counts as one), and a single failure that stops every worker. `finished` runs once
 * the last runner ends without a failure.
 */
function crew(reject: (e: unknown) => void, finished: () => void) {
  const workers: Worker[] = [];
  let running = 0;
  let failed = false;
  const fail = (e: unknown) => {
    if (failed) return;
    failed = true;
    for (const w of workers) void w.terminate();
    reject(e);
  };
  const ended = () => {
    if (--running === 0 && !failed) finished();
  };
  return {
    fail,
    get failed() {
      return failed;
    },
    /** This thread's own loop: counted until the promise settles, a rejection fails the crew. */
    own(loop: Promise<void>) {
      running++;
      loop.then(ended, fail);
    },
    /** A worker: its errors fail the crew, its exit counts it out (`what` names the job for the message). */
    add(w: Worker, what: string) {
      workers.push(w);
      running++;
      w.on("error", fail);
      w.on("exit", (code) => {
        if (failed) return;
        if (code !== 0) fail(new MasbError("MASB_HILO", `un hilo de ${what} terminó con código ${code}`));
        else ended();
      });
    },
  };
}

/**
 * The tasks as the runner hands them out: one group per `FileTask.group` (its files in index
 * order), every other task alone. Sources biggest first (so that the last to finish is a
 * small one), and a source's tasks one after the other in reading order: the key lists of a
 * keyed source's parts are held until its last part is in (see `ingest`), so reading the
 * sources' parts interleaved held every big source's keys at once (563 MB peak on the ×4
 * bench extract, against ~430 MB reading them a source at a time).
 */
export function taskGroups(tasks: FileTask[]): FileTask[][] {
  const groups: FileTask[][] = [];
  const byName = new Map<string, FileTask[]>();
  for (const t of [...tasks].sort((a, b) => a.index - b.index || (a.part?.k ?? 0) - (b.part?.k ?? 0))) {
    if (t.group === undefined) {
      groups.push([t]);
      continue;
    }
    let g = byName.get(t.group);
    if (!g) {
      byName.set(t.group, (g = []));
      groups.push(g);
    }
    g.push(t);
  }
  const size = (g: FileTask[]) => g.reduce((s, t) => s + (t.part ? t.part.end - t.part.start : t.size), 0);
  const bySource = new Map<string, number>();
  for (const g of groups) bySource.set(g[0].source, (bySource.get(g[0].source) ?? 0) + size(g));
  const total = (g: FileTask[]) => bySource.get(g[0].source)!;
  return groups.sort((a, b) => total(b) - total(a) || (a[0].source < b[0].source ? -1 : a[0].source > b[0].source ? 1 : 0) || a[0].index - b[0].index || (a[0].part?.k ?? 0) - (b[0].part?.k ?? 0));
}

/** Files are split into parts of at most this many bytes (about), when they read in several threads. */
export const PART_BYTES = 160 * 1024 * 1024;

export interface ThreadRunnerOptions {
  /**
   * Bytes of a part: a file bigger than this is read in parts of about this size, each by
   * whichever thread is free (the default, `PART_BYTES`, or less when the extract is small
   * for its threads). Tests set it small to split small files.
   */
  partBytes?: number;
  /**
   * For tests: how a file is cut into parts, instead of `splitFile` (a cut inside a quoted
   * field, say, to see that the part before it is found unclean and the source read again).
   */
  split?: typeof splitFile;
}

/** How big the parts of the files are: `partBytes`, or so that there are a few per thread. */
function partSize(tasks: FileTask[], threads: number, options: ThreadRunnerOptions): number {
  if (options.partBytes !== undefined) return options.partBytes;
  const total = tasks.reduce((s, t) => s + t.size, 0);
  return Math.max(PARALLEL_MIN_BYTES, Math.min(PART_BYTES, Math.ceil(total / (threads * 4))));
}

/** The tasks with each file bigger than a part split into parts (see split.ts). */
function splitTasks(job: WorkerJob, tasks: FileTask[], partBytes: number, split = splitFile): FileTask[] {
  const out = tasks.flatMap((t) => {
    const n = Math.ceil(t.size / partBytes);
    if (t.group !== undefined || n < 2) return [t];
    const parts = split(t.path, t.size, job.catalog.sources.get(t.source)!, n);
    return parts ? parts.map((part) => ({ ...t, part })) : [t];
  });
  // A keyed source read in one task has nothing to check its keys against: they stay in its thread.
  const count = new Map<string, number>();
  for (const t of out) count.set(t.source, (count.get(t.source) ?? 0) + 1);
  return out.map((t) => (t.keyed && count.get(t.source) === 1 ? { ...t, keyed: false } : t));
}

/** What a thread reads for a task: the file, or its range, and for a later part the header first and the number of its first line. */
export async function openTask(task: FileTask): Promise<TaskInput> {
  const p = task.part;
  if (!p) return { chunks: readChunks(task.path) };
  if (p.k === 0) return { chunks: readChunks(task.path, 0, p.end), part: { line: 1, last: p.n === 1 } };
  const [head, line] = await Promise.all([readBytes(task.path, 0, p.head), lineAt(task.path, p.start)]);
  return { chunks: readChunks(task.path, p.start, p.end), part: { head, line, last: p.k === p.n - 1 } };
}

/**
 * Reads fact files in worker threads, one task at a time per thread, biggest first: a file,
 * a part of a big file (split at record boundaries, see split.ts), or a group of a source's
 * files in order. Each worker builds the same plan and hierarchy from the job, reads with the
 * same code as the main thread, and sends back each task's partial sums, rejections and
 * report; `ingest` adds them up and hands them on in reading order. A task that `on.partial`
 * hands back (`more`) goes first in the queue; a thread without a task waits while others
 * still read, since what they bring back may hand back more.
 */
export function threadRunner(options: ThreadRunnerOptions = {}): FileRunner {
  return {
    allocate: (length) => new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT)),
    threadsFor(tasks, requested) {
      if (requested === undefined) {
        const bytes = tasks.reduce((s, t) => s + t.size, 0);
        if (bytes < PARALLEL_MIN_BYTES) {
          releaseReaders();
          return 1;
        }
      }
      const threads = requested ?? availableParallelism();
      const partBytes = partSize(tasks, threads, options);
      const pieces = taskGroups(tasks).reduce((n, g) => n + (g.length === 1 ? Math.max(1, Math.ceil(g[0].size / partBytes)) : 1), 0);
      const n = Math.max(1, Math.min(threads, pieces));
      if (n < 2) releaseReaders();
      return n;
    },
    run(job, tasks, threads, on) {
      return new Promise<void>((resolve, reject) => {
        let queue: FileTask[][];
        try {
          queue = taskGroups(splitTasks(job, tasks, partSize(tasks, threads, options), options.split));
        } catch (e) {
          reject(e);
          return;
        }
        const byKey = new Map<string, FileTask>();
        const keyOf = (index: number, k: number | undefined) => `${index}:${k ?? 0}`;
        /** Rows read so far per task, to report a file's progress as the sum of its parts'. */
        const readSoFar = new Map<string, number>();
        const started = new Set<number>();
        /** Groups handed out and not yet read back. */
        let inFlight = 0;
        const waiting: ((group: FileTask[] | undefined) => void)[] = [];
        const team = crew(reject, () => {
          if (queue.length || inFlight) team.fail(new MasbError("MASB_HILO", "los hilos de lectura terminaron con archivos pendientes"));
          else resolve();
        });
        const fail = team.fail;
        const take = (): FileTask[] | undefined => {
          const group = queue.shift();
          if (!group) return undefined;
          inFlight++;
          for (const t of group) {
            byKey.set(keyOf(t.index, t.part?.k), t);
            if (started.has(t.index) && !t.group) continue;
            // Threads open the files by their path: count them here, where `one pass per
            // source` is checked. A file read in parts counts once; a file read again (a
            // group handed back) counts again.
            started.add(t.index);
            openCounter.count.set(t.path, (openCounter.count.get(t.path) ?? 0) + 1);
            on.progress({ kind: "archivo", source: t.source, file: t.file });
          }
          return group;
        };
        /** The next group for a thread, or undefined once every task is read (it may wait for others' to come back). */
        const next = (): Promise<FileTask[] | undefined> => {
          const group = take();
          if (group || inFlight === 0) return Promise.resolve(group);
          return new Promise((res) => waiting.push((g) => res(g === undefined ? undefined : g)));
        };
        /** After a group came back: hand queued tasks to waiting threads, or end them all when nothing is left. */
        const wake = () => {
          while (waiting.length && queue.length) waiting.shift()!(take());
          if (inFlight === 0 && queue.length === 0) while (waiting.length) waiting.shift()!(undefined);
        };
        const more = (group: FileTask[]) => queue.unshift(group);
        const progress = (task: FileTask, read: number) => {
          readSoFar.set(keyOf(task.index, task.part?.k), read);
          let sum = read;
          if (task.part) {
            sum = 0;
            for (let k = 0; k < task.part.n; k++) sum += readSoFar.get(keyOf(task.index, k)) ?? 0;
          }
          on.progress({ kind: "renglones", source: task.source, file: task.file, read: sum } satisfies ProgressEvent);
        };
        /** A task of a group is read: hand it on; true when it was the group's last. */
        const arrived = (group: FileTask[], p: FilePartial): boolean => {
          on.partial(p, more);
          const done = p.index === group[group.length - 1].index && (p.part?.k ?? 0) === (group[group.length - 1].part?.k ?? 0);
          if (done) inFlight--;
          return done;
        };
        const local = on.local;
        for (let i = local ? 1 : 0; i < threads; i++) {
          let w: Worker;
          try {
            w = readerFor(job);
          } catch (e) {
            fail(e);
            return;
          }
          team.add(w, "lectura");
          let current: FileTask[] | undefined;
          const feed = () => {
            void next().then((group) => {
              current = group;
              if (!team.failed) w.postMessage(current ? { kind: "tasks", tasks: current } : { kind: "fin" });
            });
          };
          w.on("message", (m: WorkerMessage) => {
            if (team.failed) return;
            if (m.kind === "progress") {
              const t = byKey.get(keyOf(m.index, m.part))!;
              progress(t, m.read);
            } else if (m.kind === "partial") {
              let done: boolean;
              try {
                done = arrived(current!, m.partial);
              } catch (e) {
                fail(e);
                return;
              }
              if (done) {
                feed();
                wake();
              }
            } else if (m.kind === "error") {
              fail(workerError(m));
            }
          });
          feed();
        }
        // Workers started ahead and not needed (fewer parts than threads) end now.
        releaseReaders();
        if (local) {
          // This thread takes groups from the same queue, the opened files counted like the others'.
          team.own((async () => {
            for (let g = await next(); g && !team.failed; g = await next()) {
              const group = g;
              await local(group, (p) => {
                if (arrived(group, p)) wake();
              }, openTask, progress);
            }
          })());
        }
      });
    },
  };
}

/** What an evaluating worker needs besides the ingested sums: the options and the output format. */
export interface EvaluateJob {
  /** The evaluate options, without functions (they do not cross threads). */
  options: Record<string, unknown>;
  format: string;
  /** Rows that carry the optional columns of the whole result (see `streamWriter`). */
  sample: ResultRow[];
  excel: boolean;
}

/** Output bytes evaluated but not yet written above which the evaluating threads wait for the writer. */
const MAX_PENDING_BYTES = 32 * 1024 * 1024;
/** Indicators evaluated ahead of the next one to write (they are written in catalog order). */
const MAX_AHEAD = 16;

/** Below this many result rows (indicators × org units), evaluating in one thread is faster. */
export const PARALLEL_MIN_RESULTS = 200_000;

/**
 * How many threads `evaluateInThreads` would use; 1 means: evaluate here. Never two: on two
 * cores, this thread alone evaluated and wrote the national extract's 2.0 M results in 2.1 s
 * where this thread and a worker took 3.2 s, and 60 MB less (README, Performance): the
 * worker's start, its cold code and a second heap held near the collection limit cost more
 * than it evaluates. From three threads on, this thread writes and evaluates beside two or more.
 */
export function evaluationThreads(ingested: Ingested, requested: number | undefined): number {
  const threads = Math.min(requested ?? availableParallelism(), ingested.indicators.length);
  if (threads <= 2 || snapshotOf(ingested) === null) return 1;
  if (requested === undefined && ingested.indicators.length * ingested.hierarchy.size < PARALLEL_MIN_RESULTS) return 1;
  return threads;
}

/**
 * Evaluates the indicators in this thread and `threads − 1` workers and hands their output
 * (UTF-8) to `write` in catalog order, one indicator at a time: the same text as
 * `evaluateEach` + `streamWriter`, the workers' moved, not copied. The partial sums move to
 * shared memory once, so the workers read them without a copy. Returns the number of rows.
 */
export async function evaluateInThreads(
  ingested: Ingested, options: EvaluateOptions, threads: number, job: Omit<EvaluateJob, "options">, write: (bytes: Uint8Array) => Promise<void> | void,
): Promise<number> {
  let moved = false;
  for (const store of ingested.stores.values()) {
    store.moveArrays((x) => {
      // The runner's totals are in shared memory already (`allocate`); others are copied there.
      if (x.buffer instanceof SharedArrayBuffer) return x;
      moved = true;
      const shared = new Float64Array(new SharedArrayBuffer(x.byteLength));
      shared.set(x);
      return shared;
    });
  }
  // The arrays just copied to shared memory are garbage now: free them before the threads start.
  if (moved) collectNow();
  const snapshot = snapshotOf(ingested)!;
  const cloneable = Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v !== "function" && !(v && typeof v === "object" && "threadsFor" in v)));
  const total = ingested.indicators.length;
  const texts = new Map<number, { bytes: Uint8Array; count: number }>();
  let nextToSend = 0;
  let nextToWrite = 0;
  let count = 0;
  let writing: Promise<void> = Promise.resolve();
  const writer = streamWriter(job.format, job.sample, { excel: job.excel })!;
  await new Promise<void>((resolve, reject) => {
    const team = crew(reject, resolve);
    const fail = team.fail;
    // Output waiting to be written is bounded: an evaluator waits while MAX_PENDING_BYTES
    // are not yet written or MAX_AHEAD indicators are ahead of the next one to write.
    let pending = 0;
    const parked: Worker[] = [];
    let wake: (() => void) | null = null;
    const room = () => pending < MAX_PENDING_BYTES && nextToSend - nextToWrite < MAX_AHEAD;
    const written = (n: number) => {
      pending -= n;
      while (parked.length && room()) feed(parked.shift()!);
      wake?.();
      wake = null;
    };
    const arrived = (index: number, text: { bytes: Uint8Array; count: number }) => {
      texts.set(index, text);
      pending += text.bytes.length;
      // Write in catalog order, whatever order the indicators come back in.
      for (let t = texts.get(nextToWrite); t; t = texts.get(nextToWrite)) {
        texts.delete(nextToWrite++);
        count += t.count;
        const bytes = t.bytes;
        writing = writing.then(() => write(bytes)).then(() => written(bytes.length), fail);
      }
    };
    // Two indicators in flight per worker: the next is already there when it finishes one,
    // rather than waiting for this thread to finish its own and read the message.
    const inFlight = new Map<Worker, number>();
    const feed = (w: Worker) => {
      let n = inFlight.get(w) ?? 0;
      while (n < 2 && nextToSend < total && room()) {
        w.postMessage({ kind: "indicator", index: nextToSend++ });
        n++;
      }
      inFlight.set(w, n);
      if (n === 0 && nextToSend >= total) w.postMessage({ kind: "fin" });
      else if (n === 0) parked.push(w);
    };
    for (let i = 1; i < threads; i++) {
      const w = startWorker({ mode: "evaluate", snapshot, ...job, options: cloneable });
      team.add(w, "evaluación");
      w.on("message", (m: WorkerMessage) => {
        if (team.failed) return;
        if (m.kind === "error") return fail(workerError(m));
        if (m.kind !== "text") return;
        inFlight.set(w, inFlight.get(w)! - 1);
        arrived(m.index, m);
        feed(w);
      });
      feed(w);
    }
    // This thread evaluates too, one indicator at a time, letting the workers' messages in between.
    team.own((async () => {
      while (nextToSend < total && !team.failed) {
        if (!room()) {
          await new Promise<void>((res) => (wake = res));
          continue;
        }
        const index = nextToSend++;
        arrived(index, evaluateOne(ingested, index, options, writer));
        collectIfGrown(EVALUATION_GROWTH_BYTES);
        await new Promise<void>((res) => setImmediate(res));
      }
    })());
  });
  await writing;
  return count;
}

/**
 * The output text of one indicator (by its place in `ingested.indicators`), UTF-8: what a
 * worker sends back and what this thread writes for the indicators it evaluates itself.
 */
export function evaluateOne(ingested: Ingested, index: number, options: EvaluateOptions, writer: StreamWriter): { bytes: Uint8Array; count: number } {
  // All the rows first, then their text: measured faster than formatting each row as it comes.
  const rows: ResultRow[] = [];
  eachResult(ingested, ingested.indicators[index], options, (row) => rows.push(row));
  const count = rows.length;
  if (writer.bytes) {
    // A fresh buffer per indicator (the view may be shorter than it): transferable as it is.
    return { bytes: writer.bytes(rows), count };
  }
  // Buffer.from writes UTF-8 fastest; a small one sits in Node's shared pool, which must not
  // be transferred to another thread, so that one is copied.
  const buf = Buffer.from(writer.rows(rows), "utf8");
  const bytes = buf.byteOffset === 0 && buf.buffer.byteLength === buf.length ? new Uint8Array(buf.buffer, 0, buf.length) : new Uint8Array(buf);
  return { bytes, count };
}
