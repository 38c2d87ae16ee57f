/**
 * Path-based and metadata syscalls: stat family, access, cwd, directory
 * creation/removal/listing, links, renames, permissions, ownership, times,
 * truncation and file-system statistics.
 *
 * Invariants: every guest path goes through procfs.resolvePath (so through
 * the sandbox); calls that act on a final symlink itself resolve with
 * followLast=false and then use only host calls that do not follow it
 * (lstat, readlink, lchown, lutimes, unlink, rename, link): its target is
 * a host path the sandbox has not re-rooted. The guest's own /proc entries
 * (Resolved.proc) are answered by linux/procfs.ts; every other call finds
 * their host path "" and fails with ENOENT, never reaching the VMM's.
 */
import * as fs from "node:fs";
import * as posix from "node:path/posix";
import { AT_EACCESS, AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AT_SYMLINK_NOFOLLOW } from "../abi.ts";
import { E, fail } from "../errno.ts";
import { lexists } from "../fs.ts";
import { type DirEntry, HostFile, fileLength } from "../fdtable.ts";
import type { Process } from "../process.ts";
import { ProcDir, procAccess, procReadlink, procStat, resolvePath } from "../procfs.ts";
import { type StatInfo, encodeStat64, encodeStatx, foldIno, fromHostStats } from "../stat.ts";
import { Struct } from "../struct.ts";
import { type SyscallRow, int, sys } from "./row.ts";

const utf8 = (s: string) => Buffer.from(s, "utf8");

function statAt(p: Process, dirfd: number, pathAddr: number, flags: number): StatInfo {
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */ | 0x6000 /* AT_STATX_SYNC_TYPE */)) fail(E.EINVAL);
  const path = pathAddr === 0 && flags & AT_EMPTY_PATH ? "" : p.path(pathAddr);
  if (path === "" && flags & AT_EMPTY_PATH) {
    return dirfd === AT_FDCWD ? fromHostStats(fs.statSync(p.fsys.hostOf(p.fsys.cwd), { bigint: true })) : p.fds.get(dirfd).stat();
  }
  const follow = !(flags & AT_SYMLINK_NOFOLLOW);
  const r = resolvePath(p, dirfd, path, follow);
  return r.proc !== undefined ? procStat(p, r, follow) : fromHostStats(fs.lstatSync(r.host, { bigint: true }));
}

function accessAt(p: Process, dirfd: number, pathAddr: number, mode: number, flags: number): number {
  if (mode & ~7 || flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) fail(E.EINVAL);
  const r = resolvePath(p, dirfd, p.path(pathAddr), !(flags & AT_SYMLINK_NOFOLLOW));
  if (r.proc !== undefined) return procAccess(p, r, mode);
  const host = r.host;
  // A final symlink the sandbox left unfollowed must not be followed by the host either: its target
  // is a host path, outside the root. Linux checks the link's own permissions, which are rwx.
  if (flags & AT_SYMLINK_NOFOLLOW && fs.lstatSync(host).isSymbolicLink()) return 0;
  fs.accessSync(host, mode);
  return 0;
}

function readlinkAt(p: Process, dirfd: number, pathAddr: number, buf: number, size: number): number {
  if (int(size) <= 0) fail(E.EINVAL);
  const r = resolvePath(p, dirfd, p.path(pathAddr), false);
  const target = r.proc !== undefined ? utf8(procReadlink(p, r)) : fs.readlinkSync(r.host, { encoding: "buffer" });
  const n = Math.min(target.length, size);
  p.put(buf, target.subarray(0, n));
  return n;
}

function mkdirAt(p: Process, dirfd: number, pathAddr: number, mode: number): number {
  const host = resolvePath(p, dirfd, p.path(pathAddr), false).host;
  fs.mkdirSync(host, mode & 0o7777);
  fs.chmodSync(host, mode & ~p.umask & 0o7777);
  return 0;
}

function unlinkAt(p: Process, dirfd: number, pathAddr: number, flags: number): number {
  if (flags & ~AT_REMOVEDIR) fail(E.EINVAL);
  const path = p.path(pathAddr);
  if (flags & AT_REMOVEDIR) {
    const last = posix.basename(path);
    if (last === ".") fail(E.EINVAL);
    if (last === "..") fail(E.ENOTEMPTY);
    fs.rmdirSync(resolvePath(p, dirfd, path, false).host);
  } else {
    fs.unlinkSync(resolvePath(p, dirfd, path, false).host);
  }
  return 0;
}

