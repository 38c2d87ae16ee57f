/**
 * The front of the translation pipeline: guest code at an EIP -> a region's
 * blocks as lifted, pass-processed IR, ready for the backend (backend.ts).
 * Two halves, so that only the first runs on the guest's thread:
 *   formRegion (main thread: it reads guest memory): decode (isa/block.ts)
 *     the region's blocks and take their code bytes, which is all a request
 *     carries to the backend worker (request.ts);
 *   liftFormed (the worker, on those bytes decoded again; the differential
 *     tests, through liftRegion): lift (lift.ts) -> IR passes (passes/).
 * Lifting and the passes on the guest's thread, their IR sent to the worker
 * as JSON, cost python3's start-up ~0.3 s of its 2 s.
 *
 * A region is the block at EIP and the blocks its direct branches reach and
 * the entries of the jump table a switch's indirect jmp reads (jumpTableOf),
 * up to maxBlocks: breadth first, or in staged mode hottest first (the
 * interpreter's entry counts) and only blocks entered at least
 * 1/HEAT_FLOOR as often as the first, so a loop's blocks come before the
 * paths leaving it and the cold ones stay out. The region's
 * blocks branch to each other directly (link-blocks). A region also takes
 * the block of every PIC thunk its calls reach (thunkRegOf), even one
 * translated already or past maxBlocks: the lifter turns such a call into
 * the thunk's effect, and the thunk's bytes must then be the region's, to be
 * checked and watched like its own.
 *
 * Invariants: formRegion reads guest memory and nothing else of the VM's
 * state; its owner's policies come in as predicates. liftFormed reads
 * nothing but its blocks, and its verdicts (blocks that cannot be lifted)
 * go out in the result. A lifted block's insns are exactly the instructions
 * its IR covers, the ones its interp operations index. The passes run once
 * over the whole region, so link-blocks links exactly its blocks.
 */
import { decodeBlock } from "../isa/block.ts";
import { DecodeError, type Insn } from "../isa/decode.ts";
import { K_REL } from "../isa/table.ts";
import { PAGE_SHIFT, PAGE_SIZE, PROT_EXEC, PROT_READ, R_ESP } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";
import type { X87ModelName } from "../interp/x87-model.ts";
import { formatBlock, type Block } from "./ir.ts";
import { liftBlock } from "./lift.ts";
import type { Pass } from "./passes/index.ts";

/** Jump-table entries read at most (jumpTableOf). */
const MAX_TABLE = 256;
/**
 * With a profile, a block joins a region only if entered at least 1/HEAT_FLOOR as often as the
 * region's first block: with 64-block regions, 0.92x the wall time of no floor over eight programs
 * (papers/lab-notes.md, "Regions grown from the profile"), a floor of 1/256 0.94x.
 */
const HEAT_FLOOR = 32;

export interface FormOptions {
  /** Blocks in the region, at most. */
  maxBlocks: number;
  /** Blocks not to take now (already translated, in flight, known untranslatable); the region does not grow through them. */
  skip?: (eip: number) => boolean;
  /** Pages whose blocks are not to be translated (code rewritten too often). */
  skipPage?: (page: number) => boolean;
  /**
   * Staged mode: the interpreter's entries of the block at eip (a hashed profile: a collision may
   * add another block's). Blocks other than the first are taken hottest first, and only if
   * entered at least 1/HEAT_FLOOR as often as the first.
   */
  heat?: (eip: number) => number;
  /**
   * The instructions of the block at eip as the interpreter decoded them, while its bytes are
   * unchanged (none: decode afresh). The same decodeBlock made them from the same bytes, so
   * they are taken when every page of the block is still executable (the interpreter has
   * decoded most blocks a region takes).
   */
  decoded?: (eip: number) => Insn[] | undefined;
}

export interface LiftOptions {
  passes: readonly Pass[];
  /** The run's x87 precision model, which decides what x87 code the lifter makes native. */
  x87Model: X87ModelName;
  /** Where blocks ended before a control transfer because the lifter stopped: mnemonic (reason) -> blocks. */
  liftStops?: Map<string, number>;
  /** Whether to keep each block's IR as text after lifting and after every pass (for dumps). */
  recordStages?: boolean;
}

export type RegionOptions = FormOptions & LiftOptions;

/** A block of a region as formed: where it starts, its decoded instructions and code bytes, the jump table its last instruction reads. */
export interface FormedBlock {
  start: number;
  insns: Insn[];
  code: Uint8Array;
  jumpTable?: number[];
}

export interface RegionBlock {
  block: Block;
  insns: Insn[];
  /** [stage, IR text] after lifting and after each pass, when recordStages. */
  stages: [string, string][];
}

