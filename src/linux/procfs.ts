/**
 * The guest process's own /proc/<pid> directory, which /proc/self and
 * /proc/thread-self lead to (the sandbox, fs.ts, never looks it up on the
 * host: the host's is the VMM's). Its entries:
 *   exe, cwd, root   links to the program, the cwd and "/";
 *   fd/N             links to what each open fd names; following one whose
 *                    name is not a path (a pipe) reaches that open file;
 *   maps             the guest's mappings from the page table as of the
 *                    open, runs of equal protection, [heap] and [stack]
 *                    named, in Linux's format;
 *   mem              guest memory at file offset = address; a transfer
 *                    stops at the first unmapped or concealed page (EIO
 *                    if it is the first); writes ignore protection, as
 *                    the kernel's forced access does;
 *   cmdline, environ the argv and environment strings where exec put them,
 *                    read from guest memory at the open (so a guest that
 *                    rewrote them sees its change, as on Linux);
 *   task/<pid> the same directory (one thread).
 * Everything else (auxv, stat, status, pagemap...) does not exist (ENOENT):
 * the host's would describe the VMM. So do /proc/mounts and /proc/net, host
 * links into self/.
 * Other /proc entries (other pids, cpuinfo, meminfo) are the host's.
 */
import { E, fail } from "./errno.ts";
import { type DirEntry, O_ACCMODE, O_RDONLY, OpenFile, SEEK_CUR, SEEK_SET } from "./fdtable.ts";
import type { Resolved } from "./fs.ts";
import type { Process } from "./process.ts";
import { S_IFDIR, S_IFLNK, S_IFREG, type StatInfo } from "./stat.ts";
import { GUEST_LIMIT, PAGE_MAPPED, PAGE_SHIFT, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from "../core/layout.ts";

const MAX_SYMLINKS = 40;
const DT_DIR = 4, DT_REG = 8, DT_LNK = 10;

type Node =
  | { kind: "dir"; list: () => [string, number][] }
  | { kind: "link"; target: () => string; fd?: number }
  | { kind: "file"; mode: number; open: (flags: number) => OpenFile };

/** The node at proc (Resolved.proc) and the components past it when it is a link; null if none exists. */
function lookup(p: Process, proc: string): { node: Node; rest: string[] } | null {
  const parts = proc.split("/"), PID_DIR = p.fsys.pidDir;
  if (parts[0] === "self") return { node: { kind: "link", target: () => PID_DIR }, rest: parts.slice(1) };
  if (parts[0] === "thread-self") return { node: { kind: "link", target: () => `${PID_DIR}/task/${PID_DIR}` }, rest: parts.slice(1) };
  let rest = parts.slice(1);
  while (rest[0] === "task" && rest[1] === PID_DIR) rest = rest.slice(2);
  const [name, sub, ...more] = rest;
  const at = (node: Node, past: string[]) => (node.kind === "link" || !past.length ? { node, rest: past } : null);
  switch (name) {
    case undefined: return at({ kind: "dir", list: () => ENTRIES }, []);
    case "exe": return at({ kind: "link", target: () => p.exePath }, rest.slice(1));
    case "cwd": return at({ kind: "link", target: () => p.fsys.cwd }, rest.slice(1));
    case "root": return at({ kind: "link", target: () => "/" }, rest.slice(1));
    case "maps": return at({ kind: "file", mode: 0o444, open: (flags) => new ProcText(flags, mapsOf(p)) }, rest.slice(1));
    case "mem": return at({ kind: "file", mode: 0o600, open: (flags) => new ProcMem(p, flags) }, rest.slice(1));
    case "cmdline": return at({ kind: "file", mode: 0o444, open: (flags) => new ProcText(flags, guestBytes(p, p.argArea)) }, rest.slice(1));
    case "environ": return at({ kind: "file", mode: 0o400, open: (flags) => new ProcText(flags, guestBytes(p, p.envArea)) }, rest.slice(1));
    case "task": return sub === undefined ? at({ kind: "dir", list: () => [[PID_DIR, DT_DIR]] }, []) : null;
    case "fd": {
      if (sub === undefined) return at({ kind: "dir", list: () => p.fds.open().map((fd) => [String(fd), DT_LNK]) }, []);
      const fd = /^\d+$/.test(sub) ? Number(sub) : -1;
      if (!p.fds.open().includes(fd)) return null;
      return at({ kind: "link", target: () => p.fds.get(fd).guestPath, fd }, more);
    }
    default: return null;
  }
}

const ENTRIES: [string, number][] = [
  ["cmdline", DT_REG], ["cwd", DT_LNK], ["environ", DT_REG], ["exe", DT_LNK], ["fd", DT_DIR], ["maps", DT_REG], ["mem", DT_REG],
  ["root", DT_LNK], ["task", DT_DIR],
];

/** The bytes of [start, end) that are still mapped (a guest may have unmapped its stack top). */
function guestBytes(p: Process, [start, end]: [number, number]): Buffer {
  return Buffer.from(p.mem.u8.subarray(start, start + mappedRun(p, start, end - start)));
}

function existing(p: Process, r: Resolved): Node {
  return lookup(p, r.proc!)?.node ?? fail(E.ENOENT);
}

/**
 * Resolves a path argument as Process.resolveAt does, then follows the
 * guest's /proc links the sandbox cannot (exe, cwd, root, fd/N: their
 * targets are the process's) when they are followed or not last. A result
 * with proc set is a virtual entry: a link left unfollowed, a directory, a
 * file, an fd link naming no path, or nothing (ENOENT when used).
 */
export function resolvePath(p: Process, dirfd: number, path: string, follow: boolean): Resolved {
  let r = p.resolveAt(dirfd, path, follow);
  for (let hops = 0; r.proc !== undefined; hops++) {
    const found = lookup(p, r.proc);
    if (!found || found.node.kind !== "link" || (!found.rest.length && !follow)) return r;
    const target = found.node.target();
    if (!target.startsWith("/")) return found.rest.length ? fail(E.ENOTDIR) : r;
    if (hops === MAX_SYMLINKS) fail(E.ELOOP);
    r = p.fsys.resolve([target, ...found.rest].join("/"), follow);
  }
  return r;
}

/** stat of a virtual entry; a followed fd link naming no path stats that open file. */
export function procStat(p: Process, r: Resolved, follow: boolean): StatInfo {
  const node = existing(p, r);
  if (node.kind === "link" && follow && node.fd !== undefined) return p.fds.get(node.fd).stat();
  const mode = node.kind === "dir" ? S_IFDIR | 0o555 : node.kind === "link" ? S_IFLNK | 0o777 : S_IFREG | node.mode;
  return virtualStat(mode, [...r.proc!].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
}

/** A proc entry's stat: size 0 like Linux's, times of now, an inode number from its path. */
function virtualStat(mode: number, ino: number): StatInfo {
  const t = BigInt(Date.now()) * 1_000_000n;
  return {
    dev: 0x16n, ino: BigInt(ino), mode, nlink: 1, uid: 0, gid: 0, rdev: 0n, size: 0n, blksize: 1024, blocks: 0n,
    atimeNs: t, mtimeNs: t, ctimeNs: t, birthtimeNs: t,
  };
}

/** readlink of a virtual entry (EINVAL when it is not a link). */
export function procReadlink(p: Process, r: Resolved): string {
  const node = existing(p, r);
  return node.kind === "link" ? node.target() : fail(E.EINVAL);
}

/** open of a virtual entry: its open file (a followed fd link naming no path: that fd's own). */
export function procOpen(p: Process, r: Resolved, flags: number, follow: boolean): OpenFile {
  const node = existing(p, r);
  if (node.kind === "link") return follow && node.fd !== undefined ? p.fds.get(node.fd) : fail(E.ELOOP);
  if (node.kind === "dir") {
    if ((flags & O_ACCMODE) !== O_RDONLY) fail(E.EISDIR);
    return new ProcDir(flags, r.guest, node.list);
  }
  const owner = node.mode >> 6;
  if ((flags & O_ACCMODE) !== O_RDONLY && !(owner & 2)) fail(E.EACCES);
  return node.open(flags);
}

/** access of a virtual entry: its owner permission bits (links are rwx). */
export function procAccess(p: Process, r: Resolved, mode: number): number {
  const node = existing(p, r);
  const owner = node.kind === "file" ? node.mode >> 6 : node.kind === "dir" ? 5 : 7;
  return (mode & ~owner) ? fail(E.EACCES) : 0;
}

/** The Linux maps text of the guest's address space. */
function mapsOf(p: Process): Buffer {
  const lines: string[] = [];
  const perm = p.mem.perm, pages = GUEST_LIMIT >>> PAGE_SHIFT;
  const heap = [p.brkStart >>> PAGE_SHIFT, Math.ceil(p.brk / PAGE_SIZE)];
  const area = (pg: number) => (pg >= heap[0] && pg < heap[1] ? 1 : 0);
  for (let pg = 0; pg < pages;) {
    const f = perm[pg] & (PAGE_MAPPED | 7);
    if (!(f & PAGE_MAPPED)) { pg++; continue; }
    let end = pg + 1;
    while (end < pages && (perm[end] & (PAGE_MAPPED | 7)) === f && area(end) === area(pg)) end++;
    const hex = (v: number) => (v >>> 0).toString(16).padStart(8, "0");
    const prot = (f & PROT_READ ? "r" : "-") + (f & PROT_WRITE ? "w" : "-") + (f & PROT_EXEC ? "x" : "-") + "p";
    const head = `${hex(pg << PAGE_SHIFT)}-${hex(end * PAGE_SIZE)} ${prot} 00000000 00:00 0 `;
    const name = area(pg) ? "[heap]" : end === pages ? "[stack]" : "";
    lines.push(name ? head.padEnd(73) + name : head);
    pg = end;
  }
  return Buffer.from(lines.map((l) => l + "\n").join(""));
}

/** Bytes from addr, up to len, before the first unmapped or concealed page. */
function mappedRun(p: Process, addr: number, len: number): number {
  let n = 0;
  while (n < len && addr + n < GUEST_LIMIT && p.mem.perm[(addr + n) >>> PAGE_SHIFT] & PAGE_MAPPED) {
    n = Math.min(len, (((addr + n) >>> PAGE_SHIFT) + 1) * PAGE_SIZE - addr);
  }
  return n;
}

/** An open file with its own offset over pread/pwrite; memory-like, so reads fill. */
abstract class Positional extends OpenFile {
  protected pos = 0;
  read(buf: Uint8Array): number { const n = this.pread(buf, this.pos); this.pos += n; return n; }
  write(data: Uint8Array): number { const n = this.pwrite(data, this.pos); this.pos += n; return n; }
  seek(off: number, whence: number): number {
    const to = whence === SEEK_SET ? off : whence === SEEK_CUR ? this.pos + off : fail(E.EINVAL);
    if (to < 0) fail(E.EINVAL);
    return (this.pos = to);
  }
  fillsReads(): boolean { return true; }
  release(): void {}
}

class ProcMem extends Positional {
  constructor(private readonly p: Process, flags: number) { super(flags, `/proc/${p.fsys.pidDir}/mem`); }

  pread(buf: Uint8Array, pos: number): number {
    const n = mappedRun(this.p, pos, buf.length) || fail(E.EIO);
    buf.set(this.p.mem.u8.subarray(pos, pos + n));
    return n;
  }

  pwrite(data: Uint8Array, pos: number): number {
    const n = mappedRun(this.p, pos, data.length) || fail(E.EIO);
    this.p.mem.forceWrite(pos, data.subarray(0, n));
    return n;
  }

  stat(): StatInfo { return virtualStat(S_IFREG | 0o600, 3); }
}

class ProcText extends Positional {
  constructor(flags: number, private readonly text: Buffer) { super(flags, ""); }

  pread(buf: Uint8Array, pos: number): number {
    const part = this.text.subarray(Math.min(pos, this.text.length), Math.min(pos + buf.length, this.text.length));
    buf.set(part);
    return part.length;
  }

  pwrite(): number { fail(E.EBADF); }

  stat(): StatInfo { return virtualStat(S_IFREG | 0o444, 1); }
}

/** A virtual directory: its listing for getdents (the fields HostFile keeps for a host one), made at the first. */
export class ProcDir extends OpenFile {
  private entries: DirEntry[] | null = null;
  dirIndex = 0;

  constructor(flags: number, guestPath: string, private readonly list: () => [string, number][]) {
    super(flags, guestPath);
  }

  get dirEntries(): DirEntry[] {
    return (this.entries ??= [[".", DT_DIR] as [string, number], ["..", DT_DIR] as [string, number], ...this.list()]
      .map(([name, type], i) => ({ name, ino: BigInt(i + 1), type })));
  }

  read(): number { fail(E.EISDIR); }
  write(): number { fail(E.EBADF); }

  seek(off: number, whence: number): number {
    if (whence !== SEEK_SET || off < 0) fail(E.EINVAL);
    if (off === 0) this.entries = null;
    return (this.dirIndex = off);
  }

  stat(): StatInfo { return virtualStat(S_IFDIR | 0o555, 2); }

  release(): void {}
}
