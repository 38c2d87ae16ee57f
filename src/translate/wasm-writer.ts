/**
 * A WebAssembly module writer with the shape of the part of Binaryen's module
 * builder the backend uses (`mod.i32.add(a, b)`, `mod.block(name, kids)`,
 * `mod.local.set(i, v)`, ...), writing the binary format directly. The
 * backend builds every translation with it: building an expression is one
 * small object here instead of a call into Binaryen's WebAssembly, and there
 * is no validation or re-encoding pass, which is what made translation cost
 * hundreds of microseconds per guest instruction. Binaryen remains the
 * optimizer: backend.ts hands it the bytes this writer produced when an
 * optimize level or passes are asked for.
 *
 * Expressions are node indices, as Binaryen's ExpressionRefs are, and get
 * their types as Binaryen infers them: a block the type of its last child
 * (unreachable when that is unreachable and no branch can target it), an if
 * with an else the type of its reachable arm, without one none. A construct
 * whose end is unreachable is written as a void one followed by
 * `unreachable`, which is how the binary format expresses that type.
 * The few 128-bit SIMD operations the SSE2 integer forms need (`mod.v128`)
 * are written with their 0xfd prefix.
 * Function bodies are encoded by emitBinary, when every function's index is
 * known, into one buffer: a section's or body's size is written as a
 * five-byte LEB128 placeholder and filled in after (the format allows the
 * padding). A writer is reused for module after module (reset), so its
 * builder functions and buffers are made once per thread: made per module,
 * they cost ~1 µs per translated guest instruction.
 */
export type Expr = number;
/** A value type (its binary encoding), none (0x40), unreachable, or a parameter tuple from createType. */
export type Type = number;

export const none = 0x40, i32 = 0x7f, i64 = 0x7e, f32 = 0x7d, f64 = 0x7c, v128 = 0x7b, unreachable = -1;
const TUPLE_BASE = 0x1000;
const tuples: Type[][] = [];
/** The parameter list of a signature: one Type standing for several (none and single types stand for themselves). */
export function createType(types: Type[]): Type {
  if (types.length === 0) return none;
  if (types.length === 1) return types[0];
  const key = types.join();
  const k = tuples.findIndex((t) => t.join() === key);
  return TUPLE_BASE + (k >= 0 ? k : tuples.push(types) - 1);
}
const expand = (t: Type): Type[] => (t === none ? [] : t >= TUPLE_BASE ? tuples[t - TUPLE_BASE] : [t]);

const enum K { Op, I32, I64, F32, F64, LocalGet, LocalSet, GlobalGet, GlobalSet, Load, Store, Block, Loop, If, Br, Switch, Return, Call, CallIndirect, Select, ReturnCall, ReturnCallIndirect, Shuffle }

const STRIDE = 8;

