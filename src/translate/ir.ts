/**
 * The translator's IR: one translation unit (a guest block) as a linear list
 * of typed micro-operations on 32-bit temporaries, guest registers, lazy flag
 * state and guest memory. Temporaries are assigned once (SSA within the
 * block). Every operation that may fail at run time (a memory access, a
 * guard) names the guest instruction it belongs to; the backend turns a
 * failure into a bail-out that leaves the guest state exactly as it was
 * before that instruction, so the interpreter can run it and fault precisely.
 *
 * An instruction the lifter has no operations for may still be part of the
 * block as one `interp` operation: translated code calls the interpreter's
 * own executor for it. That operation is a barrier for everything the
 * translation keeps outside the register file (see its comment below).
 *
 * The hottest SSE scalar instructions have operations of their own on XMM
 * registers, which stay in the register file at XMM_OFF (xmov, xint, xmovd,
 * xget, xcvti, xload, xstore, xarith, xcvtt, xcomi); xint covers the SSE2
 * integer and bitwise operations C libraries' string functions use. xarith
 * (add/sub/mul/div and sqrt), xcvtt (cvttsd2si/cvttss2si) and xcomi (comisd/ucomisd/comiss/
 * ucomiss) are exact by construction: the backend computes them with
 * WebAssembly float operations only when that cannot differ from the
 * executor (see backend.ts), and otherwise calls the executor as an `interp`
 * operation would. xcvtt's general-register result and xcomi's flags reach
 * guest state through an ordinary setreg and a conditional updflags.
 *
 * The x87 instructions compilers put in numeric loops — fld/fild/fld1/fldz,
 * fst/fstp, fxch, fchs, fabs, fsqrt, fcomi/fucomi(p) and the arithmetic of
 * d8-de in every operand form — are `x87` operations on the register stack
 * in the FPU state, native when that gives exactly what the executor would
 * in the run's precision model (backend-x87.ts), the executor otherwise.
 *
 * Ordering discipline kept by the lifter, relied on by the backend: within
 * one guest instruction all loads and guards come first, then at most one
 * store, then register and flag writes. One exception: a call of a PIC thunk
 * (lift.ts) stores the return address and loads it back; a bail-out at the
 * load leaves the word stored, which the interpreter's re-run of the call
 * stores again.
 */
import type { X87ModelName } from "../interp/x87-model.ts";

export type Temp = number;
/** SSE scalar arithmetic (addsd, subss, ..., sqrtsd: dst = sqrt(src)) with a native path. */
export type SseFn = "add" | "sub" | "mul" | "div" | "sqrt";
/** Bytes of an SSE scalar lane: 4 (ss: f32) or 8 (sd: f64). */
export type LaneWidth = 4 | 8;
/**
 * 128-bit operations of xint: bitwise (andn is ~dst & src), lane-wise add, sub, compare for equal
 * and signed greater, min and max (b w d q: 8- to 64-bit lanes; ub unsigned bytes, sw signed words),
 * unpacking of the low or high halves (lanes of dst and src interleaved), shufd (dst's dwords picked
 * from src's by imm's two-bit fields) and mov (dst = src).
 */
export type XIntFn =
  | "and" | "andn" | "or" | "xor" | "addb" | "addw" | "addd" | "addq" | "subb" | "subw" | "subd" | "subq" | "eqb" | "eqw" | "eqd"
  | "gtb" | "gtw" | "gtd" | "minub" | "maxub" | "minsw" | "maxsw" | "unpcklbw" | "unpcklwd" | "unpckldq" | "unpcklqdq"
  | "unpckhbw" | "unpckhwd" | "unpckhdq" | "unpckhqdq" | "shufd" | "mov";
