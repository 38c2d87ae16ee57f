/**
 * The backend worker: module emission, Binaryen's passes when asked for,
 * and WebAssembly compilation run on this thread, so the guest keeps running
 * (interpreted or already translated) on the main thread meanwhile, and
 * Binaryen's load (~75 ms from the split copy bin/bundle.mjs makes; ~270 ms
 * from the package as shipped), when a run needs it, happens off the
 * guest's critical path.
 *
 * Protocol: the first message out is the compiled dispatcher module; then
 * one reply per request, in order. Requests arrive in the shared request
 * slot (channel.ts): this thread sleeps on its REQ_WRITTEN counter, copies
 * the request out, bumps REQ_TAKEN so the next can be written, and serves
 * it: regions' guest code to lift, pass and translate (request.ts), or a
 * recalled module's bytes to compile (channel.ts KIND_*). After posting a reply it bumps done[0] in the shared array and
 * notifies, so the main thread can poll cheaply or wait synchronously (bbt
 * mode).
 */
import { workerData, type MessagePort } from "node:worker_threads";
import { compileBlocks, compileDispatcher, loadBackend, needsBinaryen, type BackendOptions, type CompiledBatch } from "./backend.ts";
import { KIND_WASM, REQ_DATA, REQ_ID, REQ_KIND, REQ_LENGTH, REQ_TAKEN, REQ_WRITTEN } from "./channel.ts";
import type { X87ModelName } from "../interp/x87-model.ts";
import { PASSES } from "./passes/index.ts";
import { liftFormed } from "./pipeline.ts";
import { decodeRequest } from "./request.ts";

export interface WorkerOptions extends BackendOptions {
  /** The IR passes to run, by name (passes/index.ts). */
  irPasses: string[];
  x87Model: X87ModelName;
}

/** What lifting a request's regions found: per block in request order, the instructions lifted (0: none); stage times; IR dumps. */
export interface FrontReply {
  lifted: number[];
  liftStops: [string, number][];
  /** Decoding the bytes again and lifting, ms. */
  decodeLiftMs: number;
  passesMs: number;
  /** Per lifted block, [stage, IR text] after lifting and each pass (wantText). */
  stages?: [string, string][][];
}

export type WorkReply =
  | { kind: "dispatcher"; module: WebAssembly.Module }
  | ({ kind: "batch"; id: number; front?: FrontReply } & CompiledBatch)
  | { kind: "error"; id: number; message: string };

await serveRequests();

async function serveRequests(): Promise<void> {
  const done = workerData.done as Int32Array;
  const replies = workerData.replies as MessagePort;
  const chan = workerData.chan as SharedArrayBuffer, opts = workerData.opts as WorkerOptions;
  const header = new Int32Array(chan, 0, REQ_DATA / 4);
  const reply = (r: WorkReply) => {
    replies.postMessage(r);
    Atomics.add(done, 0, 1);
    Atomics.notify(done, 0);
  };
  reply({ kind: "dispatcher", module: compileDispatcher(opts.irPasses.includes("direct-chain") || opts.irPasses.includes("nest-calls")) });
  if (needsBinaryen(opts)) await loadBackend();
  for (let taken = 0; ; taken++) {
    // Atomics.wait may return before the counter moves (a staged python3 run under load saw it:
    // the previous request was served twice), so it is only the sleep; the counter decides.
    while (Atomics.load(header, REQ_WRITTEN) === taken) Atomics.wait(header, REQ_WRITTEN, taken);
    const bytes = new Uint8Array(chan, REQ_DATA, header[REQ_LENGTH]).slice() as Uint8Array<ArrayBuffer>, kind = header[REQ_KIND], id = header[REQ_ID];
    Atomics.add(header, REQ_TAKEN, 1);
    try {
      reply(kind === KIND_WASM ? { kind: "batch", id, ...compileBytes(bytes) } : translate(id, bytes, opts));
    } catch (e) {
      reply({ kind: "error", id, message: e instanceof Error ? e.message : String(e) });
    }
  }
}

/** A recalled module: only compiling is left to do (its exports and size are known to the translator). */
function compileBytes(bytes: Uint8Array<ArrayBuffer>): CompiledBatch {
  const t0 = performance.now();
  const module = new WebAssembly.Module(bytes);
  return { module, exports: [], bytes: bytes.length, emitMs: 0, optimizeMs: 0, compileMs: performance.now() - t0 };
}

/** Lifts and passes a request's regions, then compiles the blocks that lifted as one module. */
function translate(id: number, bytes: Uint8Array, opts: WorkerOptions): WorkReply {
  const passes = PASSES.filter((p) => opts.irPasses.includes(p.name));
  const liftStops = new Map<string, number>();
  const t0 = performance.now();
  const formed = decodeRequest(bytes);
  const front: FrontReply = { lifted: [], liftStops: [], decodeLiftMs: performance.now() - t0, passesMs: 0, stages: opts.wantText ? [] : undefined };
  const regions = formed.map((blocks) => {
    const r = liftFormed(blocks, { passes, x87Model: opts.x87Model, liftStops, recordStages: opts.wantText });
    front.lifted.push(...r.lifted);
    front.decodeLiftMs += r.ms.lift;
    front.passesMs += r.ms.passes;
    front.stages?.push(...r.blocks.map((b) => b.stages));
    return r.blocks.map((b) => b.block);
  }).filter((r) => r.length);
  front.liftStops = [...liftStops];
  return { kind: "batch", id, front, ...compileBlocks(regions, opts) };
}