const RENAME_NOREPLACE = 1;

function renameAt(p: Process, oldfd: number, oldAddr: number, newfd: number, newAddr: number, flags: number): number {
  if (flags & ~RENAME_NOREPLACE) fail(E.EINVAL);
  const from = resolvePath(p, oldfd, p.path(oldAddr), false).host;
  const to = resolvePath(p, newfd, p.path(newAddr), false).host;
  if (flags & RENAME_NOREPLACE && lexists(to)) fail(E.EEXIST);
  fs.renameSync(from, to);
  return 0;
}

function linkAt(p: Process, oldfd: number, oldAddr: number, newfd: number, newAddr: number, flags: number): number {
  if (flags & ~AT_SYMLINK_FOLLOW) fail(E.EINVAL);
  const from = resolvePath(p, oldfd, p.path(oldAddr), (flags & AT_SYMLINK_FOLLOW) !== 0).host;
  fs.linkSync(from, resolvePath(p, newfd, p.path(newAddr), false).host);
  return 0;
}

function symlinkAt(p: Process, targetAddr: number, dirfd: number, pathAddr: number): number {
  fs.symlinkSync(p.path(targetAddr), resolvePath(p, dirfd, p.path(pathAddr), false).host);
  return 0;
}

function chmodAt(p: Process, dirfd: number, pathAddr: number, mode: number, flags: number): number {
  if (flags & AT_SYMLINK_NOFOLLOW) fail(E.EOPNOTSUPP);
  if (flags) fail(E.EINVAL);
  fs.chmodSync(resolvePath(p, dirfd, p.path(pathAddr), true).host, mode & 0o7777);
  return 0;
}

/**
 * A guest uid/gid for the host's chown: 0xffffffff is "leave it" (-1 to the
 * host); ids the host API cannot take (>= 2^31) are EINVAL, Linux's answer
 * for an id with no mapping.
 */
function hostId(id: number): number {
  return id === 0xffffffff ? -1 : id > 0x7fffffff ? fail(E.EINVAL) : id;
}

function chownAt(p: Process, dirfd: number, pathAddr: number, uid: number, gid: number, flags: number): number {
  const nofollow = (flags & AT_SYMLINK_NOFOLLOW) !== 0;
  const host = resolvePath(p, dirfd, p.path(pathAddr), !nofollow).host;
  (nofollow ? fs.lchownSync : fs.chownSync)(host, hostId(uid), hostId(gid));
  return 0;
}

function hostFdOf(p: Process, fd: number): number {
  return p.fds.get(fd).hostFd() ?? fail(E.EINVAL);
}

const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;

/** utimensat: times are two timespecs of 32-bit (tsSize 8) or 64-bit (tsSize 16) fields. */
function utimensAt(p: Process, dirfd: number, pathAddr: number, timesAddr: number, flags: number, tsSize: 8 | 16): number {
  if (flags & ~AT_SYMLINK_NOFOLLOW) fail(E.EINVAL);
  const target = pathAddr === 0 ? null : resolvePath(p, dirfd, p.path(pathAddr), !(flags & AT_SYMLINK_NOFOLLOW)).host;
  const hostFd = target === null ? hostFdOf(p, dirfd) : null;
  const now = Date.now() / 1000;
  let times = [now, now];
  if (timesAddr) {
    const s = p.struct(timesAddr, 2 * tsSize);
    const ts = [0, 1].map((i) => tsSize === 8
      ? [s.getI32(8 * i), s.getI32(8 * i + 4)]
      : [Number(s.getI64(16 * i)), Number(s.getI64(16 * i + 8))]);
    if (ts.some(([, ns]) => ns !== UTIME_NOW && ns !== UTIME_OMIT && (ns < 0 || ns >= 1e9))) fail(E.EINVAL);
    const cur = ts.some(([, ns]) => ns === UTIME_OMIT)
      ? (target === null ? fs.fstatSync(hostFd!) : fs.lstatSync(target)) : null;
    times = ts.map(([sec, ns], i) => ns === UTIME_NOW ? now
      : ns === UTIME_OMIT ? (i === 0 ? cur!.atimeMs : cur!.mtimeMs) / 1000 : sec + ns / 1e9);
  }
  if (target === null) fs.futimesSync(hostFd!, times[0], times[1]);
  else (flags & AT_SYMLINK_NOFOLLOW ? fs.lutimesSync : fs.utimesSync)(target, times[0], times[1]);
  return 0;
}

