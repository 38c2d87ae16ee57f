/**
 * Running a guest signal handler, as the i386 kernel does on return from a
 * system call: the interrupted registers and signal mask are saved in a
 * frame pushed on the guest's stack (a sigframe, or with SA_SIGINFO an
 * rt_sigframe with siginfo and ucontext), and the guest resumes in the
 * handler with the frame's return address (sa_restorer, which glibc always
 * sets) leading to sigreturn or rt_sigreturn, which restore them.
 *
 * Layouts (Linux's sigframe_ia32 and rt_sigframe_ia32, 32-bit native):
 *   sigcontext (88 bytes): gs fs es ds (16-bit each, padded), edi esi ebp
 *     esp ebx edx ecx eax, trapno err eip cs eflags esp_at_signal ss,
 *     fpstate, oldmask, cr2;
 *   sigframe: pretcode, sig, sigcontext, 624 bytes of legacy FPU state,
 *     extramask (blocked signals 33-64), retcode;
 *   rt_sigframe: pretcode, sig, &info, &uc, siginfo (128), ucontext
 *     (flags, link, stack_t, sigcontext, sigmask), retcode.
 * Signals are delivered on return from a system call (kill, raise, a
 * sigprocmask that unblocks one), for synchronous faults (the dispatcher
 * asks Process.fault; EIP is the faulting instruction, so a handler that
 * returns retries it) and between blocks for the real-time timer's SIGALRM
 * (Process.tick; EIP is the next block's).
 * The x87 and SSE state is saved below the frame as Linux saves it on a CPU
 * with FXSR (struct _fpstate_32: the fsave-format environment and registers,
 * status, magic 0, then the 512-byte fxsave image; sigcontext.fpstate points
 * at it), the handler starts with the state fninit and a default MXCSR give,
 * and sigreturn loads the saved state back (or that initial one when the
 * frame's fpstate is NULL).
 * siginfo says how the signal was sent (signals.ts SigInfo: kill's SI_USER
 * and sender, tkill's SI_TKILL, a timer's SI_KERNEL, SIGCHLD's CLD_* with the
 * child's pid and status; a signal the process raised on itself, SI_USER).
 * Limit: segment registers are not restored.
 */
import { GuestExit, SIGFPE, SIGILL, SIGSEGV } from "../core/fault.ts";
import {
  FPU_OFF, FPU_SIZE, PAGE_MAPPED, PAGE_SHIFT, R_EAX, R_EBP, R_EBX, R_ECX, R_EDI, R_EDX, R_ESI, R_ESP, S_SEL, XMM_OFF, XMM_SIZE,
} from "../core/layout.ts";
import { envWords, fxrstorImage, fxsaveImage } from "../interp/exec/x87.ts";
import { Fpu } from "../interp/fpu.ts";
import { Sse } from "../interp/sse.ts";
import type { Process } from "./process.ts";
import { SI_KERNEL, SI_USER, SIG_DFL } from "./signals.ts";
import { Struct } from "./struct.ts";

const SA_SIGINFO = 4, SA_ONSTACK = 0x08000000, SA_RESETHAND = 0x80000000, SA_NODEFER = 0x40000000;
const SC_SIZE = 88, FPSTATE_LEGACY = 624, SIGINFO_SIZE = 128, UC_SIZE = 20 + SC_SIZE + 8;
/** struct _fpstate_32: the fsave-format part (112 bytes, status at 108, magic at 110), then the fxsave image. */
const FP_FSAVE = 112, FP_SIZE = FP_FSAVE + 512, FP_ALIGN = 64, SC_FPSTATE = 76;
const SIGFRAME_SIZE = 8 + SC_SIZE + FPSTATE_LEGACY + 4 + 8;
const RT_SIGFRAME_SIZE = 16 + SIGINFO_SIZE + UC_SIZE + 8;
/** The user-mode selectors Linux gives i386 processes (__USER_CS, __USER_DS). */
const USER_CS = 0x73, USER_DS = 0x7b;
/** EFLAGS bits a sigreturn takes from the frame: OF DF TF SF ZF AF PF CF. */
const FIX_EFLAGS = 0xdd5;
/** EFLAGS bits a handler starts without: TF, DF. */
const ENTRY_CLEAR = 0x100 | 0x400;
const SEGV_MAPERR = 1, SEGV_ACCERR = 2, FPE_INTDIV = 1, ILL_ILLOPN = 2;

/** Register order of sigcontext's general registers, from offset 16. */
const SC_REGS = [R_EDI, R_ESI, R_EBP, R_ESP, R_EBX, R_EDX, R_ECX, R_EAX];

