/**
 * The main thread's side of the backend worker (worker.ts): submit regions'
 * guest code (request.ts), then either poll for finished batches between guest blocks
 * (staged) or wait for one synchronously (bbt, and the dispatcher module).
 * Polling costs one shared-memory read when nothing has finished.
 *
 * Requests travel as bytes through a SharedArrayBuffer (one request slot; a
 * request waits here while the worker has not taken the previous one): a
 * postMessage of any kind cost the guest's thread ~0.5 ms (python3's
 * start-up: 0.15-0.18 s for ~300 requests). Replies, which carry
 * WebAssembly.Module objects, come back as messages.
 *
 * The worker runs plain JavaScript: worker.ts and what it imports, bundled by
 * bin/bundle.mjs. Running it through tsx's loader instead would make it share
 * the loader thread with the guest's thread, whose module requests then stall.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { bundle } from "../../bin/bundle.mjs";
import { lowerOtherThreads } from "./priority.ts";
import { KIND_REGIONS, KIND_WASM, REQ_CAPACITY, REQ_DATA, REQ_ID, REQ_KIND, REQ_LENGTH, REQ_TAKEN, REQ_WRITTEN } from "./channel.ts";
import type { WorkerOptions, WorkReply } from "./worker.ts";

export class RemoteBackend {
  private readonly worker: Worker;
  private readonly replies: MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(4));
  /** The request slot: header (REQ_*) and bytes. */
  private readonly chan = new SharedArrayBuffer(REQ_DATA + REQ_CAPACITY);
  private readonly header = new Int32Array(this.chan, 0, REQ_DATA / 4);
  private readonly backlog: { kind: number; id: number; bytes: Uint8Array }[] = [];
  private received = 0;
  private nextId = 1;
  private failure: string | undefined;
  /** Threads lowered below the guest's when the worker started (priority.ts). */
  readonly lowered: number;

  /** nice: how far below the guest's thread the worker and V8's helper threads run (priority.ts; 0: level with it). */
  constructor(opts: WorkerOptions, nice: number) {
    const { port1, port2 } = new MessageChannel();
    this.replies = port1;
    this.worker = new Worker(bundle("src/translate/worker.ts"), { workerData: { done: this.done, replies: port2, chan: this.chan, opts }, transferList: [port2] });
    this.lowered = lowerOtherThreads(nice);
    this.worker.unref();
    this.replies.unref();
    this.worker.on("error", (e) => (this.failure = e instanceof Error ? e.message : String(e)));
  }

  /** Queues one module's regions (request.ts bytes); returns the id its reply will carry (replies come in the order of requests). */
  submit(request: Uint8Array): number {
    return this.enqueue(KIND_REGIONS, request);
  }

  /** Queues a module's WebAssembly bytes to be compiled (a recalled translation); returns its reply's id. */
  submitWasm(bytes: Uint8Array): number {
    return this.enqueue(KIND_WASM, bytes);
  }

  private enqueue(kind: number, bytes: Uint8Array): number {
    if (bytes.length > REQ_CAPACITY) throw new Error(`translation request of ${bytes.length} bytes exceeds the channel's ${REQ_CAPACITY}`);
    const id = this.nextId++;
    this.backlog.push({ kind, id, bytes });
    this.send();
    return id;
  }

  /** Writes the oldest waiting request into the slot if the worker has taken the last one. */
  private send(): void {
    const h = this.header;
    if (!this.backlog.length || Atomics.load(h, REQ_TAKEN) !== h[REQ_WRITTEN]) return;
    const { kind, id, bytes } = this.backlog.shift()!;
    new Uint8Array(this.chan, REQ_DATA, bytes.length).set(bytes);
    h[REQ_LENGTH] = bytes.length;
    h[REQ_KIND] = kind;
    h[REQ_ID] = id;
    Atomics.add(h, REQ_WRITTEN, 1);
    Atomics.notify(h, REQ_WRITTEN);
  }

  /** The next reply if one has arrived, without waiting. */
  poll(): WorkReply | undefined {
    this.send();
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
