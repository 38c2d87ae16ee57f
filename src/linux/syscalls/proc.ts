/**
 * Process, identity, system-information and threading syscalls: exit, ids,
 * process groups and sessions, uname, resource limits, sysinfo, CPU
 * affinity, getrandom, TLS descriptors (set_thread_area), and the futex
 * subset a single thread needs (processes are made in spawn.ts).
 *
 * Invariant: every process has exactly one thread, whose tid is its pid;
 * nothing can ever wake a futex waiter.
 */
import * as os from "node:os";
import { S_SEGBASE, S_SEL } from "../../core/layout.ts";
import { GuestExit } from "../../core/fault.ts";
import { RLIM_NLIMITS } from "../abi.ts";
import { E, fail } from "../errno.ts";
import { PLATFORM } from "../stack.ts";
import type { Process } from "../process.ts";
import { Struct } from "../struct.ts";
import { type SyscallRow, int, sys } from "./row.ts";

/** GDT slots for TLS descriptors (GDT_ENTRY_TLS_MIN..MAX on i386). */
const TLS_MIN = 6, TLS_MAX = 8;
const TLS_SLOTS = Array.from({ length: TLS_MAX - TLS_MIN + 1 }, (_, i) => TLS_MIN + i);
const OVERFLOW_ID = 65534;

const isSelf = (p: Process, pid: number) => pid === 0 || pid === p.pid;
const id16 = (id: number) => (id > 0xffff ? OVERFLOW_ID : id);

function exit(status: number): never {
  throw new GuestExit(status & 0xff);
}

/** struct new_utsname: six 65-byte NUL-padded fields. */
function uname(p: Process, addr: number): number {
  const fields = ["Linux", "cdvm", "6.1.0", "#1 SMP cdvm", PLATFORM, "(none)"];
  const s = new Struct(6 * 65);
  fields.forEach((f, i) => s.str(i * 65, f));
  p.put(addr, s.bytes);
  return 0;
}

const RLIM64_INFINITY = 0xffffffffffffffffn;

function checkResource(res: number): void {
  if (res >= RLIM_NLIMITS) fail(E.EINVAL);
}

function prlimit64(p: Process, pid: number, res: number, newAddr: number, oldAddr: number): number {
  if (!isSelf(p, pid)) fail(E.ESRCH);
  checkResource(res);
  const next = newAddr ? p.struct(newAddr, 16) : null;
  if (oldAddr) {
    const enc = (v: number) => (v === Infinity ? RLIM64_INFINITY : BigInt(v));
    p.put(oldAddr, new Struct(16).u64(0, enc(p.rlimits[res][0])).u64(8, enc(p.rlimits[res][1])).bytes);
  }
  if (next) {
    const dec = (v: bigint) => (BigInt.asUintN(64, v) === RLIM64_INFINITY ? Infinity : Number(BigInt.asUintN(64, v)));
    const cur = dec(next.getI64(0)), max = dec(next.getI64(8));
    if (cur > max) fail(E.EINVAL);
    p.rlimits[res] = [cur, max];
  }
  return 0;
}

/** getrlimit-style struct rlimit {u32 cur, u32 max}, with infinity shown as `inf`. */
function getrlimit32(p: Process, res: number, addr: number, inf: number): number {
  checkResource(res);
  const enc = (v: number) => (v === Infinity || v >= inf ? inf : v);
  p.put(addr, new Struct(8).u32(0, enc(p.rlimits[res][0])).u32(4, enc(p.rlimits[res][1])).bytes);
  return 0;
}

function setrlimit32(p: Process, res: number, addr: number): number {
  checkResource(res);
  const s = p.struct(addr, 8);
  const dec = (v: number) => (v === 0xffffffff ? Infinity : v);
  const cur = dec(s.getU32(0)), max = dec(s.getU32(4));
  if (cur > max) fail(E.EINVAL);
  p.rlimits[res] = [cur, max];
  return 0;
}

/** struct sysinfo (64 bytes, mem_unit 1): guest-sized memory figures. */
function sysinfo(p: Process, addr: number): number {
  const total = 0xc0000000;
  p.put(addr, new Struct(64).u32(0, Math.floor(os.uptime())).u32(16, total).u32(20, total - p.mem.mappedPages * 4096)
    .u16(40, 1).u32(52, 1).bytes);
  return 0;
}

