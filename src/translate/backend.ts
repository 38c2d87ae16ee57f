/**
 * The WebAssembly backend: IR blocks -> one Binaryen module -> compiled
 * WebAssembly.Module; and the dispatcher module that chains translations.
 * This is the only file that imports binaryen (loaded lazily: it costs about
 * half a second, which the guest does not wait for in staged mode).
 *
 * Every translation is a function () -> i32 returning the guest EIP to go to
 * next. It reads and writes guest state in the shared memory: the register
 * file and lazy flags at REGS_OFF, guest memory at its own addresses, each
 * access checked against the page permission byte at PERM_OFF. A failed
 * check branches to the function's bail-out path, which writes back cached
 * registers, counts the instructions before the failing one, sets S_EXIT
 * and returns that instruction's address, so the interpreter re-runs it.
 * An interp operation calls the imported interp(n, k), which runs
 * instruction k of the module's block n through the interpreter's executor;
 * its result either continues the function or takes the bail-out path.
 */
import type binaryenT from "binaryen";
import { CACHE_OFF, PAGE_CODE, PAGE_SIZE, PERM_OFF, PROT_READ, PROT_WRITE, REGS_OFF, S_CHAINS, S_EXIT, S_LAZY_A, S_LAZY_B, S_LAZY_CF, S_LAZY_OP, S_LAZY_RES, S_LOOKUPS, S_RETIRED } from "../vmm/layout.ts";
import { INTERP_FAULT, INTERP_SMC, type BinOp, type Block, type Op } from "./ir.ts";

type Binaryen = typeof binaryenT;
type Module = binaryenT.Module;
type Expr = number;

let lib: Binaryen | undefined;
let loading: Promise<Binaryen> | undefined;

/** Starts loading Binaryen (once); resolves when it can be used. */
export function loadBackend(): Promise<Binaryen> {
  loading ??= import("binaryen").then((m) => (lib = m.default));
  return loading;
}

/** The code-cache directory: open addressing over (guest EIP, table slot) pairs in concealed memory. */
export const DIR_BITS = 17;
export const DIR_ENTRIES = 1 << DIR_BITS;
export const DIR_HASH = 0x9e3779b1;
export const DIR_SIZE = DIR_ENTRIES * 8;
/** Directory key of a removed entry; eip 1 is never executable (page 0 is never mapped). */
export const DIR_TOMBSTONE = 1;

const slotAddr = (slot: number) => REGS_OFF + slot * 4;
/** Iterations a self-looping translation runs before returning to the dispatcher. */
const SELF_LOOP_BUDGET = 1 << 12;

export interface BackendOptions {
  /** Binaryen optimize level 0..4 (0: no Binaryen passes). */
  optLevel: number;
  /** Explicit Binaryen pass names; replaces the optimize level's pipeline. */
  passes?: string[];
  /** Keep the module's text form for --dump-translations. */
  wantText?: boolean;
}

export interface CompiledBatch {
  module: WebAssembly.Module;
  exports: string[];
  bytes: number;
  text?: string;
  emitMs: number;
  optimizeMs: number;
  compileMs: number;
}

function features(b: Binaryen): number {
  return b.Features.MVP | b.Features.SignExt | b.Features.MutableGlobals | b.Features.BulkMemory;
}

function newModule(b: Binaryen): Module {
  const mod = new b.Module();
  mod.setFeatures(features(b));
  mod.setMemory(1, 65536, null, [], false, false, "mem");
  mod.addMemoryImport("mem", "env", "mem");
  return mod;
}

