/**
 * Block-level differential testing of the translator against the reference
 * interpreter (used by tests/translator-diff.test.ts).
 *
 * A case is a random straight-line instruction sequence encoded from the ISA
 * description (src/isa/table.ts ROWS) — instructions the lifter turns into IR
 * and instructions it hands to the interpreter's executor (interp operations:
 * x87, string operations with or without rep, shld/shrd, 16-bit forms, ...) —
 * followed by a terminator (jcc, jmp, call, ret, or an instruction the lifter
 * leaves to the interpreter), an initial register state, an initial x87
 * state and an initial flag state (either EFLAGS set wholesale, or a lazy
 * flag record left by a real instruction run through the interpreter
 * first). Two identical rigs (Memory + Cpu + Machine + Interpreter) run
 * it: rig A only interprets; rig B runs the translation of the block
 * (dispatcher with budget 1) and, if it bails out, continues in its
 * interpreter. Both stop when EIP leaves the case's code or a fault unwinds.
 * Registers, EIP, fault, materialized EFLAGS (minus the flags the executed
 * instructions leave undefined), the x87 and SSE state (XMM registers, MXCSR:
 * fxrstor and ldmxcsr reach it), scratch/stack memory and the retired count
 * must be equal.
 *
 * Memory the cases see (identical in both rigs):
 *   CODE      RX (RWX for self-modifying cases), one SLOT-byte slot per case
 *   PROLOGUE  RX, the instruction that leaves the initial lazy flags
 *   SCRATCH   RW, RW, then one read-only page, then an unmapped page
 *   STACK     RW, RW; ESP starts near the middle
 * Registers chosen as memory bases ("pointers") and one index register are
 * kept out of the generated instructions' destinations (for interpreted
 * instructions: the registers their executor was seen to write when probed),
 * so most accesses stay inside SCRATCH; a few deliberately cross pages or fault.
 */
import { decode, DecodeError, type Insn } from "../../src/isa/decode.ts";
import { formatInsn } from "../../src/isa/disasm.ts";
import { ROWS, type OpRow } from "../../src/isa/table.ts";
import { Cpu } from "../../src/interp/cpu.ts";
import { executorFor } from "../../src/interp/dispatch.ts";
import { specialize } from "../../src/interp/fast.ts";
import { materializeFlags } from "../../src/interp/flags.ts";
import { Interpreter } from "../../src/interp/interpreter.ts";
import { x87ModelOf } from "../../src/interp/fpu.ts";
import { Machine } from "../../src/interp/machine.ts";
import { compileBlocks, compileDispatcher, installDispatcher } from "../../src/translate/backend.ts";
import { formatBlock, type Block } from "../../src/translate/ir.ts";
import { liftBlock } from "../../src/translate/lift.ts";
import type { Pass } from "../../src/translate/passes/index.ts";
import { liftRegion, pagesOf } from "../../src/translate/pipeline.ts";
import { Translator } from "../../src/translate/translator.ts";
import { vmmImports } from "../../src/translate/imports.ts";
import { CodeCache } from "../../src/vmm/codecache.ts";
import { GuestFault, SIGILL } from "../../src/core/fault.ts";
import { FPU_OFF, LINK_BUDGET, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, S_EIP, S_EXIT, S_DIRECT, S_LINK_BUDGET, S_LINKS, S_LOOKUPS, S_RETIRED, S_SEGBASE, S_SEL, XMM_OFF, XMM_SIZE } from "../../src/core/layout.ts";
import { Memory } from "../../src/core/memory.ts";

// ---------------------------------------------------------------- layout

export const CODE = 0x08048000;
export const SLOT = 256;
export const BATCH = 128;
export const CODE_PAGES = (BATCH * SLOT) / PAGE_SIZE;
export const PROLOGUE = 0x08040000;
export const PROLOGUE_SLOT = 32;
export const SCRATCH = 0x20000000;
/** Bytes of SCRATCH compared (the RW pages and the read-only page). */
export const SCRATCH_LEN = 3 * PAGE_SIZE;
export const STACK = 0x30000000;
export const STACK_LEN = 2 * PAGE_SIZE;
/** Bytes of x87 state set up and compared (interp/fpu.ts layout: registers, control/status words, TOP, tags, pointers). */
export const FPU_LEN = 0x100;
/** Far-away branch targets (never executed: runs stop when EIP leaves the case's code). */
const FAR = 0x08100000;

const REG = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const R_ESP = 4, R_EBP = 5;
export const hex = (v: number, w = 8) => (v >>> 0).toString(16).padStart(w, "0");

// ---------------------------------------------------------------- random numbers

/** mulberry32: small, fast, good enough, and reproducible from one 32-bit seed. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  u32(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  int(n: number): number { return this.u32() % n; }
  range(lo: number, hi: number): number { return lo + this.int(hi - lo + 1); }
  chance(p: number): boolean { return this.u32() < p * 0x100000000; }
  pick<T>(a: readonly T[]): T { return a[this.int(a.length)]; }
}

const EDGE = [0, 1, -1, 0x7fffffff, 0x80000000, 0xff, 0x80, 0x8000, 0x7f, 0xffff, 0x7fff, 0x100, 0x10000, 2, 31, 32, 33, 0xfffffffe, 0x80000001];

/** A register value: an edge case, fully random, or random in a small range. */
export function value(rng: Rng): number {
  switch (rng.int(4)) {
    case 0: case 1: return rng.pick(EDGE) | 0;
    case 2: return rng.u32() | 0;
    default: return rng.pick([rng.int(256), rng.int(0x10000), -rng.range(1, 300), rng.u32() & 0x800000ff]) | 0;
  }
}

// ---------------------------------------------------------------- the generator

/** Registers the generator must not let a body instruction overwrite, and where pointers point. */
export interface EncCtx {
  /** Base registers and their (fixed) values. */
  ptrs: { reg: number; value: number }[];
  idx: number;
  idxValue: number;
  /** FS/GS segment bases (added to memory operands with a 64/65 prefix). */
  fs: number;
  gs: number;
  /** Allow any register as destination (the unprotected cases, which may fault anywhere). */
  free: boolean;
}

