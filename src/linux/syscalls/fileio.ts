/**
 * Syscalls on file descriptors: open/close, data transfer (read, write,
 * vectored and positional variants), seeking, dup, pipes, fcntl, ioctl on
 * terminals, and readiness (poll, select).
 *
 * Invariants: a guest buffer is checked for accessibility before any input
 * is consumed, so an EFAULT never loses data. A transfer is bounded as
 * Linux bounds it (MAX_IO per call, across all its iovecs) and moves at
 * most CHUNK bytes per host call on views of guest memory, so no
 * guest-chosen size makes the VMM hold more than CHUNK bytes of it.
 */
import * as fs from "node:fs";
import { GuestPause } from "../../core/fault.ts";
import { GUEST_LIMIT, PROT_READ, PROT_WRITE } from "../../core/layout.ts";
import { E, SysError, fail } from "../errno.ts";
import {
  HostFile, O_APPEND, O_CLOEXEC, O_CREAT, O_EXCL, O_LARGEFILE, O_NOCTTY, O_NOFOLLOW, O_NONBLOCK, O_TRUNC, fileLength,
  O_WRONLY, type OpenFile, PIPE_CAPACITY, PipeEnd, SEEK_CUR, SEEK_SET, SETFL_MASK, sleepMs,
} from "../fdtable.ts";
import { AT_FDCWD, RLIMIT_NOFILE } from "../abi.ts";
import { lexists } from "../fs.ts";
import type { Process } from "../process.ts";
import { procOpen, resolvePath } from "../procfs.ts";
import { SIGPIPE } from "../signals.ts";
import { S_IFIFO, S_IFMT } from "../stat.ts";
import { Struct } from "../struct.ts";
import { type SyscallRow, int, sys } from "./row.ts";

/** Largest transfer of one call, Linux's MAX_RW_COUNT: a longer request is cut to it (a short count). */
const MAX_IO = 0x7ffff000;
/** Bytes moved per host call: no host buffer of a transfer is larger, and 2 GiB is 2048 calls. */
const CHUNK = 1 << 20;
const IOV_MAX = 1024;

/** Guest ranges [addr, len] of one transfer, checked and cut to MAX_IO in total. */
type Ranges = [number, number][];

function readable(p: Process, fd: number): OpenFile {
  const f = p.fds.get(fd);
  return f.readable ? f : fail(E.EBADF);
}

function writable(p: Process, fd: number): OpenFile {
  const f = p.fds.get(fd);
  return f.writable ? f : fail(E.EBADF);
}

/**
 * The ranges of a transfer, as Linux takes them: each must lie below the
 * guest limit at its full length (EFAULT), then the total is cut to MAX_IO;
 * what remains must be accessible with prot, checked before any byte moves.
 */
function ranges(p: Process, raw: Ranges, prot: number): Ranges {
  if (raw.some(([a, l]) => (a >>> 0) + l > GUEST_LIMIT)) fail(E.EFAULT);
  let left = MAX_IO;
  const out: Ranges = [];
  for (const [a, l] of raw) {
    const len = Math.min(l, left);
    if (!p.mem.accessible(a, len, prot)) fail(E.EFAULT);
    if (len) out.push([a >>> 0, len]);
    left -= len;
  }
  return out;
}

/** The iovec array {base, len}[cnt] at addr; a length that is negative as ssize_t is EINVAL. */
function iovecs(p: Process, addr: number, cnt: number, prot: number): Ranges {
  if (cnt > IOV_MAX) fail(E.EINVAL);
  const s = p.struct(addr, cnt * 8);
  const raw = Array.from({ length: cnt }, (_, i): [number, number] => [s.getU32(8 * i), s.getU32(8 * i + 4)]);
  if (raw.some(([, l]) => l >= 0x80000000)) fail(E.EINVAL);
  return ranges(p, raw, prot);
}

