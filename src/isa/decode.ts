/**
 * The IA-32 decoder: bytes at an address -> one Insn, using the candidate rows
 * of table.ts. Serves the interpreter, the disassembler and the translator.
 * It never executes anything; bytes come through a fetch callback so callers
 * decide how an unreadable byte faults.
 */
import { CANDIDATES, NEEDS_MODRM, type OpRow } from "./table.ts";

export const SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5;
const SEG_PREFIX: Record<number, number> = { 0x26: SEG_ES, 0x2e: SEG_CS, 0x36: SEG_SS, 0x3e: SEG_DS, 0x64: SEG_FS, 0x65: SEG_GS };
/** 16-bit ModRM r/m: [base, index] register numbers, -1 for none. */
const EA16: [number, number][] = [[3, 6], [3, 7], [5, 6], [5, 7], [6, -1], [7, -1], [5, -1], [3, -1]];
export const MAX_INSN_LEN = 15;

export class DecodeError {
  constructor(readonly addr: number, readonly reason: string, readonly bytes: number[]) {}
}

/**
 * The state an executor runs on. The ISA layer sits below the interpreter and
 * cannot name it, so it is opaque here; interp/machine.ts completes it by
 * declaration merging (it is the interpreter's Machine), so executors and
 * their callers are checked against the Machine without isa/ importing it.
 */
export interface ExecContext {}

/** What executes an instruction; attached by the interpreter. */
export type Exec = (ctx: ExecContext, insn: Insn) => void;

export class Insn {
  len = 0;
  exec: Exec | undefined = undefined;
  /** Operand kinds (table.ts K_*) of operands 0..2. */
  k0 = 0;
  k1 = 0;
  k2 = 0;
  row!: OpRow;
  /** Operand size index of the instruction: 0 = 8, 1 = 16, 2 = 32 bits. */
  sz = 2;
  osz16 = false;
  asz16 = false;
  /** Segment override prefix or -1; seg is the effective segment of the memory operand. */
  segOverride = -1;
  seg = SEG_DS;
  rep = 0;
  lock = false;
  hasModrm = false;
  mod = 0;
  reg = 0;
  rm = 0;
  base = -1;
  index = -1;
  scale = 0;
  disp = 0;
  imm = 0;
  imm2 = 0;
  /** Absolute target of a relative branch. */
  target = 0;
  constructor(readonly addr: number) {}

  get next(): number { return (this.addr + this.len) >>> 0; }
  get isMem(): boolean { return this.hasModrm && this.mod !== 3; }
  get mnem(): string { return this.osz16 ? this.row.mnem16 : this.row.mnem; }
}

function sext(v: number, bits: number): number {
  return (v << (32 - bits)) >> (32 - bits);
}

/** The first candidate row with exactly this mandatory prefix (0: none) that the ModRM byte selects. */
function pick(cands: OpRow[], prefix: number, modrm: number): OpRow | undefined {
  const mod = modrm >> 6, reg = (modrm >> 3) & 7;
  for (const r of cands) {
    if (r.prefix !== prefix) continue;
    if (r.digit >= 0 && r.digit !== reg) continue;
    if (r.modrmByte >= 0 && r.modrmByte !== modrm) continue;
    if (r.mod === "mem" && mod === 3) continue;
    if (r.mod === "reg" && mod !== 3) continue;
    return r;
  }
  return undefined;
}

