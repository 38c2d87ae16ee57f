/**
 * Open file descriptions and the guest fd table.
 *
 * An OpenFile is shared by every fd dup'ed from it (offset and status flags
 * are shared, as in Linux); it is released when its last fd closes.
 * Kinds: HostFile (a host fd: regular file, device, directory, or inherited
 * stdio stream) and PipeEnd (an in-process pipe buffer, holding at most
 * PIPE_CAPACITY bytes, so the host memory a guest pipe costs is bounded).
 *
 * Node has no lseek, so a HostFile the VMM opened tracks its own offset and
 * uses positional I/O; inherited fds 0-2 stream through the host offset
 * until the guest seeks one that is a regular file, which then switches to
 * a tracked offset starting from the host offset (/proc/self/fdinfo).
 * Host fds 0-2 are never closed.
 */
import * as fs from "node:fs";
import * as tty from "node:tty";
import { GuestPause } from "../core/fault.ts";
import { E, SysError, fail, hostErrno } from "./errno.ts";
import { S_IFIFO, type StatInfo, fromHostStats } from "./stat.ts";

export const O_ACCMODE = 3, O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2;
export const O_CREAT = 0o100, O_EXCL = 0o200, O_NOCTTY = 0o400, O_TRUNC = 0o1000, O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000, O_DIRECTORY = 0o200000, O_NOFOLLOW = 0o400000, O_CLOEXEC = 0o2000000;
export const O_LARGEFILE = 0o100000, O_PATH = 0o10000000;
/** Status flags F_SETFL may change. */
export const SETFL_MASK = O_APPEND | O_NONBLOCK;

export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
export const MAX_FDS = 1024;
/** The largest file length the VMM passes to the host (16 TiB, ext4's limit with 4 KiB blocks; Node takes up to 2^53). */
const MAX_FILE_BYTES = 2 ** 44;

/** A guest file length for truncate: EINVAL when negative, EFBIG past what a file can hold, as Linux answers. */
export function fileLength(len: number): number {
  if (len < 0) fail(E.EINVAL);
  return len > MAX_FILE_BYTES ? fail(E.EFBIG) : len;
}

export interface DirEntry { name: string; ino: bigint; type: number; }

/** Blocks the (single) host thread for ms milliseconds. */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs a host I/O call, translating host errors; a blocking guest fd retries host EAGAIN. */
function hostIo(blocking: boolean, op: () => number): number {
  for (;;) {
    try {
      return op();
    } catch (e) {
      const errno = hostErrno(e);
      if (errno !== E.EAGAIN || !blocking) throw new SysError(errno);
      sleepMs(5);
    }
  }
}

export abstract class OpenFile {
  refs = 0;
  constructor(public flags: number, readonly guestPath: string) {}

  get readable(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY && !(this.flags & O_PATH); }
  get writable(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY && !(this.flags & O_PATH); }
  get blocking(): boolean { return !(this.flags & O_NONBLOCK); }

  abstract read(buf: Uint8Array): number;
  abstract write(data: Uint8Array): number;
  abstract stat(): StatInfo;
  abstract release(): void;
  pread(_buf: Uint8Array, _pos: number): number { fail(E.ESPIPE); }
  pwrite(_data: Uint8Array, _pos: number): number { fail(E.ESPIPE); }
  seek(_off: number, _whence: number): number { fail(E.ESPIPE); }
  isTty(): boolean { return false; }
  /** poll: whether a read would not block / a write would not block. */
  readyToRead(): boolean { return true; }
  readyToWrite(): boolean { return true; }
  /**
   * Whether a read returns less than asked only at the end of the data, so
   * one guest read may be served by several host reads without waiting
   * where Linux's one read would have returned (false for pipes, sockets
   * and terminals, which return what is there).
   */
  fillsReads(): boolean { return false; }
  /** Bytes available without blocking (FIONREAD); null when not meaningful. */
  available(): number | null { return null; }
  /** Host fd for metadata calls (fchmod, ftruncate, futimens, fsync), or null. */
  hostFd(): number | null { return null; }
}

export class HostFile extends OpenFile {
  /** Offset for positional I/O; null while streaming through the host fd's own offset. */
  private pos: number | null;
  /** Directory listing for getdents64 (loaded on first use, reset by a seek to 0), and the next index. */
  dirEntries: DirEntry[] | null = null;
  dirIndex = 0;

  constructor(private readonly fd: number, flags: number, guestPath: string, readonly isDir: boolean, private readonly inherited = false) {
    super(flags, guestPath);
    this.pos = inherited ? null : 0;
  }

  static inheritStdio(fd: number, guestPath: string): HostFile {
    return new HostFile(fd, fd === 0 ? O_RDONLY : O_WRONLY, guestPath, false, true);
  }

