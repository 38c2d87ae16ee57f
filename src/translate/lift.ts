/**
 * The lifter: decoded guest instructions -> IR (ir.ts). It reads the same
 * decoded Insn and operand kinds (isa/table.ts K_*) as the interpreter and
 * records flags in the interpreter's lazy-flag kinds, so both tiers share
 * one flag state. An instruction without IR of its own (x87, string
 * operations, 16-bit forms, ...) becomes an `interp` operation — translated
 * code calls the interpreter's executor for it — when its ISA row is one
 * INTERPRETED admits; a block ends at a control transfer, or before the
 * first instruction that is neither lifted nor interpreted, which the
 * interpreter runs. Differential tests pin every lifted form to the
 * interpreter.
 *
 * SSE: movss/movsd (all three shapes), the scalar add/sub/mul/div/sqrt of
 * SSE_ARITH, cvtsi2sd, the truncating conversions of SSE_CVTT
 * (cvttsd2si/cvttss2si), the compares of SSE_COMI (comis/ucomis, sd and
 * ss), the register forms of movaps/movapd and of the bitwise
 * SSE_FLOAT_LOGIC, and the SSE2 integer forms C libraries' string functions
 * run (SSE_INT, movdqa/movdqu, movd, pmovmskb) become XMM operations (ir.ts
 * xmov, xint, xmovd, xget, xcvti, xload, xstore, xarith, xcvtt, xcomi); the
 * backend runs xarith, xcvtt and xcomi natively when
 * that is exact and through the executor otherwise. xcvtt's result goes to
 * its general register by an ordinary setreg; xcomi's flags by an updflags
 * of all six arithmetic flags, conditional on the native path (the
 * executor path has written them itself). Every other SSE instruction (and
 * every MMX form, and the float logic forms' memory operands) is an interp
 * operation.
 *
 * x87: loads, stores, fxch, fchs, fabs, fcomi/fucomi(p), fsqrt and the
 * arithmetic in every operand form become ir.ts x87
 * operations (X87_ARITH_MNEMS and the x87() rows of LIFTS), which the backend
 * runs natively in the run's precision model when exact; fcomi's flags
 * follow as xcomi's do; fnstcw and fldcw read and write the control word
 * (fpucw, setfpucw). m80 and m64-integer forms, fist/fistp, fnstsw,
 * transcendentals and the rest stay interp operations.
 */
import type { Insn } from "../isa/decode.ts";
import { K_ACC, K_E, K_G, K_IMM, K_MOFFS, K_REL, K_ST0, K_Z, type OpRow } from "../isa/table.ts";
import { ARITH, K_ADC, K_ADD, K_DEC, K_INC, K_LOGIC, K_MUL, K_SAR, K_SBB, K_SHL, K_SHR, K_SUB, SIZE_MASK } from "../interp/flags.ts";
import { R_EAX, R_EBP, R_EDX, R_ESP, S_SEGBASE } from "../core/layout.ts";
import type { X87ModelName } from "../interp/x87-model.ts";
import { X87_ARITH, type BinOp, type Block, type LaneWidth, type Op, type SseFn, type Temp, type X87Arith, type X87Fn, type X87Mem, type XIntFn } from "./ir.ts";

const ALU_KIND: Record<string, number> = { add: K_ADD, or: K_LOGIC, adc: K_ADC, sbb: K_SBB, and: K_LOGIC, sub: K_SUB, xor: K_LOGIC, cmp: K_SUB, test: K_LOGIC };
const ALU_FN: Record<string, BinOp> = { add: "add", or: "or", adc: "add", sbb: "sub", and: "and", sub: "sub", xor: "xor", cmp: "sub", test: "and" };
const SHIFT_KIND: Record<string, number> = { shl: K_SHL, sal: K_SHL, shr: K_SHR, sar: K_SAR };
const NOPS = new Set(["nop", "pause", "endbr32", "prefetch", "prefetchw", "prefetchnta", "prefetcht0", "prefetcht1", "prefetcht2", "lfence", "mfence", "sfence"]);
const CF_COND = 2;

/**
 * Rows whose executor translated code may call (an interp operation): those
 * whose ISA attributes are all listed here. That leaves out control
 * transfers (jump, call, ret, cond: their executors set EIP), instructions
 * that end a block for the VMM or a trap (stop: int, int3, ud2, ...),
 * privileged ones (sys: hlt, in/out) and every extension not listed. The
 * executors of the rest change only registers, flags, FPU state and guest
 * memory, read all their sources before writing, and leave a faulting
 * instruction restartable, as the interpreter itself relies on. An
 * extension is opted in by adding its attribute; a row without an executor
 * (MMX forms, SSE3 and later) raises SIGILL through the call exactly as
 * when interpreted.
 */
const INTERPRETED = new Set(["lock", "rep", "x87", "simd"]);
const interpreted = (row: OpRow) => [...row.attrs].every((a) => INTERPRETED.has(a));

/**
 * Thrown where an instruction's form has no IR; liftBlock ends the block before it. Not an Error:
 * one is thrown for most blocks, and an Error's stack trace cost the worker ~1 µs per translated
 * guest instruction (python3's start-up).
 */
class Unliftable {
  constructor(readonly message: string) {}
}

/** Builds the IR of one block; each method appends operations and returns the temp it defines. */
export class Builder {
  readonly ops: Op[] = [];
  temps = 0;
  /** Index of the instruction being lifted (for bail-outs). */
  k = 0;
  private addr = -1;

