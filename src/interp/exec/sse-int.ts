/**
 * SSE2 integer executors on XMM registers, and the MMX forms of the same
 * mnemonics on MMX registers (the x87 registers' significands; sse.ts
 * getVec, putVec, loadSrc), with emms: moves between vector registers,
 * general registers and memory, logic, packed
 * add/sub/compare/min/max/shift/multiply, pack/unpack, shuffles, pmovmskb.
 * State and operand access: interp/sse.ts.
 *
 * A two-operand instruction copies its destination into the scratch vector
 * A and its source into B, computes R from them and copies R back, so
 * aliased operands need no care and a faulting source leaves the state as it
 * was. The scratch vectors are viewed as lanes of every width and signedness
 * (lanes(), laneView()); an op is a function of lane values, and the typed
 * arrays wrap what it returns to the lane width; an MMX form computes on the
 * low 8 bytes (ops that move data across lanes are told the vector's size).
 * Memory operands of 128-bit packed operations must be 16-byte aligned (else
 * SIGSEGV, as for #GP); movdqu, lddqu, movd, movq and MMX operands are not checked.
 */
import type { Insn } from "../../isa/decode.ts";
import { K_E, K_VREG } from "../../isa/table.ts";
import { GuestFault, SIGSEGV } from "../../core/fault.ts";
import { R_EDI } from "../../core/layout.ts";
import type { Machine } from "../machine.ts";
import { enterMmx, getMm, getVec, getXmm, loadSrc, loadW, putMm, putVec, putXmm, storeDwords } from "../sse.ts";

type X = (m: Machine, i: Insn) => void;
type Lanes = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;
type LaneOp = (a: number, b: number) => number;

/** A 16-byte scratch vector as lanes, indexed by laneView(bits, signed). */
function lanes(): Lanes[] {
  const b = new ArrayBuffer(16);
  return [new Uint8Array(b), new Int8Array(b), new Uint16Array(b), new Int16Array(b), new Uint32Array(b), new Int32Array(b)];
}
const laneView = (bits: number, signed: boolean): number => 2 * Math.log2(bits / 8) + (signed ? 1 : 0);
const U8 = 0, U16 = 2, I16 = 3, U32 = 4, I32 = 5;

/** The destination's old value, the source, the result. */
const A = lanes(), B = lanes(), R = lanes();
const A32 = A[I32] as Int32Array, B32 = B[I32] as Int32Array, R32 = R[I32] as Int32Array;

// ---- operands ----------------------------------------------------------------

/**
 * V = f(V, W) with W an XMM register or aligned m128 (P = f(P, Q) for an MMX form); f reads A, B,
 * the immediate and the vector's size in bytes (16, or 8 for MMX), and fills R.
 */
function binary(f: (imm: number, bytes: number) => void): X {
  return (m, i) => {
    loadSrc(m, i, B32, 16, true);
    getVec(m, i, i.reg, A32);
    f(i.imm, i.row.mmx ? 8 : 16);
    putVec(m, i, i.reg, R32);
  };
}

// ---- moves -------------------------------------------------------------------

/**
 * movdqa/movdqu/lddqu/movntdq/movq: n bytes from W to V (load form) or from V
 * to W; an XMM destination is zero-extended past n bytes.
 */
function move(n: number, align: boolean): X {
  return (m, i) => {
    if (i.row.mmx) return moveMm(m, i);
    const s = m.sse;
    if (i.k0 === K_VREG) {
      loadW(m, s, i, B32, n, align);
      if (n < 16 && i.mod === 3) B32.fill(0, n >> 2);
      putXmm(s, i.reg, B32);
      return;
    }
    getXmm(s, i.reg, B32);
    if (i.mod !== 3) return storeDwords(m, i, m.ea(i), B32, 0, n, align);
    if (n < 16) B32.fill(0, n >> 2);
    putXmm(s, i.rm, B32);
  };
}

/** movq/movntq between MMX registers and m64: Q to P (load form) or P to Q. */
function moveMm(m: Machine, i: Insn): void {
  if (i.k0 === K_VREG) {
    loadSrc(m, i, B32, 8);
    return putVec(m, i, i.reg, B32);
  }
  getMm(m.fpu, i.reg, B32);
  if (i.mod === 3) return putVec(m, i, i.rm, B32);
  storeDwords(m, i, m.ea(i), B32, 0, 8);
  enterMmx(m.fpu);
}

/** movd: a dword between a general register or memory and a vector register (zero-extended). */
const movd: X = (m, i) => {
  if (i.k0 === K_E) {
    getVec(m, i, i.reg, B32);
    m.put(i, K_E, 2, B32[0]);
    if (i.row.mmx) enterMmx(m.fpu);
    return;
  }
  B32.fill(0);
  B32[0] = m.get(i, K_E, 2);
  putVec(m, i, i.reg, B32);
};

