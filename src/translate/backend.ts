/**
 * The WebAssembly backend: regions of IR blocks -> one WebAssembly module,
 * written directly by wasm-writer.ts -> compiled WebAssembly.Module; and the
 * dispatcher module that chains translations. Binaryen optimizes the bytes
 * when an optimize level or passes are asked for; this is the only file that
 * loads it (lazily, on the worker thread: ~75 ms from the split copy
 * bin/bundle.mjs makes, which the guest does not wait for in staged mode).
 * backend-x87.ts is its x87 part.
 *
 * Each region's blocks share one function
 * (emitRegion), so branches between them stay inside it (link-blocks); each
 * block's entry is an exported function () -> i32 returning the guest EIP to
 * go to next. Translated code reads and writes guest state in the shared
 * memory: the register file and lazy flags at REGS_OFF, guest memory at its
 * own addresses, each access checked against the page permission byte at
 * PERM_OFF. A failed check branches to the function's bail-out path, which
 * writes back cached registers, counts the instructions before the failing
 * one, sets S_EXIT and returns that instruction's address, so the
 * interpreter re-runs it.
 * An interp operation calls the imported interp(n, k), which runs
 * instruction k of the module's block n through the interpreter's executor;
 * its result either continues the function or takes the bail-out path.
 *
 * SSE scalar arithmetic (xarith) computes with WebAssembly f64/f32 ops —
 * IEEE round to nearest even, no flags — and keeps the result only when the
 * executor would have produced the same bits and left MXCSR alone: MXCSR &
 * 0xffe0 = 0x1fa0 (all exceptions masked, RC nearest, no FTZ/DAZ, PE already
 * set), both operands zero or normal (no NaN, infinity or denormal: no IE,
 * DE), a non-zero divisor (no ZE), a finite result (no OE), and for mul/div a
 * result above the smallest normal in magnitude or exactly zero from a zero
 * operand (no UE: a result of exactly the smallest normal may be tiny before
 * rounding; add/sub results that small are exact). Then at most PE could be
 * raised, and it is set already. sqrt (f64/f32.sqrt, correctly rounded
 * like the executor's) is kept for a zero or positive normal operand:
 * finite, no IE or DE, and its result is normal (no UE, OE). Otherwise the
 * executor runs the instruction, as for an interp operation.
 *
 * cvttsd2si/cvttss2si (xcvtt) truncate with i32.trunc_f64_s under the same
 * MXCSR condition for an operand strictly inside (-2^31 - 1, 2^31) (a float
 * is widened exactly first): no NaN or out-of-range result (IE), a
 * denormal raises no DE in a conversion, so at most PE, already set. Else
 * the executor writes the general register, and xcvtt's result is re-read
 * from it (after the call's register reload). comis/ucomis (xcomi) are
 * native under the same MXCSR condition when both operands are zero or
 * normal (ordered: no IE; no DE): bits = ZF (equal), CF (less) or 0, and
 * the lifter's updflags of all six arithmetic flags stores them. x87
 * operations are emitted by backend-x87.ts (its header says when they are
 * native), which shares this file's checks, bail-out and executor call.
 *
 * Flags: a block keeps its last flag record in locals and stores it in the
 * register file only on the way out or before an operation that may read it
 * (emitRegion's `pending`). `cond` and `updflags` read the lazy record interp/flags.ts keeps in
 * the register file through the module's flags(), carry() and eflags()
 * (emitFlags; each module has those its code calls), which evaluate it as
 * that file does for every kind. One module of them, imported
 * by every translation module, saved ~12 bytes per translated guest
 * instruction but made sha256 at `ref` ~4 % slower (a call to an imported
 * function costs more than one within the module).
 * An updflags replacing all six arithmetic flags needs no evaluation: EFLAGS
 * keeps its other bits and the lazy record becomes NONE, as updateFlags does.
 */
import type binaryenT from "binaryen";
import { CACHE_OFF, DIR_BITS, DIR_ENTRIES, DIR_HASH, DIR_TOMBSTONE, PAGE_CODE, PAGE_SIZE, PERM_OFF, PROT_READ, PROT_WRITE, REGS_OFF, S_CHAINS, S_EFLAGS, S_CHAIN_LEFT, S_DIRECT, S_EXIT, S_LAZY_A, S_LAZY_B, S_LAZY_CF, S_LAZY_OP, S_LAZY_RES, S_LINK_BUDGET, S_LINKS, S_LINK_LEFT, S_LOOKUPS, S_NEST_DEPTH, S_NEST_LINKS, S_NEST_LOOKUPS, NEST_DEPTH, S_RETIRED, XMM_MXCSR, XMM_OFF, R_EAX, R_ECX, R_EDI, R_ESI, FPU_OFF, FPU_CW } from "../core/layout.ts";
import { BULK_MIN } from "../interp/exec/string.ts";
import { CW_DEFAULT } from "../interp/fpu.ts";
import { ARITH, DF, K_ADC, K_DEC, K_INC, K_LOGIC, K_MUL, K_SBB, K_SHL, K_SHR, OP_ADD32, OP_DEC32, OP_INC32, OP_LOGIC32, OP_SUB32 } from "../interp/flags.ts";
import { x87Emitter } from "./backend-x87.ts";
import { constOf, INTERP_FAULT, INTERP_SMC, type BinOp, type Block, type LaneWidth, type Op, type SseFn, type XIntFn } from "./ir.ts";
import { planTemps } from "./temps.ts";
import * as W from "./wasm-writer.ts";

type Binaryen = typeof binaryenT;
/** The writer's types and signature builder, named as the emitters below use them. */
type Types = typeof W;
type Module = W.Module;
type Expr = W.Expr;

let lib: Binaryen | undefined;
let loading: Promise<Binaryen> | undefined;

/** Starts loading Binaryen (once); resolves when it can be used. Needed only to optimize translations or print their text. */
export function loadBackend(): Promise<Binaryen> {
  loading ??= import("binaryen").then((m) => (lib = m.default));
  return loading;
}

/** Whether these options need Binaryen (loadBackend before compiling). */
export const needsBinaryen = (o: BackendOptions) => o.optLevel > 0 || !!o.passes?.length || !!o.wantText;

const slotAddr = (slot: number) => REGS_OFF + slot * 4;
/** The x87 control word as interp/fpu.ts stores it (XOR CW_DEFAULT; its setter keeps the bits that exist and sets bit 6). */
const FPU_CW_ADDR = (FPU_OFF + FPU_CW) >>> 0;
const xmmAddr = (r: number) => (XMM_OFF + r * 16) >>> 0;
/** MXCSR as stored (XOR 0x1f80) at XMM_OFF + XMM_MXCSR; xarith's native path needs stored & ~0x1f = 0x1fa0 ^ 0x1f80. */
const MXCSR_ADDR = (XMM_OFF + XMM_MXCSR) >>> 0, MXCSR_NATIVE = 0x1fa0 ^ 0x1f80;
/** Smallest normal float and double. */
const MIN_NORMAL: Record<LaneWidth, number> = { 4: 2 ** -126, 8: 2 ** -1022 };

export interface BackendOptions {
  /** Binaryen optimize level 0..4 (0: no Binaryen passes). */
  optLevel: number;
  /** Explicit Binaryen pass names; replaces the optimize level's pipeline. */
  passes?: string[];
  /** Keep the module's text form for --dump-translations. */
  wantText?: boolean;
  /** Return the module's bytes too (for the persistent translation cache). */
  keepBinary?: boolean;
}

export interface CompiledBatch {
  module: WebAssembly.Module;
  exports: string[];
  bytes: number;
  binary?: Uint8Array;
  text?: string;
  emitMs: number;
  optimizeMs: number;
  compileMs: number;
}

/**
 * Encodes the module; with an optimize level or passes, Binaryen reads the bytes back and
 * optimizes them (the optimizing path; wantText prints its text form too); then compiles.
 */
function finish(mod: Module, opts: BackendOptions, exportsList: string[], t0: number): CompiledBatch {
  let binary = mod.emitBinary();
  const t1 = performance.now();
  let text: string | undefined;
  if (needsBinaryen(opts)) {
    const b = lib!;
    const bmod = b.readBinary(binary);
    bmod.setFeatures(b.Features.MVP | b.Features.SignExt | b.Features.MutableGlobals | b.Features.BulkMemory | b.Features.TailCall | b.Features.SIMD128);
    if (opts.passes?.length) bmod.runPasses(opts.passes);
    else if (opts.optLevel > 0) {
      b.setOptimizeLevel(Math.min(opts.optLevel, 4));
      b.setShrinkLevel(0);
      bmod.optimize();
    }
    if (opts.wantText) text = bmod.emitText();
    binary = bmod.emitBinary();
    bmod.dispose();
  }
  const t2 = performance.now();
  const module = new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
  const t3 = performance.now();
  return { module, exports: exportsList, bytes: binary.length, binary: opts.keepBinary ? binary : undefined, text, emitMs: t1 - t0, optimizeMs: t2 - t1, compileMs: t3 - t2 };
}