  /**
   * The run's x87 precision model, which native x87 operations compute in (backend-x87.ts); the
   * PIC thunks of the block's region by address, with the register each loads (pipeline.ts thunkRegOf).
   */
  constructor(readonly x87: X87ModelName = "f80", readonly thunks?: ReadonlyMap<number, number>) {}

  private def(): Temp { return this.temps++; }
  emit(o: Op): void { this.ops.push(o); }
  c(value: number): Temp { const dst = this.def(); this.emit({ op: "const", dst, value: value | 0 }); return dst; }
  slot(reg: number): Temp { const dst = this.def(); this.emit({ op: "getreg", dst, reg }); return dst; }
  set(reg: number, src: Temp): void { this.emit({ op: "setreg", reg, src }); }
  bin(fn: BinOp, a: Temp, b: Temp): Temp { const dst = this.def(); this.emit({ op: "bin", dst, fn, a, b }); return dst; }
  un(fn: "eqz" | "sext8" | "sext16" | "zext8" | "zext16" | "bswap" | "clz" | "ctz", a: Temp): Temp { const dst = this.def(); this.emit({ op: "un", dst, fn, a }); return dst; }
  sel(cond: Temp, a: Temp, b: Temp): Temp { const dst = this.def(); this.emit({ op: "select", dst, cond, a, b }); return dst; }
  load(size: 1 | 2 | 4, addr: Temp): Temp { const dst = this.def(); this.emit({ op: "load", dst, size, addr, insn: this.k }); return dst; }
  store(size: 1 | 2 | 4, addr: Temp, src: Temp): void { this.emit({ op: "store", size, addr, src, insn: this.k }); }
  cond(cc: number): Temp { const dst = this.def(); this.emit({ op: "cond", dst, cc }); return dst; }
  flags(kind: number, size: number, res: Temp, a: Temp, b: Temp, cf: Temp | -1 = -1, when?: Temp): void { this.emit({ op: "setflags", kind, size, res, a, b, cf, when }); }
  guard(ok: Temp): void { this.emit({ op: "guard", ok, insn: this.k }); }

  // ---- operands by size index (0/1/2 = 8/16/32 bits), mirroring interp/machine.ts ----

  reg(sz: number, r: number): Temp {
    if (sz === 2) return this.slot(r);
    if (sz === 1) return this.bin("and", this.slot(r), this.c(0xffff));
    return r < 4 ? this.bin("and", this.slot(r), this.c(0xff)) : this.bin("and", this.bin("shr_u", this.slot(r - 4), this.c(8)), this.c(0xff));
  }

  setReg(sz: number, r: number, v: Temp): void {
    if (sz === 2) { this.set(r, v); return; }
    const full = r < 4 || sz === 1 ? r : r - 4;
    const shift = sz === 0 && r >= 4 ? 8 : 0, mask = (sz === 1 ? 0xffff : 0xff) << shift;
    const kept = this.bin("and", this.slot(full), this.c(~mask));
    const part = this.bin("and", shift ? this.bin("shl", v, this.c(shift)) : v, this.c(mask));
    this.set(full, this.bin("or", kept, part));
  }

  /** Effective address; lea passes withSegment = false, as it ignores segment bases. */
  ea(i: Insn, withSegment = true): Temp {
    if (i.asz16) throw new Unliftable("16-bit addressing");
    let a = -1;
    const add = (t: Temp) => { a = a < 0 ? t : this.bin("add", a, t); };
    if (i.base >= 0) add(this.slot(i.base));
    if (i.index >= 0) add(i.scale ? this.bin("shl", this.slot(i.index), this.c(i.scale)) : this.slot(i.index));
    if (i.disp || a < 0) add(this.c(i.disp));
    if (withSegment && i.seg >= 4) add(this.slot(S_SEGBASE + i.seg));
    return a;
  }

  get(i: Insn, k: number, sz: number): Temp {
    switch (k) {
      case K_E:
        if (i.mod === 3) return this.reg(sz, i.rm);
        this.addr = this.ea(i);
        return this.load(1 << sz as 1 | 2 | 4, this.addr);
      case K_G: return this.reg(sz, i.reg);
      case K_Z: return this.reg(sz, i.rm);
      case K_ACC: return this.reg(sz, R_EAX);
      case K_IMM: return this.c(i.imm);
      case K_MOFFS:
        if (i.asz16) throw new Unliftable("16-bit moffs");
        this.addr = i.seg >= 4 ? this.bin("add", this.c(i.disp), this.slot(S_SEGBASE + i.seg)) : this.c(i.disp);
        return this.load(1 << sz as 1 | 2 | 4, this.addr);
    }
    throw new Unliftable(`operand kind ${k}`);
  }

  /** Writes an operand; a memory operand reuses the address of the preceding get() when fresh is false. */
  put(i: Insn, k: number, sz: number, v: Temp, fresh: boolean): void {
    switch (k) {
      case K_E:
        if (i.mod === 3) { this.setReg(sz, i.rm, v); return; }
        this.store(1 << sz as 1 | 2 | 4, fresh ? this.ea(i) : this.addr, v);
        return;
      case K_G: this.setReg(sz, i.reg, v); return;
      case K_Z: this.setReg(sz, i.rm, v); return;
      case K_ACC: this.setReg(sz, R_EAX, v); return;
      case K_MOFFS:
        if (fresh) this.get(i, k, sz); // computes the address; the load is harmless and keeps the check
        this.store(1 << sz as 1 | 2 | 4, this.addr, v);
        return;
    }
    throw new Unliftable(`operand kind ${k} as destination`);
  }

  mask(sz: number, v: Temp): Temp { return sz === 2 ? v : this.bin("and", v, this.c(SIZE_MASK[sz])); }
}