/** Extensions left out of the random blocks: neither executed through the translator nor all implemented (x87 and SSE state are compared). */
const EXT = ["sse4", "popcnt", "movbe", "rdrand", "tsx"];
const CONTROL = ["jump", "call", "ret", "stop", "cond", "sys"];
/** Rows whose result is not a function of the guest state. */
const NONDETERMINISTIC = new Set(["rdtsc"]);
const SHIFTS = new Set(["shl", "sal", "shr", "sar", "rol", "ror", "rcl", "rcr", "shld", "shrd"]);
const STACK_OPS = new Set(["push", "pop", "leave", "call", "ret", "pushad", "popad", "pushfd", "popfd", "enter"]);

function le(v: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => (v >>> (8 * k)) & 0xff);
}

/** Decodes bytes placed at addr; null unless they form exactly one instruction. */
export function decodeBytes(bytes: number[], addr: number): Insn | null {
  try {
    const i = decode((a) => {
      const k = (a - addr) >>> 0;
      if (k >= bytes.length) throw new DecodeError(addr, "past end", []);
      return bytes[k];
    }, addr);
    return i.len === bytes.length ? i : null;
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw e;
  }
}

/** Encodes one instruction of row; the caller decodes it to check what it became. */
export function encodeRow(rng: Rng, row: OpRow, ctx: EncCtx): number[] {
  const hasE = row.ops.some((o) => /^[EMR]/.test(o));
  const memOnly = row.mod === "mem" || row.ops.some((o) => o[0] === "M");
  const mem = hasE && row.modrmByte < 0 && (memOnly || (row.mod !== "reg" && !row.ops.some((o) => o[0] === "R") && rng.chance(0.45)));
  const vSized = row.ops.some((o) => o[0] !== "J" && (/[vz]$/.test(o) || o === "eAX"));
  const osz = vSized && rng.chance(0.25);
  const prefixes: number[] = [];
  if (osz) prefixes.push(0x66);
  if (row.attrs.has("lock") && mem && rng.chance(0.15)) prefixes.push(0xf0);
  if (row.attrs.has("rep") && rng.chance(0.6)) prefixes.push(rng.pick([0xf3, 0xf3, 0xf2]));
  const usesMem = mem || row.ops.some((o) => o[0] === "O");
  if (usesMem && rng.chance(0.08)) prefixes.push(rng.pick([0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65]));
  for (let k = prefixes.length - 1; k > 0; k--) { const j = rng.int(k + 1); [prefixes[k], prefixes[j]] = [prefixes[j], prefixes[k]]; }
  const segBase = prefixes.includes(0x64) ? ctx.fs : prefixes.includes(0x65) ? ctx.gs : 0;
  const out = [...prefixes];
  if (row.prefix) out.push(row.prefix);
  if (row.map === 1) out.push(0x0f);
  out.push(row.opcode);
  if (row.needsModrm) {
    if (row.modrmByte >= 0) out.push(row.modrmByte);
    else {
      const reg = row.digit >= 0 ? row.digit : rng.int(8);
      if (!mem) out.push(0xc0 | (reg << 3) | rng.int(8));
      else out.push(...memOperand(rng, reg, ctx, segBase));
    }
  }
  for (const op of row.ops) {
    switch (op) {
      case "Ib": out.push(SHIFTS.has(row.mnem) ? rng.pick([0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, rng.int(256)]) : rng.int(256)); break;
      case "Ibs": out.push(rng.chance(0.5) ? rng.pick([0, 1, 0x7f, 0x80, 0xff]) : rng.int(256)); break;
      case "Iw": out.push(...le(rng.int(0x10000), 2)); break;
      case "Iz": out.push(...le(value(rng), osz ? 2 : 4)); break;
      case "Ob": case "Ov": out.push(...le(scratchAddress(rng, 4) - segBase, 4)); break;
    }
  }
  return out;
}

/** An absolute address in SCRATCH, sometimes next to a page boundary so that wide accesses cross it. */
function scratchAddress(rng: Rng, width: number): number {
  if (rng.chance(0.08)) return SCRATCH + rng.pick([0x1000, 0x1000, 0x2000, 0x3000]) - rng.range(1, width);
  if (rng.chance(0.03)) return SCRATCH + 0x2000 + rng.int(PAGE_SIZE - 4); // the read-only page
  return SCRATCH + rng.int(2 * PAGE_SIZE - 4);
}

/** ModRM (+SIB, displacement) of a memory operand that mostly lands in SCRATCH or on the stack. */
function memOperand(rng: Rng, reg: number, ctx: EncCtx, segBase: number): number[] {
  const modrm = (mod: number, rm: number) => (mod << 6) | (reg << 3) | rm;
  const sib = (s: number, i: number, b: number) => (s << 6) | (i << 3) | b;
  const d8 = () => rng.int(256);
  const p = rng.pick(ctx.ptrs);
  switch (rng.int(9)) {
    case 0: return p.reg === R_EBP ? [modrm(1, 5), 0] : [modrm(0, p.reg)];
    case 1: return [modrm(1, p.reg), d8()];
    case 2: {
      // [p + disp32], a tenth of the time aimed at a page boundary
      const d = rng.chance(0.1) ? scratchAddress(rng, 4) - p.value - segBase : rng.range(-0x3ff, 0x3ff);
      return [modrm(2, p.reg), ...le(d, 4)];
    }
    case 3: return [modrm(1, 4), sib(rng.int(4), ctx.idx, p.reg), d8()];
    case 4: return p.reg === R_EBP ? [modrm(1, 4), sib(rng.int(4), ctx.idx, 5), 0] : [modrm(0, 4), sib(rng.int(4), ctx.idx, p.reg)];
    case 5: return [modrm(0, 5), ...le(scratchAddress(rng, 4) - segBase, 4)];
    case 6: { const s = rng.int(4); return [modrm(0, 4), sib(s, ctx.idx, 5), ...le(scratchAddress(rng, 4) - segBase - (ctx.idxValue << s), 4)]; }
    case 7: return [modrm(1, 4), sib(0, 4, R_ESP), rng.range(-0x40, 0x40) & 0xff];
    default: return [modrm(0, 4), sib(0, 4, R_ESP)];
  }
}