  hostFd(): number { return this.fd; }

  read(buf: Uint8Array): number {
    if (this.isDir) fail(E.EISDIR);
    const n = hostIo(this.blocking, () => fs.readSync(this.fd, buf, 0, buf.length, this.pos));
    if (this.pos !== null) this.pos += n;
    return n;
  }

  write(data: Uint8Array): number {
    if (this.pos !== null && this.flags & O_APPEND) this.pos = Number(fs.fstatSync(this.fd).size);
    const n = hostIo(this.blocking, () => fs.writeSync(this.fd, data, 0, data.length, this.pos));
    if (this.pos !== null) this.pos += n;
    return n;
  }

  pread(buf: Uint8Array, pos: number): number {
    if (this.isDir) fail(E.EISDIR);
    if (!this.seekable()) fail(E.ESPIPE);
    return hostIo(this.blocking, () => fs.readSync(this.fd, buf, 0, buf.length, pos));
  }

  pwrite(data: Uint8Array, pos: number): number {
    if (!this.seekable()) fail(E.ESPIPE);
    return hostIo(this.blocking, () => fs.writeSync(this.fd, data, 0, data.length, pos));
  }

  seek(off: number, whence: number): number {
    if (this.isDir) {
      if (whence !== SEEK_SET || off < 0) fail(E.EINVAL);
      if (off === 0) this.dirEntries = null;
      this.dirIndex = off;
      return off;
    }
    if (!this.seekable()) fail(E.ESPIPE);
    // An inherited descriptor shares its offset with the processes that opened it (a shell that
    // redirected stdout, and writes after the guest): asking where it stands (SEEK_CUR by 0, which
    // python's start-up does on every stdio stream) must not switch it to positional I/O, which
    // would leave that shared offset behind the guest's writes for the next writer to overwrite.
    if (this.pos === null && whence === SEEK_CUR && off === 0) return hostOffset(this.fd);
    this.pos ??= hostOffset(this.fd);
    const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? this.pos
      : whence === SEEK_END ? Number(fs.fstatSync(this.fd).size) : fail(E.EINVAL);
    if (base + off < 0) fail(E.EINVAL);
    this.pos = base + off;
    return this.pos;
  }

  /** The host fd's stat, for its file type (which never changes). */
  private typeCache: fs.Stats | undefined;

  private type(): fs.Stats {
    return (this.typeCache ??= fs.fstatSync(this.fd));
  }

  private seekable(): boolean {
    const t = this.type();
    return t.isFile() || t.isBlockDevice() || t.isDirectory();
  }

  /** Regular files, block devices and character devices but terminals (/dev/zero, /dev/urandom fill every read). */
  fillsReads(): boolean {
    const t = this.type();
    return t.isFile() || t.isBlockDevice() || (t.isCharacterDevice() && !this.isTty());
  }

  stat(): StatInfo { return fromHostStats(fs.fstatSync(this.fd, { bigint: true })); }
  isTty(): boolean { return tty.isatty(this.fd); }

  release(): void {
    if (!this.inherited) fs.closeSync(this.fd);
  }
}

