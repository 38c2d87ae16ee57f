/**
 * One guest Linux process: its address space and CPU, fd table, file-system
 * view, brk heap, identity (pid, parent, group, session: kernel.ts keeps the
 * table), limits and signal state, plus the syscall entry point the
 * interpreter calls at `int 0x80`; how it forks, and what execve makes of it.
 *
 * Invariants: syscall() leaves the result in EAX as the kernel does (a value,
 * or -errno in [-4095, -1]) or, when the call must wait for another process,
 * leaves EAX as it was and throws GuestPause, to be made again by resume();
 * besides it throws only GuestExit (process end) and never lets a host error
 * escape. brkStart (from the loader) is page-aligned, brkStart <= brk, and
 * [brkStart, pageUp(brk)) is mapped read-write.
 */
import * as fs from "node:fs";
import { Cpu } from "../interp/cpu.ts";
import { CPUID_FEATURES_EDX } from "../interp/exec/system.ts";
import { GuestExit, GuestPause, SIGALRM } from "../core/fault.ts";
import { PAGE_SIZE, PROT_READ, R_EAX, R_EBP, R_EBX, R_ECX, R_EDI, R_EDX, R_ESI, R_ESP, STACK_SIZE } from "../core/layout.ts";
import { Memory } from "../core/memory.ts";
import { EXIT_VMM } from "../core/status.ts";
import { BadElf, loadElf, loadInterpreter, MissingInterpreter } from "./elf.ts";
import { enterHandler } from "./sigframe.ts";
import { E, SysError, fail, hostErrno } from "./errno.ts";
import { AT_FDCWD, GUEST_PID, GUEST_PPID, RLIMIT_AS, RLIMIT_NOFILE, RLIMIT_STACK, RLIM_NLIMITS } from "./abi.ts";
import { FdTable, MAX_FDS, sleepMs } from "./fdtable.ts";
import { RealTimer, type TimerValue } from "./itimer.ts";
import { Kernel, MAX_MAPPED_BYTES } from "./kernel.ts";
import { type Resolved, Sandbox } from "./fs.ts";
import { Prng } from "./prng.ts";
import { SI_KERNEL, SI_TIMER, SIGCHLD, type SigInfo, SignalState, type SigSet } from "./signals.ts";
import { S_IFDIR, S_IFMT } from "./stat.ts";
import { buildStack } from "./stack.ts";
import { formatCall } from "./strace.ts";
import { SYSCALLS } from "./syscalls/table.ts";
import { syscallName } from "./syscall-names.ts";
import { Struct } from "./struct.ts";

export interface ProcessOptions {
  /** Host directory that is the guest's "/" (default "/": the host file system as is). */
  root?: string;
  /** Print one line per syscall to the diagnostics stream. */
  strace?: boolean;
  /** Unimplemented or unsupported syscalls end the run (status EXIT_VMM, 125) instead of returning ENOSYS. */
  strict?: boolean;
  /**
   * Print the VMM's notes (unimplemented syscalls, ENOSYS answers, approximations) to the
   * diagnostics stream; without it, or strace, they stay out of the guest's stderr, which is the
   * guest's own (a glibc probe that gets ENOSYS is no news to the user).
   */
  warn?: boolean;
  /** Receives one diagnostic line at a time, without a newline (default: host stderr). */
  stderr?: (line: string) => void;
  /** Guest path of the program, for AT_EXECFN and /proc/self/exe (Process.create defaults it to argv[0]). */
  execfn?: string;
  /** AT_HWCAP: the CPUID.1 EDX feature bits the VM advertises (default: what CPUID reports, interp/exec/system.ts). */
  hwcap?: number;
  /** Seed for AT_RANDOM and getrandom, so runs are reproducible (default 0x1234). */
  seed?: number;
  /** RLIMIT_AS, soft and hard, in bytes: mapped guest memory beyond it is ENOMEM (default: unlimited). */
  maxMemory?: number;
}

/** sa_flags: a call a handler interrupts is made again after it. */
const SA_RESTART = 0x10000000;
/** The length of `int 0x80`, the one way into a system call (there is no vDSO). */
const INT80_LEN = 2;

/** The largest interpreter read (a dynamic loader is a few hundred KiB). */
const MAX_INTERPRETER_BYTES = 64 << 20;

/** A process made from another: a forked child, or a new program in place of `from` (execve). */
export interface Lineage {
  from: Process;
  exec: boolean;
  /** execve: the canonical guest path of the program file (/proc/self/exe). */
  exe?: string;
}

