/**
 * Making, replacing and reaping processes: fork, vfork, clone (as fork, or
 * as vfork with CLONE_VM | CLONE_VFORK), execve, wait4, waitpid, waitid.
 *
 * Each process has an address space of its own, copied at fork — so a vfork
 * child's stores do not reach its parent, which Linux's shared memory would
 * show them to (what vfork children may do, exec or _exit, works the same).
 * Threads (CLONE_VM without CLONE_VFORK, CLONE_THREAD) are not supported.
 */
import * as fs from "node:fs";
import { GuestPause } from "../../core/fault.ts";
import { R_ESP } from "../../core/layout.ts";
import { AT_FDCWD } from "../abi.ts";
import { BadElf, MissingInterpreter } from "../elf.ts";
import { resolvePath } from "../procfs.ts";
import { E, fail } from "../errno.ts";
import { childEnd } from "../kernel.ts";
import type { Process } from "../process.ts";
import { SIGCHLD } from "../signals.ts";
import { Struct } from "../struct.ts";
import { type SyscallRow, int, sys } from "./row.ts";
import { setThreadArea } from "./proc.ts";

const CLONE_VM = 0x100, CLONE_VFORK = 0x4000, CLONE_THREAD = 0x10000, CLONE_SETTLS = 0x80000;
const CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_SETTID = 0x1000000, CSIGNAL = 0xff;
const WNOHANG = 1, WUNTRACED = 2, WEXITED = 4, WCONTINUED = 8, WNOWAIT = 0x1000000;
const WAIT_FLAGS = WNOHANG | WUNTRACED | WCONTINUED | 0x20000000 | 0x40000000 | 0x80000000; // __WNOTHREAD, __WALL, __WCLONE
const P_ALL = 0, P_PID = 1, P_PGID = 2;
/** struct rusage on i386: two timevals and fourteen longs, reported as zeros. */
const RUSAGE_BYTES = 72;

/** Programs larger than this are not read (the same bound as `cdvm run`'s). */
const MAX_PROGRAM_BYTES = 1 << 30;
/** Bytes of argv and envp strings together (the kernel's limit is a quarter of an 8 MiB stack). */
const MAX_ARG_BYTES = 2 << 20;
/** "#!" lines the kernel reads (BINPRM_BUF_SIZE) and interpreters it follows. */
const SHEBANG_BYTES = 256, MAX_SHEBANG_DEPTH = 4;

/**
 * clone, fork and vfork: a child process. With CLONE_VFORK the parent waits (uninterruptibly,
 * as Linux's vfork does) until the child ends or runs another program; the call is then made
 * again by the scheduler and returns the child's pid.
 */
function clone(p: Process, flags: number, newsp: number, ptid: number, tls: number, ctid: number): number {
  const waited = p.vforkChild;
  if (waited) {
    if (p.kernel.live.get(waited.pid) === waited) throw new GuestPause("blocked", false);
    p.vforkChild = undefined;
    return waited.pid;
  }
  if (flags & CLONE_THREAD || (flags & CLONE_VM && !(flags & CLONE_VFORK))) {
    p.unsupported("threads (clone with CLONE_VM or CLONE_THREAD) are not supported");
    return -E.ENOSYS;
  }
  const child = p.fork();
  child.exitSignal = flags & CSIGNAL;
  if (newsp) child.cpu.s[R_ESP] = newsp;
  if (flags & CLONE_SETTLS) setThreadArea(child, tls);
  if (flags & CLONE_PARENT_SETTID) { p.putU32(ptid, child.pid); child.putU32(ptid, child.pid); }
  if (flags & CLONE_CHILD_SETTID) child.putU32(ctid, child.pid);
  if (!(flags & CLONE_VFORK)) return child.pid;
  p.vforkChild = child;
  throw new GuestPause("blocked", false);
}

/** A NULL-terminated array of guest string pointers (argv, envp); NULL itself is an empty array. */
function strings(p: Process, addr: number, budget: { left: number }): string[] {
  const out: string[] = [];
  for (let a = addr; addr !== 0; a += 4) {
    const ptr = p.u32(a);
    if (ptr === 0) return out;
    const str = p.path(ptr);
    budget.left -= Buffer.byteLength(str) + 5;
    if (budget.left < 0) fail(E.E2BIG);
    out.push(str);
  }
  return out;
}

/** The bytes and canonical guest path of the executable regular file at path, as execve checks it. */
function program(p: Process, path: string): { bytes: Uint8Array; exe: string } {
  const r = resolvePath(p, AT_FDCWD, path, true);
  if (r.proc !== undefined) fail(E.EACCES); // a file of the guest's /proc, which is no program
  const host = r.host;
  const st = fs.statSync(host);
  if (!st.isFile()) fail(E.EACCES);
  fs.accessSync(host, fs.constants.X_OK);
  if (st.size > MAX_PROGRAM_BYTES) fail(E.ENOMEM);
  return { bytes: fs.readFileSync(host), exe: r.guest };
}

