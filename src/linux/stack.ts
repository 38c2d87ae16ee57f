/**
 * The initial process stack, laid out as the i386 kernel's exec and
 * create_elf_tables do (no vDSO, so no AT_SYSINFO / AT_SYSINFO_EHDR).
 *
 * From STACK_TOP downwards: a 4-byte NULL end marker, the execfn string,
 * the envp strings, the argv strings (argv[0] lowest), alignment to 16, the
 * platform string, 16 AT_RANDOM bytes, padding, then the auxv pairs above
 * the envp and argv pointer arrays (each NULL-terminated) and argc at esp.
 * Invariant: the returned esp is 16-byte aligned and points at argc.
 *
 * As on Linux, the stack is mapped down to STACK_EXPAND below the lowest
 * byte written here and grows on demand from there to STACK_SIZE
 * (Memory.setStack), so the rest of its reserve stays free for MAP_FIXED.
 */
import { PAGE_MASK, STACK_SIZE, STACK_TOP } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";

export const AT = {
  NULL: 0, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9, UID: 11, EUID: 12, GID: 13,
  EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23, RANDOM: 25, HWCAP2: 26, EXECFN: 31,
} as const;

export const PLATFORM = "i686";
/** How far below the initial stack contents the stack is mapped at exec (the kernel's stack_expand, 128 KiB). */
export const STACK_EXPAND = 128 << 10;

export interface StackParams {
  argv: string[];
  env: string[];
  execfn: string;
  /** AT_ENTRY: the program's entry point (not its interpreter's). */
  entry: number;
  /** AT_BASE: where the interpreter was loaded (0 without one). */
  base: number;
  phdrAddr: number;
  phnum: number;
  phent: number;
  /** AT_HWCAP: CPUID leaf 1 EDX as the VM's CPU advertises it. */
  hwcap: number;
  uid: number;
  gid: number;
  /** The 16 AT_RANDOM bytes. */
  random: Uint8Array;
}

/** Where exec left things: the initial esp, and the argv and environment strings ([start, end), as /proc/self/cmdline and environ read them). */
export interface InitialStack {
  esp: number;
  args: [number, number];
  env: [number, number];
}

/** Builds the initial stack and maps it. */
export function buildStack(mem: Memory, sp: StackParams): InitialStack {
  const enc = new TextEncoder();
  let p = STACK_TOP - 4; // NULL end marker
  const pushBytes = (b: Uint8Array): number => {
    p -= b.length;
    mem.poke(p, b);
    return p;
  };
  const pushString = (s: string): number => pushBytes(enc.encode(s + "\0"));

  const execfnAddr = pushString(sp.execfn);
  // Strings are copied last-to-first so each array ends up in ascending order.
  const envAddrs = sp.env.map((_, i, a) => a[a.length - 1 - i]).map(pushString).reverse();
  const argAddrs = sp.argv.map((_, i, a) => a[a.length - 1 - i]).map(pushString).reverse();
  p = (p & ~15) >>> 0;
  const platformAddr = pushString(PLATFORM);
  const randomAddr = pushBytes(sp.random.subarray(0, 16));

  const auxv: [number, number][] = [
    [AT.HWCAP, sp.hwcap], [AT.PAGESZ, 4096], [AT.CLKTCK, 100], [AT.PHDR, sp.phdrAddr], [AT.PHENT, sp.phent],
    [AT.PHNUM, sp.phnum], [AT.BASE, sp.base], [AT.FLAGS, 0], [AT.ENTRY, sp.entry], [AT.UID, sp.uid], [AT.EUID, sp.uid],
    [AT.GID, sp.gid], [AT.EGID, sp.gid], [AT.SECURE, 0], [AT.RANDOM, randomAddr], [AT.HWCAP2, 0],
    [AT.EXECFN, execfnAddr], [AT.PLATFORM, platformAddr], [AT.NULL, 0],
  ];
  const words = [
    sp.argv.length, ...argAddrs, 0, ...envAddrs, 0, ...auxv.flat(),
  ];
  const esp = ((p - words.length * 4) & ~15) >>> 0;
  const table = new DataView(new ArrayBuffer(words.length * 4));
  words.forEach((w, i) => table.setUint32(i * 4, w >>> 0, true));
  mem.poke(esp, new Uint8Array(table.buffer));
  // Mapping after the pokes keeps their bytes: only pages already mapped are zeroed by map().
  const limit = STACK_TOP - STACK_SIZE;
  mem.setStack(limit, Math.max(limit, ((esp & ~PAGE_MASK) >>> 0) - STACK_EXPAND), STACK_TOP);
  const envStart = envAddrs[0] ?? execfnAddr;
  return { esp, args: [argAddrs[0] ?? envStart, envStart], env: [envStart, execfnAddr] };
}
