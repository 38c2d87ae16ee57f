/**
 * Intel-syntax disassembly of decoded instructions, in the conventions of
 * `objdump -d -M intel` (hex immediates, "DWORD PTR [ebp-0x14]", absolute
 * branch targets), driven by the operand forms of the ISA description.
 * Also follows objdump's pseudo-mnemonics (cmpltps, pclmulhqlqdq, notrack).
 */
import { decode, DecodeError, type Insn } from "./decode.ts";

export const REG32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
export const REG16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
export const REG8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"];
export const SREG = ["es", "cs", "ss", "ds", "fs", "gs", "?", "?"];
const REGS = [REG8, REG16, REG32];
const PTR: Record<string, string> = {
  b: "BYTE", w: "WORD", d: "DWORD", q: "QWORD", p: "FWORD", dq: "XMMWORD", t: "TBYTE", ps: "XMMWORD", pd: "XMMWORD", ss: "DWORD", sd: "QWORD",
};
/** objdump's names for 32-bit forms whose SDM mnemonic carries a size suffix, and for the /6 alias of shl. */
const OBJDUMP_NAME: Record<string, string> = { pushad: "pusha", popad: "popa", pushfd: "pushf", popfd: "popf", iretd: "iret", sal: "shl" };
/** objdump's names for the cmpps/cmppd/cmpss/cmpsd predicates 0..7. */
const CMP_PRED = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"];

const hex = (v: number) => "0x" + (v >>> 0).toString(16);

function sizeLetter(op: string, insn: Insn): string {
  const s = op.slice(1);
  if (s === "v" || s === "z") return insn.osz16 ? "w" : "d";
  if (s === "p") return insn.osz16 ? "d" : "p";
  return s;
}

function memOperand(insn: Insn, size: string): string {
  const regs = insn.asz16 ? REG16 : REG32;
  const parts: string[] = [];
  if (insn.base >= 0) parts.push(regs[insn.base]);
  if (insn.index >= 0) parts.push(`${regs[insn.index]}${insn.asz16 ? "" : "*" + (1 << insn.scale)}`);
  // A SIB byte whose index field says "none" shows as eiz unless it is the plain [esp] form, as objdump does.
  else if (!insn.asz16 && insn.rm === 4 && (insn.base !== 4 || insn.scale)) parts.push(`eiz*${1 << insn.scale}`);
  const seg = insn.segOverride >= 0 ? SREG[insn.segOverride] + ":" : "";
  const ptr = PTR[size] ? `${PTR[size]} PTR ` : "";
  if (!parts.length) return `${ptr}${seg || "ds:"}${hex(insn.asz16 ? insn.disp & 0xffff : insn.disp)}`;
  let body = parts.join("+");
  if (insn.disp || insn.mod !== 0 || insn.base < 0) body += insn.disp < 0 ? `-${hex(-insn.disp)}` : `+${hex(insn.disp)}`;
  return `${ptr}${seg}[${body}]`;
}

function stringOperand(insn: Insn, op: string): string {
  const size = sizeLetter(op, insn);
  const regs = insn.asz16 ? REG16 : REG32;
  const isDest = op[0] === "Y";
  const seg = isDest ? "es" : SREG[insn.segOverride >= 0 ? insn.segOverride : 3];
  return `${PTR[size]} PTR ${seg}:[${regs[isDest ? 7 : 6]}]`;
}

