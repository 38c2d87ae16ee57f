/**
 * The backend worker: module emission, Binaryen's passes when asked for,
 * and WebAssembly compilation run on this thread, so the guest keeps running
 * (interpreted or already translated) on the main thread meanwhile, and
 * Binaryen's load (~75 ms from the split copy bin/bundle.mjs makes; ~270 ms
 * from the package as shipped), when a run needs it, happens off the
 * guest's critical path.
 *
 * Protocol: the first message out is the compiled dispatcher module; then
 * one reply per request, in order. After posting a reply the worker bumps
 * done[0] in the shared array and notifies, so the main thread can poll
 * cheaply or wait synchronously (bbt mode).
 */
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import { compileBlocks, compileDispatcher, loadBackend, needsBinaryen, type BackendOptions } from "./backend.ts";
import type { Block } from "./ir.ts";

/** One module's regions, each a list of blocks. */
export interface WorkRequest { id: number; regions: Block[][]; opts: BackendOptions; }
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

// Requests are served in order; one that needs Binaryen (an optimize level, passes, text for
// dumps) waits for its load, and so do the requests behind it.
let chain: Promise<void> = Promise.resolve();
parentPort!.on("message", (req: WorkRequest) => {
  chain = needsBinaryen(req.opts) ? chain.then(loadBackend).then(() => serve(req)) : chain.then(() => serve(req));
});
reply({ kind: "dispatcher", module: compileDispatcher() });

function serve(req: WorkRequest): void {
  try {
    reply({ kind: "batch", id: req.id, ...compileBlocks(req.regions, req.opts) });
  } catch (e) {
    reply({ kind: "error", id: req.id, message: e instanceof Error ? e.message : String(e) });
  }
}
