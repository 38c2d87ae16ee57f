/**
 * Executors specialized at block-build time by operand form and size, for
 * the instructions that dominate ordinary compiled code. Each one does
 * exactly what the generic executor of its mnemonic (exec/*.ts) does for
 * that form — same results, same lazy-flag slots, same faults — without the
 * generic operand switches. specialize() returns undefined for every form it
 * does not cover, and the generic executor runs it instead.
 *
 * Forms: "R" is a register ModRM operand, "M" a memory one. 16-bit address
 * size is never specialized. Loads happen before any write, so a fault
 * leaves the state as it was; read-modify-write forms store before they
 * record flags.
 */
import type { Exec, Insn } from "../isa/decode.ts";
import { K_ACC, K_CL, K_E, K_G, K_IMM, K_MOFFS, K_ONE, K_Z } from "../isa/table.ts";
import { R_EAX, R_EBP, R_ECX, R_EDX, R_ESP, S_LAZY_A, S_LAZY_B, S_LAZY_CF, S_LAZY_OP, S_LAZY_RES, S_SEGBASE } from "../core/layout.ts";
import {
  carry, condition, K_MUL, K_SAR, K_SHL, K_SHR, logic32Taken, OP_ADD32, OP_DEC32, OP_INC32, OP_LOGIC32, OP_SUB32, sub32Taken, SUB32_CCS,
} from "./flags.ts";
import type { Machine } from "./machine.ts";
import { alu } from "./exec/alu.ts";

const OP_MUL32 = (K_MUL << 2) | 2;
const OP_SHL32 = (K_SHL << 2) | 2, OP_SHR32 = (K_SHR << 2) | 2, OP_SAR32 = (K_SAR << 2) | 2;

/** Byte offset in the register file of 8-bit register r (AL CL DL BL AH CH DH BH). */
const b8 = (r: number): number => ((r & 3) << 2) | (r >> 2);

/** Effective address of the ModRM memory operand (32-bit addressing), segment base included. */
function ea(s: Int32Array, i: Insn): number {
  let a = i.disp;
  if (i.base >= 0) a += s[i.base];
  if (i.index >= 0) a += s[i.index] << i.scale;
  if (i.seg >= 4) a += s[S_SEGBASE + i.seg];
  return a | 0;
}

// ---- lazy flags, exactly as flags.ts setLazy would store them at 32 bits ----

function lazy(s: Int32Array, op: number, r: number, a: number, b: number): void {
  s[S_LAZY_OP] = op;
  s[S_LAZY_RES] = r;
  s[S_LAZY_A] = a;
  s[S_LAZY_B] = b;
}

function logic(s: Int32Array, r: number): void {
  s[S_LAZY_OP] = OP_LOGIC32;
  s[S_LAZY_RES] = r;
  s[S_LAZY_A] = 0;
  s[S_LAZY_B] = 0;
}

// ---- 32-bit ALU operations: one executor per operation and form ----
// Forms: EG_R / EG_M (r/m32, r32), GE_R / GE_M (r32, r/m32), EI_R / EI_M (r/m32, imm), AI (eax, imm).

type AluForms = [Exec, Exec, Exec, Exec, Exec, Exec, Exec];

const ADD: AluForms = [
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], b = s[i.reg], r = (a + b) | 0; s[i.rm] = r; lazy(s, OP_ADD32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), a = m.ld32(ad), b = s[i.reg], r = (a + b) | 0; m.st32(ad, r); lazy(s, OP_ADD32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.reg], b = s[i.rm], r = (a + b) | 0; s[i.reg] = r; lazy(s, OP_ADD32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, b = m.ld32(ea(s, i)), a = s[i.reg], r = (a + b) | 0; s[i.reg] = r; lazy(s, OP_ADD32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], b = i.imm, r = (a + b) | 0; s[i.rm] = r; lazy(s, OP_ADD32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), a = m.ld32(ad), b = i.imm, r = (a + b) | 0; m.st32(ad, r); lazy(s, OP_ADD32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[R_EAX], b = i.imm, r = (a + b) | 0; s[R_EAX] = r; lazy(s, OP_ADD32, r, a, b); },
];

const SUB: AluForms = [
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], b = s[i.reg], r = (a - b) | 0; s[i.rm] = r; lazy(s, OP_SUB32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), a = m.ld32(ad), b = s[i.reg], r = (a - b) | 0; m.st32(ad, r); lazy(s, OP_SUB32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.reg], b = s[i.rm], r = (a - b) | 0; s[i.reg] = r; lazy(s, OP_SUB32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, b = m.ld32(ea(s, i)), a = s[i.reg], r = (a - b) | 0; s[i.reg] = r; lazy(s, OP_SUB32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], b = i.imm, r = (a - b) | 0; s[i.rm] = r; lazy(s, OP_SUB32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), a = m.ld32(ad), b = i.imm, r = (a - b) | 0; m.st32(ad, r); lazy(s, OP_SUB32, r, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[R_EAX], b = i.imm, r = (a - b) | 0; s[R_EAX] = r; lazy(s, OP_SUB32, r, a, b); },
];

