/**
 * Guest memory: checked loads and stores through the page permission table,
 * and page-granular mapping bookkeeping for the loader and mmap/brk.
 *
 * Invariants:
 * - the permission byte of every page at or above GUEST_LIMIT is 0, so one
 *   table lookup both enforces protection and keeps the VMM region concealed;
 * - an unmapped page reads as zero bytes in the underlying memory: unmapping
 *   zero-fills, so a later mapping starts clean;
 * - a store to a page marked PAGE_CODE calls onCodeWrite(page, false) before
 *   the bytes change, so cached decodings and translations of it die first;
 *   mapping over or unmapping such a page calls onCodeWrite(page, true).
 */
import {
  GUEST_LIMIT, MEMORY_BYTES, PAGE_CODE, PAGE_MAPPED, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE,
  PERM_ENTRIES, PERM_OFF, PROT_READ, PROT_WRITE, WASM_PAGE,
} from "./layout.ts";
import { GuestFault, SIGSEGV } from "./fault.ts";

const WRITABLE = PROT_WRITE | PAGE_CODE;

export class Memory {
  readonly wasm: WebAssembly.Memory;
  readonly u8: Uint8Array;
  readonly dv: DataView;
  readonly perm: Uint8Array;
  onCodeWrite: (page: number, remapped: boolean) => void = () => {};

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
    if (!(this.perm[a >>> PAGE_SHIFT] & PROT_READ)) this.fault(a, "read");
    return this.u8[a];
  }

  read16(addr: number): number {
    const a = addr >>> 0;
    if ((a & PAGE_MASK) > PAGE_SIZE - 2) return this.read8(a) | (this.read8(a + 1) << 8);
    if (!(this.perm[a >>> PAGE_SHIFT] & PROT_READ)) this.fault(a, "read");
    return this.dv.getUint16(a, true);
  }

  /** Returns a signed 32-bit value. */
  read32(addr: number): number {
    const a = addr >>> 0;
    if ((a & PAGE_MASK) > PAGE_SIZE - 4) return this.read16(a) | (this.read16(a + 2) << 16);
    if (!(this.perm[a >>> PAGE_SHIFT] & PROT_READ)) this.fault(a, "read");
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
      if (!(f & PROT_WRITE)) this.fault(Math.max(a, p << PAGE_SHIFT) >>> 0, "write");
      if (f & PAGE_CODE) {
        this.perm[p] = f & ~PAGE_CODE;
        this.onCodeWrite(p, false);
      }
    }
  }

  fault(a: number, what: string): never {
    const f = this.perm[a >>> PAGE_SHIFT];
    const reason = f & PAGE_MAPPED ? `${what} of protected page` : `${what} of unmapped address`;
    throw new GuestFault(SIGSEGV, a >>> 0, reason);
  }

  /** Whether [a, a+len) is entirely accessible with the given PROT_* bits. */
  accessible(addr: number, len: number, prot: number): boolean {
    const a = addr >>> 0;
    if (len === 0) return true;
    if (a + len > GUEST_LIMIT) return false;
    for (let p = a >>> PAGE_SHIFT; p <= (a + len - 1) >>> PAGE_SHIFT; p++) {
      if ((this.perm[p] & prot) !== prot) return false;
    }
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
    if (!this.accessible(addr, data.length, PROT_WRITE)) return false;
    if (data.length) this.writeSlow(addr >>> 0, data.length);
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
    if (!this.accessible(a, data.length, PAGE_MAPPED)) return false;
    for (let p = a >>> PAGE_SHIFT; data.length && p <= (a + data.length - 1) >>> PAGE_SHIFT; p++) {
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
    for (let p = addr >>> PAGE_SHIFT; p < pageEnd(addr, len); p++) {
      const f = this.perm[p];
      if (f & PAGE_CODE) this.onCodeWrite(p, true);
      if (f & PAGE_MAPPED) this.u8.fill(0, p << PAGE_SHIFT >>> 0, ((p + 1) << PAGE_SHIFT) >>> 0);
      this.perm[p] = PAGE_MAPPED | (prot & 7);
    }
  }

  unmap(addr: number, len: number): void {
    for (let p = addr >>> PAGE_SHIFT; p < pageEnd(addr, len); p++) {
      const f = this.perm[p];
      if (!(f & PAGE_MAPPED)) continue;
      if (f & PAGE_CODE) this.onCodeWrite(p, true);
      this.u8.fill(0, p << PAGE_SHIFT >>> 0, ((p + 1) << PAGE_SHIFT) >>> 0);
      this.perm[p] = 0;
    }
  }

  /** Changes protection of mapped pages; returns false if any page in range is unmapped. */
  protect(addr: number, len: number, prot: number): boolean {
    const end = pageEnd(addr, len);
    for (let p = addr >>> PAGE_SHIFT; p < end; p++) if (!(this.perm[p] & PAGE_MAPPED)) return false;
    for (let p = addr >>> PAGE_SHIFT; p < end; p++) {
      const f = this.perm[p];
      if ((f & PAGE_CODE) && !(prot & PROT_READ)) { this.onCodeWrite(p, false); }
      this.perm[p] = PAGE_MAPPED | (prot & 7) | (prot & PROT_READ ? f & PAGE_CODE : 0);
    }
    return true;
  }

  /** Highest free, page-aligned range of len bytes below top, or -1. */
  findFree(len: number, top: number, bottom = 0x10000): number {
    const need = pageEnd(0, len);
    let run = 0;
    for (let p = (top >>> PAGE_SHIFT) - 1; p >= bottom >>> PAGE_SHIFT; p--) {
      run = this.perm[p] & PAGE_MAPPED ? 0 : run + 1;
      if (run === need) return (p << PAGE_SHIFT) >>> 0;
    }
    return -1;
  }
}

/** One past the last page index touched by [addr, addr+len). */
export function pageEnd(addr: number, len: number): number {
  return Math.ceil(((addr >>> 0) + len) / PAGE_SIZE);
}