/** maskmovdqu / maskmovq: the bytes of V (P) whose mask byte (U, N) has its top bit set go to [(E)DI]; all or nothing. */
const maskmov: X = (m, i) => {
  getVec(m, i, i.reg, A32);
  getVec(m, i, i.rm, B32);
  const n = i.row.mmx ? 8 : 16, u = A[U8], k = B[U8];
  let a = i.asz16 ? m.s[R_EDI] & 0xffff : m.s[R_EDI];
  if (i.segOverride >= 4) a += m.cpu.segBase(i.segOverride);
  let first = n, last = -1;
  for (let j = 0; j < n; j++) {
    if (!(k[j] & 0x80)) continue;
    if (last < 0) first = j;
    last = j;
  }
  if (last >= 0) {
    if (!m.mem.prepareWrite(a + first, last - first + 1)) throw new GuestFault(SIGSEGV, (a + first) >>> 0, `${i.row.mnem} store`);
    for (let j = first; j <= last; j++) if (k[j] & 0x80) m.u8[(a + j) >>> 0] = u[j];
  }
  if (i.row.mmx) enterMmx(m.fpu);
};

/** pmovmskb: the top bit of each byte of U (N) into a general register. */
const pmovmskb: X = (m, i) => {
  getVec(m, i, i.rm, B32);
  let r = 0;
  for (let k = 0; k < 4; k++) {
    const v = B32[k];
    r |= (((v >>> 7) & 1) | ((v >>> 14) & 2) | ((v >>> 21) & 4) | ((v >>> 28) & 8)) << (4 * k);
  }
  m.s[i.reg] = r;
  if (i.row.mmx) enterMmx(m.fpu);
};

/** pextrw: word imm of U (N) into a general register (0f c5), or of V into a register or m16 (SSE4.1 0f 3a 15). */
const pextrw: X = (m, i) => {
  const lanes = i.row.mmx ? 3 : 7, w = B[U16];
  if (i.row.map === 1) {
    getVec(m, i, i.rm, B32);
    m.s[i.reg] = w[i.imm & lanes];
    if (i.row.mmx) enterMmx(m.fpu);
    return;
  }
  getXmm(m.sse, i.reg, B32);
  m.put(i, K_E, i.mod === 3 ? 2 : 1, w[i.imm & 7]);
};

/** pinsrw: the low word of a general register or m16 into word imm of V (P). */
const pinsrw: X = (m, i) => {
  const v = m.get(i, K_E, 1);
  getVec(m, i, i.reg, B32);
  B[U16][i.imm & (i.row.mmx ? 3 : 7)] = v;
  putVec(m, i, i.reg, B32);
};

/** movq2dq: an MMX register into the low quadword of an XMM register, zero-extended. */
const movq2dq: X = (m, i) => {
  getMm(m.fpu, i.rm, B32);
  putXmm(m.sse, i.reg, B32);
  enterMmx(m.fpu);
};

/** movdq2q: the low quadword of an XMM register into an MMX register. */
const movdq2q: X = (m, i) => {
  getXmm(m.sse, i.rm, B32);
  putMm(m.fpu, i.reg, B32);
  enterMmx(m.fpu);
};

/** emms: every x87 register empty again, after MMX code. */
const emms: X = (m) => {
  for (let p = 0; p < 8; p++) m.fpu.setTag(p, false);
};

// ---- lane-wise arithmetic ------------------------------------------------------

/** Lane sizes by mnemonic suffix ("" is a bitwise op, done on dwords). */
const SUFFIX_BITS: Record<string, number> = { b: 8, w: 16, d: 32, "": 32 };
const add: LaneOp = (a, b) => a + b;
const sub: LaneOp = (a, b) => a - b;

/** [stem, suffixes, signed lanes, saturating, op]: one executor stem+suffix per (space-separated) suffix. */
const LANEWISE: [string, string, boolean, boolean, LaneOp][] = [
  ["padd", "b w d", false, false, add],
  ["psub", "b w d", false, false, sub],
  ["padds", "b w", true, true, add],
  ["paddus", "b w", false, true, add],
  ["psubs", "b w", true, true, sub],
  ["psubus", "b w", false, true, sub],
  ["pcmpeq", "b w d", false, false, (a, b) => (a === b ? -1 : 0)],
  ["pcmpgt", "b w d", true, false, (a, b) => (a > b ? -1 : 0)],
  ["pminu", "b", false, false, (a, b) => (a < b ? a : b)],
  ["pmaxu", "b", false, false, (a, b) => (a > b ? a : b)],
  ["pmins", "w", true, false, (a, b) => (a < b ? a : b)],
  ["pmaxs", "w", true, false, (a, b) => (a > b ? a : b)],
  ["pavg", "b w", false, false, (a, b) => (a + b + 1) >> 1],
  ["pmull", "w", false, false, (a, b) => Math.imul(a, b)],
  ["pmulh", "w", true, false, (a, b) => (a * b) >> 16],
  ["pmulhu", "w", false, false, (a, b) => (a * b) >>> 16],
  ["pand", "", false, false, (a, b) => a & b],
  ["pandn", "", false, false, (a, b) => ~a & b],
  ["por", "", false, false, (a, b) => a | b],
  ["pxor", "", false, false, (a, b) => a ^ b],
];

