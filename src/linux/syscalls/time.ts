/**
 * Time syscalls: clocks (32-bit and time64 timespec variants), the old
 * gettimeofday/time, sleeping, interval timers (alarm, setitimer,
 * getitimer) and pause, and CPU-time accounting (times, getrusage).
 *
 * Clocks: REALTIME-like ids read the host wall clock, MONOTONIC-like ids the
 * host monotonic clock, CPU-time ids the VMM process's CPU usage. Sleeps
 * block the host thread until their end or until the real-time timer's
 * SIGALRM has a handler to run (Process.sleepUntil): then they fail with
 * EINTR — with or without SA_RESTART, as Linux's nanosleep and pause do —
 * and a relative nanosleep reports the time left in `rem`.
 * ITIMER_REAL is the process's RealTimer (../itimer.ts); ITIMER_VIRTUAL and
 * ITIMER_PROF keep what they are set to but never fire (a VMM note says so).
 * POSIX timers (timer_create) on the real-time and monotonic clocks are
 * RealTimers too, each sending its own signal (SIGEV_SIGNAL) or none
 * (SIGEV_NONE); a thread to notify (SIGEV_THREAD_ID) there never is, and
 * the CPU-time clocks are refused (EINVAL).
 */
import { E, fail } from "../errno.ts";
import { SIGALRM } from "../../core/fault.ts";
import { RealTimer, type TimerValue } from "../itimer.ts";
import { NSIG } from "../signals.ts";
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

/** Sleeps ns; EINTR when a signal's handler interrupts it, with the time left written to rem (0: not asked). */
function sleepNs(p: Process, ns: bigint, rem: number, wide: boolean): number {
  if (ns <= 0n) return 0;
  const deadline = performance.now() + Number(ns) / 1e6;
  if (!p.sleepUntil(deadline)) return 0;
  putTimespec(p, rem, BigInt(Math.max(0, Math.round((deadline - performance.now()) * 1e6))), wide);
  return fail(E.EINTR);
}

function clockNanosleep(p: Process, id: number, flags: number, req: number, rem: number, wide: boolean): number {
  const t = readTimespec(p, req, wide);
  const now = clockNs(id);
  return flags & TIMER_ABSTIME ? sleepNs(p, t - now, 0, wide) : sleepNs(p, t, rem, wide);
}

const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;

/** struct itimerval {it_interval, it_value}, each a struct timeval {sec, usec}; a null pointer reads as disarmed (Linux's old behaviour). */
function readItimerval(p: Process, addr: number): TimerValue {
  if (!addr) return { valueMs: 0, intervalMs: 0 };
  const s = p.struct(addr, 16);
  const ms = (off: number) => {
    const sec = s.getI32(off), usec = s.getI32(off + 4);
    if (sec < 0 || usec < 0 || usec >= 1e6) fail(E.EINVAL);
    return sec * 1000 + usec / 1000;
  };
  return { intervalMs: ms(0), valueMs: ms(8) };
}

/** Writes an itimerval; an armed timer never reads as 0 (at least 1 us, as Linux reports one about to fire). */
function putItimerval(p: Process, addr: number, v: TimerValue): void {
  if (!addr) return;
  const s = new Struct(16);
  const tv = (off: number, ms: number, armed: boolean) => {
    const us = Math.max(Math.round(ms * 1000), armed ? 1 : 0);
    s.u32(off, Math.floor(us / 1e6)).u32(off + 4, us % 1e6);
  };
  tv(0, v.intervalMs, false);
  tv(8, v.valueMs, v.valueMs > 0);
  p.put(addr, s.bytes);
}

/** Interval timers by ITIMER_* number; the virtual and profiling ones only hold their setting. */
function itimer(p: Process, which: number, set?: TimerValue): TimerValue {
  if (which === ITIMER_REAL) return set ? p.realTimer.set(performance.now(), set) : p.realTimer.get(performance.now());
  if (which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) fail(E.EINVAL);
  const old = p.idleTimers[which - 1];
  if (set) {
    p.note("ITIMER_VIRTUAL and ITIMER_PROF are kept but never fire");
    p.idleTimers[which - 1] = set;
  }
  return old;
}

/** alarm's result: the seconds the old alarm had left, rounded to nearest, and never 0 for a pending one (Linux's alarm_setitimer). */
function alarmSeconds(old: TimerValue): number {
  let sec = Math.floor(old.valueMs / 1000);
  if ((sec === 0 && old.valueMs > 0) || old.valueMs - sec * 1000 >= 500) sec++;
  return sec;
}

/** struct timeval {sec, usec} of a time in ns. */
const timeval = (s: Struct, off: number, ns: bigint) => s.u32(off, Number(ns / NS)).u32(off + 4, Number((ns % NS) / 1000n));

function cpuTimes(): { user: bigint; system: bigint } {
  const u = process.cpuUsage();
  return { user: BigInt(u.user) * 1000n, system: BigInt(u.system) * 1000n };
}