const CMP: AluForms = [
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], b = s[i.reg]; lazy(s, OP_SUB32, (a - b) | 0, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = m.ld32(ea(s, i)), b = s[i.reg]; lazy(s, OP_SUB32, (a - b) | 0, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.reg], b = s[i.rm]; lazy(s, OP_SUB32, (a - b) | 0, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, b = m.ld32(ea(s, i)), a = s[i.reg]; lazy(s, OP_SUB32, (a - b) | 0, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], b = i.imm; lazy(s, OP_SUB32, (a - b) | 0, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = m.ld32(ea(s, i)), b = i.imm; lazy(s, OP_SUB32, (a - b) | 0, a, b); },
  (m: Machine, i: Insn) => { const s = m.s, a = s[R_EAX], b = i.imm; lazy(s, OP_SUB32, (a - b) | 0, a, b); },
];

const AND: AluForms = [
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.rm] & s[i.reg]; s[i.rm] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), r = m.ld32(ad) & s[i.reg]; m.st32(ad, r); logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.reg] & s[i.rm]; s[i.reg] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = m.ld32(ea(s, i)) & s[i.reg]; s[i.reg] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.rm] & i.imm; s[i.rm] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), r = m.ld32(ad) & i.imm; m.st32(ad, r); logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[R_EAX] & i.imm; s[R_EAX] = r; logic(s, r); },
];

const OR: AluForms = [
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.rm] | s[i.reg]; s[i.rm] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), r = m.ld32(ad) | s[i.reg]; m.st32(ad, r); logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.reg] | s[i.rm]; s[i.reg] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = m.ld32(ea(s, i)) | s[i.reg]; s[i.reg] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.rm] | i.imm; s[i.rm] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), r = m.ld32(ad) | i.imm; m.st32(ad, r); logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[R_EAX] | i.imm; s[R_EAX] = r; logic(s, r); },
];

const XOR: AluForms = [
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.rm] ^ s[i.reg]; s[i.rm] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), r = m.ld32(ad) ^ s[i.reg]; m.st32(ad, r); logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.reg] ^ s[i.rm]; s[i.reg] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = m.ld32(ea(s, i)) ^ s[i.reg]; s[i.reg] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[i.rm] ^ i.imm; s[i.rm] = r; logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, ad = ea(s, i), r = m.ld32(ad) ^ i.imm; m.st32(ad, r); logic(s, r); },
  (m: Machine, i: Insn) => { const s = m.s, r = s[R_EAX] ^ i.imm; s[R_EAX] = r; logic(s, r); },
];

const TEST: AluForms = [
  (m: Machine, i: Insn) => { const s = m.s; logic(s, s[i.rm] & s[i.reg]); },
  (m: Machine, i: Insn) => { const s = m.s; logic(s, m.ld32(ea(s, i)) & s[i.reg]); },
  (m: Machine, i: Insn) => { const s = m.s; logic(s, s[i.reg] & s[i.rm]); },
  (m: Machine, i: Insn) => { const s = m.s; logic(s, m.ld32(ea(s, i)) & s[i.reg]); },
  (m: Machine, i: Insn) => { const s = m.s; logic(s, s[i.rm] & i.imm); },
  (m: Machine, i: Insn) => { const s = m.s; logic(s, m.ld32(ea(s, i)) & i.imm); },
  (m: Machine, i: Insn) => { const s = m.s; logic(s, s[R_EAX] & i.imm); },
];

