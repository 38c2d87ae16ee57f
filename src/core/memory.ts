/**
 * Guest memory: checked loads and stores through the page permission table,
 * and page-granular mapping bookkeeping for the loader and mmap/brk.
 *
 * Invariants:
 * - the permission byte of every page at or above GUEST_LIMIT is 0, so one
 *   table lookup both enforces protection and keeps the VMM region concealed;
 *   map, unmap and protect refuse such pages whatever their caller computed
 *   (a second line of defence behind the syscalls' own range checks);
 * - `runs` knows exactly which pages are mapped, and mappedPages counts them;
 * - the stack grows down on demand as Linux's does: an access to an unmapped
 *   page in [stackLimit, stackBottom) that keeps STACK_GUARD_GAP free below it
 *   maps everything from that page up to the stack, and the access proceeds;
 * - an unmapped page reads as zero bytes in the underlying memory: unmapping
 *   zero-fills, so a later mapping starts clean;
 * - copy() gives a forked child the same mapped pages, protections and bytes;
 * - a store to a page marked PAGE_CODE calls onCodeWrite(page, false) before
 *   the bytes change, so cached decodings and translations of it die first;
 *   mapping over or unmapping such a page calls onCodeWrite(page, true).
 */
import {
  CACHE_OFF, GUEST_LIMIT, MEMORY_BYTES, PROFILE_OFF, REGS_OFF, PAGE_CODE, PAGE_MAPPED, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE,
  PERM_ENTRIES, PERM_OFF, PROT_READ, PROT_WRITE, WASM_PAGE,
} from "./layout.ts";
import { GuestFault, SIGSEGV } from "./fault.ts";
import { PageRuns } from "./pageruns.ts";

const WRITABLE = PROT_WRITE | PAGE_CODE;
const GUEST_PAGES = GUEST_LIMIT / PAGE_SIZE;
/** Pages kept free below a growing stack (Linux's stack_guard_gap, 1 MiB). */
export const STACK_GUARD_GAP = 256 * PAGE_SIZE;
const ZERO_PAGE = new Uint8Array(PAGE_SIZE);
const ZERO_CHUNK = new Uint8Array(WASM_PAGE);
/**
 * Memories of ended processes kept for new ones (Memory.fresh): V8 runs a full garbage collection
 * for every WebAssembly.Memory it allocates, ~10 ms each, which a shell running pipelines would pay
 * several times per command. Only small ones are kept: their zero-filled pages stay resident.
 */
const POOL: Memory[] = [];
const POOL_MAX = 4, POOL_MAX_MAPPED = (32 << 20) / PAGE_SIZE;

export class Memory {
  readonly wasm: WebAssembly.Memory;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  readonly perm: Uint8Array;
  onCodeWrite: (page: number, remapped: boolean) => void = () => {};
  private readonly runs = new PageRuns();
  mappedPages = 0;
  /** The stack's mapped bottom and how far down it may grow (both page-aligned; equal: no growth). */
  stackBottom = GUEST_LIMIT;
  stackLimit = GUEST_LIMIT;

  /** A memory with nothing mapped: one an ended process released, or a new one. */
  static fresh(): Memory {
    return POOL.pop() ?? new Memory();
  }

  /**
   * The process using this memory has ended, and nothing will touch it again: it is emptied
   * (every page unmapped, the concealed region zeroed where it was written) for Memory.fresh.
   * translated: whether a translation tier used it (its code-cache directory, 16 MiB, is then
   * looked at too).
   */
  release(translated: boolean): void {
    if (POOL.length >= POOL_MAX || this.mappedPages > POOL_MAX_MAPPED) return;
    this.onCodeWrite = () => {};
    this.forEachMappedRun((lo, hi) => this.unmap(lo * PAGE_SIZE, (hi - lo) * PAGE_SIZE));
    // Chunks never written read as zeros without being resident; only written ones are filled.
    // The permission bytes are all 0 once everything is unmapped.
    const end = translated ? MEMORY_BYTES : CACHE_OFF;
    for (let a = GUEST_LIMIT; a < end; a = a === REGS_OFF ? PROFILE_OFF : a + WASM_PAGE) {
      const chunk = this.u8.subarray(a, a + WASM_PAGE);
      if (Buffer.compare(chunk, ZERO_CHUNK) !== 0) chunk.fill(0);
    }
    this.stackBottom = this.stackLimit = GUEST_LIMIT;
    POOL.push(this);
  }