/**
 * Moves the bytes of checked ranges with step, at most CHUNK per call, on
 * views of guest memory (nothing is copied on the VMM side; toGuest: code
 * pages are invalidated before their bytes change). Ends at a short step,
 * or after a step when more() says another could wait where Linux's one
 * call would have returned; an error after some bytes ends it with the
 * count so far, as Linux does.
 */
function stream(p: Process, rs: Ranges, toGuest: boolean, step: (view: Uint8Array, done: number) => number,
  more: () => boolean = () => true): number {
  let done = 0;
  for (const [base, len] of rs) {
    for (let off = 0; off < len;) {
      if (done > 0 && !more()) return done;
      const a = base + off, n = Math.min(CHUNK, len - off);
      if (toGuest) p.mem.prepareWrite(a, n);
      let got: number;
      try {
        got = step(p.mem.u8.subarray(a, a + n), done);
      } catch (e) {
        if (done > 0 && (e instanceof SysError || e instanceof GuestPause)) return done;
        throw e;
      }
      done += got;
      off += got;
      if (got < n) return done;
    }
  }
  return done;
}

/**
 * Reads into checked ranges. A file whose reads may return early without
 * being at its end (pipe, socket, terminal) gets one host read, as Linux's
 * one call returns what is there: through a bounce buffer of at most CHUNK
 * bytes when there are several ranges.
 */
function readRanges(p: Process, f: OpenFile, rs: Ranges, read: (buf: Uint8Array, done: number) => number): number {
  if (rs.length <= 1 || f.fillsReads()) return stream(p, rs, true, read, () => f.fillsReads());
  const buf = new Uint8Array(Math.min(rs.reduce((t, [, l]) => t + l, 0), CHUNK));
  const n = read(buf, 0);
  let done = 0;
  for (const [a, l] of rs) {
    if (done >= n) break;
    p.put(a, buf.subarray(done, Math.min(n, done + l)));
    done += l;
  }
  return n;
}

/** A write that raises SIGPIPE when the reading side is gone, as Linux does. */
function writeOrSigpipe(p: Process, write: () => number): number {
  try {
    return write();
  } catch (e) {
    if (e instanceof SysError && e.errno === E.EPIPE) p.signals.raise(SIGPIPE);
    throw e;
  }
}

function writeRanges(p: Process, rs: Ranges, write: (data: Uint8Array, done: number) => number): number {
  return stream(p, rs, false, (view, done) => writeOrSigpipe(p, () => write(view, done)));
}

const off64 = (lo: number, hi: number) => hi * 0x100000000 + lo;

/** A positional-I/O offset (low, high words): negative is EINVAL. */
const offset = (lo: number, hi: number) => (int(hi) < 0 ? fail(E.EINVAL) : off64(lo, hi));

function openAt(p: Process, dirfd: number, pathAddr: number, flags: number, mode: number): number {
  const exclCreate = (flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL);
  const follow = !(flags & O_NOFOLLOW) && !exclCreate;
  const r = resolvePath(p, dirfd, p.path(pathAddr), follow);
  if (r.proc !== undefined) return p.fds.install(procOpen(p, r, flags, follow), (flags & O_CLOEXEC) !== 0);
  const created = (flags & O_CREAT) !== 0 && !lexists(r.host);
  // O_APPEND is emulated (HostFile.write) so that F_SETFL can change it.
  const hostFd = fs.openSync(r.host, flags & ~(O_CLOEXEC | O_APPEND | O_LARGEFILE), mode & 0o7777);
  try {
    if (created) fs.fchmodSync(hostFd, mode & ~p.umask & 0o7777);
    const isDir = fs.fstatSync(hostFd).isDirectory();
    const status = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
    return p.fds.install(new HostFile(hostFd, status, r.guest, isDir), (flags & O_CLOEXEC) !== 0);
  } catch (e) {
    fs.closeSync(hostFd);
    throw e;
  }
}

