/**
 * The main thread's side of the backend worker (worker.ts): submit lifted
 * blocks, then either poll for finished batches between guest blocks
 * (staged) or wait for one synchronously (bbt, and the dispatcher module).
 * Polling costs one shared-memory read when nothing has finished.
 *
 * The worker runs plain JavaScript: worker.ts and what it imports, bundled by
 * bin/bundle.mjs. Running it through tsx's loader instead would make it share
 * the loader thread with the guest's thread, whose module requests then stall.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { bundle } from "../../bin/bundle.mjs";
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
    this.worker = new Worker(bundle("src/translate/worker.ts"), { workerData: { done: this.done, replies: port2 }, transferList: [port2] });
    this.worker.unref();
    this.replies.unref();
    this.worker.on("error", (e) => (this.failure = e instanceof Error ? e.message : String(e)));
  }

  submit(regions: Block[][], opts: BackendOptions): number {
    const id = this.nextId++;
    this.worker.postMessage({ id, regions, opts } satisfies WorkRequest);
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