/** Generic-operation forms for the remaining ALU operations (adc, sbb) and for 8-bit operands. */
function aluForms(op: number, sz: 0 | 2): AluForms {
  const write = op !== 7 && op !== 8;
  const f = op === 8 ? 4 : op; // 8: test = and without the write
  if (sz === 2) {
    return [
      (m: Machine, i: Insn) => { const s = m.s, r = alu(s, f, 2, s[i.rm], s[i.reg]); if (write) s[i.rm] = r; },
      (m: Machine, i: Insn) => {
        const s = m.s, ad = ea(s, i), a = m.ld32(ad), b = s[i.reg];
        if (write) rmw(m, ad, f, 2, a, b); else alu(s, f, 2, a, b);
      },
      (m: Machine, i: Insn) => { const s = m.s, r = alu(s, f, 2, s[i.reg], s[i.rm]); if (write) s[i.reg] = r; },
      (m: Machine, i: Insn) => { const s = m.s, b = m.ld32(ea(s, i)), r = alu(s, f, 2, s[i.reg], b); if (write) s[i.reg] = r; },
      (m: Machine, i: Insn) => { const s = m.s, r = alu(s, f, 2, s[i.rm], i.imm); if (write) s[i.rm] = r; },
      (m: Machine, i: Insn) => {
        const s = m.s, ad = ea(s, i), a = m.ld32(ad);
        if (write) rmw(m, ad, f, 2, a, i.imm); else alu(s, f, 2, a, i.imm);
      },
      (m: Machine, i: Insn) => { const s = m.s, r = alu(s, f, 2, s[R_EAX], i.imm); if (write) s[R_EAX] = r; },
    ];
  }
  return [
    (m: Machine, i: Insn) => { const s = m.s, bb = m.b, r = alu(s, f, 0, bb[b8(i.rm)], bb[b8(i.reg)]); if (write) bb[b8(i.rm)] = r; },
    (m: Machine, i: Insn) => {
      const s = m.s, ad = ea(s, i), a = m.ld8(ad), b = m.b[b8(i.reg)];
      if (write) rmw(m, ad, f, 0, a, b); else alu(s, f, 0, a, b);
    },
    (m: Machine, i: Insn) => { const s = m.s, bb = m.b, r = alu(s, f, 0, bb[b8(i.reg)], bb[b8(i.rm)]); if (write) bb[b8(i.reg)] = r; },
    (m: Machine, i: Insn) => { const s = m.s, b = m.ld8(ea(s, i)), r = alu(s, f, 0, m.b[b8(i.reg)], b); if (write) m.b[b8(i.reg)] = r; },
    (m: Machine, i: Insn) => { const s = m.s, bb = m.b, r = alu(s, f, 0, bb[b8(i.rm)], i.imm); if (write) bb[b8(i.rm)] = r; },
    (m: Machine, i: Insn) => {
      const s = m.s, ad = ea(s, i), a = m.ld8(ad);
      if (write) rmw(m, ad, f, 0, a, i.imm); else alu(s, f, 0, a, i.imm);
    },
    (m: Machine, i: Insn) => { const s = m.s, bb = m.b, r = alu(s, f, 0, bb[0], i.imm); if (write) bb[0] = r; },
  ];
}

/**
 * Read-modify-write through alu(), which records flags as it computes: when
 * the store then faults, the lazy state is put back so the instruction has no effect.
 */
function rmw(m: Machine, ad: number, f: number, sz: 0 | 2, a: number, b: number): void {
  const s = m.s;
  const op = s[S_LAZY_OP], res = s[S_LAZY_RES], la = s[S_LAZY_A], lb = s[S_LAZY_B], cf = s[S_LAZY_CF];
  const r = alu(s, f, sz, a, b);
  try {
    if (sz === 2) m.st32(ad, r);
    else m.st8(ad, r);
  } catch (e) {
    s[S_LAZY_OP] = op; s[S_LAZY_RES] = res; s[S_LAZY_A] = la; s[S_LAZY_B] = lb; s[S_LAZY_CF] = cf;
    throw e;
  }
}

const ALU32: Record<string, AluForms> = {
  add: ADD, sub: SUB, cmp: CMP, and: AND, or: OR, xor: XOR, test: TEST, adc: aluForms(2, 2), sbb: aluForms(3, 2),
};
const ALU8: Record<string, AluForms> = {
  add: aluForms(0, 0), or: aluForms(1, 0), adc: aluForms(2, 0), sbb: aluForms(3, 0),
  and: aluForms(4, 0), sub: aluForms(5, 0), xor: aluForms(6, 0), cmp: aluForms(7, 0), test: aluForms(8, 0),
};

/** Index into AluForms for the instruction's operand form, or -1. */
function aluForm(i: Insn): number {
  const mem = i.mod !== 3;
  if (i.k0 === K_E && i.k1 === K_G) return mem ? 1 : 0;
  if (i.k0 === K_G && i.k1 === K_E) return mem ? 3 : 2;
  if (i.k0 === K_E && i.k1 === K_IMM) return mem ? 5 : 4;
  if (i.k0 === K_ACC && i.k1 === K_IMM) return 6;
  return -1;
}

// ---- data movement ----