/** Liftable rows of the one-byte and 0F maps with how often a random encoding of each lifted. */
export interface Pool {
  rows: OpRow[];
  /** Flag-writing rows usable (register form, no string operands) as the prologue that leaves a lazy flag record. */
  flagRows: OpRow[];
  /** Rows the lifter turns into XMM operations (movss/movsd, scalar arithmetic and sqrt, cvttsd2si/cvttss2si, comis/ucomis, ...): "float" cases draw most of their body from them. */
  xmmRows: OpRow[];
  probed: Map<number, { tried: number; lifted: number }>;
}

const PROBE_CTX: EncCtx = { ptrs: [{ reg: 3, value: SCRATCH + 0x800 }], idx: 6, idxValue: 4, fs: 0, gs: 0, free: true };

export function buildPool(seed: number): Pool {
  const rng = new Rng(seed ^ 0x5eed);
  const probed = new Map<number, { tried: number; lifted: number }>();
  const rows: OpRow[] = [], xmmRows = new Set<OpRow>();
  for (const row of ROWS) {
    // Rows with a 66 or F2 prefix: the SSE ones, and of those with 66 only the ones lifted to XMM operations.
    if (row.map > 1 || (row.prefix && row.prefix !== 0xf3 && !row.attrs.has("simd"))) continue;
    if (EXT.some((t) => row.attrs.has(t)) || CONTROL.some((t) => row.attrs.has(t)) || NONDETERMINISTIC.has(row.mnem)) continue;
    let tried = 0, lifted = 0;
    for (let k = 0; k < 24; k++) {
      tried++;
      const bytes = encodeRow(rng, row, PROBE_CTX);
      const insn = decodeBytes(bytes, CODE);
      const block = insn && insn.row === row ? liftsAlone(insn) : null;
      if (block && writes(insn!, block, PROBE_CTX, bytes)) lifted++;
      if (block?.ops.some((o) => o.op.startsWith("x"))) xmmRows.add(row);
    }
    probed.set(row.id * 1024 + row.map * 256 + row.opcode, { tried, lifted });
    if (lifted && (row.prefix !== 0x66 || xmmRows.has(row))) rows.push(row);
  }
  const flagRows = rows.filter((r) => r.flagsWritten && r.mod !== "mem" && !r.ops.some((o) => "MXY".includes(o[0])));
  return { rows, flagRows, xmmRows: [...xmmRows], probed };
}

/** Whether the lifter takes this instruction by itself (as the only instruction of a block). */
export function liftsAlone(insn: Insn): Block | null {
  const b = liftBlock([insn]);
  return b && b.addrs.length === 1 ? b : null;
}

/** Whether the lifter hands the instruction to the interpreter's executor (an interp operation), or to a strop, which works on registers without IR. */
const interpreted = (b: Block) => b.ops.some((o) => o.op === "interp" || o.op === "strop");

/**
 * Registers the instruction writes: from its IR, or, when it is interpreted,
 * those its executor changed in a few runs from random states around ctx's
 * pointers (ECX small, so rep operations finish). null when the executor is
 * missing (SIGILL, "unimplemented").
 */
function writes(insn: Insn, block: Block, ctx: EncCtx, bytes: number[]): Set<number> | null {
  const w = new Set<number>();
  if (!interpreted(block)) {
    for (const o of block.ops) if (o.op === "setreg" && o.reg < 8) w.add(o.reg);
    return w;
  }
  const rig = (probeRig ??= makeRig());
  const s = rig.cpu.s;
  const rng = new Rng(bytes.reduce((h, b) => Math.imul(h ^ b, 0x01000193), 0x811c9dc5));
  const exec = specialize(insn) ?? executorFor(insn.row);
  let implemented = false;
  for (let trial = 0; trial < 4; trial++) {
    const regs = Array.from({ length: 8 }, (_, r) => (r === 1 ? rng.int(8) : value(rng)));
    for (const p of ctx.ptrs) regs[p.reg] = p.value;
    regs[ctx.idx] = ctx.idxValue;
    regs[R_ESP] = STACK + 0x1000;
    resetState(rig, regs, (rng.u32() & 0x8d5) | 0x202, ctx.fs, ctx.gs, new Uint8Array(FPU_LEN), new Uint8Array(XMM_SIZE));
    rig.mem.u8.fill(0, SCRATCH, SCRATCH + SCRATCH_LEN);
    try {
      exec(rig.m, insn);
      implemented = true;
    } catch (e) {
      if (!(e instanceof GuestFault)) throw e;
      implemented ||= e.signal !== SIGILL;
    }
    for (let r = 0; r < 8; r++) if (s[r] !== regs[r]) w.add(r);
  }
  rig.m.smc = false;
  return implemented ? w : null;
}
let probeRig: Rig | undefined;

/** One random body instruction: encoded, decoded, liftable and respecting ctx's protected registers. */
export function genInsn(rng: Rng, pool: Pool, ctx: EncCtx, rows = pool.rows): { bytes: number[]; insn: Insn } {
  for (;;) {
    const row = rng.pick(rows);
    const bytes = encodeRow(rng, row, ctx);
    const insn = decodeBytes(bytes, CODE);
    if (!insn) continue;
    const lifted = liftsAlone(insn);
    if (!lifted) continue;
    const w = writes(insn, lifted, ctx, bytes);
    if (!w) continue;
    // String operations walk their pointers (ESI, EDI) and count ECX down, by little: they may move protected registers.
    const walks = insn.row.ops.some((o) => o[0] === "X" || o[0] === "Y");
    if (!ctx.free) {
      if (!walks && (ctx.ptrs.some((p) => w.has(p.reg)) || w.has(ctx.idx))) continue;
      if (w.has(R_ESP) && (!STACK_OPS.has(insn.row.mnem) || (insn.row.mnem === "pop" && insn.rm === R_ESP))) continue;
    }
    return { bytes, insn };
  }
}

