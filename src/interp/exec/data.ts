/**
 * Data movement: mov and its extending forms, lea, xchg/xadd/cmpxchg,
 * the stack (push/pop/pusha/popa/enter/leave), conversions (cbw..cdq),
 * bswap lives in bits.ts. Stack pushes write memory before ESP moves, so a
 * faulting push leaves ESP unchanged.
 */
import type { Insn } from "../../isa/decode.ts";
import type { Machine } from "../machine.ts";
import { K_FIXED_SREG, K_SREG } from "../../isa/table.ts";
import { alu } from "./alu.ts";
import { K_SUB, setLazy, SIZE_MASK, ZF, updateFlags } from "../flags.ts";
import { R_EAX, R_EBP, R_EBX, R_ECX, R_EDX, R_ESP } from "../../core/layout.ts";

const SREG_INDEX: Record<string, number> = { ES: 0, CS: 1, SS: 2, DS: 3, FS: 4, GS: 5 };

export function push(m: Machine, sz: number, v: number): void {
  const sp = (m.s[R_ESP] - (sz === 2 ? 4 : 2)) | 0;
  m.store(sz, sp, v);
  m.s[R_ESP] = sp;
}

export function pop(m: Machine, sz: number): number {
  const v = m.load(sz, m.s[R_ESP]);
  m.s[R_ESP] = (m.s[R_ESP] + (sz === 2 ? 4 : 2)) | 0;
  return v;
}

function sregOf(i: Insn, k: number): number {
  return k === K_FIXED_SREG ? SREG_INDEX[i.row.ops[0]] : i.reg;
}

