/**
 * The main thread's side of the backend worker (worker.ts): submit lifted
 * blocks, then either poll for finished batches between guest blocks
 * (staged) or wait for one synchronously (bbt, and the dispatcher module).
 * Polling costs one shared-memory read when nothing has finished.
 *
 * The worker runs plain JavaScript: worker.ts and what it imports are bundled
 * once with esbuild into node_modules/.cache/cdvm (rebuilt when a source is
 * newer). Running the worker through tsx's loader instead would make it share
 * the loader thread with the guest's thread, whose module requests then stall.
 */
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = path.resolve(SRC, "../node_modules/.cache/cdvm/translate-worker.mjs");

function newestSource(dir: string): number {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : e.name.endsWith(".ts") ? fs.statSync(p).mtimeMs : 0);
  }
  return t;
}

function workerBundle(): string {
  const built = fs.statSync(BUNDLE, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built < newestSource(SRC)) {
    buildSync({ entryPoints: [path.join(SRC, "translate/worker.ts")], outfile: BUNDLE, bundle: true, format: "esm", platform: "node", target: "node20", external: ["binaryen"], logLevel: "error" });
  }
  return BUNDLE;
}
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { buildSync } from "esbuild";
import type { BackendOptions } from "./backend.ts";
import type { Block } from "./ir.ts";
import type { WorkReply, WorkRequest } from "./worker.ts";

export class RemoteBackend {
  private readonly worker: Worker;
  private readonly replies: MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  private received = 0;
  private nextId = 1;
  private failure: string | undefined;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.replies = port1;
    this.worker = new Worker(workerBundle(), { workerData: { done: this.done, replies: port2 }, transferList: [port2] });
    this.worker.unref();
    this.replies.unref();
    this.worker.on("error", (e) => (this.failure = e instanceof Error ? e.message : String(e)));
  }

  submit(blocks: Block[], opts: BackendOptions): number {
    const id = this.nextId++;
    this.worker.postMessage({ id, blocks, opts } satisfies WorkRequest);
    return id;
  }

  /** The next reply if one has arrived, without waiting. */
  poll(): WorkReply | undefined {
    if (Atomics.load(this.done, 0) === this.received) return undefined;
    const m = receiveMessageOnPort(this.replies);
    if (!m) return undefined;
    this.received++;
    return m.message as WorkReply;
  }

  /** Blocks the thread until the next reply arrives. */
  next(): WorkReply {
    for (;;) {
      const r = this.poll();
      if (r) return r;
      if (this.failure) throw new Error(`translation worker failed: ${this.failure}`);
      Atomics.wait(this.done, 0, this.received, 100);
    }
  }

  terminate(): void {
    void this.worker.terminate();
  }
}