export type Terminator = "jcc8" | "jcc32" | "jmp8" | "jmp32" | "jmpreg" | "jmpmem" | "call" | "callreg" | "ret" | "retn" | "fallthrough";
const TERMINATORS: Terminator[] = ["jcc8", "jcc8", "jcc32", "jcc32", "jmp8", "jmp32", "jmpreg", "jmpmem", "call", "callreg", "ret", "retn", "fallthrough", "fallthrough"];

export interface Case {
  index: number;
  /** Bytes of the whole case (body, filler, terminator) and each instruction's length. */
  code: number[];
  lens: number[];
  terminator: Terminator;
  regs: number[];
  fs: number;
  gs: number;
  /** Initial flags: EFLAGS set wholesale, or a prologue instruction run by the interpreter with prologueRegs. */
  eflags: number | null;
  prologue: number[];
  prologueRegs: number[];
  scratch: Uint8Array;
  stack: Uint8Array;
  /** Initial x87 state (FPU_LEN bytes at FPU_OFF). */
  fpu: Uint8Array;
  /** Initial SSE state (XMM_SIZE bytes at XMM_OFF, MXCSR included: see randomXmm). */
  xmm: Uint8Array;
  /** Row of every instruction, and whether the lifter hands it to the interpreter's executor (for coverage). */
  rows: OpRow[];
  interp: boolean[];
  /** Map CODE RWX (self-modifying cases) instead of RX. */
  writableCode?: boolean;
}

export function genCase(seed: number, index: number, pool: Pool): Case {
  const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const regs = Array.from({ length: 8 }, () => value(rng));
  if (rng.chance(0.5)) regs[1] = rng.int(40); // ECX: a count a rep string operation completes
  const bases = [3, 5, 6, 7].filter(() => rng.chance(0.5));
  if (!bases.length) bases.push(rng.pick([3, 5, 6, 7]));
  const rest = [0, 1, 2, 3, 5, 6, 7].filter((r) => !bases.includes(r));
  const idx = rng.pick(rest);
  const ptrs = bases.map((reg) => ({ reg, value: (rng.chance(0.03) ? SCRATCH + 0x2400 + rng.int(0x800) : SCRATCH + 0x400 + rng.int(0x800)) | 0 }));
  for (const p of ptrs) regs[p.reg] = p.value;
  const idxValue = rng.pick([0, 1, 2, 3, 4, 7, 8, 15, 16, 31]);
  regs[idx] = idxValue;
  regs[R_ESP] = (STACK + 0x1000 + (rng.int(64) - 32) * 4 + (rng.chance(0.05) ? rng.range(1, 3) : 0)) | 0;
  if (!bases.includes(R_EBP) && idx !== R_EBP && rng.chance(0.5)) regs[R_EBP] = (STACK + 0xe00 + rng.int(0x100) * 4) | 0;
  const fs = rng.pick([0, 0x40, -0x40]), gs = rng.pick([0, 0x100, -0x20]);
  const ctx: EncCtx = { ptrs, idx, idxValue, fs, gs, free: rng.chance(0.04) };

  const code: number[] = [], lens: number[] = [], rows: OpRow[] = [], interp: boolean[] = [];
  const add = (bytes: number[], insn: Insn) => {
    code.push(...bytes);
    lens.push(bytes.length);
    rows.push(insn.row);
    const b = liftsAlone(insn);
    interp.push(!!b && interpreted(b));
  };
  const n = rng.range(5, 20), float = rng.chance(0.25);
  for (let k = 0; k < n; k++) {
    const { bytes, insn } = genInsn(rng, pool, ctx, float && rng.chance(0.7) ? pool.xmmRows : pool.rows);
    add(bytes, insn);
  }
  const terminator = rng.pick(TERMINATORS);
  const termBytes = terminatorBytes(rng, terminator, code.length, ctx);
  for (const t of termBytes) {
    const insn = decodeBytes(t, CODE);
    if (!insn) throw new Error(`terminator ${terminator} does not decode: ${t.map((b) => hex(b, 2)).join(" ")}`);
    add(t, insn);
  }
  if (code.length > SLOT) throw new Error("case longer than its slot");

  let eflags: number | null = null, prologue: number[] = [], prologueRegs: number[] = [];
  if (rng.chance(0.4)) eflags = (rng.u32() & 0x8d5) | 0x202;
  else {
    const free: EncCtx = { ...ctx, free: true };
    let g = genInsn(rng, pool, free, pool.flagRows);
    while (g.insn.isMem) g = genInsn(rng, pool, free, pool.flagRows);
    prologue = g.bytes;
    prologue.push(0xeb, 0x7f); // jmp far out of the prologue slot
    prologueRegs = Array.from({ length: 8 }, () => value(rng));
    prologueRegs[R_ESP] = regs[R_ESP];
  }
  const scratch = new Uint8Array(SCRATCH_LEN);
  for (let k = 0; k < SCRATCH_LEN; k += 4) new DataView(scratch.buffer).setInt32(k, rng.chance(0.3) ? value(rng) : rng.u32(), true);
  if (float) for (let k = 0; k < SCRATCH_LEN; k += 8) if (rng.chance(0.5)) ordinaryLane(rng, new DataView(scratch.buffer), k);
  const stack = new Uint8Array(STACK_LEN);
  for (let k = 0; k < STACK_LEN; k += 4) new DataView(stack.buffer).setInt32(k, rng.chance(0.5) ? value(rng) : rng.u32(), true);
  return { index, code, lens, terminator, regs, fs, gs, eflags, prologue, prologueRegs, scratch, stack, fpu: randomFpu(rng), xmm: randomXmm(rng, float), rows, interp };
}

/** Float and integer lane patterns for XMM registers: zeros, ones, infinities, NaNs, denormals, signs, random bits. */
const XMM_LANES = [0, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0x00000001, 0x80000000, 0x3ff00000, 0x7ff80000, 0xffffffff, 0x4b000000];
/**
 * MXCSR values besides the reset value 0x1f80 (PE clear): PE already set (the
 * state in which the translator's native scalar arithmetic applies), other
 * flags set too, and states it leaves to the executor (RC up, DAZ, FTZ, OE
 * or PE unmasked).
 */