export class Process {
  readonly kernel: Kernel;
  readonly pid: number;
  /** The parent's pid (GUEST_PPID once the parent has ended), process group and session. */
  ppid: number;
  pgid: number;
  sid: number;
  readonly fds: FdTable;
  readonly fsys: Sandbox;
  readonly signals = new SignalState(() => this.cpu.eip);
  /** ITIMER_REAL (alarm, setitimer): SIGALRM when it comes due (itimer.ts). */
  readonly realTimer: RealTimer;
  /** ITIMER_VIRTUAL and ITIMER_PROF: their settings only (syscalls/time.ts). */
  readonly idleTimers: TimerValue[];
  /** POSIX timers (timer_create) by id, each with the signal it sends (0: none); fork and execve start without any. */
  readonly posixTimers = new Map<number, { timer: RealTimer; signo: number; clock: number }>();
  readonly rng: Prng;
  readonly uid = process.getuid?.() ?? 0;
  readonly gid = process.getgid?.() ?? 0;
  readonly execfn: string;
  /** Canonical guest path of the program (readlink /proc/self/exe). */
  readonly exePath: string;
  brk: number;
  /** The thread name (prctl PR_SET_NAME/PR_GET_NAME), at most 15 bytes. */
  comm: string;
  /** Guest addresses [start, end) of the argv and environment strings exec laid out (/proc/self/cmdline, environ). */
  argArea: [number, number] = [0, 0];
  envArea: [number, number] = [0, 0];
  umask = 0o022;
  /** Resource limits by RLIMIT_* number as [soft, hard]; Infinity is RLIM_INFINITY. */
  readonly rlimits: [number, number][];
  /** Set when another process's signal ends this one: the scheduler ends it before it runs again. */
  killed: GuestExit | undefined;
  /** A vfork child this process waits for until it ends or runs another program. */
  vforkChild: Process | undefined;
  /** The signal the parent gets when this process ends (clone's low byte; 0: none). */
  exitSignal = SIGCHLD;
  /** The system call just before EIP paused (GuestPause "blocked"): resume() makes it again. */
  private blocked = false;
  /** What a paused call keeps until it completes: a sleep's deadline, the mask sigsuspend replaced. */
  callState: { deadline?: number; mask?: SigSet } = {};
  private readonly reported: Set<string>;

  constructor(
    readonly mem: Memory,
    readonly cpu: Cpu,
    readonly brkStart: number,
    readonly opts: ProcessOptions = {},
    kin?: Lineage,
  ) {
    const from = kin?.from, forked = from !== undefined && !kin!.exec;
    this.kernel = from?.kernel ?? new Kernel();
    this.pid = from && !forked ? from.pid : this.kernel.newPid();
    this.ppid = !from ? GUEST_PPID : forked ? from.pid : from.ppid;
    this.pgid = from?.pgid ?? this.pid;
    this.sid = from?.sid ?? this.pid;
    this.fsys = !from ? new Sandbox(opts.root ?? "/") : forked ? from.fsys.fork(this.pid) : from.fsys;
    this.fds = !from ? FdTable.withStdio((fd) => stdioName(this.fsys, fd)) : forked ? from.fds.fork() : from.fds;
    if (from) this.signals.inherit(from.signals, !forked);
    // An alarm survives execve, not fork.
    this.realTimer = from && !forked ? from.realTimer : new RealTimer();
    this.idleTimers = from && !forked ? from.idleTimers : [{ valueMs: 0, intervalMs: 0 }, { valueMs: 0, intervalMs: 0 }];
    this.rng = new Prng((opts.seed ?? 0x1234) + this.pid - GUEST_PID);
    this.execfn = opts.execfn ?? "";
    this.exePath = forked ? from.exePath : kin?.exe ?? canonicalOr(this.fsys, this.execfn);
    this.comm = forked ? from.comm : Buffer.from(this.exePath.slice(this.exePath.lastIndexOf("/") + 1)).subarray(0, 15).toString("latin1");
    this.brk = forked ? from.brk : brkStart;
    this.reported = from?.reported ?? new Set<string>();
    if (from) {
      if (!forked) this.exitSignal = from.exitSignal;
      this.rlimits = from.rlimits.map(([soft, hard]) => [soft, hard]);
      this.umask = from.umask;
      if (forked) { this.argArea = from.argArea; this.envArea = from.envArea; }
      return;
    }
    this.rlimits = Array.from({ length: RLIM_NLIMITS }, () => [Infinity, Infinity]);
    this.rlimits[RLIMIT_STACK] = [STACK_SIZE, Infinity];
    this.rlimits[RLIMIT_NOFILE] = [MAX_FDS, MAX_FDS];
    if (opts.maxMemory !== undefined) this.rlimits[RLIMIT_AS] = [opts.maxMemory, opts.maxMemory];
  }

