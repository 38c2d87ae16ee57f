/**
 * Parser and loader for i386 ELF executables: ET_EXEC at its link
 * addresses, and ET_DYN (PIE) at PIE_BASE, which is where Linux's
 * ELF_ET_DYN_BASE puts i386 PIEs when address-space randomization is off.
 * A program with PT_INTERP names its interpreter (the dynamic loader),
 * which loadInterpreter maps as the kernel does: an ET_DYN interpreter
 * wherever the top-down mmap allocator puts a range its size, below
 * MMAP_TOP; the process starts at the interpreter's entry, told the
 * program's (AT_ENTRY, AT_PHDR) and the interpreter's base (AT_BASE).
 *
 * Invariants: parseElf validates every field the loader relies on, so
 * loadElf never maps outside [0, GUEST_LIMIT) or reads beyond the file, and
 * no segment lies in the stack's reserve (the stack, mapped after the
 * segments, would replace its bytes); any violation is a BadElf with a
 * one-line message naming the problem. Loading costs time in the number of
 * segments and pages, never in a per-page table (a 3 GiB bss maps quickly).
 */
import { GUEST_LIMIT, MMAP_TOP, PAGE_MASK, PAGE_SHIFT, PAGE_SIZE, PROT_EXEC, PROT_READ, PROT_WRITE, STACK_SIZE, STACK_TOP } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";

export class BadElf extends Error {
  override name = "BadElf";
}

/** The interpreter a program names does not exist (the kernel's ENOENT from execve). */
export class MissingInterpreter extends Error {
  override name = "MissingInterpreter";
}

export const PIE_BASE = 0x56555000;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const MAX_PHNUM = 128;
/** The longest PT_INTERP the kernel takes (PATH_MAX, its NUL included). */
const INTERP_MAX = 4096;

const ET_EXEC = 2, ET_DYN = 3, EM_386 = 3;
const PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_GNU_STACK = 0x6474e551;
const PF_X = 1, PF_W = 2, PF_R = 4;

export interface Phdr {
  type: number; offset: number; vaddr: number; filesz: number; memsz: number; flags: number;
}

export interface ElfInfo {
  type: number;
  entry: number;
  phoff: number;
  phnum: number;
  phent: number;
  phdrs: Phdr[];
  /** PT_INTERP's path, when the program names an interpreter. */
  interp?: string;
}

export interface LoadedImage {
  /** Entry point address (after relocation by loadBase). */
  entry: number;
  /** Address of the program headers in guest memory (for AT_PHDR). */
  phdrAddr: number;
  phnum: number;
  phent: number;
  /** Page-aligned end of the highest segment: where the brk heap starts. */
  brkStart: number;
  /** 0 for ET_EXEC, the base an ET_DYN was loaded at. */
  loadBase: number;
  /** PT_INTERP's path, when the program names an interpreter. */
  interp?: string;
  /** PT_GNU_STACK asked for an executable stack (noted only: the stack is always RW). */
  execStack: boolean;
}

const hex = (v: number) => "0x" + (v >>> 0).toString(16);

