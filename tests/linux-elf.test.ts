import { describe, expect, it } from "vitest";
import { BadElf, PIE_BASE, loadElf, parseElf } from "../src/linux/elf.ts";
import { Memory } from "../src/core/memory.ts";
import { PROT_EXEC, PROT_READ, PROT_WRITE } from "../src/core/layout.ts";
import { PF_R, PF_W, PF_X, PT_INTERP, PT_PHDR, TEXT, buildElf } from "./linux-minielf.ts";

function badElf(file: Uint8Array): string {
  try {
    parseElf(file);
  } catch (e) {
    expect(e).toBeInstanceOf(BadElf);
    return (e as Error).message;
  }
  throw new Error("accepted");
}

const DATA = 0x0804a000;

describe("ELF validation", () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty file", new Uint8Array(0), /not an ELF file/],
    ["bad magic", Uint8Array.from([0x7f, 0x45, 0x4c, 0x47, 1, 1, 1]), /not an ELF file/],
    ["truncated ident", Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 1]), /truncated ELF header/],
    ["truncated header", buildElf({ truncate: 40 }), /truncated ELF header/],
    ["64-bit", buildElf({ ident: { 4: 2 } }), /^64-bit ELF not supported$/],
    ["big-endian", buildElf({ ident: { 5: 2 } }), /wrong data encoding/],
    ["bad version", buildElf({ ident: { 6: 0 } }), /bad ELF version/],
    ["relocatable", buildElf({ type: 1 }), /not an executable \(e_type 1\)/],
    ["x86-64 machine", buildElf({ machine: 62 }), /wrong machine 62 \(not EM_386\)/],
    ["no program headers", buildElf({ phnum: 0 }), /no program headers/],
    ["absurd phnum", buildElf({ phnum: 5000 }), /absurd program header count 5000/],
    ["bad phentsize", buildElf({ phentsize: 40 }), /bad program header size/],
    ["truncated phdrs", buildElf({ truncate: 70 }), /truncated program headers/],
    ["phoff beyond file", buildElf({ phoff: 0x10000, truncate: 200 }), /truncated program headers/],
    ["PT_INTERP without its NUL", buildElf({ segs: [{ vaddr: TEXT, flags: PF_R | PF_X }, { type: PT_INTERP, vaddr: 0, offset: 0x200, data: Buffer.from("/lib/ld.so") }] }),
      /^malformed PT_INTERP/],
    ["PT_INTERP longer than PATH_MAX", buildElf({ segs: [{ vaddr: TEXT, flags: PF_R | PF_X }, { type: PT_INTERP, vaddr: 0, offset: 0x200, data: Buffer.alloc(4097) }] }),
      /^malformed PT_INTERP/],
    ["two PT_INTERP", buildElf({ segs: [{ vaddr: TEXT, flags: PF_R | PF_X }, ...[0x200, 0x300].map((offset) => ({ type: PT_INTERP, vaddr: 0, offset, data: Buffer.from("/a\0") }))] }),
      /^more than one PT_INTERP$/],
    ["no PT_LOAD", buildElf({ segs: [{ type: PT_PHDR, vaddr: TEXT }] }), /no PT_LOAD segment/],
    ["filesz > memsz", buildElf({ segs: [{ vaddr: TEXT, flags: PF_R | PF_X, filesz: 200, memsz: 100 }] }), /p_filesz 0xc8 > p_memsz 0x64/],
    ["file range beyond EOF", buildElf({ segs: [{ vaddr: TEXT, flags: PF_R | PF_X, filesz: 0x5000 }] }), /beyond end of file/],
    ["misaligned", buildElf({ segs: [{ vaddr: TEXT + 4, flags: PF_R | PF_X }] }), /disagree modulo the page size/],
    ["beyond user space", buildElf({ segs: [{ vaddr: 0xbffff000, flags: PF_R | PF_X, memsz: 0x2000 }], entry: 0xbffff000 }), /beyond user space/],
    ["wraps", buildElf({ segs: [{ vaddr: 0xfffff000, flags: PF_R | PF_X, memsz: 0x2000 }], entry: 0xfffff000 }), /beyond user space or wraps/],
    // Found by tests/fuzz-elf.test.ts: accepted, then the stack mapped over the segment's bytes.
    ["in the stack reserve", buildElf({ segs: [{ vaddr: 0xbffff000, flags: PF_R | PF_X, memsz: 0x1000 }], entry: 0xbffff100 }),
      /^PT_LOAD segment 0: address range 0xbffff000\+0x1000 overlaps the stack reserve \[0xbf800000, 0xc0000000\)$/],
    ["reaching into the stack reserve", buildElf({ segs: [{ vaddr: 0xbf7ff000, flags: PF_R | PF_X, memsz: 0x1001 }], entry: 0xbf7ff100 }),
      /overlaps the stack reserve/],
    ["overlap", buildElf({ segs: [{ vaddr: TEXT, flags: PF_R | PF_X }, { vaddr: TEXT, offset: 0, flags: PF_R | PF_W, memsz: 0x2000 }] }), /segments 0 and 1 overlap/],
    ["entry outside", buildElf({ entry: 0x1000 }), /entry point 0x1000 is not inside an executable segment/],
    ["entry in non-exec", buildElf({ segs: [{ vaddr: TEXT, flags: PF_R }] }), /not inside an executable segment/],
  ];
  for (const [name, file, msg] of cases) {
    it(`rejects ${name}`, () => expect(badElf(file)).toMatch(msg));
  }
});

