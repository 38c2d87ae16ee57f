/**
 * SSE2 integer executors on XMM registers: moves between XMM, general
 * registers and memory, logic, packed add/sub/compare/min/max/shift/multiply,
 * pack/unpack, shuffles, pmovmskb. State and operand access: interp/sse.ts.
 *
 * A two-operand instruction copies its destination into the scratch vector
 * A and its source into B, computes R from them and copies R back, so
 * aliased operands need no care and a faulting source leaves the state as it
 * was. The scratch vectors are viewed as lanes of every width and signedness
 * (lanes(), laneView()); an op is a function of lane values, and the typed
 * arrays wrap what it returns to the lane width. Memory operands of 128-bit packed
 * operations must be 16-byte aligned (else SIGSEGV, as for #GP); movdqu,
 * lddqu, movd and movq are not checked.
 */
import type { Insn } from "../../isa/decode.ts";
import { K_E, K_VREG } from "../../isa/table.ts";
import { GuestFault, SIGSEGV } from "../../core/fault.ts";
import { R_EDI } from "../../core/layout.ts";
import type { Machine } from "../machine.ts";
import { getXmm, loadW, noMmx, putXmm, storeDwords } from "../sse.ts";

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

/** SIGILL for the MMX form (no mandatory prefix) of a mnemonic. */
function xmmOnly(i: Insn): void {
  if (i.row.prefix === 0) noMmx(i);
}

/** V = f(V, W) with W an XMM register or aligned m128; f reads A, B and the immediate and fills R. */
function binary(f: (imm: number) => void): X {
  return (m, i) => {
    xmmOnly(i);
    const s = m.sse;
    loadW(m, s, i, B32, 16, true);
    getXmm(s, i.reg, A32);
    f(i.imm);
    putXmm(s, i.reg, R32);
  };
}

// ---- moves -------------------------------------------------------------------

/**
 * movdqa/movdqu/lddqu/movntdq/movq: n bytes from W to V (load form) or from V
 * to W; an XMM destination is zero-extended past n bytes.
 */
function move(n: number, align: boolean): X {
  return (m, i) => {
    xmmOnly(i);
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

/** movd: a dword between a general register or memory and an XMM register (zero-extended). */
const movd: X = (m, i) => {
  xmmOnly(i);
  const x = m.sse.i32, o = i.reg << 2;
  if (i.k0 === K_E) return m.put(i, K_E, 2, x[o]);
  x[o] = m.get(i, K_E, 2);
  x[o + 1] = x[o + 2] = x[o + 3] = 0;
};

/** maskmovdqu: the bytes of V whose mask byte (U) has its top bit set go to [(E)DI]; all or nothing. */
const maskmovdqu: X = (m, i) => {
  const u = m.sse.u8, d = i.reg << 4, k = i.rm << 4;
  let a = i.asz16 ? m.s[R_EDI] & 0xffff : m.s[R_EDI];
  if (i.segOverride >= 4) a += m.cpu.segBase(i.segOverride);
  let first = 16, last = -1;
  for (let j = 0; j < 16; j++) {
    if (!(u[k + j] & 0x80)) continue;
    if (last < 0) first = j;
    last = j;
  }
  if (last < 0) return;
  if (!m.mem.prepareWrite(a + first, last - first + 1)) throw new GuestFault(SIGSEGV, (a + first) >>> 0, "maskmovdqu store");
  for (let j = first; j <= last; j++) if (u[k + j] & 0x80) m.u8[(a + j) >>> 0] = u[d + j];
};

/** pmovmskb: the top bit of each byte of U into a general register. */
const pmovmskb: X = (m, i) => {
  xmmOnly(i);
  const x = m.sse.i32, o = i.rm << 2;
  let r = 0;
  for (let k = 0; k < 4; k++) {
    const v = x[o + k];
    r |= (((v >>> 7) & 1) | ((v >>> 14) & 2) | ((v >>> 21) & 4) | ((v >>> 28) & 8)) << (4 * k);
  }
  m.s[i.reg] = r;
};

/** pextrw: word imm of U into a general register (0f c5), or of V into a register or m16 (SSE4.1 0f 3a 15). */
const pextrw: X = (m, i) => {
  xmmOnly(i);
  const dv = m.sse.dv, lane = 2 * (i.imm & 7);
  if (i.row.map === 1) m.s[i.reg] = dv.getUint16((i.rm << 4) + lane, true);
  else m.put(i, K_E, i.mod === 3 ? 2 : 1, dv.getUint16((i.reg << 4) + lane, true));
};

/** pinsrw: the low word of a general register or m16 into word imm of V. */
const pinsrw: X = (m, i) => {
  xmmOnly(i);
  const v = m.get(i, K_E, 1);
  m.sse.dv.setUint16((i.reg << 4) + 2 * (i.imm & 7), v, true);
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
function sadBW(): void {
  const a = A[U8], b = B[U8], r = R[U16];
  R32.fill(0);
  for (let h = 0; h < 16; h += 8) {
    let sum = 0;
    for (let k = h; k < h + 8; k++) sum += Math.abs(a[k] - b[k]);
    r[h >> 1] = sum;
  }
}

// ---- shifts --------------------------------------------------------------------

type Shift = (count: number) => void;

/**
 * A shift of A into R by a count: imm8 for the Udq,Ib rows (destination
 * ModRM.rm), else the low quadword of W (destination ModRM.reg).
 */
function shift(f: Shift): X {
  return (m, i) => {
    xmmOnly(i);
    const s = m.sse;
    let d = i.rm, c = i.imm;
    if (i.row.ops[1] !== "Ib") {
      loadW(m, s, i, B32, 16, true);
      d = i.reg;
      c = B32[1] !== 0 ? Infinity : B32[0] >>> 0;
    }
    getXmm(s, d, A32);
    f(c);
    putXmm(s, d, R32);
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
  const v = laneView(from, true), a = A[v], b = B[v], r = R[laneView(from / 2, signedOut)], n = 128 / from;
  const [lo, hi] = bounds(from / 2, signedOut, true);
  const sat = (x: number) => (x < lo ? lo : x > hi ? hi : x);
  return binary(() => {
    for (let k = 0; k < n; k++) {
      r[k] = sat(a[k]);
      r[n + k] = sat(b[k]);
    }
  });
}

/** punpckl* / punpckh*: interleave the lanes of the low (high) halves of A and B. */
function unpack(bits: number, high: boolean): X {
  const w = bits / 8, base = high ? 8 : 0, a = A[U8], b = B[U8], r = R[U8];
  return binary(() => {
    for (let k = 0; k < 8; k += w) {
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
  movnti: (m, i) => m.put(i, K_E, 2, m.s[i.reg]),
  maskmovdqu,
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