/** A "#!" line's interpreter and its optional argument, or null when bytes is no script. */
function shebang(bytes: Uint8Array): [string, string | undefined] | null {
  if (bytes[0] !== 0x23 || bytes[1] !== 0x21) return null;
  const head = Buffer.from(bytes.subarray(2, SHEBANG_BYTES)).toString("latin1");
  const line = head.split("\n")[0].replace(/^[ \t]+|[ \t]+$/g, "");
  if (!line) fail(E.ENOEXEC);
  const cut = line.search(/[ \t]/);
  if (cut < 0) return [line, undefined];
  return [line.slice(0, cut), line.slice(cut).replace(/^[ \t]+/, "")];
}

/**
 * execve: the program at path (an i386 ELF, or a "#!" script whose interpreter is one) replaces
 * this process's image; close-on-exec fds close; the scheduler runs the new image (GuestPause
 * "exec"). Failures leave the process as it was, with the errno Linux gives.
 */
function execve(p: Process, pathAddr: number, argvAddr: number, envAddr: number): number {
  const path = p.path(pathAddr);
  const budget = { left: MAX_ARG_BYTES };
  let argv = strings(p, argvAddr, budget);
  const env = strings(p, envAddr, budget);
  let file = path, prog = program(p, file);
  for (let depth = 0, script = shebang(prog.bytes); script; script = shebang(prog.bytes)) {
    if (++depth > MAX_SHEBANG_DEPTH) fail(E.ELOOP);
    const [interp, arg] = script;
    argv = [interp, ...(arg === undefined ? [] : [arg]), file, ...argv.slice(1)];
    file = interp;
    prog = program(p, file);
  }
  let next: Process;
  try {
    next = p.image(prog.bytes, argv, env, path, prog.exe);
  } catch (e) {
    if (e instanceof MissingInterpreter) fail(E.ENOENT);
    if (e instanceof BadElf) fail(E.ENOEXEC);
    throw e;
  }
  p.fds.closeOnExec();
  p.kernel.replace(next);
  throw new GuestPause("exec");
}

/** wait4's pid selection, options and status word; a zombie found is reaped unless keep. */
function reap(p: Process, pid: number, options: number, keep: boolean): { pid: number; status: number } | null {
  const { live, zombies } = p.kernel.waitable(p, pid);
  // Linux looks at children in the order they were made.
  const z = zombies.sort((a, b) => a.pid - b.pid)[0];
  if (z) {
    if (!keep) p.kernel.zombies.delete(z.pid);
    return z;
  }
  if (!live.length) fail(E.ECHILD);
  if (options & WNOHANG) return null;
  throw new GuestPause("blocked");
}

function wait4(p: Process, pid: number, statusAddr: number, options: number, rusageAddr: number): number {
  if (options & ~WAIT_FLAGS) fail(E.EINVAL);
  const z = reap(p, pid, options, false);
  if (!z) return 0;
  if (statusAddr) p.putU32(statusAddr, z.status);
  if (rusageAddr) p.put(rusageAddr, new Uint8Array(RUSAGE_BYTES));
  return z.pid;
}

/** waitid: exits only (WEXITED); the siginfo says how the child ended. */
function waitid(p: Process, idtype: number, id: number, infoAddr: number, options: number, rusageAddr: number): number {
  if (options & ~(WNOHANG | WEXITED | WUNTRACED | WCONTINUED | WNOWAIT | 0xe0000000) || !(options & (WEXITED | WUNTRACED | WCONTINUED))) fail(E.EINVAL);
  const pid = idtype === P_ALL ? -1 : idtype === P_PID && int(id) > 0 ? int(id) : idtype === P_PGID && int(id) >= 0 ? -int(id) || 0 : fail(E.EINVAL);
  if (!(options & WEXITED)) {
    if (!p.kernel.waitable(p, pid).live.length) fail(E.ECHILD);
    if (options & WNOHANG) return 0;
    throw new GuestPause("blocked"); // no child ever stops or continues
  }
  const z = reap(p, pid, options, (options & WNOWAIT) !== 0);
  const info = new Struct(128);
  if (z) {
    const end = childEnd(z.status);
    info.u32(0, SIGCHLD).u32(8, end.code).u32(12, z.pid).u32(16, p.uid).u32(20, end.value);
  }
  if (infoAddr) p.put(infoAddr, info.bytes);
  if (rusageAddr) p.put(rusageAddr, new Uint8Array(RUSAGE_BYTES));
  return 0;
}

export const spawnSyscalls: SyscallRow[] = [
  sys("fork", [], (p) => clone(p, SIGCHLD, 0, 0, 0, 0)),
  sys("vfork", [], (p) => clone(p, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0)),
  sys("clone", ["hex", "ptr", "ptr", "ptr", "ptr"], (p, a) => clone(p, a[0], a[1], a[2], a[3], a[4])),
  sys("clone3", ["ptr", "uint"], () => -E.ENOSYS), // glibc falls back to clone: known and silent
  sys("execve", ["str", "ptr", "ptr"], (p, a) => execve(p, a[0], a[1], a[2])),
  sys("wait4", ["int", "ptr", "hex", "ptr"], (p, a) => wait4(p, int(a[0]), a[1], a[2], a[3])),
  sys("waitpid", ["int", "ptr", "hex"], (p, a) => wait4(p, int(a[0]), a[1], a[2], 0)),
  sys("waitid", ["int", "int", "ptr", "hex", "ptr"], (p, a) => waitid(p, a[0], a[1], a[2], a[3], a[4])),
];