const MOV32: Record<string, Exec> = {
  EG_R: (m: Machine, i: Insn) => { const s = m.s; s[i.rm] = s[i.reg]; },
  EG_M: (m: Machine, i: Insn) => { const s = m.s; m.st32(ea(s, i), s[i.reg]); },
  GE_R: (m: Machine, i: Insn) => { const s = m.s; s[i.reg] = s[i.rm]; },
  GE_M: (m: Machine, i: Insn) => { const s = m.s; s[i.reg] = m.ld32(ea(s, i)); },
  ZI: (m: Machine, i: Insn) => { m.s[i.rm] = i.imm; },
  EI_R: (m: Machine, i: Insn) => { m.s[i.rm] = i.imm; },
  EI_M: (m: Machine, i: Insn) => { m.st32(ea(m.s, i), i.imm); },
  AO: (m: Machine, i: Insn) => { const s = m.s; s[R_EAX] = m.ld32(ea(s, i)); },
  OA: (m: Machine, i: Insn) => { const s = m.s; m.st32(ea(s, i), s[R_EAX]); },
};

const MOV8: Record<string, Exec> = {
  EG_R: (m: Machine, i: Insn) => { const b = m.b; b[b8(i.rm)] = b[b8(i.reg)]; },
  EG_M: (m: Machine, i: Insn) => { m.st8(ea(m.s, i), m.b[b8(i.reg)]); },
  GE_R: (m: Machine, i: Insn) => { const b = m.b; b[b8(i.reg)] = b[b8(i.rm)]; },
  GE_M: (m: Machine, i: Insn) => { m.b[b8(i.reg)] = m.ld8(ea(m.s, i)); },
  ZI: (m: Machine, i: Insn) => { m.b[b8(i.rm)] = i.imm; },
  EI_R: (m: Machine, i: Insn) => { m.b[b8(i.rm)] = i.imm; },
  EI_M: (m: Machine, i: Insn) => { m.st8(ea(m.s, i), i.imm); },
  AO: (m: Machine, i: Insn) => { m.b[0] = m.ld8(ea(m.s, i)); },
  OA: (m: Machine, i: Insn) => { m.st8(ea(m.s, i), m.b[0]); },
};

function movForm(i: Insn): string | undefined {
  const mem = i.mod !== 3;
  const { k0, k1 } = i;
  if (k0 === K_E && k1 === K_G) return mem ? "EG_M" : "EG_R";
  if (k0 === K_G && k1 === K_E) return mem ? "GE_M" : "GE_R";
  if (k0 === K_Z && k1 === K_IMM) return "ZI";
  if (k0 === K_E && k1 === K_IMM) return mem ? "EI_M" : "EI_R";
  if (k0 === K_ACC && k1 === K_MOFFS) return "AO";
  if (k0 === K_MOFFS && k1 === K_ACC) return "OA";
  return undefined;
}

const movzxB_R: Exec = (m: Machine, i: Insn) => { m.s[i.reg] = m.b[b8(i.rm)]; };
const movzxB_M: Exec = (m: Machine, i: Insn) => { const s = m.s; s[i.reg] = m.ld8(ea(s, i)); };
const movzxW_R: Exec = (m: Machine, i: Insn) => { m.s[i.reg] = m.w[i.rm << 1]; };
const movzxW_M: Exec = (m: Machine, i: Insn) => { const s = m.s; s[i.reg] = m.ld16(ea(s, i)); };
const movsxB_R: Exec = (m: Machine, i: Insn) => { m.s[i.reg] = (m.b[b8(i.rm)] << 24) >> 24; };
const movsxB_M: Exec = (m: Machine, i: Insn) => { const s = m.s; s[i.reg] = (m.ld8(ea(s, i)) << 24) >> 24; };
const movsxW_R: Exec = (m: Machine, i: Insn) => { m.s[i.reg] = (m.w[i.rm << 1] << 16) >> 16; };
const movsxW_M: Exec = (m: Machine, i: Insn) => { const s = m.s; s[i.reg] = (m.ld16(ea(s, i)) << 16) >> 16; };

const lea32: Exec = (m: Machine, i: Insn) => {
  const s = m.s;
  let a = i.disp;
  if (i.base >= 0) a += s[i.base];
  if (i.index >= 0) a += s[i.index] << i.scale;
  s[i.reg] = a;
};

// Stack: the store happens before ESP moves, so a faulting push changes nothing.
const pushZ: Exec = (m: Machine, i: Insn) => { const s = m.s, sp = (s[R_ESP] - 4) | 0; m.st32(sp, s[i.rm]); s[R_ESP] = sp; };
const pushI: Exec = (m: Machine, i: Insn) => { const s = m.s, sp = (s[R_ESP] - 4) | 0; m.st32(sp, i.imm); s[R_ESP] = sp; };
const pushM: Exec = (m: Machine, i: Insn) => { const s = m.s, v = m.ld32(ea(s, i)), sp = (s[R_ESP] - 4) | 0; m.st32(sp, v); s[R_ESP] = sp; };
const popZ: Exec = (m: Machine, i: Insn) => { const s = m.s, v = m.ld32(s[R_ESP]); s[R_ESP] = (s[R_ESP] + 4) | 0; s[i.rm] = v; };
const leave32: Exec = (m: Machine) => { const s = m.s, v = m.ld32(s[R_EBP]); s[R_ESP] = (s[R_EBP] + 4) | 0; s[R_EBP] = v; };

