/**
 * nest-calls: runs a guest call whose return site is a block of the same
 * region as a WebAssembly call. The call's exit, instead of returning the
 * callee's address to the dispatcher, calls `nest(callee, return site)`, a
 * copy of the dispatcher's loop in the caller's own module (backend.ts
 * compileDispatcher), which runs translations from the callee on until the guest's eip is the
 * return site; translated code then goes on there in the same function,
 * registers reloaded, without a directory lookup or a call through the table
 * for the return. Anything else nest comes back with — a bail-out, a miss, a
 * spent budget, a return to another address (longjmp, a return address the
 * guest overwrote, a signal's frame) — the caller returns as it is, to its
 * own caller, and the dispatcher goes on from there: the return address is
 * checked, never assumed. Nesting is bounded (NEST_DEPTH frames; deeper calls
 * leave as before), and nested transitions spend the same chain budget as the
 * dispatcher's own, so --max-insns, signals and the VMM's periodic work are
 * kept as exactly as without it. Guest memory and code change only through
 * bail-outs, which unwind every frame first, so no frame goes on in code
 * that was invalidated under it.
 */
import type { Block } from "../ir.ts";

export function nestCalls(blocks: Block[]): void {
  const starts = new Set(blocks.map((b) => b.start >>> 0));
  for (const b of blocks) {
    const site = (b.start + b.length) >>> 0, last = b.ops[b.ops.length - 1];
    if (b.endsInCall && starts.has(site) && last?.op === "exit") last.nest = site;
  }
}
