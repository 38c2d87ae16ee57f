/**
 * The concealed region stays concealed through every address-space call, and
 * the address-space calls answer as a 32-bit Linux kernel with a 3G/1G split
 * does: non-fixed mmap hints at or across GUEST_LIMIT are placed below it,
 * Memory itself refuses to map, unmap or protect a concealed page whatever
 * its caller computed, madvise/mremap give Linux's errors, the stack grows on
 * demand within its reserve, placement agrees with a brute-force search, and
 * RLIMIT_AS bounds what a guest may map.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { E } from "../src/linux/errno.ts";
import { GUEST_LIMIT, PAGE_SIZE, PERM_ENTRIES, PROT_READ, PROT_WRITE, STACK_SIZE, STACK_TOP } from "../src/core/layout.ts";
import { Memory, STACK_GUARD_GAP } from "../src/core/memory.ts";
import { GuestFault } from "../src/core/fault.ts";
import { BUF, mk } from "./support/process.ts";

const RW = PROT_READ | PROT_WRITE;
const MAP_PRIVATE = 2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20, MAP_FIXED_NOREPLACE = 0x100000;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
const RLIMIT_AS = 9;

/** Every permission byte of the concealed pages is still 0. */
function concealedUntouched(mem: Memory): boolean {
  return mem.perm.subarray(GUEST_LIMIT / PAGE_SIZE, PERM_ENTRIES).every((b) => b === 0);
}

describe("mmap hints never reach the concealed region", () => {
  it.each([0xc0000000, 0xbffff000, 0xc0010000, 0xf0000000, 0xfffff000, 0xffffffff])("hint 0x%s, two pages", (hint) => {
    const { p, call } = mk();
    const a = call("mmap2", hint, 2 * PAGE_SIZE, RW, ANON, -1, 0) >>> 0;
    expect(a + 2 * PAGE_SIZE).toBeLessThanOrEqual(GUEST_LIMIT);
    expect(concealedUntouched(p.mem)).toBe(true);
    expect(() => p.mem.read32(GUEST_LIMIT)).toThrow(GuestFault);
  });

  it("a free hint below the stack is honoured, rounded up to a page", () => {
    const { call } = mk();
    expect(call("mmap2", 0x50000001, PAGE_SIZE, RW, ANON, -1, 0) >>> 0).toBe(0x50001000);
  });

  it("MAP_FIXED at or across the limit is ENOMEM; mprotect ENOMEM; munmap EINVAL; madvise ENOMEM", () => {
    const { p, call } = mk();
    expect(call("mmap2", 0xc0000000, PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0)).toBe(-E.ENOMEM);
    expect(call("mmap2", 0xbffff000, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0)).toBe(-E.ENOMEM);
    expect(call("mmap2", 0xc0000000, PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0)).toBe(-E.ENOMEM);
    expect(call("mprotect", 0xc0000000, PAGE_SIZE, RW)).toBe(-E.ENOMEM);
    expect(call("munmap", 0xc0000000, PAGE_SIZE)).toBe(-E.EINVAL);
    expect(call("madvise", 0xc0000000, PAGE_SIZE, 0)).toBe(-E.ENOMEM);
    expect(call("brk", 0xc0001000) >>> 0).toBeLessThan(GUEST_LIMIT);
    expect(concealedUntouched(p.mem)).toBe(true);
  });

  it("Memory refuses concealed pages itself, mapping nothing", () => {
    const mem = new Memory();
    const before = mem.mappedPages;
    expect(() => mem.map(0xc0000000, PAGE_SIZE, RW)).toThrow(RangeError);
    expect(() => mem.map(0xbffff000, 2 * PAGE_SIZE, RW)).toThrow(RangeError);
    expect(() => mem.map(-PAGE_SIZE, PAGE_SIZE, RW)).toThrow(RangeError);
    expect(() => mem.unmap(0xc0010000, PAGE_SIZE)).toThrow(RangeError);
    expect(() => mem.protect(0xc0000000, PAGE_SIZE, RW)).toThrow(RangeError);
    expect(mem.isMapped(0xbffff)).toBe(false);
    expect(mem.mappedPages).toBe(before);
    expect(concealedUntouched(mem)).toBe(true);
  });
});