export const dataExecutors = {
  mov(m: Machine, i: Insn): void {
    if (i.k0 === K_SREG) {
      m.cpu.loadSegment(i.reg, m.get(i, i.k1, 1), i.addr);
      return;
    }
    // mov r/m, sreg stores 16 bits to memory but the whole (zero-extended) register.
    const sz = i.k1 === K_SREG && i.mod !== 3 ? 1 : i.sz;
    m.put(i, i.k0, sz, m.get(i, i.k1, sz));
  },
  movzx(m: Machine, i: Insn): void {
    m.setReg(i.sz, i.reg, m.get(i, i.k1, i.row.ops[1] === "Eb" ? 0 : 1));
  },
  movsx(m: Machine, i: Insn): void {
    const byte = i.row.ops[1] === "Eb", v = m.get(i, i.k1, byte ? 0 : 1);
    m.setReg(i.sz, i.reg, byte ? (v << 24) >> 24 : (v << 16) >> 16);
  },
  lea(m: Machine, i: Insn): void {
    let a = i.disp;
    if (i.base >= 0) a += m.s[i.base];
    if (i.index >= 0) a += m.s[i.index] << i.scale;
    m.setReg(i.sz, i.reg, i.asz16 ? a & 0xffff : a);
  },
  xchg(m: Machine, i: Insn): void {
    if (!i.k0) return; // 90: nop
    const a = m.get(i, i.k0, i.sz), b = m.get(i, i.k1, i.sz);
    m.update(i, i.k0, i.sz, b);
    m.put(i, i.k1, i.sz, a);
  },
  xadd(m: Machine, i: Insn): void {
    const a = m.get(i, i.k0, i.sz), b = m.get(i, i.k1, i.sz);
    const r = alu(m.s, 0, i.sz, a, b);
    m.update(i, i.k0, i.sz, r);
    m.setReg(i.sz, i.reg, a);
  },
  cmpxchg(m: Machine, i: Insn): void {
    const sz = i.sz, a = m.get(i, i.k0, sz), acc = m.reg(sz, R_EAX), mask = SIZE_MASK[sz];
    const equal = ((acc ^ a) & mask) === 0;
    m.update(i, i.k0, sz, equal ? m.reg(sz, i.reg) : a);
    if (!equal) m.setReg(sz, R_EAX, a);
    setLazy(m.s, K_SUB, sz, (acc - a) & mask, acc, a);
  },
  cmpxchg8b(m: Machine, i: Insn): void {
    const addr = m.ea(i), lo = m.load(2, addr), hi = m.load(2, addr + 4);
    const s = m.s, equal = lo === s[R_EAX] && hi === s[R_EDX];
    if (equal) { m.store(2, addr, s[R_EBX]); m.store(2, addr + 4, s[R_ECX]); }
    else { m.store(2, addr, lo); m.store(2, addr + 4, hi); s[R_EAX] = lo; s[R_EDX] = hi; }
    updateFlags(s, ZF, equal ? ZF : 0);
  },
  push(m: Machine, i: Insn): void {
    if (i.k0 === K_FIXED_SREG) { push(m, i.osz16 ? 1 : 2, m.get(i, i.k0, 1)); return; }
    push(m, i.sz, m.get(i, i.k0, i.sz));
  },
  pop(m: Machine, i: Insn): void {
    if (i.k0 === K_FIXED_SREG) {
      const v = m.load(i.osz16 ? 1 : 2, m.s[R_ESP]);
      m.cpu.loadSegment(sregOf(i, i.k0), v, i.addr);
      m.s[R_ESP] = (m.s[R_ESP] + (i.osz16 ? 2 : 4)) | 0;
      return;
    }
    const sp = m.s[R_ESP], v = pop(m, i.sz);
    try {
      m.put(i, i.k0, i.sz, v);
    } catch (e) {
      m.s[R_ESP] = sp;
      throw e;
    }
  },
  pushad(m: Machine, i: Insn): void {
    const sz = i.sz, n = sz === 2 ? 4 : 2, sp = m.s[R_ESP];
    for (let r = 0; r < 8; r++) m.store(sz, sp - n * (r + 1), r === R_ESP ? sp : m.reg(sz, r));
    m.s[R_ESP] = sp - 8 * n;
  },
  popad(m: Machine, i: Insn): void {
    const sz = i.sz, n = sz === 2 ? 4 : 2, sp = m.s[R_ESP];
    const vals = Array.from({ length: 8 }, (_, k) => m.load(sz, sp + n * k));
    for (let r = 0; r < 8; r++) if (7 - r !== R_ESP) m.setReg(sz, 7 - r, vals[r]);
    m.s[R_ESP] = sp + 8 * n;
  },
  enter(m: Machine, i: Insn): void {
    const sz = i.sz, n = sz === 2 ? 4 : 2, level = i.imm2 & 31, s = m.s;
    const ebp = s[R_EBP], sp0 = s[R_ESP];
    try {
      push(m, sz, m.reg(sz, R_EBP));
      const frame = s[R_ESP];
      for (let k = 1; k < level; k++) push(m, sz, m.load(sz, ebp - k * n));
      if (level > 0) push(m, sz, frame);
      m.setReg(sz, R_EBP, frame);
      s[R_ESP] = (s[R_ESP] - (i.imm & 0xffff)) | 0;
    } catch (e) {
      s[R_ESP] = sp0;
      s[R_EBP] = ebp;
      throw e;
    }
  },
  leave(m: Machine, i: Insn): void {
    const v = m.load(i.sz, m.s[R_EBP]);
    m.s[R_ESP] = (m.s[R_EBP] + (i.sz === 2 ? 4 : 2)) | 0;
    m.setReg(i.sz, R_EBP, v);
  },
  cwde(m: Machine, i: Insn): void {
    if (i.osz16) m.w[0] = (m.b[0] << 24) >> 24;
    else m.s[R_EAX] = (m.s[R_EAX] << 16) >> 16;
  },
  cdq(m: Machine, i: Insn): void {
    if (i.osz16) m.w[R_EDX << 1] = (m.w[0] & 0x8000) ? 0xffff : 0;
    else m.s[R_EDX] = m.s[R_EAX] >> 31;
  },
  xlatb(m: Machine, i: Insn): void {
    const base = i.asz16 ? (m.s[R_EBX] + m.b[0]) & 0xffff : m.s[R_EBX] + m.b[0];
    const seg = i.segOverride >= 4 ? m.cpu.segBase(i.segOverride) : 0;
    m.b[0] = m.load(0, base + seg);
  },
};
