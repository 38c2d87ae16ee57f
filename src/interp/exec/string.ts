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
import { R_EAX, R_ECX, R_EDI, R_ESI, S_EFLAGS } from "../../vmm/layout.ts";
import { PROT_READ, PROT_WRITE } from "../../vmm/layout.ts";

const MOVS = 0, CMPS = 1, STOS = 2, LODS = 3, SCAS = 4;
const BULK_MIN = 64;

function stringOp(kind: number) {
  return (m: Machine, i: Insn): void => {
    const s = m.s, sz = i.sz, n = 1 << sz;
    const step = s[S_EFLAGS] & DF ? -n : n;
    const srcSeg = i.segOverride >= 4 ? m.cpu.segBase(i.segOverride) : 0;
    const a16 = i.asz16;
    const reg = (r: number) => (a16 ? s[r] & 0xffff : s[r]);
    const advance = (r: number) => { s[r] = a16 ? (s[r] & ~0xffff) | ((s[r] + step) & 0xffff) : s[r] + step; };
    const once = (): void => {
      switch (kind) {
        case MOVS: m.store(sz, reg(R_EDI), m.load(sz, reg(R_ESI) + srcSeg)); advance(R_ESI); advance(R_EDI); break;
        case CMPS: alu(s, 7, sz, m.load(sz, reg(R_ESI) + srcSeg), m.load(sz, reg(R_EDI))); advance(R_ESI); advance(R_EDI); break;
        case STOS: m.store(sz, reg(R_EDI), m.reg(sz, R_EAX)); advance(R_EDI); break;
        case LODS: m.setReg(sz, R_EAX, m.load(sz, reg(R_ESI) + srcSeg)); advance(R_ESI); break;
        case SCAS: alu(s, 7, sz, m.reg(sz, R_EAX), m.load(sz, reg(R_EDI))); advance(R_EDI); break;
      }
    };
    if (!i.rep) { once(); return; }
    if (step > 0 && !a16 && (kind === MOVS || kind === STOS) && (s[R_ECX] >>> 0) >= BULK_MIN && bulk(m, kind, sz, srcSeg)) return;
    const conditional = kind === CMPS || kind === SCAS;
    while (reg(R_ECX) !== 0) {
      once();
      s[R_ECX] = a16 ? (s[R_ECX] & ~0xffff) | ((s[R_ECX] - 1) & 0xffff) : s[R_ECX] - 1;
      if (conditional && zero(s) !== (i.rep === 0xf3 ? 1 : 0)) break;
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
    const bytes = mem.u8.subarray(src, src + len);
    if (!mem.writeBytes(dst, bytes)) return false;
    s[R_ESI] = s[R_ESI] + len;
  } else {
    const v = m.reg(sz, R_EAX), pattern = new Uint8Array(len);
    if (sz === 0) pattern.fill(v);
    else for (let k = 0; k < len; k++) pattern[k] = (v >>> ((k % (1 << sz)) * 8)) & 0xff;
    if (!mem.writeBytes(dst, pattern)) return false;
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