export interface Region {
  blocks: RegionBlock[];
  /** Per formed block, in order: the instructions lifted (its IR's), 0 when its first one can be neither lifted nor interpreted. */
  lifted: number[];
  /** Milliseconds spent lifting and in the passes. */
  ms: { lift: number; passes: number };
}

/** The region at eip as decoded blocks with their code bytes (none when eip's block cannot be fetched or decoded). */
export function formRegion(mem: Memory, eip: number, o: FormOptions): FormedBlock[] {
  const start = eip >>> 0;
  const blocks: FormedBlock[] = [];
  const queue = [start], seen = new Set<number>();
  const floor = o.heat ? Math.max(1, o.heat(start) / HEAT_FLOOR) : 0;
  while (queue.length && blocks.length < o.maxBlocks) {
    const at = queue.splice(o.heat ? hottest(queue, o.heat) : 0, 1)[0];
    if (seen.has(at) || o.skip?.(at)) continue;
    if (at !== start && o.heat && o.heat(at) < floor) continue;
    seen.add(at);
    const insns = decodedAt(mem, at, o.decoded) ?? decodeFrom(mem, at);
    if (!insns.length) continue;
    const last = insns[insns.length - 1], length = last.next - at;
    if (o.skipPage && pagesOf({ start: at, length }).some(o.skipPage)) continue;
    const jumpTable = jumpTableOf(mem, last);
    blocks.push({ start: at, insns, code: mem.u8.slice(at, at + length), jumpTable });
    queue.push(...successors(last), ...(jumpTable ?? []));
  }
  for (const target of new Set(blocks.map(({ insns }) => thunkCallTarget(insns[insns.length - 1])))) {
    if (target === undefined || !thunkBytesAt(mem, target) || blocks.some((b) => b.start === target)) continue;
    const insns = decodedAt(mem, target, o.decoded) ?? decodeFrom(mem, target);
    const length = insns.length ? insns[insns.length - 1].next - target : 0;
    if (thunkRegOf(insns) === undefined || o.skipPage && pagesOf({ start: target, length }).some(o.skipPage)) continue;
    blocks.push({ start: target, insns, code: mem.u8.slice(target, target + length) });
  }
  return blocks;
}

/** The index of queue's hottest block, the first found of equals (so equally hot blocks go breadth first). */
function hottest(queue: readonly number[], heat: (eip: number) => number): number {
  let best = 0, most = -1;
  for (let k = 0; k < queue.length; k++) {
    const h = heat(queue[k]);
    if (h > most) [best, most] = [k, h];
  }
  return best;
}

/** Whether the bytes at a are those of a thunk (thunkRegOf decides), within one executable page: a cheap test before decoding. */
function thunkBytesAt(mem: Memory, a: number): boolean {
  const u8 = mem.u8;
  return (a & (PAGE_SIZE - 1)) <= PAGE_SIZE - 4 && (mem.perm[a >>> PAGE_SHIFT] & PROT_EXEC) !== 0 &&
    u8[a] === 0x8b && (u8[a + 1] & 0xc7) === 0x04 && u8[a + 2] === 0x24 && u8[a + 3] === 0xc3;
}

/** The target of a direct call, the only kind that may reach a thunk the lifter replaces. */
const thunkCallTarget = (i: Insn): number | undefined => (i.row.attrs.has("call") && i.k0 === K_REL ? i.target : undefined);

/**
 * The register a PIC thunk loads, when the block is one: `mov reg, [esp]; ret`, which gcc's
 * __x86.get_pc_thunk.<reg> is and position-independent i386 code calls to learn its own address
 * (every function of a shared library or PIE that reaches its data). Undefined for any other block.
 */
export function thunkRegOf(insns: readonly Insn[]): number | undefined {
  if (insns.length !== 2) return undefined;
  const [mov, ret] = insns;
  const load = mov.row.mnem === "mov" && mov.row.opcode === 0x8b && mov.isMem && mov.sz === 2 && !mov.osz16 && !mov.asz16 &&
    mov.segOverride < 0 && mov.base === R_ESP && mov.index < 0 && mov.disp === 0 && mov.reg !== R_ESP;
  return load && ret.row.mnem === "ret" && !ret.k0 && !ret.osz16 ? mov.reg : undefined;
}