/** Validates the header and program headers of an i386 executable, its segments as if loaded at base (ET_DYN; default PIE_BASE). */
export function parseElf(file: Uint8Array, dynBase = PIE_BASE): ElfInfo {
  if (file.length < 4 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    throw new BadElf("not an ELF file (bad magic)");
  }
  if (file.length < 16) throw new BadElf("truncated ELF header");
  if (file[4] === 2) throw new BadElf("64-bit ELF not supported");
  if (file[4] !== 1) throw new BadElf(`bad ELF class ${file[4]}`);
  if (file[5] !== 1) throw new BadElf(`wrong data encoding ${file[5]} (only little-endian is supported)`);
  if (file[6] !== 1) throw new BadElf(`bad ELF version ${file[6]}`);
  if (file.length < EHDR_SIZE) throw new BadElf("truncated ELF header");
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  const entry = dv.getUint32(24, true);
  const phoff = dv.getUint32(28, true);
  const phent = dv.getUint16(42, true);
  const phnum = dv.getUint16(44, true);
  if (type !== ET_EXEC && type !== ET_DYN) throw new BadElf(`not an executable (e_type ${type})`);
  if (machine !== EM_386) throw new BadElf(`wrong machine ${machine} (not EM_386)`);
  if (phnum === 0) throw new BadElf("no program headers");
  if (phnum > MAX_PHNUM) throw new BadElf(`absurd program header count ${phnum}`);
  if (phent !== PHDR_SIZE) throw new BadElf(`bad program header size ${phent}`);
  if (phoff + phnum * PHDR_SIZE > file.length) throw new BadElf("truncated program headers");

  const phdrs: Phdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHDR_SIZE;
    phdrs.push({
      type: dv.getUint32(o, true), offset: dv.getUint32(o + 4, true), vaddr: dv.getUint32(o + 8, true),
      filesz: dv.getUint32(o + 16, true), memsz: dv.getUint32(o + 20, true), flags: dv.getUint32(o + 24, true),
    });
  }
  const interps = phdrs.filter((p) => p.type === PT_INTERP);
  if (interps.length > 1) throw new BadElf("more than one PT_INTERP");
  const interp = interps.length ? interpPath(file, interps[0]) : undefined;
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) throw new BadElf("no PT_LOAD segment");
  const base = type === ET_DYN ? dynBase : 0;
  loads.forEach((p, i) => checkSegment(p, i, base, file.length));
  for (let i = 0; i < loads.length; i++) {
    for (let j = i + 1; j < loads.length; j++) {
      const a = loads[i], b = loads[j];
      if (a.memsz && b.memsz && a.vaddr < b.vaddr + b.memsz && b.vaddr < a.vaddr + a.memsz) {
        throw new BadElf(`PT_LOAD segments ${i} and ${j} overlap`);
      }
    }
  }
  if (!loads.some((p) => p.flags & PF_X && entry >= p.vaddr && entry < p.vaddr + p.memsz)) {
    throw new BadElf(`entry point ${hex(entry)} is not inside an executable segment`);
  }
  return { type, entry, phoff, phnum, phent, phdrs, interp };
}

/** PT_INTERP's path: 2 to INTERP_MAX bytes of the file, the last one its NUL, as the kernel requires. */
function interpPath(file: Uint8Array, p: Phdr): string {
  if (p.filesz < 2 || p.filesz > INTERP_MAX || p.offset + p.filesz > file.length || file[p.offset + p.filesz - 1] !== 0) {
    throw new BadElf("malformed PT_INTERP (not a NUL-terminated path of at most 4096 bytes inside the file)");
  }
  const bytes = file.subarray(p.offset, p.offset + p.filesz - 1);
  const nul = bytes.indexOf(0);
  return Buffer.from(nul < 0 ? bytes : bytes.subarray(0, nul)).toString("latin1");
}

function checkSegment(p: Phdr, i: number, base: number, fileLen: number): void {
  const what = `PT_LOAD segment ${i}`;
  if (p.filesz > p.memsz) throw new BadElf(`${what}: p_filesz ${hex(p.filesz)} > p_memsz ${hex(p.memsz)}`);
  if (p.offset + p.filesz > fileLen) throw new BadElf(`${what}: file range extends beyond end of file`);
  if ((p.offset & PAGE_MASK) !== (p.vaddr & PAGE_MASK)) {
    throw new BadElf(`${what}: p_offset ${hex(p.offset)} and p_vaddr ${hex(p.vaddr)} disagree modulo the page size`);
  }
  if (base + p.vaddr + p.memsz > GUEST_LIMIT) {
    throw new BadElf(`${what}: address range ${hex(base + p.vaddr)}+${hex(p.memsz)} is beyond user space or wraps`);
  }
  if (p.memsz && base + p.vaddr + p.memsz > STACK_TOP - STACK_SIZE) {
    throw new BadElf(`${what}: address range ${hex(base + p.vaddr)}+${hex(p.memsz)} overlaps the stack reserve [${hex(STACK_TOP - STACK_SIZE)}, ${hex(STACK_TOP)})`);
  }
}

