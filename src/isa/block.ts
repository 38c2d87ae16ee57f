/**
 * The guest's basic block at the ISA level: the instructions decoded from an
 * EIP up to and including the first control transfer or `stop` row, at most
 * MAX_BLOCK_INSNS of them. The interpreter binds executors to them, the
 * translator lifts them, the tests do what the translator does; all three
 * decode through decodeBlock, so they agree on where a block ends.
 *
 * Bytes come through the caller's fetch function, which decides how a byte
 * that may not be executed fails (a guest fault, or a plain error). An error
 * while decoding the block's first instruction — the fetch's, or a
 * DecodeError — is thrown to the caller, which reports it. An error on a
 * later instruction ends the block just before that instruction; the block
 * starting there meets the same bytes first and reports it then, so a
 * fault is raised only if the guest actually reaches the instruction.
 */
import { decode, type Insn } from "./decode.ts";

/** Guest instructions in one block, at most (a translated block's retired count is bounded by it too). */
export const MAX_BLOCK_INSNS = 64;

/** Whether an instruction ends its block: control leaves the straight line after it. */
function endsBlock(insn: Insn): boolean {
  const attrs = insn.row.attrs;
  return attrs.has("stop") || attrs.has("jump") || attrs.has("call");
}

/** Decodes the block at eip; never empty (the first instruction's error is thrown). */
export function decodeBlock(fetch: (addr: number) => number, eip: number): Insn[] {
  const insns = [decode(fetch, eip)];
  while (insns.length < MAX_BLOCK_INSNS && !endsBlock(insns[insns.length - 1])) {
    try {
      insns.push(decode(fetch, insns[insns.length - 1].next));
    } catch {
      break;
    }
  }
  return insns;
}