// ---- inc/dec/neg/not, shifts, multiplication ----

const incZ: Exec = (m: Machine, i: Insn) => {
  const s = m.s, a = s[i.rm], r = (a + 1) | 0;
  s[i.rm] = r;
  s[S_LAZY_CF] = carry(s);
  lazy(s, OP_INC32, r, a, 1);
};
const decZ: Exec = (m: Machine, i: Insn) => {
  const s = m.s, a = s[i.rm], r = (a - 1) | 0;
  s[i.rm] = r;
  s[S_LAZY_CF] = carry(s);
  lazy(s, OP_DEC32, r, a, 1);
};
const incM: Exec = (m: Machine, i: Insn) => {
  const s = m.s, ad = ea(s, i), a = m.ld32(ad), r = (a + 1) | 0;
  m.st32(ad, r);
  s[S_LAZY_CF] = carry(s);
  lazy(s, OP_INC32, r, a, 1);
};
const decM: Exec = (m: Machine, i: Insn) => {
  const s = m.s, ad = ea(s, i), a = m.ld32(ad), r = (a - 1) | 0;
  m.st32(ad, r);
  s[S_LAZY_CF] = carry(s);
  lazy(s, OP_DEC32, r, a, 1);
};
const negR: Exec = (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], r = -a | 0; s[i.rm] = r; lazy(s, OP_SUB32, r, 0, a); };
const notR: Exec = (m: Machine, i: Insn) => { const s = m.s; s[i.rm] = ~s[i.rm]; };

// Register shifts by an immediate, by 1 or by CL; a masked count of zero changes nothing.
const shlI: Exec = (m: Machine, i: Insn) => { const s = m.s, c = i.imm & 31; if (c === 0) return; const a = s[i.rm], r = a << c; s[i.rm] = r; lazy(s, OP_SHL32, r, a, c); };
const shrI: Exec = (m: Machine, i: Insn) => { const s = m.s, c = i.imm & 31; if (c === 0) return; const a = s[i.rm], r = (a >>> c) | 0; s[i.rm] = r; lazy(s, OP_SHR32, r, a, c); };
const sarI: Exec = (m: Machine, i: Insn) => { const s = m.s, c = i.imm & 31; if (c === 0) return; const a = s[i.rm], r = a >> c; s[i.rm] = r; lazy(s, OP_SAR32, r, a, c); };
const shl1: Exec = (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], r = a << 1; s[i.rm] = r; lazy(s, OP_SHL32, r, a, 1); };
const shr1: Exec = (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], r = (a >>> 1) | 0; s[i.rm] = r; lazy(s, OP_SHR32, r, a, 1); };
const sar1: Exec = (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], r = a >> 1; s[i.rm] = r; lazy(s, OP_SAR32, r, a, 1); };
const shlC: Exec = (m: Machine, i: Insn) => { const s = m.s, c = s[R_ECX] & 31; if (c === 0) return; const a = s[i.rm], r = a << c; s[i.rm] = r; lazy(s, OP_SHL32, r, a, c); };
const shrC: Exec = (m: Machine, i: Insn) => { const s = m.s, c = s[R_ECX] & 31; if (c === 0) return; const a = s[i.rm], r = (a >>> c) | 0; s[i.rm] = r; lazy(s, OP_SHR32, r, a, c); };
const sarC: Exec = (m: Machine, i: Insn) => { const s = m.s, c = s[R_ECX] & 31; if (c === 0) return; const a = s[i.rm], r = a >> c; s[i.rm] = r; lazy(s, OP_SAR32, r, a, c); };

/**
 * Truncating signed multiply: a product outside int32 rounds (monotonically)
 * to a double outside int32, so OF/CF = the double product differs from the low half.
 */
function imulTrunc(s: Int32Array, a: number, b: number): number {
  const r = Math.imul(a, b);
  lazy(s, OP_MUL32, r, a * b !== r ? 1 : 0, 0);
  return r;
}
const imulGE_R: Exec = (m: Machine, i: Insn) => { const s = m.s; s[i.reg] = imulTrunc(s, s[i.reg], s[i.rm]); };
const imulGE_M: Exec = (m: Machine, i: Insn) => { const s = m.s, b = m.ld32(ea(s, i)); s[i.reg] = imulTrunc(s, s[i.reg], b); };
const imulGEI_R: Exec = (m: Machine, i: Insn) => { const s = m.s; s[i.reg] = imulTrunc(s, s[i.rm], i.imm); };
const imulGEI_M: Exec = (m: Machine, i: Insn) => { const s = m.s, a = m.ld32(ea(s, i)); s[i.reg] = imulTrunc(s, a, i.imm); };