/** The thread's module writer, reset for each module (wasm-writer.ts). */
const writer = new W.Module();

/**
 * Compiles regions of lifted blocks into one module exporting b0, b1, ... for their blocks in order;
 * each region is one function (its blocks branch to each other inside it), so a module can hold many
 * regions — what it costs to compile and instantiate a module is paid once for all of them — while
 * V8 still optimizes hot code one region at a time.
 */
export function compileBlocks(regions: Block[][], opts: BackendOptions): CompiledBatch {
  const b = W;
  const t0 = performance.now();
  const mod = writer.reset();
  mod.addFunctionImport("interp", "env", "interp", b.createType([b.i32, b.i32]), b.i32);
  mod.addGlobal("entry", b.i32, true, mod.i32.const(0));
  // direct-chain's tail calls go through the code cache's table (entries then tail-call their region
  // too, so a chain of translations keeps one frame), and the module's own nest (nest-calls) calls
  // translations through it.
  const chain = regions.some((blocks) => blocks.some((k) => k.chain));
  // nest-calls marks only a block's last operation.
  const nests = regions.some((blocks) => blocks.some((k) => { const o = k.ops[k.ops.length - 1]; return o?.op === "exit" && o.nest !== undefined; }));
  if (chain || nests) mod.addTableImport("env", "table");
  if (nests) addDispatchLoop(mod, "nest", true);
  emitFlags(b, mod, flagFunctionsFor(regions));
  // Entry b<n>: region r's function entered at its block k.
  const names: string[] = [];
  let first = 0;
  regions.forEach((blocks, r) => {
    emitRegion(b, mod, `region${r}`, blocks, first);
    blocks.forEach((_, k) => {
      const name = `b${names.length}`;
      const enter = chain ? mod.return_call(`region${r}`, []) : mod.return(mod.call(`region${r}`, [], b.i32));
      mod.addFunction(name, b.none, b.i32, [], mod.block(null, [mod.global.set("entry", mod.i32.const(k)), enter], b.i32));
      mod.addFunctionExport(name, name);
      names.push(name);
    });
    first += blocks.length;
  });
  return finish(mod, opts, names, t0);
}

/** The flag functions the regions' code calls: carry for a cond on CF alone, flags for the other conds, eflags for a partial updflags; and flags for either of the other two. */
function flagFunctionsFor(regions: Block[][]): Set<string> {
  const used = new Set<string>();
  for (const blocks of regions) for (const k of blocks) for (const o of k.ops) {
    if (o.op === "cond") used.add(o.cc >> 1 === 1 ? "carry" : "flags");
    else if (o.op === "updflags" && o.mask !== ARITH) used.add("eflags");
  }
  if (used.size) used.add("flags");
  return used;
}

/**
 * Emits the flag functions in used, which evaluate the lazy flag record of
 * every kind as interp/flags.ts does, so translated code never calls into
 * the VMM for flags — flags(), eflags() below and carry(), CF alone for a
 * jb/jae and the carry-in of inc/dec/adc/sbb (without the parity, zero and
 * sign work of flags()):
 *   flags() -> i32: CF PF ZF SF OF at their EFLAGS bits at any operand size
 *     — the common 32-bit sub, add, logic, inc and dec tested first — or the
 *     EFLAGS word itself when the flags are materialized (kind NONE);
 *   eflags() -> i32: the whole EFLAGS word materializeFlags would give (AF
 *     and the non-arithmetic bits too): what a partial updflags (rotates,
 *     bt, bsf/bsr, clc/stc/cmc, cld/std) merges its bits into.
 */
function emitFlags(b: Types, mod: Module, used: Set<string>): void {
  if (!used.size) return;
  const i32 = mod.i32, c = (v: number) => i32.const(v | 0);
  const OP = 0, RES = 1, A = 2, B = 3, K = 4, SH = 5, M = 6, LCF = 7;
  const get = (l: number) => mod.local.get(l, b.i32);
  const set = (l: number, v: Expr) => mod.local.set(l, v);
  const slot = (k: number) => i32.load(slotAddr(k) >>> 0, 4, c(0));
  const bit = (v: Expr, at: number) => (at ? i32.shl(v, c(at)) : v);
  const sign = (v: Expr, sh: Expr) => i32.and(i32.shr_u(v, sh), c(1));
  /** The flags of result RES (sign bit at sh) with carry cf and overflow of (each 0 or 1). */
  const word = (cf: Expr, of: Expr, sh: () => Expr = () => c(31)) => i32.or(
    i32.or(cf, bit(i32.eqz(i32.and(i32.popcnt(i32.and(get(RES), c(0xff))), c(1))), 2)),
    i32.or(i32.or(bit(i32.eqz(get(RES)), 6), bit(sign(get(RES), sh()), 7)), bit(of, 11)),
  );
  const is = (l: number, v: number) => i32.eq(get(l), c(v));
  const signBit = () => i32.shl(c(1), get(SH));
  mod.addFunction("flags", b.none, b.i32, [b.i32, b.i32, b.i32, b.i32, b.i32, b.i32, b.i32, b.i32], mod.block(null, [
    set(OP, slot(S_LAZY_OP)),
    mod.if(i32.lt_u(get(OP), c(4)), mod.return(slot(S_EFLAGS))),
    set(RES, slot(S_LAZY_RES)),
    set(A, slot(S_LAZY_A)),
    set(B, slot(S_LAZY_B)),
    set(LCF, i32.and(slot(S_LAZY_CF), c(1))),
    mod.if(is(OP, OP_SUB32), mod.return(word(i32.lt_u(get(A), get(B)), sign(i32.and(i32.xor(get(A), get(B)), i32.xor(get(A), get(RES))), c(31))))),
    mod.if(is(OP, OP_ADD32), mod.return(word(i32.lt_u(get(RES), get(A)), sign(i32.and(i32.xor(get(A), get(RES)), i32.xor(get(B), get(RES))), c(31))))),
    mod.if(is(OP, OP_LOGIC32), mod.return(word(c(0), c(0)))),
    mod.if(is(OP, OP_INC32), mod.return(word(get(LCF), i32.eq(get(RES), c(0x80000000))))),
    mod.if(is(OP, OP_DEC32), mod.return(word(get(LCF), i32.eq(get(RES), c(0x7fffffff))))),
    // Any size: operands masked to it, the sign bit at SH.
    set(K, i32.shr_u(get(OP), c(2))),
    set(SH, i32.sub(i32.shl(c(8), i32.and(get(OP), c(3))), c(1))),
    set(M, mod.select(i32.eq(get(SH), c(31)), c(-1), i32.sub(i32.shl(signBit(), c(1)), c(1)))),
    set(RES, i32.and(get(RES), get(M))),
    set(A, i32.and(get(A), get(M))),
    set(B, i32.and(get(B), get(M))),
    // Shifts (B the count, 1-31; bits = SH + 1) and multiplies (A the overflow bit): CF and OF as carry() and overflow() there.
    mod.if(i32.gt_u(get(K), c(K_DEC)), mod.block(null, [
      set(LCF, mod.select(is(K, K_MUL), i32.and(get(A), c(1)),
        mod.select(is(K, K_SHL), mod.select(i32.gt_u(get(B), i32.add(get(SH), c(1))), c(0), sign(get(A), i32.sub(i32.add(get(SH), c(1)), get(B)))),
          mod.select(i32.gt_u(get(B), mod.select(is(K, K_SHR), i32.add(get(SH), c(1)), get(SH))), // past the operand: shr 0, sar the sign
            mod.select(is(K, K_SHR), c(0), sign(get(A), get(SH))),
            sign(get(A), i32.sub(get(B), c(1))))))),
      mod.return(word(get(LCF), mod.select(is(K, K_MUL), get(LCF),
        mod.select(is(K, K_SHL), i32.xor(sign(get(RES), get(SH)), get(LCF)), mod.select(is(K, K_SHR), sign(get(A), get(SH)), c(0)))), () => get(SH))),
    ])),
    mod.if(is(K, K_LOGIC), mod.return(word(c(0), c(0), () => get(SH)))),
    mod.if(is(K, K_INC), mod.return(word(get(LCF), i32.eq(get(RES), signBit()), () => get(SH)))),
    mod.if(is(K, K_DEC), mod.return(word(get(LCF), i32.eq(get(RES), i32.sub(signBit(), c(1))), () => get(SH)))),
    // add/adc and sub/sbb: a carry-in (adc/sbb with CF set) makes the borrow or carry inclusive.
    mod.if(i32.le_u(get(K), c(K_ADC)), mod.return(word(
      mod.select(i32.and(is(K, K_ADC), get(LCF)), i32.le_u(get(RES), get(A)), i32.lt_u(get(RES), get(A))),
      sign(i32.and(i32.xor(get(A), get(RES)), i32.xor(get(B), get(RES))), get(SH)), () => get(SH)))),
    word(
      mod.select(i32.and(is(K, K_SBB), get(LCF)), i32.le_u(get(A), get(B)), i32.lt_u(get(A), get(B))),
      sign(i32.and(i32.xor(get(A), get(B)), i32.xor(get(A), get(RES))), get(SH)), () => get(SH)),
  ], b.i32));
  // carry(): CF alone (0 or 1), or -1 — what the carry-in of inc, dec, adc and sbb and a jb/jae ask.
  if (used.has("carry")) mod.addFunction("carry", b.none, b.i32, [b.i32], mod.block(null, [
    set(OP, slot(S_LAZY_OP)),
    mod.if(i32.lt_u(get(OP), c(4)), mod.return(i32.and(slot(S_EFLAGS), c(1)))),
    mod.if(is(OP, OP_SUB32), mod.return(i32.lt_u(slot(S_LAZY_A), slot(S_LAZY_B)))),
    mod.if(is(OP, OP_ADD32), mod.return(i32.lt_u(slot(S_LAZY_RES), slot(S_LAZY_A)))),
    mod.if(is(OP, OP_LOGIC32), mod.return(c(0))),
    mod.if(i32.or(is(OP, OP_INC32), is(OP, OP_DEC32)), mod.return(i32.and(slot(S_LAZY_CF), c(1)))),
    i32.and(mod.call("flags", [], b.i32), c(1)),
  ], b.i32));
  const F = 0, OP2 = 1;
  if (used.has("eflags")) mod.addFunction("eflags", b.none, b.i32, [b.i32, b.i32], mod.block(null, [
    set(OP2, slot(S_LAZY_OP)),
    mod.if(i32.lt_u(get(OP2), c(4)), mod.return(slot(S_EFLAGS))),
    set(F, mod.call("flags", [], b.i32)),
    // AF: bit 4 of a ^ b ^ result for add, adc, sub, sbb, inc and dec; 0 for logic, shifts and multiplies.
    i32.or(i32.or(i32.and(slot(S_EFLAGS), c(~ARITH)), get(F)),
      mod.select(i32.or(i32.eq(i32.shr_u(get(OP2), c(2)), c(K_LOGIC)), i32.gt_u(i32.shr_u(get(OP2), c(2)), c(K_DEC))), c(0),
        i32.and(i32.xor(i32.xor(slot(S_LAZY_A), slot(S_LAZY_B)), slot(S_LAZY_RES)), c(0x10)))),
  ], b.i32));
}

