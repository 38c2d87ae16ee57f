/**
 * File metadata as the guest sees it, and its i386 encodings: struct stat64
 * (96 bytes) and struct statx (256 bytes).
 *
 * Invariant: inode numbers are folded to 32 bits (and never 0) everywhere
 * the guest can see them (stat64, statx, getdents64), because glibc's non-LFS
 * stat/readdir on i386 fail with EOVERFLOW for inodes that do not fit.
 */
import type * as fs from "node:fs";
import { Struct } from "./struct.ts";

export const S_IFMT = 0o170000, S_IFIFO = 0o010000, S_IFCHR = 0o020000, S_IFDIR = 0o040000;
export const S_IFBLK = 0o060000, S_IFREG = 0o100000, S_IFLNK = 0o120000, S_IFSOCK = 0o140000;

export interface StatInfo {
  dev: bigint; ino: bigint; mode: number; nlink: number; uid: number; gid: number; rdev: bigint;
  size: bigint; blksize: number; blocks: bigint;
  atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint; birthtimeNs: bigint;
}

export function foldIno(ino: bigint): number {
  const v = Number((ino ^ (ino >> 32n)) & 0xffffffffn);
  return v === 0 ? 1 : v;
}

export function fromHostStats(s: fs.BigIntStats): StatInfo {
  return {
    dev: s.dev, ino: s.ino, mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid), gid: Number(s.gid),
    rdev: s.rdev, size: s.size, blksize: Number(s.blksize), blocks: s.blocks,
    atimeNs: s.atimeNs, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, birthtimeNs: s.birthtimeNs,
  };
}

const NS = 1_000_000_000n;
const sec = (ns: bigint) => ns / NS;
const nsec = (ns: bigint) => Number(ns % NS);

export function encodeStat64(st: StatInfo): Uint8Array {
  const ino = foldIno(st.ino);
  const s = new Struct(96)
    .u64(0, st.dev).u32(12, ino).u32(16, st.mode).u32(20, st.nlink).u32(24, st.uid).u32(28, st.gid)
    .u64(32, st.rdev).u64(44, st.size).u32(52, st.blksize).u64(56, st.blocks).u64(88, ino);
  [st.atimeNs, st.mtimeNs, st.ctimeNs].forEach((t, i) => s.u32(64 + 8 * i, Number(sec(t))).u32(68 + 8 * i, nsec(t)));
  return s.bytes;
}

/** Linux's new_encode_dev split of a dev_t into major and minor. */
function devMajor(d: bigint): number { return Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn)) >>> 0; }
function devMinor(d: bigint): number { return Number((d & 0xffn) | ((d >> 12n) & ~0xffn)) >>> 0; }

const STATX_BASIC_STATS = 0x7ff, STATX_BTIME = 0x800;

export function encodeStatx(st: StatInfo): Uint8Array {
  const s = new Struct(256)
    .u32(0, STATX_BASIC_STATS | STATX_BTIME).u32(4, st.blksize).u32(16, st.nlink).u32(20, st.uid).u32(24, st.gid)
    .u16(28, st.mode).u64(32, foldIno(st.ino)).u64(40, st.size).u64(48, st.blocks)
    .u32(128, devMajor(st.rdev)).u32(132, devMinor(st.rdev)).u32(136, devMajor(st.dev)).u32(140, devMinor(st.dev));
  // stx_atime, stx_btime, stx_ctime, stx_mtime: {s64 tv_sec; u32 tv_nsec; s32 pad}
  [st.atimeNs, st.birthtimeNs, st.ctimeNs, st.mtimeNs].forEach((t, i) => s.u64(64 + 16 * i, sec(t)).u32(72 + 16 * i, nsec(t)));
  return s.bytes;
}