/** x87 arithmetic of d8-de (sub: a - b, subr: b - a, div: a / b, divr: b / a) with a native path. */
export const X87_ARITH = ["add", "sub", "subr", "mul", "div", "divr"] as const;
export type X87Arith = (typeof X87_ARITH)[number];
/** x87 instructions with a native path: push (fld, fild, fld1, fldz), store (fst/fstp), fxch, fchs, fabs, fsqrt, fcomi/fucomi, arithmetic. */
export type X87Fn = "ld" | "st" | "xch" | "chs" | "abs" | "sqrt" | "comi" | X87Arith;
/** An x87 memory operand: a float of 4 or 8 bytes, or a 2- or 4-byte integer. */
export type X87Mem = "f32" | "f64" | "i16" | "i32";

export type BinOp =
  | "add" | "sub" | "mul" | "and" | "or" | "xor" | "shl" | "shr_u" | "shr_s" | "rotl" | "rotr"
  | "eq" | "ne" | "lt_s" | "lt_u" | "le_s" | "le_u" | "gt_s" | "gt_u" | "ge_s" | "ge_u"
  | "mulh_u" | "mulh_s";
export type UnOp = "eqz" | "sext8" | "sext16" | "zext8" | "zext16" | "clz" | "ctz" | "bswap";