describe("madvise and mremap answer as Linux does", () => {
  it("madvise: EINVAL for misalignment and unknown advice, ENOMEM for unmapped pages (sizes do not wrap), 0 on a mapping", () => {
    const { call } = mk();
    const a = call("mmap2", 0, 2 * PAGE_SIZE, RW, ANON, -1, 0) >>> 0;
    expect(call("madvise", a, 2 * PAGE_SIZE, 4)).toBe(0);
    expect(call("madvise", a + 1, PAGE_SIZE, 0)).toBe(-E.EINVAL);
    expect(call("madvise", a, PAGE_SIZE, 7)).toBe(-E.EINVAL);
    expect(call("madvise", a, 0xffffffff, 0)).toBe(-E.ENOMEM);
    expect(call("madvise", a, 3 * PAGE_SIZE, 0)).toBe(-E.ENOMEM);
    expect(call("madvise", a, 0, 0)).toBe(0);
  });

  it("mremap: huge sizes, shrinks whose tail leaves the address space and fixed destinations in concealed memory are EINVAL", () => {
    const { p, call } = mk();
    const a = call("mmap2", 0, PAGE_SIZE, RW, ANON, -1, 0) >>> 0;
    expect(call("mremap", a, PAGE_SIZE, 0xffffffff, MREMAP_MAYMOVE, 0)).toBe(-E.EINVAL);
    expect(call("mremap", a, PAGE_SIZE, 0xc0001000, 0, 0)).toBe(-E.EINVAL);
    expect(call("mremap", a, 0xffffffff, PAGE_SIZE, MREMAP_MAYMOVE, 0)).toBe(-E.EINVAL);
    expect(call("mremap", a, 0x80000000, PAGE_SIZE, 0, 0)).toBe(-E.EINVAL);
    expect(p.mem.isMapped(a / PAGE_SIZE)).toBe(true);
    expect(call("mremap", a, PAGE_SIZE, PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, 0xc0000000)).toBe(-E.EINVAL);
    expect(call("mremap", a, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, 0xbffff000)).toBe(-E.EINVAL);
    expect(call("mremap", 0xc0000000, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE, 0)).toBe(-E.EFAULT);
    expect(call("mremap", a, PAGE_SIZE, 0xbf000000, MREMAP_MAYMOVE, 0)).toBe(-E.ENOMEM);
    p.mem.write8(a, 7);
    const b = call("mremap", a, PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED, 0x50000000) >>> 0;
    expect([b.toString(16), p.mem.read8(b), p.mem.isMapped(a / PAGE_SIZE)]).toEqual(["50000000", 7, false]);
    expect(concealedUntouched(p.mem)).toBe(true);
  });

  it("mremap growing in place up to the limit stops there (ENOMEM without MAYMOVE)", () => {
    const { p, call } = mk();
    const top = p.mem.stackLimit - 3 * STACK_GUARD_GAP;
    const a = call("mmap2", top, PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0) >>> 0;
    expect(a).toBe(top);
    expect(call("mremap", a, PAGE_SIZE, GUEST_LIMIT - a + PAGE_SIZE, 0, 0)).toBe(-E.ENOMEM);
    expect(concealedUntouched(p.mem)).toBe(true);
  });
});

describe("the stack grows on demand, as Linux's does", () => {
  it("only its top is mapped at exec; touching below grows it, up to STACK_SIZE", () => {
    const { p } = mk();
    const limit = STACK_TOP - STACK_SIZE;
    expect(p.mem.stackBottom).toBeGreaterThan(limit);
    expect(p.mem.isMapped(limit / PAGE_SIZE)).toBe(false);
    p.mem.write32(limit + 16, 0x1234);
    expect(p.mem.read32(limit + 16)).toBe(0x1234);
    expect(p.mem.stackBottom).toBe(limit);
    expect(() => p.mem.write32(limit - 4, 1)).toThrow(GuestFault);
  });

  it("a syscall buffer in the stack's reserve grows it too", () => {
    const { p, call } = mk();
    const at = p.mem.stackBottom - 64 * PAGE_SIZE;
    expect(call("gettimeofday", at, 0)).toBe(0);
    expect(p.mem.stackBottom).toBe(at);
  });

  it("MAP_FIXED_NOREPLACE inside the reserve succeeds, and growth stops a guard gap above it", () => {
    const { p, call } = mk();
    const at = STACK_TOP - STACK_SIZE + PAGE_SIZE;
    expect(call("mmap2", at, PAGE_SIZE, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) >>> 0).toBe(at);
    expect(() => p.mem.write8(at + PAGE_SIZE + STACK_GUARD_GAP - 1, 1)).toThrow(GuestFault);
    p.mem.write8(at + PAGE_SIZE + STACK_GUARD_GAP, 1);
    expect(p.mem.stackBottom).toBe(at + PAGE_SIZE + STACK_GUARD_GAP);
  });

  it("growth never makes the stack executable", () => {
    const mem = new Memory();
    mem.setStack(0x10000000, 0x10100000, 0x10200000);
    expect(() => mem.fault(0x100ff000, "instruction fetch", 4)).toThrow(GuestFault);
    expect(mem.isMapped(0x100ff)).toBe(true);
  });
});

