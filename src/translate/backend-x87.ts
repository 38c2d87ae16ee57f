/**
 * The backend's x87 part: WebAssembly for ir.ts `x87` operations. Registers
 * stay in the FPU state at FPU_OFF (interp/fpu.ts layout: 80-bit encodings,
 * TOP, tags, status and control words, FIP/FOP/FDP); each operation finds
 * its registers at an offset known at translation time from TOP as read by
 * the block's first x87 operation (or after an executor call), checks that
 * its native path gives exactly what the executor would, and otherwise
 * calls the executor as an `interp` operation does. The check
 * comes before any write: no pending unmasked exception, the tags a stack
 * fault would come from, and operands and results as below. The native path
 * then records FIP, FCS, FOP (and FDP, FDS for a memory operand), writes the
 * result, tags and TOP, and merges PE and C1 (rounded up) into the status
 * word as the executor's finish() does.
 *
 * Both models: a push of a zero or normal m32/m64 float or of an m16/m32
 * integer (their exact extended encodings), fldz/fld1, a store to m64/m32
 * of a register holding exactly a double/float (no rounding: no flag, C1
 * clear), and fcomi/fucomi(p) of two exact doubles (ordered: ZF/CF for the
 * lifter's updflags). Register moves (fld st(i), fst/fstp st(i), fxch,
 * fchs, fabs) copy any encoding in the f80 model, whose values are their
 * bits, and exact doubles in the f64 model, whose registers hold doubles.
 *
 * f64 model arithmetic (add/sub/subr/mul/div/divr and fsqrt, every operand
 * form): x87-f64.ts computes in doubles and takes PE and C1 from the exact
 * error of the rounding (TwoSum for sums; Dekker's product for the others,
 * for operands between 2^-400 and 2^400, its `safe` range); the same
 * expressions are evaluated here in the same order, so the flags are the
 * same bits. Native when the operands are exact doubles (zero or normal),
 * within that range where it applies, and the result is finite and zero or
 * normal: then no flag but PE can arise.
 *
 * f80 model arithmetic (add/sub/subr/mul/div/divr, fsqrt): float80.ts's
 * exact extended arithmetic, redone on 64-bit significands in i64 — a
 * 128-bit product, a 128-bit aligned sum or difference with a sticky bit, a
 * 128-by-64-bit long division in two 32-bit digits, a digit-by-digit square
 * root — and rounded to nearest even at 64 bits. Native when the control
 * word selects 64-bit precision and round to nearest, the operands are
 * normal (memory operands: nonzero normal floats, nonzero integers; fsqrt:
 * positive) and the result is normal (no underflow or overflow); an exact
 * zero difference is +0. Every other case runs the executor.
 */
import {
  FPU_CW as CW, FPU_FCS as FCS, FPU_FDP as FDP, FPU_FDS as FDS, FPU_FIP as FIP, FPU_FOP as FOP, FPU_OFF, FPU_SW as SW, FPU_TAG as TAG,
  FPU_TOP as TOP_AT, S_SEL,
} from "../core/layout.ts";
import type { Op, X87Mem } from "./ir.ts";
import type * as W from "./wasm-writer.ts";

type Module = W.Module;
type Expr = W.Expr;
type X87Op = Extract<Op, { op: "x87" }>;

/** interp/fpu.ts's layout: control word (XOR 0x037f), status word, TOP, tags, FIP, FCS, FOP, FDP, FDS. */
const FPU = FPU_OFF >>> 0, FPU_CW = FPU + CW, FPU_SW = FPU + SW, FPU_TOP = FPU + TOP_AT, FPU_TAG = FPU + TAG;
const FPU_FIP = FPU + FIP, FPU_FCS = FPU + FCS, FPU_FOP = FPU + FOP, FPU_FDP = FPU + FDP, FPU_FDS = FPU + FDS;
/** Status word bits: PE, C1. */
const PE = 0x20, C1 = 0x200;
/** Biased extended exponents of the normal doubles and floats, and the significand bits below their precision. */
const EXACT = { f64: { emin: 0x3c01, emax: 0x43fe, low: 0x7ffn }, f32: { emin: 0x3f81, emax: 0x407e, low: 0xffffffffffn } };
const BYTES: Record<X87Mem, number> = { f32: 4, f64: 8, i16: 2, i32: 4 };
const MIN_NORMAL = { f64: 2 ** -1022, f32: 2 ** -126 };
/** x87-f64.ts's safe(): magnitudes for which Dekker's product needs no scaling; its splitting constant. */
const SAFE_MAX = 2 ** 400, SAFE_MIN = 2 ** -400, SPLIT = 2 ** 27 + 1;
const BIAS = 16383, EMAX = 0x7ffe;

/** What the x87 emitter needs from the module being emitted (backend.ts emitRegion); addr, bailIf and interp refer to the current block. */
export interface X87Context {
  b: typeof W;
  mod: Module;
  c(v: number): Expr;
  /** Temporary t's value. */
  get(t: number): Expr;
  /** Sets temporary t (an operation's ok or bits result). */
  setTemp(t: number, v: Expr): Expr;
  all(...xs: Expr[]): Expr;
  loadSlot(slot: number): Expr;
  bailIf(conds: Expr | Expr[], k: number): Expr[];
  unreadable(addr: number, size: number): Expr[];
  unwritable(addr: number, size: number): Expr[];
  interp(insn: number, next: number): Expr[];
  /** Guest address of instruction k. */
  addr(k: number): number;
  /** Scratch locals: three f64, nine i32, ten i64. */
  f64: number[];
  i32: number[];
  i64: number[];
}

