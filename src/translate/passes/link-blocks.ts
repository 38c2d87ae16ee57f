/**
 * link-blocks: lets control pass between the blocks of one region (what a
 * request translates, translator.ts; one function of a translation module)
 * without returning to the dispatcher. An exit whose target is a constant
 * (a direct jump, a conditional branch, a call, a fall-through) that starts
 * another block of the region, or the block itself, is linked to it. An
 * exit whose target is computed is linked, for a jump through a jump table
 * (a compiled switch), to the table's entries that start blocks of the
 * region (the translator read the table and put its targets in the region),
 * and otherwise (ret, other indirect jumps and calls) to the region's return
 * sites — the blocks that start right after a block ending in a call — when
 * there are at most MAX_PREDICTED of them: return-address prediction by
 * comparison, the common case for a function translated with its callers. A
 * computed target is compared with each candidate at run time, so a changed
 * table or an unexpected return address simply leaves through the
 * dispatcher. The backend branches to a linked block inside the region's
 * function, with registers still in locals and no directory lookup, and
 * counts the links against a budget so control still reaches the
 * dispatcher regularly. Invalidation stays sound because the code cache
 * drops a whole region when any page of it changes (translator.ts installs
 * every entry with the pages of all the region's blocks).
 */
import { constOf, type Block } from "../ir.ts";

/** Return sites compared against a computed target, at most. */
const MAX_PREDICTED = 4;

export function linkBlocks(blocks: Block[]): void {
  const starts = new Set(blocks.map((b) => b.start >>> 0));
  const returnSites = blocks.filter((b) => b.endsInCall && starts.has((b.start + b.length) >>> 0)).map((b) => (b.start + b.length) >>> 0);
  for (const b of blocks) {
    for (const o of b.ops) {
      if (o.op !== "exit" && o.op !== "exitif") continue;
      const target = constOf(b, o.target);
      if (target !== undefined) { if (starts.has(target)) o.links = [target]; }
      else if (b.jumpTable) o.links = b.jumpTable.filter((t) => starts.has(t));
      else if (returnSites.length && returnSites.length <= MAX_PREDICTED) o.links = returnSites;
    }
  }
}
