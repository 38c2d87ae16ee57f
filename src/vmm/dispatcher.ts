/**
 * The dispatch loop: runs the guest block after block until it exits, and
 * turns what ends it — exit, fatal fault, --max-insns — into a status and at
 * most one line on stderr. Execution tiers plug in here: the loop asks each
 * tier, fastest first, to run the block at EIP.
 */
import { GuestExit, GuestFault, SIGSEGV } from "./fault.ts";
import { S_EIP } from "./layout.ts";
import { EXIT_INSN_LIMIT } from "./status.ts";
import type { Interpreter } from "../interp/interpreter.ts";
import { signalName } from "../interp/signals.ts";

const hex = (v: number) => (v >>> 0).toString(16).padStart(8, "0");

export interface DispatchOptions {
  maxInsns?: number;
  report: (line: string) => void;
}

/** Runs to the end of the guest; returns its exit status. */
export function dispatch(interp: Interpreter, opts: DispatchOptions): number {
  const s = interp.m.s;
  const limit = opts.maxInsns ?? Infinity;
  let eip = s[S_EIP] >>> 0;
  try {
    for (;;) {
      eip = interp.runBlock(eip);
      if (interp.retired >= limit) {
        s[S_EIP] = eip;
        opts.report(`cdvm: stopped after ${interp.retired} guest instructions (--max-insns) at eip 0x${hex(eip)}`);
        return EXIT_INSN_LIMIT;
      }
    }
  } catch (e) {
    if (e instanceof GuestExit) {
      if (e.message) opts.report(e.message);
      return e.status;
    }
    if (e instanceof GuestFault) {
      const at = s[S_EIP];
      const where = e.signal === SIGSEGV ? `, address 0x${hex(e.addr)}` : "";
      opts.report(`cdvm: guest killed by ${signalName(e.signal)} at eip 0x${hex(at)}${where}: ${e.reason}`);
      return 128 + e.signal;
    }
    throw e;
  }
}