function finish(b: Binaryen, mod: Module, opts: BackendOptions, exportsList: string[], t0: number): CompiledBatch {
  const t1 = performance.now();
  if (!mod.validate()) throw new Error("translator produced an invalid module");
  if (opts.passes?.length) mod.runPasses(opts.passes);
  else if (opts.optLevel > 0) {
    b.setOptimizeLevel(Math.min(opts.optLevel, 4));
    b.setShrinkLevel(0);
    mod.optimize();
  }
  const t2 = performance.now();
  const text = opts.wantText ? mod.emitText() : undefined;
  const binary = mod.emitBinary();
  mod.dispose();
  const module = new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
  const t3 = performance.now();
  return { module, exports: exportsList, bytes: binary.length, text, emitMs: t1 - t0, optimizeMs: t2 - t1, compileMs: t3 - t2 };
}

/** Compiles a batch of lifted blocks into one module exporting b0, b1, ... in order. */
export function compileBlocks(blocks: Block[], opts: BackendOptions): CompiledBatch {
  const b = lib!;
  const t0 = performance.now();
  const mod = newModule(b);
  mod.addFunctionImport("cond", "env", "cond", b.createType([b.i32]), b.i32);
  mod.addFunctionImport("updflags", "env", "updflags", b.createType([b.i32, b.i32]), b.none);
  mod.addFunctionImport("interp", "env", "interp", b.createType([b.i32, b.i32]), b.i32);
  const names = blocks.map((blk, n) => {
    const name = `b${n}`;
    emitBlock(b, mod, blk, n, name);
    mod.addFunctionExport(name, name);
    return name;
  });
  return finish(b, mod, opts, names, t0);
}