/** mul r/m32: EDX:EAX = EAX * src, unsigned. */
function mul32(s: Int32Array, src: number): void {
  const a = s[R_EAX] >>> 0, b = src >>> 0;
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const lo = (p00 & 0xffff) | (mid << 16);
  const hi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
  s[R_EAX] = lo;
  s[R_EDX] = hi;
  lazy(s, OP_MUL32, lo, hi !== 0 ? 1 : 0, 0);
}
const mulR: Exec = (m: Machine, i: Insn) => { const s = m.s; mul32(s, s[i.rm]); };
const mulM: Exec = (m: Machine, i: Insn) => { const s = m.s; mul32(s, m.ld32(ea(s, i))); };
const cdq32: Exec = (m: Machine) => { const s = m.s; s[R_EDX] = s[R_EAX] >> 31; };

// ---- control transfer ----

const jmpJ: Exec = (m: Machine, i: Insn) => { m.next = i.target; };
const jmpR: Exec = (m: Machine, i: Insn) => { m.next = m.s[i.rm] >>> 0; };
const jmpM: Exec = (m: Machine, i: Insn) => { m.next = m.ld32(ea(m.s, i)) >>> 0; };
const callJ: Exec = (m: Machine, i: Insn) => {
  const s = m.s, sp = (s[R_ESP] - 4) | 0;
  m.st32(sp, i.addr + i.len);
  s[R_ESP] = sp;
  m.next = i.target;
};
const callR: Exec = (m: Machine, i: Insn) => {
  const s = m.s, t = s[i.rm], sp = (s[R_ESP] - 4) | 0;
  m.st32(sp, i.addr + i.len);
  s[R_ESP] = sp;
  m.next = t >>> 0;
};
const callM: Exec = (m: Machine, i: Insn) => {
  const s = m.s, t = m.ld32(ea(s, i)), sp = (s[R_ESP] - 4) | 0;
  m.st32(sp, i.addr + i.len);
  s[R_ESP] = sp;
  m.next = t >>> 0;
};
const ret32: Exec = (m: Machine) => {
  const s = m.s, t = m.ld32(s[R_ESP]);
  s[R_ESP] = (s[R_ESP] + 4) | 0;
  m.next = t >>> 0;
};

/** jcc by condition code; the conditions after a 32-bit cmp/sub/logic op are answered by flags.ts condition()'s fast paths. */
const JCC: Exec[] = Array.from({ length: 16 }, (_, cc) => JCC_BY_CC(cc));
function JCC_BY_CC(cc: number): Exec {
  switch (cc) {
    case 2: return (m: Machine, i: Insn) => { if (condB(m.s)) m.next = i.target; };
    case 3: return (m: Machine, i: Insn) => { if (!condB(m.s)) m.next = i.target; };
    case 4: return (m: Machine, i: Insn) => { if (condE(m.s)) m.next = i.target; };
    case 5: return (m: Machine, i: Insn) => { if (!condE(m.s)) m.next = i.target; };
    case 6: return (m: Machine, i: Insn) => { if (condBE(m.s)) m.next = i.target; };
    case 7: return (m: Machine, i: Insn) => { if (!condBE(m.s)) m.next = i.target; };
    case 8: return (m: Machine, i: Insn) => { if (condS(m.s)) m.next = i.target; };
    case 9: return (m: Machine, i: Insn) => { if (!condS(m.s)) m.next = i.target; };
    case 12: return (m: Machine, i: Insn) => { if (condL(m.s)) m.next = i.target; };
    case 13: return (m: Machine, i: Insn) => { if (!condL(m.s)) m.next = i.target; };
    case 14: return (m: Machine, i: Insn) => { if (condLE(m.s)) m.next = i.target; };
    case 15: return (m: Machine, i: Insn) => { if (!condLE(m.s)) m.next = i.target; };
  }
  return (m: Machine, i: Insn) => { if (condition(m.s, cc)) m.next = i.target; };
}

