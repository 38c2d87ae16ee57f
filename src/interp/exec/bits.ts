/**
 * Bit instructions: bt/bts/btr/btc (a register or immediate bit offset; with
 * a register offset and a memory operand the offset is signed and may reach
 * outside the addressed word), bsf/bsr, bswap.
 */
import type { Insn } from "../../isa/decode.ts";
import type { Machine } from "../machine.ts";
import { K_IMM } from "../../isa/table.ts";
import { CF, ZF, updateFlags } from "../flags.ts";

/** Bit-test family; op: 0 test, 1 set, 2 reset, 3 complement. */
function bitTest(op: number) {
  return (m: Machine, i: Insn): void => {
    const sz = i.sz, bits = sz === 2 ? 32 : 16;
    const off = m.get(i, i.k1, sz);
    let v: number, bit: number, addr = 0;
    const inReg = i.mod === 3;
    if (inReg || i.k1 === K_IMM) {
      bit = off & (bits - 1);
      v = m.get(i, i.k0, sz);
      addr = m.addr;
    } else {
      const signedOff = sz === 2 ? off | 0 : (off << 16) >> 16;
      addr = (m.ea(i) + (Math.floor(signedOff / bits) * (bits / 8))) | 0;
      bit = signedOff & (bits - 1);
      v = m.load(sz, addr);
    }
    const cf = (v >>> bit) & 1;
    if (op !== 0) {
      const r = op === 1 ? v | (1 << bit) : op === 2 ? v & ~(1 << bit) : v ^ (1 << bit);
      if (inReg) m.setReg(sz, i.rm, r);
      else m.store(sz, addr, r);
    }
    updateFlags(m.s, CF, cf);
  };
}

function bitScan(reverse: boolean) {
  return (m: Machine, i: Insn): void => {
    const v = m.get(i, i.k1, i.sz) >>> 0;
    if (v === 0) { updateFlags(m.s, ZF, ZF); return; }
    const r = reverse ? 31 - Math.clz32(v) : 31 - Math.clz32(v & -v);
    m.setReg(i.sz, i.reg, r);
    updateFlags(m.s, ZF, 0);
  };
}

export const bitExecutors = {
  bt: bitTest(0),
  bts: bitTest(1),
  btr: bitTest(2),
  btc: bitTest(3),
  bsf: bitScan(false),
  bsr: bitScan(true),
  bswap(m: Machine, i: Insn): void {
    const v = m.s[i.rm];
    m.s[i.rm] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  },
};
