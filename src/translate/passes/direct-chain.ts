/**
 * direct-chain: lets an exit that leaves its region's function go straight
 * to the target's translation, wherever it lives, without returning to the
 * dispatcher. The backend emits the region's one way out as: write back,
 * count, then — when the chain budget the dispatcher left in S_CHAIN_LEFT is
 * not spent — probe the code-cache directory's first slot for the target
 * and, on a hit, `return_call_indirect` the translation through the shared
 * table (a tail call, so chains do not grow the stack). A miss, a target in
 * a later probe slot, or a spent budget returns the target to the
 * dispatcher, which probes fully. This is QEMU's lookup-and-goto done from
 * translated code; since it reads the same directory the dispatcher reads,
 * invalidation (a tombstone written before a page changes) and eviction
 * need nothing more, and the budget keeps --max-insns, signals and the
 * VMM's periodic work exactly as the dispatcher's loop keeps them. Bail-outs
 * never chain: the interpreter runs next.
 */
import type { Block } from "../ir.ts";

export function directChain(blocks: Block[]): void {
  for (const b of blocks) b.chain = true;
}