function operand(insn: Insn, op: string): string {
  const sz = insn.osz16 ? 1 : 2;
  const slash = op.indexOf("/");
  if (slash > 0) return operand(insn, insn.mod === 3 ? op.slice(0, slash) : op.slice(slash + 1));
  switch (op) {
    case "AL": return "al";
    case "AX": return "ax";
    case "ST": return "st";
    case "STi": return `st(${insn.rm})`;
    case "XMM0": return "xmm0";
    case "CL": return "cl";
    case "DX": return "dx";
    case "eAX": return REGS[sz][0];
    case "1": return "1";
    case "ES": case "CS": case "SS": case "DS": case "FS": case "GS": return op.toLowerCase();
  }
  const kind = op[0], size = sizeLetter(op, insn);
  switch (kind) {
    case "E": case "M": case "R":
      // mov to/from a segment register: a full-size register, but a WORD in memory.
      if (insn.row.ops.includes("Sw")) return insn.mod === 3 ? regName(sizeLetter("Ev", insn), insn.rm) : memOperand(insn, "w");
      if (insn.mod === 3) return regName(size, insn.rm);
      return memOperand(insn, insn.row.mnem === "lea" || size === "" || size === "a" ? "" : size);
    case "G": return regName(size, insn.reg);
    case "Z": return regName(size, insn.rm);
    case "S": return SREG[insn.reg];
    case "I": {
      if (op === "Ibs") return hex(insn.imm & [0xff, 0xffff, 0xffffffff][insn.sz]);
      return hex(op === "Ib" && insn.row.mnem === "enter" ? insn.imm2 : insn.imm);
    }
    case "J": return hex(insn.target);
    case "O": return memOperand(insn, "");
    case "V": return `xmm${insn.reg}`;
    case "P": return `mm${insn.reg}`;
    case "W": case "U": return insn.mod === 3 ? `xmm${insn.rm}` : memOperand(insn, size);
    case "Q": case "N": return insn.mod === 3 ? `mm${insn.rm}` : memOperand(insn, size);
    case "X": case "Y": return stringOperand(insn, op);
    case "A": return `${hex(insn.imm2)}:${hex(insn.imm)}`;
  }
  return op;
}

function regName(size: string, r: number): string {
  return size === "b" ? REG8[r] : size === "w" ? REG16[r] : REG32[r];
}

export function formatInsn(insn: Insn): string {
  const row = insn.row;
  // CET: a 3e prefix on an indirect jmp/call is "notrack", not a ds: override.
  if (insn.segOverride === 3 && (row.attrs.has("jump") || row.attrs.has("call")) && row.ops[0] === "Ev") {
    return "notrack " + formatInsn(Object.assign(Object.create(insn) as Insn, { segOverride: -1 }));
  }
  const prefix = [insn.lock ? "lock " : "", insn.rep && row.attrs.has("rep") ? (insn.rep === 0xf3 ? (row.flagsWritten & 0x40 ? "repz " : "rep ") : "repnz ") : ""].join("");
  let mnem = insn.mnem.replace(/\.v$/, "");
  mnem = OBJDUMP_NAME[mnem] ?? mnem;
  let ops = row.ops;
  // objdump marks a 16-bit push/pop of an immediate or segment register with a w suffix.
  if (insn.osz16 && /^(push|pop)$/.test(mnem) && (ops[0]?.[0] === "I" || /^[ECSDFG]S$/.test(ops[0] ?? ""))) mnem += "w";
  if (row.mnem === "nop" && insn.osz16 && !ops.length) return "xchg ax,ax";
  if (row.attrs.has("simd") && /^cmp[sp][sd]$/.test(mnem) && insn.imm < 8) { mnem = `cmp${CMP_PRED[insn.imm]}${mnem.slice(3)}`; ops = ops.slice(0, 2); }
  if (mnem === "pclmulqdq" && (insn.imm & ~0x11) === 0) {
    mnem = `pclmul${insn.imm & 1 ? "hq" : "lq"}${insn.imm & 0x10 ? "hq" : "lq"}dq`;
    ops = ops.slice(0, 2);
  }
  if (row.attrs.has("rep") || mnem.startsWith("ins") || mnem.startsWith("outs")) mnem = mnem.replace(/[bwd]$/, "");
  if (row.mnem === "xlatb") ops = [];
  if (row.mnem === "enter") return `enter ${hex(insn.imm)},${hex(insn.imm2)}`;
  const text = ops.map((o) => operand(insn, o)).join(",");
  return (prefix + mnem + (text ? " " + text : "")).trim();
}

/** Disassembles count instructions from addr; bytes come from fetch (which may throw past the end). */
export function disassemble(fetch: (a: number) => number, addr: number, count: number): { addr: number; bytes: number[]; text: string }[] {
  const out: { addr: number; bytes: number[]; text: string }[] = [];
  for (let a = addr >>> 0; out.length < count; ) {
    try {
      const insn = decode(fetch, a);
      const bytes = Array.from({ length: insn.len }, (_, k) => fetch(a + k));
      out.push({ addr: a, bytes, text: formatInsn(insn) });
      a = insn.next;
    } catch (e) {
      if (!(e instanceof DecodeError)) break;
      out.push({ addr: a, bytes: e.bytes.slice(0, 1), text: "(bad)" });
      a = (a + 1) >>> 0;
    }
  }
  return out;
}