function condE(s: Int32Array): boolean {
  const op = s[S_LAZY_OP];
  return (op & 3) === 2 && op > 3 ? s[S_LAZY_RES] === 0 : condition(s, 4);
}
function condS(s: Int32Array): boolean {
  const op = s[S_LAZY_OP];
  return (op & 3) === 2 && op > 3 ? s[S_LAZY_RES] < 0 : condition(s, 8);
}
function condB(s: Int32Array): boolean {
  return s[S_LAZY_OP] === OP_SUB32 ? (s[S_LAZY_A] >>> 0) < (s[S_LAZY_B] >>> 0) : condition(s, 2);
}
function condBE(s: Int32Array): boolean {
  return s[S_LAZY_OP] === OP_SUB32 ? (s[S_LAZY_A] >>> 0) <= (s[S_LAZY_B] >>> 0) : condition(s, 6);
}
function condL(s: Int32Array): boolean {
  const op = s[S_LAZY_OP];
  return op === OP_SUB32 ? s[S_LAZY_A] < s[S_LAZY_B] : op === OP_LOGIC32 ? s[S_LAZY_RES] < 0 : condition(s, 12);
}
function condLE(s: Int32Array): boolean {
  const op = s[S_LAZY_OP];
  return op === OP_SUB32 ? s[S_LAZY_A] <= s[S_LAZY_B] : op === OP_LOGIC32 ? s[S_LAZY_RES] <= 0 : condition(s, 14);
}

const SETCC_R: Exec[] = Array.from({ length: 16 }, (_, cc) => (m: Machine, i: Insn) => { m.b[b8(i.rm)] = condition(m.s, cc) ? 1 : 0; });
const SETCC_M: Exec[] = Array.from({ length: 16 }, (_, cc) => (m: Machine, i: Insn) => { m.st8(ea(m.s, i), condition(m.s, cc) ? 1 : 0); });
const CMOV_R: Exec[] = Array.from({ length: 16 }, (_, cc) => (m: Machine, i: Insn) => { const s = m.s, v = s[i.rm]; if (condition(s, cc)) s[i.reg] = v; });
const CMOV_M: Exec[] = Array.from({ length: 16 }, (_, cc) => (m: Machine, i: Insn) => { const s = m.s, v = m.ld32(ea(s, i)); if (condition(s, cc)) s[i.reg] = v; });

const CC_NAMES = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const CC_OF: Record<string, number> = Object.fromEntries(CC_NAMES.map((c, k) => [c, k]));

/** The specialized executor for this instruction's form, or undefined to use the generic one. */
export function specialize(i: Insn): Exec | undefined {
  if (i.asz16) return undefined;
  const row = i.row;
  if (row.map > 1 || row.attrs.has("sys")) return undefined;
  const mn = row.mnem, mem = i.hasModrm && i.mod !== 3, sz = i.sz;
  const { k0, k1, k2 } = i;

  // Control transfer (32-bit operand size only: 16-bit forms truncate EIP).
  if (!i.osz16) {
    if (mn[0] === "j" && k0 !== K_E && mn !== "jmp" && mn !== "jecxz" && row.attrs.has("cond")) {
      const cc = CC_OF[mn.slice(1)];
      if (cc !== undefined && (row.opcode & 15) === cc) return JCC[cc];
    }
    switch (mn) {
      case "jmp": return k0 === K_E ? (mem ? jmpM : jmpR) : row.ops[0]?.[0] === "J" ? jmpJ : undefined;
      case "call": return k0 === K_E ? (mem ? callM : callR) : row.ops[0]?.[0] === "J" ? callJ : undefined;
      case "ret": return k0 === 0 && row.ops.length === 0 ? ret32 : undefined;
    }
  }

  if (mn.startsWith("set") && mn.length <= 5 && k0 === K_E) {
    const cc = CC_OF[mn.slice(3)];
    if (cc !== undefined && (row.opcode & 15) === cc) return mem ? SETCC_M[cc] : SETCC_R[cc];
  }

  if (sz === 2) {
    const forms = ALU32[mn];
    if (forms) {
      const f = aluForm(i);
      return f >= 0 ? forms[f] : undefined;
    }
    if (mn.startsWith("cmov") && k0 === K_G && k1 === K_E) {
      const cc = CC_OF[mn.slice(4)];
      if (cc !== undefined && (row.opcode & 15) === cc) return mem ? CMOV_M[cc] : CMOV_R[cc];
    }
    switch (mn) {
      case "mov": { const f = movForm(i); return f ? MOV32[f] : undefined; }
      case "movzx": return row.ops[1] === "Eb" ? (mem ? movzxB_M : movzxB_R) : row.ops[1] === "Ew" ? (mem ? movzxW_M : movzxW_R) : undefined;
      case "movsx": return row.ops[1] === "Eb" ? (mem ? movsxB_M : movsxB_R) : row.ops[1] === "Ew" ? (mem ? movsxW_M : movsxW_R) : undefined;
      case "lea": return k0 === K_G && mem ? lea32 : undefined;
      case "push": return k0 === K_Z ? pushZ : k0 === K_IMM ? pushI : k0 === K_E && mem ? pushM : undefined;
      case "pop": return k0 === K_Z ? popZ : undefined;
      case "leave": return leave32;
      case "inc": return k0 === K_Z || (k0 === K_E && !mem) ? incZ : k0 === K_E ? incM : undefined;
      case "dec": return k0 === K_Z || (k0 === K_E && !mem) ? decZ : k0 === K_E ? decM : undefined;
      case "neg": return k0 === K_E && !mem ? negR : undefined;
      case "not": return k0 === K_E && !mem ? notR : undefined;
      case "shl": case "sal": case "shr": case "sar": {
        if (k0 !== K_E || mem) return undefined;
        const which = mn === "shr" ? 1 : mn === "sar" ? 2 : 0;
        if (k1 === K_IMM) return [shlI, shrI, sarI][which];
        if (k1 === K_ONE) return [shl1, shr1, sar1][which];
        if (k1 === K_CL) return [shlC, shrC, sarC][which];
        return undefined;
      }
      case "imul":
        if (k0 === K_G && k1 === K_E && !k2) return mem ? imulGE_M : imulGE_R;
        if (k0 === K_G && k1 === K_E && k2 === K_IMM) return mem ? imulGEI_M : imulGEI_R;
        return undefined;
      case "mul": return k0 === K_E ? (mem ? mulM : mulR) : undefined;
      case "cdq": return cdq32;
    }
    return undefined;
  }

  if (sz === 0) {
    const forms = ALU8[mn];
    if (forms) {
      const f = aluForm(i);
      return f >= 0 ? forms[f] : undefined;
    }
    if (mn === "mov") { const f = movForm(i); return f ? MOV8[f] : undefined; }
  }
  return undefined;
}