const MXCSRS = [0x1fa0, 0x1fa0, 0x1fa0, 0x1fbf, 0x1fa1, 0x5fa0, 0x1fe0, 0x9fa0, 0x17a0, 0x0fa0];

/**
 * Doubles and floats (bits) at the edges of the translator's native
 * cvttsd2si/cvttss2si range, (-2^31 - 1, 2^31), and a few other values it
 * decides on: halves, signed zeros, a denormal.
 */
const CVT_EDGES = [2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 31 - 1, 2 ** 31 - 0.5, -(2 ** 31) - 0.5, -(2 ** 31) - 1.5, -0.5, 0.5, -0, 0, -2.5, 2 ** -1030];
const CVT_EDGES32 = [0x4f000000, 0xcf000000, 0xcf000001, 0x4effffff, 0xbf000000, 0x3f000000, 0x80000000, 0x00000001];

/**
 * An ordinary double (or a ±0, near the largest or exactly the smallest
 * normal), or an ordinary float in the low dword, at byte o: operands the
 * translator's native scalar arithmetic accepts (their signs are random, so
 * sqrt, comis and cvtt get operands on both sides of their guards; float
 * cases compare registers holding equal values too, by movsd copies); now
 * and then a CVT_EDGES value.
 */
function ordinaryLane(rng: Rng, dv: DataView, o: number): void {
  if (rng.chance(0.1)) {
    if (rng.chance(0.7)) dv.setFloat64(o, rng.pick(CVT_EDGES), true);
    else dv.setUint32(o, rng.pick(CVT_EDGES32), true);
    return;
  }
  if (rng.chance(0.3)) { dv.setUint32(o, (rng.int(2) << 31) | ((127 + rng.range(-20, 20)) << 23) | rng.int(0x800000), true); return; }
  const hi = rng.chance(0.1) ? rng.pick([0, 0x80000000, 0x7fefffff, 0x00100000, 0x80100000]) : (rng.int(2) << 31) | ((1023 + rng.range(-40, 40)) << 20) | rng.int(0x100000);
  dv.setUint32(o, (hi & 0x7fffffff) === 0 || (hi & 0x7fffffff) === 0x00100000 ? 0 : rng.u32(), true);
  dv.setUint32(o + 4, hi >>> 0, true);
}

/**
 * XMM0-7 with lanes drawn from XMM_LANES, random floats near 1 and random
 * bits; in float cases and half the others the low lane of each register is
 * an ordinaryLane instead; MXCSR from MXCSRS half the time.
 */
function randomXmm(rng: Rng, float: boolean): Uint8Array {
  const xmm = new Uint8Array(XMM_SIZE), dv = new DataView(xmm.buffer);
  for (let k = 0; k < 32; k++) {
    const lane = rng.pick([rng.pick(XMM_LANES), rng.u32(), 0x3f000000 + rng.int(0x1000000), (rng.range(110, 140) << 23) | rng.int(0x800000)]);
    dv.setUint32(4 * k, lane >>> 0, true);
  }
  if (float || rng.chance(0.5)) for (let r = 0; r < 8; r++) ordinaryLane(rng, dv, 16 * r);
  if (rng.chance(0.5)) dv.setUint32(0x80, rng.pick(MXCSRS) ^ 0x1f80, true);
  return xmm;
}

/**
 * An x87 state (interp/fpu.ts layout): half the time the empty fninit state,
 * otherwise a random TOP with some registers in use — ordinary (some of them
 * exact doubles, which the f64 model's translated arithmetic takes), zero,
 * infinite, NaN, denormal or unsupported encodings — and now and then an
 * unmasked exception, so that a later x87 instruction raises SIGFPE.
 */
function randomFpu(rng: Rng): Uint8Array {
  const fpu = new Uint8Array(FPU_LEN), dv = new DataView(fpu.buffer);
  if (rng.chance(0.5)) return fpu;
  const top = rng.int(8);
  dv.setUint32(0x88, top, true);
  for (let k = rng.int(9); k > 0; k--) {
    const p = (top + k - 1) & 7, hi = rng.u32(), lo = rng.u32();
    const [exp, lead, double] = rng.pick<[number, number, boolean?]>([
      [0x3fff + rng.range(-70, 70), 0x80000000], [0x3fff + rng.range(-70, 70), 0x80000000], [0x3fff + rng.range(-70, 70), 0x80000000],
      [0x3fff + rng.range(-70, 70), 0x80000000, true], [0x3fff + rng.range(-70, 70), 0x80000000, true],
      [0, 0], [0x7fff, 0x80000000], [0, 0], [rng.int(0x7fff), 0],
    ]);
    const zero = exp === 0 && rng.chance(0.5), inf = exp === 0x7fff && rng.chance(0.5);
    dv.setUint32(p * 16, zero || inf ? 0 : double ? lo & ~0x7ff : lo, true);
    dv.setUint32(p * 16 + 4, zero ? 0 : inf ? 0x80000000 : lead | (hi & 0x7fffffff), true);
    dv.setUint16(p * 16 + 8, (rng.int(2) << 15) | exp, true);
    fpu[0x8c + p] = 1;
  }
  if (rng.chance(0.15)) dv.setUint16(0x80, rng.int(0x40), true); // control word XOR 0x037f: these exceptions unmasked
  return fpu;
}