const DT: [(d: fs.Dirent) => boolean, number][] = [
  [(d) => d.isFIFO(), 1], [(d) => d.isCharacterDevice(), 2], [(d) => d.isDirectory(), 4],
  [(d) => d.isBlockDevice(), 6], [(d) => d.isFile(), 8], [(d) => d.isSymbolicLink(), 10], [(d) => d.isSocket(), 12],
];
const DT_DIR = 4;

/**
 * ".", ".." then the directory's entries in the host's order (what the guest would see natively;
 * the host does not say where among them its own "." and ".." fall); entries that vanish meanwhile
 * are skipped.
 */
function listDir(p: Process, dir: HostFile): DirEntry[] {
  const guest = dir.guestPath;
  const inoOf = (g: string) => fs.statSync(p.fsys.hostOf(g), { bigint: true }).ino;
  const out: DirEntry[] = [
    { name: ".", ino: inoOf(guest), type: DT_DIR },
    { name: "..", ino: inoOf(posix.dirname(guest)), type: DT_DIR },
  ];
  const host = p.fsys.hostOf(guest);
  // opendir, not readdirSync, which sorts by name.
  const names: fs.Dirent[] = [];
  const handle = fs.opendirSync(host);
  try {
    for (let d = handle.readSync(); d; d = handle.readSync()) names.push(d);
  } finally {
    handle.closeSync();
  }
  for (const d of names) {
    try {
      const ino = fs.lstatSync(posix.join(host, d.name), { bigint: true }).ino;
      out.push({ name: d.name, ino, type: DT.find(([is]) => is(d))?.[1] ?? 0 });
    } catch { /* removed since readdir */ }
  }
  return out;
}

/**
 * getdents64 (dirent64: u64 ino, s64 off, u16 reclen, u8 type, name) or the
 * old getdents (linux_dirent: u32 ino, u32 off, u16 reclen, name, pad, type in
 * the last byte). d_off is the index of the next entry, which lseek accepts.
 */
function getdents(p: Process, fd: number, addr: number, count: number, wide: boolean): number {
  const f = p.fds.get(fd);
  if (f instanceof HostFile && f.isDir) f.dirEntries ??= listDir(p, f);
  else if (!(f instanceof ProcDir)) fail(E.ENOTDIR);
  const entries = f.dirEntries!, first = f.dirIndex;
  const out = new Struct(Math.min(count, 1 << 20));
  let off = 0;
  while (f.dirIndex < entries.length) {
    const e = entries[f.dirIndex];
    const name = utf8(e.name);
    const reclen = wide ? (19 + name.length + 1 + 7) & ~7 : (10 + name.length + 2 + 3) & ~3;
    if (off + reclen > out.bytes.length) {
      if (off === 0) fail(E.EINVAL);
      break;
    }
    if (wide) out.u64(off, foldIno(e.ino)).u64(off + 8, f.dirIndex + 1).u16(off + 16, reclen).u8(off + 18, e.type);
    else out.u32(off, foldIno(e.ino)).u32(off + 4, f.dirIndex + 1).u16(off + 8, reclen).u8(off + reclen - 1, e.type);
    out.bytes.set(name, off + (wide ? 19 : 10));
    off += reclen;
    f.dirIndex++;
  }
  if (!p.mem.writeBytes(addr, out.bytes.subarray(0, off))) {
    f.dirIndex = first; // the entries were not delivered
    fail(E.EFAULT);
  }
  return off;
}