// ---- cmp/test + jcc pairs, the usual end of a block, as one executor ----

type Fuser = (cc: number, t: number) => Exec;

const FUSED_CMP: Fuser[] = [
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], b = s[i.reg]; lazy(s, OP_SUB32, (a - b) | 0, a, b); if (sub32Taken(cc, a, b)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, a = m.ld32(ea(s, i)), b = s[i.reg]; lazy(s, OP_SUB32, (a - b) | 0, a, b); if (sub32Taken(cc, a, b)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, a = s[i.reg], b = s[i.rm]; lazy(s, OP_SUB32, (a - b) | 0, a, b); if (sub32Taken(cc, a, b)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, b = m.ld32(ea(s, i)), a = s[i.reg]; lazy(s, OP_SUB32, (a - b) | 0, a, b); if (sub32Taken(cc, a, b)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, a = s[i.rm], b = i.imm; lazy(s, OP_SUB32, (a - b) | 0, a, b); if (sub32Taken(cc, a, b)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, a = m.ld32(ea(s, i)), b = i.imm; lazy(s, OP_SUB32, (a - b) | 0, a, b); if (sub32Taken(cc, a, b)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, a = s[R_EAX], b = i.imm; lazy(s, OP_SUB32, (a - b) | 0, a, b); if (sub32Taken(cc, a, b)) m.next = t; },
];

const FUSED_TEST: Fuser[] = [
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, r = s[i.rm] & s[i.reg]; logic(s, r); if (logic32Taken(cc, r)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, r = m.ld32(ea(s, i)) & s[i.reg]; logic(s, r); if (logic32Taken(cc, r)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, r = s[i.reg] & s[i.rm]; logic(s, r); if (logic32Taken(cc, r)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, r = m.ld32(ea(s, i)) & s[i.reg]; logic(s, r); if (logic32Taken(cc, r)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, r = s[i.rm] & i.imm; logic(s, r); if (logic32Taken(cc, r)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, r = m.ld32(ea(s, i)) & i.imm; logic(s, r); if (logic32Taken(cc, r)) m.next = t; },
  (cc, t) => (m: Machine, i: Insn) => { const s = m.s, r = s[R_EAX] & i.imm; logic(s, r); if (logic32Taken(cc, r)) m.next = t; },
];

/**
 * One executor for a 32-bit cmp or test followed by a jcc on its flags: the
 * same lazy flags are recorded, and the branch is decided from the operands.
 * Only the compare can fault, so it stands for both instructions.
 */
export function fuse(a: Insn, b: Insn): Exec | undefined {
  if (a.asz16 || a.sz !== 2 || b.osz16 || !b.row.attrs.has("cond") || b.row.mnem[0] !== "j" || b.row.map > 1) return undefined;
  const cc = CC_OF[b.row.mnem.slice(1)];
  if (cc === undefined || (b.row.opcode & 15) !== cc || !((SUB32_CCS >> cc) & 1)) return undefined;
  const table = a.row.mnem === "cmp" ? FUSED_CMP : a.row.mnem === "test" ? FUSED_TEST : undefined;
  if (!table || a.row.map !== 0) return undefined;
  const form = aluForm(a);
  return form >= 0 ? table[form](cc, b.target) : undefined;
}