// Opcodes by namespace and name (the binary format's numbering).
const CMP = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
const FCMP = ["eq", "ne", "lt", "gt", "le", "ge"];
const IARITH = ["clz", "ctz", "popcnt", "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"];
const FARITH = ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt", "add", "sub", "mul", "div", "min", "max", "copysign"];
const IUNARY = new Set(["eqz", "clz", "ctz", "popcnt", "extend8_s", "extend16_s", "extend32_s", "wrap", "extend_s", "extend_u", "reinterpret"]);
const FUNARY = new Set(["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt", "promote", "demote", "reinterpret"]);
const named = (names: string[], first: number) => Object.fromEntries(names.map((n, k) => [n, first + k]));
const OPS = {
  i32: { eqz: 0x45, ...named(CMP, 0x46), ...named(IARITH, 0x67), wrap: 0xa7, reinterpret: 0xbc, extend8_s: 0xc0, extend16_s: 0xc1 },
  i64: { eqz: 0x50, ...named(CMP, 0x51), ...named(IARITH, 0x79), extend_s: 0xac, extend_u: 0xad, reinterpret: 0xbd, extend8_s: 0xc2, extend16_s: 0xc3, extend32_s: 0xc4 },
  f32: { ...named(FCMP, 0x5b), ...named(FARITH, 0x8b), demote: 0xb6, reinterpret: 0xbe },
  f64: { ...named(FCMP, 0x61), ...named(FARITH, 0x99), promote: 0xbb, reinterpret: 0xbf },
} as const;
/** Conversions Binaryen spells in two steps: i32.trunc_s.f64(x), f64.convert_u.i32(x). */
const CONVERT: Record<string, Record<string, Record<string, number>>> = {
  i32: { trunc_s: { f32: 0xa8, f64: 0xaa }, trunc_u: { f32: 0xa9, f64: 0xab } },
  i64: { trunc_s: { f32: 0xae, f64: 0xb0 }, trunc_u: { f32: 0xaf, f64: 0xb1 } },
  f32: { convert_s: { i32: 0xb2, i64: 0xb4 }, convert_u: { i32: 0xb3, i64: 0xb5 } },
  f64: { convert_s: { i32: 0xb7, i64: 0xb9 }, convert_u: { i32: 0xb8, i64: 0xba } },
};
/** Loads and stores: opcode and natural size in bytes. */
const MEM = {
  i32: { load: [0x28, 4], load8_s: [0x2c, 1], load8_u: [0x2d, 1], load16_s: [0x2e, 2], load16_u: [0x2f, 2], store: [0x36, 4], store8: [0x3a, 1], store16: [0x3b, 2] },
  i64: {
    load: [0x29, 8], load8_s: [0x30, 1], load8_u: [0x31, 1], load16_s: [0x32, 2], load16_u: [0x33, 2], load32_s: [0x34, 4], load32_u: [0x35, 4],
    store: [0x37, 8], store8: [0x3c, 1], store16: [0x3d, 2], store32: [0x3e, 4],
  },
  f32: { load: [0x2a, 4], store: [0x38, 4] },
  f64: { load: [0x2b, 8], store: [0x39, 8] },
} as const;
const TYPE_OF = { i32, i64, f32, f64 } as const;
/**
 * The 128-bit SIMD operations the backend uses (the binary format's 0xfd-prefixed numbering),
 * stored as SIMD | opcode in a node's opcode field.
 */
const SIMD = 0x10000;
const V128_BINARY = {
  and: 0x4e, andnot: 0x4f, or: 0x50, xor: 0x51,
  i8x16_eq: 0x23, i16x8_eq: 0x2d, i32x4_eq: 0x37, i8x16_gt_s: 0x27, i16x8_gt_s: 0x31, i32x4_gt_s: 0x3b,
  i8x16_add: 0x6e, i8x16_sub: 0x71, i8x16_min_u: 0x77, i8x16_max_u: 0x79, i16x8_add: 0x8e, i16x8_sub: 0x91,
  i16x8_min_s: 0x96, i16x8_max_s: 0x98, i32x4_add: 0xae, i32x4_sub: 0xb1, i64x2_add: 0xce, i64x2_sub: 0xd1,
} as const;
export type V128Binary = keyof typeof V128_BINARY;
/** Result types of the comparisons and conversions whose result is not their namespace's type. */
const RESULT: Record<string, Type> = { eqz: i32, ...Object.fromEntries([...CMP, ...FCMP].map((n) => [n, i32])), wrap: i32 };

type Unary = (a: Expr) => Expr;
type Binary = (a: Expr, b: Expr) => Expr;
type Num<T> = { [k in keyof T]: T[k] extends "unary" ? Unary : Binary };
type Load = (offset: number, align: number, ptr: Expr) => Expr;
type Store = (offset: number, align: number, ptr: Expr, value: Expr) => Expr;
type IntNs = Num<{ [k in (typeof CMP)[number] | (typeof IARITH)[number]]: "binary" }> & {
  eqz: Unary; clz: Unary; ctz: Unary; popcnt: Unary; extend8_s: Unary; extend16_s: Unary; reinterpret: Unary;
  trunc_s: { f32: Unary; f64: Unary }; trunc_u: { f32: Unary; f64: Unary };
  load: Load; load8_s: Load; load8_u: Load; load16_s: Load; load16_u: Load; store: Store; store8: Store; store16: Store;
};
type I32Ns = IntNs & { const(v: number): Expr; wrap: Unary };
type I64Ns = IntNs & { const(v: bigint): Expr; extend_s: Unary; extend_u: Unary; extend32_s: Unary; load32_s: Load; load32_u: Load; store32: Store };
type FloatNs = Num<{ [k in (typeof FCMP)[number] | "add" | "sub" | "mul" | "div" | "min" | "max" | "copysign"]: "binary" }> & {
  abs: Unary; neg: Unary; ceil: Unary; floor: Unary; trunc: Unary; nearest: Unary; sqrt: Unary; reinterpret: Unary; promote: Unary; demote: Unary;
  const(v: number): Expr;
  convert_s: { i32: Unary; i64: Unary }; convert_u: { i32: Unary; i64: Unary };
  load: Load;
  store: Store;
};

