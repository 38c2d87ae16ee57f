/**
 * Flag manipulation, CPUID, RDTSC and the no-operation forms. CPUID
 * describes a plain i686 (family 6) with FPU, TSC, CX8, CMOV, FXSR, SSE and
 * SSE2 and nothing the VM lacks, since glibc and busybox pick their code
 * paths from it (with SSE2, glibc's SSE2 string functions and fesetround's
 * MXCSR update).
 */
import type { Insn } from "../../isa/decode.ts";
import type { Machine } from "../machine.ts";
import { AF, CF, DF, PF, POPF_MASK, SF, ZF, materializeFlags, setFlagsFrom, updateFlags } from "../flags.ts";
import { R_EAX, R_EBX, R_ECX, R_EDX } from "../../core/layout.ts";
import { pop, push } from "./data.ts";

/** CPUID.1:EDX feature bits advertised: FPU(0) TSC(4) CX8(8) CMOV(15) MMX(23) FXSR(24) SSE(25) SSE2(26); AT_HWCAP carries the same. */
export const CPUID_FEATURES_EDX = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 15) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26);
const VENDOR = "GenuineIntel";
const word = (str: string, k: number) => str.charCodeAt(k) | (str.charCodeAt(k + 1) << 8) | (str.charCodeAt(k + 2) << 16) | (str.charCodeAt(k + 3) << 24);

function cpuidLeaf(leaf: number): [number, number, number, number] {
  switch (leaf >>> 0) {
    case 0: return [1, word(VENDOR, 0), word(VENDOR, 8), word(VENDOR, 4)];
    case 1: return [0x6f1, 0, 0, CPUID_FEATURES_EDX];
    case 0x80000000: return [0x80000000, 0, 0, 0];
  }
  return [0, 0, 0, 0];
}

const nop = () => {};
const flagOp = (mask: number, value: (f: number) => number) => (m: Machine) => updateFlags(m.s, mask, value(materializeFlags(m.s)));

export const systemExecutors = {
  nop, pause: nop, fwait: nop, prefetch: nop, prefetchw: nop, prefetchnta: nop, prefetcht0: nop, prefetcht1: nop, prefetcht2: nop,
  endbr32: nop, endbr64: nop, rdsspd: nop, incsspd: nop, lfence: nop, mfence: nop, sfence: nop, clflush: nop,
  clc: flagOp(CF, () => 0),
  stc: flagOp(CF, () => CF),
  cmc: flagOp(CF, (f) => f ^ CF),
  cld: flagOp(DF, () => 0),
  std: flagOp(DF, () => DF),
  sahf: (m: Machine) => updateFlags(m.s, SF | ZF | AF | PF | CF, m.b[1]),
  lahf(m: Machine): void {
    m.b[1] = (materializeFlags(m.s) & (SF | ZF | AF | PF | CF)) | 2;
  },
  salc(m: Machine): void {
    m.b[0] = materializeFlags(m.s) & CF ? 0xff : 0;
  },
  pushfd(m: Machine, i: Insn): void {
    push(m, i.sz, materializeFlags(m.s) & 0xfcffff);
  },
  popfd(m: Machine, i: Insn): void {
    const v = pop(m, i.sz), mask = i.sz === 2 ? POPF_MASK : POPF_MASK & 0xffff;
    setFlagsFrom(m.s, (materializeFlags(m.s) & ~mask) | (v & mask));
  },
  cpuid(m: Machine): void {
    const [a, b, c, d] = cpuidLeaf(m.s[R_EAX]);
    m.s[R_EAX] = a; m.s[R_EBX] = b; m.s[R_ECX] = c; m.s[R_EDX] = d;
  },
  rdtsc(m: Machine): void {
    const t = process.hrtime.bigint();
    m.s[R_EAX] = Number(t & 0xffffffffn) | 0;
    m.s[R_EDX] = Number((t >> 32n) & 0xffffffffn) | 0;
  },
};
