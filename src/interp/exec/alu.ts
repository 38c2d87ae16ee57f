/**
 * Integer arithmetic and logic: the eight ALU operations as one table indexed
 * by operation (the ModRM.reg order of opcodes 80-83), plus test, inc, dec,
 * neg and not. Every executor is size-generic.
 */
import type { Insn } from "../../isa/decode.ts";
import type { Machine } from "../machine.ts";
import { carry, K_ADC, K_ADD, K_DEC, K_INC, K_LOGIC, K_SBB, K_SUB, setIncDec, setLazy, SIZE_MASK } from "../flags.ts";
import { S_LAZY_CF } from "../../core/layout.ts";

export const ALU_OPS = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"] as const;

/** Computes op(a, b) at size sz, records its flags and returns the masked result. */
export function alu(s: Int32Array, op: number, sz: number, a: number, b: number): number {
  const m = SIZE_MASK[sz];
  let r: number;
  switch (op) {
    case 0: r = (a + b) & m; setLazy(s, K_ADD, sz, r, a, b); return r;
    case 1: r = (a | b) & m; setLazy(s, K_LOGIC, sz, r, 0, 0); return r;
    case 2: { const c = carry(s); r = (a + b + c) & m; s[S_LAZY_CF] = c; setLazy(s, K_ADC, sz, r, a, b); return r; }
    case 3: { const c = carry(s); r = (a - b - c) & m; s[S_LAZY_CF] = c; setLazy(s, K_SBB, sz, r, a, b); return r; }
    case 4: r = (a & b) & m; setLazy(s, K_LOGIC, sz, r, 0, 0); return r;
    case 6: r = (a ^ b) & m; setLazy(s, K_LOGIC, sz, r, 0, 0); return r;
    default: r = (a - b) & m; setLazy(s, K_SUB, sz, r, a, b); return r;
  }
}

function binary(op: number) {
  return (m: Machine, i: Insn): void => {
    const a = m.get(i, i.k0, i.sz);
    const r = alu(m.s, op, i.sz, a, m.get(i, i.k1, i.sz));
    if (op !== 7) m.update(i, i.k0, i.sz, r);
  };
}

export const aluExecutors = {
  ...Object.fromEntries(ALU_OPS.map((name, op) => [name, binary(op)])),
  test(m: Machine, i: Insn): void {
    alu(m.s, 4, i.sz, m.get(i, i.k0, i.sz), m.get(i, i.k1, i.sz));
  },
  inc(m: Machine, i: Insn): void {
    const a = m.get(i, i.k0, i.sz), r = (a + 1) & SIZE_MASK[i.sz];
    m.update(i, i.k0, i.sz, r);
    setIncDec(m.s, K_INC, i.sz, r, a);
  },
  dec(m: Machine, i: Insn): void {
    const a = m.get(i, i.k0, i.sz), r = (a - 1) & SIZE_MASK[i.sz];
    m.update(i, i.k0, i.sz, r);
    setIncDec(m.s, K_DEC, i.sz, r, a);
  },
  neg(m: Machine, i: Insn): void {
    const a = m.get(i, i.k0, i.sz), r = -a & SIZE_MASK[i.sz];
    m.update(i, i.k0, i.sz, r);
    setLazy(m.s, K_SUB, i.sz, r, 0, a);
  },
  not(m: Machine, i: Insn): void {
    m.update(i, i.k0, i.sz, ~m.get(i, i.k0, i.sz));
  },
};