type Lift = (b: Builder, i: Insn) => "next" | "exit";

function need32(i: Insn): void {
  if (i.sz !== 2) throw new Unliftable("operand size");
}

function push32(b: Builder, v: Temp): void {
  const sp = b.bin("sub", b.slot(R_ESP), b.c(4));
  b.store(4, sp, v);
  b.set(R_ESP, sp);
}

function alu(name: string): Lift {
  return (b, i) => {
    const sz = i.sz, kind = ALU_KIND[name];
    const a = b.get(i, i.k0, sz), src = b.get(i, i.k1, sz);
    let r: Temp, cf: Temp | -1 = -1;
    if (kind === K_ADC || kind === K_SBB) {
      cf = b.cond(CF_COND);
      r = b.mask(sz, b.bin(ALU_FN[name], b.bin(ALU_FN[name], a, src), cf));
    } else {
      r = b.mask(sz, b.bin(ALU_FN[name], a, src));
    }
    if (name !== "cmp" && name !== "test") b.put(i, i.k0, sz, r, false);
    if (kind === K_LOGIC) { const z = b.c(0); b.flags(K_LOGIC, sz, r, z, z); }
    else b.flags(kind, sz, r, a, src, cf);
    return "next";
  };
}

function incdec(kind: number): Lift {
  return (b, i) => {
    const a = b.get(i, i.k0, i.sz), one = b.c(1);
    const r = b.mask(i.sz, b.bin(kind === K_INC ? "add" : "sub", a, one));
    const cf = b.cond(CF_COND);
    b.put(i, i.k0, i.sz, r, false);
    b.flags(kind, i.sz, r, a, one, cf);
    return "next";
  };
}

/** Shifts by CL: a zero count leaves the value and the flags alone, so the flag record is conditional. */
function shiftByCl(kind: number, b: Builder, i: Insn): "next" {
  const sz = i.sz;
  const count = b.bin("and", b.slot(1), b.c(31));
  const a = b.mask(sz, b.get(i, i.k0, sz));
  const r = kind === K_SAR
    ? b.mask(sz, b.bin("shr_s", sz === 2 ? a : b.un(sz === 1 ? "sext16" : "sext8", a), count))
    : b.mask(sz, b.bin(kind === K_SHL ? "shl" : "shr_u", a, count));
  b.put(i, i.k0, sz, r, false);
  b.flags(kind, sz, r, a, count, -1, count);
  return "next";
}

function shift(kind: number): Lift {
  return (b, i) => {
    if (i.row.ops[1] === "CL") return shiftByCl(kind, b, i);
    const count = i.row.ops[1] === "1" ? 1 : i.imm & 31;
    const sz = i.sz, bits = 8 << sz;
    const a = b.mask(sz, b.get(i, i.k0, sz)); // read even for a zero count: a memory operand faults as in the interpreter
    if (count === 0) return "next";
    const c = b.c(count);
    let r: Temp;
    if (kind === K_SAR) {
      const ext = sz === 2 ? a : b.un(sz === 1 ? "sext16" : "sext8", a);
      r = b.mask(sz, b.bin("shr_s", ext, b.c(Math.min(count, 31))));
    } else if (count >= bits && sz < 2) r = b.c(0);
    else r = b.mask(sz, b.bin(kind === K_SHL ? "shl" : "shr_u", a, c));
    b.put(i, i.k0, sz, r, false);
    b.flags(kind, sz, r, a, c);
    return "next";
  };
}

function divide(signed: boolean): Lift {
  return (b, i) => {
    need32(i);
    const d = b.get(i, i.k0, 2), q = b.temps++, r = b.temps++;
    b.emit({ op: "div64", q, r, hi: b.slot(R_EDX), lo: b.slot(R_EAX), d, signed, insn: b.k });
    b.set(R_EAX, q);
    b.set(R_EDX, r);
    return "next";
  };
}

/** rol/ror by an immediate: result and CF/OF as interp/exec/shift.ts computes them, other flags kept. */
function rotate(left: boolean): Lift {
  return (b, i) => {
    const sz = i.sz, bits = 8 << sz;
    let r: Temp, a: Temp, when: Temp | undefined;
    if (i.row.ops[1] === "CL") {
      // 32-bit only (8/16-bit counts reduce modulo 9/17 or the size); a zero count leaves the flags alone.
      if (sz !== 2) throw new Unliftable("variable rotate count");
      when = b.bin("and", b.slot(1), b.c(31));
      a = b.get(i, i.k0, sz);
      r = b.bin(left ? "rotl" : "rotr", a, when);
    } else {
      const raw = i.row.ops[1] === "1" ? 1 : i.imm & 31;
      a = b.mask(sz, b.get(i, i.k0, sz)); // read even for a zero count, as the interpreter does
      if (raw === 0) return "next";
      const c = raw % bits;
      r = c ? b.mask(sz, b.bin("or", b.bin(left ? "shl" : "shr_u", a, b.c(c)), b.bin(left ? "shr_u" : "shl", a, b.c(bits - c)))) : a;
    }
    const msb = b.bin("and", b.bin("shr_u", r, b.c(bits - 1)), b.c(1));
    const cf = left ? b.bin("and", r, b.c(1)) : msb;
    const of = left ? b.bin("xor", msb, cf) : b.bin("xor", msb, b.bin("and", b.bin("shr_u", r, b.c(bits - 2)), b.c(1)));
    b.put(i, i.k0, sz, r, false);
    b.emit({ op: "updflags", mask: 0x801, bits: b.bin("or", cf, b.bin("shl", of, b.c(11))), when });
    return "next";
  };
}

