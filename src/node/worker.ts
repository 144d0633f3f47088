/**
 * A worker thread of parallel.ts. Two jobs:
 * - `read`: rebuilds the plan and the hierarchy once, then reads the fact files it is sent,
 *   a group at a time (a file alone, or a source's files in order), and posts back each
 *   file's partial sums (transferred, not copied), rejections and report;
 * - `evaluate`: rebuilds the ingested sums (shared memory, no copy), then evaluates the
 *   indicators it is sent, one at a time, and posts back their rows as output text.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { EvaluateOptions } from "../engine/compute.js";
import { readersFor, readTasks, restoreIngested, type FileTask, type IngestedSnapshot, type WorkerJob } from "../engine/ingest.js";
import { streamWriter } from "../output/index.js";
import { evaluateOne, openTask, type EvaluateJob, type WorkerMessage } from "./parallel.js";
import { collectIfGrown, enableCollection, EVALUATION_GROWTH_BYTES } from "./gc.js";

const port = parentPort!;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
const fail = (e: unknown) => {
  const err = e as { name?: string; message?: string; code?: string; details?: unknown; stack?: string };
  post({ kind: "error", error: { name: err.name ?? "Error", message: err.message ?? String(e), code: err.code, details: err.details, stack: err.stack } });
};
const data = workerData as ({ mode: "read"; job: WorkerJob } | ({ mode: "evaluate"; snapshot: IngestedSnapshot } & EvaluateJob)) & { collect: boolean };
if (data.collect) enableCollection();

if (data.mode === "read") {
  const { readers } = readersFor(data.job);
  port.on("message", (m: { kind: "tasks"; tasks: FileTask[] } | { kind: "fin" }) => {
    if (m.kind === "fin") return port.close();
    const progress = (task: FileTask, read: number) => {
      post({ kind: "progress", index: task.index, part: task.part?.k, read });
      collectIfGrown();
    };
    readTasks(readers.get(m.tasks[0].source)!, m.tasks, openTask, progress, (partial) => {
      const transfer: ArrayBuffer[] = [];
      for (const b of partial.buckets) transfer.push(b.a.buffer as ArrayBuffer, b.b.buffer as ArrayBuffer, b.rows.buffer as ArrayBuffer);
      for (const s of partial.sent?.values() ?? []) transfer.push(s.buffer as ArrayBuffer);
      if (partial.keys) transfer.push(partial.keys.buffer as ArrayBuffer);
      post({ kind: "partial", partial }, transfer);
      collectIfGrown();
    }).catch(fail);
  });
} else {
  const ingested = restoreIngested(data.snapshot);
  const writer = streamWriter(data.format, data.sample, { excel: data.excel })!;
  const options = data.options as EvaluateOptions;
  port.on("message", (m: { kind: "indicator"; index: number } | { kind: "fin" }) => {
    if (m.kind === "fin") return port.close();
    try {
      const { bytes, count } = evaluateOne(ingested, m.index, options, writer);
      post({ kind: "text", index: m.index, bytes, count }, [bytes.buffer as ArrayBuffer]);
      collectIfGrown(EVALUATION_GROWTH_BYTES);
    } catch (e) {
      fail(e);
    }
  });
}