export type Op =
  | { op: "const"; dst: Temp; value: number }
  | { op: "getreg"; dst: Temp; reg: number }
  | { op: "setreg"; reg: number; src: Temp }
  | { op: "bin"; dst: Temp; fn: BinOp; a: Temp; b: Temp }
  | { op: "un"; dst: Temp; fn: UnOp; a: Temp }
  | { op: "select"; dst: Temp; cond: Temp; a: Temp; b: Temp }
  /** Checked guest load of 1, 2 or 4 bytes, zero-extended; unchecked when a checkrange before it covers it (merge-checks). */
  | { op: "load"; dst: Temp; size: 1 | 2 | 4; addr: Temp; insn: number; unchecked?: boolean }
  /** Checked guest store; bails out on a protected page or one holding code; unchecked as a load. */
  | { op: "store"; size: 1 | 2 | 4; addr: Temp; src: Temp; insn: number; unchecked?: boolean }
  /**
   * Bails out before instruction insn unless the pages of guest addresses lo and hi (at most one
   * page apart: hi - lo < PAGE_SIZE) are readable, and with write writable and free of code: the
   * check of every access of the block's that lies between them (merge-checks).
   */
  | { op: "checkrange"; lo: Temp; hi: Temp; write: boolean; insn: number }
  /** 64-by-32-bit division of hi:lo by d (div/idiv); bails out on #DE (zero divisor, quotient overflow). */
  | { op: "div64"; q: Temp; r: Temp; hi: Temp; lo: Temp; d: Temp; signed: boolean; insn: number }
  /** Bails out before instruction insn unless ok is nonzero. */
  | { op: "guard"; ok: Temp; insn: number }
  /**
   * Records the lazy flag state (interp/flags.ts kinds); cf is the carry-in of
   * ADC/SBB/INC/DEC. With when >= 0 it happens only if that temp is nonzero
   * (shifts by CL: a zero count leaves the flags alone).
   */
  | { op: "setflags"; kind: number; size: number; res: Temp; a: Temp; b: Temp; cf: Temp | -1; when?: Temp }
  /** Replaces the flags in mask with bits, keeping the others (rotates: CF and OF only); materializes the flag state. */
  | { op: "updflags"; mask: number; bits: Temp; when?: Temp }
  /** dst = 1 if condition code cc (jcc's low nibble) holds for the current flags. */
  | { op: "cond"; dst: Temp; cc: number }
  /**
   * Leaves the block for guest address target, count guest instructions
   * retired. links (the link-blocks pass) lists the guest addresses of
   * blocks of the same translation module the target may be: when it is one
   * of them, control branches there inside the module instead of returning
   * to the dispatcher.
   */
  /** nest (set by nest-calls on a call's exit): the return site, a block of the region, where translated code goes on when the callee returns there. */
  | { op: "exit"; target: Temp; count: number; links?: number[]; nest?: number }
  /** Leaves for target if c is nonzero; otherwise continues. */
  | { op: "exitif"; c: Temp; target: Temp; count: number; links?: number[] }
  /**
   * Guest instruction insn (falling through to next) run by the interpreter's
   * executor, called from translated code. A barrier: the backend writes the
   * register-cached guest registers back before the call and reloads them
   * after it; passes treat it as reading and writing every register, flag and
   * memory byte. The result is one of INTERP_*: a guest fault bails out before
   * insn (the interpreter re-runs it and faults precisely), a store into code
   * bails out after it (the interpreter continues on freshly decoded code).
   */
  | { op: "interp"; insn: number; next: number }
  /** XMM dst's low w bytes = XMM src's; dst's other bytes kept (movss/movsd/movaps/movapd between registers). */
  | { op: "xmov"; dst: number; src: number; w: LaneWidth | 16 }
  /**
   * XMM dst = fn(dst, src) over all 128 bits, src being XMM src or, when src < 0, the 16 bytes at
   * addr (a checked load; with align, a misaligned address bails out too: the executor raises #GP).
   */
  | { op: "xint"; fn: XIntFn; dst: number; src: number; addr: Temp | -1; imm: number; align: boolean; insn: number }
  /**
   * movs/stos of size bytes (rep: while ECX is not zero), 32-bit addresses, on the register file's
   * ESI, EDI, ECX and EAX: a barrier like `interp` for the registers. Element by element, each
   * committed before the next; an element the backend cannot do natively (a page not plainly
   * accessible, or crossing one) bails out before insn with the elements so far done, as a fault
   * mid-string leaves it, and the interpreter goes on from there. A rep with a long count is the
   * executor's (its bulk copy), called as `interp` calls it.
   */
  | { op: "strop"; kind: "movs" | "stos"; size: 1 | 2 | 4; rep: boolean; insn: number; next: number }
  /** dst = the x87 control word (fnstcw), or the control word = src (fldcw), as interp/fpu.ts keeps it. */
  | { op: "fpucw"; dst: Temp }
  | { op: "setfpucw"; src: Temp }
  /** XMM dst = the dword src, zero-extended (movd from a general register or memory). */
  | { op: "xmovd"; dst: number; src: Temp }
  /** dst = XMM src's low dword (movd to a general register or memory) or the top bits of its 16 bytes (pmovmskb). */
  | { op: "xget"; dst: Temp; src: number; fn: "low" | "mask" }
  /** XMM dst's low double = the signed 32-bit src (cvtsi2sd: always exact, no MXCSR flag); dst's upper qword kept. */
  | { op: "xcvti"; dst: number; src: Temp }
  /** Checked guest load of w bytes into XMM dst's low lane, the rest of dst zeroed (movss/movsd loads). */
  | { op: "xload"; dst: number; w: LaneWidth; addr: Temp; insn: number }
  /**
   * Checked guest store of XMM src's low w bytes, all or nothing (movss/movsd stores; 16: movdqa/movdqu,
   * with align a misaligned address bailing out).
   */
  | { op: "xstore"; src: number; w: LaneWidth | 16; addr: Temp; align?: boolean; insn: number }
  /**
   * XMM dst's low lane = dst fn src, src being XMM src or, when src < 0, the
   * w bytes at addr (a checked load). Native when exact; otherwise the
   * executor runs guest instruction insn exactly as an `interp` operation
   * (its barrier, its fault and store-into-code outcomes).
   */
  | { op: "xarith"; fn: SseFn; w: LaneWidth; dst: number; src: number; addr: Temp | -1; insn: number; next: number }
  /**
   * dst = the low lane (w bytes) of XMM src, or of the w bytes at addr when
   * src < 0, truncated to a signed 32-bit integer (cvttsd2si/cvttss2si into
   * general register reg). Native when exact; otherwise the executor runs
   * insn as xarith's fallback does (writing reg itself) and dst is reg's new
   * value. The lifter follows it with setreg(reg, dst).
   */
  | { op: "xcvtt"; dst: Temp; reg: number; w: LaneWidth; src: number; addr: Temp | -1; insn: number; next: number }
  /**
   * Compares the low lanes of XMM a and of XMM src (or the w bytes at addr
   * when src < 0) for comis/ucomis. Native when exact (ordered, no flag to
   * raise): ok = 1 and bits = ZF/PF/CF as the executor sets them; otherwise
   * ok = 0 and the executor has run insn, flags included. The lifter follows
   * it with updflags(all six arithmetic flags, bits, when ok).
   */
  | { op: "xcomi"; ok: Temp; bits: Temp; w: LaneWidth; a: number; src: number; addr: Temp | -1; insn: number; next: number }
  /**
   * An x87 instruction on the register stack in the FPU state (FPU_OFF),
   * native when that is exact, otherwise run by the executor as an `interp`
   * operation (backend.ts says when). Operands are ST indices relative to
   * the TOP before the instruction: ld pushes ST(src), the memory operand
   * (mem, at addr) or the constant konst; st stores ST0 to memory or to
   * ST(dst); xch swaps ST0 and ST(src); chs, abs and sqrt act on ST0;
   * arithmetic computes ST(dst) = ST(dst) fn (ST(src) or the memory operand);
   * comi compares ST0 with ST(src) and, when native, sets ok = 1 and bits to
   * ZF/PF/CF for the updflags the lifter puts after it. pops: pops after.
   * model: the run's x87 precision model, whose arithmetic the native path
   * reproduces (backend-x87.ts).
   * fop is the instruction's FOP, recorded with FIP (and FDP) as the executor does.
   */
  | {
    op: "x87"; fn: X87Fn; dst: number; src: number; mem: X87Mem | null; addr: Temp | -1; konst: number; pops: number;
    model: X87ModelName; fop: number; ok: Temp | -1; bits: Temp | -1; insn: number; next: number;
  };