/**
 * shld/shrd, 32-bit: the destination shifted with the source's bits filling in; CF the last bit
 * out, OF whether the sign changed, ZF SF PF from the result, AF clear, the other flags kept (as
 * interp/exec/shift.ts) — a logic record of the result, then CF and OF replaced. A zero count
 * changes nothing; by CL a memory destination is left to the executor, which then does not write.
 */
function doubleShift(left: boolean): Lift {
  return (b, i) => {
    need32(i);
    const byCl = i.row.ops[2] === "CL";
    if (byCl && i.mod !== 3) throw new Unliftable("double shift of memory by CL");
    const a = b.get(i, i.k0, 2), src = b.get(i, i.k1, 2); // read even for a zero count, as the interpreter does
    if (!byCl && (i.imm & 31) === 0) return "next";
    const count = byCl ? b.bin("and", b.slot(1), b.c(31)) : b.c(i.imm & 31);
    const when = byCl ? count : undefined;
    // (src >>> 1) >>> (31 - count) is src >>> (32 - count) for counts 1-31 and 0 for 0, so a zero count leaves a.
    const rest = b.bin("sub", b.c(31), count);
    const r = left
      ? b.bin("or", b.bin("shl", a, count), b.bin("shr_u", b.bin("shr_u", src, b.c(1)), rest))
      : b.bin("or", b.bin("shr_u", a, count), b.bin("shl", b.bin("shl", src, b.c(1)), rest));
    const cf = b.bin("and", b.bin("shr_u", a, left ? b.bin("sub", b.c(32), count) : b.bin("sub", count, b.c(1))), b.c(1));
    const of = b.bin("and", b.bin("shr_u", b.bin("xor", r, a), b.c(31)), b.c(1));
    b.put(i, i.k0, 2, r, false);
    const zero = b.c(0);
    b.flags(K_LOGIC, 2, r, zero, zero, -1, when);
    b.emit({ op: "updflags", mask: 0x801, bits: b.bin("or", cf, b.bin("shl", of, b.c(11))), when });
    return "next";
  };
}

/** movs/stos (rep or not) with 32-bit addresses and no segment override: a strop. */
function stringOp(kind: "movs" | "stos"): Lift {
  return (b, i) => {
    if (i.asz16 || i.segOverride >= 4) throw new Unliftable("string operation with a 16-bit address or a segment base");
    b.emit({ op: "strop", kind, size: (1 << i.sz) as 1 | 2 | 4, rep: !!i.rep, insn: b.k, next: i.next });
    return "next";
  };
}

/** clc/stc/cmc and cld/std: one flag set, cleared or (cmc) complemented, the others kept. */
function flagOp(mask: number, value: "clear" | "set" | "flip"): Lift {
  return (b) => {
    const bits = value === "flip" ? b.bin("xor", b.cond(CF_COND), b.c(1)) : b.c(value === "set" ? mask : 0);
    b.emit({ op: "updflags", mask, bits });
    return "next";
  };
}

/**
 * bt/bts/btr/btc, 32-bit: CF = the selected bit, other flags kept (as
 * interp/exec/bits.ts). With a register offset and a memory operand the
 * offset is signed and selects the dword at ea + (offset >> 5) * 4.
 */
function bitTest(op: "bt" | "bts" | "btr" | "btc"): Lift {
  return (b, i) => {
    need32(i);
    const off = b.get(i, i.k1, 2);
    const far = i.mod !== 3 && i.k1 !== K_IMM;
    const addr = far ? b.bin("add", b.ea(i), b.bin("shl", b.bin("shr_s", off, b.c(5)), b.c(2))) : -1;
    const v = far ? b.load(4, addr) : b.get(i, i.k0, 2);
    const bit = b.bin("and", off, b.c(31));
    const cf = b.bin("and", b.bin("shr_u", v, bit), b.c(1));
    if (op !== "bt") {
      const m = b.bin("shl", b.c(1), bit);
      const r = op === "bts" ? b.bin("or", v, m) : op === "btr" ? b.bin("and", v, b.bin("xor", m, b.c(-1))) : b.bin("xor", v, m);
      if (far) b.store(4, addr, r);
      else b.put(i, i.k0, 2, r, false);
    }
    b.emit({ op: "updflags", mask: 0x1, bits: cf });
    return "next";
  };
}

/** bsf/bsr, 32-bit: a zero source sets ZF and leaves the destination unchanged (as the interpreter does). */
function bitScan(reverse: boolean): Lift {
  return (b, i) => {
    need32(i);
    const v = b.get(i, i.k1, 2), old = b.slot(i.reg);
    const zero = b.un("eqz", v);
    const index = reverse ? b.bin("sub", b.c(31), b.un("clz", v)) : b.un("ctz", v);
    b.set(i.reg, b.sel(zero, old, index));
    b.emit({ op: "updflags", mask: 0x40, bits: b.sel(zero, b.c(0x40), b.c(0)) });
    return "next";
  };
}

/** SSE scalar arithmetic with a native path (ir.ts xarith), by mnemonic: the operation and the lane width. */
const SSE_ARITH: Record<string, { fn: SseFn; w: LaneWidth }> = Object.fromEntries((["add", "sub", "mul", "div", "sqrt"] as const)
  .flatMap((fn) => [[`${fn}sd`, { fn, w: 8 }], [`${fn}ss`, { fn, w: 4 }]]));

/** Truncating conversions to a general register with a native path (ir.ts xcvtt), by mnemonic: the source lane width. */
const SSE_CVTT: Record<string, LaneWidth> = { cvttsd2si: 8, cvttss2si: 4 };