  /**
   * Loads an i386 ELF into a fresh address space — and its interpreter, found inside the root,
   * when it names one (PT_INTERP) — and builds its initial stack. With kin (execve), the new
   * program is to take the place of kin.from: the caller then closes its close-on-exec fds and
   * puts it in the process table.
   */
  static create(bytes: Uint8Array, argv: string[], env: string[], opts: ProcessOptions = {}, kin?: Lineage): Process {
    const mem = Memory.fresh();
    const cpu = new Cpu(mem);
    const img = loadElf(mem, bytes);
    const execfn = opts.execfn ?? argv[0] ?? "";
    const p = new Process(mem, cpu, img.brkStart, { ...opts, execfn }, kin);
    const interp = img.interp === undefined ? undefined : loadInterpreter(mem, p.interpreterFile(img.interp));
    const stack = buildStack(mem, {
      argv, env, execfn, entry: img.entry, base: interp?.loadBase ?? 0, phdrAddr: img.phdrAddr, phnum: img.phnum, phent: img.phent,
      hwcap: opts.hwcap ?? CPUID_FEATURES_EDX, uid: p.uid, gid: p.gid, random: p.rng.bytes(16),
    });
    const esp = stack.esp;
    p.argArea = stack.args;
    p.envArea = stack.env;
    for (const r of [R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP]) cpu.s[r] = 0;
    cpu.s[R_ESP] = esp;
    cpu.eip = interp?.entry ?? img.entry;
    if (!kin) p.kernel.add(p);
    return p;
  }

  /**
   * execve's new program in place of this one: execfn as the guest named it, exe the canonical path of
   * the file run (throws BadElf or MissingInterpreter when it cannot be loaded).
   */
  image(bytes: Uint8Array, argv: string[], env: string[], execfn: string, exe: string): Process {
    return Process.create(bytes, argv, env, { ...this.opts, execfn }, { from: this, exec: true, exe });
  }

  /**
   * fork: a child with a copy of this address space and CPU (at the same EIP, after the call, with
   * EAX 0), the same open files, dispositions and mask; the scheduler is told of it.
   */
  fork(): Process {
    if (this.kernel.mappedBytes() + this.mem.mappedPages * PAGE_SIZE > MAX_MAPPED_BYTES) fail(E.ENOMEM);
    const mem = this.mem.copy();
    const cpu = new Cpu(mem);
    cpu.copyFrom(this.cpu);
    const child = new Process(mem, cpu, this.brkStart, this.opts, { from: this, exec: false });
    cpu.s[R_EAX] = 0;
    this.kernel.add(child);
    this.kernel.onSpawn(child);
    return child;
  }

  /** The process ends with wait status word `status`: its fds close and its parent learns of it. */
  end(status: number): void {
    this.fds.closeAll();
    this.kernel.exit(this, status);
  }

  /**
   * Before a paused process runs again (now: performance.now()): a signal from another process
   * that ends it ends it now; a blocked call is made again (and may pause again); queued
   * handlers are entered. Throws what syscall() throws.
   */
  resume(now: number): void {
    if (this.killed) throw this.killed;
    this.expireTimers(now);
    if (!this.blocked) { this.enterQueuedHandlers(); return; }
    this.blocked = false;
    this.syscall();
  }

  /** Whether the process is paused in a blocked call. */
  get waiting(): boolean {
    return this.blocked;
  }

  /**
   * A synchronous fault: its handler is entered as Linux enters it, when the guest has one and the
   * signal is not blocked (Linux forces the default action on a blocked or ignored fault signal).
   */
  fault(sig: number, addr: number): boolean {
    if (!this.signals.hasHandler(sig) || this.signals.isBlocked(sig)) return false;
    enterHandler(this, sig, addr);
    return true;
  }

  /**
   * Between guest blocks (EIP is the next one's): a timer that has come due sends its signal
   * (the real-time timer SIGALRM), whose handler is entered here, before that block, as on
   * return from an interrupt.
   */
  tick(now: number): void {
    if (this.expireTimers(now)) this.enterQueuedHandlers();
  }