function seek(p: Process, fd: number, off: number, whence: number): number {
  return p.fds.get(fd).seek(off, whence);
}

const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

/** close_range: the open fds in [first, last] close, or with CLOSE_RANGE_CLOEXEC become close-on-exec (fd tables are never shared). */
function closeRange(p: Process, first: number, last: number, flags: number): number {
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) fail(E.EINVAL);
  for (const fd of p.fds.open()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) p.fds.setCloexec(fd, true);
    else p.fds.close(fd);
  }
  return 0;
}

function dup3(p: Process, oldfd: number, newfd: number, flags: number): number {
  if (flags & ~O_CLOEXEC) fail(E.EINVAL);
  return p.fds.installAt(newfd, p.fds.get(oldfd), (flags & O_CLOEXEC) !== 0);
}

function pipe2(p: Process, addr: number, flags: number): number {
  if (flags & ~(O_CLOEXEC | O_NONBLOCK | 0o40000 /* O_DIRECT: packet mode, ignored */)) fail(E.EINVAL);
  if (!p.mem.accessible(addr, 8, PROT_WRITE)) fail(E.EFAULT);
  const [r, w] = PipeEnd.pair(flags & O_NONBLOCK, () => p.kernel.shared);
  const cloexec = (flags & O_CLOEXEC) !== 0;
  const rfd = p.fds.install(r, cloexec);
  const wfd = p.fds.install(w, cloexec);
  p.put(addr, new Struct(8).u32(0, rfd).u32(4, wfd).bytes);
  return 0;
}

const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7;
const F_SETOWN = 8, F_GETOWN = 9, F_GETLK64 = 12, F_SETLK64 = 13, F_SETLKW64 = 14, F_DUPFD_CLOEXEC = 1030;
const F_GETPIPE_SZ = 1032, FD_CLOEXEC = 1, F_UNLCK = 2;

function fcntl(p: Process, fd: number, cmd: number, arg: number): number {
  const f = p.fds.get(fd);
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC:
      if (int(arg) < 0) fail(E.EINVAL);
      return p.fds.install(f, cmd === F_DUPFD_CLOEXEC, arg);
    case F_GETFD: return p.fds.getCloexec(fd) ? FD_CLOEXEC : 0;
    case F_SETFD: p.fds.setCloexec(fd, (arg & FD_CLOEXEC) !== 0); return 0;
    case F_GETFL: return f.flags;
    case F_SETFL: f.flags = (f.flags & ~SETFL_MASK) | (arg & SETFL_MASK); return 0;
    // One process holds every lock it asks for; nobody else can hold one.
    case F_GETLK: case F_GETLK64: p.put(arg, new Struct(2).u16(0, F_UNLCK).bytes); return 0;
    case F_SETLK: case F_SETLKW: case F_SETLK64: case F_SETLKW64: return 0;
    case F_GETOWN: case F_SETOWN: return 0;
    case F_GETPIPE_SZ: return f instanceof PipeEnd ? PIPE_CAPACITY : fail(E.EINVAL);
    default: fail(E.EINVAL);
  }
}

const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGPGRP = 0x540f;
const TIOCSPGRP = 0x5410, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, FIONBIO = 0x5421;
const FIONCLEX = 0x5450, FIOCLEX = 0x5451;

/** struct termios (kernel, 36 bytes) of a terminal in its usual cooked mode. */
function defaultTermios(): Uint8Array {
  const t = new Struct(36)
    .u32(0, 0o2400 /* ICRNL|IXON */).u32(4, 0o5 /* OPOST|ONLCR */).u32(8, 0o277 /* B38400|CS8|CREAD */)
    .u32(12, 0o105073 /* ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN */);
  // c_cc: VINTR ^C, VQUIT ^\, VERASE DEL, VKILL ^U, VEOF ^D, VTIME 0, VMIN 1, VSTART ^Q, VSTOP ^S, VSUSP ^Z
  [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a].forEach((c, i) => t.u8(17 + i, c));
  return t.bytes;
}

