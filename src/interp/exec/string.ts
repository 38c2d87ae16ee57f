/**
 * String instructions movs/cmps/stos/lods/scas in all sizes, both directions,
 * with REP/REPE/REPNE. Every iteration commits ESI/EDI/ECX before the next,
 * so a fault mid-string leaves the registers where the CPU would, and the
 * instruction restarts correctly. Long forward rep movs/stos over plain
 * writable pages take a bulk path with the same result.
 */
import type { Insn } from "../../isa/decode.ts";
import type { Machine } from "../machine.ts";
import { alu } from "./alu.ts";
import { DF, zero } from "../flags.ts";
import { R_EAX, R_ECX, R_EDI, R_ESI, S_EFLAGS } from "../../core/layout.ts";
import { PROT_READ, PROT_WRITE } from "../../core/layout.ts";

const MOVS = 0, CMPS = 1, STOS = 2, LODS = 3, SCAS = 4;
/** The count from which a forward rep movs/stos tries the bulk path (translated code calls the executor from there too). */
export const BULK_MIN = 64;

/** One iteration: the access, then ESI/EDI advance by step (16-bit address size wraps SI/DI). */
function once(m: Machine, kind: number, sz: number, step: number, srcSeg: number, a16: boolean): void {
  const s = m.s;
  switch (kind) {
    case MOVS: {
      const v = m.load(sz, (a16 ? s[R_ESI] & 0xffff : s[R_ESI]) + srcSeg);
      m.store(sz, a16 ? s[R_EDI] & 0xffff : s[R_EDI], v);
      advance(s, R_ESI, step, a16);
      advance(s, R_EDI, step, a16);
      return;
    }
    case CMPS: {
      const a = m.load(sz, (a16 ? s[R_ESI] & 0xffff : s[R_ESI]) + srcSeg);
      const b = m.load(sz, a16 ? s[R_EDI] & 0xffff : s[R_EDI]);
      alu(s, 7, sz, a, b);
      advance(s, R_ESI, step, a16);
      advance(s, R_EDI, step, a16);
      return;
    }
    case STOS:
      m.store(sz, a16 ? s[R_EDI] & 0xffff : s[R_EDI], m.reg(sz, R_EAX));
      advance(s, R_EDI, step, a16);
      return;
    case LODS:
      m.setReg(sz, R_EAX, m.load(sz, (a16 ? s[R_ESI] & 0xffff : s[R_ESI]) + srcSeg));
      advance(s, R_ESI, step, a16);
      return;
    case SCAS:
      alu(s, 7, sz, m.reg(sz, R_EAX), m.load(sz, a16 ? s[R_EDI] & 0xffff : s[R_EDI]));
      advance(s, R_EDI, step, a16);
      return;
  }
}

function advance(s: Int32Array, r: number, step: number, a16: boolean): void {
  s[r] = a16 ? (s[r] & ~0xffff) | ((s[r] + step) & 0xffff) : s[r] + step;
}

function stringOp(kind: number) {
  return (m: Machine, i: Insn): void => {
    const s = m.s, sz = i.sz, n = 1 << sz;
    const step = s[S_EFLAGS] & DF ? -n : n;
    const srcSeg = i.segOverride >= 4 ? m.cpu.segBase(i.segOverride) : 0;
    const a16 = i.asz16;
    if (!i.rep) { once(m, kind, sz, step, srcSeg, a16); return; }
    if (step > 0 && !a16 && (kind === MOVS || kind === STOS) && (s[R_ECX] >>> 0) >= BULK_MIN && bulk(m, kind, sz, srcSeg)) return;
    const conditional = kind === CMPS || kind === SCAS;
    const want = i.rep === 0xf3 ? 1 : 0;
    while ((a16 ? s[R_ECX] & 0xffff : s[R_ECX]) !== 0) {
      once(m, kind, sz, step, srcSeg, a16);
      s[R_ECX] = a16 ? (s[R_ECX] & ~0xffff) | ((s[R_ECX] - 1) & 0xffff) : s[R_ECX] - 1;
      if (conditional && zero(s) !== want) break;
    }
  };
}

/** Forward rep movs/stos in one copy when every touched page is plainly accessible; false to fall back. */
function bulk(m: Machine, kind: number, sz: number, srcSeg: number): boolean {
  const s = m.s, mem = m.mem, count = s[R_ECX] >>> 0, len = count << sz;
  const dst = s[R_EDI] >>> 0, src = (s[R_ESI] + srcSeg) >>> 0;
  if (len > 0x10000000 || !mem.accessible(dst, len, PROT_WRITE)) return false;
  if (kind === MOVS) {
    if (!mem.accessible(src, len, PROT_READ)) return false;
    if (src < dst && src + len > dst) return false; // overlapping forward copy repeats a pattern: per element
    if (!mem.prepareWrite(dst, len)) return false;
    mem.u8.copyWithin(dst, src, src + len);
    s[R_ESI] = s[R_ESI] + len;
  } else {
    const v = m.reg(sz, R_EAX);
    if (!mem.prepareWrite(dst, len)) return false;
    const b0 = v & 0xff;
    if (sz === 0 || (sz === 1 ? (v & 0xffff) === b0 * 0x101 : (v >>> 0) === b0 * 0x1010101)) mem.u8.fill(b0, dst, dst + len);
    else for (let k = 0; k < count; k++) m.store(sz, dst + (k << sz), v);
  }
  s[R_EDI] = s[R_EDI] + len;
  s[R_ECX] = 0;
  return true;
}
export const stringExecutors = {
  movsb: stringOp(MOVS), movsd: stringOp(MOVS),
  cmpsb: stringOp(CMPS), cmpsd: stringOp(CMPS),
  stosb: stringOp(STOS), stosd: stringOp(STOS),
  lodsb: stringOp(LODS), lodsd: stringOp(LODS),
  scasb: stringOp(SCAS), scasd: stringOp(SCAS),
};