/** The byte lanes of a punpckl/punpckh of lanes w bytes wide (high: the upper halves): dst's and src's (16 + k) interleaved. */
function unpackLanes(w: number, high: boolean): number[] {
  const lanes: number[] = [], base = high ? 8 : 0;
  for (let k = 0; k < 8; k += w) for (const from of [0, 16]) for (let j = 0; j < w; j++) lanes.push(from + base + k + j);
  return lanes;
}
const XINT_BINARY: Partial<Record<XIntFn, W.V128Binary>> = {
  and: "and", or: "or", xor: "xor", addb: "i8x16_add", addw: "i16x8_add", addd: "i32x4_add", addq: "i64x2_add",
  subb: "i8x16_sub", subw: "i16x8_sub", subd: "i32x4_sub", subq: "i64x2_sub", eqb: "i8x16_eq", eqw: "i16x8_eq", eqd: "i32x4_eq",
  gtb: "i8x16_gt_s", gtw: "i16x8_gt_s", gtd: "i32x4_gt_s", minub: "i8x16_min_u", maxub: "i8x16_max_u", minsw: "i16x8_min_s", maxsw: "i16x8_max_s",
};
const XINT_UNPACK: Partial<Record<XIntFn, number[]>> = Object.fromEntries((["bw", "wd", "dq", "qdq"] as const).flatMap((s, k) =>
  [[`unpckl${s}`, unpackLanes(1 << k, false)], [`unpckh${s}`, unpackLanes(1 << k, true)]]));

/** xint's 128-bit result from dst (read only when the operation needs it) and src. */
function xintValue(mod: Module, fn: XIntFn, imm: number, dst: () => Expr, src: Expr): Expr {
  const v = mod.v128;
  if (fn === "mov") return src;
  if (fn === "andn") return v.binary("andnot", src, dst());
  if (fn === "shufd") return v.shuffle(src, src, [0, 1, 2, 3].flatMap((k) => [0, 1, 2, 3].map((j) => 4 * ((imm >> (2 * k)) & 3) + j)));
  const unpack = XINT_UNPACK[fn];
  return unpack ? v.shuffle(dst(), src, unpack) : v.binary(XINT_BINARY[fn]!, dst(), src);
}

/**
 * Operations before which a pending flag record is stored (emitRegion): those that read the
 * register file's flags (cond, updflags), those that may call an executor, which may read or
 * write them, and exits — every way out stores it, so a block's conditional exit and its last
 * one share one copy of the stores, made before the first.
 */
/** Operations before which a pending flag record is stored (emitBlock): they read it, or may call into the VMM or leave. */
function flushesFlags(op: Op["op"]): boolean {
  switch (op) {
    case "cond": case "updflags": case "interp": case "strop": case "x87": case "xarith": case "xcvtt": case "xcomi": case "exit": case "exitif": return true;
    default: return false;
  }
}

/**
 * Emits a region's blocks as one function, `name`, entered at the block
 * whose index the caller put in the global "entry". The blocks sit in a loop
 * behind a br_table on the current block index (local CUR): a linked exit
 * (link-blocks) sets CUR and branches to the loop head, so registers stay in
 * locals and no directory lookup happens; every other exit, and every
 * bail-out, branches to the function's one way out, which writes back the
 * written registers, retires the instructions of the whole run (ACC counts
 * those of linked blocks already left) and returns the target to the
 * dispatcher. ITER counts linked branches down from the budget in
 * S_LINK_BUDGET, so control still returns to the dispatcher regularly; how
 * many were taken is added to S_LINKS on the way out. With direct-chain
 * (blocks marked chain), an exit's way out first tries the target's
 * translation itself (chainTo); a bail-out's never does.
 */