function ioctl(p: Process, fd: number, req: number, arg: number): number {
  const f = p.fds.get(fd);
  switch (req) {
    case FIONBIO: f.flags = p.u32(arg) ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK; return 0;
    case FIOCLEX: case FIONCLEX: p.fds.setCloexec(fd, req === FIOCLEX); return 0;
    case FIONREAD: {
      const n = f.available() ?? (f.isTty() ? 0 : fail(E.ENOTTY));
      p.putU32(arg, n);
      return 0;
    }
  }
  if (!f.isTty()) fail(E.ENOTTY);
  switch (req) {
    case TCGETS: p.put(arg, defaultTermios()); return 0;
    case TCSETS: case TCSETSW: case TCSETSF: p.get(arg, 36); return 0;
    case TIOCGWINSZ: {
      const out = process.stdout.isTTY ? process.stdout : null;
      p.put(arg, new Struct(8).u16(0, out?.rows ?? 24).u16(2, out?.columns ?? 80).bytes);
      return 0;
    }
    case TIOCSWINSZ: p.get(arg, 8); return 0;
    case TIOCGPGRP: p.putU32(arg, p.pgid); return 0;
    case TIOCSPGRP: p.get(arg, 4); return 0;
    default: fail(E.ENOTTY);
  }
}

const POLLIN = 1, POLLOUT = 4, POLLHUP = 0x10, POLLNVAL = 0x20;

/**
 * A timeout argument in ms (-1: none, a NULL pointer): a timeval (select), or a timespec of 32-bit
 * or 64-bit fields (pselect6 and ppoll, and their time64 forms).
 */
function timeoutArg(p: Process, addr: number, kind: "timeval" | "timespec" | "timespec64"): number {
  if (!addr) return -1;
  const s = p.struct(addr, kind === "timespec64" ? 16 : 8);
  const sec = kind === "timespec64" ? Number(s.getI64(0)) : s.getI32(0), frac = kind === "timespec64" ? Number(s.getI64(8)) : s.getI32(4);
  if (sec < 0 || frac < 0 || frac >= (kind === "timeval" ? 1e6 : 1e9)) fail(E.EINVAL);
  return sec * 1000 + frac / (kind === "timeval" ? 1e3 : 1e6);
}

/**
 * poll and select found nothing ready. Only another guest process can change that: while there is
 * one, the call waits (pauses) until timeoutMs (-1: no limit) is over, or fails with EINTR when a
 * signal's handler is to run; alone, the process only sleeps out a finite timeout.
 */
function noneReady(p: Process, timeoutMs: number): number {
  if (timeoutMs === 0) return 0;
  if (!p.kernel.shared) {
    if (timeoutMs > 0) sleepMs(timeoutMs);
    return 0;
  }
  return p.sleepUntil(timeoutMs < 0 ? Infinity : performance.now() + timeoutMs) ? fail(E.EINTR) : 0;
}

/** poll: the revents of each pollfd; nothing ready waits as noneReady says. */
function poll(p: Process, addr: number, nfds: number, timeoutMs: number): number {
  if (nfds > p.rlimits[RLIMIT_NOFILE][0]) fail(E.EINVAL);
  const s = p.struct(addr, nfds * 8);
  let ready = 0;
  for (let i = 0; i < nfds; i++) {
    const fd = s.getI32(8 * i), events = s.getU16(8 * i + 4);
    let rev = 0;
    if (fd >= 0) {
      try {
        const f = p.fds.get(fd);
        if (events & POLLIN && f.readyToRead()) rev |= POLLIN;
        if (events & POLLOUT && f.readyToWrite()) rev |= POLLOUT;
        if (f instanceof PipeEnd && f.readyToRead() && !f.available()) rev |= POLLHUP;
      } catch {
        rev = POLLNVAL;
      }
    }
    s.u16(8 * i + 6, rev);
    if (rev) ready++;
  }
  p.put(addr, s.bytes);
  return ready || noneReady(p, timeoutMs);
}

