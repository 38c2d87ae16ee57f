/**
 * Address-space syscalls: brk, mmap (mmap2 and the old struct-argument
 * mmap), munmap, mremap, mprotect, and advice calls that need no action.
 *
 * Sizes and addresses are the guest's unsigned 32-bit values, checked as
 * Linux checks a 32-bit process's with TASK_SIZE = GUEST_LIMIT (the 3G/1G
 * split; `setarch -3` gives a native i386 process the same limit, which is
 * how guest-tests/security's goldens were recorded): the kernel widens them
 * to 64 bits, so page rounding never wraps.
 *
 * Invariants: mappings are page-granular and stay inside [0, GUEST_LIMIT)
 * (Memory refuses anything else as well); new anonymous memory is zero; a
 * file mapping is a private copy of the file taken at mmap time (writes to
 * a MAP_SHARED mapping never reach the file); a W-only or X-only protection
 * also grants READ (no NX in this model); the mapped total stays within
 * RLIMIT_AS (ENOMEM beyond, as Linux answers).
 */
import { GUEST_LIMIT, MMAP_TOP, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE } from "../../core/layout.ts";
import { STACK_GUARD_GAP } from "../../core/memory.ts";
import { RLIMIT_AS } from "../abi.ts";
import { MAX_MAPPED_BYTES } from "../kernel.ts";
import { E, fail } from "../errno.ts";
import type { Process } from "../process.ts";
import { type SyscallRow, int, sys } from "./row.ts";

const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_TYPE = 0xf;
const MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
/** PROT_GROWSDOWN / PROT_GROWSUP: accepted and ignored. */
const PROT_GROWS = 0x03000000;

const pageUp = (n: number) => Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
/** Bytes a file mapping reads per host call. */
const FILE_CHUNK = 1 << 20;
/** Linux's mmap_min_addr: hints below it are not honoured. */
const MMAP_MIN = 0x10000;
/** madvise advice values Linux accepts from an unprivileged process (MADV_NORMAL .. MADV_COLLAPSE). */
const MADVICE = new Set([0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);

function guestProt(prot: number): number {
  if (prot & ~(7 | PROT_GROWS)) fail(E.EINVAL);
  const p = prot & 7;
  return p & (PROT_WRITE | PROT_EXEC) ? p | PROT_READ : p;
}

function allMapped(p: Process, addr: number, len: number): boolean {
  for (let pg = addr >>> PAGE_SHIFT; pg < (addr + len) / PAGE_SIZE; pg++) if (!p.mem.isMapped(pg)) return false;
  return true;
}

/**
 * Whether mapping `more` bytes keeps the process within RLIMIT_AS, and all processes within
 * MAX_MAPPED_BYTES (a MAP_FIXED over its own pages counts them again).
 */
function withinLimit(p: Process, more: number): boolean {
  return p.mem.mappedPages * PAGE_SIZE + more <= p.rlimits[RLIMIT_AS][0] && p.kernel.mappedBytes() + more <= MAX_MAPPED_BYTES;
}

function charge(p: Process, more: number): void {
  if (!withinLimit(p, more)) fail(E.ENOMEM);
}

function brk(p: Process, addr: number): number {
  if (addr < p.brkStart || addr > GUEST_LIMIT) return p.brk;
  const oldEnd = pageUp(p.brk), newEnd = pageUp(addr);
  if (newEnd > oldEnd) {
    if (!p.mem.isFree(oldEnd, newEnd - oldEnd) || !withinLimit(p, newEnd - oldEnd)) return p.brk;
    p.mem.map(oldEnd, newEnd - oldEnd, PROT_READ | PROT_WRITE);
  } else if (newEnd < oldEnd) {
    p.mem.unmap(newEnd, oldEnd - newEnd);
  }
  p.brk = addr;
  return addr;
}

/**
 * Where a non-fixed mapping of size bytes goes, as the kernel's top-down
 * allocator decides: the hint (rounded up to a page) when the whole range is
 * free, at or above mmap_min_addr, and clear of the stack's guard gap; else
 * the highest free range below MMAP_TOP; else any free range below the stack.
 */
function placeMapping(p: Process, hint: number, size: number): number {
  const h = pageUp(hint), below = p.mem.stackBottom - STACK_GUARD_GAP;
  if (h >= MMAP_MIN && h + size <= below && p.mem.isFree(h, size)) return h;
  let at = p.mem.findFree(size, MMAP_TOP);
  if (at < 0) at = p.mem.findFree(size, below);
  return at < 0 ? fail(E.ENOMEM) : at;
}

function mmap(p: Process, addr: number, len: number, prot: number, flags: number, fd: number, offset: number): number {
  const type = flags & MAP_TYPE;
  if (len === 0 || offset % PAGE_SIZE || (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE)) fail(E.EINVAL);
  const gprot = guestProt(prot);
  const size = pageUp(len);
  if (size > GUEST_LIMIT) fail(E.ENOMEM);
  charge(p, size);
  const file = flags & MAP_ANONYMOUS ? null : p.fds.get(int(fd));
  if (file) {
    if (!file.readable || (type !== MAP_PRIVATE && prot & PROT_WRITE && !file.writable)) fail(E.EACCES);
    if (file.hostFd() === null) fail(E.ENODEV);
    if (type !== MAP_PRIVATE && prot & PROT_WRITE) p.note("shared writable file mappings are private copies: writes do not reach the file");
  }
  let start: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (addr & PAGE_MASK) fail(E.EINVAL);
    if (addr + size > GUEST_LIMIT) fail(E.ENOMEM);
    if (flags & MAP_FIXED_NOREPLACE && !p.mem.isFree(addr, size)) fail(E.EEXIST);
    start = addr;
  } else {
    start = placeMapping(p, addr, size);
  }
  p.mem.map(start, size, gprot);
  // Read straight into the fresh (zero) pages, a chunk per host call: no host copy of the mapping.
  try {
    for (let n = 0, k = 1; file && n < size && k > 0; n += k) {
      k = file.pread(p.mem.u8.subarray(start + n, start + Math.min(size, n + FILE_CHUNK)), offset + n);
    }
  } catch (e) {
    p.mem.unmap(start, size);
    throw e;
  }
  return start;
}

