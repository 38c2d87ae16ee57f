/**
 * dead-flags: removes flag records that nothing can observe.
 *
 * Every flag-setting instruction is lifted to a `setflags` that stores the
 * lazy flag state (interp/flags.ts). That state is observable by a later
 * `cond`, at every exit (the next block may read any flag), and at every
 * possible bail-out (a checked load or store, a checkrange or a guard: the
 * interpreter then resumes with the state as of that instruction). A `setflags` followed by another
 * `setflags` with none of those in between is dead. An `updflags` (rotates:
 * CF and OF only) is dead under the same rule — unless it writes a flag no
 * record holds (cld/std: DF) — but when kept it carries the
 * other flags over, so it observes the state before it; so does a conditional
 * `setflags` (shifts by CL, which leave the flags alone for a zero count). The ISA description's
 * flag columns say which instructions write flags; the lifter only emits
 * `setflags` for them, so this pass needs no per-instruction knowledge.
 * An `interp` call (an instruction run by the interpreter's executor) counts
 * as reading every flag (so does a `strop`, which may call it or bail out):
 * the executor may read them, and a fault in it bails out with the state
 * before it. The SSE and x87 operations that may
 * bail out or call the executor (xint, xload, xstore, xarith, xcvtt, xcomi, x87)
 * observe them too. The flags of xcomi and of an x87 fcomi are written by
 * the `updflags` (all six flags, conditional on the native path) the lifter
 * puts after it, which this pass treats like any conditional partial write.
 *
 * The same backward sweep drops side-effect-free operations whose result
 * nothing reads any more — above all the `cond` that computed the carry-in
 * of a dropped record (inc/dec/adc/sbb): a `cond` of lazy flags is a call
 * to the module's flag functions, and one that is dropped observes nothing,
 * so the record before it may die too.
 */
import { ARITH } from "../../interp/flags.ts";
import { readsInto, type Block, type Op } from "../ir.ts";

/** Operations that read the flags, or may leave the block (where the flags must be as the guest left them). Switches, not Sets: this runs for every operation translated. */
function observesFlags(o: Op): boolean {
  switch (o.op) {
    case "load": case "store": return !o.unchecked;
    case "cond": case "exit": case "exitif": case "checkrange": case "guard": case "div64": case "interp": case "strop":
    case "xint": case "xload": case "xstore": case "xarith": case "xcvtt": case "xcomi": case "x87": return true;
    default: return false;
  }
}
/** Operations with no effect but their result temporary. */
function pure(op: Op["op"]): boolean {
  switch (op) {
    case "const": case "getreg": case "bin": case "un": case "select": case "cond": return true;
    default: return false;
  }
}

export function deadFlags(block: Block): void {
  let live = true;
  const used: number[] = new Array(block.temps).fill(0), read = new Int32Array(5);
  const keep: boolean[] = new Array(block.ops.length).fill(true);
  for (let k = block.ops.length - 1; k >= 0; k--) {
    const o = block.ops[k];
    if (pure(o.op) && !used[(o as { dst: number }).dst]) keep[k] = false;
    else if (observesFlags(o)) live = true;
    else if (o.op === "setflags" && o.when === undefined) {
      keep[k] = live;
      live = false;
    } else if (o.op === "updflags" || o.op === "setflags") {
      // A partial write: dead when nothing observes it; if kept, it reads the flags it preserves. One of a
      // flag outside the record (cld/std: DF) always stays: no later record replaces that.
      keep[k] = live || (o.op === "updflags" && (o.mask & ~ARITH) !== 0);
    }
    if (!keep[k]) continue;
    for (let j = readsInto(o, read) - 1; j >= 0; j--) used[read[j]] = 1;
  }
  block.ops = block.ops.filter((_, k) => keep[k]);
}
