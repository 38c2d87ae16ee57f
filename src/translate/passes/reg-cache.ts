/**
 * reg-cache: keeps the guest's general registers in WebAssembly locals for
 * the whole translation unit instead of in the register file in concealed
 * memory. Every register the block touches is loaded once on entry
 * (`cacheregs`); every register it writes is stored back before each exit
 * (`flushregs`) and on the bail-out path (the backend flushes the same set).
 * Loading all of them on entry keeps every local valid at every bail point,
 * so a bail-out writes back exactly the state before the bailing
 * instruction. Segment bases and flags stay in memory. Around an `interp`
 * call the backend stores the written registers and reloads all cached
 * ones, since the interpreter's executor works on the register file.
 */
import type { Block, Op } from "../ir.ts";

export function regCache(block: Block): void {
  const used = new Set<number>(), written = new Set<number>();
  for (const o of block.ops) {
    if (o.op === "getreg" && o.reg < 8) used.add(o.reg);
    if (o.op === "setreg" && o.reg < 8) { used.add(o.reg); written.add(o.reg); }
  }
  if (!used.size) return;
  const flush = [...written].sort();
  const out: Op[] = [{ op: "cacheregs", regs: [...used].sort() }];
  for (const o of block.ops) {
    if ((o.op === "exit" || o.op === "exitif") && flush.length) out.push({ op: "flushregs", regs: flush });
    out.push(o);
  }
  block.ops = out;
  block.cached = used;
}