/** Returns the emitter of x87 operations for one translation module's function, used in its blocks' order (forgetTop at each block's start). */
export function x87Emitter(x: X87Context): { emit(o: X87Op): Expr[]; forgetTop(): void } {
  const { b, mod, c, get, all } = x;
  const i32 = mod.i32, i64 = mod.i64, f = mod.f64;
  const [TOP, OK, SA, EA, SB, EB, CNT, NRM, ZR] = x.i32;
  const [MA, MB, HI, LO, T0, T1, T2, T3, T4, T5] = x.i64;
  const [A, B, R] = x.f64;
  const l32 = (l: number) => mod.local.get(l, b.i32), l64 = (l: number) => mod.local.get(l, b.i64), lf = (l: number) => mod.local.get(l, b.f64);
  const set = (l: number, v: Expr) => mod.local.set(l, v);
  const k64 = (v: bigint) => i64.const(v);
  const M32 = () => k64(0xffffffffn), J = () => k64(-(2n ** 63n));

  // ---- registers: ST(k) of the current instruction (k = -1: the register a push fills) ----
  // TOP is read into a local by the block's first x87 operation and after every executor call of another
  // instruction; each x87 instruction moves it by the same amount on every path that stays in the block
  // (native, executor, stack fault), so later ones address their registers at a known offset (rel) from it.
  let rel: number | null = null;
  /** Numbers the loops the f80 division and square root emit: labels are unique per function, which holds many blocks. */
  let labels = 0;
  const stAddr = (k: number) => i32.add(c(FPU), i32.shl(i32.and(i32.add(l32(TOP), c(k + rel!)), c(7)), c(4)));
  const tagAddr = (k: number) => i32.add(c(FPU_TAG), i32.and(i32.add(l32(TOP), c(k + rel!)), c(7)));
  const inUse = (k: number) => i32.load8_u(0, 1, tagAddr(k));
  const seOf = (k: number) => i32.load16_u(8, 2, stAddr(k));
  const expOf = (k: number) => i32.and(seOf(k), c(0x7fff));
  const sigOf = (k: number) => i64.load(0, 8, stAddr(k));
  const setTag = (k: number, v: number) => i32.store8(0, 1, tagAddr(k), c(v));
  const setTop = (delta: number) => i32.store(0, 4, c(FPU_TOP), i32.and(i32.add(l32(TOP), c(delta + rel!)), c(7)));
  /** ST(k) = sign|exponent se, significand sig (bytes 10-11 zero, as fpu.ts writes). */
  const putBits = (k: number, se: Expr, sig: Expr) => [i64.store(0, 8, stAddr(k), sig), i32.store(8, 4, stAddr(k), se)];

  /** ST(k) holds exactly a zero or normal double (fmt f64) or float (f32). */
  function exactSt(k: number, fmt: keyof typeof EXACT): Expr {
    const { emin, emax, low } = EXACT[fmt];
    const zero = i32.and(i32.eqz(expOf(k)), i64.eqz(sigOf(k)));
    return i32.or(zero, all(i32.le_u(i32.sub(expOf(k), c(emin)), c(emax - emin)), i64.lt_s(sigOf(k), k64(0n)), i64.eqz(i64.and(sigOf(k), k64(low)))));
  }
  /** The double ST(k) holds, when exactSt(k, "f64"). */
  function stValue(k: number): Expr {
    const sign = i64.shl(i64.extend_s(i32.shr_u(seOf(k), c(15))), k64(63n));
    const magnitude = i64.or(i64.shl(i64.extend_s(i32.sub(expOf(k), c(0x3c00))), k64(52n)), i64.and(i64.shr_u(sigOf(k), k64(11n)), k64((1n << 52n) - 1n)));
    return f.reinterpret(i64.or(sign, mod.select(i32.eqz(expOf(k)), k64(0n), magnitude)));
  }
  /** ST(k) = the zero or normal double in local r, in its exact extended encoding. */
  function putDouble(k: number, r: number): Expr[] {
    const bits = () => i64.reinterpret(lf(r));
    const de = () => i32.and(i32.wrap(i64.shr_u(bits(), k64(52n))), c(0x7ff));
    const sign = i32.shl(i32.wrap(i64.shr_u(bits(), k64(63n))), c(15));
    return putBits(k, i32.or(sign, mod.select(i32.eqz(de()), c(0), i32.add(de(), c(0x3c00)))),
      mod.select(i32.eqz(de()), k64(0n), i64.or(J(), i64.shr_u(i64.shl(bits(), k64(12n)), k64(1n)))));
  }
  /** The memory operand as a double (exact for every format). */
  function memValue(mem: X87Mem, addr: number): Expr {
    switch (mem) {
      case "f64": return f.load(0, 1, get(addr));
      case "f32": return f.promote(mod.f32.load(0, 1, get(addr)));
      case "i32": return f.convert_s.i32(i32.load(0, 1, get(addr)));
      case "i16": return f.convert_s.i32(i32.load16_s(0, 1, get(addr)));
    }
  }
  const absv = (l: number) => f.abs(lf(l));
  const isZero = (l: number) => f.eq(lf(l), f.const(0));
  /** A float operand that is zero or normal in its memory format (no DE, IE; integers always are). */
  function ordinaryMem(mem: X87Mem, l: number): Expr {
    if (mem === "i16" || mem === "i32") return c(1);
    return i32.or(isZero(l), i32.and(f.ge(absv(l), f.const(MIN_NORMAL[mem === "f64" ? "f64" : "f32"])), f.lt(absv(l), f.const(Infinity))));
  }
  const safe = (l: number) => i32.and(f.lt(absv(l), f.const(SAFE_MAX)), f.gt(absv(l), f.const(SAFE_MIN)));
  const zeroOrSafe = (l: number) => i32.or(isZero(l), safe(l));
  /** x87-f64.ts residual(x, y, z): x * y - z with Dekker's product, in the same order of operations. */
  function residual(xl: number, yl: number, zl: number): Expr {
    const k = () => f.const(SPLIT);
    const hi = (l: number) => f.sub(f.mul(k(), lf(l)), f.sub(f.mul(k(), lf(l)), lf(l)));
    const lo = (l: number) => f.sub(lf(l), hi(l));
    const p = () => f.mul(lf(xl), lf(yl));
    return f.add(f.sub(p(), lf(zl)), f.add(f.add(f.add(f.sub(f.mul(hi(xl), hi(yl)), p()), f.mul(hi(xl), lo(yl))), f.mul(lo(xl), hi(yl))), f.mul(lo(xl), lo(yl))));
  }
  /** x87-f64.ts sumFlags's error of r = x + y (TwoSum). */
  function sumError(r: number, xv: () => Expr, yv: () => Expr): Expr {
    const bv = () => f.sub(lf(r), xv());
    return f.add(f.sub(xv(), f.sub(lf(r), bv())), f.sub(yv(), bv()));
  }

  /** f64-model arithmetic into ST(d): pre-computation, guards, body; returns the status bits to merge. */
  function f64Arith(o: X87Op, d: number, pre: Expr[], ok: Expr[], body: Expr[]): Expr {
    ok.push(inUse(d), exactSt(d, "f64"));
    pre.push(set(A, stValue(d)));
    if (o.mem) { pre.push(set(B, memValue(o.mem, o.addr))); ok.push(ordinaryMem(o.mem, B)); }
    else if (o.fn !== "sqrt") { ok.push(inUse(o.src), exactSt(o.src, "f64")); pre.push(set(B, stValue(o.src))); }
    const v = lf, neg = (l: number) => () => f.neg(v(l)), val = (l: number) => () => v(l);
    const sum = (r: Expr, xv: () => Expr, yv: () => Expr) => ({ r, guard: c(1), e: sumError(R, xv, yv) });
    const quotient = (n: number, dv: number) => ({ r: f.div(v(n), v(dv)), guard: i32.and(zeroOrSafe(n), safe(dv)), e: residual(R, dv, n), upIf: f.gt(v(n), f.const(0)) });
    /**
     * Per operation: the result, the guard on the operands, the error term e, and when a nonzero e means
     * rounded up (|R| > |exact|). Sums and products: e = exact - R, rounded up when its sign is not R's;
     * quotients: e = R * divisor - dividend, rounded up when it has the dividend's sign (upIf); sqrt:
     * e = R * R - v, rounded up when positive.
     */
    const OPS: Record<string, () => { r: Expr; guard: Expr; e: Expr; upIf?: Expr }> = {
      add: () => sum(f.add(v(A), v(B)), val(A), val(B)),
      sub: () => sum(f.sub(v(A), v(B)), val(A), neg(B)),
      subr: () => sum(f.sub(v(B), v(A)), val(B), neg(A)),
      mul: () => ({ r: f.mul(v(A), v(B)), guard: i32.and(zeroOrSafe(A), zeroOrSafe(B)), e: residual(A, B, R) }),
      div: () => quotient(A, B),
      divr: () => quotient(B, A),
      sqrt: () => ({ r: f.sqrt(v(A)), guard: i32.or(isZero(A), i32.and(f.gt(v(A), f.const(0)), safe(A))), e: residual(R, R, A), upIf: c(1) }),
    };
    const { r, guard, e, upIf } = OPS[o.fn]();
    // the error term goes through HI as its bits (an f64 scratch local would be a fourth)
    pre.push(set(R, r), set(HI, i64.reinterpret(e)));
    ok.push(guard);
    // a sum must be finite and zero or normal (products, quotients and roots of safe operands are)
    if (o.fn === "add" || o.fn === "sub" || o.fn === "subr") ok.push(i32.and(f.lt(absv(R), f.const(Infinity)), i32.or(isZero(R), f.ge(absv(R), f.const(MIN_NORMAL.f64)))));
    const err = () => f.reinterpret(l64(HI));
    const up = upIf === undefined ? i32.eq(f.lt(err(), f.const(0)), f.gt(v(R), f.const(0))) : i32.eq(f.gt(err(), f.const(0)), upIf);
    body.push(...putDouble(d, R));
    return mod.select(f.ne(err(), f.const(0)), mod.select(up, c(PE | C1), c(PE)), c(0));
  }

  // ---- f80-model arithmetic on (sign, biased exponent, 64-bit significand) in SA/EA/MA and SB/EB/MB ----

  /** Loads ST(k) into sign s, exponent e, significand m; returns "it is normal". */
  function unpackSt(k: number, s: number, e: number, m: number, pre: Expr[]): Expr {
    pre.push(set(s, i32.shr_u(seOf(k), c(15))), set(e, expOf(k)), set(m, sigOf(k)));
    return i32.and(i32.le_u(i32.sub(l32(e), c(1)), c(EMAX - 1)), i64.lt_s(l64(m), k64(0n)));
  }
  /** Loads the memory operand (as a double, exact for every format) into s, e, m; returns "it is a nonzero normal". */
  function unpackMem(mem: X87Mem, addr: number, s: number, e: number, m: number, pre: Expr[]): Expr {
    const bits = () => i64.reinterpret(lf(B));
    const de = () => i32.and(i32.wrap(i64.shr_u(bits(), k64(52n))), c(0x7ff));
    pre.push(set(B, memValue(mem, addr)), set(s, i32.wrap(i64.shr_u(bits(), k64(63n)))), set(e, i32.add(de(), c(0x3c00))),
      set(m, i64.or(J(), i64.shr_u(i64.shl(bits(), k64(12n)), k64(1n)))));
    // ordinaryMem turns away denormal floats (DE), NaNs and infinities; zero is not normal either
    return i32.and(ordinaryMem(mem, B), i32.eqz(isZero(B)));
  }

  /**
   * Rounds HI:LO (HI's top bit set; LO the bits below, a sticky bit in its lowest) to nearest even at 64 bits
   * into HI, exponent EA (adjusted on a carry out); returns [inexact, rounded up].
   */
  function round64(pre: Expr[]): [Expr, Expr] {
    const half = () => i64.ne(i64.and(l64(LO), J()), k64(0n));
    const rest = () => i64.ne(i64.shl(l64(LO), k64(1n)), k64(0n));
    pre.push(
      set(CNT, i32.and(half(), i32.or(rest(), i32.wrap(i64.and(l64(HI), k64(1n)))))),
      set(HI, i64.add(l64(HI), i64.extend_s(l32(CNT)))),
      // a carry out of the significand: 1.000... at the next exponent
      set(EA, i32.add(l32(EA), i64.eqz(l64(HI)))),
      set(HI, mod.select(i64.eqz(l64(HI)), J(), l64(HI))),
    );
    return [i64.ne(l64(LO), k64(0n)), l32(CNT)];
  }

  /** HI:LO (and EA) shifted left until HI's top bit is set (HI:LO nonzero). */
  function normalizeLeft(pre: Expr[]): void {
    const n = () => l32(CNT);
    pre.push(
      set(CNT, mod.select(i64.eqz(l64(HI)), i32.add(c(64), i32.wrap(i64.clz(l64(LO)))), i32.wrap(i64.clz(l64(HI))))),
      set(EA, i32.sub(l32(EA), n())),
      mod.if(i32.ge_u(n(), c(64)),
        mod.block(null, [set(HI, i64.shl(l64(LO), i64.extend_s(i32.sub(n(), c(64))))), set(LO, k64(0n))]),
        mod.if(i32.ne(n(), c(0)), mod.block(null, [
          set(HI, i64.or(i64.shl(l64(HI), i64.extend_s(n())), i64.shr_u(l64(LO), i64.extend_s(i32.sub(c(64), n()))))),
          set(LO, i64.shl(l64(LO), i64.extend_s(n()))),
        ]))),
    );
  }

  /** a * b: the 128-bit product of the significands, normalized. */
  function mul80(pre: Expr[]): void {
    const lo32 = (l: number) => i64.and(l64(l), M32()), hi32 = (l: number) => i64.shr_u(l64(l), k64(32n));
    pre.push(
      set(T0, i64.mul(lo32(MA), lo32(MB))), set(T1, i64.mul(lo32(MA), hi32(MB))),
      set(T2, i64.mul(hi32(MA), lo32(MB))), set(T3, i64.mul(hi32(MA), hi32(MB))),
      // middle column: carries from the low product plus the low halves of the cross products (< 3 * 2^32)
      set(LO, i64.add(i64.add(i64.shr_u(l64(T0), k64(32n)), i64.and(l64(T1), M32())), i64.and(l64(T2), M32()))),
      set(HI, i64.add(i64.add(l64(T3), i64.shr_u(l64(T1), k64(32n))), i64.add(i64.shr_u(l64(T2), k64(32n)), i64.shr_u(l64(LO), k64(32n))))),
      set(LO, i64.or(i64.shl(l64(LO), k64(32n)), i64.and(l64(T0), M32()))),
      // the product of two significands in [2^63, 2^64) is in [2^126, 2^128)
      set(EA, i32.sub(i32.add(l32(EA), l32(EB)), c(BIAS - 1))),
      mod.if(i64.ge_s(l64(HI), k64(0n)), mod.block(null, [
        set(HI, i64.or(i64.shl(l64(HI), k64(1n)), i64.shr_u(l64(LO), k64(63n)))),
        set(LO, i64.shl(l64(LO), k64(1n))),
        set(EA, i32.sub(l32(EA), c(1))),
      ])),
      set(SA, i32.xor(l32(SA), l32(SB))),
    );
  }

  /**
   * a / b: the 64-bit quotient of MA * 2^63 (MA >= MB) or MA * 2^64 by MB, in two 32-bit digits (the
   * long division of Hacker's Delight's divlu: each digit estimated with i64.div_u by MB's high half and
   * corrected at most twice), and the remainder's comparison with half the divisor as round and sticky bits.
   */
  function div80(pre: Expr[], label: string): void {
    const [U1, U0, Q, RH, UN, Q0] = [T0, T1, T2, T3, T4, T5];
    // MB's high half has its top bit set for a normal divisor; forcing it keeps i64.div_u from trapping on
    // the operands the guard rejects, which are computed on all the same
    const vn1 = () => i64.or(i64.shr_u(l64(MB), k64(32n)), k64(1n << 31n)), vn0 = () => i64.and(l64(MB), M32());
    const TWO32 = () => k64(1n << 32n);
    /** Digit q of (hi:next) / MB with partial remainder: estimate and correct. */
    const digit = (q: number, hi: () => Expr, next: () => Expr, name: string) => [
      set(q, i64.div_u(hi(), vn1())),
      set(RH, i64.sub(hi(), i64.mul(l64(q), vn1()))),
      mod.loop(name, mod.if(
        i32.or(i64.ge_u(l64(q), TWO32()), i64.gt_u(i64.mul(l64(q), vn0()), i64.or(i64.shl(l64(RH), k64(32n)), next()))),
        mod.block(null, [set(q, i64.sub(l64(q), k64(1n))), set(RH, i64.add(l64(RH), vn1())), mod.br(name, i64.lt_u(l64(RH), TWO32()))]))),
    ];
    pre.push(
      set(EA, i32.add(i32.sub(l32(EA), l32(EB)), c(BIAS))),
      mod.if(i64.lt_u(l64(MA), l64(MB)),
        mod.block(null, [set(U1, l64(MA)), set(U0, k64(0n)), set(EA, i32.sub(l32(EA), c(1)))]),
        mod.block(null, [set(U1, i64.shr_u(l64(MA), k64(1n))), set(U0, i64.shl(l64(MA), k64(63n)))])),
      ...digit(Q, () => l64(U1), () => i64.shr_u(l64(U0), k64(32n)), `${label}a`),
      set(UN, i64.sub(i64.or(i64.shl(l64(U1), k64(32n)), i64.shr_u(l64(U0), k64(32n))), i64.mul(l64(Q), l64(MB)))),
      ...digit(Q0, () => l64(UN), () => i64.and(l64(U0), M32()), `${label}b`),
      // T0: the remainder; HI: the quotient
      set(T0, i64.sub(i64.or(i64.shl(l64(UN), k64(32n)), i64.and(l64(U0), M32())), i64.mul(l64(Q0), l64(MB)))),
      set(HI, i64.or(i64.shl(l64(Q), k64(32n)), l64(Q0))),
      // LO: the half bit (remainder > or = half the divisor) and a sticky bit below it
      set(T1, i64.sub(l64(MB), l64(T0))),
      set(LO, i64.or(
        mod.select(i64.ge_u(l64(T0), l64(T1)), J(), k64(0n)),
        i64.extend_s(i32.and(i64.ne(l64(T0), k64(0n)), i64.ne(l64(T0), l64(T1)))))),
      set(SA, i32.xor(l32(SA), l32(SB))),
    );
  }

  /** a + b with b's sign flipped when negate: aligned 128-bit sum or difference of magnitudes (a sticky bit for what falls off). */
  function add80(pre: Expr[], negate: boolean): void {
    const swap = (p: number, q: number, tmp: number, wide: boolean) => {
      const g = wide ? l64 : l32;
      return [set(tmp, g(p)), set(p, g(q)), set(q, g(tmp))];
    };
    const d = () => i32.sub(l32(EA), l32(EB));
    pre.push(
      ...(negate ? [set(SB, i32.xor(l32(SB), c(1)))] : []),
      // the larger magnitude in A
      mod.if(i32.or(i32.lt_u(l32(EA), l32(EB)), i32.and(i32.eq(l32(EA), l32(EB)), i64.lt_u(l64(MA), l64(MB)))),
        mod.block(null, [...swap(SA, SB, CNT, false), ...swap(EA, EB, CNT, false), ...swap(MA, MB, T0, true)])),
      set(CNT, d()),
      // b >> d as T0:T1 (high, low), with a sticky bit for bits shifted beyond 128
      mod.if(i32.eqz(l32(CNT)), mod.block(null, [set(T0, l64(MB)), set(T1, k64(0n))]),
        mod.if(i32.lt_u(l32(CNT), c(64)), mod.block(null, [
          set(T0, i64.shr_u(l64(MB), i64.extend_s(l32(CNT)))), set(T1, i64.shl(l64(MB), i64.extend_s(i32.sub(c(64), l32(CNT))))),
        ]), mod.if(i32.lt_u(l32(CNT), c(128)), mod.block(null, [
          set(T0, k64(0n)),
          set(T1, i64.or(i64.shr_u(l64(MB), i64.extend_s(i32.sub(l32(CNT), c(64)))),
            i64.extend_s(i64.ne(i64.and(l64(MB), i64.sub(i64.shl(k64(1n), i64.extend_s(i32.sub(l32(CNT), c(64)))), k64(1n))), k64(0n))))),
        ]), mod.block(null, [set(T0, k64(0n)), set(T1, k64(1n))])))),
      mod.if(i32.eq(l32(SA), l32(SB)),
        mod.block(null, [
          // same signs: MA + T0:T1; a carry out (only possible for d < 64, when T1's lowest bit is 0) shifts right by one
          set(HI, i64.add(l64(MA), l64(T0))), set(LO, l64(T1)),
          mod.if(i64.lt_u(l64(HI), l64(MA)), mod.block(null, [
            set(LO, i64.or(i64.shr_u(l64(LO), k64(1n)), i64.shl(l64(HI), k64(63n)))),
            set(HI, i64.or(i64.shr_u(l64(HI), k64(1n)), J())),
            set(EA, i32.add(l32(EA), c(1))),
          ])),
        ]),
        mod.block(null, [
          // different signs: MA:0 - T0:T1 >= 0, a's sign
          set(LO, i64.sub(k64(0n), l64(T1))),
          set(HI, i64.sub(i64.sub(l64(MA), l64(T0)), i64.extend_s(i64.ne(l64(T1), k64(0n))))),
        ])),
    );
  }

  /**
   * sqrt of the positive normal MA * 2^(EA - BIAS - 63): the 64-bit integer root of MA * 2^63 (even
   * unbiased exponent) or MA * 2^64 (odd) by the digit-by-digit method, two radicand bits per step
   * (T2:T3 the radicand still to bring down, T0:T1 the remainder, HI the root), then round and sticky
   * bits from the final remainder (it exceeds the root exactly when the root is below the true value's
   * midpoint: no ties).
   */
  function sqrt80(pre: Expr[], label: string): void {
    const [RH, RL, XH, XL] = [T0, T1, T2, T3];
    const th = () => i64.shr_u(l64(HI), k64(62n)), tl = () => i64.or(i64.shl(l64(HI), k64(2n)), k64(1n));
    const fits = i32.or(i64.gt_u(l64(RH), th()), i32.and(i64.eq(l64(RH), th()), i64.ge_u(l64(RL), tl())));
    const odd = i32.and(i32.sub(l32(EA), c(BIAS)), c(1));
    pre.push(
      mod.if(odd, mod.block(null, [set(XH, l64(MA)), set(XL, k64(0n))]),
        mod.block(null, [set(XH, i64.shr_u(l64(MA), k64(1n))), set(XL, i64.shl(l64(MA), k64(63n)))])),
      set(EA, i32.add(i32.shr_s(i32.sub(l32(EA), c(BIAS)), c(1)), c(BIAS))),
      set(RH, k64(0n)), set(RL, k64(0n)), set(HI, k64(0n)), set(CNT, c(64)),
      mod.loop(label, mod.block(null, [
        set(RH, i64.or(i64.shl(l64(RH), k64(2n)), i64.shr_u(l64(RL), k64(62n)))),
        set(RL, i64.or(i64.shl(l64(RL), k64(2n)), i64.shr_u(l64(XH), k64(62n)))),
        set(XH, i64.or(i64.shl(l64(XH), k64(2n)), i64.shr_u(l64(XL), k64(62n)))),
        set(XL, i64.shl(l64(XL), k64(2n))),
        mod.if(fits, mod.block(null, [
          set(RH, i64.sub(i64.sub(l64(RH), th()), i64.extend_s(i64.lt_u(l64(RL), tl())))),
          set(RL, i64.sub(l64(RL), tl())),
          set(HI, i64.or(i64.shl(l64(HI), k64(1n)), k64(1n))),
        ]), set(HI, i64.shl(l64(HI), k64(1n)))),
        set(CNT, i32.sub(l32(CNT), c(1))),
        mod.br(label, l32(CNT)),
      ])),
      // LO for round64: rounded up when the remainder exceeds the root; inexact when it is nonzero
      set(LO, i64.or(
        mod.select(i32.or(i64.ne(l64(RH), k64(0n)), i64.gt_u(l64(RL), l64(HI))), J(), k64(0n)),
        i64.extend_s(i32.or(i64.ne(l64(RH), k64(0n)), i64.ne(l64(RL), k64(0n)))))),
    );
  }

  /** f80-model fsqrt of a positive normal ST0; returns the status bits to merge. */
  function f80Sqrt(o: X87Op, pre: Expr[], ok: Expr[], body: Expr[]): Expr {
    ok.push(i32.eqz(i32.and(i32.load16_u(0, 2, c(FPU_CW)), c(0xf00))), inUse(0));
    pre.push(set(NRM, i32.and(unpackSt(0, SA, EA, MA, pre), i32.eqz(l32(SA)))));
    sqrt80(pre, `x87sqrt${labels++}`);
    const [inexact, up] = round64(pre);
    ok.push(l32(NRM));
    body.push(...putBits(0, l32(EA), l64(HI)));
    return mod.select(inexact, mod.select(up, c(PE | C1), c(PE)), c(0));
  }

  /** f80-model arithmetic into ST(d); returns the status bits to merge. */
  function f80Arith(o: X87Op, d: number, pre: Expr[], ok: Expr[], body: Expr[]): Expr {
    // precision control 64 bits and round to nearest: the stored control word (XOR 0x037f) has bits 8-11 clear
    ok.push(i32.eqz(i32.and(i32.load16_u(0, 2, c(FPU_CW)), c(0xf00))), inUse(d));
    if (!o.mem) ok.push(inUse(o.src));
    // the operand checks read locals the arithmetic then changes: taken into NRM at once
    const a = unpackSt(d, SA, EA, MA, pre);
    const bv = o.mem ? unpackMem(o.mem, o.addr, SB, EB, MB, pre) : unpackSt(o.src, SB, EB, MB, pre);
    pre.push(set(NRM, i32.and(a, bv)));
    const reversed = o.fn === "subr" || o.fn === "divr";
    if (reversed) pre.push(set(CNT, l32(SA)), set(SA, l32(SB)), set(SB, l32(CNT)), set(CNT, l32(EA)), set(EA, l32(EB)), set(EB, l32(CNT)),
      set(T0, l64(MA)), set(MA, l64(MB)), set(MB, l64(T0)));
    if (o.fn === "mul") mul80(pre);
    else if (o.fn === "div" || o.fn === "divr") div80(pre, `x87div${labels++}`);
    else add80(pre, o.fn !== "add");
    // an exact zero difference is +0 (round to nearest); otherwise normalize (a difference may have cancelled)
    pre.push(set(ZR, i32.and(i64.eqz(l64(HI)), i64.eqz(l64(LO)))));
    if (o.fn !== "mul" && o.fn !== "div" && o.fn !== "divr") {
      const shift: Expr[] = [];
      normalizeLeft(shift);
      pre.push(mod.if(l32(ZR), set(SA, c(0)), mod.block(null, shift)));
    }
    pre.push(set(NRM, i32.and(l32(NRM), i32.ge_s(l32(EA), c(1)))));
    const [inexact, up] = round64(pre);
    // normal operands; a zero result, or one normal before rounding and without overflow after it
    ok.push(l32(NRM), i32.or(l32(ZR), i32.le_s(l32(EA), c(EMAX))));
    body.push(...putBits(d, i32.or(i32.shl(l32(SA), c(15)), mod.select(l32(ZR), c(0), l32(EA))), mod.select(l32(ZR), k64(0n), l64(HI))));
    return mod.select(inexact, mod.select(up, c(PE | C1), c(PE)), c(0));
  }

  /** fcomi's ZF/CF bits for ST0 and ST(k), exact doubles (the f64 model). */
  function compareDoubles(k: number, ok: Expr[]): Expr {
    ok.push(exactSt(0, "f64"), exactSt(k, "f64"));
    return mod.select(f.eq(stValue(0), stValue(k)), c(0x40), mod.select(f.lt(stValue(0), stValue(k)), c(0x1), c(0)));
  }

  /** fcomi's ZF/CF bits for ST0 and ST(k), each zero or normal (the f80 model): signs, then exponents and significands. */
  function compare80(k: number, pre: Expr[], ok: Expr[]): Expr {
    const zero = (e: number, m: number) => i32.and(i32.eqz(l32(e)), i64.eqz(l64(m)));
    ok.push(i32.or(unpackSt(0, SA, EA, MA, pre), zero(EA, MA)), i32.or(unpackSt(k, SB, EB, MB, pre), zero(EB, MB)));
    const equal = i32.or(i32.and(zero(EA, MA), zero(EB, MB)), all(i32.eq(l32(SA), l32(SB)), i32.eq(l32(EA), l32(EB)), i64.eq(l64(MA), l64(MB))));
    const smaller = i32.or(i32.lt_u(l32(EA), l32(EB)), i32.and(i32.eq(l32(EA), l32(EB)), i64.lt_u(l64(MA), l64(MB))));
    // not equal: a < b when a is negative and b not, or both have a's sign and |a| is smaller (positive) or larger (negative)
    const less = mod.select(i32.ne(l32(SA), l32(SB)), l32(SA), i32.xor(smaller, l32(SA)));
    return mod.select(equal, c(0x40), mod.select(less, c(0x1), c(0)));
  }

  /**
   * fst/fstp to m64/m32: ST0 rounded to nearest even at the format's precision (x87-f80.ts toFormat; the f64
   * model's values are doubles already, and its m32 stores round to nearest whatever RC says). Native for a
   * zero, or a normal result in the format's normal range; returns the status bits to merge.
   */
  function storeRounded(o: X87Op, fmt: "f64" | "f32", pre: Expr[], ok: Expr[], body: Expr[]): Expr {
    const wide = fmt === "f64", shift = wide ? 11 : 40, fbias = wide ? 1023 : 127, fmax = wide ? 0x7fe : 0xfe, fbits = wide ? 52 : 23;
    const zero = () => i32.and(i32.eqz(l32(EA)), i64.eqz(l64(MA)));
    ok.push(i32.or(unpackSt(0, SA, EA, MA, pre), zero()));
    if (o.model === "f64") ok.push(exactSt(0, "f64"));
    else ok.push(i32.eqz(i32.and(i32.load16_u(0, 2, c(FPU_CW)), c(0xc00)))); // RC nearest (stored XOR 0x037f: bits 10-11 clear)
    const rest = () => i64.and(l64(MA), k64((1n << BigInt(shift)) - 1n));
    const half = () => i64.ne(i64.and(l64(MA), k64(1n << BigInt(shift - 1))), k64(0n));
    const sticky = () => i64.ne(i64.and(l64(MA), k64((1n << BigInt(shift - 1)) - 1n)), k64(0n));
    pre.push(
      set(HI, i64.shr_u(l64(MA), k64(BigInt(shift)))),
      set(CNT, i32.and(half(), i32.or(sticky(), i32.wrap(i64.and(l64(HI), k64(1n)))))),
      set(HI, i64.add(l64(HI), i64.extend_s(l32(CNT)))),
      // a carry out of the format's significand: 1.000... at the next exponent
      set(EB, i32.add(i32.sub(l32(EA), c(BIAS - fbias)), i32.wrap(i64.shr_u(l64(HI), k64(BigInt(64 - shift)))))),
    );
    // normal in the format before rounding (no tininess either way) and after it (no overflow)
    ok.push(i32.or(zero(), i32.and(i32.le_u(i32.sub(l32(EA), c(BIAS - fbias + 1)), c(fmax - 1)), i32.le_s(l32(EB), c(fmax)))));
    const mantissa = () => i64.and(l64(HI), k64((1n << BigInt(fbits)) - 1n));
    if (wide) {
      const bits = i64.or(i64.or(i64.shl(i64.extend_s(l32(SA)), k64(63n)), i64.shl(i64.extend_s(l32(EB)), k64(52n))), mantissa());
      body.push(i64.store(0, 1, get(o.addr), mod.select(zero(), i64.shl(i64.extend_s(l32(SA)), k64(63n)), bits)));
    } else {
      const bits = i32.or(i32.or(i32.shl(l32(SA), c(31)), i32.shl(l32(EB), c(23))), i32.wrap(mantissa()));
      body.push(i32.store(0, 1, get(o.addr), mod.select(zero(), i32.shl(l32(SA), c(31)), bits)));
    }
    return mod.select(i64.ne(rest(), k64(0n)), mod.select(l32(CNT), c(PE | C1), c(PE)), c(0));
  }

  function emit(o: X87Op): Expr[] {
    const pre: Expr[] = rel === null ? [set(TOP, i32.load(0, 4, c(FPU_TOP)))] : [];
    rel ??= 0;
    const cw = i32.xor(i32.load16_u(0, 2, c(FPU_CW)), c(~0x037f));
    const ok: Expr[] = [i32.eqz(i32.and(i32.and(i32.load16_u(0, 2, c(FPU_SW)), cw), c(0x3f)))];
    const body: Expr[] = [
      i32.store(0, 4, c(FPU_FIP), c(x.addr(o.insn))),
      i32.store16(0, 2, c(FPU_FCS), x.loadSlot(S_SEL + 1)),
      i32.store16(0, 2, c(FPU_FOP), c(o.fop)),
    ];
    if (o.mem) {
      const size = BYTES[o.mem];
      pre.push(...x.bailIf(o.fn === "st" ? x.unwritable(o.addr, size) : x.unreadable(o.addr, size), o.insn));
      body.push(i32.store(0, 4, c(FPU_FDP), get(o.addr)), i32.store16(0, 2, c(FPU_FDS), x.loadSlot(S_SEL + 3)));
      // a push's operand (the arithmetic's read theirs with their model's checks)
      if (o.fn === "ld") { pre.push(set(B, memValue(o.mem, o.addr))); ok.push(ordinaryMem(o.mem, B)); }
    }
    /** A value ST(k) may be moved as: any encoding in the f80 model, an exact double in f64. */
    const movable = (k: number) => (o.model === "f80" ? c(1) : exactSt(k, "f64"));
    const readSt = (k: number) => [set(HI, sigOf(k)), set(SA, seOf(k))];
    const writeSt = (k: number) => putBits(k, l32(SA), l64(HI));
    const pop = () => (o.pops ? [setTag(0, 0), setTop(1)] : []);
    let sw: Expr = c(0);
    switch (o.fn) {
      case "ld":
        ok.push(i32.eqz(inUse(-1)));
        if (o.src >= 0) { ok.push(inUse(o.src), movable(o.src)); body.push(...readSt(o.src), ...writeSt(-1)); }
        else {
          if (!o.mem) pre.push(set(B, f.const(o.konst)));
          body.push(...putDouble(-1, B));
        }
        body.push(setTag(-1, 1), setTop(-1));
        break;
      case "st":
        ok.push(inUse(0));
        if (o.mem === "f64" || o.mem === "f32") sw = storeRounded(o, o.mem, pre, ok, body);
        else { ok.push(movable(0)); body.push(...readSt(0), ...writeSt(o.dst), setTag(o.dst, 1)); }
        body.push(...pop());
        break;
      case "xch":
        ok.push(inUse(0), inUse(o.src), movable(0), movable(o.src));
        body.push(...readSt(0), ...putBits(0, seOf(o.src), sigOf(o.src)), ...writeSt(o.src));
        break;
      case "chs": case "abs":
        ok.push(inUse(0), movable(0));
        body.push(i32.store(8, 4, stAddr(0), o.fn === "chs" ? i32.xor(seOf(0), c(0x8000)) : i32.and(seOf(0), c(0x7fff))));
        break;
      case "comi":
        ok.push(inUse(0), inUse(o.src));
        body.push(x.setTemp(o.bits, o.model === "f64" ? compareDoubles(o.src, ok) : compare80(o.src, pre, ok)), ...pop());
        break;
      default: {
        const d = o.fn === "sqrt" ? 0 : o.dst;
        sw = o.model === "f64" ? f64Arith(o, d, pre, ok, body) : o.fn === "sqrt" ? f80Sqrt(o, pre, ok, body) : f80Arith(o, d, pre, ok, body);
        body.push(...pop());
      }
    }
    body.push(i32.store16(0, 2, c(FPU_SW), i32.or(i32.and(i32.load16_u(0, 2, c(FPU_SW)), c(~C1)), sw)));
    const fallback = [...x.interp(o.insn, o.next), ...(o.ok >= 0 ? [x.setTemp(o.ok, c(0))] : [])];
    if (o.ok >= 0) body.push(x.setTemp(o.ok, c(1)));
    rel += (o.fn === "ld" ? -1 : 0) + o.pops;
    return [...pre, set(OK, all(...ok)), mod.if(l32(OK), mod.block(null, body), mod.block(null, fallback))];
  }

  return {
    emit,
    /** An executor call of another instruction may have moved TOP (fincstp, frstor, ...): the next x87 operation rereads it. */
    forgetTop: () => { rel = null; },
  };
}
