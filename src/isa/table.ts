/**
 * Parses the opcode rows (opcodes.ts) once into lookup tables: for each
 * (map, opcode byte) the candidate rows, which the decoder narrows by
 * mandatory prefix, ModRM.reg digit and ModRM.mod / exact ModRM byte.
 * Maps: 0 one-byte, 1 0f, 2 0f 38, 3 0f 3a.
 */
import { OPCODE_ROWS } from "./opcodes.ts";

export const FLAG_BITS: Record<string, number> = { c: 0x1, p: 0x4, a: 0x10, z: 0x40, s: 0x80, d: 0x400, o: 0x800 };
const ALL_FLAGS = 0x8d5 | 0x400;

export interface OpRow {
  readonly id: number;
  readonly map: number;       // 0: one-byte, 1: 0F, 2: 0F 38, 3: 0F 3A
  readonly opcode: number;
  readonly prefix: number;    // mandatory prefix byte or 0
  readonly digit: number;     // ModRM.reg or -1
  readonly plusReg: boolean;  // register number in the opcode's low bits
  readonly mod: "any" | "mem" | "reg";
  readonly modrmByte: number; // exact ModRM byte or -1
  readonly mnem: string;      // 32-bit operand-size mnemonic
  readonly mnem16: string;
  readonly ops: readonly string[];
  readonly needsModrm: boolean;
  readonly flagsRead: number;
  readonly flagsWritten: number;
  readonly flagsUndefined: number;
  readonly attrs: ReadonlySet<string>;
  /** Operand kinds (K_*) in operand order, for size-generic operand access. */
  readonly kinds: readonly number[];
  /** Size index (0/1/2 = 8/16/32 bits) of the first sized operand, or -1 when it follows the operand-size prefix. */
  readonly size: number;
  /** The first operand is a relative branch target (Jb/Jz). */
  readonly relative: boolean;
  /** The operands encoded after ModRM (immediates, displacements, far pointers), in order. */
  readonly trailing: readonly string[];
  /** An operand is an MMX register (P, Q, N), which is the mantissa of an x87 register. */
  readonly mmx: boolean;
}

/** Size of the first sized operand (immediates, branch targets, ports and counts skipped); -1: by operand size. */
function fixedSize(ops: readonly string[]): number {
  for (const op of ops) {
    if (/^[IJ]/.test(op) || op === "DX" || op === "1" || op === "CL") continue;
    if (op === "AL" || op.endsWith("b")) return 0;
    if (op === "AX" || op.endsWith("w")) return 1;
    if (op.endsWith("d")) return 2;
    break;
  }
  return -1;
}

/** Where an operand lives: decided by its form once, used by every executor. */
export const K_NONE = 0, K_E = 1, K_G = 2, K_Z = 3, K_ACC = 4, K_IMM = 5, K_MOFFS = 6, K_CL = 7, K_ONE = 8,
  K_SREG = 9, K_FIXED_SREG = 10, K_DX = 11, K_REL = 12, K_STR = 13,
  /** Vector (mmx/xmm) register in ModRM.reg (V, P); vector register in ModRM.rm or memory (W, U, Q, N). */
  K_VREG = 14, K_VE = 15,
  /** x87 ST(0), x87 ST(ModRM.rm), the implicit xmm0 of blendv. */
  K_ST0 = 16, K_STI = 17, K_XMM0 = 18;

function kindOf(op: string): number {
  if (op === "AL" || op === "eAX" || op === "AX") return K_ACC;
  if (op === "ST") return K_ST0;
  if (op === "STi") return K_STI;
  if (op === "XMM0") return K_XMM0;
  if (op === "CL") return K_CL;
  if (op === "DX") return K_DX;
  if (op === "1") return K_ONE;
  if (/^[ECSDFG]S$/.test(op)) return K_FIXED_SREG;
  switch (op[0]) {
    case "E": case "M": case "R": return K_E;
    case "G": return K_G;
    case "Z": return K_Z;
    case "I": return K_IMM;
    case "O": return K_MOFFS;
    case "S": return K_SREG;
    case "J": return K_REL;
    case "X": case "Y": return K_STR;
    case "V": case "P": return K_VREG;
    case "W": case "U": case "Q": case "N": return K_VE;
  }
  return K_NONE;
}

