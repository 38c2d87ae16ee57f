/**
 * What a translation module imports from the VMM (besides the memory): the
 * interpreter's executors for the instructions a block leaves to the
 * interpreter (interp operations). Freshly translated modules
 * (translator.ts) and modules recalled from the persistent cache
 * (recall.ts) are instantiated with the same imports.
 */
import type { Insn } from "../isa/decode.ts";
import { GuestFault } from "../core/fault.ts";
import type { Machine } from "../interp/machine.ts";
import { executorFor } from "../interp/dispatch.ts";
import { specialize } from "../interp/fast.ts";
import { INTERP_DONE, INTERP_FAULT, INTERP_SMC } from "./ir.ts";

export interface VmmImports {
  interp: (n: number, k: number) => number;
}

/**
 * The imports over the interpreter's machine m: interp(n, k) runs insns[n][k], instruction k of
 * the module's block n (insns is read at each call, so a recalled module's blocks may be filled
 * in as they are installed).
 */
export function vmmImports(m: Machine, insns: readonly (readonly Insn[])[]): VmmImports {
  return {
    interp: (n, k) => interpret(m, insns[n][k]),
  };
}

/**
 * Runs one instruction with the executor the interpreter would bind. A guest
 * fault is reported, not thrown: the translation bails out and the
 * interpreter re-runs the instruction, faulting with its own precise state.
 * A store into code (which already invalidated the page) is reported too,
 * so the translation hands over to the interpreter after the instruction.
 */
function interpret(m: Machine, i: Insn): number {
  try {
    (i.exec ??= specialize(i) ?? executorFor(i.row))(m, i);
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    m.smc = false;
    return INTERP_FAULT;
  }
  if (!m.smc) return INTERP_DONE;
  m.smc = false;
  return INTERP_SMC;
}