/**
 * mremap, with the kernel's order of checks: the arguments (EINVAL), a
 * mapping at old (EFAULT), a shrink as munmap of the tail (EINVAL when the
 * tail leaves the address space), the whole old range mapped (EFAULT), room
 * (ENOMEM).
 */
function mremap(p: Process, old: number, oldSize: number, newSize: number, flags: number, newAddr: number): number {
  if (old & PAGE_MASK || flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) fail(E.EINVAL);
  const oldLen = pageUp(oldSize), newLen = pageUp(newSize);
  if (newLen === 0 || newLen > GUEST_LIMIT) fail(E.EINVAL);
  if (flags & MREMAP_FIXED) {
    if (newAddr & PAGE_MASK || !(flags & MREMAP_MAYMOVE) || newAddr > GUEST_LIMIT - newLen) fail(E.EINVAL);
    if (old + oldLen > newAddr && newAddr + newLen > old) fail(E.EINVAL);
  }
  if (old >= GUEST_LIMIT || !p.mem.isMapped(old / PAGE_SIZE)) fail(E.EFAULT);
  if (oldLen === 0) fail(E.EINVAL); // Linux duplicates only shared mappings this way; ours are all private
  if (newLen < oldLen) munmap(p, old + newLen, oldLen - newLen);
  if (!(flags & MREMAP_FIXED) && newLen <= oldLen) return old;
  const kept = Math.min(oldLen, newLen);
  if (!allMapped(p, old, kept)) fail(E.EFAULT);
  if (newLen > kept) charge(p, newLen - kept);
  if (!(flags & MREMAP_FIXED)) {
    if (old + newLen <= GUEST_LIMIT && p.mem.isFree(old + oldLen, newLen - oldLen)) {
      p.mem.map(old + oldLen, newLen - oldLen, p.mem.perm[(old + oldLen - 1) >>> PAGE_SHIFT] & 7);
      return old;
    }
    if (!(flags & MREMAP_MAYMOVE)) fail(E.ENOMEM);
  }
  // The move copies inside the one memory (never through a host buffer); pages past the
  // old length take the protection of its last page.
  const dest = flags & MREMAP_FIXED ? newAddr : placeMapping(p, 0, newLen);
  const prots = Array.from({ length: newLen / PAGE_SIZE }, (_, i) =>
    p.mem.perm[old / PAGE_SIZE + Math.min(i, kept / PAGE_SIZE - 1)] & 7);
  p.mem.map(dest, newLen, PROT_READ | PROT_WRITE);
  p.mem.u8.copyWithin(dest, old, old + kept);
  p.mem.unmap(old, kept);
  prots.forEach((pr, i) => p.mem.protect(dest + i * PAGE_SIZE, PAGE_SIZE, pr));
  return dest;
}

function munmap(p: Process, addr: number, len: number): number {
  const size = pageUp(len);
  if (addr & PAGE_MASK || size === 0 || addr + size > GUEST_LIMIT) fail(E.EINVAL);
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

/**
 * madvise: advice is only a hint here (MADV_DONTNEED keeps the contents, which
 * Linux's anonymous memory would zero), but the answers are Linux's: EINVAL for
 * unknown advice or a misaligned start; ENOMEM when any page of the range is
 * not mapped, the concealed region included.
 */
function madvise(p: Process, addr: number, len: number, advice: number): number {
  const size = pageUp(len);
  if (!MADVICE.has(advice) || addr & PAGE_MASK) fail(E.EINVAL);
  if (size === 0) return 0;
  if (addr + size > GUEST_LIMIT || !allMapped(p, addr, size)) fail(E.ENOMEM);
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
  sys("madvise", ["ptr", "uint", "int"], (p, a) => madvise(p, a[0], a[1], a[2])),
  sys("msync", ["ptr", "uint", "hex"], () => 0),
  sys("mlock", ["ptr", "uint"], () => 0),
  sys("munlock", ["ptr", "uint"], () => 0),
];
