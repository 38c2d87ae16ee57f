/**
 * SSE/SSE2 floating-point executors: arithmetic, min/max, sqrt, rcp/rsqrt and
 * compares over the four lane shapes (ss ps sd pd), comis/ucomis, logic,
 * unpacks and shuffles, the float moves and movmsk, and ldmxcsr/stmxcsr.
 * Conversions are in sse-convert.ts. The numerics (rounding per MXCSR,
 * exception flags, NaN rules, the fast and exact paths) live in
 * interp/sse-math.ts, state and operand access in interp/sse.ts. Packed
 * forms with a 16-byte memory operand require alignment (SIGSEGV as #GP)
 * except movups/movupd; scalar forms write their low lane only.
 */
import type { Insn } from "../../isa/decode.ts";
import { GuestFault, SIGSEGV } from "../../core/fault.ts";
import { AF, CF, OF, PF, SF, ZF, updateFlags } from "../flags.ts";
import type { Machine } from "../machine.ts";
import {
  approxLane, ARITH, begin, binaryLane, commit, compareLane, F32, F64, type Fmt, minMaxLane, unaryLane,
} from "../sse-math.ts";
import { getXmm, loadDwords, loadW, MXCSR_MASK, putXmm, storeDwords } from "../sse.ts";

type X = (m: Machine, i: Insn) => void;

/**
 * Scratch vectors, so no instruction allocates: D the destination (V's old
 * value, then the result), S the source, R a result built from both. Each is
 * copied back only after everything that can fault has run.
 */
export const D = new Int32Array(4), S = new Int32Array(4), R = new Int32Array(4);
export const DV = new DataView(D.buffer), SV = new DataView(S.buffer);

/** Copies n dwords. */
function copy(d: Int32Array, dOff: number, s: Int32Array, sOff: number, n: number): void {
  for (let k = 0; k < n; k++) d[dOff + k] = s[sOff + k];
}

/** Lane shapes by mnemonic suffix: format and lane count. */
const SHAPES: Record<string, { f: Fmt; n: number }> = {
  ss: { f: F32, n: 1 }, ps: { f: F32, n: 4 }, sd: { f: F64, n: 1 }, pd: { f: F64, n: 2 },
};

/** A lane operation d@o = op(d@o, s@o) in format f; imm is the instruction's immediate. */
type Lane = (f: Fmt, d: DataView, s: DataView, o: number, imm: number) => void;

/** V = lane(V, W) over the shape's lanes (a scalar keeps V's upper lanes), with MXCSR flags. */
function lanewise(lane: Lane, f: Fmt, n: number): X {
  return (m, i) => {
    const sse = m.sse;
    loadW(m, sse, i, S, f.w * n, n > 1);
    getXmm(sse, i.reg, D);
    begin(sse);
    for (let o = 0; o < f.w * n; o += f.w) lane(f, DV, SV, o, i.imm);
    commit(sse, i);
    putXmm(sse, i.reg, D);
  };
}

/** cmpps predicates 0-7 (eq lt le unord neq nlt nle ord): bit r+1 set when true for compare result r. */
const PREDICATES = [0b0010, 0b0001, 0b0011, 0b1000, 0b1101, 0b1110, 0b1100, 0b0111];
/** Predicates that raise IE for a quiet NaN too (lt le nlt nle). */
const SIGNALING = 0b01100110;

const compareMask: Lane = (f, d, s, o, imm) => {
  const k = imm & 7, r = compareLane(f, d, s, o, ((SIGNALING >> k) & 1) === 1);
  const v = (PREDICATES[k] >> (r + 1)) & 1 ? -1 : 0;
  for (let b = 0; b < f.w; b += 4) d.setInt32(o + b, v, true);
};

/** comiss/ucomiss/comisd/ucomisd: ZF PF CF from the compare (all set when unordered), OF SF AF cleared. */
function comis(f: Fmt, signaling: boolean): X {
  return (m, i) => {
    const sse = m.sse;
    loadW(m, sse, i, S, f.w);
    getXmm(sse, i.reg, D);
    begin(sse);
    const r = compareLane(f, DV, SV, 0, signaling);
    commit(sse, i);
    updateFlags(m.s, ZF | PF | CF | OF | SF | AF, r === 2 ? ZF | PF | CF : r === 0 ? ZF : r < 0 ? CF : 0);
  };
}

/** Bitwise V = fn(V, W) over 128 bits. */
function logic(fn: (a: number, b: number) => number): X {
  return (m, i) => {
    const sse = m.sse;
    loadW(m, sse, i, S, 16, true);
    getXmm(sse, i.reg, D);
    for (let k = 0; k < 4; k++) D[k] = fn(D[k], S[k]);
    putXmm(sse, i.reg, D);
  };
}

/**
 * Lane permutations of V and W into R, lanes of w bytes: pick(j) names
 * result lane j's source (0: V, 1: W) and lane there.
 */
function permute(w: number, pick: (j: number, imm: number, n: number) => [number, number]): X {
  const dw = w >> 2, n = 16 / w;
  return (m, i) => {
    const sse = m.sse;
    loadW(m, sse, i, S, 16, true);
    getXmm(sse, i.reg, D);
    for (let j = 0; j < n; j++) {
      const [fromW, lane] = pick(j, i.imm, n);
      copy(R, j * dw, fromW ? S : D, lane * dw, dw);
    }
    putXmm(sse, i.reg, R);
  };
}
/** unpck: interleaves the low (high) halves of V and W. */
const unpack = (w: number, high: boolean) => permute(w, (j, _imm, n) => [j & 1, (j >> 1) + (high ? n / 2 : 0)]);
/** shuf: the low half of the result from V, the high half from W, each lane chosen by a field of the immediate. */
const shuffle = (w: number) => permute(w, (j, imm, n) => [j >= n / 2 ? 1 : 0, (imm >> (j * (n >> 1))) & (n - 1)]);

