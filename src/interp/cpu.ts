/**
 * The guest CPU state as the VMM sees it: typed-array views over the register
 * file in concealed memory (layout.ts), EFLAGS assembled from the lazy-flag
 * state, and the segment descriptors that set_thread_area installs.
 *
 * Byte registers: AL..BL are bytes 0,4,8,12 of the file and AH..BH bytes
 * 1,5,9,13, so reg8 index r maps to byte offset ((r & 3) << 2) | (r >> 2).
 */
import {
  FPU_OFF, FPU_SIZE, REGS_OFF, S_EFLAGS, S_EIP, S_RETIRED, S_SEGBASE, S_SEL, STATE_SLOTS, XMM_OFF, XMM_SIZE,
} from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";
import { GuestFault, SIGSEGV } from "../core/fault.ts";
import { materializeFlags, setFlagsFrom } from "./flags.ts";

export const SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5;

/** The register file's slots that are CPU state (those from S_RETIRED on are the tier's). */
const CPU_SLOTS = S_RETIRED;

export interface Descriptor { base: number; limit: number; }

export class Cpu {
  /** 32-bit slots: registers, EIP, EFLAGS, lazy flags, selectors, segment bases. */
  readonly s: Int32Array;
  readonly b: Uint8Array;
  readonly w: Uint16Array;
  /** GDT entries by index (set_thread_area); selector 0x23/0x2b are the flat user segments. */
  readonly gdt = new Map<number, Descriptor>();

  constructor(readonly mem: Memory) {
    this.s = new Int32Array(mem.wasm.buffer, REGS_OFF, STATE_SLOTS);
    this.b = new Uint8Array(mem.wasm.buffer, REGS_OFF, 32);
    this.w = new Uint16Array(mem.wasm.buffer, REGS_OFF, 16);
    this.s[S_EFLAGS] = 0x202;
    const flat = { base: 0, limit: 0xffffffff };
    this.gdt.set(4, flat); // 0x23: user code
    this.gdt.set(5, flat); // 0x2b: user data
    this.s[S_SEL + SEG_CS] = 0x23;
    for (const sr of [SEG_ES, SEG_SS, SEG_DS]) this.s[S_SEL + sr] = 0x2b;
  }

  /**
   * A forked child's CPU: the registers, flags, segments, x87 and SSE state of parent, whose
   * memory this one's copies; the tier's counters in the register file start from zero.
   */
  copyFrom(parent: Cpu): void {
    const from = parent.mem.u8, to = this.mem.u8;
    to.set(from.subarray(REGS_OFF, REGS_OFF + CPU_SLOTS * 4), REGS_OFF);
    to.set(from.subarray(FPU_OFF, FPU_OFF + FPU_SIZE), FPU_OFF);
    to.set(from.subarray(XMM_OFF, XMM_OFF + XMM_SIZE), XMM_OFF);
    this.gdt.clear();
    for (const [i, d] of parent.gdt) this.gdt.set(i, { ...d });
  }

  get eip(): number { return this.s[S_EIP] >>> 0; }
  set eip(v: number) { this.s[S_EIP] = v; }

  get eflags(): number { return materializeFlags(this.s); }
  set eflags(v: number) { setFlagsFrom(this.s, v); }

  segBase(seg: number): number { return this.s[S_SEGBASE + seg]; }

  /** mov sreg / pop sreg: a null selector is allowed in data segments; others need a GDT entry. */
  loadSegment(seg: number, sel: number, eip: number): void {
    sel &= 0xffff;
    let base = 0;
    if (sel >= 4) {
      const d = (sel & 4) === 0 ? this.gdt.get(sel >> 3) : undefined;
      if (!d || (sel & 3) !== 3) throw new GuestFault(SIGSEGV, eip, `general protection: segment selector 0x${sel.toString(16)}`);
      base = d.base;
    } else if (seg === SEG_CS || seg === SEG_SS) {
      throw new GuestFault(SIGSEGV, eip, "general protection: null code/stack selector");
    }
    this.s[S_SEL + seg] = sel;
    this.s[S_SEGBASE + seg] = base;
  }
}