/** struct statfs64 (84 bytes). */
function statfs64(p: Process, host: string, size: number, addr: number): number {
  if (size !== 84) fail(E.EINVAL);
  const s = fs.statfsSync(host, { bigint: true });
  p.put(addr, new Struct(84).u32(0, Number(s.type)).u32(4, Number(s.bsize)).u64(8, s.blocks).u64(16, s.bfree)
    .u64(24, s.bavail).u64(32, s.files).u64(40, s.ffree).u32(56, 255).u32(60, Number(s.bsize)).bytes);
  return 0;
}

const off64 = (lo: number, hi: number) => int(hi) * 0x100000000 + lo;

function truncatePath(p: Process, pathAddr: number, len: number): number {
  fs.truncateSync(resolvePath(p, AT_FDCWD, p.path(pathAddr), true).host, fileLength(len));
  return 0;
}

function getcwd(p: Process, buf: number, size: number): number {
  const bytes = utf8(p.fsys.cwd + "\0");
  if (size < bytes.length) fail(E.ERANGE);
  p.put(buf, bytes);
  return bytes.length;
}

/**
 * The extended-attribute calls (get, set, list, remove; by path, by path without following a
 * final symlink, by descriptor) answer as Linux does on a file system without extended
 * attributes: the path or descriptor is checked first (ENOENT, EBADF, ...), then EOPNOTSUPP —
 * which programs such as coreutils' ls take as "no ACLs, no labels", quietly.
 */
const XATTR_CALLS = ["get", "set", "list", "remove"].flatMap((op) => (["", "l", "f"] as const).map((how) =>
  sys(`${how}${op}xattr`, [how === "f" ? "fd" : "str"], (p, a): number => {
    if (how === "f") p.fds.get(int(a[0]));
    else statAt(p, AT_FDCWD, a[0], how === "l" ? AT_SYMLINK_NOFOLLOW : 0);
    return fail(E.EOPNOTSUPP);
  })));

const putStat64 = (p: Process, addr: number, st: StatInfo) => { p.put(addr, encodeStat64(st)); return 0; };