const SIGEV_SIGNAL = 0, SIGEV_NONE = 1;
/** POSIX timers a process may have (beyond: EAGAIN, as at RLIMIT_SIGPENDING). */
const MAX_POSIX_TIMERS = 64;

/** timer_create(clock, sigevent, &id): a disarmed timer; with no sigevent it sends SIGALRM. */
function timerCreate(p: Process, clock: number, sevp: number, idAddr: number): number {
  if (CLOCKS[clock] !== "real" && CLOCKS[clock] !== "mono") fail(E.EINVAL);
  let signo = SIGALRM;
  if (sevp) {
    const ev = p.struct(sevp, 16), notify = ev.getI32(8);
    signo = ev.getI32(4);
    if (notify === SIGEV_NONE) signo = 0;
    else if (notify !== SIGEV_SIGNAL || signo < 1 || signo > NSIG) fail(E.EINVAL);
  }
  if (p.posixTimers.size >= MAX_POSIX_TIMERS) fail(E.EAGAIN);
  let id = 0;
  while (p.posixTimers.has(id)) id++;
  p.putU32(idAddr, id);
  p.posixTimers.set(id, { timer: new RealTimer(), signo, clock });
  return 0;
}

const posixTimer = (p: Process, id: number) => p.posixTimers.get(id) ?? fail(E.EINVAL);

/** struct itimerspec {it_interval, it_value} in ns, timespecs of 32-bit or 64-bit fields. */
function readItimerspec(p: Process, addr: number, wide: boolean): [bigint, bigint] {
  const w = wide ? 16 : 8;
  return [readTimespec(p, addr, wide), readTimespec(p, addr + w, wide)];
}

function putItimerspec(p: Process, addr: number, v: TimerValue, wide: boolean): void {
  if (!addr) return;
  const ns = (ms: number) => BigInt(Math.round(ms * 1e6));
  putTimespec(p, addr, ns(v.intervalMs), wide);
  putTimespec(p, addr + (wide ? 16 : 8), ns(v.valueMs), wide);
}

/** timer_settime: arms (a zero value disarms) a timer, relative or at an absolute time of its clock (TIMER_ABSTIME). */
function timerSettime(p: Process, id: number, flags: number, newAddr: number, oldAddr: number, wide: boolean): number {
  const { timer, clock } = posixTimer(p, id);
  const [interval, value] = readItimerspec(p, newAddr, wide);
  // A time already past fires at once: the smallest positive delay (0 would disarm it).
  const rel = flags & TIMER_ABSTIME && value > 0n ? value - clockNs(clock) : value;
  const valueMs = value === 0n ? 0 : Math.max(Number(rel) / 1e6, 1e-6);
  putItimerspec(p, oldAddr, timer.set(performance.now(), { valueMs, intervalMs: Number(interval) / 1e6 }), wide);
  return 0;
}

export const timeSyscalls: SyscallRow[] = [
  sys("timer_create", ["int", "ptr", "ptr"], (p, a) => timerCreate(p, int(a[0]), a[1], a[2])),
  sys("timer_settime", ["int", "hex", "ptr", "ptr"], (p, a) => timerSettime(p, int(a[0]), a[1], a[2], a[3], false)),
  sys("timer_settime64", ["int", "hex", "ptr", "ptr"], (p, a) => timerSettime(p, int(a[0]), a[1], a[2], a[3], true)),
  sys("timer_gettime", ["int", "ptr"], (p, a) => (putItimerspec(p, a[1], posixTimer(p, int(a[0])).timer.get(performance.now()), false), 0)),
  sys("timer_gettime64", ["int", "ptr"], (p, a) => (putItimerspec(p, a[1], posixTimer(p, int(a[0])).timer.get(performance.now()), true), 0)),
  sys("timer_getoverrun", ["int"], (p, a) => (posixTimer(p, int(a[0])), 0)),
  sys("timer_delete", ["int"], (p, a) => (posixTimer(p, int(a[0])), p.posixTimers.delete(int(a[0])), 0)),
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
  sys("nanosleep", ["ptr", "ptr"], (p, a) => sleepNs(p, readTimespec(p, a[0], false), a[1], false)),
  sys("clock_nanosleep", ["int", "hex", "ptr", "ptr"], (p, a) => clockNanosleep(p, int(a[0]), a[1], a[2], a[3], false)),
  sys("clock_nanosleep_time64", ["int", "hex", "ptr", "ptr"], (p, a) => clockNanosleep(p, int(a[0]), a[1], a[2], a[3], true)),
  sys("pause", [], (p) => (p.sleepUntil(Infinity), fail(E.EINTR))),
  sys("alarm", ["uint"], (p, a) => alarmSeconds(itimer(p, ITIMER_REAL, { valueMs: a[0] * 1000, intervalMs: 0 }))),
  sys("setitimer", ["int", "ptr", "ptr"], (p, a) => {
    const old = itimer(p, int(a[0]), readItimerval(p, a[1]));
    putItimerval(p, a[2], old);
    return 0;
  }),
  sys("getitimer", ["int", "ptr"], (p, a) => (putItimerval(p, a[1], itimer(p, int(a[0]))), 0)),
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