/**
 * select on fd_set bitmaps: keeps the bits of fds that are ready (exceptional conditions never
 * occur); nothing ready waits as noneReady says, the sets left as they were.
 */
function select(p: Process, nfds: number, rAddr: number, wAddr: number, xAddr: number, timeoutMs: number): number {
  if (int(nfds) < 0 || nfds > p.rlimits[RLIMIT_NOFILE][0]) fail(E.EINVAL);
  const bytes = Math.ceil(nfds / 32) * 4;
  let ready = 0;
  const sets: [number, (f: OpenFile) => boolean][] = [[rAddr, (f) => f.readyToRead()], [wAddr, (f) => f.readyToWrite()], [xAddr, () => false]];
  const results = sets.map(([addr, isReady]) => {
    if (!addr) return null;
    const s = p.struct(addr, bytes);
    for (let fd = 0; fd < nfds; fd++) {
      const w = fd >> 5, bit = 1 << (fd & 31);
      if (!(s.getU32(w * 4) & bit)) continue;
      if (isReady(p.fds.get(fd))) ready++;
      else s.u32(w * 4, s.getU32(w * 4) & ~bit);
    }
    return [addr, s.bytes] as const;
  });
  if (!ready) return noneReady(p, timeoutMs);
  for (const r of results) if (r) p.put(r[0], r[1]);
  return ready;
}

/** POSIX_FADV_NOREUSE, the last advice value on i386. */
const FADV_LAST = 5;

/**
 * posix_fadvise: advice about the page cache, which is the host's to manage, so only checked as
 * Linux checks it (EBADF, ESPIPE for a pipe, EINVAL for an unknown advice or a negative length).
 */
function fadvise(p: Process, fd: number, len: number, advice: number): number {
  if ((p.fds.get(fd).stat().mode & S_IFMT) === S_IFIFO) fail(E.ESPIPE);
  if (advice < 0 || advice > FADV_LAST || len < 0) fail(E.EINVAL);
  return 0;
}

