/**
 * --strace formatting: one line per syscall, `name(args) = result`, with
 * arguments decoded by the kinds in the syscall table row. Reading guest
 * memory here never faults: unreadable strings print as pointers.
 */
import type { Memory } from "../core/memory.ts";
import { errnoName } from "./errno.ts";
import { signalName } from "./signals.ts";
import type { ArgKind, SyscallRow } from "./syscalls/row.ts";

const MAX_STR = 64;

type FlagTable = [number, string][];
const ACCESS_MODES = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"];
/** O_SYNC includes the O_DSYNC bit, so it comes first. */
const OPEN_FLAGS: FlagTable = [
  [0o4010000, "O_SYNC"], [0o100, "O_CREAT"], [0o200, "O_EXCL"], [0o400, "O_NOCTTY"], [0o1000, "O_TRUNC"], [0o2000, "O_APPEND"],
  [0o4000, "O_NONBLOCK"], [0o10000, "O_DSYNC"], [0o40000, "O_DIRECT"], [0o100000, "O_LARGEFILE"],
  [0o200000, "O_DIRECTORY"], [0o400000, "O_NOFOLLOW"], [0o1000000, "O_NOATIME"], [0o2000000, "O_CLOEXEC"],
  [0o10000000, "O_PATH"],
];
const PROT_FLAGS: FlagTable = [[1, "PROT_READ"], [2, "PROT_WRITE"], [4, "PROT_EXEC"]];
const MAP_FLAGS: FlagTable = [
  [0x01, "MAP_SHARED"], [0x02, "MAP_PRIVATE"], [0x10, "MAP_FIXED"], [0x20, "MAP_ANONYMOUS"],
  [0x100, "MAP_GROWSDOWN"], [0x800, "MAP_DENYWRITE"], [0x2000, "MAP_LOCKED"], [0x4000, "MAP_NORESERVE"],
  [0x8000, "MAP_POPULATE"], [0x20000, "MAP_STACK"], [0x100000, "MAP_FIXED_NOREPLACE"],
];
const AT_FLAGS: FlagTable = [[0x100, "AT_SYMLINK_NOFOLLOW"], [0x200, "AT_REMOVEDIR"], [0x400, "AT_SYMLINK_FOLLOW"], [0x800, "AT_NO_AUTOMOUNT"], [0x1000, "AT_EMPTY_PATH"]];

function flags(v: number, table: FlagTable, zero: string): string {
  const parts: string[] = [];
  let rest = v >>> 0;
  for (const [bit, name] of table) {
    if ((rest & bit) === bit) { parts.push(name); rest &= ~bit; }
  }
  if (rest) parts.push("0x" + (rest >>> 0).toString(16));
  return parts.length ? parts.join("|") : zero;
}

function quote(bytes: Uint8Array, truncated: boolean): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) s += "\\" + String.fromCharCode(b);
    else if (b === 10) s += "\\n";
    else if (b === 9) s += "\\t";
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += "\\x" + b.toString(16).padStart(2, "0");
  }
  return s + '"' + (truncated ? "..." : "");
}

const hex = (v: number) => "0x" + (v >>> 0).toString(16);

function formatArg(mem: Memory, kind: ArgKind, v: number, args: number[], result: number | null): string {
  if (typeof kind === "object") {
    const len = result !== null && result >= 0 ? result : args[kind.buf];
    const shown = mem.readBytes(v, Math.min(len, MAX_STR));
    return shown ? quote(shown, len > MAX_STR) : hex(v);
  }
  switch (kind) {
    case "int": case "fd": return String(v | 0);
    case "dirfd": return (v | 0) === -100 ? "AT_FDCWD" : String(v | 0);
    case "uint": return String(v >>> 0);
    case "hex": return hex(v);
    case "ptr": return v === 0 ? "NULL" : hex(v);
    case "oct": return v ? "0" + (v >>> 0).toString(8) : "0";
    case "str": {
      if (v === 0) return "NULL";
      const s = mem.readCString(v, 4096);
      if (s === null) return hex(v);
      const bytes = Buffer.from(s, "latin1");
      return quote(bytes.subarray(0, MAX_STR), bytes.length > MAX_STR);
    }
    case "oflags": {
      const rest = flags(v & ~3, OPEN_FLAGS, "");
      const access = ACCESS_MODES[v & 3];
      return rest ? `${access}|${rest}` : access;
    }
    case "prot": return flags(v, PROT_FLAGS, "PROT_NONE");
    case "mflags": return flags(v, MAP_FLAGS, "0");
    case "atflags": return flags(v, AT_FLAGS, "0");
    case "signal": return signalName(v);
  }
}

/** The strace line for a call; result null means the call did not return (exit). */
export function formatCall(mem: Memory, row: SyscallRow, args: number[], result: number | null): string {
  const shown = row.args.map((k, i) => formatArg(mem, k, args[i], args, result)).join(", ");
  const res = result === null ? "?"
    : result < 0 && result >= -4095 ? `${result} ${errnoName(-result)}`
    : row.hexResult ? hex(result) : String(result);
  return `${row.name}(${shown}) = ${res}`;
}