describe("placement", () => {
  it("findFree agrees with a brute-force top-down search over random maps and unmaps", () => {
    const mem = new Memory();
    let seed = 42;
    const rng = { next: () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8 };
    const LO = 0x40000, HI = 0x40400; // a 4 MiB window of pages, so the brute force stays cheap
    const brute = (need: number, lo: number, hi: number) => {
      for (let run = 0, p = hi - 1; p >= lo; p--) {
        run = mem.isMapped(p) ? 0 : run + 1;
        if (run === need) return p * PAGE_SIZE;
      }
      return -1;
    };
    for (let i = 0; i < 3000; i++) {
      const page = LO + (rng.next() % (HI - LO)), n = 1 + (rng.next() % 24);
      if (rng.next() & 1) mem.map(page * PAGE_SIZE, Math.min(n, HI - page) * PAGE_SIZE, RW);
      else mem.unmap(page * PAGE_SIZE, Math.min(n, HI - page) * PAGE_SIZE);
      const need = 1 + (rng.next() % 40), lo = LO + (rng.next() % 64), hi = HI - (rng.next() % 64);
      expect(mem.findFree(need * PAGE_SIZE, hi * PAGE_SIZE, lo * PAGE_SIZE), `step ${i}`).toBe(brute(need, lo, hi));
    }
    let mapped = 0;
    for (let p = 0; p < GUEST_LIMIT / PAGE_SIZE; p++) if (mem.isMapped(p)) mapped++;
    expect(mem.mappedPages).toBe(mapped);
  });
});

describe("file mappings", () => {
  it("read the file straight into guest pages, chunk by chunk, zeros past its end", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-map-"));
    try {
      const data = Buffer.alloc(3 * (1 << 20) + 123);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
      fs.writeFileSync(path.join(dir, "f"), data);
      const { p, call, str } = mk();
      const fd = call("open", str(path.join(dir, "f")), 0);
      const a = call("mmap2", 0, data.length + 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 1) >>> 0;
      const got = p.mem.readBytes(a, data.length - PAGE_SIZE + 2 * PAGE_SIZE)!;
      expect(Buffer.from(got.subarray(0, data.length - PAGE_SIZE)).equals(data.subarray(PAGE_SIZE))).toBe(true);
      expect(got.subarray(data.length - PAGE_SIZE).every((b) => b === 0)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("RLIMIT_AS bounds what a guest maps", () => {
  it("mmap, mremap and brk answer ENOMEM past the limit", () => {
    const { p, call } = mk();
    const used = p.mem.mappedPages * PAGE_SIZE;
    p.mem.poke(BUF, new Uint8Array(new Uint32Array([used + 64 * PAGE_SIZE, used + 64 * PAGE_SIZE]).buffer));
    expect(call("setrlimit", RLIMIT_AS, BUF)).toBe(0);
    expect(call("mmap2", 0, 128 * PAGE_SIZE, RW, ANON, -1, 0)).toBe(-E.ENOMEM);
    const a = call("mmap2", 0, 32 * PAGE_SIZE, RW, ANON, -1, 0) >>> 0;
    expect(a).toBeLessThan(GUEST_LIMIT);
    expect(call("mremap", a, 32 * PAGE_SIZE, 128 * PAGE_SIZE, MREMAP_MAYMOVE, 0)).toBe(-E.ENOMEM);
    const brk0 = call("brk", 0);
    expect(call("brk", brk0 + 128 * PAGE_SIZE)).toBe(brk0);
  });
});