  /** Sends the signals of the timers that have come due by now (SIGALRM, a POSIX timer's own); whether any came due. */
  private expireTimers(now: number): boolean {
    let due = this.realTimer.expire(now);
    if (due) this.signals.raise(SIGALRM, this.timerInfo);
    if (this.posixTimers.size === 0) return due;
    for (const t of this.posixTimers.values()) {
      if (!t.timer.expire(now)) continue;
      due = true;
      if (t.signo) this.signals.raise(t.signo, { code: SI_TIMER, pid: 0, uid: 0 });
    }
    return due;
  }

  /** When the next timer comes due, or Infinity. */
  private get timersDue(): number {
    let due = this.realTimer.due;
    for (const t of this.posixTimers.values()) due = Math.min(due, t.timer.due);
    return due;
  }

  /**
   * A sleeping system call's wait until deadline (ms, performance.now; Infinity: until a
   * signal), woken when the real-time timer comes due: returns whether a signal's handler is
   * now to run (the call is then interrupted: EINTR). A due timer whose signal is blocked or
   * ignored lets the sleep go on; one whose default action ends the guest ends it. While other
   * guest processes run, the wait is a pause (GuestPause), made again until it is over, with the
   * deadline the call first computed.
   */
  sleepUntil(deadline: number): boolean {
    if (this.kernel.shared) {
      const until = (this.callState.deadline ??= deadline), now = performance.now();
      this.expireTimers(now);
      if (this.signals.toHandle.length) return true;
      if (now >= until) return false;
      throw new GuestPause("blocked");
    }
    for (;;) {
      const now = performance.now(), wake = Math.min(deadline, this.timersDue);
      if (wake > now) sleepMs(wake === Infinity ? Infinity : wake - now);
      if (this.expireTimers(performance.now()) && this.signals.toHandle.length) return true;
      if (performance.now() >= deadline) return false;
    }
  }

  /** A timer's signal comes from the kernel. */
  private get timerInfo(): SigInfo {
    return { code: SI_KERNEL, pid: 0, uid: 0 };
  }

  /** When a paused process next has something to do by itself (a sleep's end, its timer), or Infinity. */
  get wakeAt(): number {
    return Math.min(this.callState.deadline ?? Infinity, this.timersDue);
  }

  /** Enters the handlers of the signals raised or unblocked since the last look, the last one raised innermost. */
  enterQueuedHandlers(): void {
    for (let sig = this.signals.toHandle.shift(); sig !== undefined; sig = this.signals.toHandle.shift()) enterHandler(this, sig);
  }

  /** The bytes of the interpreter at guest path guestPath (resolved inside the root, as the kernel resolves it). */
  private interpreterFile(guestPath: string): Uint8Array {
    let host: string;
    let st: fs.Stats;
    try {
      host = this.fsys.resolve(guestPath, true).host;
      st = fs.statSync(host);
    } catch (e) {
      const code = e instanceof SysError ? e.errno : hostErrno(e);
      if (code === E.ENOENT || code === E.ENOTDIR) throw new MissingInterpreter(`its interpreter ${guestPath} does not exist`);
      throw new BadElf(`its interpreter ${guestPath} cannot be read (errno ${code})`);
    }
    if (!st.isFile()) throw new BadElf(`its interpreter ${guestPath} is not a regular file`);
    if (st.size > MAX_INTERPRETER_BYTES) throw new BadElf(`its interpreter ${guestPath} is larger than ${MAX_INTERPRETER_BYTES >> 20} MiB`);
    try {
      return fs.readFileSync(host);
    } catch (e) {
      throw new BadElf(`its interpreter ${guestPath} cannot be read (errno ${hostErrno(e)})`);
    }
  }