/** comis/ucomis with a native path (ir.ts xcomi), by mnemonic: the lane width (signaling only matters for NaNs, which the executor handles). */
const SSE_COMI: Record<string, LaneWidth> = { comisd: 8, ucomisd: 8, comiss: 4, ucomiss: 4 };
/** The arithmetic flags comis/ucomis write: ZF PF CF from the compare, OF SF AF cleared. */
const COMI_FLAGS = ARITH;

/** movss (w = 4) / movsd (w = 8): register to register keeps the destination's upper bytes, a load zeroes them. */
function sseMove(w: LaneWidth): Lift {
  return (b, i) => {
    const toV = i.row.ops[0][0] === "V";
    if (i.mod === 3) b.emit({ op: "xmov", dst: toV ? i.reg : i.rm, src: toV ? i.rm : i.reg, w });
    else if (toV) b.emit({ op: "xload", dst: i.reg, w, addr: b.ea(i), insn: b.k });
    else b.emit({ op: "xstore", src: i.reg, w, addr: b.ea(i), insn: b.k });
    return "next";
  };
}

/** Float bitwise operations by mnemonic (xint); only their register forms are lifted. */
const SSE_FLOAT_LOGIC: Record<string, XIntFn> = {
  andps: "and", andpd: "and", andnps: "andn", andnpd: "andn", orps: "or", orpd: "or", xorps: "xor", xorpd: "xor",
};
/** SSE2 integer and bitwise operations by mnemonic (xint), XMM forms with a register or an aligned m128 source. */
const SSE_INT: Record<string, XIntFn> = {
  pand: "and", pandn: "andn", por: "or", pxor: "xor", paddb: "addb", paddw: "addw", paddd: "addd", paddq: "addq",
  psubb: "subb", psubw: "subw", psubd: "subd", psubq: "subq", pcmpeqb: "eqb", pcmpeqw: "eqw", pcmpeqd: "eqd",
  pcmpgtb: "gtb", pcmpgtw: "gtw", pcmpgtd: "gtd", pminub: "minub", pmaxub: "maxub", pminsw: "minsw", pmaxsw: "maxsw",
  punpcklbw: "unpcklbw", punpcklwd: "unpcklwd", punpckldq: "unpckldq", punpcklqdq: "unpcklqdq",
  punpckhbw: "unpckhbw", punpckhwd: "unpckhwd", punpckhdq: "unpckhdq", punpckhqdq: "unpckhqdq", pshufd: "shufd",
};

/** The XMM register-to-register form of a 128-bit instruction; MMX forms and memory operands (alignment checks) stay with the executor. */
function xmmRegs(i: Insn): void {
  if (i.row.ops[0][0] !== "V" && i.row.ops[1][0] !== "V") throw new Unliftable("MMX form");
  if (i.mod !== 3) throw new Unliftable("128-bit memory operand");
}

/** A 128-bit operation V = fn(V, W), W an XMM register or (integer forms) an aligned m128. */
function sseInt(fn: XIntFn, float = false): Lift {
  return (b, i) => {
    if (i.row.mmx) throw new Unliftable("MMX form");
    if (float) xmmRegs(i);
    const mem = i.mod !== 3;
    b.emit({ op: "xint", fn, dst: i.reg, src: mem ? -1 : i.rm, addr: mem ? b.ea(i) : -1, imm: i.imm & 0xff, align: true, insn: b.k });
    return "next";
  };
}

/** movdqa (align) / movdqu: a load (or a register move) is xint mov, a store xstore of 16 bytes. */
function sseMoveInt(align: boolean): Lift {
  return (b, i) => {
    const toV = i.row.ops[0][0] === "V", mem = i.mod !== 3;
    if (!toV && mem) b.emit({ op: "xstore", src: i.reg, w: 16, addr: b.ea(i), align, insn: b.k });
    else b.emit({ op: "xint", fn: "mov", dst: toV ? i.reg : i.rm, src: mem ? -1 : toV ? i.rm : i.reg, addr: mem ? b.ea(i) : -1, imm: 0, align, insn: b.k });
    return "next";
  };
}

/** movaps/movapd between registers. */
const sseMove128: Lift = (b, i) => {
  xmmRegs(i);
  const toV = i.row.ops[0][0] === "V";
  b.emit({ op: "xmov", dst: toV ? i.reg : i.rm, src: toV ? i.rm : i.reg, w: 16 });
  return "next";
};

function sseArith(fn: SseFn, w: LaneWidth): Lift {
  return (b, i) => {
    const mem = i.mod !== 3;
    b.emit({ op: "xarith", fn, w, dst: i.reg, src: mem ? -1 : i.rm, addr: mem ? b.ea(i) : -1, insn: b.k, next: i.next });
    return "next";
  };
}

/** cvttsd2si/cvttss2si r32, xmm/m: xcvtt, then the general register write. */
function sseCvtt(w: LaneWidth): Lift {
  return (b, i) => {
    const mem = i.mod !== 3, dst = b.temps++;
    b.emit({ op: "xcvtt", dst, reg: i.reg, w, src: mem ? -1 : i.rm, addr: mem ? b.ea(i) : -1, insn: b.k, next: i.next });
    b.set(i.reg, dst);
    return "next";
  };
}

/** comis/ucomis xmm, xmm/m: xcomi, then its flags when it ran natively. */
function sseComi(w: LaneWidth): Lift {
  return (b, i) => {
    const mem = i.mod !== 3, ok = b.temps++, bits = b.temps++;
    b.emit({ op: "xcomi", ok, bits, w, a: i.reg, src: mem ? -1 : i.rm, addr: mem ? b.ea(i) : -1, insn: b.k, next: i.next });
    b.emit({ op: "updflags", mask: COMI_FLAGS, bits, when: ok });
    return "next";
  };
}