/**
 * The temporaries an operation reads, written to out from index 0; returns how many (at most 5).
 * The translator asks this of every operation several times, so it fills a caller's buffer
 * rather than making an array each time.
 */
export function readsInto(o: Op, out: Int32Array): number {
  switch (o.op) {
    case "setreg": case "xcvti": case "xmovd": case "setfpucw": out[0] = o.src; return 1;
    case "bin": out[0] = o.a; out[1] = o.b; return 2;
    case "un": out[0] = o.a; return 1;
    case "select": out[0] = o.cond; out[1] = o.a; out[2] = o.b; return 3;
    case "store": out[0] = o.addr; out[1] = o.src; return 2;
    case "div64": out[0] = o.hi; out[1] = o.lo; out[2] = o.d; return 3;
    case "guard": out[0] = o.ok; return 1;
    case "checkrange": out[0] = o.lo; out[1] = o.hi; return 2;
    case "setflags": {
      out[0] = o.res; out[1] = o.a; out[2] = o.b;
      let k = 3;
      if (o.cf >= 0) out[k++] = o.cf;
      if (o.when !== undefined) out[k++] = o.when;
      return k;
    }
    case "updflags": out[0] = o.bits; if (o.when === undefined) return 1; out[1] = o.when; return 2;
    case "exit": out[0] = o.target; return 1;
    case "exitif": out[0] = o.c; out[1] = o.target; return 2;
    default: { const a = addrOf(o); if (a < 0) return 0; out[0] = a; return 1; }
  }
}

/** The value of temporary t when a const operation of block b defines it (unsigned), else undefined. Temporaries are assigned once; an exit's constant target is defined just before it, so the search runs backwards. */
export function constOf(b: Block, t: Temp): number | undefined {
  for (let k = b.ops.length - 1; k >= 0; k--) {
    const o = b.ops[k];
    if (o.op === "const" && o.dst === t) return o.value >>> 0;
  }
  return undefined;
}

/**
 * Whether an operation may change general registers other than by a setreg: calls of the
 * interpreter's executor (interp, strop, and the SSE and x87 operations that may fall back to it).
 */
export function writesRegsBehind(op: Op["op"]): boolean {
  switch (op) {
    case "interp": case "strop": case "x87": case "xarith": case "xcvtt": case "xcomi": return true;
    default: return false;
  }
}

/** The guest address temporary of an access whose backend code checks it (not one a checkrange covers), or -1. */
export function checkedAddrOf(o: Op): Temp | -1 {
  return (o.op === "load" || o.op === "store") && o.unchecked ? -1 : addrOf(o);
}