const SEG_NOT_PRESENT = 1 << 5, LIMIT_IN_PAGES = 1 << 4, READ_EXEC_ONLY = 1 << 3;

/**
 * set_thread_area(struct user_desc *): entry_number (-1 picks a free TLS slot
 * and writes it back), base_addr, limit, and flag bits. Loaded segment
 * registers that use the entry see the new base at once, as on Linux.
 */
export function setThreadArea(p: Process, addr: number): number {
  const s = p.struct(addr, 16);
  let idx = s.getI32(0);
  if (idx === -1) {
    idx = TLS_SLOTS.find((i) => !p.cpu.gdt.has(i)) ?? fail(E.ESRCH);
    p.put(addr, new Struct(4).u32(0, idx).bytes);
  }
  if (idx < TLS_MIN || idx > TLS_MAX) fail(E.EINVAL);
  const base = s.getU32(4), rawLimit = s.getU32(8) & 0xfffff, flags = s.getU32(12);
  const empty = base === 0 && rawLimit === 0 && (flags & 0x7f) === (READ_EXEC_ONLY | SEG_NOT_PRESENT);
  if (empty) p.cpu.gdt.delete(idx);
  else p.cpu.gdt.set(idx, { base, limit: flags & LIMIT_IN_PAGES ? ((rawLimit << 12) | 0xfff) >>> 0 : rawLimit });
  for (let seg = 0; seg < 6; seg++) {
    const sel = p.cpu.s[S_SEL + seg];
    if (sel >> 3 === idx && !(sel & 4)) p.cpu.s[S_SEGBASE + seg] = empty ? 0 : base;
  }
  return 0;
}

function getThreadArea(p: Process, addr: number): number {
  const idx = p.struct(addr, 4).getI32(0);
  if (idx < TLS_MIN || idx > TLS_MAX) fail(E.EINVAL);
  const d = p.cpu.gdt.get(idx);
  const s = new Struct(16).u32(0, idx);
  if (!d) s.u32(12, READ_EXEC_ONLY | SEG_NOT_PRESENT);
  else if (d.limit > 0xfffff) s.u32(4, d.base).u32(8, d.limit >>> 12).u32(12, 1 | LIMIT_IN_PAGES | (1 << 6));
  else s.u32(4, d.base).u32(8, d.limit).u32(12, 1 | (1 << 6));
  p.put(addr, s.bytes);
  return 0;
}

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;

/** With one thread: a wake finds no waiter, a wait on a changed word returns EAGAIN, anything else is unsupported. */
function futex(p: Process, uaddr: number, op: number, val: number): number {
  switch (op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)) {
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET: return 0;
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET:
      if (p.u32(uaddr) !== val) fail(E.EAGAIN);
      p.note("futex wait with no other thread to wake it");
      return -E.ENOSYS;
    default: return -E.ENOSYS;
  }
}

const PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15, PR_GET_NAME = 16;
const PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;

/** The prctl options programs use for housekeeping; the thread name is the 16-byte comm. */
function prctl(p: Process, option: number, arg: number): number {
  switch (option) {
    case PR_SET_NAME: {
      const bytes = p.mem.readBytes(arg, 16) ?? p.get(arg, 1);
      const end = bytes.indexOf(0);
      p.comm = Buffer.from(bytes.subarray(0, end < 0 ? 15 : Math.min(end, 15))).toString("latin1");
      return 0;
    }
    case PR_GET_NAME: p.put(arg, new Struct(16).str(0, p.comm).bytes); return 0;
    case PR_GET_DUMPABLE: return 1;
    case PR_SET_DUMPABLE: case PR_SET_NO_NEW_PRIVS: return 0;
    case PR_GET_NO_NEW_PRIVS: return 0;
    default: fail(E.EINVAL);
  }
}

/** The live process pid names for getpgid and getsid (0: the caller); ESRCH when none. */
function processAt(p: Process, pid: number): Process {
  return pid === 0 ? p : p.kernel.live.get(pid) ?? fail(E.ESRCH);
}

/**
 * setpgid: the caller or a child of it in its session joins or founds group pgid (0: its own
 * pid) of that session; a session leader cannot move.
 */