interface Func { name: string; params: Type; results: Type; vars: Type[]; body: Expr }
interface Import { name: string; module: string; base: string; params: Type; results: Type }

export class Module {
  // Nodes, STRIDE int32 fields each: kind, type, an integer payload (opcode, local index, 32-bit
  // constant) or the index in `objs` of another (label, callee or global name, 64-bit or float
  // constant), two children (-1: none) or the index in `objs` of a longer child list, and the
  // load/store offset and log2 alignment, br_table labels' index, or call_indirect's signature.
  private n = 0;
  private f = new Int32Array(STRIDE * 4096);
  private objs: unknown[] = [];
  /** Labels enclosing the expression being written, innermost last (emitBinary). */
  private labels: (string | null)[] = [];
  private fnIndex = new Map<string, number>();
  private sig: (params: Type, results: Type) => number = () => 0;
  private imports: Import[] = [];
  private funcs: Func[] = [];
  private globals: { name: string; type: Type; mutable: boolean; init: Expr }[] = [];
  private exports: { internal: string; external: string }[] = [];
  private table: { module: string; base: string } | null = null;
  private readonly out = new Bytes();

  /** Empties the module for the next one (the node array and output buffer are kept, at their grown sizes). */
  reset(): this {
    this.n = 0;
    this.objs = [];
    this.imports = [];
    this.funcs = [];
    this.globals = [];
    this.exports = [];
    this.table = null;
    return this;
  }

  readonly i32 = this.numeric("i32") as I32Ns;
  readonly i64 = this.numeric("i64") as unknown as I64Ns;
  readonly f32 = this.numeric("f32") as unknown as FloatNs;
  readonly f64 = this.numeric("f64") as unknown as FloatNs;
  /** 128-bit vectors: loads and stores, the lane-wise binary operations above, i8x16.shuffle and i8x16.bitmask. */
  readonly v128 = {
    load: (offset: number, align: number, ptr: Expr): Expr => this.node(K.Load, v128, SIMD | 0x00, ptr, -1, offset, 31 - Math.clz32(Math.min(align || 16, 16))),
    store: (offset: number, align: number, ptr: Expr, value: Expr): Expr => this.node(K.Store, none, SIMD | 0x0b, ptr, value, offset, 31 - Math.clz32(Math.min(align || 16, 16))),
    binary: (fn: V128Binary, a: Expr, b: Expr): Expr => this.node(K.Op, v128, SIMD | V128_BINARY[fn], a, b),
    /** Byte k of the result is byte lanes[k] of a:b (0-15 from a, 16-31 from b). */
    shuffle: (a: Expr, b: Expr, lanes: readonly number[]): Expr => this.node(K.Shuffle, v128, this.obj(lanes), a, b),
    /** The top bit of each byte, byte k at bit k. */
    bitmask8: (a: Expr): Expr => this.node(K.Op, i32, SIMD | 0x64, a),
  };
  readonly local = {
    get: (index: number, type: Type): Expr => this.node(K.LocalGet, type, index),
    set: (index: number, value: Expr): Expr => this.node(K.LocalSet, none, index, value),
  };
  readonly global = {
    get: (name: string, type: Type): Expr => this.node(K.GlobalGet, type, this.obj(name)),
    set: (name: string, value: Expr): Expr => this.node(K.GlobalSet, none, this.obj(name), value),
  };