/** Emits block blk, the module's n-th, as function name. */
function emitBlock(b: Binaryen, mod: Module, blk: Block, n: number, name: string): void {
  const i32 = b.i32;
  const T = blk.temps;
  const regLocal = (r: number) => T + r;
  const BAIL_EIP = T + 8, BAIL_COUNT = T + 9;
  const get = (t: number) => mod.local.get(t, i32);
  const c = (v: number) => mod.i32.const(v | 0);
  const loadSlot = (slot: number) => mod.i32.load(slotAddr(slot) >>> 0, 4, c(0));
  const storeSlot = (slot: number, v: Expr) => mod.i32.store(slotAddr(slot) >>> 0, 4, c(0), v);
  const retire = (count: Expr) =>
    mod.f64.store(slotAddr(S_RETIRED) >>> 0, 8, c(0), mod.f64.add(mod.f64.load(slotAddr(S_RETIRED) >>> 0, 8, c(0)), count));
  const perm = (addr: Expr) => mod.i32.load8_u(PERM_OFF >>> 0, 1, mod.i32.shr_u(addr, c(12)));
  /** Bails out to the interpreter at eip (by default instruction k's), k instructions retired, if cond holds. */
  const bailIf = (cond: Expr, k: number, eip = blk.addrs[k]): Expr[] => [
    mod.local.set(BAIL_EIP, c(eip)),
    mod.local.set(BAIL_COUNT, c(k)),
    mod.br("bail", cond),
  ];
  const crossesPage = (addr: Expr, size: number) => mod.i32.gt_u(mod.i32.and(addr, c(PAGE_SIZE - 1)), c(PAGE_SIZE - size));

  /**
   * Zero extension to i64 spelled as sign extension and a mask: Binaryen 132's
   * optimizer was seen to rewrite i64.extend_i32_u of a load into a signed
   * i64.load32_s (found by differential testing; this form is unaffected).
   */
  const zext64 = (v: Expr) => mod.i64.and(mod.i64.extend_s(v), mod.i64.const(0xffffffffn as unknown as number));
  /** binaryen.js 132's i64.const takes a bigint. */
  const i64c32 = () => mod.i64.const(32n as unknown as number);
  // A block that branches back to its own start (a tight loop) iterates inside
  // the function with a wasm loop: registers stay in locals between
  // iterations. ITER counts down a budget so control still returns to the
  // dispatcher regularly; ACC counts the instructions of completed iterations.
  const consts = new Map<number, number>();
  for (const o of blk.ops) if (o.op === "const") consts.set(o.dst, o.value >>> 0);
  const loopsBack = (o: Op) => (o.op === "exit" || o.op === "exitif") && consts.get(o.target) === blk.start >>> 0;
  const selfLoop = blk.ops.some(loopsBack);
  const ITER = T + 13, ACC = T + 14, STATUS = T + 15;
  /** Cached registers the block writes: what an interp call must find in the register file. */
  const dirty = [...blk.cached].filter((r) => blk.ops.some((o) => o.op === "setreg" && o.reg === r));
  const retired = (count: number) => (selfLoop ? mod.f64.convert_u.i32(mod.i32.add(get(ACC), c(count))) : mod.f64.const(count));
  /** Registers the reg-cache pass flushes before an exit: emitted on the exit path only. */
  let flush: Expr[] = [];
  const leave = (o: Extract<Op, { op: "exit" | "exitif" }>): Expr => {
    const out = [...flush, retire(retired(o.count)), mod.return(get(o.target))];
    if (!loopsBack(o)) return mod.block(null, out);
    return mod.block(null, [
      mod.local.set(ACC, mod.i32.add(get(ACC), c(o.count))),
      mod.local.set(ITER, mod.i32.sub(get(ITER), c(1))),
      mod.br("top", get(ITER)),
      mod.local.set(ACC, mod.i32.sub(get(ACC), c(o.count))),
      ...out,
    ]);
  };
  const prologue: Expr[] = [], body: Expr[] = [];
  for (const o of blk.ops) {
    if (o.op === "flushregs") { flush = o.regs.map((r) => storeSlot(r, get(regLocal(r)))); continue; }
    if (o.op === "cacheregs") { prologue.push(...emitOp(o)); continue; }
    body.push(...emitOp(o));
    if (o.op === "exit" || o.op === "exitif") flush = [];
  }

  function binop(fn: BinOp, x: Expr, y: Expr): Expr {
    switch (fn) {
      case "mulh_u": return mod.i32.wrap(mod.i64.shr_u(mod.i64.mul(zext64(x), zext64(y)), i64c32()));
      case "mulh_s": return mod.i32.wrap(mod.i64.shr_s(mod.i64.mul(mod.i64.extend_s(x), mod.i64.extend_s(y)), i64c32()));
      default: return (mod.i32 as unknown as Record<string, (a: Expr, b: Expr) => Expr>)[fn](x, y);
    }
  }

  function emitOp(o: Op): Expr[] {
    switch (o.op) {
      case "const": return [mod.local.set(o.dst, c(o.value))];
      case "getreg": return [mod.local.set(o.dst, blk.cached.has(o.reg) ? get(regLocal(o.reg)) : loadSlot(o.reg))];
      case "setreg": return [blk.cached.has(o.reg) ? mod.local.set(regLocal(o.reg), get(o.src)) : storeSlot(o.reg, get(o.src))];
      case "bin": return [mod.local.set(o.dst, binop(o.fn, get(o.a), get(o.b)))];
      case "un": {
        const a = get(o.a);
        const v = o.fn === "eqz" ? mod.i32.eqz(a)
          : o.fn === "sext8" ? mod.i32.extend8_s(a)
          : o.fn === "sext16" ? mod.i32.extend16_s(a)
          : o.fn === "zext8" ? mod.i32.and(a, c(0xff))
          : o.fn === "zext16" ? mod.i32.and(a, c(0xffff))
          : o.fn === "bswap" ? mod.i32.or(mod.i32.and(mod.i32.rotl(a, c(8)), c(0x00ff00ff)), mod.i32.and(mod.i32.rotr(get(o.a), c(8)), c(0xff00ff00)))
          : o.fn === "clz" ? mod.i32.clz(a) : mod.i32.ctz(a);
        return [mod.local.set(o.dst, v)];
      }
      case "select": return [mod.local.set(o.dst, mod.select(get(o.cond), get(o.a), get(o.b)))];
      case "load": {
        const ok = mod.i32.eqz(mod.i32.and(perm(get(o.addr)), c(PROT_READ)));
        const checks = o.size > 1 ? mod.i32.or(ok, crossesPage(get(o.addr), o.size)) : ok;
        const v = o.size === 4 ? mod.i32.load(0, 1, get(o.addr)) : o.size === 2 ? mod.i32.load16_u(0, 1, get(o.addr)) : mod.i32.load8_u(0, 1, get(o.addr));
        return [...bailIf(checks, o.insn), mod.local.set(o.dst, v)];
      }
      case "store": {
        const bad = mod.i32.ne(mod.i32.and(perm(get(o.addr)), c(PROT_WRITE | PAGE_CODE)), c(PROT_WRITE));
        const checks = o.size > 1 ? mod.i32.or(bad, crossesPage(get(o.addr), o.size)) : bad;
        const st = o.size === 4 ? mod.i32.store(0, 1, get(o.addr), get(o.src)) : o.size === 2 ? mod.i32.store16(0, 1, get(o.addr), get(o.src)) : mod.i32.store8(0, 1, get(o.addr), get(o.src));
        return [...bailIf(checks, o.insn), st];
      }
      case "guard": return bailIf(mod.i32.eqz(get(o.ok)), o.insn);
      case "div64": {
        // Wasm traps where x86 raises #DE, so every #DE case bails before the division.
        const N = T + 10, D = T + 11, Q = T + 12;
        const ext = (v: Expr) => (o.signed ? mod.i64.extend_s(v) : zext64(v));
        const num = mod.i64.or(mod.i64.shl(zext64(get(o.hi)), i64c32()), zext64(get(o.lo)));
        const g64 = (l: number) => mod.local.get(l, b.i64);
        const overflow = o.signed
          ? mod.i64.ne(g64(Q), mod.i64.extend_s(mod.i32.wrap(g64(Q))))
          : mod.i64.gt_u(g64(Q), mod.i64.const(0xffffffffn as unknown as number));
        return [
          mod.local.set(N, num),
          mod.local.set(D, ext(get(o.d))),
          ...bailIf(mod.i32.eqz(get(o.d)), o.insn),
          ...(o.signed ? bailIf(mod.i32.and(mod.i64.eq(g64(N), mod.i64.const(-(2n ** 63n) as unknown as number)), mod.i64.eq(g64(D), mod.i64.const(-1n as unknown as number))), o.insn) : []),
          mod.local.set(Q, o.signed ? mod.i64.div_s(g64(N), g64(D)) : mod.i64.div_u(g64(N), g64(D))),
          ...bailIf(overflow, o.insn),
          mod.local.set(o.q, mod.i32.wrap(g64(Q))),
          mod.local.set(o.r, mod.i32.wrap(o.signed ? mod.i64.rem_s(g64(N), g64(D)) : mod.i64.rem_u(g64(N), g64(D)))),
        ];
      }
      case "setflags": {
        const out = [storeSlot(S_LAZY_OP, c((o.kind << 2) | o.size)), storeSlot(S_LAZY_RES, get(o.res)), storeSlot(S_LAZY_A, get(o.a)), storeSlot(S_LAZY_B, get(o.b))];
        if (o.cf >= 0) out.push(storeSlot(S_LAZY_CF, get(o.cf)));
        return o.when === undefined ? out : [mod.if(get(o.when), mod.block(null, out))];
      }
      case "cond": return [mod.local.set(o.dst, mod.call("cond", [c(o.cc)], i32))];
      case "updflags": {
        const call = mod.call("updflags", [c(o.mask), get(o.bits)], b.none);
        return [o.when === undefined ? call : mod.if(get(o.when), call)];
      }
      case "exit": return [leave(o)];
      case "exitif": return [mod.if(get(o.c), leave(o))];
      case "interp": return [
        ...dirty.map((r) => storeSlot(r, get(regLocal(r)))),
        mod.local.set(STATUS, mod.call("interp", [c(n), c(o.insn)], i32)),
        ...[...blk.cached].map((r) => mod.local.set(regLocal(r), loadSlot(r))),
        ...bailIf(mod.i32.eq(get(STATUS), c(INTERP_FAULT)), o.insn),
        ...bailIf(mod.i32.eq(get(STATUS), c(INTERP_SMC)), o.insn + 1, o.next),
      ];
      case "cacheregs": return o.regs.map((r) => mod.local.set(regLocal(r), loadSlot(r)));
      case "flushregs": return [];
    }
  }

  const bailPath = [
    ...[...blk.cached].map((r) => storeSlot(r, get(regLocal(r)))),
    retire(mod.f64.convert_u.i32(selfLoop ? mod.i32.add(get(ACC), get(BAIL_COUNT)) : get(BAIL_COUNT))),
    storeSlot(S_EXIT, c(1)),
    mod.return(get(BAIL_EIP)),
  ];
  const locals = [...new Array(T + 10).fill(i32), b.i64, b.i64, b.i64, i32, i32, i32];
  const main = selfLoop ? [...prologue, mod.local.set(ITER, c(SELF_LOOP_BUDGET)), mod.loop("top", mod.block(null, body))] : [...prologue, ...body];
  mod.addFunction(name, b.none, i32, locals, mod.block(null, [mod.block("bail", main), ...bailPath], b.unreachable));
}

