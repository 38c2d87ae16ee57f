/**
 * reg-cache: keeps the guest's general registers in WebAssembly locals for
 * the whole region (one function of a translation module) instead of in
 * the register file in concealed memory. The pass marks the registers each block touches (`Block.cached`);
 * the backend loads every register cached by any block of the region once
 * when translated code is entered, stores the ones written back wherever it
 * leaves (each exit to the dispatcher and the bail-out path), and keeps them
 * in locals across the region's linked branches (link-blocks). Loading all
 * of them on entry keeps every local valid at every bail point, so a
 * bail-out writes back exactly the state before the bailing instruction.
 * Segment bases and flags stay in memory. Around an `interp` call the
 * backend stores the written registers and reloads all cached ones, since
 * the interpreter's executor works on the register file.
 */
import type { Block } from "../ir.ts";

export function regCache(block: Block): void {
  for (const o of block.ops) if ((o.op === "getreg" || o.op === "setreg") && o.reg < 8) block.cached.add(o.reg);
}
