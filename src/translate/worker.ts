/**
 * The backend worker: the part of translation that needs Binaryen — module
 * emission, Binaryen passes, binary encoding and WebAssembly compilation —
 * runs on this thread, so the guest keeps running (interpreted or already
 * translated) on the main thread meanwhile, and Binaryen's load (~75 ms from
 * the split copy bin/bundle.mjs makes; ~270 ms from the package as shipped)
 * happens off the guest's critical path.
 *
 * Protocol: the first message out is the compiled dispatcher module; then
 * one reply per request, in order. After posting a reply the worker bumps
 * done[0] in the shared array and notifies, so the main thread can poll
 * cheaply or wait synchronously (bbt mode).
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { compileBlocks, compileDispatcher, loadBackend, type BackendOptions } from "./backend.ts";
import type { Block } from "./ir.ts";

export interface WorkRequest { id: number; blocks: Block[]; opts: BackendOptions; }
export type WorkReply =
  | { kind: "dispatcher"; module: WebAssembly.Module }
  | { kind: "batch"; id: number; module: WebAssembly.Module; exports: string[]; bytes: number; text?: string; emitMs: number; optimizeMs: number; compileMs: number }
  | { kind: "error"; id: number; message: string };

const done = workerData.done as Int32Array;
const replies = workerData.replies as MessagePort;

function reply(r: WorkReply): void {
  replies.postMessage(r);
  Atomics.add(done, 0, 1);
  Atomics.notify(done, 0);
}

// Listen from the start: requests the main thread sends while Binaryen loads wait in `queued`
// (attached only after the load, the listener first heard of them 50-80 ms after it was ready).
const queued: WorkRequest[] = [];
let ready = false;
parentPort!.on("message", (req: WorkRequest) => (ready ? serve(req) : queued.push(req)));
await loadBackend();
reply({ kind: "dispatcher", module: compileDispatcher() });
ready = true;
for (const req of queued.splice(0)) serve(req);

function serve(req: WorkRequest): void {
  try {
    reply({ kind: "batch", id: req.id, ...compileBlocks(req.blocks, req.opts) });
  } catch (e) {
    reply({ kind: "error", id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
}