function emitRegion(b: Types, mod: Module, name: string, blocks: Block[], first: number): void {
  const i32 = b.i32;
  // Temporaries: folded into their readers or in the first T locals (temps.ts), per block.
  const plans = blocks.map((k) => planTemps(k.ops, k.temps));
  const T = Math.max(...plans.map((p) => p.locals));
  let plan = plans[0];
  /** Expressions of the current block's folded temporaries. */
  const folded: Expr[] = [];
  const regLocal = (r: number) => T + r;
  const OUT_EIP = T + 8, OUT_COUNT = T + 9;
  /** A fixed local (registers, scratch, counters). */
  const loc = (l: number) => mod.local.get(l, i32);
  /** Temporary t's value. */
  const get = (t: number) => (plan.folded[t] ? folded[t] : mod.local.get(plan.local[t], i32));
  /** Defines temporary t: records its expression when folded, else sets its local. */
  const def = (t: number, v: Expr): Expr[] => {
    if (!plan.folded[t]) return [mod.local.set(plan.local[t], v)];
    folded[t] = v;
    return [];
  };
  /** Sets temporary t, which is never folded (it is not the result of a pure operation). */
  const setTemp = (t: number, v: Expr) => mod.local.set(plan.local[t], v);
  const c = (v: number) => mod.i32.const(v | 0);
  const loadSlot = (slot: number) => mod.i32.load(slotAddr(slot) >>> 0, 4, c(0));
  const storeSlot = (slot: number, v: Expr) => mod.i32.store(slotAddr(slot) >>> 0, 4, c(0), v);
  const addCounter = (slot: number, count: Expr) =>
    mod.f64.store(slotAddr(slot) >>> 0, 8, c(0), mod.f64.add(mod.f64.load(slotAddr(slot) >>> 0, 8, c(0)), mod.f64.convert_u.i32(count)));
  const perm = (addr: Expr) => mod.i32.load8_u(PERM_OFF >>> 0, 1, mod.i32.shr_u(addr, c(12)));
  // The block being emitted and its index: emission is one synchronous pass over the blocks, so the
  // helpers below that depend on the block (bail-out addresses, executor calls) read these.
  let blk = blocks[0], n = 0;
  type SetFlags = Extract<Op, { op: "setflags" }>;
  /**
   * The block's last unconditional flag record not yet stored: records live in locals until
   * something may read the register file's copy — it is stored before exits and linked branches
   * and on a bail-out's way, and before any operation that reads it or may call into the VMM
   * (flushesFlags), so a superseded record costs nothing.
   */
  let pending: SetFlags | null = null;
  /** The label of the pad that stores the pending record on a bail-out's way (emitBlock), once a bail-out needs it. */
  let pad: string | null = null, pads = 0;
  /** Whether a bail-out of the current block branches to its site decoder (siteDecoder). */
  let bailed = false;
  /**
   * Bails out to the interpreter at eip (by default instruction k's), k instructions retired, if
   * any of the conditions holds: one branch each (an `or` of a check's conditions under one
   * branch made sha256 and bignum at `ref` ~15 % slower), whose cold path carries the site —
   * (eip - block start) << 8 | k — to the block's decoder, through the pending record's pad when
   * there is one. Setting the way out's locals at every site cost ~15 bytes per guest memory
   * access; a br_if carrying the site (2 bytes less) cost sha256 at `ref` ~5 %.
   */
  const bailIf = (conds: Expr | Expr[], k: number, eip = blk.addrs[k]): Expr[] => {
    bailed = true;
    const bail = (cond: Expr) => mod.if(cond, mod.br(pending ? (pad ??= `p${pads++}`) : `s${n}`, undefined, c(((eip - blk.start) << 8) | k)));
    return typeof conds === "number" ? [bail(conds)] : conds.map(bail);
  };
  /** Block blk's site decoder, after its code (emitRegion): the way out's eip and count from the site a bail-out carries. */
  const siteDecoder = (): Expr[] => [
    mod.local.set(OUT_COUNT, mod.i32.and(loc(SITE), c(0xff))),
    mod.local.set(OUT_EIP, mod.i32.add(c(blk.start), mod.i32.shr_u(loc(SITE), c(8)))),
    mod.br("bail"),
  ];
  const storeFlags = (o: SetFlags): Expr[] => [
    storeSlot(S_LAZY_OP, c((o.kind << 2) | o.size)), storeSlot(S_LAZY_RES, get(o.res)), storeSlot(S_LAZY_A, get(o.a)), storeSlot(S_LAZY_B, get(o.b)),
    ...(o.cf >= 0 ? [storeSlot(S_LAZY_CF, get(o.cf))] : []),
  ];
  const crossesPage = (addr: Expr, size: number) => mod.i32.gt_u(mod.i32.and(addr, c(PAGE_SIZE - 1)), c(PAGE_SIZE - size));

  /**
   * Zero extension to i64 spelled as sign extension and a mask: Binaryen 132's
   * optimizer was seen to rewrite i64.extend_i32_u of a load into a signed
   * i64.load32_s (found by differential testing; this form is unaffected).
   */
  const zext64 = (v: Expr) => mod.i64.and(mod.i64.extend_s(v), mod.i64.const(0xffffffffn));
  /** binaryen.js 132's i64.const takes a bigint. */
  const i64c32 = () => mod.i64.const(32n);
  const ITER = T + 10, ACC = T + 11, STATUS = T + 12, CUR = T + 13, FLAGS = T + 14, SITE = T + 15;
  // direct-chain's locals: the chain budget left (0 on a bail-out's way) and the directory entry probed.
  const chain = blocks.some((k) => k.chain);
  const CHAIN_LEFT = T + 16, ENTRY = T + 17, FIXED = chain ? 18 : 16;
  // Scratch locals of the operations that need them, declared only in modules that have such
  // operations (every local costs the baseline compiler at every merge): div64's three i64, the
  // float operations' three f64 and three f32, and the x87 emitter's nine i32 and ten i64.
  // One pass over the region's operations (this setup runs per module, so it is kept to one):
  // which scratch kinds it needs, the registers cached (reg-cache) in some block, and those a
  // block that caches them writes — what exits and interp calls store back.
  let div64 = false, sse = false, sse32 = false, x87ops = false, cachedMask = 0, dirtyMask = 0;
  for (const k of blocks) {
    for (const r of k.cached) cachedMask |= 1 << r;
    for (const o of k.ops) {
      switch (o.op) {
        case "div64": div64 = true; break;
        case "xarith": case "xcomi": sse = sse32 = true; break;
        case "xcvtt": sse = true; break;
        case "x87": x87ops = true; break;
        case "setreg": if (k.cached.has(o.reg)) dirtyMask |= 1 << o.reg; break;
      }
    }
  }
  const scratch: W.Type[] = [];
  const declare = (type: W.Type, count: number) => {
    for (let k = 0; k < count; k++) scratch.push(type);
    return T + FIXED + scratch.length - count;
  };
  const DIV64 = div64 ? declare(b.i64, 3) : -1;
  const F64_A = sse || x87ops ? declare(b.f64, 3) : -1;
  const F32_A = sse32 ? declare(b.f32, 3) : -1;
  /** backend-x87.ts's scratch locals. */
  const X87_I32 = x87ops ? declare(i32, 9) : -1;
  const X87_I64 = x87ops ? declare(b.i64, 10) : -1;
  const cached: number[] = [], dirty: number[] = [];
  for (let r = 0; r < 8; r++) {
    if (cachedMask & (1 << r)) cached.push(r);
    if (dirtyMask & (1 << r)) dirty.push(r);
  }
  const writeBack = () => dirty.map((r) => storeSlot(r, loc(regLocal(r))));
  /** Leaving translated code: registers and counters to memory, then return eip (instructions: retired in this block). */
  // Linked branches are counted by the dispatcher from the budget left (S_LINK_LEFT), except where
  // translations enter each other (direct-chain) without it: then each way out adds its own and
  // leaves the whole budget, which the dispatcher counts as none.
  const leaveFor = (eip: Expr, instructions: Expr): Expr[] => [
    ...writeBack(),
    addCounter(S_RETIRED, mod.i32.add(loc(ACC), instructions)),
    ...(chain
      ? [addCounter(S_LINKS, mod.i32.sub(loadSlot(S_LINK_BUDGET), loc(ITER))), storeSlot(S_LINK_LEFT, loadSlot(S_LINK_BUDGET))]
      : [storeSlot(S_LINK_LEFT, loc(ITER))]),
    mod.return(eip),
  ];
  const index = new Map(blocks.map((k, i) => [k.start >>> 0, i]));
  // A block later in the region is entered by branching out of the wasm blocks to where its code
  // starts (d<j>); an earlier one (a loop's back edge) through the loop head's br_table.
  const enter = (eip: number): Expr[] => {
    const j = index.get(eip)!;
    return j > n - first ? [mod.br(`d${j}`)] : [mod.local.set(CUR, c(j)), mod.br("next")];
  };
  const leave = (o: Extract<Op, { op: "exit" | "exitif" }>): Expr => {
    const linked = (eip: number) => mod.block(null, [
      mod.local.set(ITER, mod.i32.sub(loc(ITER), c(1))),
      mod.local.set(ACC, mod.i32.add(loc(ACC), c(o.count))),
      ...enter(eip),
    ]);
    const known = constOf(blk, o.target);
    const tries = (o.links ?? []).filter((eip) => index.has(eip))
      .map((eip) => (known === eip ? linked(eip) : mod.if(mod.i32.eq(get(o.target), c(eip)), linked(eip))));
    const site = o.op === "exit" ? o.nest : undefined;
    return mod.block(null, [
      ...(tries.length ? [mod.if(loc(ITER), mod.block(null, tries))] : []),
      ...(site !== undefined && index.has(site) ? [nest(o.target, o.count, site)] : []),
      mod.local.set(OUT_EIP, get(o.target)), mod.local.set(OUT_COUNT, c(o.count)), mod.br("out"),
    ]);
  };
  /**
   * nest-calls: the call at exit o as a call of the module's nest (compileDispatcher) until
   * the guest's eip is site, a block of this region, which then runs next here (the exit's target
   * temporary and instruction count). Registers and the instructions retired so far go to memory
   * first, as on a way out. Going on at site spends one link of this function's budget, like a
   * predicted return, so a loop of calls that nest returns from at once (`call $+5`) still comes
   * back to the dispatcher. Anything but site back (with no bail-out) is returned as it is, with
   * this function's links left in S_LINK_LEFT: every frame under it has put its state in memory.
   */
  const nest = (target: number, count: number, site: number): Expr => mod.if(
    mod.i32.and(mod.i32.ne(loc(ITER), c(0)), mod.i32.lt_u(loadSlot(S_NEST_DEPTH), c(NEST_DEPTH))),
    mod.block(null, [
      ...writeBack(),
      addCounter(S_RETIRED, mod.i32.add(loc(ACC), c(count))),
      mod.local.set(ACC, c(0)),
      mod.local.set(OUT_EIP, mod.call("nest", [get(target), c(site)], i32)),
      mod.if(mod.i32.and(mod.i32.eq(loc(OUT_EIP), c(site)), mod.i32.eqz(loadSlot(S_EXIT))), mod.block(null, [
        ...cached.map((r) => mod.local.set(regLocal(r), loadSlot(r))),
        mod.local.set(ITER, mod.i32.sub(loc(ITER), c(1))),
        ...enter(site),
      ])),
      storeSlot(S_LINK_LEFT, loc(ITER)),
      mod.return(loc(OUT_EIP)),
    ]),
  );

  /** When a guest read of size bytes at temp a must bail out: its page is not readable; it crosses a page. */
  function unreadable(a: number, size: number): Expr[] {
    const bad = mod.i32.eqz(mod.i32.and(perm(get(a)), c(PROT_READ)));
    return size > 1 ? [bad, crossesPage(get(a), size)] : [bad];
  }
  /** When a guest write must bail out: its page is not writable or holds code; it crosses a page. */
  function unwritable(a: number, size: number): Expr[] {
    const bad = mod.i32.ne(mod.i32.and(perm(get(a)), c(PROT_WRITE | PAGE_CODE)), c(PROT_WRITE));
    return size > 1 ? [bad, crossesPage(get(a), size)] : [bad];
  }

  /** Guest instruction insn through the interpreter's executor: a barrier for cached registers; a fault bails before it, a store into code after it. */
  function interp(insn: number, next: number): Expr[] {
    return [
      ...writeBack(),
      mod.local.set(STATUS, mod.call("interp", [c(n), c(insn)], i32)),
      ...cached.map((r) => mod.local.set(regLocal(r), loadSlot(r))),
      ...bailIf(mod.i32.eq(loc(STATUS), c(INTERP_FAULT)), insn),
      ...bailIf(mod.i32.eq(loc(STATUS), c(INTERP_SMC)), insn + 1, next),
    ];
  }

  /**
   * A strop: a barrier for cached registers as interp() is; its elements in a loop on the register
   * file (a page not plainly accessible, or crossed, ends it with STATUS = INTERP_FAULT: a bail-out
   * with the elements so far done), or, for a rep of BULK_MIN elements or more, the executor.
   */
  function strop(o: Extract<Op, { op: "strop" }>): Expr[] {
    const m32 = mod.i32, size = o.size, movs = o.kind === "movs";
    const load = (a: Expr) => (size === 4 ? m32.load(0, 1, a) : size === 2 ? m32.load16_u(0, 1, a) : m32.load8_u(0, 1, a));
    const store = (a: Expr, v: Expr) => (size === 4 ? m32.store(0, 1, a, v) : size === 2 ? m32.store16(0, 1, a, v) : m32.store8(0, 1, a, v));
    const fail = (bad: Expr, at: Expr) => mod.if(size > 1 ? m32.or(bad, crossesPage(at, size)) : bad,
      mod.block(null, [mod.local.set(STATUS, c(INTERP_FAULT)), mod.br("sdone")]));
    const step = () => mod.select(m32.and(loadSlot(S_EFLAGS), c(DF)), c(-size), c(size));
    const element = [
      ...(movs ? [fail(m32.eqz(m32.and(perm(loadSlot(R_ESI)), c(PROT_READ))), loadSlot(R_ESI))] : []),
      fail(m32.ne(m32.and(perm(loadSlot(R_EDI)), c(PROT_WRITE | PAGE_CODE)), c(PROT_WRITE)), loadSlot(R_EDI)),
      store(loadSlot(R_EDI), movs ? load(loadSlot(R_ESI)) : loadSlot(R_EAX)),
      ...(movs ? [storeSlot(R_ESI, m32.add(loadSlot(R_ESI), step()))] : []),
      storeSlot(R_EDI, m32.add(loadSlot(R_EDI), step())),
    ];
    const elements = o.rep
      ? mod.loop("snext", mod.block(null, [
        mod.br("sdone", m32.eqz(loadSlot(R_ECX))),
        ...element,
        storeSlot(R_ECX, m32.sub(loadSlot(R_ECX), c(1))),
        mod.br("snext"),
      ]))
      : mod.block(null, element);
    const native = mod.block("sdone", [mod.local.set(STATUS, c(0)), elements]);
    return [
      ...writeBack(),
      o.rep ? mod.if(m32.ge_u(loadSlot(R_ECX), c(BULK_MIN)), mod.local.set(STATUS, mod.call("interp", [c(n), c(o.insn)], i32)), native) : native,
      ...cached.map((r) => mod.local.set(regLocal(r), loadSlot(r))),
      ...bailIf(m32.eq(loc(STATUS), c(INTERP_FAULT)), o.insn),
      ...bailIf(m32.eq(loc(STATUS), c(INTERP_SMC)), o.insn + 1, o.next),
    ];
  }

  function all(...xs: Expr[]): Expr { return xs.reduce((x, y) => mod.i32.and(x, y)); }
  /** Condition cc (jcc encoding: cc >> 1 picks O B Z BE S P L LE, cc & 1 negates) of the EFLAGS word in local FLAGS. */
  function eflagsCond(cc: number): Expr {
    const f = () => loc(FLAGS);
    const any = (mask: number) => mod.i32.ne(mod.i32.and(f(), c(mask)), c(0));
    const less = () => mod.i32.and(mod.i32.xor(mod.i32.shr_u(f(), c(7)), mod.i32.shr_u(f(), c(11))), c(1)); // SF != OF
    const taken = [() => any(0x800), () => any(0x1), () => any(0x40), () => any(0x41), () => any(0x80), () => any(0x4), less,
      () => mod.i32.or(any(0x40), less())][cc >> 1]();
    return cc & 1 ? mod.i32.eqz(taken) : taken;
  }

  /** MXCSR & 0xffe0 = 0x1fa0 (header comment). */
  function mxcsrNative(): Expr { return mod.i32.eq(mod.i32.and(mod.i32.load(0, 4, c(MXCSR_ADDR)), c(~0x1f)), c(MXCSR_NATIVE)); }
  /** Float helpers over the locals of lane width w: value, |value|, finite, zero, zero-or-normal. */
  function lanes(w: LaneWidth) {
    const wide = w === 8, ty = wide ? b.f64 : b.f32, f = wide ? mod.f64 : mod.f32;
    const v = (l: number) => mod.local.get(l, ty);
    const abs = (l: number) => f.abs(v(l));
    const finite = (l: number) => f.lt(abs(l), f.const(Infinity));
    const zero = (l: number) => f.eq(v(l), f.const(0));
    const ordinary = (l: number) => mod.i32.or(zero(l), mod.i32.and(f.ge(abs(l), f.const(MIN_NORMAL[w])), finite(l)));
    const locals = wide ? [F64_A, F64_A + 1, F64_A + 2] : [F32_A, F32_A + 1, F32_A + 2];
    /** The source operand: XMM src's low lane, or the w bytes at addr (unaligned). */
    const source = (src: number, addr: number) => (src >= 0 ? f.load(0, w, c(xmmAddr(src))) : f.load(0, 1, get(addr)));
    return { f, v, abs, finite, zero, ordinary, locals, source };
  }

  /** Scalar SSE arithmetic: the native result when it is exact (header comment), else the executor. */
  function xarith(o: Extract<Op, { op: "xarith" }>): Expr[] {
    const { f, v, abs, finite, zero, ordinary, locals: [A, B, R], source } = lanes(o.w);
    const unary = o.fn === "sqrt";
    const RESULT: Record<SseFn, () => Expr> = {
      add: () => finite(R),
      sub: () => finite(R),
      mul: () => mod.i32.and(finite(R), mod.i32.or(f.gt(abs(R), f.const(MIN_NORMAL[o.w])), mod.i32.or(zero(A), zero(B)))),
      div: () => all(mod.i32.eqz(zero(B)), finite(R), mod.i32.or(f.gt(abs(R), f.const(MIN_NORMAL[o.w])), zero(A))),
      sqrt: () => f.ge(v(B), f.const(0)),
    };
    const exact = all(mxcsrNative(), ...(unary ? [] : [ordinary(A)]), ordinary(B), RESULT[o.fn]());
    return [
      ...(o.src >= 0 ? [] : bailIf(unreadable(o.addr, o.w), o.insn)),
      ...(unary ? [] : [mod.local.set(A, f.load(0, o.w, c(xmmAddr(o.dst))))]),
      mod.local.set(B, source(o.src, o.addr)),
      mod.local.set(R, unary ? f.sqrt(v(B)) : f[o.fn as Exclude<SseFn, "sqrt">](v(A), v(B))),
      mod.if(exact, f.store(0, o.w, c(xmmAddr(o.dst)), v(R)), mod.block(null, interp(o.insn, o.next))),
    ];
  }

  /** cvttsd2si/cvttss2si: i32.trunc when exact (header comment), else the executor and the register it wrote. */
  function xcvtt(o: Extract<Op, { op: "xcvtt" }>): Expr[] {
    const { source } = lanes(o.w);
    const x = () => mod.local.get(F64_A, b.f64);
    const exact = all(mxcsrNative(), mod.f64.gt(x(), mod.f64.const(-2147483649)), mod.f64.lt(x(), mod.f64.const(2147483648)));
    const written = blk.cached.has(o.reg) ? loc(regLocal(o.reg)) : loadSlot(o.reg);
    return [
      ...(o.src >= 0 ? [] : bailIf(unreadable(o.addr, o.w), o.insn)),
      mod.local.set(F64_A, o.w === 8 ? source(o.src, o.addr) : mod.f64.promote(source(o.src, o.addr))),
      mod.if(exact, setTemp(o.dst, mod.i32.trunc_s.f64(x())), mod.block(null, [...interp(o.insn, o.next), setTemp(o.dst, written)])),
    ];
  }

  /** comis/ucomis: ok = 1 and the flag bits when exact (header comment), else ok = 0 after the executor. */
  function xcomi(o: Extract<Op, { op: "xcomi" }>): Expr[] {
    const { f, v, ordinary, locals: [A, B], source } = lanes(o.w);
    const bits = mod.select(f.eq(v(A), v(B)), c(0x40), mod.select(f.lt(v(A), v(B)), c(0x1), c(0)));
    return [
      ...(o.src >= 0 ? [] : bailIf(unreadable(o.addr, o.w), o.insn)),
      mod.local.set(A, f.load(0, o.w, c(xmmAddr(o.a)))),
      mod.local.set(B, source(o.src, o.addr)),
      setTemp(o.ok, all(mxcsrNative(), ordinary(A), ordinary(B))),
      mod.if(get(o.ok), setTemp(o.bits, bits), mod.block(null, interp(o.insn, o.next))),
    ];
  }

  const x87 = x87Emitter({
    b, mod, c, get, setTemp, all, loadSlot, bailIf, unreadable, unwritable, interp, addr: (k) => blk.addrs[k],
    f64: [F64_A, F64_A + 1, F64_A + 2], i32: x87ops ? Array.from({ length: 9 }, (_, k) => X87_I32 + k) : [],
    i64: x87ops ? Array.from({ length: 10 }, (_, k) => X87_I64 + k) : [],
  });

  function binop(fn: BinOp, x: Expr, y: Expr): Expr {
    switch (fn) {
      case "mulh_u": return mod.i32.wrap(mod.i64.shr_u(mod.i64.mul(zext64(x), zext64(y)), i64c32()));
      case "mulh_s": return mod.i32.wrap(mod.i64.shr_s(mod.i64.mul(mod.i64.extend_s(x), mod.i64.extend_s(y)), i64c32()));
      default: return mod.i32[fn](x, y);
    }
  }

  /**
   * Block blk's code, keeping unconditional flag records in locals until they must be stored
   * (pending). The bail-outs taken while a record is pending store it in one pad per record, not
   * each its own copy (a copy per memory access was ~18 % of python3's translated bytes): the
   * record's range of code is wrapped as block P' { SITE = block P { range; br P' }; store record;
   * br S(SITE) }, S being the block's site decoder.
   */
  function emitBlock(): Expr[] {
    const out: Expr[] = [];
    let from = 0;
    const close = () => {
      if (!pad) return;
      const range = out.splice(from);
      out.push(mod.block(`${pad}'`, [
        mod.local.set(SITE, mod.block(pad, [...range, mod.br(`${pad}'`)], i32)),
        ...storeFlags(pending!),
        mod.br(`s${n}`, undefined, loc(SITE)),
      ]));
      pad = null;
    };
    for (const o of blk.ops) {
      if (o.op === "setflags" && o.when === undefined) {
        close();
        pending = o;
        from = out.length;
      } else if (pending && (o.op === "setflags" || flushesFlags(o.op))) {
        const stored = storeFlags(pending);
        close();
        pending = null;
        out.push(...stored, ...emitOp(o));
      } else out.push(...emitOp(o));
    }
    close();
    return out;
  }

  function emitOp(o: Op): Expr[] {
    switch (o.op) {
      case "const": return def(o.dst, c(o.value));
      case "getreg": return def(o.dst, blk.cached.has(o.reg) ? loc(regLocal(o.reg)) : loadSlot(o.reg));
      case "setreg": return [blk.cached.has(o.reg) ? mod.local.set(regLocal(o.reg), get(o.src)) : storeSlot(o.reg, get(o.src))];
      case "bin": return def(o.dst, binop(o.fn, get(o.a), get(o.b)));
      case "un": {
        const a = get(o.a);
        const v = o.fn === "eqz" ? mod.i32.eqz(a)
          : o.fn === "sext8" ? mod.i32.extend8_s(a)
          : o.fn === "sext16" ? mod.i32.extend16_s(a)
          : o.fn === "zext8" ? mod.i32.and(a, c(0xff))
          : o.fn === "zext16" ? mod.i32.and(a, c(0xffff))
          : o.fn === "bswap" ? mod.i32.or(mod.i32.and(mod.i32.rotl(a, c(8)), c(0x00ff00ff)), mod.i32.and(mod.i32.rotr(get(o.a), c(8)), c(0xff00ff00)))
          : o.fn === "clz" ? mod.i32.clz(a) : mod.i32.ctz(a);
        return def(o.dst, v);
      }
      case "select": return def(o.dst, mod.select(get(o.cond), get(o.a), get(o.b)));
      case "load": {
        const v = o.size === 4 ? mod.i32.load(0, 1, get(o.addr)) : o.size === 2 ? mod.i32.load16_u(0, 1, get(o.addr)) : mod.i32.load8_u(0, 1, get(o.addr));
        return [...(o.unchecked ? [] : bailIf(unreadable(o.addr, o.size), o.insn)), setTemp(o.dst, v)];
      }
      case "store": {
        const st = o.size === 4 ? mod.i32.store(0, 1, get(o.addr), get(o.src)) : o.size === 2 ? mod.i32.store16(0, 1, get(o.addr), get(o.src)) : mod.i32.store8(0, 1, get(o.addr), get(o.src));
        return [...(o.unchecked ? [] : bailIf(unwritable(o.addr, o.size), o.insn)), st];
      }
      case "checkrange": {
        const denied = (a: Expr) => o.write
          ? mod.i32.ne(mod.i32.and(perm(a), c(PROT_READ | PROT_WRITE | PAGE_CODE)), c(PROT_READ | PROT_WRITE))
          : mod.i32.eqz(mod.i32.and(perm(a), c(PROT_READ)));
        return bailIf([denied(get(o.lo)), denied(get(o.hi))], o.insn);
      }
      case "guard": return bailIf(mod.i32.eqz(get(o.ok)), o.insn);
      case "div64": {
        // Wasm traps where x86 raises #DE, so every #DE case bails before the division.
        const N = DIV64, D = DIV64 + 1, Q = DIV64 + 2;
        const ext = (v: Expr) => (o.signed ? mod.i64.extend_s(v) : zext64(v));
        const num = mod.i64.or(mod.i64.shl(zext64(get(o.hi)), i64c32()), zext64(get(o.lo)));
        const g64 = (l: number) => mod.local.get(l, b.i64);
        const overflow = o.signed
          ? mod.i64.ne(g64(Q), mod.i64.extend_s(mod.i32.wrap(g64(Q))))
          : mod.i64.gt_u(g64(Q), mod.i64.const(0xffffffffn));
        return [
          mod.local.set(N, num),
          mod.local.set(D, ext(get(o.d))),
          ...bailIf(mod.i32.eqz(get(o.d)), o.insn),
          ...(o.signed ? bailIf(mod.i32.and(mod.i64.eq(g64(N), mod.i64.const(-(2n ** 63n))), mod.i64.eq(g64(D), mod.i64.const(-1n))), o.insn) : []),
          mod.local.set(Q, o.signed ? mod.i64.div_s(g64(N), g64(D)) : mod.i64.div_u(g64(N), g64(D))),
          ...bailIf(overflow, o.insn),
          setTemp(o.q, mod.i32.wrap(g64(Q))),
          setTemp(o.r, mod.i32.wrap(o.signed ? mod.i64.rem_s(g64(N), g64(D)) : mod.i64.rem_u(g64(N), g64(D)))),
        ];
      }
      case "setflags": return [mod.if(get(o.when!), mod.block(null, storeFlags(o)))]; // unconditional ones: emitWithFlags
      // Every kind of record, or the materialized word (kind NONE), through the module's flag functions.
      case "cond": return o.cc >> 1 === 1
        ? [setTemp(o.dst, o.cc & 1 ? mod.i32.xor(mod.call("carry", [], i32), c(1)) : mod.call("carry", [], i32))] // b/ae: CF alone
        : [mod.local.set(FLAGS, mod.call("flags", [], i32)), setTemp(o.dst, eflagsCond(o.cc))];
      case "updflags": {
        // As updateFlags computes it: the materialized word with o.mask's bits replaced, bit 1 set, bit 3
        // clear, the lazy record NONE. Replacing all six arithmetic flags needs no materializing; otherwise
        // eflags() materializes.
        const merged = (old: Expr) => storeSlot(S_EFLAGS, mod.i32.or(mod.i32.and(old, c(~(o.mask | 0x8))), mod.i32.or(c(0x2), mod.i32.and(get(o.bits), c(o.mask)))));
        const update = mod.block(null, [merged(o.mask === ARITH ? loadSlot(S_EFLAGS) : mod.call("eflags", [], i32)), storeSlot(S_LAZY_OP, c(0))]);
        return [o.when === undefined ? update : mod.if(get(o.when), update)];
      }
      case "exit": return [leave(o)];
      case "exitif": return [mod.if(get(o.c), leave(o))];
      case "interp": x87.forgetTop(); return interp(o.insn, o.next);
      case "strop": return strop(o);
      case "xmov": {
        const ty = o.w === 4 ? mod.i32 : mod.i64;
        const copy = (off: number) => ty.store(off, Math.min(o.w, 8), c(xmmAddr(o.dst)), ty.load(off, Math.min(o.w, 8), c(xmmAddr(o.src))));
        return o.w === 16 ? [copy(0), copy(8)] : [copy(0)];
      }
      case "xint": {
        const v = mod.v128;
        const src = o.src >= 0 ? v.load(0, 16, c(xmmAddr(o.src))) : v.load(0, 1, get(o.addr));
        const checks = o.src >= 0 ? [] : bailIf([...unreadable(o.addr, 16), ...(o.align ? [mod.i32.and(get(o.addr), c(15))] : [])], o.insn);
        return [...checks, v.store(0, 16, c(xmmAddr(o.dst)), xintValue(mod, o.fn, o.imm, () => v.load(0, 16, c(xmmAddr(o.dst))), src))];
      }
      case "fpucw": return [setTemp(o.dst, mod.i32.xor(mod.i32.load16_u(0, 2, c(FPU_CW_ADDR)), c(CW_DEFAULT)))];
      case "setfpucw": return [mod.i32.store16(0, 2, c(FPU_CW_ADDR), mod.i32.xor(mod.i32.or(mod.i32.and(get(o.src), c(0x1f7f)), c(0x40)), c(CW_DEFAULT)))];
      case "xmovd": return [
        mod.i32.store(0, 4, c(xmmAddr(o.dst)), get(o.src)),
        mod.i32.store(4, 4, c(xmmAddr(o.dst)), c(0)),
        mod.i64.store(8, 8, c(xmmAddr(o.dst)), mod.i64.const(0n)),
      ];
      case "xget": return [setTemp(o.dst, o.fn === "low" ? mod.i32.load(0, 4, c(xmmAddr(o.src))) : mod.v128.bitmask8(mod.v128.load(0, 16, c(xmmAddr(o.src)))))];
      case "xcvti": return [mod.f64.store(0, 8, c(xmmAddr(o.dst)), mod.f64.convert_s.i32(get(o.src)))];
      case "xload": {
        const ty = o.w === 8 ? mod.i64 : mod.i32;
        const upper = o.w === 8 ? [] : [mod.i32.store(4, 4, c(xmmAddr(o.dst)), c(0))];
        return [
          ...bailIf(unreadable(o.addr, o.w), o.insn),
          ty.store(0, o.w, c(xmmAddr(o.dst)), ty.load(0, 1, get(o.addr))),
          ...upper,
          mod.i64.store(8, 8, c(xmmAddr(o.dst)), mod.i64.const(0n)),
        ];
      }
      case "xstore": {
        const bad = [...unwritable(o.addr, o.w), ...(o.align ? [mod.i32.and(get(o.addr), c(15))] : [])];
        if (o.w === 16) return [...bailIf(bad, o.insn), mod.v128.store(0, 1, get(o.addr), mod.v128.load(0, 16, c(xmmAddr(o.src))))];
        const ty = o.w === 8 ? mod.i64 : mod.i32;
        return [...bailIf(bad, o.insn), ty.store(0, 1, get(o.addr), ty.load(0, o.w, c(xmmAddr(o.src))))];
      }
      case "xarith": return xarith(o);
      case "xcvtt": return xcvtt(o);
      case "xcomi": return xcomi(o);
      case "x87": return x87.emit(o);
    }
  }

  // (after every helper above is defined) Block n's code follows the end of the wasm block "d<n>", so
  // br_table CUR [d0 .. d<last>] enters it; every block's code ends in an exit.
  let dispatch = mod.block("d0", [mod.switch(blocks.map((_, k) => `d${k}`), "d0", loc(CUR))]);
  blocks.forEach((block, k) => {
    blk = block;
    n = first + k;
    plan = plans[k];
    x87.forgetTop();
    pending = null;
    bailed = false;
    const code = emitBlock();
    // Every block's code ends in an exit, so its site block is left only by a bail-out's branch.
    dispatch = mod.block(`d${k + 1}`, [dispatch, ...(bailed ? [mod.local.set(SITE, mod.block(`s${n}`, code, i32)), ...siteDecoder()] : code)]);
  });
  const locals = [...new Array(T + FIXED).fill(i32), ...scratch];
  const main = [
    ...cached.map((r) => mod.local.set(regLocal(r), loadSlot(r))),
    mod.local.set(ITER, loadSlot(S_LINK_BUDGET)),
    mod.local.set(CUR, mod.global.get("entry", i32)),
    mod.loop("next", dispatch),
  ];
  // Exits branch to "out" with the target and count in OUT_EIP and OUT_COUNT; bail-outs to "bail",
  // which also sets S_EXIT. One copy of the way out serves them all.
  const wayOut = chain
    ? [
      mod.block("leave", [
        mod.block("out", [mod.block("bail", main), storeSlot(S_EXIT, c(1)), mod.br("leave")]),
        mod.local.set(CHAIN_LEFT, loadSlot(S_CHAIN_LEFT)),
      ]),
      ...leaveFor(chainTo(), loc(OUT_COUNT)),
    ]
    : [mod.block("out", [mod.block("bail", main), storeSlot(S_EXIT, c(1))]), ...leaveFor(loc(OUT_EIP), loc(OUT_COUNT))];
  mod.addFunction(name, b.none, i32, locals, mod.block(null, wayOut, b.unreachable));

  /**
   * direct-chain, after the registers and counters are in memory: while chain budget is left, the
   * target's first directory slot (layout.ts: the dispatcher's hash), and on a hit its translation,
   * tail-called through the table; else the target, returned to the dispatcher. EIP 0 and 1 never
   * match (an empty slot's key and a tombstone's), so an empty slot's table index 0 is never called.
   * Under a nest-calls call nothing chains: the callee's return goes back to nest, which ends there,
   * rather than into a new activation of the caller's region under nest.
   */
  function chainTo(): Expr {
    const hash = mod.i32.shr_u(mod.i32.mul(loc(OUT_EIP), c(DIR_HASH)), c(32 - DIR_BITS));
    return mod.block(null, [
      mod.if(mod.i32.and(mod.i32.ne(loc(CHAIN_LEFT), c(0)), mod.i32.eqz(loadSlot(S_NEST_DEPTH))), mod.block(null, [
        mod.local.set(ENTRY, mod.i32.add(c(CACHE_OFF), mod.i32.shl(hash, c(3)))),
        mod.if(mod.i32.and(mod.i32.eq(mod.i32.load(0, 4, loc(ENTRY)), loc(OUT_EIP)), mod.i32.gt_u(loc(OUT_EIP), c(DIR_TOMBSTONE))), mod.block(null, [
          storeSlot(S_CHAIN_LEFT, mod.i32.sub(loc(CHAIN_LEFT), c(1))),
          mod.return_call_indirect("table", mod.i32.load(4, 4, loc(ENTRY)), [], b.none, i32),
        ])),
      ])),
      loc(OUT_EIP),
    ], i32);
  }
}

