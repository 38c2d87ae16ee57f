/**
 * Address-space syscalls: brk, mmap (mmap2 and the old struct-argument
 * mmap), munmap, mremap, mprotect, and advice calls that need no action.
 *
 * Invariants: mappings are page-granular and stay inside [0, GUEST_LIMIT);
 * new anonymous memory is zero; a file mapping is a private copy of the file
 * taken at mmap time (writes to a MAP_SHARED mapping never reach the file);
 * a W-only or X-only protection also grants READ (no NX in this model).
 */
import { GUEST_LIMIT, MMAP_TOP, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from "../../vmm/layout.ts";
import { E, fail } from "../errno.ts";
import type { Process } from "../process.ts";
import { type SyscallRow, int, sys } from "./row.ts";

const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_TYPE = 0xf;
const MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
/** PROT_GROWSDOWN / PROT_GROWSUP: accepted and ignored. */
const PROT_GROWS = 0x03000000;

const pageUp = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;

function guestProt(prot: number): number {
  if (prot & ~(7 | PROT_GROWS)) fail(E.EINVAL);
  const p = prot & 7;
  return p & (PROT_WRITE | PROT_EXEC) ? p | PROT_READ : p;
}

function allUnmapped(p: Process, addr: number, len: number): boolean {
  for (let pg = addr >>> PAGE_SHIFT; pg < (addr + len) / PAGE_SIZE; pg++) if (p.mem.isMapped(pg)) return false;
  return true;
}

function allMapped(p: Process, addr: number, len: number): boolean {
  for (let pg = addr >>> PAGE_SHIFT; pg < (addr + len) / PAGE_SIZE; pg++) if (!p.mem.isMapped(pg)) return false;
  return true;
}

function brk(p: Process, addr: number): number {
  if (addr < p.brkStart) return p.brk;
  const oldEnd = pageUp(p.brk), newEnd = pageUp(addr);
  if (newEnd > oldEnd) {
    if (newEnd > GUEST_LIMIT || !allUnmapped(p, oldEnd, newEnd - oldEnd)) return p.brk;
    p.mem.map(oldEnd, newEnd - oldEnd, PROT_READ | PROT_WRITE);
  } else if (newEnd < oldEnd) {
    p.mem.unmap(newEnd, oldEnd - newEnd);
  }
  p.brk = addr;
  return addr;
}

/** Where a non-fixed mapping of size bytes goes: the hint if that range is free, else top-down from MMAP_TOP. */
function placeMapping(p: Process, hint: number, size: number): number {
  const h = hint & ~PAGE_MASK;
  if (h && h + size <= MMAP_TOP && allUnmapped(p, h, size)) return h >>> 0;
  const at = p.mem.findFree(size, MMAP_TOP);
  return at < 0 ? fail(E.ENOMEM) : at;
}

function mmap(p: Process, addr: number, len: number, prot: number, flags: number, fd: number, offset: number): number {
  const type = flags & MAP_TYPE;
  if (len === 0 || offset % PAGE_SIZE || (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE)) fail(E.EINVAL);
  const gprot = guestProt(prot);
  const size = pageUp(len);
  if (size > GUEST_LIMIT) fail(E.ENOMEM);
  let data: Uint8Array | null = null;
  if (!(flags & MAP_ANONYMOUS)) {
    const f = p.fds.get(int(fd));
    if (!f.readable || (type !== MAP_PRIVATE && prot & PROT_WRITE && !f.writable)) fail(E.EACCES);
    if (f.hostFd() === null) fail(E.ENODEV);
    data = new Uint8Array(size);
    const n = f.pread(data, offset);
    data = data.subarray(0, n);
    if (type !== MAP_PRIVATE && prot & PROT_WRITE) p.note("shared writable file mappings are private copies: writes do not reach the file");
  }
  let start: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr & PAGE_MASK) fail(E.EINVAL);
    if (addr + size > GUEST_LIMIT) fail(E.ENOMEM);
    if (flags & MAP_FIXED_NOREPLACE && !allUnmapped(p, addr, size)) fail(E.EEXIST);
    start = addr;
  } else {
    start = placeMapping(p, addr, size);
  }
  p.mem.map(start, size, gprot);
  if (data) p.mem.poke(start, data);
  return start;
}