  /** Calls f(lo, hi) for each maximal run [lo, hi) of mapped pages, ascending. */
  private forEachMappedRun(f: (lo: number, hi: number) => void): void {
    for (const [lo, hi] of this.runs.usedRuns()) f(lo, hi);
  }

  constructor() {
    const pages = MEMORY_BYTES / WASM_PAGE;
    this.wasm = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.u8 = new Uint8Array(this.wasm.buffer);
    this.dv = new DataView(this.wasm.buffer);
    this.perm = new Uint8Array(this.wasm.buffer, PERM_OFF, PERM_ENTRIES);
  }

  // ---- checked guest accesses (addresses are any int; taken mod 2^32) ----

  read8(addr: number): number {
    const a = addr >>> 0;
    if (!(this.perm[a >>> PAGE_SHIFT] & PROT_READ)) this.fault(a, "read", PROT_READ);
    return this.u8[a];
  }

  read16(addr: number): number {
    const a = addr >>> 0;
    if ((a & PAGE_MASK) > PAGE_SIZE - 2) return this.read8(a) | (this.read8(a + 1) << 8);
    if (!(this.perm[a >>> PAGE_SHIFT] & PROT_READ)) this.fault(a, "read", PROT_READ);
    return this.dv.getUint16(a, true);
  }

  /** Returns a signed 32-bit value. */
  read32(addr: number): number {
    const a = addr >>> 0;
    if ((a & PAGE_MASK) > PAGE_SIZE - 4) return this.read16(a) | (this.read16(a + 2) << 16);
    if (!(this.perm[a >>> PAGE_SHIFT] & PROT_READ)) this.fault(a, "read", PROT_READ);
    return this.dv.getInt32(a, true);
  }

  write8(addr: number, v: number): void {
    const a = addr >>> 0;
    if ((this.perm[a >>> PAGE_SHIFT] & WRITABLE) !== PROT_WRITE) this.writeSlow(a, 1);
    this.u8[a] = v;
  }

  write16(addr: number, v: number): void {
    const a = addr >>> 0;
    if ((a & PAGE_MASK) > PAGE_SIZE - 2 || (this.perm[a >>> PAGE_SHIFT] & WRITABLE) !== PROT_WRITE) this.writeSlow(a, 2);
    this.dv.setUint16(a, v, true);
  }

  write32(addr: number, v: number): void {
    const a = addr >>> 0;
    if ((a & PAGE_MASK) > PAGE_SIZE - 4 || (this.perm[a >>> PAGE_SHIFT] & WRITABLE) !== PROT_WRITE) this.writeSlow(a, 4);
    this.dv.setInt32(a, v, true);
  }

  /** Checks every page of [a, a+len) for writing, invalidating code pages; throws on a fault. */
  private writeSlow(a: number, len: number): void {
    if (a + len > GUEST_LIMIT) this.fault(a, "write");
    for (let p = a >>> PAGE_SHIFT; p <= (a + len - 1) >>> PAGE_SHIFT; p++) {
      const f = this.perm[p];
      if (!(f & PROT_WRITE)) this.fault(Math.max(a, p * PAGE_SIZE), "write", PROT_WRITE);
      if (f & PAGE_CODE) {
        this.perm[p] = f & ~PAGE_CODE;
        this.onCodeWrite(p, false);
      }
    }
  }

  /**
   * A failed check at a: returns when growing the stack over a gives the
   * page the permission bits `need` (the access then proceeds); otherwise
   * throws SIGSEGV.
   */
  fault(a: number, what: string, need = 0): void {
    if (need && this.grow(a) && (this.perm[a >>> PAGE_SHIFT] & need) === need) return;
    const f = this.perm[a >>> PAGE_SHIFT];
    const reason = f & PAGE_MAPPED ? `${what} of protected page` : `${what} of unmapped address`;
    throw new GuestFault(SIGSEGV, a >>> 0, reason);
  }