/** The guest address temporary an operation reads (an access), or -1. */
export function addrOf(o: Op): Temp | -1 {
  switch (o.op) {
    case "load": case "store": case "xint": case "xload": case "xstore": case "xarith": case "xcvtt": case "xcomi": case "x87": return o.addr;
    default: return -1;
  }
}

/** The temporaries an operation defines, written to out (an x87 operation's ok and bits only when it has them); returns how many (at most 2). */
export function writesInto(o: Op, out: Int32Array): number {
  switch (o.op) {
    case "const": case "getreg": case "bin": case "un": case "select": case "load": case "cond": case "xcvtt": case "xget": case "fpucw": out[0] = o.dst; return 1;
    case "div64": out[0] = o.q; out[1] = o.r; return 2;
    case "xcomi": out[0] = o.ok; out[1] = o.bits; return 2;
    case "x87": {
      let k = 0;
      if (o.ok >= 0) out[k++] = o.ok;
      if (o.bits >= 0) out[k++] = o.bits;
      return k;
    }
    default: return 0;
  }
}

/** What an interp operation's call reports: the instruction completed, raised a guest fault (and is to be re-run), or completed with a store into code. */
export const INTERP_DONE = 0, INTERP_FAULT = 1, INTERP_SMC = 2;

export interface Block {
  /** Guest address of the first instruction. */
  start: number;
  /** Guest address of each lifted instruction, by index. */
  addrs: number[];
  /** Byte length of the guest code covered. */
  length: number;
  /** Whether the last instruction is a call: start + length is then a return address. */
  endsInCall: boolean;
  /**
   * The entries of the jump table the last instruction (jmp [table + index*4])
   * reads, as they were at translation time (translator.ts): candidates for
   * link-blocks, compared with the loaded target at run time, since the table
   * may change.
   */
  jumpTable?: number[];
  ops: Op[];
  temps: number;
  /**
   * Register-cached guest registers (set by reg-cache): getreg/setreg on them
   * use WebAssembly locals, loaded when translated code is entered and
   * written back wherever it leaves (backend.ts).
   */
  cached: Set<number>;
  /**
   * Set by direct-chain: where this block's exits leave its region's function, translated code
   * looks the target up in the code-cache directory and tail-calls its translation itself.
   */
  chain?: boolean;
}

const REG = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const t = (v: Temp) => `t${v}`;

