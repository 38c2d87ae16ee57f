/**
 * Control transfer: jcc/jmp/call/ret/loop/jecxz, setcc and cmovcc (which
 * share the condition codes), and the software interrupts: int 0x80 enters
 * the Linux layer, any other trap becomes the signal Linux would deliver.
 */
import type { Insn } from "../../isa/decode.ts";
import type { Machine } from "../machine.ts";
import { condition, zero } from "../flags.ts";
import { GuestFault, SIGSEGV, SIGTRAP, SIGILL } from "../../core/fault.ts";
import { R_ECX, R_ESP, S_EIP } from "../../core/layout.ts";
import { pop, push } from "./data.ts";
import { K_E } from "../../isa/table.ts";

const cc = (i: Insn) => i.row.opcode & 15;

function branchTo(m: Machine, i: Insn, target: number): void {
  m.next = i.osz16 ? target & 0xffff : target >>> 0;
}

function loop(kind: "loop" | "loope" | "loopne") {
  return (m: Machine, i: Insn): void => {
    const c = i.asz16 ? (m.w[R_ECX << 1] = m.w[R_ECX << 1] - 1) : (m.s[R_ECX] = m.s[R_ECX] - 1);
    const z = kind === "loop" ? true : kind === "loope" ? zero(m.s) === 1 : zero(m.s) === 0;
    if (c !== 0 && z) m.next = i.target;
  };
}

export const controlExecutors = {
  ...Object.fromEntries(["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"].flatMap((c) => [
    [`j${c}`, (m: Machine, i: Insn) => { if (condition(m.s, cc(i))) m.next = i.target; }],
    [`set${c}`, (m: Machine, i: Insn) => m.put(i, i.k0, 0, condition(m.s, cc(i)) ? 1 : 0)],
    [`cmov${c}`, (m: Machine, i: Insn) => { const v = m.get(i, i.k1, i.sz); if (condition(m.s, cc(i))) m.setReg(i.sz, i.reg, v); }],
  ])),
  jmp(m: Machine, i: Insn): void {
    branchTo(m, i, i.k0 === K_E ? m.get(i, i.k0, i.sz) : i.target);
  },
  call(m: Machine, i: Insn): void {
    const t = i.k0 === K_E ? m.get(i, i.k0, i.sz) : i.target;
    push(m, i.sz, i.next);
    branchTo(m, i, t);
  },
  ret(m: Machine, i: Insn): void {
    const t = pop(m, i.sz);
    if (i.k0) m.s[R_ESP] = (m.s[R_ESP] + (i.imm & 0xffff)) | 0;
    branchTo(m, i, t);
  },
  loop: loop("loop"),
  loope: loop("loope"),
  loopne: loop("loopne"),
  jecxz(m: Machine, i: Insn): void {
    if ((i.asz16 ? m.w[R_ECX << 1] : m.s[R_ECX]) === 0) m.next = i.target;
  },
  int(m: Machine, i: Insn): void {
    if ((i.imm & 0xff) !== 0x80) throw new GuestFault(SIGSEGV, i.addr, `int 0x${(i.imm & 0xff).toString(16)}: general protection`);
    m.s[S_EIP] = i.next;
    const t0 = performance.now();
    m.host.syscall();
    m.syscallMs += performance.now() - t0;
    // The call may have moved EIP: into a signal handler, or back from one (sigreturn).
    m.next = m.s[S_EIP] >>> 0;
  },
  int3(_m: Machine, i: Insn): void {
    throw new GuestFault(SIGTRAP, i.addr, "breakpoint (int3)");
  },
  int1(_m: Machine, i: Insn): void {
    throw new GuestFault(SIGTRAP, i.addr, "debug trap (int1)");
  },
  into(m: Machine, i: Insn): void {
    if (condition(m.s, 0)) throw new GuestFault(SIGSEGV, i.addr, "overflow trap (into)");
  },
  ud2(_m: Machine, i: Insn): void {
    throw new GuestFault(SIGILL, i.addr, "undefined instruction (ud2)");
  },
};