/** The x87 and SSE state as the frame keeps it (struct _fpstate_32 with FXSR). */
function fpstate(fpu: Fpu, sse: Sse): Uint8Array {
  const fp = new Struct(FP_SIZE);
  envWords(fpu).forEach((w, k) => fp.u32(4 * k, w));
  for (let k = 0; k < 8; k++) fp.bytes.set(fpu.u8.subarray(fpu.phys(k) * 16, fpu.phys(k) * 16 + 10), 28 + 10 * k);
  fp.u16(108, fpu.status).u16(110, 0);
  fp.bytes.set(fxsaveImage(fpu, sse), FP_FSAVE);
  return fp.bytes;
}

/** The state fninit and a default MXCSR give, with zeroed XMM registers: all zeros in the register file. */
function resetFpu(p: Process): void {
  p.mem.u8.fill(0, FPU_OFF, FPU_OFF + FPU_SIZE);
  p.mem.u8.fill(0, XMM_OFF, XMM_OFF + XMM_SIZE);
}

function sigcontext(p: Process, sc: Struct, at: number, oldmask: number, fp: number, faultAddr?: number): void {
  const s = p.cpu.s;
  sc.u16(at + 0, s[S_SEL + 5]).u16(at + 4, s[S_SEL + 4]).u16(at + 8, USER_DS).u16(at + 12, USER_DS);
  SC_REGS.forEach((r, k) => sc.u32(at + 16 + 4 * k, s[r]));
  sc.u32(at + 56, p.cpu.eip).u32(at + 60, USER_CS).u32(at + 64, p.cpu.eflags).u32(at + 68, s[R_ESP]).u32(at + 72, USER_DS);
  sc.u32(at + SC_FPSTATE, fp).u32(at + 80, oldmask).u32(at + 84, faultAddr ?? 0);
}

/** si_code of a fault: SEGV_MAPERR / SEGV_ACCERR by whether the page is mapped; the commonest code of the others. */
function faultCode(p: Process, sig: number, addr: number): number {
  if (sig === SIGSEGV) return p.mem.perm[addr >>> PAGE_SHIFT] & PAGE_MAPPED ? SEGV_ACCERR : SEGV_MAPERR;
  return sig === SIGFPE ? FPE_INTDIV : sig === SIGILL ? ILL_ILLOPN : SI_KERNEL;
}

/**
 * Pushes the frame for sig and points the registers at its handler; a frame that cannot be written
 * kills the guest by SIGSEGV, as Linux does. faultAddr: the signal is a synchronous fault (siginfo
 * and sigcontext then describe it: si_addr, cr2), not one sent by a process.
 */
export function enterHandler(p: Process, sig: number, faultAddr?: number): void {
  const act = p.signals.actions[sig];
  const rt = (act.flags & SA_SIGINFO) !== 0;
  // The frame saves the mask sigreturn restores: the blocked one, or the one sigsuspend replaced.
  const s = p.cpu.s, cur = p.signals.blocked, old = p.signals.takeMaskToSave();
  const alt = p.signals.altStack;
  // SA_ONSTACK moves to the alternate stack when one is set up and the guest is not already on it.
  const toAlt = act.flags & SA_ONSTACK && alt.flags === 0 && (((s[R_ESP] >>> 0) - alt.sp) >>> 0) >= alt.size;
  const top = toAlt ? alt.sp + alt.size : s[R_ESP] >>> 0;
  const size = rt ? RT_SIGFRAME_SIZE : SIGFRAME_SIZE;
  // The FPU state goes first, below the stack pointer, then the frame below it, aligned as the
  // kernel aligns it: as if the handler had been called with a 16-byte aligned stack.
  const fp = ((top - FP_SIZE) & ~(FP_ALIGN - 1)) >>> 0;
  const frame = (((fp - size) & ~15) - 4) >>> 0;
  const f = new Struct(size).u32(0, act.restorer).u32(4, sig);
  if (rt) {
    f.u32(8, frame + 16).u32(12, frame + 16 + SIGINFO_SIZE);
    if (faultAddr === undefined) {
      const info = p.signals.takeInfo(sig) ?? { code: SI_USER, pid: p.pid, uid: p.uid };
      f.u32(16, sig).u32(20, 0).u32(24, info.code).u32(28, info.pid).u32(32, info.uid);
      if (info.status !== undefined) f.u32(36, info.status);
    }
    else f.u32(16, sig).u32(20, 0).u32(24, faultCode(p, sig, faultAddr)).u32(28, faultAddr);
    const uc = 16 + SIGINFO_SIZE;
    f.u32(uc + 8, alt.sp).u32(uc + 12, alt.flags).u32(uc + 16, alt.size);
    sigcontext(p, f, uc + 20, old[0], fp, faultAddr);
    f.u32(uc + 20 + SC_SIZE, old[0]).u32(uc + 24 + SC_SIZE, old[1]);
  } else {
    sigcontext(p, f, 8, old[0], fp, faultAddr);
    f.u32(8 + SC_SIZE + FPSTATE_LEGACY, old[1]);
  }
  try {
    p.put(fp, fpstate(new Fpu(p.mem.wasm.buffer), new Sse(p.mem.wasm.buffer)));
    p.put(frame, f.bytes);
  } catch {
    throw new GuestExit(128 + SIGSEGV, `cdvm: guest killed by SIGSEGV: cannot push the frame for a signal ${sig} handler at 0x${frame.toString(16)}`, SIGSEGV);
  }
  const handler = act.handler;
  if (act.flags & SA_RESETHAND) p.signals.actions[sig] = { handler: SIG_DFL, flags: 0, restorer: 0, mask: [0, 0] };
  const blocked: [number, number] = [cur[0] | act.mask[0], cur[1] | act.mask[1]];
  if (!(act.flags & SA_NODEFER)) blocked[(sig - 1) >> 5] |= 1 << ((sig - 1) & 31);
  p.signals.blocked = blocked;
  resetFpu(p);
  s[R_ESP] = frame;
  s[R_EAX] = sig;
  s[R_EDX] = rt ? frame + 16 : 0;
  s[R_ECX] = rt ? frame + 16 + SIGINFO_SIZE : 0;
  p.cpu.eflags = p.cpu.eflags & ~ENTRY_CLEAR;
  p.cpu.eip = handler;
}