  /** Whether [a, a+len) is entirely accessible with the given PROT_* bits (growing the stack as an access would). */
  accessible(addr: number, len: number, prot: number): boolean {
    const a = addr >>> 0;
    if (len === 0) return true;
    if (a + len > GUEST_LIMIT) return false;
    for (let p = a >>> PAGE_SHIFT; p <= (a + len - 1) >>> PAGE_SHIFT; p++) {
      if ((this.perm[p] & prot) !== prot && !(this.grow(p * PAGE_SIZE) && (this.perm[p] & prot) === prot)) return false;
    }
    return true;
  }

  /** Sets up the growable stack: [bottom, top) is mapped read-write; it may grow down to limit. */
  setStack(limit: number, bottom: number, top: number): void {
    this.map(bottom, top - bottom, PROT_READ | PROT_WRITE);
    this.stackLimit = limit;
    this.stackBottom = bottom;
  }

  /** Maps the stack down over address a if a lies in its growth range and the guard gap below stays free. */
  private grow(a: number): boolean {
    if (a < this.stackLimit || a >= this.stackBottom) return false;
    const page = (a & ~PAGE_MASK) >>> 0;
    const gapLo = Math.max(0, page - STACK_GUARD_GAP);
    if (!this.isFree(gapLo, this.stackBottom - gapLo)) return false;
    this.map(page, this.stackBottom - page, PROT_READ | PROT_WRITE);
    this.stackBottom = page;
    return true;
  }

  // ---- VMM-side bulk access (syscalls, loader); the caller checks accessibility ----

  /** Copies guest bytes out. Returns null when any byte is unreadable (the syscall's EFAULT). */
  readBytes(addr: number, len: number): Uint8Array | null {
    if (!this.accessible(addr, len, PROT_READ)) return null;
    return this.u8.slice(addr >>> 0, (addr >>> 0) + len);
  }

  /**
   * Readies [addr, addr+len) for a bulk store by the VMM or a string
   * instruction: false if any byte is not writable, else code pages in it
   * are invalidated and the caller may write the bytes directly.
   */
  prepareWrite(addr: number, len: number): boolean {
    if (!this.accessible(addr, len, PROT_WRITE)) return false;
    if (len) this.writeSlow(addr >>> 0, len);
    return true;
  }

  /** Copies bytes into guest memory as the kernel would (honours write protection, invalidates code). */
  writeBytes(addr: number, data: Uint8Array): boolean {
    if (!data.length) return true;
    if (!this.accessible(addr, data.length, PROT_WRITE)) return false;
    this.writeSlow(addr >>> 0, data.length);
    this.u8.set(data, addr >>> 0);
    return true;
  }

  /** Reads a NUL-terminated string of at most max bytes; null on fault or overlong. */
  readCString(addr: number, max = 4096): string | null {
    const bytes: number[] = [];
    for (let a = addr >>> 0; bytes.length < max; a++) {
      if (a >= GUEST_LIMIT || !(this.perm[a >>> PAGE_SHIFT] & PROT_READ)) return null;
      const b = this.u8[a];
      if (b === 0) return Buffer.from(bytes).toString("latin1");
      bytes.push(b);
    }
    return null;
  }

  /**
   * A store that ignores protection but not mapping, as the kernel's forced
   * access (/proc/self/mem, ptrace) does: false when any page of the range is
   * unmapped or concealed; code pages in it are invalidated first.
   */
  forceWrite(addr: number, data: Uint8Array): boolean {
    const a = addr >>> 0;
    if (!data.length) return true;
    if (!this.accessible(a, data.length, PAGE_MAPPED)) return false;
    for (let p = a >>> PAGE_SHIFT; p <= (a + data.length - 1) >>> PAGE_SHIFT; p++) {
      const f = this.perm[p];
      if (f & PAGE_CODE) {
        this.perm[p] = f & ~PAGE_CODE;
        this.onCodeWrite(p, false);
      }
    }
    this.u8.set(data, a);
    return true;
  }

  /** Loader-side store that ignores protection (segments are filled before mprotect). */
  poke(addr: number, data: Uint8Array): void {
    this.u8.set(data, addr >>> 0);
  }

  // ---- mapping bookkeeping ----

  isMapped(page: number): boolean {
    return (this.perm[page] & PAGE_MAPPED) !== 0;
  }

