/**
 * A worker thread that reads fact files for `ingest` (see parallel.ts): it rebuilds the plan
 * and the hierarchy from the job once, then reads the files it is sent, one at a time, and
 * posts back each file's partial sums (transferred, not copied), rejections and report.
 */
import { createReadStream } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { readersFor, readPartial, type FileTask, type WorkerJob } from "../engine/ingest.js";
import type { WorkerMessage } from "./parallel.js";

const port = parentPort!;
const { readers, nNodes } = readersFor(workerData as WorkerJob);
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

port.on("message", (m: { kind: "task"; task: FileTask } | { kind: "fin" }) => {
  if (m.kind === "fin") {
    port.close();
    return;
  }
  const task = m.task;
  const chunks = createReadStream(task.path, { highWaterMark: 1 << 20 });
  readPartial(readers.get(task.source)!, nNodes, task, chunks, (read) => post({ kind: "progress", index: task.index, read })).then(
    (partial) => {
      const transfer: ArrayBuffer[] = [];
      for (const b of partial.buckets) transfer.push(b.a.buffer as ArrayBuffer, b.b.buffer as ArrayBuffer, b.rows.buffer as ArrayBuffer);
      for (const s of partial.sent?.values() ?? []) transfer.push(s.buffer as ArrayBuffer);
      post({ kind: "partial", partial }, transfer);
    },
    (e: unknown) => {
      const err = e as { name?: string; message?: string; code?: string; details?: unknown; stack?: string };
      post({ kind: "error", error: { name: err.name ?? "Error", message: err.message ?? String(e), code: err.code, details: err.details, stack: err.stack } });
    },
  );
});