/**
 * Restores what a frame's sigcontext at addr saved; returns the restored EAX (the return value of
 * the sigreturn). A frame that cannot be read kills the guest by SIGSEGV, as Linux does.
 */
function leave(p: Process, addr: number, readMask: () => [number, number]): number {
  let sc: Struct, mask: [number, number], fp: Uint8Array | undefined;
  try {
    sc = p.struct(addr, SC_SIZE);
    mask = readMask();
    const fpAddr = sc.getU32(SC_FPSTATE);
    fp = fpAddr ? p.get(fpAddr, FP_SIZE) : undefined;
  } catch {
    throw new GuestExit(128 + SIGSEGV, `cdvm: guest killed by SIGSEGV: sigreturn found no readable frame at 0x${addr.toString(16)}`, SIGSEGV);
  }
  // Linux kills a process whose saved FPU state is invalid (reserved MXCSR bits) by SIGSEGV.
  resetFpu(p);
  if (fp && !fxrstorImage(new Fpu(p.mem.wasm.buffer), new Sse(p.mem.wasm.buffer), fp.subarray(FP_FSAVE))) {
    throw new GuestExit(128 + SIGSEGV, "cdvm: guest killed by SIGSEGV: sigreturn found reserved MXCSR bits in the saved FPU state", SIGSEGV);
  }
  const s = p.cpu.s;
  SC_REGS.forEach((r, k) => (s[r] = sc.getU32(16 + 4 * k)));
  p.cpu.eip = sc.getU32(56);
  // Only the arithmetic flags, DF and TF come back, as the kernel's FIX_EFLAGS allows.
  p.cpu.eflags = (p.cpu.eflags & ~FIX_EFLAGS) | (sc.getU32(64) & FIX_EFLAGS);
  p.signals.setBlocked(mask);
  return s[R_EAX];
}

/** sigreturn: the handler returned through the restorer, which popped sig: the sigframe starts 8 bytes below ESP. */
export function sigreturn(p: Process): number {
  const frame = ((p.cpu.s[R_ESP] >>> 0) - 8) >>> 0;
  const sc = frame + 8;
  return leave(p, sc, () => [p.struct(sc, SC_SIZE).getU32(80), p.struct(sc + SC_SIZE + FPSTATE_LEGACY, 4).getU32(0)]);
}

/** rt_sigreturn: the handler's ret popped pretcode: the rt_sigframe starts 4 bytes below ESP. */
export function rtSigreturn(p: Process): number {
  const uc = ((p.cpu.s[R_ESP] >>> 0) - 4 + 16 + SIGINFO_SIZE) >>> 0;
  return leave(p, uc + 20, () => {
    const m = p.struct(uc + 20 + SC_SIZE, 8);
    return [m.getU32(0), m.getU32(4)];
  });
}
