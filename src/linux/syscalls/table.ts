/**
 * The i386 syscall table: every implemented (or knowingly unsupported)
 * syscall has exactly one row, found by number. Dispatch, --strace and the
 * unimplemented-syscall report all read this table.
 */
import { fileIoSyscalls } from "./fileio.ts";
import { fsMetaSyscalls } from "./fsmeta.ts";
import { memorySyscalls } from "./memory.ts";
import { procSyscalls } from "./proc.ts";
import type { SyscallRow } from "./row.ts";
import { signalSyscalls } from "./signals.ts";
import { spawnSyscalls } from "./spawn.ts";
import { timeSyscalls } from "./time.ts";

function index(rows: SyscallRow[]): ReadonlyMap<number, SyscallRow> {
  const byNr = new Map<number, SyscallRow>();
  for (const row of rows) {
    if (byNr.has(row.nr)) throw new Error(`syscall table: ${row.name} (${row.nr}) has two rows`);
    byNr.set(row.nr, row);
  }
  return byNr;
}

export const SYSCALLS = index([
  ...fileIoSyscalls, ...fsMetaSyscalls, ...memorySyscalls, ...timeSyscalls, ...procSyscalls, ...spawnSyscalls, ...signalSyscalls,
]);
