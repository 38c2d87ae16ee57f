/**
 * cmp-jcc-fusion: evaluates a condition directly from the operands of the
 * instruction that set the flags, instead of from the stored flag state.
 *
 * `cmp a, b; jl t` is lifted as setflags(SUB, a, b) followed by cond(l),
 * which the backend would otherwise evaluate by calling the module's flag
 * function on the stored record. When the flag producer is in the same block and its kind is one this
 * pass understands (SUB from cmp/sub/neg, LOGIC from test/and/or/xor, ADD,
 * INC/DEC), cond becomes one or two integer comparisons on its operands —
 * for a 32-bit `cmp; jl` a single i32.lt_s. Conditions it cannot express
 * (parity, overflow of ADD) are left alone. The setflags stays; dead-flags
 * decides separately whether anyone else still observes it. A rotate's
 * `updflags`, an `interp` call (which may write any flag), an `xcomi`
 * (comis/ucomis: its executor fallback writes the flags; the native path's
 * `updflags` follows it) or any `x87` operation (fcomi's likewise) in
 * between ends the producer's reach; an `xarith`
 * or `xcvtt` does not (their executor fallbacks run SSE arithmetic or a
 * conversion, which write no EFLAGS).
 */
import { K_ADD, K_DEC, K_INC, K_LOGIC, K_SUB } from "../../interp/flags.ts";
import type { BinOp, Block, Op, Temp } from "../ir.ts";

type SetFlags = Extract<Op, { op: "setflags" }>;

export function cmpJccFusion(block: Block): void {
  const out: Op[] = [];
  let producer: SetFlags | null = null;
  let temps = block.temps;
  const def = () => temps++;
  for (const o of block.ops) {
    if (o.op === "setflags") producer = o.when === undefined ? o : null;
    if (o.op === "updflags" || o.op === "interp" || o.op === "xcomi" || o.op === "x87") producer = null; // the flags were rewritten behind the producer
    if (o.op !== "cond" || !producer) { out.push(o); continue; }
    const fused = fuse(producer, o.cc, o.dst, def);
    if (fused) out.push(...fused);
    else out.push(o);
  }
  block.ops = out;
  block.temps = temps;
}

/** Ops computing dst = condition cc of producer p, or null if not expressible. */
function fuse(p: SetFlags, cc: number, dst: Temp, def: () => Temp): Op[] | null {
  const ops: Op[] = [];
  const bits = 8 << p.size;
  const konst = (value: number) => { const t = def(); ops.push({ op: "const", dst: t, value }); return t; };
  const bin = (fn: BinOp, a: Temp, b: Temp, to = def()) => { ops.push({ op: "bin", dst: to, fn, a, b }); return to; };
  /** Operand as unsigned (masked) or signed (sign-extended) value at the producer's size. */
  const unsigned = (t: Temp) => (bits === 32 ? t : bin("and", t, konst(bits === 8 ? 0xff : 0xffff)));
  const signed = (t: Temp) => (bits === 32 ? t : bin("shr_s", bin("shl", t, konst(32 - bits)), konst(32 - bits)));
  const negate = cc & 1;
  const finish = (t: Temp) => { if (negate) bin("eq", t, konst(0), dst); else bin("ne", t, konst(0), dst); return ops; };
  const zf = () => bin("eq", unsigned(p.res), konst(0));
  const sf = () => bin("lt_s", signed(p.res), konst(0));
  switch (p.kind) {
    case K_SUB: {
      const a = p.a, b = p.b;
      switch (cc >> 1) {
        case 1: return finish(bin("lt_u", unsigned(a), unsigned(b)));
        case 2: return finish(zf());
        case 3: return finish(bin("le_u", unsigned(a), unsigned(b)));
        case 4: return finish(sf());
        case 6: return finish(bin("lt_s", signed(a), signed(b)));
        case 7: return finish(bin("le_s", signed(a), signed(b)));
      }
      return null;
    }
    case K_LOGIC:
      switch (cc >> 1) {
        case 0: case 1: return finish(konst(0));
        case 2: case 3: return finish(zf());
        case 4: case 6: return finish(sf());
        case 7: return finish(bin("le_s", signed(p.res), konst(0)));
      }
      return null;
    case K_ADD:
      switch (cc >> 1) {
        case 1: return finish(bin("lt_u", unsigned(p.res), unsigned(p.a)));
        case 2: return finish(zf());
        case 4: return finish(sf());
      }
      return null;
    case K_INC: case K_DEC:
      switch (cc >> 1) {
        case 2: return finish(zf());
        case 4: return finish(sf());
      }
      return null;
  }
  return null;
}