/** x87 arithmetic by mnemonic (fadd, faddp, fiadd, ...): the operation. */
const X87_ARITH_MNEMS: Record<string, X87Arith> = Object.fromEntries(X87_ARITH.flatMap((fn) => [[`f${fn}`, fn], [`f${fn}p`, fn], [`fi${fn}`, fn]]));
/** The memory operand of an x87 arithmetic form, by escape opcode (d8 m32fp, dc m64fp, da m32int, de m16int). */
const X87_ARITH_MEM: Record<number, X87Mem> = { 0xd8: "f32", 0xdc: "f64", 0xda: "i32", 0xde: "i16" };
/** fld/fst/fstp and fild memory operands by the operand form's size letter (m80 and m64int stay with the executor). */
const X87_FLOAT_MEM: Record<string, X87Mem> = { d: "f32", q: "f64" };
const X87_INT_MEM: Record<string, X87Mem> = { w: "i16", d: "i32" };

/**
 * An x87 instruction as an ir.ts x87 operation (konst: fld1/fldz's value),
 * which the backend runs natively in the run's precision model when that is
 * exact (backend-x87.ts).
 */
function x87(fn: X87Fn, pops = 0, konst?: number): Lift {
  return (b, i) => {
    const arith = (X87_ARITH as readonly string[]).includes(fn);
    let dst = 0, src = -1, mem: X87Mem | null = null;
    if (konst === undefined && i.row.ops.length) {
      if (i.mod !== 3) {
        const size = i.row.ops[0][1];
        mem = (arith ? X87_ARITH_MEM[i.row.opcode] : i.row.mnem === "fild" ? X87_INT_MEM[size] : X87_FLOAT_MEM[size]) ?? null;
        if (!mem) throw new Unliftable("x87 memory operand");
      } else if (arith && i.row.kinds[0] !== K_ST0) { dst = i.rm; src = 0; }
      else if (fn === "st") dst = i.rm;
      else src = i.rm;
    }
    const comi = fn === "comi";
    const ok = comi ? b.temps++ : -1, bits = comi ? b.temps++ : -1;
    const fop = ((i.row.opcode & 7) << 8) | (i.mod << 6) | (i.reg << 3) | i.rm;
    b.emit({ op: "x87", fn, dst, src, mem, addr: mem ? b.ea(i) : -1, konst: konst ?? 0, pops, model: b.x87, fop, ok, bits, insn: b.k, next: i.next });
    if (comi) b.emit({ op: "updflags", mask: COMI_FLAGS, bits, when: ok });
    return "next";
  };
}

function jump(b: Builder, target: Temp, retired = b.k + 1): "exit" {
  b.emit({ op: "exit", target, count: retired });
  return "exit";
}

/** The register the PIC thunk a direct call reaches loads (Builder.thunks), or undefined for any other call. */
const thunkCalled = (b: Builder, i: Insn): number | undefined => (i.k0 === K_REL ? b.thunks?.get(i.target) : undefined);

