/**
 * Time syscalls: clocks (32-bit and time64 timespec variants), the old
 * gettimeofday/time, sleeping, and CPU-time accounting (times, getrusage).
 *
 * Clocks: REALTIME-like ids read the host wall clock, MONOTONIC-like ids the
 * host monotonic clock, CPU-time ids the VMM process's CPU usage. Sleeps
 * block the host thread; nothing can interrupt them, so `rem` is never set.
 */
import { E, fail } from "../errno.ts";
import { sleepMs } from "../fdtable.ts";
import type { Process } from "../process.ts";
import { Struct } from "../struct.ts";
import { type SyscallRow, int, sys } from "./row.ts";

const NS = 1_000_000_000n;
const TIMER_ABSTIME = 1;
const CLK_TCK = 100;

type Clock = "real" | "mono" | "cpu";
/** Clock ids 0..11: REALTIME, MONOTONIC, PROCESS_CPUTIME, THREAD_CPUTIME, MONOTONIC_RAW, REALTIME_COARSE,
 * MONOTONIC_COARSE, BOOTTIME, REALTIME_ALARM, BOOTTIME_ALARM, (SGI_CYCLE: invalid), TAI. */
const CLOCKS: (Clock | null)[] = ["real", "mono", "cpu", "cpu", "mono", "real", "mono", "mono", "real", "mono", null, "real"];

function clockNs(id: number): bigint {
  const kind = CLOCKS[id] ?? fail(E.EINVAL);
  if (kind === "real") return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  if (kind === "mono") return process.hrtime.bigint();
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
}

/** Resolution: the coarse clocks tick at CLK_TCK, the others claim 1 ns. */
function clockResNs(id: number): bigint {
  if (!CLOCKS[id]) fail(E.EINVAL);
  return id === 5 || id === 6 ? NS / BigInt(CLK_TCK) : 1n;
}

/** A struct timespec: 32-bit fields (wide=false, 8 bytes) or __kernel_timespec (wide, 16 bytes). */
function encodeTimespec(ns: bigint, wide: boolean): Uint8Array {
  const sec = ns / NS, nsec = Number(ns % NS);
  return wide ? new Struct(16).u64(0, sec).u64(8, nsec).bytes : new Struct(8).u32(0, Number(sec)).u32(4, nsec).bytes;
}

function readTimespec(p: Process, addr: number, wide: boolean): bigint {
  const s = p.struct(addr, wide ? 16 : 8);
  const sec = wide ? s.getI64(0) : BigInt(s.getI32(0));
  const nsec = wide ? Number(s.getI64(8) & 0xffffffffn) | 0 : s.getI32(4);
  if (sec < 0n || nsec < 0 || nsec >= 1e9) fail(E.EINVAL);
  return sec * NS + BigInt(nsec);
}

function putTimespec(p: Process, addr: number, ns: bigint, wide: boolean): number {
  if (addr) p.put(addr, encodeTimespec(ns, wide));
  return 0;
}

function sleepNs(ns: bigint): number {
  if (ns > 0n) sleepMs(Number(ns) / 1e6);
  return 0;
}

function clockNanosleep(p: Process, id: number, flags: number, req: number, wide: boolean): number {
  const t = readTimespec(p, req, wide);
  const now = clockNs(id);
  return sleepNs(flags & TIMER_ABSTIME ? t - now : t);
}

/** struct timeval {sec, usec} of a time in ns. */
const timeval = (s: Struct, off: number, ns: bigint) => s.u32(off, Number(ns / NS)).u32(off + 4, Number((ns % NS) / 1000n));

function cpuTimes(): { user: bigint; system: bigint } {
  const u = process.cpuUsage();
  return { user: BigInt(u.user) * 1000n, system: BigInt(u.system) * 1000n };
}

export const timeSyscalls: SyscallRow[] = [
  sys("clock_gettime", ["int", "ptr"], (p, a) => putTimespec(p, a[1], clockNs(int(a[0])), false)),
  sys("clock_gettime64", ["int", "ptr"], (p, a) => putTimespec(p, a[1], clockNs(int(a[0])), true)),
  sys("clock_getres", ["int", "ptr"], (p, a) => putTimespec(p, a[1], clockResNs(int(a[0])), false)),
  sys("clock_getres_time64", ["int", "ptr"], (p, a) => putTimespec(p, a[1], clockResNs(int(a[0])), true)),
  sys("gettimeofday", ["ptr", "ptr"], (p, a) => {
    if (a[0]) p.put(a[0], timeval(new Struct(8), 0, clockNs(0)).bytes);
    if (a[1]) p.put(a[1], new Struct(8).bytes); // struct timezone: UTC, no DST
    return 0;
  }),
  sys("time", ["ptr"], (p, a) => {
    const sec = Number(clockNs(0) / NS);
    if (a[0]) p.putU32(a[0], sec);
    return sec;
  }),
  sys("nanosleep", ["ptr", "ptr"], (p, a) => sleepNs(readTimespec(p, a[0], false))),
  sys("clock_nanosleep", ["int", "hex", "ptr", "ptr"], (p, a) => clockNanosleep(p, int(a[0]), a[1], a[2], false)),
  sys("clock_nanosleep_time64", ["int", "hex", "ptr", "ptr"], (p, a) => clockNanosleep(p, int(a[0]), a[1], a[2], true)),
  // struct tms {utime, stime, cutime, cstime} in clock ticks; the result is ticks since boot.
  sys("times", ["ptr"], (p, a) => {
    const t = cpuTimes(), tick = NS / BigInt(CLK_TCK);
    if (a[0]) p.put(a[0], new Struct(16).u32(0, Number(t.user / tick)).u32(4, Number(t.system / tick)).bytes);
    return Number((process.hrtime.bigint() / tick) & 0x7fffffffn);
  }),
  // struct rusage (72 bytes): ru_utime and ru_stime timevals, then counters left at 0.
  sys("getrusage", ["int", "ptr"], (p, a) => {
    if (int(a[0]) < -1 || int(a[0]) > 1) fail(E.EINVAL); // RUSAGE_CHILDREN (-1), SELF (0), THREAD (1)
    const t = int(a[0]) === -1 ? { user: 0n, system: 0n } : cpuTimes();
    const s = new Struct(72);
    timeval(s, 0, t.user);
    timeval(s, 8, t.system);
    p.put(a[1], s.bytes);
    return 0;
  }),
];