/** The PROT_* bits for segment flags; W-only or X-only also gets READ (no NX in this model). */
function segmentProt(flags: number): number {
  const prot = (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
  return prot ? prot | PROT_READ : 0;
}

/** Validates and loads an executable into a fresh address space (an ET_DYN at dynBase). */
export function loadElf(mem: Memory, file: Uint8Array, dynBase = PIE_BASE): LoadedImage {
  const info = parseElf(file, dynBase);
  const base = info.type === ET_DYN ? dynBase : 0;
  const loads = info.phdrs.filter((p) => p.type === PT_LOAD && p.memsz > 0);

  const ranges = loads.map((p) => {
    const start = base + p.vaddr;
    return { p, start, lo: start >>> PAGE_SHIFT, hi: Math.ceil((start + p.memsz) / PAGE_SIZE), prot: segmentProt(p.flags) };
  });
  for (const r of ranges) mem.map(r.lo * PAGE_SIZE, (r.hi - r.lo) * PAGE_SIZE, PROT_READ | PROT_WRITE);
  // The bss tail needs no clearing: freshly mapped pages read as zero (Memory.map).
  for (const r of ranges) mem.poke(r.start, file.subarray(r.p.offset, r.p.offset + r.p.filesz));
  for (const r of ranges) mem.protect(r.lo * PAGE_SIZE, (r.hi - r.lo) * PAGE_SIZE, r.prot);
  // Segments may share a boundary page, which gets the union of their protections. Such a page
  // is an edge page of each (segments do not overlap), so only first and last pages are merged.
  const edgeProt = new Map<number, number>();
  for (const r of ranges) for (const pg of [r.lo, r.hi - 1]) edgeProt.set(pg, (edgeProt.get(pg) ?? 0) | r.prot);
  for (const [pg, prot] of edgeProt) mem.protect(pg * PAGE_SIZE, PAGE_SIZE, prot);

  const phdrSeg = info.phdrs.find((p) => p.type === PT_PHDR);
  const holder = loads.find((p) => info.phoff >= p.offset && info.phoff + info.phnum * info.phent <= p.offset + p.filesz);
  // Without PT_PHDR or a segment holding them, Linux still reports load_addr + e_phoff.
  const first = loads[0];
  const phdrAddr = phdrSeg ? base + phdrSeg.vaddr
    : holder ? base + holder.vaddr + (info.phoff - holder.offset)
    : base + first.vaddr - first.offset + info.phoff;
  const end = Math.max(...loads.map((p) => base + p.vaddr + p.memsz));
  const gnuStack = info.phdrs.find((p) => p.type === PT_GNU_STACK);
  return {
    entry: base + info.entry,
    phdrAddr: phdrAddr >>> 0,
    phnum: info.phnum,
    phent: info.phent,
    brkStart: Math.ceil(end / PAGE_SIZE) * PAGE_SIZE,
    loadBase: base,
    execStack: gnuStack ? (gnuStack.flags & PF_X) !== 0 : false,
    interp: info.interp,
  };
}

/**
 * Loads a program's interpreter after the program: an ET_DYN one at the highest free range below
 * MMAP_TOP that holds all its segments (as the kernel's mmap of it lands), an ET_EXEC one at its
 * link addresses. An interpreter that names an interpreter of its own is refused, as the kernel does.
 */
export function loadInterpreter(mem: Memory, file: Uint8Array): LoadedImage {
  const info = parseElf(file, 0);
  if (info.interp !== undefined) throw new BadElf(`the interpreter names an interpreter of its own (${info.interp})`);
  const loads = info.phdrs.filter((p) => p.type === PT_LOAD && p.memsz > 0);
  if (!loads.length) throw new BadElf("the interpreter has no PT_LOAD segment with memory");
  let base = 0;
  if (info.type === ET_DYN) {
    const lo = (Math.min(...loads.map((p) => p.vaddr)) & ~PAGE_MASK) >>> 0, hi = Math.max(...loads.map((p) => p.vaddr + p.memsz));
    const at = mem.findFree(Math.ceil((hi - lo) / PAGE_SIZE) * PAGE_SIZE, MMAP_TOP);
    if (at < 0) throw new BadElf("no room for the interpreter below the mmap area's top");
    base = at - lo;
  } else {
    for (const p of loads) {
      const lo = (p.vaddr & ~PAGE_MASK) >>> 0;
      if (!mem.isFree(lo, Math.ceil((p.vaddr + p.memsz - lo) / PAGE_SIZE) * PAGE_SIZE)) throw new BadElf("the interpreter's segments overlap the program's");
    }
  }
  return loadElf(mem, file, base);
}