/** Terminator instruction(s) for a body of len bytes; branch targets are never inside the case. */
function terminatorBytes(rng: Rng, t: Terminator, len: number, ctx: EncCtx): number[][] {
  const farRel = (end: number) => (FAR + rng.int(0x10000) - end) | 0;
  const cc = rng.int(16);
  switch (t) {
    case "jcc8": case "jmp8": {
      const end = len + 2;
      const back = end + 2 <= 128 && rng.chance(0.3);
      const rel = back ? -rng.range(end + 1, 128) : rng.int(128);
      return [[t === "jcc8" ? 0x70 | cc : 0xeb, rel & 0xff]];
    }
    case "jcc32": return [[0x0f, 0x80 | cc, ...le(farRel(len + 6), 4)]];
    case "jmp32": return [[0xe9, ...le(farRel(len + 5), 4)]];
    case "jmpreg": return [[0xff, 0xe0 | rng.int(8)]];
    case "jmpmem": return [[0xff, 0xa0 | ctx.ptrs[0].reg, ...le(rng.int(0x400) * 4 - 0x400, 4)]];
    case "call": return [[0xe8, ...le(farRel(len + 5), 4)]];
    case "callreg": return [[0xff, 0xd0 | rng.int(8)]];
    case "ret": return [[0xc3]];
    case "retn": return [[0xc2, ...le(rng.pick([0, 4, 8, 0x10, rng.int(0x100)]), 2)]];
    case "fallthrough": {
      // A flag instruction (interpreted inside the block) or a jecxz/loop to the next instruction (which the lifter
      // leaves to the interpreter: the block's translation exits before it), then a jump away.
      const filler = rng.pick([[0xf5], [0xf8], [0xf9], [0xe3, 0x00], [0xe2, 0x00]]);
      return [filler, [0xe9, ...le(farRel(len + filler.length + 5), 4)]];
    }
  }
}

// ---------------------------------------------------------------- rigs

export interface Rig {
  mem: Memory;
  cpu: Cpu;
  m: Machine;
  interp: Interpreter;
}

export interface TransRig extends Rig {
  cache: CodeCache;
  run: (eip: number, budget: number) => number;
  retiredTranslated(): number;
  /** Branches translated code has taken between the blocks of one module (link-blocks), in total. */
  linkedBranches(): number;
  /** Translations translated code has entered itself (direct-chain), in total. */
  directChains(): number;
  /** Directory lookups the dispatcher has made, in total. */
  lookups(): number;
  /** Called from onCodeWrite so a Translator can forget the page. */
  forget: ((page: number, remapped: boolean) => void) | null;
  /** Instructions translated code has run through the interpreter's executor (the interp import) since the last setup. */
  executorCalls: number;
}

export function makeRig(): Rig {
  const mem = new Memory();
  const cpu = new Cpu(mem);
  const m = new Machine(cpu, mem);
  const interp = new Interpreter(m);
  mapPages(mem, false);
  return { mem, cpu, m, interp };
}

/** A rig with the translation tier assembled as vmm/tier.ts's Tier does (Binaryen must be loaded). */
export function makeTransRig(): TransRig {
  const rig = makeRig();
  const cache = new CodeCache(rig.mem, 64 << 20);
  const s = rig.cpu.s;
  const t: TransRig = {
    ...rig, cache, forget: null, executorCalls: 0,
    // Chaining-aware: the rig runs translations made with and without direct-chain.
    run: installDispatcher(compileDispatcher(true), rig.mem.wasm, cache.table),
    retiredTranslated: () => new Float64Array(rig.mem.wasm.buffer, s.byteOffset, 64)[S_RETIRED / 2],
    linkedBranches: () => new Float64Array(rig.mem.wasm.buffer, s.byteOffset, 64)[S_LINKS / 2],
    directChains: () => new Float64Array(rig.mem.wasm.buffer, s.byteOffset, 64)[S_DIRECT / 2],
    lookups: () => new Float64Array(rig.mem.wasm.buffer, s.byteOffset, 64)[S_LOOKUPS / 2],
  };
  const interpWrite = rig.mem.onCodeWrite;
  rig.mem.onCodeWrite = (page, remapped) => { interpWrite(page, remapped); cache.invalidatePage(page); t.forget?.(page, remapped); };
  s[S_LINK_BUDGET] = LINK_BUDGET;
  return t;
}

export interface TestTranslator {
  tr: Translator;
  /** Translates the region at eip and waits for it to be installed; true if eip now has a translation. */
  translate(eip: number): boolean;
  close(): void;
}

export function newTranslator(rig: TransRig, passes: Pass[], optLevel: number, regionBlocks = 1): TestTranslator {
  const tr = new Translator(rig.mem, rig.cache, rig.m, { passes, optLevel, regionBlocks, nice: 0 });
  rig.forget = (page, remapped) => tr.forgetPage(page, remapped);
  return {
    tr,
    translate: (eip) => tr.translateNow(eip),
    close: () => { rig.forget = null; tr.close(); },
  };
}