export const fsMetaSyscalls: SyscallRow[] = [
  sys("stat64", ["str", "ptr"], (p, a) => putStat64(p, a[1], statAt(p, AT_FDCWD, a[0], 0))),
  sys("lstat64", ["str", "ptr"], (p, a) => putStat64(p, a[1], statAt(p, AT_FDCWD, a[0], AT_SYMLINK_NOFOLLOW))),
  sys("fstat64", ["fd", "ptr"], (p, a) => putStat64(p, a[1], p.fds.get(int(a[0])).stat())),
  sys("fstatat64", ["dirfd", "str", "ptr", "atflags"], (p, a) => putStat64(p, a[2], statAt(p, int(a[0]), a[1], a[3]))),
  sys("statx", ["dirfd", "str", "atflags", "hex", "ptr"], (p, a) => {
    p.put(a[4], encodeStatx(statAt(p, int(a[0]), a[1], a[2])));
    return 0;
  }),
  sys("statfs64", ["str", "uint", "ptr"], (p, a) => statfs64(p, resolvePath(p, AT_FDCWD, p.path(a[0]), true).host, a[1], a[2])),
  sys("fstatfs64", ["fd", "uint", "ptr"], (p, a) => statfs64(p, p.fsys.hostOf(p.fds.get(int(a[0])).guestPath), a[1], a[2])),
  sys("access", ["str", "oct"], (p, a) => accessAt(p, AT_FDCWD, a[0], a[1], 0)),
  sys("faccessat", ["dirfd", "str", "oct"], (p, a) => accessAt(p, int(a[0]), a[1], a[2], 0)),
  sys("faccessat2", ["dirfd", "str", "oct", "atflags"], (p, a) => accessAt(p, int(a[0]), a[1], a[2], a[3])),
  sys("getcwd", ["ptr", "uint"], (p, a) => getcwd(p, a[0], a[1])),
  sys("chdir", ["str"], (p, a) => { p.fsys.chdir(p.path(a[0])); return 0; }),
  sys("fchdir", ["fd"], (p, a) => {
    const f = p.fds.get(int(a[0]));
    if (!(f instanceof HostFile) || !f.isDir) fail(E.ENOTDIR);
    p.fsys.cwd = f.guestPath;
    return 0;
  }),
  sys("mkdir", ["str", "oct"], (p, a) => mkdirAt(p, AT_FDCWD, a[0], a[1])),
  sys("mkdirat", ["dirfd", "str", "oct"], (p, a) => mkdirAt(p, int(a[0]), a[1], a[2])),
  sys("rmdir", ["str"], (p, a) => unlinkAt(p, AT_FDCWD, a[0], AT_REMOVEDIR)),
  sys("unlink", ["str"], (p, a) => unlinkAt(p, AT_FDCWD, a[0], 0)),
  sys("unlinkat", ["dirfd", "str", "atflags"], (p, a) => unlinkAt(p, int(a[0]), a[1], a[2])),
  sys("rename", ["str", "str"], (p, a) => renameAt(p, AT_FDCWD, a[0], AT_FDCWD, a[1], 0)),
  sys("renameat", ["dirfd", "str", "dirfd", "str"], (p, a) => renameAt(p, int(a[0]), a[1], int(a[2]), a[3], 0)),
  sys("renameat2", ["dirfd", "str", "dirfd", "str", "hex"], (p, a) => renameAt(p, int(a[0]), a[1], int(a[2]), a[3], a[4])),
  sys("link", ["str", "str"], (p, a) => linkAt(p, AT_FDCWD, a[0], AT_FDCWD, a[1], 0)),
  sys("linkat", ["dirfd", "str", "dirfd", "str", "atflags"], (p, a) => linkAt(p, int(a[0]), a[1], int(a[2]), a[3], a[4])),
  sys("symlink", ["str", "str"], (p, a) => symlinkAt(p, a[0], AT_FDCWD, a[1])),
  sys("symlinkat", ["str", "dirfd", "str"], (p, a) => symlinkAt(p, a[0], int(a[1]), a[2])),
  sys("readlink", ["str", { buf: 2 }, "uint"], (p, a) => readlinkAt(p, AT_FDCWD, a[0], a[1], a[2])),
  sys("readlinkat", ["dirfd", "str", { buf: 3 }, "uint"], (p, a) => readlinkAt(p, int(a[0]), a[1], a[2], a[3])),
  sys("getdents", ["fd", "ptr", "uint"], (p, a) => getdents(p, int(a[0]), a[1], a[2], false)),
  sys("getdents64", ["fd", "ptr", "uint"], (p, a) => getdents(p, int(a[0]), a[1], a[2], true)),
  sys("truncate", ["str", "int"], (p, a) => truncatePath(p, a[0], int(a[1]))),
  sys("truncate64", ["str", "uint", "int"], (p, a) => truncatePath(p, a[0], off64(a[1], a[2]))),
  sys("umask", ["oct"], (p, a) => { const old = p.umask; p.umask = a[0] & 0o777; return old; }),
  sys("chmod", ["str", "oct"], (p, a) => chmodAt(p, AT_FDCWD, a[0], a[1], 0)),
  sys("fchmodat", ["dirfd", "str", "oct"], (p, a) => chmodAt(p, int(a[0]), a[1], a[2], 0)),
  sys("fchmod", ["fd", "oct"], (p, a) => { fs.fchmodSync(hostFdOf(p, int(a[0])), a[1] & 0o7777); return 0; }),
  sys("chown32", ["str", "int", "int"], (p, a) => chownAt(p, AT_FDCWD, a[0], a[1], a[2], 0)),
  sys("lchown32", ["str", "int", "int"], (p, a) => chownAt(p, AT_FDCWD, a[0], a[1], a[2], AT_SYMLINK_NOFOLLOW)),
  sys("fchownat", ["dirfd", "str", "int", "int", "atflags"], (p, a) => chownAt(p, int(a[0]), a[1], a[2], a[3], a[4])),
  sys("fchown32", ["fd", "int", "int"], (p, a) => { fs.fchownSync(hostFdOf(p, int(a[0])), hostId(a[1]), hostId(a[2])); return 0; }),
  sys("utimensat", ["dirfd", "str", "ptr", "atflags"], (p, a) => utimensAt(p, int(a[0]), a[1], a[2], a[3], 8)),
  sys("utimensat_time64", ["dirfd", "str", "ptr", "atflags"], (p, a) => utimensAt(p, int(a[0]), a[1], a[2], a[3], 16)),
  ...XATTR_CALLS,
];