/** Lane bounds of a saturating op (±Infinity: the lane wraps). */
function bounds(bits: number, signed: boolean, sat: boolean): [number, number] {
  if (!sat) return [-Infinity, Infinity];
  return signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
}

function lanewise(bits: number, signed: boolean, sat: boolean, f: LaneOp): X {
  const v = laneView(bits, signed), a = A[v], b = B[v], r = R[v], n = 128 / bits;
  const [lo, hi] = bounds(bits, signed, sat);
  return binary(() => {
    for (let k = 0; k < n; k++) {
      const x = f(a[k], b[k]);
      r[k] = x < lo ? lo : x > hi ? hi : x;
    }
  });
}

/** paddq (sign 1) / psubq (sign -1): 64-bit lanes as dword pairs with carry. */
function addQ(sign: number): () => void {
  const a = A[U32], b = B[U32], r = R[U32];
  return () => {
    for (let k = 0; k < 4; k += 2) {
      const lo = a[k] + sign * b[k];
      r[k] = lo;
      r[k + 1] = a[k + 1] + sign * b[k + 1] + Math.floor(lo / 2 ** 32);
    }
  };
}

/** pmuludq: the unsigned 64-bit products of dwords 0 and 2. */
function mulQ(): void {
  const a = A[U32], b = B[U32], r = R[U32];
  for (let k = 0; k < 4; k += 2) {
    const x = a[k], y = b[k];
    const xl = x & 0xffff, xh = x >>> 16, yl = y & 0xffff, yh = y >>> 16;
    const ll = xl * yl, lh = xl * yh, hl = xh * yl;
    const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
    r[k] = (mid << 16) | (ll & 0xffff);
    r[k + 1] = xh * yh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
  }
}

/** pmaddwd: each dword = the sum of the products of its two signed word pairs. */
function maddWD(): void {
  const a = A[I16], b = B[I16], r = R[I32];
  for (let k = 0; k < 4; k++) r[k] = a[2 * k] * b[2 * k] + a[2 * k + 1] * b[2 * k + 1];
}

/** psadbw: per 8-byte half, the sum of absolute byte differences into its low word. */
function sadBW(_imm: number, bytes: number): void {
  const a = A[U8], b = B[U8], r = R[U16];
  R32.fill(0);
  for (let h = 0; h < bytes; h += 8) {
    let sum = 0;
    for (let k = h; k < h + 8; k++) sum += Math.abs(a[k] - b[k]);
    r[h >> 1] = sum;
  }
}

// ---- shifts --------------------------------------------------------------------

type Shift = (count: number) => void;

/**
 * A shift of A into R by a count: imm8 for the Udq,Ib and Nq,Ib rows (destination ModRM.rm),
 * else the low quadword of W or Q (destination ModRM.reg).
 */
function shift(f: Shift): X {
  return (m, i) => {
    let d = i.rm, c = i.imm;
    if (i.row.ops[1] !== "Ib") {
      loadSrc(m, i, B32, 16, true);
      d = i.reg;
      c = B32[1] !== 0 ? Infinity : B32[0] >>> 0;
    }
    getVec(m, i, d, A32);
    f(c);
    putVec(m, i, d, R32);
  };
}

const LANE_SHIFTS: Record<string, (x: number, c: number) => number> = {
  psll: (x, c) => x << c,
  psrl: (x, c) => x >>> c,
  psra: (x, c) => x >> c,
};

/** Word/dword lane shifts; counts past the lane width give 0 (psll, psrl) or the sign (psra). */
function laneShift(bits: number, stem: string): Shift {
  const sra = stem === "psra", v = laneView(bits, sra), a = A[v], r = R[v], n = 128 / bits, f = LANE_SHIFTS[stem];
  return (c) => {
    if (c >= bits && !sra) {
      R32.fill(0);
      return;
    }
    const t = Math.min(c, bits - 1);
    for (let k = 0; k < n; k++) r[k] = f(a[k], t);
  };
}