/** Whether the row is the load form (destination V) of a move. */
const loads = (i: Insn) => i.row.ops[0][0] === "V";

/**
 * movaps/movups/movapd/movupd/movntps/movntpd (n = 16, align: aligned memory
 * operand required) and movss/movsd (n = 4, 8: a load from memory zero-fills
 * the upper lanes, a register-to-register move keeps them).
 */
function move(n: number, align: boolean): X {
  return (m, i) => {
    const sse = m.sse;
    if (loads(i)) {
      loadW(m, sse, i, S, n, align);
      if (i.mod === 3 && n < 16) {
        getXmm(sse, i.reg, D);
        copy(D, 0, S, 0, n >> 2);
        putXmm(sse, i.reg, D);
      } else putXmm(sse, i.reg, S);
      return;
    }
    getXmm(sse, i.reg, S);
    if (i.mod !== 3) return storeDwords(m, i, m.ea(i), S, 0, n, align);
    getXmm(sse, i.rm, D);
    copy(D, 0, S, 0, n >> 2);
    putXmm(sse, i.rm, D);
  };
}

/** movlps/movlpd/movhps/movhpd: 64-bit loads and stores of V's low (high) half. */
function moveHalf(high: boolean): X {
  const o = high ? 2 : 0;
  return (m, i) => {
    const sse = m.sse;
    getXmm(sse, i.reg, D);
    if (!loads(i)) return storeDwords(m, i, m.ea(i), D, o, 8);
    loadDwords(m, i, m.ea(i), D, o, 8);
    putXmm(sse, i.reg, D);
  };
}

/** movhlps (V low = U high) and movlhps (V high = U low). */
function moveHalfReg(toHigh: boolean): X {
  return (m, i) => {
    const sse = m.sse;
    getXmm(sse, i.rm, S);
    getXmm(sse, i.reg, D);
    copy(D, toHigh ? 2 : 0, S, toHigh ? 0 : 2, 2);
    putXmm(sse, i.reg, D);
  };
}

/** movmskps/movmskpd: the sign bits of the lanes (w bytes) into a general register. */
function moveMask(w: number): X {
  const dw = w >> 2;
  return (m, i) => {
    getXmm(m.sse, i.rm, S);
    let r = 0;
    for (let j = 0; j < 4 / dw; j++) r |= (S[j * dw + dw - 1] >>> 31) << j;
    m.setReg(2, i.reg, r);
  };
}

export const sseFloatExecutors: Record<string, X> = {
  andps: logic((a, b) => a & b), andnps: logic((a, b) => ~a & b), orps: logic((a, b) => a | b), xorps: logic((a, b) => a ^ b),
  unpcklps: unpack(4, false), unpckhps: unpack(4, true), unpcklpd: unpack(8, false), unpckhpd: unpack(8, true),
  shufps: shuffle(4), shufpd: shuffle(8),
  movaps: move(16, true), movapd: move(16, true), movntps: move(16, true), movntpd: move(16, true),
  movups: move(16, false), movupd: move(16, false), movss: move(4, false), "movsd.v": move(8, false),
  movlps: moveHalf(false), movlpd: moveHalf(false), movhps: moveHalf(true), movhpd: moveHalf(true),
  movhlps: moveHalfReg(false), movlhps: moveHalfReg(true),
  movmskps: moveMask(4), movmskpd: moveMask(8),
  comiss: comis(F32, true), ucomiss: comis(F32, false), comisd: comis(F64, true), ucomisd: comis(F64, false),
  ldmxcsr(m, i) {
    const v = m.ld32(m.ea(i));
    if (v & ~MXCSR_MASK) throw new GuestFault(SIGSEGV, i.addr, `ldmxcsr: reserved MXCSR bits in 0x${(v >>> 0).toString(16)}`);
    m.sse.mxcsr = v;
  },
  stmxcsr(m, i) { m.st32(m.ea(i), m.sse.mxcsr); },
};

for (const op of ["and", "andn", "or", "xor"]) sseFloatExecutors[`${op}pd`] = sseFloatExecutors[`${op}ps`];
for (const [sfx, { f, n }] of Object.entries(SHAPES)) {
  for (const [name, op] of Object.entries(ARITH)) {
    const lane = name === "sqrt" ? unaryLane : binaryLane;
    sseFloatExecutors[`${name}${sfx}`] = lanewise((g, d, s, o) => lane(op, g, d, s, o), f, n);
  }
  sseFloatExecutors[`min${sfx}`] = lanewise((g, d, s, o) => minMaxLane(false, g, d, s, o), f, n);
  sseFloatExecutors[`max${sfx}`] = lanewise((g, d, s, o) => minMaxLane(true, g, d, s, o), f, n);
  sseFloatExecutors[sfx === "sd" ? "cmpsd.v" : `cmp${sfx}`] = lanewise(compareMask, f, n);
  if (f === F32) {
    sseFloatExecutors[`rcp${sfx}`] = lanewise((_g, d, s, o) => approxLane(false, d, s, o), f, n);
    sseFloatExecutors[`rsqrt${sfx}`] = lanewise((_g, d, s, o) => approxLane(true, d, s, o), f, n);
  }
}