const MODRM_FORM = /^[EGMRSCDVWUPQN][a-z]*(\/M[a-z]*)?$/;

function flagMask(spec: string): number {
  if (spec === "*") return ALL_FLAGS;
  let m = 0;
  for (const ch of spec) m |= FLAG_BITS[ch] ?? 0;
  return m;
}

function parseRow(line: string, id: number): OpRow[] {
  const [code, mnemSpec, opSpec, flagSpec, attrSpec] = line.split("|").map((x) => x.trim());
  const words = code.split(/\s+/);
  let prefix = 0, mod: OpRow["mod"] = "any", modrmByte = -1;
  if (["66", "f2", "f3"].includes(words[0]) && words.length > 1) prefix = parseInt(words.shift()!, 16);
  if (words.length > 1 && (words[words.length - 1] === "mem" || words[words.length - 1] === "reg")) mod = words.pop() as OpRow["mod"];
  let map = 0;
  if (words[0] === "0f" && words.length > 1) { map = 1; words.shift(); }
  if (map === 1 && (words[0] === "38" || words[0] === "3a") && words.length > 1) { map = words[0] === "38" ? 2 : 3; words.shift(); }
  if (words.length > 1) { modrmByte = parseInt(words.pop()!, 16); mod = "reg"; }
  const m = /^([0-9a-f]{2})(?:\/(\d)|(\+r))?$/.exec(words[0]);
  if (!m) throw new Error(`bad opcode row: ${line}`);
  const ops = opSpec ? opSpec.split(",") : [];
  const [mnem, mnem16] = mnemSpec.split("/");
  const flags: Record<string, number> = { r: 0, w: 0, u: 0 };
  for (const part of (flagSpec ?? "").split(/\s+/).filter(Boolean)) {
    const [k, v] = part.split(":");
    flags[k] = flagMask(v);
  }
  const base = {
    id, map, prefix, digit: m[2] ? Number(m[2]) : -1, plusReg: !!m[3], mod, modrmByte,
    mnem, mnem16: mnem16 ?? mnem, ops,
    needsModrm: !!m[2] || modrmByte >= 0 || ops.some((o) => MODRM_FORM.test(o)),
    flagsRead: flags.r, flagsWritten: flags.w, flagsUndefined: flags.u,
    attrs: new Set((attrSpec ?? "").split(/\s+/).filter(Boolean)),
    kinds: ops.map(kindOf),
    size: fixedSize(ops),
    relative: ops[0]?.[0] === "J",
    trailing: ops.filter((o) => /^[IJOA]/.test(o)),
    mmx: ops.some((o) => /^[PQN]/.test(o)),
  };
  const opcode = parseInt(m[1], 16);
  if (!base.plusReg) return [{ ...base, opcode }];
  return Array.from({ length: 8 }, (_, r) => ({ ...base, opcode: opcode + r }));
}

export const ROWS: readonly OpRow[] = OPCODE_ROWS.flatMap((l, i) => parseRow(l, i));

/** Candidates by map * 256 + opcode, most specific (mandatory prefix) first. */
export const CANDIDATES: OpRow[][] = Array.from({ length: 1024 }, () => []);
for (const r of ROWS) CANDIDATES[r.map * 256 + r.opcode].push(r);
for (const c of CANDIDATES) c.sort((a, b) => (b.prefix ? 1 : 0) - (a.prefix ? 1 : 0) || (b.modrmByte >= 0 ? 1 : 0) - (a.modrmByte >= 0 ? 1 : 0));

/** Whether any row at this opcode reads a ModRM byte (decided before the row is known). */
export const NEEDS_MODRM: boolean[] = CANDIDATES.map((c) => c.some((r) => r.needsModrm));

/** Flags each mnemonic leaves undefined, for tests that compare against hardware. */
export function undefinedFlags(mnem: string): number {
  let m = 0;
  for (const r of ROWS) if (r.mnem === mnem || r.mnem16 === mnem) m |= r.flagsUndefined;
  return m;
}
