/**
 * Shifts and rotates (rol ror rcl rcr shl/sal shr sar) and the double shifts
 * shld/shrd. Counts are masked to five bits; a masked count of zero changes
 * nothing, not even flags. Shifts set flags lazily; rotates and double shifts
 * compute theirs eagerly (their OF/CF rules do not fit the lazy kinds).
 */
import type { Insn } from "../../isa/decode.ts";
import type { Machine } from "../machine.ts";
import { CF, K_SAR, K_SHL, K_SHR, OF, PF, SF, ZF, materializeFlags, setFlagsFrom, setLazy, SIZE_BITS, SIZE_MASK } from "../flags.ts";

const sext = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);

function shift(kind: number) {
  return (m: Machine, i: Insn): void => {
    const sz = i.sz, bits = SIZE_BITS[sz], mask = SIZE_MASK[sz];
    const a = m.get(i, i.k0, sz);
    const c = m.get(i, i.k1, sz) & 31;
    if (c === 0) return;
    const r = kind === K_SHL ? (a << c) & mask : kind === K_SHR ? ((a & mask) >>> c) & mask : (sext(a, bits) >> c) & mask;
    m.update(i, i.k0, sz, r);
    setLazy(m.s, kind, sz, r, a & mask, c);
  };
}

function rotate(left: boolean, throughCarry: boolean) {
  return (m: Machine, i: Insn): void => {
    const sz = i.sz, bits = SIZE_BITS[sz], mask = SIZE_MASK[sz], msb = bits - 1;
    const a = m.get(i, i.k0, sz) & mask;
    const raw = m.get(i, i.k1, sz) & 31;
    if (raw === 0) return;
    const flags = materializeFlags(m.s);
    let cf = flags & CF, r = a >>> 0;
    if (throughCarry) {
      const c = sz === 2 ? raw : raw % (bits + 1);
      if (c === 0) return;
      for (let k = 0; k < c; k++) {
        const out = left ? (r >>> msb) & 1 : r & 1;
        r = left ? ((r << 1) | cf) & mask : ((r >>> 1) | (cf << msb)) & mask;
        cf = out;
      }
    } else {
      const c = raw % bits;
      r = c === 0 ? r : (left ? (r << c) | (r >>> (bits - c)) : (r >>> c) | (r << (bits - c))) & mask;
      cf = left ? r & 1 : (r >>> msb) & 1;
    }
    r >>>= 0;
    const top = (r >>> msb) & 1;
    const of = left ? top ^ cf : top ^ ((r >>> (msb - 1)) & 1);
    m.update(i, i.k0, sz, r);
    setFlagsFrom(m.s, (flags & ~(CF | OF)) | cf | (of << 11));
  };
}

/** shld/shrd: the destination is shifted with bits of the source filling in; 16-bit counts above 16 see dest:src:dest. */
function doubleShift(left: boolean) {
  return (m: Machine, i: Insn): void => {
    const sz = i.sz, bits = SIZE_BITS[sz];
    const a = m.get(i, i.k0, sz) >>> 0;
    const b = m.get(i, i.k1, sz) >>> 0;
    const c = m.get(i, i.k2, sz) & 31;
    if (c === 0) return;
    let r: number, cf: number;
    if (sz === 2) {
      r = left ? (a << c) | (b >>> (32 - c)) : (a >>> c) | (b << (32 - c));
      cf = left ? (a >>> (32 - c)) & 1 : (a >>> (c - 1)) & 1;
    } else {
      const wide = (BigInt(a) << 32n) | (BigInt(b) << 16n) | BigInt(a), n = BigInt(c);
      r = Number((left ? wide << n >> 32n : wide >> n) & 0xffffn);
      cf = Number((left ? wide << n >> 48n : wide >> (n - 1n)) & 1n);
    }
    r = (r & SIZE_MASK[sz]) >>> 0;
    const sign = (r >>> (bits - 1)) & 1;
    const of = sign ^ ((a >>> (bits - 1)) & 1);
    m.update(i, i.k0, sz, r);
    let f = materializeFlags(m.s) & ~(CF | OF | ZF | SF | PF | 0x10);
    f |= cf | (of << 11) | (r === 0 ? ZF : 0) | (sign ? SF : 0) | parityBit(r);
    setFlagsFrom(m.s, f);
  };
}

function parityBit(v: number): number {
  let p = 1;
  for (let x = v & 0xff; x; x >>= 1) p ^= x & 1;
  return p ? PF : 0;
}

export const shiftExecutors = {
  shl: shift(K_SHL),
  sal: shift(K_SHL),
  shr: shift(K_SHR),
  sar: shift(K_SAR),
  rol: rotate(true, false),
  ror: rotate(false, false),
  rcl: rotate(true, true),
  rcr: rotate(false, true),
  shld: doubleShift(true),
  shrd: doubleShift(false),
};