/**
 * The dispatcher: run(eip, budget) looks eip up in the directory and calls
 * translations through the table, chaining from one to the next inside
 * WebAssembly, until a miss, a bail-out (S_EXIT set) or budget translations
 * entered. With shared (direct-chain or nest-calls runs), translations
 * translated code enters count against the same budget: each call leaves
 * what is left of it in S_CHAIN_LEFT, and what translated code used is
 * counted for S_DIRECT; without it, the loop does none of that. EIP 0 and
 * 1 miss without a probe (an empty slot's key and a tombstone's).
 * Its statistics (lookups, transitions, linked branches, from the budget
 * each translation left in S_LINK_LEFT, and S_DIRECT) are counted in i32 locals
 * and added to their float64 slots once, on the way out: at most
 * CHAIN_BUDGET x LINK_BUDGET (2^24) per call, so they cannot wrap.
 *
 * nest(eip, stop), for nest-calls, is the same loop on the shared budget
 * that also ends when eip is stop (the call's return site). Each module with
 * nest-calls exits has its own copy (compileBlocks), so a nested call is a
 * call within the module, not an indirect call into another instance. Its
 * transitions are counted as translated code's own (S_DIRECT), as
 * direct-chain's are, and its lookups and links in i32 slots that run adds
 * to the float64 counters once per call. It keeps S_NEST_DEPTH, which run
 * resets: a guest fault or exit thrown through nested frames never comes
 * back to undo it.
 */