  /** A new node; a is its integer payload, or an object stored in objs (see the fields above). */
  private node(k: K, t: Type, a: number, c0 = -1, c1 = -1, x = 0, y = 0): Expr {
    if ((this.n + 1) * STRIDE > this.f.length) {
      const f = new Int32Array(this.f.length * 2);
      f.set(this.f);
      this.f = f;
    }
    const at = this.n * STRIDE, f = this.f;
    f[at] = k; f[at + 1] = t; f[at + 2] = a; f[at + 3] = c0; f[at + 4] = c1; f[at + 5] = x; f[at + 6] = y;
    return this.n++;
  }
  /** The index in objs of a non-integer payload or a child list. */
  private obj(v: unknown): number { return this.objs.push(v) - 1; }
  /** A node with a child list: up to two children inline, more in objs (c0 = -2, c1 = its index). */
  private nodeOf(k: K, t: Type, a: number, kids: Expr[]): Expr {
    return kids.length > 2 ? this.node(k, t, a, -2, this.obj(kids)) : this.node(k, t, a, kids.length > 0 ? kids[0] : -1, kids.length > 1 ? kids[1] : -1);
  }
  private type(e: Expr): Type { return this.f[e * STRIDE + 1]; }

  private numeric(ns: keyof typeof OPS): object {
    const t = TYPE_OF[ns];
    const o: Record<string, unknown> = {};
    for (const [name, op] of Object.entries(OPS[ns])) {
      const r = RESULT[name] ?? (name === "reinterpret" ? reinterpretResult(ns) : name === "promote" ? f64 : name === "demote" ? f32 : name.startsWith("extend") && ns === "i64" ? i64 : t);
      const unary = ns.startsWith("i") ? IUNARY.has(name) : FUNARY.has(name);
      o[name] = unary ? (a: Expr) => this.node(K.Op, r, op, a) : (a: Expr, b: Expr) => this.node(K.Op, r, op, a, b);
    }
    for (const [name, byFrom] of Object.entries(CONVERT[ns]))
      o[name] = Object.fromEntries(Object.entries(byFrom).map(([from, op]) => [from, (a: Expr) => this.node(K.Op, t, op, a)]));
    for (const [name, [op, size]] of Object.entries(MEM[ns]) as [string, readonly [number, number]][]) {
      const log2 = (align: number) => 31 - Math.clz32(Math.min(align || size, size));
      o[name] = name.startsWith("load")
        ? (offset: number, align: number, ptr: Expr) => this.node(K.Load, t, op, ptr, -1, offset, log2(align))
        : (offset: number, align: number, ptr: Expr, value: Expr) => this.node(K.Store, none, op, ptr, value, offset, log2(align));
    }
    const kind = { i32: K.I32, i64: K.I64, f32: K.F32, f64: K.F64 }[ns];
    o.const = ns === "i32" ? (v: number) => this.node(kind, t, v) : (v: number | bigint) => this.node(kind, t, this.obj(v));
    return o;
  }

  block(name: string | null, kids: Expr[], type?: Type): Expr {
    const last = kids.length ? this.type(kids[kids.length - 1]) : none;
    const t = type ?? (last === unreachable && name !== null ? none : last);
    return this.node(K.Block, t, this.obj(name), -2, this.obj(kids));
  }
  loop(name: string, body: Expr): Expr { return this.node(K.Loop, this.type(body), this.obj(name), body); }
  /** An if: the condition in c0, the arms in c1 (an index in objs). */
  if(cond: Expr, then: Expr, otherwise?: Expr): Expr {
    if (otherwise === undefined) return this.node(K.If, none, 0, cond, this.obj([then]));
    const a = this.type(then), b = this.type(otherwise);
    return this.node(K.If, a === unreachable ? b : a, 0, cond, this.obj([then, otherwise]));
  }
  /** br, or br_if when there is a condition; with a value for the target block's result (a br_if then yields it when not taken). */
  br(name: string, cond?: Expr, value?: Expr): Expr {
    const t = cond === undefined ? unreachable : value === undefined ? none : this.type(value);
    return this.node(K.Br, t, this.obj(name), cond ?? -1, value ?? -1);
  }
  switch(names: string[], defaultName: string, cond: Expr): Expr { return this.node(K.Switch, unreachable, this.obj(defaultName), cond, this.obj(names)); }
  return(value?: Expr): Expr { return this.node(K.Return, unreachable, 0, value ?? -1); }
  call(name: string, operands: Expr[], type: Type): Expr { return this.nodeOf(K.Call, type, this.obj(name), operands); }
  call_indirect(table: string, target: Expr, operands: Expr[], params: Type, results: Type): Expr {
    return this.node(K.CallIndirect, results, 0, -2, this.obj([...operands, target]), params, results);
  }
  /** Tail calls (return_call, return_call_indirect): the callee's results are the caller's. */
  return_call(name: string, operands: Expr[]): Expr { return this.nodeOf(K.ReturnCall, unreachable, this.obj(name), operands); }
  return_call_indirect(table: string, target: Expr, operands: Expr[], params: Type, results: Type): Expr {
    return this.node(K.ReturnCallIndirect, unreachable, 0, -2, this.obj([...operands, target]), params, results);
  }
  select(cond: Expr, a: Expr, b: Expr): Expr {
    const t = this.type(a) === unreachable ? this.type(b) : this.type(a);
    return this.node(K.Select, t, 0, -2, this.obj([a, b, cond]));
  }

