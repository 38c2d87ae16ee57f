/**
 * Binds each ISA row to its executor by mnemonic. Rows without one decode and
 * disassemble but raise SIGILL when run ("unimplemented"); rows marked sys
 * (privileged or I/O) raise SIGSEGV as a general-protection fault would.
 */
import type { Exec, Insn } from "../isa/decode.ts";
import type { OpRow } from "../isa/table.ts";
import { formatInsn } from "../isa/disasm.ts";
import { GuestFault, SIGILL, SIGSEGV } from "../core/fault.ts";
import { aluExecutors } from "./exec/alu.ts";
import { bitExecutors } from "./exec/bits.ts";
import { controlExecutors } from "./exec/control.ts";
import { dataExecutors } from "./exec/data.ts";
import { muldivExecutors } from "./exec/muldiv.ts";
import { shiftExecutors } from "./exec/shift.ts";
import { sseConvertExecutors } from "./exec/sse-convert.ts";
import { sseFloatExecutors } from "./exec/sse-float.ts";
import { sseIntExecutors } from "./exec/sse-int.ts";
import { stringExecutors } from "./exec/string.ts";
import { systemExecutors } from "./exec/system.ts";
import { x87Executors } from "./exec/x87.ts";

const EXECUTORS: Record<string, Exec> = {
  ...aluExecutors, ...bitExecutors, ...controlExecutors, ...dataExecutors,
  ...muldivExecutors, ...shiftExecutors, ...stringExecutors, ...systemExecutors,
  ...x87Executors, ...sseFloatExecutors, ...sseConvertExecutors, ...sseIntExecutors,
};

function privileged(_m: unknown, i: Insn): void {
  throw new GuestFault(SIGSEGV, i.addr, `privileged instruction '${formatInsn(i)}'`);
}

function unimplemented(_m: unknown, i: Insn): void {
  throw new GuestFault(SIGILL, i.addr, `unimplemented instruction '${formatInsn(i)}'`);
}

export function executorFor(row: OpRow): Exec {
  if (row.attrs.has("sys")) return privileged;
  return EXECUTORS[row.mnem] ?? unimplemented;
}
