/**
 * One guest Linux process: its address space and CPU, fd table, file-system
 * view, brk heap, identity, limits and signal state, plus the syscall entry
 * point the interpreter calls at `int 0x80`.
 *
 * Invariants: syscall() leaves the result in EAX as the kernel does (a value,
 * or -errno in [-4095, -1]); it only throws GuestExit (process end) and
 * never lets a host error escape. brkStart (from the loader) is page-aligned,
 * brkStart <= brk, and [brkStart, pageUp(brk)) is mapped read-write.
 */
import * as fs from "node:fs";
import { Cpu } from "../interp/cpu.ts";
import { CPUID_FEATURES_EDX } from "../interp/exec/system.ts";
import { GuestExit, SIGALRM } from "../core/fault.ts";
import { PROT_READ, R_EAX, R_EBP, R_EBX, R_ECX, R_EDI, R_EDX, R_ESI, R_ESP, STACK_SIZE } from "../core/layout.ts";
import { Memory } from "../core/memory.ts";
import { EXIT_VMM } from "../core/status.ts";
import { BadElf, loadElf, loadInterpreter, MissingInterpreter } from "./elf.ts";
import { enterHandler } from "./sigframe.ts";
import { E, SysError, fail, hostErrno } from "./errno.ts";
import { AT_FDCWD, RLIMIT_AS, RLIMIT_NOFILE, RLIMIT_STACK, RLIM_NLIMITS } from "./abi.ts";
import { FdTable, MAX_FDS, sleepMs } from "./fdtable.ts";
import { RealTimer, type TimerValue } from "./itimer.ts";
import { type Resolved, Sandbox } from "./fs.ts";
import { Prng } from "./prng.ts";
import { SignalState } from "./signals.ts";
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

/** The largest interpreter read (a dynamic loader is a few hundred KiB). */
const MAX_INTERPRETER_BYTES = 64 << 20;

export class Process {
  readonly fds: FdTable;
  readonly fsys: Sandbox;
  readonly signals = new SignalState(() => this.cpu.eip);
  /** ITIMER_REAL (alarm, setitimer): SIGALRM when it comes due (itimer.ts). */
  readonly realTimer = new RealTimer();
  /** ITIMER_VIRTUAL and ITIMER_PROF: their settings only (syscalls/time.ts). */
  readonly idleTimers: TimerValue[] = [{ valueMs: 0, intervalMs: 0 }, { valueMs: 0, intervalMs: 0 }];
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
  private readonly reported = new Set<string>();

  constructor(
    readonly mem: Memory,
    readonly cpu: Cpu,
    readonly brkStart: number,
    readonly opts: ProcessOptions = {},
  ) {
    this.fsys = new Sandbox(opts.root ?? "/");
    this.fds = FdTable.withStdio((fd) => stdioName(this.fsys, fd));
    this.rng = new Prng(opts.seed ?? 0x1234);
    this.execfn = opts.execfn ?? "";
    this.exePath = canonicalOr(this.fsys, this.execfn);
    this.comm = Buffer.from(this.exePath.slice(this.exePath.lastIndexOf("/") + 1)).subarray(0, 15).toString("latin1");
    this.brk = brkStart;
    this.rlimits = Array.from({ length: RLIM_NLIMITS }, () => [Infinity, Infinity]);
    this.rlimits[RLIMIT_STACK] = [STACK_SIZE, Infinity];
    this.rlimits[RLIMIT_NOFILE] = [MAX_FDS, MAX_FDS];
    if (opts.maxMemory !== undefined) this.rlimits[RLIMIT_AS] = [opts.maxMemory, opts.maxMemory];
  }

  /**
   * Loads an i386 ELF into a fresh address space — and its interpreter, found inside the root,
   * when it names one (PT_INTERP) — and builds its initial stack.
   */
  static create(bytes: Uint8Array, argv: string[], env: string[], opts: ProcessOptions = {}): Process {
    const mem = new Memory();
    const cpu = new Cpu(mem);
    const img = loadElf(mem, bytes);
    const execfn = opts.execfn ?? argv[0] ?? "";
    const p = new Process(mem, cpu, img.brkStart, { ...opts, execfn });
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
    return p;
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
   * Between guest blocks (EIP is the next one's): a real-time timer that has come due sends
   * SIGALRM, whose handler is entered here, before that block, as on return from an interrupt.
   */
  tick(now: number): void {
    if (!this.realTimer.expire(now)) return;
    this.signals.raise(SIGALRM);
    this.enterQueuedHandlers();
  }

  /**
   * A sleeping system call's wait until deadline (ms, performance.now; Infinity: until a
   * signal), woken when the real-time timer comes due: returns whether a signal's handler is
   * now to run (the call is then interrupted: EINTR). A due timer whose signal is blocked or
   * ignored lets the sleep go on; one whose default action ends the guest ends it.
   */
  sleepUntil(deadline: number): boolean {
    for (;;) {
      const now = performance.now(), wake = Math.min(deadline, this.realTimer.due);
      if (wake > now) sleepMs(wake === Infinity ? Infinity : wake - now);
      if (this.realTimer.expire(performance.now())) {
        this.signals.raise(SIGALRM);
        if (this.signals.toHandle.length) return true;
      }
      if (performance.now() >= deadline) return false;
    }
  }

  /** Enters the handlers of the signals raised or unblocked since the last look, the last one raised innermost. */
  private enterQueuedHandlers(): void {
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
      if (this.opts.strace) this.diag(`${syscallName(nr)}(${args.map((v) => "0x" + v.toString(16)).join(", ")}) = -${E.ENOSYS} ENOSYS (unimplemented)`);
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
      else {
        if (this.opts.strace && e instanceof GuestExit) this.diag(formatCall(this.mem, row, args, null));
        throw e;
      }
    }
    if (this.opts.strace) this.diag(formatCall(this.mem, row, args, result));
    s[R_EAX] = result;
    // Signals raised or unblocked by the call: their handlers run first on the way back.
    this.enterQueuedHandlers();
  }

  // ---- diagnostics ----

  diag(line: string): void {
    if (this.opts.stderr) this.opts.stderr(line);
    else fs.writeSync(2, line + "\n");
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
