/**
 * Shared by the in-process syscall tests: a Process made from a tiny ELF
 * (code at TEXT, a 16 KiB read-write data segment at BUF) and a way to issue
 * one syscall with up to six arguments as the guest would, reading EAX back.
 */
import { Process, type ProcessOptions } from "../../src/linux/process.ts";
import { SYSCALL_NAMES } from "../../src/linux/syscall-names.ts";
import { R_EAX, R_EBP, R_EBX, R_ECX, R_EDI, R_EDX, R_ESI } from "../../src/core/layout.ts";
import { PF_R, PF_W, PF_X, TEXT, buildElf } from "../linux-minielf.ts";

export const NR = new Map([...SYSCALL_NAMES].map(([n, name]) => [name, n]));
export const BUF = 0x0804a000; // a 16 KiB RW data segment for arguments and results
const enc = new TextEncoder();

export function mk(opts: ProcessOptions = {}) {
  const lines: string[] = [];
  const elf = buildElf({ segs: [{ vaddr: TEXT, offset: 0, flags: PF_R | PF_X }, { vaddr: BUF, offset: 0, filesz: 0, memsz: 0x4000, flags: PF_R | PF_W }] });
  const p = Process.create(elf, ["/bin/prog"], [], { stderr: (l) => lines.push(l), ...opts });
  /** Issues syscall `name` with up to six arguments; returns EAX as a signed value. */
  const call = (name: string, ...args: number[]): number => {
    const s = p.cpu.s;
    s[R_EAX] = NR.get(name) ?? Number(name);
    [R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP].forEach((r, i) => { s[r] = args[i] ?? 0; });
    p.syscall();
    return s[R_EAX];
  };
  let next = BUF + 0x2000;
  /** Places a NUL-terminated string in guest memory and returns its address. */
  const str = (v: string): number => {
    const b = enc.encode(v + "\0");
    p.mem.poke(next, b);
    next += b.length;
    return next - b.length;
  };
  const bytes = (addr: number, n: number) => Buffer.from(p.mem.readBytes(addr, n)!).toString("latin1");
  return { p, call, str, bytes, lines, u32: (a: number) => p.mem.read32(a) >>> 0 };
}