  /** The `int 0x80` entry: EIP is already past the instruction. */
  syscall(): void {
    const s = this.cpu.s;
    const nr = s[R_EAX];
    const args = [s[R_EBX], s[R_ECX], s[R_EDX], s[R_ESI], s[R_EDI], s[R_EBP]].map((v) => v >>> 0);
    const row = SYSCALLS.get(nr);
    if (!row) {
      if (this.opts.strace) this.trace(`${syscallName(nr)}(${args.map((v) => "0x" + v.toString(16)).join(", ")}) = -${E.ENOSYS} ENOSYS (unimplemented)`);
      this.unsupported(`unimplemented syscall ${nr} (${syscallName(nr)})`);
      s[R_EAX] = -E.ENOSYS;
      return;
    }
    let result: number;
    try {
      result = row.handler(this, args);
    } catch (e) {
      if (e instanceof SysError) result = -e.errno;
      else if (isHostError(e)) result = -hostErrno(e);
      else if (e instanceof GuestPause && e.why === "blocked" && e.interruptible && this.signals.toHandle.length) {
        // A handler is to run first: with SA_RESTART the call is made again when it returns.
        if (!(this.signals.actions[this.signals.toHandle[0]].flags & SA_RESTART)) result = -E.EINTR;
        else {
          this.callState = {};
          this.cpu.eip = this.cpu.eip - INT80_LEN;
          this.enterQueuedHandlers();
          return;
        }
      } else {
        if (e instanceof GuestPause && e.why === "blocked") this.blocked = true;
        else if (this.opts.strace && (e instanceof GuestExit || e instanceof GuestPause)) this.trace(formatCall(this.mem, row, args, e instanceof GuestPause ? 0 : null));
        throw e;
      }
    }
    this.callState = {};
    if (this.opts.strace) this.trace(formatCall(this.mem, row, args, result));
    s[R_EAX] = result;
    // Signals raised or unblocked by the call: their handlers run first on the way back.
    this.enterQueuedHandlers();
  }

  // ---- diagnostics ----

  diag(line: string): void {
    if (this.opts.stderr) this.opts.stderr(line);
    else fs.writeSync(2, line + "\n");
  }

  /** A --strace line: with more than one guest process, marked with the pid, as strace -f marks them. */
  private trace(line: string): void {
    this.diag(this.pid === GUEST_PID && !this.kernel.shared ? line : `[pid ${this.pid}] ${line}`);
  }

  /** Prints "cdvm: what" once per distinct message, under --warn or --strace. */
  note(what: string): void {
    if (!this.opts.warn && !this.opts.strace) return;
    const line = `cdvm: ${what}`;
    if (this.reported.has(line)) return;
    this.reported.add(line);
    this.diag(line);
  }

  /** Reports something the VMM does not support: a note, or the end of the run when strict. */
  unsupported(what: string): void {
    if (this.opts.strict) throw new GuestExit(EXIT_VMM, `cdvm: ${what}`);
    this.note(what);
  }

  // ---- guest memory access for handlers (EFAULT as SysError) ----

  get(addr: number, len: number): Uint8Array {
    return this.mem.readBytes(addr, len) ?? fail(E.EFAULT);
  }

  put(addr: number, data: Uint8Array): void {
    if (!this.mem.writeBytes(addr, data)) fail(E.EFAULT);
  }

  struct(addr: number, len: number): Struct {
    return new Struct(this.get(addr, len));
  }

  u32(addr: number): number {
    return this.struct(addr, 4).getU32(0);
  }

  putU32(addr: number, v: number): void {
    this.put(addr, new Struct(4).u32(0, v).bytes);
  }

  /** A NUL-terminated guest path, decoded as UTF-8. */
  path(addr: number): string {
    const raw = this.mem.readCString(addr, 4096);
    if (raw === null) fail(this.mem.accessible(addr, 4096, PROT_READ) ? E.ENAMETOOLONG : E.EFAULT);
    return Buffer.from(raw, "latin1").toString("utf8");
  }

  /** Resolves a path argument relative to dirfd (AT_FDCWD or a directory fd), as the *at syscalls do. */
  resolveAt(dirfd: number, path: string, followLast: boolean): Resolved {
    if (path.startsWith("/") || dirfd === AT_FDCWD) return this.fsys.resolve(path, followLast);
    const dir = this.fds.get(dirfd);
    if ((dir.stat().mode & S_IFMT) !== S_IFDIR) fail(E.ENOTDIR);
    return this.fsys.resolve(path, followLast, dir.guestPath);
  }
}

/** The canonical guest path of path, or path itself when it cannot be resolved. */
function canonicalOr(fsys: Sandbox, path: string): string {
  try {
    return fsys.resolve(path, true).guest;
  } catch {
    return path;
  }
}

/** What the host's /proc/self/fd/N names (a tty, file, "pipe:[..]"), as the guest sees it. */
function stdioName(fsys: Sandbox, fd: number): string {
  try {
    const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
    return target.startsWith("/") ? fsys.guestOf(target) ?? `/dev/fd/${fd}` : target;
  } catch {
    return `/dev/fd/${fd}`;
  }
}

function isHostError(e: unknown): boolean {
  return e instanceof Error && typeof (e as { code?: unknown }).code === "string" && (e as { syscall?: unknown }).syscall !== undefined;
}