export function formatOp(o: Op): string {
  switch (o.op) {
    case "const": return `${t(o.dst)} = 0x${(o.value >>> 0).toString(16)}`;
    case "getreg": return `${t(o.dst)} = ${REG[o.reg]}`;
    case "setreg": return `${REG[o.reg]} = ${t(o.src)}`;
    case "bin": return `${t(o.dst)} = ${o.fn} ${t(o.a)}, ${t(o.b)}`;
    case "un": return `${t(o.dst)} = ${o.fn} ${t(o.a)}`;
    case "select": return `${t(o.dst)} = ${t(o.cond)} ? ${t(o.a)} : ${t(o.b)}`;
    case "load": return `${t(o.dst)} = load${o.size * 8} [${t(o.addr)}]${o.unchecked ? " unchecked" : ""}  @${o.insn}`;
    case "store": return `store${o.size * 8} [${t(o.addr)}], ${t(o.src)}${o.unchecked ? " unchecked" : ""}  @${o.insn}`;
    case "checkrange": return `check ${o.write ? "writable" : "readable"} [${t(o.lo)}..${t(o.hi)}]  @${o.insn}`;
    case "guard": return `guard ${t(o.ok)}  @${o.insn}`;
    case "div64": return `${t(o.q)}, ${t(o.r)} = ${o.signed ? "idiv" : "div"} ${t(o.hi)}:${t(o.lo)}, ${t(o.d)}  @${o.insn}`;
    case "setflags": return `${o.when !== undefined ? `if ${t(o.when)}: ` : ""}flags = kind${o.kind}.${8 << o.size} res=${t(o.res)} a=${t(o.a)} b=${t(o.b)}${o.cf >= 0 ? ` cf=${t(o.cf)}` : ""}`;
    case "cond": return `${t(o.dst)} = cond ${o.cc}`;
    case "updflags": return `${o.when !== undefined ? `if ${t(o.when)}: ` : ""}flags[0x${o.mask.toString(16)}] = ${t(o.bits)}`;
    case "exit": return `exit ${t(o.target)} (${o.count} insns)${formatLinks(o.links)}${o.nest === undefined ? "" : `, nested until 0x${(o.nest >>> 0).toString(16)}`}`;
    case "exitif": return `exit if ${t(o.c)}: ${t(o.target)} (${o.count} insns)${formatLinks(o.links)}`;
    case "interp": return `interp (next 0x${(o.next >>> 0).toString(16)})  @${o.insn}`;
    case "strop": return `${o.rep ? "rep " : ""}${o.kind}${o.size * 8}  @${o.insn}`;
    case "xmov": return `xmm${o.dst}.${o.w * 8} = xmm${o.src}`;
    case "xint": return `xmm${o.dst} = ${o.fn}${o.fn === "shufd" ? ` 0x${o.imm.toString(16)}` : ""} xmm${o.dst}, ${o.src >= 0 ? `xmm${o.src}` : `[${t(o.addr)}]${o.align ? " aligned" : ""}  @${o.insn}`}`;
    case "fpucw": return `${t(o.dst)} = fpu.cw`;
    case "setfpucw": return `fpu.cw = ${t(o.src)}`;
    case "xmovd": return `xmm${o.dst} = zext128 ${t(o.src)}`;
    case "xget": return `${t(o.dst)} = ${o.fn === "low" ? "low32" : "bytemask"} xmm${o.src}`;
    case "xcvti": return `xmm${o.dst}.64 = f64 ${t(o.src)}`;
    case "xload": return `xmm${o.dst} = load${o.w * 8} [${t(o.addr)}]  @${o.insn}`;
    case "xstore": return `store${o.w * 8} [${t(o.addr)}], xmm${o.src}  @${o.insn}`;
    case "xarith": return `xmm${o.dst}.${o.w * 8} = ${o.fn} ${o.fn === "sqrt" ? "" : `xmm${o.dst}, `}${o.src >= 0 ? `xmm${o.src}` : `[${t(o.addr)}]`}  @${o.insn}`;
    case "xcvtt": return `${t(o.dst)} = trunc${o.w * 8} ${o.src >= 0 ? `xmm${o.src}` : `[${t(o.addr)}]`} (else ${REG[o.reg]} by the executor)  @${o.insn}`;
    case "xcomi": return `${t(o.ok)}, ${t(o.bits)} = comi${o.w * 8} xmm${o.a}, ${o.src >= 0 ? `xmm${o.src}` : `[${t(o.addr)}]`}  @${o.insn}`;
    case "x87": {
      const from = o.mem ? `${o.mem} [${t(o.addr)}]` : o.src >= 0 ? `st${o.src}` : `${o.konst}`;
      const what = o.fn === "ld" ? from : o.fn === "st" ? `st0 -> ${o.mem ? `${o.mem} [${t(o.addr)}]` : `st${o.dst}`}`
        : o.fn === "comi" ? `st0, st${o.src} -> ${t(o.ok)}, ${t(o.bits)}` : o.fn === "xch" ? `st0, st${o.src}` : `st${o.dst}, ${from}`;
      return `x87 ${o.fn} ${what}${o.pops ? ` pop${o.pops}` : ""}  @${o.insn}`;
    }
  }
}

const formatLinks = (links?: number[]) => (links?.length ? `, linked to ${links.map((a) => `0x${(a >>> 0).toString(16)}`).join(" ")}` : "");

export function formatBlock(b: Block): string {
  const cached = b.cached.size ? [`registers in locals: ${[...b.cached].sort().map((r) => REG[r]).join(" ")}`] : [];
  return [...cached, ...b.ops.map(formatOp)].join("\n") + "\n";
}