  /** Maps [addr, addr+len) (page-rounded) with prot; newly mapped pages are zero. */
  map(addr: number, len: number, prot: number): void {
    const [lo, hi] = guestPages(addr, len);
    for (let p = lo; p < hi; p++) {
      const f = this.perm[p];
      if (f & PAGE_CODE) this.onCodeWrite(p, true);
      if (f & PAGE_MAPPED) this.u8.fill(0, p << PAGE_SHIFT >>> 0, ((p + 1) << PAGE_SHIFT) >>> 0);
      else this.mappedPages++;
      this.perm[p] = PAGE_MAPPED | (prot & 7);
    }
    this.runs.set(lo, hi, false);
  }

  unmap(addr: number, len: number): void {
    const [lo, hi] = guestPages(addr, len);
    for (let p = lo; p < hi; p++) {
      const f = this.perm[p];
      if (!(f & PAGE_MAPPED)) continue;
      if (f & PAGE_CODE) this.onCodeWrite(p, true);
      this.u8.fill(0, p << PAGE_SHIFT >>> 0, ((p + 1) << PAGE_SHIFT) >>> 0);
      this.perm[p] = 0;
      this.mappedPages--;
    }
    this.runs.set(lo, hi, true);
  }

  /** Changes protection of mapped pages; returns false if any page in range is unmapped. */
  protect(addr: number, len: number, prot: number): boolean {
    const [lo, end] = guestPages(addr, len);
    for (let p = lo; p < end; p++) if (!(this.perm[p] & PAGE_MAPPED)) return false;
    for (let p = lo; p < end; p++) {
      const f = this.perm[p];
      if ((f & PAGE_CODE) && !(prot & PROT_READ)) { this.onCodeWrite(p, false); }
      this.perm[p] = PAGE_MAPPED | (prot & 7) | (prot & PROT_READ ? f & PAGE_CODE : 0);
    }
    return true;
  }

  /**
   * A forked child's address space: every mapped page with its protection and bytes, and the
   * stack's growth range. Code marks are dropped (the child has decoded nothing yet), and pages
   * that read as zeros are not copied, since a fresh memory reads zeros: a large mapping the
   * parent never touched costs the child no host memory.
   */
  copy(): Memory {
    const m = Memory.fresh(), perm = this.perm;
    this.forEachMappedRun((p, q) => {
      m.map(p * PAGE_SIZE, (q - p) * PAGE_SIZE, 0);
      for (let i = p; i < q; i++) {
        m.perm[i] = perm[i] & ~PAGE_CODE;
        const a = i * PAGE_SIZE, page = this.u8.subarray(a, a + PAGE_SIZE);
        if (Buffer.compare(page, ZERO_PAGE) !== 0) m.u8.set(page, a);
      }
    });
    m.stackBottom = this.stackBottom;
    m.stackLimit = this.stackLimit;
    return m;
  }

  /** Highest free, page-aligned range of len bytes inside [bottom, top), or -1. */
  findFree(len: number, top: number, bottom = 0x10000): number {
    const p = this.runs.highest(pageEnd(0, len), Math.ceil(bottom / PAGE_SIZE), Math.floor(Math.min(top, GUEST_LIMIT) / PAGE_SIZE));
    return p < 0 ? -1 : p * PAGE_SIZE;
  }

  /** Whether no page of [addr, addr+len) is mapped (false for a range reaching GUEST_LIMIT). */
  isFree(addr: number, len: number): boolean {
    const lo = Math.floor(addr / PAGE_SIZE), hi = Math.ceil((addr + len) / PAGE_SIZE);
    return hi <= GUEST_PAGES && this.runs.highest(hi - lo, lo, hi) === lo;
  }
}

/**
 * The pages [lo, hi) of [addr, addr+len), which must lie below GUEST_LIMIT:
 * the check no caller can skip before mapping or changing a page.
 */
function guestPages(addr: number, len: number): [number, number] {
  const lo = Math.floor(addr / PAGE_SIZE), hi = Math.ceil((addr + len) / PAGE_SIZE);
  if (!(addr >= 0 && len >= 0 && hi <= GUEST_PAGES)) {
    throw new RangeError(`cdvm: internal error: page range 0x${addr.toString(16)}+0x${len.toString(16)} reaches concealed memory`);
  }
  return [lo, hi];
}

/** One past the last page index touched by [addr, addr+len). */
export function pageEnd(addr: number, len: number): number {
  return Math.ceil(((addr >>> 0) + len) / PAGE_SIZE);
}