export const fileIoSyscalls: SyscallRow[] = [
  sys("read", ["fd", { buf: 2 }, "uint"], (p, a) => {
    const f = readable(p, int(a[0]));
    return readRanges(p, f, ranges(p, [[a[1], a[2]]], PROT_WRITE), (b) => f.read(b));
  }),
  sys("write", ["fd", { buf: 2 }, "uint"], (p, a) => {
    const f = writable(p, int(a[0]));
    return writeRanges(p, ranges(p, [[a[1], a[2]]], PROT_READ), (d) => f.write(d));
  }),
  sys("readv", ["fd", "ptr", "int"], (p, a) => {
    const f = readable(p, int(a[0]));
    return readRanges(p, f, iovecs(p, a[1], a[2], PROT_WRITE), (b) => f.read(b));
  }),
  sys("writev", ["fd", "ptr", "int"], (p, a) => {
    const f = writable(p, int(a[0]));
    return writeRanges(p, iovecs(p, a[1], a[2], PROT_READ), (d) => f.write(d));
  }),
  sys("pread64", ["fd", { buf: 2 }, "uint", "uint", "uint"], (p, a) => {
    const f = readable(p, int(a[0])), pos = offset(a[3], a[4]);
    return readRanges(p, f, ranges(p, [[a[1], a[2]]], PROT_WRITE), (b, done) => f.pread(b, pos + done));
  }),
  sys("pwrite64", ["fd", { buf: 2 }, "uint", "uint", "uint"], (p, a) => {
    const f = writable(p, int(a[0])), pos = offset(a[3], a[4]);
    return writeRanges(p, ranges(p, [[a[1], a[2]]], PROT_READ), (d, done) => f.pwrite(d, pos + done));
  }),
  sys("preadv", ["fd", "ptr", "int", "uint", "uint"], (p, a) => {
    const f = readable(p, int(a[0])), pos = offset(a[3], a[4]);
    return readRanges(p, f, iovecs(p, a[1], a[2], PROT_WRITE), (b, done) => f.pread(b, pos + done));
  }),
  sys("pwritev", ["fd", "ptr", "int", "uint", "uint"], (p, a) => {
    const f = writable(p, int(a[0])), pos = offset(a[3], a[4]);
    return writeRanges(p, iovecs(p, a[1], a[2], PROT_READ), (d, done) => f.pwrite(d, pos + done));
  }),
  sys("lseek", ["fd", "int", "int"], (p, a) => {
    const pos = seek(p, int(a[0]), int(a[1]), a[2]);
    return pos > 0x7fffffff ? fail(E.EOVERFLOW) : pos;
  }),
  sys("_llseek", ["fd", "int", "uint", "ptr", "int"], (p, a) => {
    const pos = seek(p, int(a[0]), int(a[1]) * 0x100000000 + a[2], a[4]);
    p.put(a[3], new Struct(8).u64(0, pos).bytes);
    return 0;
  }),
  sys("open", ["str", "oflags", "oct"], (p, a) => openAt(p, AT_FDCWD, a[0], a[1], a[2])),
  sys("openat", ["dirfd", "str", "oflags", "oct"], (p, a) => openAt(p, int(a[0]), a[1], a[2], a[3])),
  sys("creat", ["str", "oct"], (p, a) => openAt(p, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1])),
  sys("close", ["fd"], (p, a) => { p.fds.close(int(a[0])); return 0; }),
  sys("close_range", ["uint", "uint", "hex"], (p, a) => closeRange(p, a[0], a[1], a[2])),
  sys("dup", ["fd"], (p, a) => p.fds.install(p.fds.get(int(a[0])), false)),
  sys("dup2", ["fd", "fd"], (p, a) => {
    p.fds.get(int(a[0]));
    return a[0] === a[1] ? a[1] : dup3(p, int(a[0]), int(a[1]), 0);
  }),
  sys("dup3", ["fd", "fd", "oflags"], (p, a) => (a[0] === a[1] ? fail(E.EINVAL) : dup3(p, int(a[0]), int(a[1]), a[2]))),
  sys("pipe", ["ptr"], (p, a) => pipe2(p, a[0], 0)),
  sys("pipe2", ["ptr", "oflags"], (p, a) => pipe2(p, a[0], a[1])),
  sys("fcntl", ["fd", "int", "hex"], (p, a) => fcntl(p, int(a[0]), a[1], a[2])),
  sys("fcntl64", ["fd", "int", "hex"], (p, a) => fcntl(p, int(a[0]), a[1], a[2])),
  sys("ioctl", ["fd", "hex", "hex"], (p, a) => ioctl(p, int(a[0]), a[1], a[2])),
  sys("poll", ["ptr", "uint", "int"], (p, a) => poll(p, a[0], a[1], int(a[2]))),
  sys("ppoll", ["ptr", "uint", "ptr", "ptr"], (p, a) => poll(p, a[0], a[1], timeoutArg(p, a[2], "timespec"))),
  sys("ppoll_time64", ["ptr", "uint", "ptr", "ptr"], (p, a) => poll(p, a[0], a[1], timeoutArg(p, a[2], "timespec64"))),
  sys("_newselect", ["int", "ptr", "ptr", "ptr", "ptr"], (p, a) => select(p, a[0], a[1], a[2], a[3], timeoutArg(p, a[4], "timeval"))),
  sys("pselect6", ["int", "ptr", "ptr", "ptr", "ptr", "ptr"], (p, a) => select(p, a[0], a[1], a[2], a[3], timeoutArg(p, a[4], "timespec"))),
  sys("pselect6_time64", ["int", "ptr", "ptr", "ptr", "ptr", "ptr"], (p, a) => select(p, a[0], a[1], a[2], a[3], timeoutArg(p, a[4], "timespec64"))),
  // Old select takes its five arguments in a struct.
  sys("select", ["ptr"], (p, a) => {
    const s = p.struct(a[0], 20);
    return select(p, s.getU32(0), s.getU32(4), s.getU32(8), s.getU32(12), timeoutArg(p, s.getU32(16), "timeval"));
  }),
  sys("sendfile", ["fd", "fd", "ptr", "uint"], (p, a) => sendfile(p, int(a[0]), int(a[1]), a[2], a[3], false)),
  sys("sendfile64", ["fd", "fd", "ptr", "uint"], (p, a) => sendfile(p, int(a[0]), int(a[1]), a[2], a[3], true)),
  sys("sync", [], () => 0),
  sys("fadvise64", ["fd", "uint", "int", "uint", "int"], (p, a) => fadvise(p, int(a[0]), a[3], int(a[4]))),
  sys("fadvise64_64", ["fd", "uint", "int", "uint", "int", "int"], (p, a) => fadvise(p, int(a[0]), off64(a[3], int(a[4])), int(a[5]))),
  sys("fsync", ["fd"], (p, a) => { fs.fsyncSync(p.fds.get(int(a[0])).hostFd() ?? fail(E.EINVAL)); return 0; }),
  sys("fdatasync", ["fd"], (p, a) => { fs.fdatasyncSync(p.fds.get(int(a[0])).hostFd() ?? fail(E.EINVAL)); return 0; }),
  sys("ftruncate", ["fd", "int"], (p, a) => ftruncate(p, int(a[0]), int(a[1]))),
  sys("ftruncate64", ["fd", "uint", "int"], (p, a) => ftruncate(p, int(a[0]), off64(a[1], int(a[2])))),
];