function mremap(p: Process, old: number, oldSize: number, newSize: number, flags: number, newAddr: number): number {
  if (old & PAGE_MASK || newSize === 0 || flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) fail(E.EINVAL);
  if (flags & MREMAP_FIXED && (!(flags & MREMAP_MAYMOVE) || newAddr & PAGE_MASK)) fail(E.EINVAL);
  const oldLen = pageUp(oldSize), newLen = pageUp(newSize);
  if (!allMapped(p, old, oldLen || PAGE_SIZE)) fail(E.EFAULT);
  if (!(flags & MREMAP_FIXED)) {
    if (newLen <= oldLen) {
      p.mem.unmap(old + newLen, oldLen - newLen);
      return old;
    }
    if (old + newLen <= GUEST_LIMIT && allUnmapped(p, old + oldLen, newLen - oldLen)) {
      p.mem.map(old + oldLen, newLen - oldLen, p.mem.perm[(old + oldLen - 1) >>> PAGE_SHIFT] & 7);
      return old;
    }
    if (!(flags & MREMAP_MAYMOVE)) fail(E.ENOMEM);
  }
  const dest = flags & MREMAP_FIXED ? newAddr : placeMapping(p, 0, newLen);
  if (dest + newLen > GUEST_LIMIT) fail(E.EINVAL);
  const keep = Math.min(oldLen, newLen);
  const bytes = p.mem.u8.slice(old, old + keep);
  const prots = Array.from({ length: newLen / PAGE_SIZE }, (_, i) =>
    p.mem.perm[(old >>> PAGE_SHIFT) + Math.min(i, keep / PAGE_SIZE - 1)] & 7);
  p.mem.unmap(old, oldLen);
  p.mem.map(dest, newLen, PROT_READ | PROT_WRITE);
  p.mem.poke(dest, bytes);
  prots.forEach((pr, i) => p.mem.protect(dest + i * PAGE_SIZE, PAGE_SIZE, pr));
  return dest;
}

function munmap(p: Process, addr: number, len: number): number {
  if (addr & PAGE_MASK || len === 0 || addr + len > GUEST_LIMIT) fail(E.EINVAL);
  p.mem.unmap(addr, len);
  return 0;
}

function mprotect(p: Process, addr: number, len: number, prot: number): number {
  if (addr & PAGE_MASK) fail(E.EINVAL);
  const gprot = guestProt(prot);
  if (len === 0) return 0;
  if (addr + len > GUEST_LIMIT || !p.mem.protect(addr, len, gprot)) fail(E.ENOMEM);
  return 0;
}

export const memorySyscalls: SyscallRow[] = [
  sys("brk", ["ptr"], (p, a) => brk(p, a[0]), true),
  sys("mmap2", ["ptr", "uint", "prot", "mflags", "fd", "uint"], (p, a) => mmap(p, a[0], a[1], a[2], a[3], a[4], a[5] * PAGE_SIZE), true),
  // The old mmap takes its six arguments in a struct; the offset is in bytes.
  sys("mmap", ["ptr"], (p, a) => {
    const s = p.struct(a[0], 24);
    return mmap(p, s.getU32(0), s.getU32(4), s.getU32(8), s.getU32(12), s.getU32(16), s.getU32(20));
  }, true),
  sys("munmap", ["ptr", "uint"], (p, a) => munmap(p, a[0], a[1])),
  sys("mremap", ["ptr", "uint", "uint", "hex", "ptr"], (p, a) => mremap(p, a[0], a[1], a[2], a[3], a[4]), true),
  sys("mprotect", ["ptr", "uint", "prot"], (p, a) => mprotect(p, a[0], a[1], a[2])),
  sys("madvise", ["ptr", "uint", "int"], () => 0),
  sys("msync", ["ptr", "uint", "hex"], () => 0),
  sys("mlock", ["ptr", "uint"], () => 0),
  sys("munlock", ["ptr", "uint"], () => 0),
];