/** Lifts a formed region's blocks and runs the IR passes over those that lifted. */
export function liftFormed(formed: readonly Pick<FormedBlock, "insns" | "jumpTable">[], o: LiftOptions): Region {
  const t0 = performance.now();
  const blocks: RegionBlock[] = [], lifted: number[] = [];
  const thunks = new Map<number, number>();
  for (const { insns } of formed) {
    const reg = thunkRegOf(insns);
    if (reg !== undefined) thunks.set(insns[0].addr, reg);
  }
  for (const { insns, jumpTable } of formed) {
    const block = liftBlock(insns, o.liftStops, o.x87Model, thunks);
    lifted.push(block ? block.addrs.length : 0);
    if (!block) continue;
    if (block.addrs.length === insns.length) block.jumpTable = jumpTable;
    blocks.push({ block, insns: insns.slice(0, block.addrs.length), stages: [] });
  }
  const t1 = performance.now();
  if (blocks.length) {
    const record = (stage: string) => { if (o.recordStages) for (const b of blocks) b.stages.push([stage, formatBlock(b.block)]); };
    record("lift");
    for (const pass of o.passes) {
      pass.run(blocks.map((b) => b.block));
      record(pass.name);
    }
  }
  return { blocks, lifted, ms: { lift: t1 - t0, passes: performance.now() - t1 } };
}

/** Both halves on one thread: what the differential tests run for every case. */
export function liftRegion(mem: Memory, eip: number, o: RegionOptions): Region {
  return liftFormed(formRegion(mem, eip, o), o);
}

/** The interpreter's instructions of the block at eip, when it has them and all their pages are executable. */
function decodedAt(mem: Memory, eip: number, decoded: FormOptions["decoded"]): Insn[] | undefined {
  const insns = decoded?.(eip);
  if (!insns) return undefined;
  const last = insns[insns.length - 1];
  for (let p = eip >>> PAGE_SHIFT; p <= (last.next - 1) >>> PAGE_SHIFT; p++) if (!(mem.perm[p] & PROT_EXEC)) return undefined;
  return insns;
}

/** The block at eip, or none when its first instruction cannot be fetched (not executable) or decoded. */
export function decodeFrom(mem: Memory, eip: number): Insn[] {
  const fetch = (a: number): number => {
    if (!(mem.perm[a >>> PAGE_SHIFT] & PROT_EXEC)) throw new RangeError("not executable");
    return mem.u8[a >>> 0];
  };
  try {
    return decodeBlock(fetch, eip);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof RangeError) return [];
    throw e;
  }
}

/** A formed block's instructions decoded again from its code bytes alone (the worker's copy: the same bytes decode the same). */
export function decodeCode(start: number, code: Uint8Array): Insn[] {
  return decodeBlock((a) => {
    const i = (a - start) >>> 0;
    if (i >= code.length) throw new RangeError("past the block's bytes");
    return code[i];
  }, start);
}

/**
 * The distinct targets of the jump table an indirect jmp [table + index*4] (a
 * compiled switch) reads, as the table holds them now: its entries from the
 * first on, up to the first one that is not executable guest code, at most
 * MAX_TABLE of them. Undefined for any other instruction.
 */
function jumpTableOf(mem: Memory, i: Insn): number[] | undefined {
  if (i.row.mnem !== "jmp" || !i.isMem || i.base >= 0 || i.index < 0 || i.scale !== 2 || i.segOverride >= 0) return undefined;
  const out = new Set<number>();
  for (let k = 0; k < MAX_TABLE; k++) {
    const at = (i.disp + 4 * k) >>> 0;
    if (!(mem.perm[at >>> PAGE_SHIFT] & PROT_READ) || (at & (PAGE_SIZE - 1)) > PAGE_SIZE - 4) break;
    const target = mem.dv.getUint32(at, true);
    if (!(mem.perm[target >>> PAGE_SHIFT] & PROT_EXEC)) break;
    out.add(target);
  }
  return out.size ? [...out] : undefined;
}

/** Statically known successors of a block's last instruction. */
function successors(last: Insn): number[] {
  const attrs = last.row.attrs;
  if (attrs.has("cond")) return last.row.ops[0] === "Jb" || last.row.ops[0] === "Jz" ? [last.target, last.next] : [last.next];
  if (attrs.has("call")) return last.k0 === K_REL ? [last.target, last.next] : [last.next];
  if (attrs.has("jump")) return last.k0 === K_REL ? [last.target] : [];
  if (attrs.has("stop") || attrs.has("ret")) return [];
  return [last.next];
}

/** The guest pages a block's code covers. */
export function pagesOf(block: { start: number; length: number }): number[] {
  const out: number[] = [];
  for (let p = block.start >>> PAGE_SHIFT; p <= (block.start + Math.max(block.length, 1) - 1) >>> PAGE_SHIFT; p++) out.push(p);
  return out;
}