/**
 * sendfile: copies up to count bytes (cut to MAX_IO) from in_fd to out_fd
 * through one buffer of at most CHUNK bytes. The source is read at *offp
 * (then advanced) when offp is given, else at its own offset, which moves
 * by what was written; a source without one (a pipe) is read as a stream.
 */
function sendfile(p: Process, outFd: number, inFd: number, offp: number, count: number, wideOff: boolean): number {
  const out = writable(p, outFd), src = readable(p, inFd);
  let start: number | null;
  if (offp) {
    const o = p.struct(offp, wideOff ? 8 : 4);
    start = wideOff ? Number(o.getI64(0)) : o.getI32(0);
    if (start < 0) fail(E.EINVAL);
  } else {
    start = offsetOf(src);
  }
  const total = Math.min(count, MAX_IO);
  const buf = new Uint8Array(Math.min(total, CHUNK));
  let done = 0;
  while (done < total) {
    const want = buf.subarray(0, Math.min(buf.length, total - done));
    let written: number;
    try {
      const n = start === null ? src.read(want) : src.pread(want, start + done);
      written = n && writeOrSigpipe(p, () => out.write(want.subarray(0, n)));
    } catch (e) {
      if (done > 0 && e instanceof SysError) break;
      throw e;
    }
    done += written;
    if (written < want.length) break;
  }
  if (offp) p.put(offp, wideOff ? new Struct(8).u64(0, start! + done).bytes : new Struct(4).u32(0, start! + done).bytes);
  else if (start !== null) src.seek(start + done, SEEK_SET);
  return done;
}

/** The file's offset, or null when it has none (a pipe, a terminal). */
function offsetOf(f: OpenFile): number | null {
  try {
    return f.seek(0, SEEK_CUR);
  } catch (e) {
    if (e instanceof SysError) return null;
    throw e;
  }
}

function ftruncate(p: Process, fd: number, len: number): number {
  const f = p.fds.get(fd);
  if (!f.writable) fail(E.EINVAL);
  fs.ftruncateSync(f.hostFd() ?? fail(E.EINVAL), fileLength(len));
  return 0;
}