/** psllq/psrlq: quadword lanes as dword pairs. */
function quadShift(left: boolean): Shift {
  const a = A[U32], r = R[U32];
  return (c) => {
    for (let k = 0; k < 4; k += 2) {
      const lo = a[k], hi = a[k + 1];
      if (c >= 64) r[k] = r[k + 1] = 0;
      else if (c >= 32) {
        r[k] = left ? 0 : hi >>> (c - 32);
        r[k + 1] = left ? lo << (c - 32) : 0;
      } else if (c === 0) {
        r[k] = lo;
        r[k + 1] = hi;
      } else {
        r[k] = left ? lo << c : (lo >>> c) | (hi << (32 - c));
        r[k + 1] = left ? (hi << c) | (lo >>> (32 - c)) : hi >>> c;
      }
    }
  };
}

/** pslldq/psrldq: the whole register by count bytes. */
function byteShift(left: boolean): Shift {
  const a = A[U8], r = R[U8];
  return (c) => {
    for (let k = 0; k < 16; k++) {
      const j = left ? k - c : k + c;
      r[k] = j >= 0 && j < 16 ? a[j] : 0;
    }
  };
}

// ---- pack, unpack, shuffle -------------------------------------------------------

/** pack*: the signed lanes of A then B, saturated to lanes half as wide. */
function pack(from: number, signedOut: boolean): X {
  const v = laneView(from, true), a = A[v], b = B[v], r = R[laneView(from / 2, signedOut)];
  const [lo, hi] = bounds(from / 2, signedOut, true);
  const sat = (x: number) => (x < lo ? lo : x > hi ? hi : x);
  return binary((_imm, bytes) => {
    const n = (8 * bytes) / from;
    for (let k = 0; k < n; k++) {
      r[k] = sat(a[k]);
      r[n + k] = sat(b[k]);
    }
  });
}

/** punpckl* / punpckh*: interleave the lanes of the low (high) halves of A and B. */
function unpack(bits: number, high: boolean): X {
  const w = bits / 8, a = A[U8], b = B[U8], r = R[U8];
  return binary((_imm, bytes) => {
    const half = bytes / 2, base = high ? half : 0;
    for (let k = 0; k < half; k += w) {
      for (let j = 0; j < w; j++) {
        r[2 * k + j] = a[base + k + j];
        r[2 * k + w + j] = b[base + k + j];
      }
    }
  });
}

/** pshufd/pshuflw/pshufhw: the four lanes from first on picked from B by the imm8 fields, the rest copied. */
function shuffle(bits: number, first: number): X {
  const v = laneView(bits, false), b = B[v], r = R[v];
  return binary((imm) => {
    R32.set(B32);
    for (let k = 0; k < 4; k++) r[first + k] = b[first + ((imm >> (2 * k)) & 3)];
  });
}

// ---- the table ---------------------------------------------------------------------

export const sseIntExecutors: Record<string, X> = {
  movd,
  movq: move(8, false),
  movdqa: move(16, true),
  movdqu: move(16, false),
  lddqu: move(16, false),
  movntdq: move(16, true),
  movntq: move(8, false),
  movnti: (m, i) => m.put(i, K_E, 2, m.s[i.reg]),
  maskmovdqu: maskmov,
  maskmovq: maskmov,
  emms,
  movq2dq,
  movdq2q,
  pmovmskb,
  pextrw,
  pinsrw,
  paddq: binary(addQ(1)),
  psubq: binary(addQ(-1)),
  pmuludq: binary(mulQ),
  pmaddwd: binary(maddWD),
  psadbw: binary(sadBW),
  packsswb: pack(16, true),
  packssdw: pack(32, true),
  packuswb: pack(16, false),
  pshufd: shuffle(32, 0),
  pshufw: shuffle(16, 0),
  pshuflw: shuffle(16, 0),
  pshufhw: shuffle(16, 4),
  psllq: shift(quadShift(true)),
  psrlq: shift(quadShift(false)),
  pslldq: shift(byteShift(true)),
  psrldq: shift(byteShift(false)),
};

for (const [stem, suffixes, signed, sat, f] of LANEWISE) {
  for (const x of suffixes.split(" ")) sseIntExecutors[stem + x] = lanewise(SUFFIX_BITS[x], signed, sat, f);
}
for (const stem of Object.keys(LANE_SHIFTS)) {
  for (const x of "wd") sseIntExecutors[stem + x] = shift(laneShift(SUFFIX_BITS[x], stem));
}
for (const [x, bits] of [["bw", 8], ["wd", 16], ["dq", 32], ["qdq", 64]] as const) {
  sseIntExecutors[`punpckl${x}`] = unpack(bits, false);
  sseIntExecutors[`punpckh${x}`] = unpack(bits, true);
}
