/**
 * The shape of a syscall table row and the helper that makes one. A row's
 * number comes from the generated i386 name list, so a row cannot carry a
 * wrong number: an unknown name fails at module load.
 */
import type { Process } from "../process.ts";
import { SYSCALL_NAMES } from "../syscall-names.ts";

/**
 * How strace shows an argument: a number ("int" signed, "uint" unsigned,
 * "hex", "ptr", "oct"), an fd ("fd"; "dirfd" shows AT_FDCWD), a guest string
 * ("str"), symbolic flags ("oflags", "prot", "mflags", "atflags", "signal"),
 * or a data buffer whose length is argument `buf` (or the result, when >= 0).
 */
export type ArgKind =
  | "int" | "uint" | "hex" | "ptr" | "oct" | "fd" | "dirfd" | "str"
  | "oflags" | "prot" | "mflags" | "atflags" | "signal" | { buf: number };

/** Arguments are the six registers as unsigned 32-bit values; the result is a value or -errno. */
export type Handler = (p: Process, a: number[]) => number;

export interface SyscallRow {
  nr: number;
  name: string;
  args: ArgKind[];
  /** Show the result in hex (addresses) rather than decimal. */
  hexResult: boolean;
  handler: Handler;
}

const NR_BY_NAME = new Map([...SYSCALL_NAMES].map(([nr, name]) => [name, nr]));

export function sys(name: string, args: ArgKind[], handler: Handler, hexResult = false): SyscallRow {
  const nr = NR_BY_NAME.get(name);
  if (nr === undefined) throw new Error(`syscall table: no i386 syscall named ${name}`);
  return { nr, name, args, handler, hexResult };
}

/** Signed view of an unsigned argument. */
export const int = (v: number): number => v | 0;