/**
 * The dispatcher: run(eip, budget) looks eip up in the directory and calls
 * translations through the table, chaining from one to the next inside
 * WebAssembly, until a miss, a bail-out (S_EXIT set) or budget transitions.
 */
export function compileDispatcher(): WebAssembly.Module {
  const b = lib!;
  const mod = newModule(b);
  mod.addTable("table", 1, 0xffffffff);
  mod.addTableImport("table", "env", "table");
  const i32 = b.i32;
  const c = (v: number) => mod.i32.const(v | 0);
  const EIP = 0, BUDGET = 1, H = 2, E = 3, KEY = 4;
  const get = (l: number) => mod.local.get(l, i32);
  const bump = (slot: number) =>
    mod.f64.store(slotAddr(slot) >>> 0, 8, c(0), mod.f64.add(mod.f64.load(slotAddr(slot) >>> 0, 8, c(0)), mod.f64.const(1)));
  const probe = mod.loop("probe", mod.block(null, [
    mod.local.set(E, mod.i32.add(c(CACHE_OFF), mod.i32.shl(get(H), c(3)))),
    mod.local.set(KEY, mod.i32.load(0, 4, get(E))),
    mod.br("found", mod.i32.eq(get(KEY), get(EIP))),
    mod.if(mod.i32.eqz(get(KEY)), mod.return(get(EIP))),
    mod.local.set(H, mod.i32.and(mod.i32.add(get(H), c(1)), c(DIR_ENTRIES - 1))),
    mod.br("probe"),
  ]));
  const top = mod.loop("top", mod.block(null, [
    bump(S_LOOKUPS),
    mod.local.set(H, mod.i32.shr_u(mod.i32.mul(get(EIP), c(DIR_HASH)), c(32 - DIR_BITS))),
    mod.block("found", [probe]),
    mod.local.set(EIP, mod.call_indirect("table", mod.i32.load(4, 4, get(E)), [], b.none, i32)),
    mod.if(mod.i32.load(slotAddr(S_EXIT) >>> 0, 4, c(0)), mod.return(get(EIP))),
    mod.local.set(BUDGET, mod.i32.sub(get(BUDGET), c(1))),
    mod.if(mod.i32.eqz(get(BUDGET)), mod.return(get(EIP))),
    bump(S_CHAINS),
    mod.br("top"),
  ]));
  mod.addFunction("run", b.createType([i32, i32]), i32, [i32, i32, i32], mod.block(null, [top], b.unreachable));
  mod.addFunctionExport("run", "run");
  return finish(b, mod, { optLevel: 0 }, ["run"], performance.now()).module;
}