function setpgid(p: Process, pid: number, pgid: number): number {
  if (pid < 0 || pgid < 0) fail(E.EINVAL);
  const t = pid === 0 ? p : p.kernel.live.get(pid);
  if (!t || (t !== p && t.ppid !== p.pid)) fail(E.ESRCH);
  if (t.sid !== p.sid || t.pid === t.sid) fail(E.EPERM);
  const g = pgid || t.pid;
  if (g !== t.pid && !p.kernel.hasGroup(g, p.sid)) fail(E.EPERM);
  t.pgid = g;
  return 0;
}

/** setsid: a new session and group led by the caller, unless it already leads a group. */
function setsid(p: Process): number {
  if (p.kernel.hasGroup(p.pid)) fail(E.EPERM);
  p.sid = p.pgid = p.pid;
  return p.pid;
}

export const procSyscalls: SyscallRow[] = [
  sys("exit", ["int"], (_, a) => exit(a[0])),
  sys("exit_group", ["int"], (_, a) => exit(a[0])),
  sys("getpid", [], (p) => p.pid),
  sys("gettid", [], (p) => p.pid),
  sys("getppid", [], (p) => p.ppid),
  sys("getpgrp", [], (p) => p.pgid),
  sys("getpgid", ["int"], (p, a) => processAt(p, int(a[0])).pgid),
  sys("getsid", ["int"], (p, a) => processAt(p, int(a[0])).sid),
  sys("setpgid", ["int", "int"], (p, a) => setpgid(p, int(a[0]), int(a[1]))),
  sys("setsid", [], (p) => setsid(p)),
  sys("getuid32", [], (p) => p.uid),
  sys("geteuid32", [], (p) => p.uid),
  sys("getgid32", [], (p) => p.gid),
  sys("getegid32", [], (p) => p.gid),
  sys("getuid", [], (p) => id16(p.uid)),
  sys("geteuid", [], (p) => id16(p.uid)),
  sys("getgid", [], (p) => id16(p.gid)),
  sys("getegid", [], (p) => id16(p.gid)),
  sys("getgroups32", ["int", "ptr"], () => 0),
  sys("personality", ["hex"], () => 0), // PER_LINUX
  sys("prctl", ["int", "hex", "hex", "hex", "hex"], (p, a) => prctl(p, a[0], a[1])),
  sys("uname", ["ptr"], (p, a) => uname(p, a[0])),
  sys("prlimit64", ["int", "int", "ptr", "ptr"], (p, a) => prlimit64(p, int(a[0]), a[1], a[2], a[3])),
  sys("ugetrlimit", ["int", "ptr"], (p, a) => getrlimit32(p, a[0], a[1], 0xffffffff)),
  sys("getrlimit", ["int", "ptr"], (p, a) => getrlimit32(p, a[0], a[1], 0x7fffffff)),
  sys("setrlimit", ["int", "ptr"], (p, a) => setrlimit32(p, a[0], a[1])),
  sys("sysinfo", ["ptr"], (p, a) => sysinfo(p, a[0])),
  sys("sched_getaffinity", ["int", "uint", "ptr"], (p, a) => {
    if (!isSelf(p, int(a[0]))) fail(E.ESRCH);
    if (a[1] < 4) fail(E.EINVAL);
    p.putU32(a[2], 1); // one CPU
    return 4;
  }),
  sys("sched_yield", [], () => 0),
  sys("getrandom", [{ buf: 1 }, "uint", "hex"], (p, a) => {
    if (a[2] & ~7) fail(E.EINVAL);
    const n = Math.min(a[1], 0x1ffffff);
    p.put(a[0], p.rng.bytes(n));
    return n;
  }),
  sys("set_thread_area", ["ptr"], (p, a) => setThreadArea(p, a[0])),
  sys("get_thread_area", ["ptr"], (p, a) => getThreadArea(p, a[0])),
  sys("set_tid_address", ["ptr"], (p) => p.pid),
  sys("set_robust_list", ["ptr", "uint"], (_, a) => (a[1] === 12 ? 0 : fail(E.EINVAL))),
  sys("rseq", ["ptr", "uint", "hex", "hex"], () => -E.ENOSYS), // glibc copes; known and silent
  sys("futex", ["ptr", "int", "int", "ptr"], (p, a) => futex(p, a[0], a[1], a[2])),
  sys("futex_time64", ["ptr", "int", "int", "ptr"], (p, a) => futex(p, a[0], a[1], a[2])),
];