describe("ELF loading", () => {
  it("loads a minimal ET_EXEC with text and data+bss segments", () => {
    const data = Uint8Array.from([1, 2, 3, 4]);
    const file = buildElf({
      segs: [
        { vaddr: TEXT, offset: 0, flags: PF_R | PF_X, filesz: 0x100 },
        { vaddr: DATA + 0x100, offset: 0x100, flags: PF_R | PF_W, data, memsz: 0x3000 },
      ],
    });
    const mem = new Memory();
    const img = loadElf(mem, file);
    expect(img.entry).toBe(TEXT + 52 + 64);
    expect(img.loadBase).toBe(0);
    expect(img.phdrAddr).toBe(TEXT + 52);
    expect(img.phnum).toBe(2);
    expect(img.brkStart).toBe(DATA + 0x4000);
    expect(mem.read8(TEXT)).toBe(0x7f);
    expect(mem.perm[TEXT >>> 12] & 7).toBe(PROT_READ | PROT_EXEC);
    expect(mem.perm[DATA >>> 12] & 7).toBe(PROT_READ | PROT_WRITE);
    expect(mem.read32(DATA + 0x100)).toBe(0x04030201);
    expect(mem.read8(DATA + 0x104)).toBe(0); // bss
    expect(mem.read8(DATA + 0x3000)).toBe(0);
    expect(mem.isMapped((DATA + 0x4000) >>> 12)).toBe(false);
  });

  it("gives a W-only segment READ too and honours PT_PHDR", () => {
    const file = buildElf({
      segs: [
        { vaddr: TEXT, offset: 0, flags: PF_X },
        { type: PT_PHDR, vaddr: TEXT + 52, offset: 52, filesz: 64 },
        { vaddr: DATA, offset: 0, flags: PF_W, filesz: 0, memsz: 16 },
      ],
    });
    const mem = new Memory();
    const img = loadElf(mem, file);
    expect(img.phdrAddr).toBe(TEXT + 52);
    expect(mem.perm[TEXT >>> 12] & 7).toBe(PROT_READ | PROT_EXEC);
    expect(mem.perm[DATA >>> 12] & 7).toBe(PROT_READ | PROT_WRITE);
  });

  it("maps a segment ending just below the stack reserve, and a 2.9 GiB bss quickly", () => {
    const below = buildElf({ segs: [{ vaddr: 0xbf7ff000, offset: 0, flags: PF_R | PF_X, memsz: 0x1000 }], entry: 0xbf7ff040 });
    expect(loadElf(new Memory(), below).brkStart).toBe(0xbf800000);
    const mem = new Memory();
    const t0 = performance.now();
    const img = loadElf(mem, buildElf({ segs: [{ vaddr: TEXT, offset: 0, flags: PF_R | PF_X | PF_W, memsz: 0xbf800000 - TEXT }] }));
    // Found by tests/fuzz-elf.test.ts: a per-page table made this take 1-2 s.
    expect(performance.now() - t0).toBeLessThan(500);
    expect(img.brkStart).toBe(0xbf800000);
    expect(mem.perm[0xbf7ff] & 7).toBe(PROT_READ | PROT_WRITE | PROT_EXEC);
    expect(mem.read8(TEXT + 1)).toBe(0x45);
  });

  it("gives a page shared by two segments the union of their protections, and the others their own", () => {
    const file = buildElf({
      segs: [
        { vaddr: TEXT, offset: 0, flags: PF_R | PF_X, filesz: 0x1100, memsz: 0x1100 },
        { vaddr: TEXT + 0x1100, offset: 0x1100, flags: PF_R | PF_W, data: new Uint8Array(0x100).fill(7), memsz: 0x2000 },
      ],
    });
    const mem = new Memory();
    loadElf(mem, file);
    expect(mem.perm[TEXT >>> 12] & 7).toBe(PROT_READ | PROT_EXEC);
    expect(mem.perm[(TEXT >>> 12) + 1] & 7).toBe(PROT_READ | PROT_WRITE | PROT_EXEC);
    expect(mem.perm[(TEXT >>> 12) + 2] & 7).toBe(PROT_READ | PROT_WRITE);
    expect(mem.perm[(TEXT >>> 12) + 3] & 7).toBe(PROT_READ | PROT_WRITE);
    expect(mem.isMapped((TEXT >>> 12) + 4)).toBe(false);
    expect(mem.read8(TEXT + 1)).toBe(0x45);
    expect(mem.read8(TEXT + 0x11ff)).toBe(7);
    expect(mem.read8(TEXT + 0x1200)).toBe(0);
  });

  it("loads a static PIE at PIE_BASE", () => {
    const file = buildElf({ type: 3, segs: [{ vaddr: 0, offset: 0, flags: PF_R | PF_X }], entry: 0x60 });
    const mem = new Memory();
    const img = loadElf(mem, file);
    expect(img.loadBase).toBe(PIE_BASE);
    expect(img.entry).toBe(PIE_BASE + 0x60);
    expect(img.phdrAddr).toBe(PIE_BASE + 52);
    expect(mem.read8(PIE_BASE + 1)).toBe(0x45);
  });
});