  addFunctionImport(name: string, module: string, base: string, params: Type, results: Type): void {
    this.imports.push({ name, module, base, params, results });
  }
  addTableImport(module: string, base: string): void { this.table = { module, base }; }
  addGlobal(name: string, type: Type, mutable: boolean, init: Expr): void { this.globals.push({ name, type, mutable, init }); }
  addFunction(name: string, params: Type, results: Type, vars: Type[], body: Expr): void { this.funcs.push({ name, params, results, vars, body }); }
  addFunctionExport(internal: string, external: string): void { this.exports.push({ internal, external }); }

  /** The module's bytes: memory imported as env.mem, the table (when imported) as env.table. */
  emitBinary(): Uint8Array {
    const out = this.out;
    out.clear();
    out.raw(PREAMBLE);
    const sigs: string[] = [], sigBytes: number[][] = [];
    const sig = (params: Type, results: Type) => {
      const bytes = [0x60, ...vec(expand(params)), ...vec(expand(results))];
      const key = bytes.join();
      const k = sigs.indexOf(key);
      return k >= 0 ? k : (sigBytes.push(bytes), sigs.push(key) - 1);
    };
    const fnIndex = (this.fnIndex = new Map<string, number>());
    this.sig = sig;
    this.imports.forEach((f, k) => fnIndex.set(f.name, k));
    this.funcs.forEach((f, k) => fnIndex.set(f.name, this.imports.length + k));
    const importSigs = this.imports.map((f) => sig(f.params, f.results));
    const funcSigs = this.funcs.map((f) => sig(f.params, f.results));
    // call_indirect's signatures too, before the type section is written (bodies are written after it).
    for (let e = 0; e < this.n; e++) {
      const k = this.f[e * STRIDE];
      if (k === K.CallIndirect || k === K.ReturnCallIndirect) sig(this.f[e * STRIDE + 5], this.f[e * STRIDE + 6]);
    }

    out.section(1, (s) => { s.u32(sigBytes.length); for (const b of sigBytes) s.raw(b); });
    out.section(2, (s) => {
      s.u32(this.imports.length + 1 + (this.table ? 1 : 0));
      this.imports.forEach((f, k) => { s.name(f.module); s.name(f.base); s.byte(0); s.u32(importSigs[k]); });
      s.name("env"); s.name("mem"); s.byte(2); s.byte(1); s.u32(1); s.u32(65536);
      if (this.table) { s.name(this.table.module); s.name(this.table.base); s.byte(1); s.byte(0x70); s.byte(0); s.u32(1); }
    });
    out.section(3, (s) => { s.u32(funcSigs.length); for (const k of funcSigs) s.u32(k); });
    if (this.globals.length) out.section(6, (s) => {
      s.u32(this.globals.length);
      for (const g of this.globals) { s.byte(g.type); s.byte(g.mutable ? 1 : 0); this.expr(s, g.init); s.byte(0x0b); }
    });
    out.section(7, (s) => {
      s.u32(this.exports.length);
      for (const e of this.exports) { s.name(e.external); s.byte(0); s.u32(fnIndex.get(e.internal)!); }
    });
    out.section(10, (s) => { s.u32(this.funcs.length); for (const f of this.funcs) s.sized(() => this.body(s, f)); });
    return out.finish();
  }