const LIFTS: Record<string, Lift> = {
  ...Object.fromEntries(Object.keys(ALU_KIND).map((n) => [n, alu(n)])),
  ...Object.fromEntries(Object.entries(SHIFT_KIND).map(([n, k]) => [n, shift(k)])),
  ...Object.fromEntries([...NOPS].map((n) => [n, () => "next" as const])),
  ...Object.fromEntries(Object.entries(SSE_ARITH).map(([n, { fn, w }]) => [n, sseArith(fn, w)])),
  ...Object.fromEntries(Object.entries(SSE_FLOAT_LOGIC).map(([n, fn]) => [n, sseInt(fn, true)])),
  ...Object.fromEntries(Object.entries(SSE_INT).map(([n, fn]) => [n, sseInt(fn)])),
  movdqa: sseMoveInt(true),
  movdqu: sseMoveInt(false),
  movd(b, i) {
    if (i.row.mmx) throw new Unliftable("MMX form");
    if (i.k0 === K_E) {
      const dst = b.temps++;
      b.emit({ op: "xget", dst, src: i.reg, fn: "low" });
      b.put(i, K_E, 2, dst, true);
    } else b.emit({ op: "xmovd", dst: i.reg, src: b.get(i, K_E, 2) });
    return "next";
  },
  pmovmskb(b, i) {
    if (i.row.mmx) throw new Unliftable("MMX form");
    const dst = b.temps++;
    b.emit({ op: "xget", dst, src: i.rm, fn: "mask" });
    b.set(i.reg, dst);
    return "next";
  },
  ...Object.fromEntries(Object.entries(SSE_CVTT).map(([n, w]) => [n, sseCvtt(w)])),
  ...Object.fromEntries(Object.entries(SSE_COMI).map(([n, w]) => [n, sseComi(w)])),
  ...Object.fromEntries(Object.entries(X87_ARITH_MNEMS).map(([n, fn]) => [n, x87(fn, n.endsWith("p") ? 1 : 0)])),
  fnstcw(b, i) {
    if (i.mod === 3) throw new Unliftable("fnstcw to a register");
    const cw = b.temps++;
    b.emit({ op: "fpucw", dst: cw });
    b.store(2, b.ea(i), cw);
    return "next";
  },
  fldcw(b, i) {
    if (i.mod === 3) throw new Unliftable("fldcw from a register");
    b.emit({ op: "setfpucw", src: b.load(2, b.ea(i)) });
    return "next";
  },
  fld: x87("ld"),
  fild: x87("ld"),
  fldz: x87("ld", 0, 0),
  fld1: x87("ld", 0, 1),
  fst: x87("st"),
  fstp: x87("st", 1),
  fxch: x87("xch"),
  fchs: x87("chs"),
  fabs: x87("abs"),
  fsqrt: x87("sqrt"),
  fcomi: x87("comi"),
  fucomi: x87("comi"),
  fcomip: x87("comi", 1),
  fucomip: x87("comi", 1),
  movss: sseMove(4),
  "movsd.v": sseMove(8),
  movaps: sseMove128,
  movapd: sseMove128,
  cvtsi2sd(b, i) {
    b.emit({ op: "xcvti", dst: i.reg, src: b.get(i, K_E, 2) });
    return "next";
  },
  inc: incdec(K_INC),
  dec: incdec(K_DEC),
  neg(b, i) {
    const a = b.get(i, i.k0, i.sz), z = b.c(0), r = b.mask(i.sz, b.bin("sub", z, a));
    b.put(i, i.k0, i.sz, r, false);
    b.flags(K_SUB, i.sz, r, z, a);
    return "next";
  },
  not(b, i) {
    b.put(i, i.k0, i.sz, b.bin("xor", b.get(i, i.k0, i.sz), b.c(-1)), false);
    return "next";
  },
  mov(b, i) {
    if (i.row.ops.some((o) => o[0] === "S")) throw new Unliftable("segment register");
    b.put(i, i.k0, i.sz, b.get(i, i.k1, i.sz), true);
    return "next";
  },
  movzx(b, i) {
    b.setReg(i.sz, i.reg, b.get(i, i.k1, i.row.ops[1] === "Eb" ? 0 : 1));
    return "next";
  },
  movsx(b, i) {
    const byte = i.row.ops[1] === "Eb";
    b.setReg(i.sz, i.reg, b.mask(i.sz, b.un(byte ? "sext8" : "sext16", b.get(i, i.k1, byte ? 0 : 1))));
    return "next";
  },
  lea(b, i) {
    need32(i);
    b.set(i.reg, b.ea(i, false));
    return "next";
  },
  xchg(b, i) {
    if (!i.k0) return "next";
    const x = b.get(i, i.k0, i.sz), y = b.get(i, i.k1, i.sz);
    b.put(i, i.k0, i.sz, y, false);
    b.put(i, i.k1, i.sz, x, true);
    return "next";
  },
  cmpxchg(b, i) {
    const sz = i.sz, a = b.get(i, i.k0, sz), acc = b.reg(sz, R_EAX), src = b.reg(sz, i.reg);
    const equal = b.bin("eq", a, acc);
    // The accumulator takes the old value only on a mismatch; when it is also the destination the destination write must win.
    if (i.mod !== 3) b.put(i, i.k0, sz, b.sel(equal, src, a), false);
    b.setReg(sz, R_EAX, b.sel(equal, acc, a));
    if (i.mod === 3) b.put(i, i.k0, sz, b.sel(equal, src, a), false);
    b.flags(K_SUB, sz, b.mask(sz, b.bin("sub", acc, a)), acc, a);
    return "next";
  },
  imul(b, i) {
    need32(i);
    if (!i.k1) {
      const x = b.slot(R_EAX), y = b.get(i, i.k0, 2);
      const lo = b.bin("mul", x, y), hi = b.bin("mulh_s", x, y);
      b.set(R_EAX, lo);
      b.set(R_EDX, hi);
      b.flags(K_MUL, 2, lo, b.bin("ne", hi, b.bin("shr_s", lo, b.c(31))), b.c(0));
      return "next";
    }
    const x = i.k2 ? b.get(i, i.k1, 2) : b.get(i, i.k0, 2), y = i.k2 ? b.get(i, i.k2, 2) : b.get(i, i.k1, 2);
    const lo = b.bin("mul", x, y), hi = b.bin("mulh_s", x, y);
    b.set(i.reg, lo);
    b.flags(K_MUL, 2, lo, b.bin("ne", hi, b.bin("shr_s", lo, b.c(31))), b.c(0));
    return "next";
  },
  mul(b, i) {
    need32(i);
    const x = b.slot(R_EAX), y = b.get(i, i.k0, 2);
    const lo = b.bin("mul", x, y), hi = b.bin("mulh_u", x, y);
    b.set(R_EAX, lo);
    b.set(R_EDX, hi);
    b.flags(K_MUL, 2, lo, b.bin("ne", hi, b.c(0)), b.c(0));
    return "next";
  },
  bt: bitTest("bt"),
  bts: bitTest("bts"),
  btr: bitTest("btr"),
  btc: bitTest("btc"),
  bsf: bitScan(false),
  bsr: bitScan(true),
  rol: rotate(true),
  ror: rotate(false),
  movsb: stringOp("movs"),
  movsd: stringOp("movs"),
  stosb: stringOp("stos"),
  stosd: stringOp("stos"),
  shld: doubleShift(true),
  shrd: doubleShift(false),
  clc: flagOp(0x1, "clear"),
  stc: flagOp(0x1, "set"),
  cmc: flagOp(0x1, "flip"),
  cld: flagOp(0x400, "clear"),
  std: flagOp(0x400, "set"),
  div: divide(false),
  idiv: divide(true),
  cdq(b, i) {
    need32(i);
    b.set(R_EDX, b.bin("shr_s", b.slot(R_EAX), b.c(31)));
    return "next";
  },
  cwde(b, i) {
    need32(i);
    b.set(R_EAX, b.un("sext16", b.slot(R_EAX)));
    return "next";
  },
  bswap(b, i) {
    b.set(i.rm, b.un("bswap", b.slot(i.rm)));
    return "next";
  },
  push(b, i) {
    need32(i);
    if (i.row.ops[0].endsWith("S")) throw new Unliftable("segment push");
    push32(b, b.get(i, i.k0, 2));
    return "next";
  },
  pop(b, i) {
    need32(i);
    if (i.k0 !== K_Z) throw new Unliftable("pop to memory or segment");
    const sp = b.slot(R_ESP), v = b.load(4, sp);
    b.set(R_ESP, b.bin("add", sp, b.c(4)));
    b.set(i.rm, v);
    return "next";
  },
  leave(b, i) {
    need32(i);
    const bp = b.slot(R_EBP), v = b.load(4, bp);
    b.set(R_ESP, b.bin("add", bp, b.c(4)));
    b.set(R_EBP, v);
    return "next";
  },
  jmp(b, i) {
    need32(i);
    return jump(b, i.k0 === K_REL ? b.c(i.target) : b.get(i, i.k0, 2));
  },
  call(b, i) {
    need32(i);
    const thunkReg = thunkCalled(b, i);
    if (thunkReg !== undefined) {
      // The call, the thunk's mov reg, [esp] and its ret: the return address is pushed and loaded
      // back (the load faults where the mov would), ESP ends where it began, and the block goes on
      // at the return address with three instructions retired. A fault re-runs the call in the
      // interpreter, which stores the same word again.
      const top = b.bin("sub", b.slot(R_ESP), b.c(4));
      b.store(4, top, b.c(i.next));
      b.set(thunkReg, b.load(4, top));
      return jump(b, b.c(i.next), b.k + 3);
    }
    const t = i.k0 === K_REL ? b.c(i.target) : b.get(i, i.k0, 2);
    push32(b, b.c(i.next));
    return jump(b, t);
  },
  ret(b, i) {
    need32(i);
    const sp = b.slot(R_ESP), t = b.load(4, sp);
    b.set(R_ESP, b.bin("add", sp, b.c(4 + (i.k0 ? i.imm & 0xffff : 0))));
    return jump(b, t);
  },
};

