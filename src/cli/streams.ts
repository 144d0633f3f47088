import type { Writable } from "node:stream";
import { MasbError } from "../index.js";
import { writeError } from "../internal.js";

/**
 * The reader of standard output went away (`masb list | head -3`). Not an error: the run
 * stops writing and ends quietly, with the exit code it had, as `head` users expect.
 */
export class BrokenPipe extends Error {
  constructor() {
    super("la salida estándar se cerró");
    this.name = "BrokenPipe";
  }
}

/** Error codes of a write to a reader that is gone (or a stream already destroyed by it). */
const GONE = new Set(["EPIPE", "ERR_STREAM_DESTROYED", "ECONNRESET"]);

export const isBrokenPipe = (e: unknown): boolean => GONE.has((e as NodeJS.ErrnoException | null)?.code ?? "");

const watched = new WeakSet<object>();

/**
 * Keeps a standard stream's write errors from crashing the process: Node throws an `error`
 * event nobody listens to, with a stack trace. The stream records the error (`errored`) and
 * writers ask `streamFailure`.
 */
export function watchStream(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on("error", () => {
    // recorded by the stream itself (`errored`); read by streamFailure
  });
}

/** The write error a stream has hit, if any. */
export function streamFailure(stream: NodeJS.WritableStream): Error | null {
  const s = stream as Partial<Writable>;
  if (s.errored) return s.errored;
  if (s.destroyed) return Object.assign(new Error("stream destroyed"), { code: "ERR_STREAM_DESTROYED" });
  return null;
}

/** Standard output failed for another reason than a closed reader (a full disk under `> archivo`). */
export function stdoutError(e: unknown): Error {
  if (isBrokenPipe(e)) return new BrokenPipe();
  if (e instanceof MasbError) return e;
  return writeError("salida estándar", e);
}

/**
 * Writes a chunk; returns a promise when the stream asks to wait (backpressure), which
 * settles when it drains or fails. A failure, now or while waiting, is thrown as `failed(e)`.
 */
export function writeChunk(stream: NodeJS.WritableStream, chunk: string | Uint8Array, failed: (e: unknown) => Error): Promise<void> | undefined {
  const before = streamFailure(stream);
  if (before) throw failed(before);
  if (chunk.length === 0 || stream.write(chunk)) return undefined;
  return new Promise<void>((resolve, reject) => {
    const settle = (e?: unknown) => {
      stream.removeListener("drain", onDrain);
      stream.removeListener("error", onError);
      stream.removeListener("close", onClose);
      if (e === undefined) resolve();
      else reject(failed(e));
    };
    const onDrain = () => settle();
    const onError = (e: unknown) => settle(e);
    const onClose = () => settle(streamFailure(stream) ?? Object.assign(new Error("stream closed"), { code: "ERR_STREAM_DESTROYED" }));
    stream.on("drain", onDrain);
    stream.on("error", onError);
    stream.on("close", onClose);
  });
}