  private body(s: Bytes, f: Func): void {
    const runs: [number, Type][] = [];
    for (const t of f.vars) {
      if (runs.length && runs[runs.length - 1][1] === t) runs[runs.length - 1][0]++;
      else runs.push([1, t]);
    }
    s.u32(runs.length);
    for (const [n, t] of runs) { s.u32(n); s.byte(t); }
    this.labels = [];
    this.expr(s, f.body);
    s.byte(0x0b);
  }

  /** Writes expression e and its children. */
  private expr(s: Bytes, e: Expr): void {
    const f = this.f, at = e * STRIDE;
    const k = f[at] as K, a = f[at + 2], c0 = f[at + 3], c1 = f[at + 4];
    switch (k) {
      case K.Op: case K.Load: case K.Store: case K.Return: case K.Call: case K.Select: case K.CallIndirect: case K.LocalSet: case K.GlobalSet:
      case K.ReturnCall: case K.ReturnCallIndirect: case K.Shuffle:
        if (c0 === -2) this.exprs(s, this.objs[c1] as Expr[]);
        else {
          if (c0 >= 0) this.expr(s, c0);
          if (c1 >= 0) this.expr(s, c1);
        }
        break;
    }
    switch (k) {
      case K.Op: this.opcode(s, a); return;
      case K.I32: s.byte(0x41); s.s32(a); return;
      case K.I64: s.byte(0x42); s.s64(BigInt(this.objs[a] as bigint | number)); return;
      case K.F32: s.byte(0x43); s.f32(this.objs[a] as number); return;
      case K.F64: s.byte(0x44); s.f64(this.objs[a] as number); return;
      case K.LocalGet: s.byte(0x20); s.u32(a); return;
      case K.LocalSet: s.byte(0x21); s.u32(a); return;
      case K.GlobalGet: s.byte(0x23); s.u32(this.globalIndex(this.objs[a] as string)); return;
      case K.GlobalSet: s.byte(0x24); s.u32(this.globalIndex(this.objs[a] as string)); return;
      case K.Load: case K.Store: this.opcode(s, a); s.u32(f[at + 6]); s.u32(f[at + 5]); return;
      case K.Shuffle: this.opcode(s, SIMD | 0x0d); s.raw(this.objs[a] as number[]); return;
      case K.Block: this.open(s, e, 0x02, this.objs[a] as string | null); this.exprs(s, this.objs[c1] as Expr[]); this.close(s, e); return;
      case K.Loop: this.open(s, e, 0x03, this.objs[a] as string); this.expr(s, c0); this.close(s, e); return;
      case K.If: {
        const arms = this.objs[c1] as Expr[];
        this.expr(s, c0);
        this.open(s, e, 0x04, null);
        this.expr(s, arms[0]);
        if (arms.length > 1) { s.byte(0x05); this.expr(s, arms[1]); }
        this.close(s, e);
        return;
      }
      case K.Br:
        if (c1 >= 0) this.expr(s, c1);
        if (c0 >= 0) { this.expr(s, c0); s.byte(0x0d); } else s.byte(0x0c);
        s.u32(this.depth(this.objs[a] as string));
        return;
      case K.Switch: {
        this.expr(s, c0);
        s.byte(0x0e);
        const labels = this.objs[c1] as string[];
        s.u32(labels.length);
        for (let j = 0; j < labels.length; j++) s.u32(this.depth(labels[j]));
        s.u32(this.depth(this.objs[a] as string));
        return;
      }
      case K.Return: s.byte(0x0f); return;
      case K.Call: s.byte(0x10); s.u32(this.fnIndex.get(this.objs[a] as string)!); return;
      case K.CallIndirect: s.byte(0x11); s.u32(this.sig(f[at + 5], f[at + 6])); s.u32(0); return;
      case K.ReturnCall: s.byte(0x12); s.u32(this.fnIndex.get(this.objs[a] as string)!); return;
      case K.ReturnCallIndirect: s.byte(0x13); s.u32(this.sig(f[at + 5], f[at + 6])); s.u32(0); return;
      case K.Select: s.byte(0x1b); return;
    }
  }
  private exprs(s: Bytes, kids: Expr[]): void {
    for (let j = 0; j < kids.length; j++) this.expr(s, kids[j]);
  }