function mapPages(mem: Memory, writableCode: boolean): void {
  mem.map(CODE, CODE_PAGES * PAGE_SIZE, PROT_READ | PROT_EXEC | (writableCode ? PROT_WRITE : 0));
  mem.map(PROLOGUE, PAGE_SIZE * 2, PROT_READ | PROT_EXEC);
  mem.map(SCRATCH, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
  mem.map(SCRATCH + 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ);
  mem.map(STACK, STACK_LEN, PROT_READ | PROT_WRITE);
}

export const caseAddr = (slot: number) => CODE + slot * SLOT;
const prologueAddr = (slot: number) => PROLOGUE + slot * PROLOGUE_SLOT;

/** Writes a batch of cases into the code pages (slot k holds cases[k]); remapping drops every stale decoding and translation. */
export function loadBatch(rig: Rig, cases: Case[]): void {
  const { mem } = rig;
  const writable = cases.some((c) => c.writableCode);
  mem.map(CODE, CODE_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC);
  mem.map(PROLOGUE, PAGE_SIZE * 2, PROT_READ | PROT_WRITE | PROT_EXEC);
  cases.forEach((c, k) => {
    mem.poke(caseAddr(k), Uint8Array.from(c.code));
    mem.poke(prologueAddr(k), Uint8Array.from(c.prologue));
  });
  mem.protect(CODE, CODE_PAGES * PAGE_SIZE, PROT_READ | PROT_EXEC | (writable ? PROT_WRITE : 0));
  mem.protect(PROLOGUE, PAGE_SIZE * 2, PROT_READ | PROT_EXEC);
  rig.m.smc = false;
}

/** Puts the case's initial state into the rig (memory, flags via prologue or EFLAGS, registers). */
function setup(rig: Rig, c: Case, slot: number): void {
  const { mem, cpu, interp } = rig;
  const s = cpu.s;
  mem.u8.set(c.scratch, SCRATCH);
  mem.u8.set(c.stack, STACK);
  resetState(rig, c.eflags !== null ? c.regs : c.prologueRegs, c.eflags ?? 0x202, c.fs, c.gs, c.fpu, c.xmm);
  if (c.eflags === null) {
    interp.runBlock(prologueAddr(slot));
    s.set(c.regs, 0);
  }
  s[S_EIP] = caseAddr(slot);
  s[S_EXIT] = 0;
  rig.m.smc = false;
}

/** Selectors as a new process has them (Cpu): ES CS SS DS FS GS, then the two ModRM.reg values naming no register (the interpreter's mov sreg does not reject them). */
const SELECTORS = [0x2b, 0x23, 0x2b, 0x2b, 0, 0, 0, 0];

/** Sets registers, EFLAGS (no lazy record), segments (FS/GS bases fs and gs), the x87 state and the SSE state, so no earlier case leaks in. */
function resetState(rig: Rig, regs: number[], eflags: number, fs: number, gs: number, fpu: Uint8Array, xmm: Uint8Array): void {
  const s = rig.cpu.s;
  s.set(regs, 0);
  rig.cpu.eflags = eflags;
  SELECTORS.forEach((sel, k) => { s[S_SEL + k] = sel; s[S_SEGBASE + k] = 0; });
  s[S_SEGBASE + 4] = fs;
  s[S_SEGBASE + 5] = gs;
  rig.mem.u8.set(fpu, FPU_OFF);
  rig.mem.u8.set(xmm, XMM_OFF);
}

export interface Outcome {
  regs: number[];
  eip: number;
  flags: number;
  fault: string | null;
  retired: number;
  scratch: Uint8Array;
  stack: Uint8Array;
  code: Uint8Array;
  fpu: Uint8Array;
  sse: Uint8Array;
  /** Translated run only: whether the translation bailed out, and where. */
  bailAt?: number;
  /** Translated run only: instructions run through the executor from translated code. */
  executorCalls?: number;
  /** Translated run only: an error that is not a guest fault (a trap in translated code, a missing translation). */
  error?: string;
}

const MAX_STEPS = 8;

function finish(rig: Rig, c: Case, slot: number, eip: number, fault: string | null, retired: number): Outcome {
  const { mem, cpu } = rig;
  return {
    regs: Array.from(cpu.s.subarray(0, 8)),
    eip: eip >>> 0,
    flags: materializeFlags(cpu.s),
    fault,
    retired,
    scratch: mem.u8.slice(SCRATCH, SCRATCH + SCRATCH_LEN),
    stack: mem.u8.slice(STACK, STACK + STACK_LEN),
    code: mem.u8.slice(caseAddr(slot), caseAddr(slot) + c.code.length),
    fpu: mem.u8.slice(FPU_OFF, FPU_OFF + FPU_LEN),
    sse: mem.u8.slice(XMM_OFF, XMM_OFF + XMM_SIZE),
  };
}

const inCase = (c: Case, slot: number, eip: number) => eip >= caseAddr(slot) && eip < caseAddr(slot) + c.code.length;

function faultText(e: GuestFault): string {
  return `signal ${e.signal} addr 0x${hex(e.addr)} (${e.reason})`;
}

/** Interprets the case from its first instruction until EIP leaves it (rig A). */
export function runInterp(rig: Rig, c: Case, slot: number, steps = MAX_STEPS): Outcome {
  setup(rig, c, slot);
  const r0 = rig.interp.retired;
  let eip = caseAddr(slot), fault: string | null = null;
  try {
    for (let n = 0; n < steps && inCase(c, slot, eip); n++) eip = rig.interp.runBlock(eip) >>> 0;
  } catch (e) {
    if (!(e instanceof GuestFault)) throw e;
    fault = faultText(e);
    eip = rig.cpu.s[S_EIP] >>> 0;
  }
  return finish(rig, c, slot, eip, fault, rig.interp.retired - r0);
}

/**
 * Runs the case's translation through the WebAssembly dispatcher once (budget: translations it may
 * enter, 1 by default), then, after a bail-out or when translated code returned early, interprets
 * until EIP leaves the case (rig B). translate, if given, is called after setup to make the translation.
 */
export function runTranslated(rig: TransRig, c: Case, slot: number, translate?: (eip: number) => void, steps = MAX_STEPS, budget = 1): Outcome {
  setup(rig, c, slot);
  const at = caseAddr(slot);
  if (translate) translate(at);
  const r0 = rig.interp.retired, t0 = rig.retiredTranslated();
  rig.executorCalls = 0;
  let eip = at, fault: string | null = null, bailAt: number | undefined, error: string | undefined;
  try {
    if (!rig.cache.has(at)) error = "no translation installed for the case's first instruction";
    else {
      eip = rig.run(at, budget) >>> 0;
      if (rig.cpu.s[S_EXIT]) { rig.cpu.s[S_EXIT] = 0; bailAt = eip; }
      for (let n = 0; n < steps && inCase(c, slot, eip); n++) eip = rig.interp.runBlock(eip) >>> 0;
    }
  } catch (e) {
    if (e instanceof GuestFault) { fault = faultText(e); eip = rig.cpu.s[S_EIP] >>> 0; }
    else error = `exception: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
  }
  const out = finish(rig, c, slot, eip, fault, rig.interp.retired - r0 + (rig.retiredTranslated() - t0));
  out.bailAt = bailAt;
  out.executorCalls = rig.executorCalls;
  out.error = error;
  return out;
}

// ---------------------------------------------------------------- batch translation

/**
 * Translates each case as the Translator translates a region of one block
 * (pipeline.ts liftRegion: each case its own region, since cases never branch
 * into each other), then compiles them all into one module on this thread and
 * installs them: one Binaryen module per batch instead of per case.
 * Returns each block's IR after the passes, by start address, for reproducers.
 */
export function translateBatch(rig: TransRig, eips: number[], passes: Pass[], optLevel: number): Map<number, Block> {
  const blocks: Block[] = [], insns: Insn[][] = [];
  for (const eip of eips) {
    for (const b of liftRegion(rig.mem, eip, { passes, maxBlocks: 1, x87Model: x87ModelOf(rig.m) }).blocks) {
      blocks.push(b.block);
      insns.push(b.insns);
    }
  }
  const out = new Map<number, Block>();
  if (!blocks.length) return out;
  const batch = compileBlocks([blocks], { optLevel });
  const imports = vmmImports(rig.m, insns), executor = imports.interp;
  imports.interp = (n, k) => { rig.executorCalls++; return executor(n, k); };
  const inst = new WebAssembly.Instance(batch.module, { env: { mem: rig.mem.wasm, table: rig.cache.table, ...imports } });
  rig.cache.reserve(batch.bytes, blocks.length);
  blocks.forEach((b, n) => {
    const fn = inst.exports[batch.exports[n]] as (...args: unknown[]) => unknown;
    rig.cache.install({ eip: b.start, pages: pagesOf(b), guestInsns: b.addrs.length, fn }, batch.bytes / blocks.length);
    out.set(b.start, b);
  });
  return out;
}

// ---------------------------------------------------------------- comparison and reproducers

/** Flags left undefined after executing the first n instructions of the case, in order. */
export function undefinedMask(c: Case, n: number): number {
  let mask = 0;
  for (const row of c.rows.slice(0, n)) {
    if (!row.flagsWritten && !row.flagsUndefined) continue;
    mask = (mask & ~row.flagsWritten) | row.flagsUndefined;
  }
  return mask;
}

export function compareOutcomes(c: Case, a: Outcome, b: Outcome, strictFlags = false): string[] {
  const d: string[] = [];
  if (b.error) d.push(`translated run: ${b.error}`);
  for (let r = 0; r < 8; r++) if (a.regs[r] !== b.regs[r]) d.push(`${REG[r]}: interp 0x${hex(a.regs[r])}, translated 0x${hex(b.regs[r])}`);
  if (a.eip !== b.eip) d.push(`eip: interp 0x${hex(a.eip)}, translated 0x${hex(b.eip)}`);
  if (a.fault !== b.fault) d.push(`fault: interp ${a.fault ?? "none"}, translated ${b.fault ?? "none"}`);
  if (a.retired !== b.retired) d.push(`retired: interp ${a.retired}, translated ${b.retired}`);
  // The six arithmetic flags and DF (string direction); an instruction's undefined flags are masked unless strictFlags.
  const mask = 0xcd5 & ~(strictFlags ? 0 : undefinedMask(c, Math.min(a.retired, c.lens.length)));
  if ((a.flags & mask) !== (b.flags & mask)) d.push(`eflags&0x${hex(mask, 3)}: interp 0x${hex(a.flags & mask, 3)}, translated 0x${hex(b.flags & mask, 3)} (full: 0x${hex(a.flags, 3)} / 0x${hex(b.flags, 3)})`);
  const mem = (name: string, base: number, x: Uint8Array, y: Uint8Array) => {
    let shown = 0;
    for (let k = 0; k < x.length; k++) {
      if (x[k] === y[k]) continue;
      if (shown++ < 8) d.push(`${name}[0x${hex(base + k)}]: interp 0x${hex(x[k], 2)}, translated 0x${hex(y[k], 2)}`);
    }
    if (shown > 8) d.push(`${name}: ${shown - 8} more differing bytes`);
  };
  mem("mem", SCRATCH, a.scratch, b.scratch);
  mem("stack", STACK, a.stack, b.stack);
  mem("x87 state", FPU_OFF, a.fpu, b.fpu);
  mem("SSE state", XMM_OFF, a.sse, b.sse);
  mem("code", CODE, a.code, b.code);
  return d;
}

/** Disassembly of the case's code (as placed at addr). */
export function listing(c: Case, addr: number): string[] {
  const lines: string[] = [];
  let off = 0;
  for (const len of c.lens) {
    const bytes = c.code.slice(off, off + len);
    const insn = decodeBytes(bytes, addr + off);
    lines.push(`  ${hex(addr + off)}  ${bytes.map((b) => hex(b, 2)).join(" ").padEnd(36)} ${insn ? formatInsn(insn) : "(bad)"}`);
    off += len;
  }
  return lines;
}

export function reproducer(seed: number, c: Case, config: string, diffs: string[], a: Outcome, b: Outcome, ir?: Block): string {
  const regs = (v: number[]) => v.map((x, r) => `${REG[r]}=0x${hex(x)}`).join(" ");
  const flagsInit = c.eflags !== null
    ? `EFLAGS=0x${hex(c.eflags, 3)} (no lazy record)`
    : `lazy flags from prologue [${c.prologue.slice(0, -2).map((x) => hex(x, 2)).join(" ")}] ${decodeBytes(c.prologue.slice(0, -2), PROLOGUE) ? formatInsn(decodeBytes(c.prologue.slice(0, -2), PROLOGUE)!) : "?"} with ${regs(c.prologueRegs)}`;
  return [
    `translator/interpreter mismatch: seed=0x${hex(seed)} case=${c.index} config=${config} terminator=${c.terminator}`,
    `bytes: ${c.code.map((x) => hex(x, 2)).join(" ")}`,
    `code at 0x${hex(CODE)} (slot address in this run may differ; reproduce with genCase(seed, case)):`,
    ...listing(c, CODE),
    `initial: ${regs(c.regs)} fs.base=0x${hex(c.fs)} gs.base=0x${hex(c.gs)}`,
    `initial flags: ${flagsInit}`,
    `interp:     ${regs(a.regs)} eip=0x${hex(a.eip)} eflags=0x${hex(a.flags, 3)} retired=${a.retired} fault=${a.fault ?? "none"}`,
    `translated: ${regs(b.regs)} eip=0x${hex(b.eip)} eflags=0x${hex(b.flags, 3)} retired=${b.retired} fault=${b.fault ?? "none"} bail=${b.bailAt === undefined ? "no" : "0x" + hex(b.bailAt)}`,
    "differences:",
    ...diffs.map((x) => "  " + x),
    ...(ir ? ["IR after passes:", formatBlock(ir)] : []),
  ].join("\n");
}