export function decode(fetch: (addr: number) => number, addr: number): Insn {
  const insn = new Insn(addr >>> 0);
  let p = addr >>> 0;
  const bytes: number[] = [];
  const next = (): number => {
    if (bytes.length >= MAX_INSN_LEN) throw new DecodeError(addr, "instruction longer than 15 bytes", bytes);
    const b = fetch(p);
    p = (p + 1) >>> 0;
    bytes.push(b);
    return b;
  };
  let lastMandatory = 0;
  let b = next();
  for (;;) {
    if (b in SEG_PREFIX) insn.segOverride = SEG_PREFIX[b];
    else if (b === 0x66) { insn.osz16 = true; lastMandatory = lastMandatory || 0x66; }
    else if (b === 0x67) insn.asz16 = true;
    else if (b === 0xf0) insn.lock = true;
    else if (b === 0xf2 || b === 0xf3) { insn.rep = b; lastMandatory = b; }
    else break;
    b = next();
  }
  let map = 0;
  if (b === 0x0f) { map = 1; b = next(); }
  if (map === 1 && (b === 0x38 || b === 0x3a)) { map = b === 0x38 ? 2 : 3; b = next(); }
  const key = map * 256 + b;
  const cands = CANDIDATES[key];
  let modrm = -1;
  if (NEEDS_MODRM[key]) modrm = next();
  const m = modrm < 0 ? 0 : modrm;
  const row = pick(cands, lastMandatory, m) ?? pick(cands, insn.rep, m) ?? pick(cands, insn.osz16 ? 0x66 : 0, m) ?? pick(cands, 0, m);
  if (!row || (row.needsModrm && modrm < 0)) throw new DecodeError(addr, "invalid opcode", bytes);
  insn.row = row;
  if (row.prefix === 0x66) insn.osz16 = false;
  if (row.prefix === 0xf2 || row.prefix === 0xf3) insn.rep = 0;

  if (modrm >= 0) {
    insn.hasModrm = true;
    insn.mod = modrm >> 6;
    insn.reg = (modrm >> 3) & 7;
    insn.rm = modrm & 7;
    if (insn.mod !== 3) decodeEA(insn, next);
  }
  // LOCK is #UD unless the row allows it and the destination is memory.
  if (insn.lock && (!row.attrs.has("lock") || insn.mod === 3 || modrm < 0)) throw new DecodeError(addr, "invalid opcode: lock prefix not allowed", bytes);
  if (row.plusReg) insn.rm = b & 7;
  insn.sz = row.size >= 0 ? row.size : insn.osz16 ? 1 : 2;
  const kinds = row.kinds;
  insn.k0 = kinds[0] ?? 0;
  insn.k1 = kinds[1] ?? 0;
  insn.k2 = kinds[2] ?? 0;
  let nImm = 0;
  const setImm = (v: number) => { if (nImm++ === 0) insn.imm = v; else insn.imm2 = v; };
  for (const op of row.trailing) decodeImmediate(insn, op, next, setImm);
  insn.len = bytes.length;
  if (row.relative) insn.target = (insn.addr + insn.len + insn.imm) >>> 0;
  if (insn.osz16 && row.relative) insn.target &= 0xffff;
  return insn;
}

function decodeEA(insn: Insn, next: () => number): void {
  const { mod, rm } = insn;
  let defSeg = SEG_DS;
  if (insn.asz16) {
    if (mod === 0 && rm === 6) insn.disp = sext(next() | (next() << 8), 16);
    else {
      [insn.base, insn.index] = EA16[rm];
      if (insn.base === 5) defSeg = SEG_SS;
      if (mod === 1) insn.disp = sext(next(), 8);
      else if (mod === 2) insn.disp = sext(next() | (next() << 8), 16);
    }
  } else {
    let base = rm;
    if (rm === 4) {
      const sib = next();
      insn.scale = sib >> 6;
      insn.index = ((sib >> 3) & 7) === 4 ? -1 : (sib >> 3) & 7;
      base = sib & 7;
    }
    if (base === 5 && mod === 0) {
      insn.base = -1;
      insn.disp = next() | (next() << 8) | (next() << 16) | (next() << 24);
    } else {
      insn.base = base;
      if (base === 4 || base === 5) defSeg = SEG_SS;
      if (mod === 1) insn.disp = sext(next(), 8);
      else if (mod === 2) insn.disp = next() | (next() << 8) | (next() << 16) | (next() << 24);
    }
  }
  insn.seg = insn.segOverride >= 0 ? insn.segOverride : defSeg;
}

function readImm(next: () => number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v |= next() << (8 * i);
  return v;
}

function decodeImmediate(insn: Insn, op: string, next: () => number, setImm: (v: number) => void): void {
  const vBytes = insn.osz16 ? 2 : 4;
  switch (op) {
    case "Ib": setImm(readImm(next, 1)); break;
    case "Ibs": setImm(sext(readImm(next, 1), 8)); break;
    case "Iw": setImm(readImm(next, 2)); break;
    case "Iz": setImm(readImm(next, vBytes)); break;
    case "Jb": insn.imm = sext(readImm(next, 1), 8); break;
    case "Jz": insn.imm = vBytes === 2 ? sext(readImm(next, 2), 16) : readImm(next, 4); break;
    case "Ob": case "Ov":
      insn.disp = readImm(next, insn.asz16 ? 2 : 4);
      insn.seg = insn.segOverride >= 0 ? insn.segOverride : SEG_DS;
      break;
    case "Ap": insn.imm = readImm(next, vBytes); insn.imm2 = readImm(next, 2); break;
  }
}