function conditional(i: Insn): "jcc" | "setcc" | "cmovcc" | undefined {
  const m = i.row.mnem;
  if (i.row.attrs.has("cond") && /^j(?!ecxz)/.test(m)) return "jcc";
  if (m.startsWith("set")) return "setcc";
  if (m.startsWith("cmov")) return "cmovcc";
  return undefined;
}

function liftOne(b: Builder, i: Insn): "next" | "exit" {
  if (i.lock && !["add", "sub", "and", "or", "xor", "inc", "dec", "xchg", "cmpxchg", "neg", "not", "adc", "sbb"].includes(i.row.mnem)) throw new Unliftable("lock");
  const cc = i.row.opcode & 15;
  switch (conditional(i)) {
    case "jcc":
      if (i.osz16) throw new Unliftable("16-bit branch");
      b.emit({ op: "exitif", c: b.cond(cc), target: b.c(i.target), count: b.k + 1 });
      return jump(b, b.c(i.next));
    case "setcc":
      b.put(i, i.k0, 0, b.cond(cc), true);
      return "next";
    case "cmovcc": {
      const v = b.get(i, i.k1, i.sz), old = b.reg(i.sz, i.reg);
      b.setReg(i.sz, i.reg, b.sel(b.cond(cc), v, old));
      return "next";
    }
  }
  const lift = LIFTS[i.row.mnem];
  if (!lift || i.row.attrs.has("sys")) throw new Unliftable(i.row.mnem);
  return lift(b, i);
}

/**
 * Lifts a run of decoded instructions; null when not even the first can be
 * lifted or interpreted. stops counts, by mnemonic and reason, where blocks
 * ended early. A call of one of thunks (start -> register) is lifted with
 * the thunk's two instructions, and the block ends at the call's return
 * address.
 */
export function liftBlock(insns: Insn[], stops?: Map<string, number>, x87Model: X87ModelName = "f80", thunks?: ReadonlyMap<number, number>): Block | null {
  const b = new Builder(x87Model, thunks);
  const addrs: number[] = [];
  let end = insns[0].addr;
  for (const i of insns) {
    const mark = b.ops.length, temps = b.temps;
    b.k = addrs.length;
    let how: "next" | "exit";
    try {
      how = liftOne(b, i);
    } catch (e) {
      if (!(e instanceof Unliftable)) throw e;
      b.ops.length = mark;
      b.temps = temps;
      if (!interpreted(i.row)) {
        const why = e.message === i.row.mnem ? e.message : `${i.row.mnem} (${e.message})`;
        stops?.set(why, (stops.get(why) ?? 0) + 1);
        break;
      }
      b.emit({ op: "interp", insn: b.k, next: i.next });
      how = "next";
    }
    addrs.push(i.addr);
    end = i.next;
    if (how === "exit") return { start: insns[0].addr, addrs, length: end - insns[0].addr, endsInCall: i.row.attrs.has("call") && thunkCalled(b, i) === undefined, ops: b.ops, temps: b.temps, cached: new Set() };
  }
  if (!addrs.length) return null;
  b.k = addrs.length;
  b.emit({ op: "exit", target: b.c(end), count: addrs.length });
  return { start: insns[0].addr, addrs, length: end - insns[0].addr, endsInCall: false, ops: b.ops, temps: b.temps, cached: new Set() };
}