/** The host kernel's offset of fd, read from /proc/self/fdinfo (0 if unavailable). */
function hostOffset(fd: number): number {
  try {
    const m = /^pos:\s*(\d+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** A Linux pipe's default capacity (what F_GETPIPE_SZ reports) and its atomic write size. */
export const PIPE_CAPACITY = 65536, PIPE_BUF = 4096;

let nextPipeIno = 1n;

class Pipe {
  /** Whether another guest process may still read or write it: a call that must wait then pauses (kernel.ts). */
  constructor(readonly canWait: () => boolean) {}
  chunks: Uint8Array[] = [];
  size = 0;
  readers = 1;
  writers = 1;
  readonly ino = nextPipeIno++;
  readonly createdNs = BigInt(Date.now()) * 1_000_000n;
}

export class PipeEnd extends OpenFile {
  constructor(private readonly pipe: Pipe, private readonly writeEnd: boolean, flags: number) {
    super((flags & ~O_ACCMODE) | (writeEnd ? O_WRONLY : O_RDONLY), "pipe:[" + pipe.ino + "]");
  }

  /** A new pipe as its [read end, write end]; canWait: whether another guest process may use it. */
  static pair(flags: number, canWait: () => boolean): [PipeEnd, PipeEnd] {
    const p = new Pipe(canWait);
    return [new PipeEnd(p, false, flags), new PipeEnd(p, true, flags)];
  }

  read(buf: Uint8Array): number {
    const p = this.pipe;
    if (this.writeEnd) fail(E.EBADF);
    if (p.size === 0) return p.writers ? this.wait() : 0;
    let n = 0;
    while (n < buf.length && p.chunks.length) {
      const c = p.chunks[0];
      const take = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, take), n);
      n += take;
      if (take === c.length) p.chunks.shift(); else p.chunks[0] = c.subarray(take);
    }
    p.size -= n;
    return n;
  }

  /**
   * Writes up to the pipe's capacity (a short count, which glibc's writers
   * loop over); into a full pipe it waits as wait() says. A write of at most
   * PIPE_BUF bytes is all or nothing, as in Linux.
   */
  write(data: Uint8Array): number {
    if (!this.writeEnd) fail(E.EBADF);
    if (!this.pipe.readers) fail(E.EPIPE);
    const room = PIPE_CAPACITY - this.pipe.size;
    if (room === 0 || (data.length <= PIPE_BUF && data.length > room)) this.wait();
    const n = Math.min(room, data.length);
    this.pipe.chunks.push(data.slice(0, n));
    this.pipe.size += n;
    return n;
  }

  /**
   * A call that cannot go on now: a blocking end pauses the process until another guest process
   * reads or writes (GuestPause); with no other process, which could never come, and for
   * O_NONBLOCK, it is EAGAIN instead.
   */
  private wait(): never {
    if (this.blocking && this.pipe.canWait()) throw new GuestPause("blocked");
    fail(E.EAGAIN);
  }

  stat(): StatInfo {
    const t = this.pipe.createdNs;
    return {
      dev: 12n, ino: this.pipe.ino, mode: S_IFIFO | 0o600, nlink: 1, uid: 0, gid: 0, rdev: 0n, size: 0n,
      blksize: 4096, blocks: 0n, atimeNs: t, mtimeNs: t, ctimeNs: t, birthtimeNs: t,
    };
  }

  readyToRead(): boolean { return !this.writeEnd && (this.pipe.size > 0 || this.pipe.writers === 0); }
  readyToWrite(): boolean { return this.writeEnd && this.pipe.size < PIPE_CAPACITY; }
  available(): number { return this.pipe.size; }

  release(): void {
    if (this.writeEnd) this.pipe.writers--; else this.pipe.readers--;
  }
}

interface Slot { file: OpenFile; cloexec: boolean; }

export class FdTable {
  private readonly slots: (Slot | undefined)[] = [];

  /** A table holding the host's fds 0-2; nameOf gives the guest-visible name of each (/proc/self/fd/N). */
  static withStdio(nameOf: (fd: number) => string): FdTable {
    const t = new FdTable();
    for (const fd of [0, 1, 2]) t.install(HostFile.inheritStdio(fd, nameOf(fd)), false);
    return t;
  }

  get(fd: number): OpenFile {
    const s = fd >= 0 ? this.slots[fd] : undefined;
    return s ? s.file : fail(E.EBADF);
  }

  /** Installs file at the lowest free fd >= min. */
  install(file: OpenFile, cloexec: boolean, min = 0): number {
    let fd = min;
    while (this.slots[fd]) fd++;
    if (fd >= MAX_FDS) fail(E.EMFILE);
    return this.installAt(fd, file, cloexec);
  }

  /** Installs file at fd, closing what was there (dup2 semantics). */
  installAt(fd: number, file: OpenFile, cloexec: boolean): number {
    if (fd < 0 || fd >= MAX_FDS) fail(E.EBADF);
    file.refs++;
    if (this.slots[fd]) this.close(fd);
    this.slots[fd] = { file, cloexec };
    return fd;
  }

  close(fd: number): void {
    const file = this.get(fd);
    this.slots[fd] = undefined;
    if (--file.refs === 0) file.release();
  }

  /** The open fds, ascending. */
  open(): number[] {
    return this.slots.flatMap((s, fd) => (s ? [fd] : []));
  }

  /** A forked child's table: the same open file descriptions, each fd one more reference. */
  fork(): FdTable {
    const t = new FdTable();
    this.slots.forEach((s, fd) => {
      if (!s) return;
      s.file.refs++;
      t.slots[fd] = { ...s };
    });
    return t;
  }

  /** execve: the fds marked close-on-exec close. */
  closeOnExec(): void {
    this.slots.forEach((s, fd) => { if (s?.cloexec) this.close(fd); });
  }

  /** The process ended: every fd closes (a pipe's other end then sees EOF or EPIPE). */
  closeAll(): void {
    this.slots.forEach((s, fd) => { if (s) this.close(fd); });
  }

  getCloexec(fd: number): boolean { this.get(fd); return this.slots[fd]!.cloexec; }
  setCloexec(fd: number, on: boolean): void { this.get(fd); this.slots[fd]!.cloexec = on; }
}