  /** An opcode: one byte, or a SIMD one as the 0xfd prefix and its LEB128 number. */
  private opcode(s: Bytes, op: number): void {
    if (op < SIMD) return s.byte(op);
    s.byte(0xfd);
    s.u32(op - SIMD);
  }

  /** Opens a block, loop or if (a construct of type unreachable is written as void, then `unreachable` after it: close). */
  private open(s: Bytes, e: Expr, opcode: number, label: string | null): void {
    s.byte(opcode);
    const t = this.type(e);
    s.byte(t === unreachable ? none : t);
    this.labels.push(label);
  }
  private close(s: Bytes, e: Expr): void {
    this.labels.pop();
    s.byte(0x0b);
    if (this.type(e) === unreachable) s.byte(0x00);
  }
  /** The branch depth of the enclosing label name. */
  private depth(name: string): number {
    const labels = this.labels;
    for (let k = labels.length - 1; k >= 0; k--) if (labels[k] === name) return labels.length - 1 - k;
    throw new Error(`wasm-writer: branch to unknown label ${name}`);
  }

  private globalIndex(name: string): number {
    const k = this.globals.findIndex((g) => g.name === name);
    if (k < 0) throw new Error(`wasm-writer: unknown global ${name}`);
    return k;
  }
}

const reinterpretResult = (ns: string): Type => ({ i32: f32, i64: f64, f32: i32, f64: i64 })[ns]!;
const vec = (types: Type[]) => [types.length, ...types];
/** Magic and version. */
const PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

const scratch = new DataView(new ArrayBuffer(8));
const utf8 = new TextEncoder();
/** Import and export names as UTF-8 (a module names a few hundred, the same ones module after module). */
const names = new Map<string, Uint8Array>();

/** A growable byte buffer with the binary format's encodings. */
class Bytes {
  private buf = new Uint8Array(1 << 16);
  private n = 0;
  clear(): void { this.n = 0; }
  byte(b: number): void {
    if (this.n === this.buf.length) this.grow(1);
    this.buf[this.n++] = b;
  }
  raw(bytes: ArrayLike<number>): void {
    if (this.n + bytes.length > this.buf.length) this.grow(bytes.length);
    this.buf.set(bytes, this.n);
    this.n += bytes.length;
  }
  u32(v: number): void {
    v >>>= 0;
    if (v < 0x80 && this.n < this.buf.length) { this.buf[this.n++] = v; return; }
    do {
      const b = v & 0x7f;
      v >>>= 7;
      this.byte(v ? b | 0x80 : b);
    } while (v);
  }
  s32(v: number): void {
    v |= 0;
    if (v >= -64 && v < 64 && this.n < this.buf.length) { this.buf[this.n++] = v & 0x7f; return; }
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  s64(v: bigint): void {
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && !(b & 0x40)) || (v === -1n && b & 0x40)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  f32(v: number): void { scratch.setFloat32(0, v, true); for (let k = 0; k < 4; k++) this.byte(scratch.getUint8(k)); }
  f64(v: number): void { scratch.setFloat64(0, v, true); for (let k = 0; k < 8; k++) this.byte(scratch.getUint8(k)); }
  name(s: string): void {
    let b = names.get(s);
    if (!b) names.set(s, (b = utf8.encode(s)));
    this.u32(b.length);
    this.raw(b);
  }
  section(id: number, fill: (s: Bytes) => void): void {
    this.byte(id);
    this.sized(() => fill(this));
  }
  /** What fill writes, preceded by its size as a five-byte LEB128. */
  sized(fill: () => void): void {
    if (this.n + 5 > this.buf.length) this.grow(5);
    const at = this.n;
    this.n += 5;
    fill();
    let v = this.n - at - 5;
    for (let k = 0; k < 5; k++, v >>>= 7) this.buf[at + k] = (v & 0x7f) | (k < 4 ? 0x80 : 0);
  }
  finish(): Uint8Array { return this.buf.slice(0, this.n); }
  private grow(at: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + at));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }
}