export function compileDispatcher(shared: boolean): WebAssembly.Module {
  const mod = new W.Module();
  mod.addTableImport("env", "table");
  addDispatchLoop(mod, "run", shared);
  mod.addFunctionExport("run", "run");
  return finish(mod, { optLevel: 0 }, ["run"], performance.now()).module;
}

/** Adds run or nest (compileDispatcher) to mod, which imports the table. */
function addDispatchLoop(mod: Module, which: "run" | "nest", shared: boolean): void {
  const b = W;
  const i32 = b.i32;
  const c = (v: number) => mod.i32.const(v | 0);
  // Locals: params (eip, and run's budget or nest's stop), then the loop's.
  const EIP = 0, BUDGET = 1, STOP = 1, H = 2, E = 3, KEY = 4, LOOKUPS = 5, CHAINS = 6, LINKS = 7, LINK_BUDGET = 8, DIRECT = 9;
  const locals = [i32, i32, i32, i32, i32, i32, i32, i32];
  const get = (l: number) => mod.local.get(l, i32);
  const slot = (s: number) => mod.i32.load(slotAddr(s) >>> 0, 4, c(0));
  const setSlot = (s: number, v: Expr) => mod.i32.store(slotAddr(s) >>> 0, 4, c(0), v);
  const add = (s: number, n: Expr) =>
    mod.f64.store(slotAddr(s) >>> 0, 8, c(0), mod.f64.add(mod.f64.load(slotAddr(s) >>> 0, 8, c(0)), mod.f64.convert_u.i32(n)));
  const bump = (l: number) => mod.local.set(l, mod.i32.add(get(l), c(1)));
  const done = () => mod.br("done", undefined, get(EIP));
  /** Looks EIP up: on a hit, E is its directory entry; a miss leaves the function's loop. */
  const lookup = (): Expr[] => [
    bump(LOOKUPS),
    mod.local.set(H, mod.i32.shr_u(mod.i32.mul(get(EIP), c(DIR_HASH)), c(32 - DIR_BITS))),
    mod.block("found", [mod.loop("probe", mod.block(null, [
      mod.local.set(E, mod.i32.add(c(CACHE_OFF), mod.i32.shl(get(H), c(3)))),
      mod.local.set(KEY, mod.i32.load(0, 4, get(E))),
      // An empty slot ends the probe: a miss.
      mod.if(mod.i32.eqz(get(KEY)), done()),
      mod.br("found", mod.i32.eq(get(KEY), get(EIP))),
      mod.local.set(H, mod.i32.and(mod.i32.add(get(H), c(1)), c(DIR_ENTRIES - 1))),
      mod.br("probe"),
    ]))]),
  ];
  const left = () => slot(S_CHAIN_LEFT);
  const call = () => mod.local.set(EIP, mod.call_indirect("table", mod.i32.load(4, 4, get(E)), [], b.none, i32));
  const exited = () => mod.if(slot(S_EXIT), done());
  const links = () => mod.local.set(LINKS, mod.i32.add(get(LINKS), mod.i32.sub(get(LINK_BUDGET), slot(S_LINK_LEFT))));
  const linkBudget = mod.local.set(LINK_BUDGET, slot(S_LINK_BUDGET));
  const sig = b.createType([i32, i32]);

  if (which === "nest") {
    const depth = (delta: number) => setSlot(S_NEST_DEPTH, mod.i32.add(slot(S_NEST_DEPTH), c(delta)));
    const loop = mod.loop("top", mod.block(null, [
      mod.if(mod.i32.or(mod.i32.eq(get(EIP), get(STOP)), mod.i32.le_u(get(EIP), c(DIR_TOMBSTONE))), done()),
      mod.if(mod.i32.eqz(left()), done()),
      ...lookup(),
      setSlot(S_CHAIN_LEFT, mod.i32.sub(left(), c(1))),
      call(),
      links(),
      exited(),
      mod.br("top"),
    ]));
    mod.addFunction("nest", sig, i32, locals, mod.block(null, [
      depth(1),
      linkBudget,
      mod.local.set(EIP, mod.block("done", [loop], i32)),
      depth(-1),
      setSlot(S_NEST_LOOKUPS, mod.i32.add(slot(S_NEST_LOOKUPS), get(LOOKUPS))),
      setSlot(S_NEST_LINKS, mod.i32.add(slot(S_NEST_LINKS), get(LINKS))),
      get(EIP),
    ], i32));
    return;
  }
  const loop = mod.loop("top", mod.block(null, [
    mod.if(mod.i32.le_u(get(EIP), c(DIR_TOMBSTONE)), done()),
    ...lookup(),
    ...(shared
      ? [
        setSlot(S_CHAIN_LEFT, mod.i32.sub(get(BUDGET), c(1))),
        call(),
        links(),
        mod.local.set(DIRECT, mod.i32.add(get(DIRECT), mod.i32.sub(mod.i32.sub(get(BUDGET), c(1)), left()))),
        exited(),
        mod.local.set(BUDGET, left()),
      ]
      : [call(), links(), exited(), mod.local.set(BUDGET, mod.i32.sub(get(BUDGET), c(1)))]),
    mod.if(mod.i32.eqz(get(BUDGET)), done()),
    bump(CHAINS),
    mod.br("top"),
  ]));
  mod.addFunction("run", sig, i32, locals, mod.block(null, [
    setSlot(S_NEST_DEPTH, c(0)),
    linkBudget,
    mod.local.set(EIP, mod.block("done", [loop], i32)),
    ...(shared
      ? [
        add(S_DIRECT, get(DIRECT)),
        mod.local.set(LOOKUPS, mod.i32.add(get(LOOKUPS), slot(S_NEST_LOOKUPS))),
        mod.local.set(LINKS, mod.i32.add(get(LINKS), slot(S_NEST_LINKS))),
        setSlot(S_NEST_LOOKUPS, c(0)),
        setSlot(S_NEST_LINKS, c(0)),
      ]
      : []),
    add(S_LOOKUPS, get(LOOKUPS)),
    add(S_CHAINS, get(CHAINS)),
    add(S_LINKS, get(LINKS)),
    get(EIP),
  ], i32));
}

/** Instantiates the dispatcher module on mem and table; returns run. */
export function installDispatcher(module: WebAssembly.Module, mem: WebAssembly.Memory, table: WebAssembly.Table): (eip: number, budget: number) => number {
  return new WebAssembly.Instance(module, { env: { mem, table } }).exports.run as (eip: number, budget: number) => number;
}
