/**
 * Malformed-ELF generator for the ELF fuzzer (tests/fuzz-elf.test.ts and
 * `npm run fuzz -- --elf`). Case k of seed s is a valid static i386
 * executable (one of BASES) changed by one to three mutations drawn from
 * the case's own stream (rng.ts), so any case regenerates alone from (s, k):
 * truncations at field and segment boundaries, ELF header and
 * program-header fields set to edge values (wrapping sums, p_filesz >
 * p_memsz, huge counts and sizes), segments moved onto the stack reserve,
 * the concealed region or the top of the address space, segments made to
 * overlap, PT_INTERP / PT_DYNAMIC oddities, entry points outside segments,
 * replacement program-header tables of up to 0xffff entries, and bit flips
 * in the headers. Each mutation is described in words for the reproducer.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildElf, PF_R, PF_W, PF_X, PT_LOAD, PT_PHDR, TEXT } from "../linux-minielf.ts";
import { ROOT } from "../support/guest.ts";
import { caseRng, type Rng } from "./rng.ts";

export interface ElfBase {
  name: string;
  /** Guest arguments after argv[0] when the file is run. */
  args: string[];
  bytes: Uint8Array;
}

export interface Mutant {
  base: ElfBase;
  bytes: Uint8Array;
  /** What was done to the base, one entry per mutation. */
  steps: string[];
}

const PT_DYNAMIC = 2, PT_INTERP = 3, PT_NOTE = 4, PT_TLS = 7, PT_GNU_STACK = 0x6474e551, PT_GNU_RELRO = 0x6474e552;
const DATA = 0x0804a000;
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const hex = (v: number) => "0x" + (v >>> 0).toString(16);

/** mov eax, 1; mov ebx, status; int 0x80 */
const exitCode = (status: number) => [0xb8, ...le32(1), 0xbb, ...le32(status), 0xcd, 0x80];

/** One R+X segment holding the headers and, at TEXT+0x100 (the entry), code that exits with 7. */
function tinyBase(): Uint8Array {
  const code = exitCode(7), size = 0x100 + code.length;
  const out = new Uint8Array(size);
  out.set(buildElf({ segs: [{ vaddr: TEXT, offset: 0, flags: PF_R | PF_X, filesz: size, memsz: size }], entry: TEXT + 0x100 }));
  out.set(code, 0x100);
  return out;
}

/**
 * Text, data with a bss tail, PT_PHDR and PT_GNU_STACK: the code copies the
 * data word into the bss and exits with the bss byte (5).
 */
function twoSegmentBase(): Uint8Array {
  const bss = DATA + 0x1800;
  const code = [
    0xa1, ...le32(DATA + 0x200),        // mov eax, [data]
    0xa3, ...le32(bss),                 // mov [bss], eax
    0x0f, 0xb6, 0x1d, ...le32(bss),     // movzx ebx, byte [bss]
    0xb8, ...le32(1), 0xcd, 0x80,       // exit(ebx)
  ];
  const file = new Uint8Array(0x300);
  file.set(buildElf({
    segs: [
      { vaddr: TEXT, offset: 0, flags: PF_R | PF_X, filesz: 0x200, memsz: 0x200 },
      { vaddr: DATA + 0x200, offset: 0x200, flags: PF_R | PF_W, filesz: 0x100, memsz: 0x2000 },
      { type: PT_PHDR, vaddr: TEXT + 52, offset: 52, filesz: 4 * 32, memsz: 4 * 32 },
      { type: PT_GNU_STACK, vaddr: 0, offset: 0, filesz: 0, memsz: 0, flags: PF_R | PF_W },
    ],
    entry: TEXT + 0x100,
  }).subarray(0, 0x100));
  file.set(code, 0x100);
  file.set(le32(5), 0x200);
  return file;
}

/** A static PIE (ET_DYN at vaddr 0, loaded at PIE_BASE) whose position-independent code exits with 9. */
function pieBase(): Uint8Array {
  const code = exitCode(9), size = 0x100 + code.length;
  const out = new Uint8Array(size);
  out.set(buildElf({ type: 3, segs: [{ vaddr: 0, offset: 0, flags: PF_R | PF_X, filesz: size, memsz: size }], entry: 0x100 }));
  out.set(code, 0x100);
  return out;
}

/** The valid executables mutants start from (plain Uint8Arrays: a Buffer's slice would share its bytes); the real binary (gcc -static, four PT_LOADs, PT_TLS, PT_GNU_RELRO) runs its exit42 program. */
export const BASES: ElfBase[] = [
  { name: "tiny", args: [], bytes: tinyBase() },
  { name: "two-segment", args: [], bytes: twoSegmentBase() },
  { name: "static-pie", args: [], bytes: pieBase() },
  { name: "guest-tests/bin/exit42", args: ["exit42"], bytes: new Uint8Array(fs.readFileSync(path.join(ROOT, "guest-tests/bin/exit42"))) },
];

/** A mutable view of an ELF image and its program-header table (read afresh, since mutations change it). */
class Image {
  bytes: Uint8Array;
  dv: DataView;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(o: number): number { return o + 2 <= this.bytes.length ? this.dv.getUint16(o, true) : 0; }
  u32(o: number): number { return o + 4 <= this.bytes.length ? this.dv.getUint32(o, true) : 0; }
  set16(o: number, v: number): void { if (o + 2 <= this.bytes.length) this.dv.setUint16(o, v & 0xffff, true); }
  set32(o: number, v: number): void { if (o + 4 <= this.bytes.length) this.dv.setUint32(o, v >>> 0, true); }
  get phoff(): number { return this.u32(28); }
  get phnum(): number { return this.u16(44); }
  /** File offsets of the program headers that lie wholly inside the file. */
  phdrs(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.phnum && this.phoff + 32 * (i + 1) <= this.bytes.length; i++) out.push(this.phoff + 32 * i);
    return out;
  }
  loads(): number[] { return this.phdrs().filter((o) => this.u32(o) === PT_LOAD); }
  resize(n: number): void { this.bytes = this.bytes.slice(0, n); this.dv = new DataView(this.bytes.buffer); }
  append(extra: Uint8Array): number {
    const at = this.bytes.length, grown = new Uint8Array(at + extra.length);
    grown.set(this.bytes);
    grown.set(extra, at);
    this.bytes = grown;
    this.dv = new DataView(grown.buffer);
    return at;
  }
}

const PH_FIELDS = [["p_type", 0], ["p_offset", 4], ["p_vaddr", 8], ["p_paddr", 12], ["p_filesz", 16], ["p_memsz", 20], ["p_flags", 24], ["p_align", 28]] as const;
const EH_FIELDS = [["e_type", 16, 2], ["e_machine", 18, 2], ["e_version", 20, 4], ["e_entry", 24, 4], ["e_phoff", 28, 4], ["e_ehsize", 40, 2], ["e_phentsize", 42, 2], ["e_phnum", 44, 2]] as const;

/** Addresses at and around the end of user space and the concealed region, and on the stack reserve. */
const HIGH_PAGES = [0xbf800000, 0xbffef000, 0xbfffe000, 0xbffff000, 0xc0000000, 0xc0010000, 0xfffff000, 0xb7fff000];

/** Values that stress a program-header field, given the header it is in and the file it is in. */
function phValue(rng: Rng, img: Image, o: number, field: number): number {
  const offset = img.u32(o + 4), vaddr = img.u32(o + 8), filesz = img.u32(o + 16), memsz = img.u32(o + 20);
  const len = img.bytes.length, pageOff = offset & 0xfff;
  const other = img.loads().filter((x) => x !== o);
  const otherVaddr = other.length ? img.u32(rng.pick(other) + 8) : TEXT;
  const pools: Record<number, number[]> = {
    0: [0, PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_NOTE, PT_PHDR, PT_TLS, PT_GNU_STACK, PT_GNU_RELRO, 0x70000000, 0xffffffff, rng.u32()],
    4: [0, 1, 0xfff, 0x1000, len, len - 1, len + 0x1000, 0xffffffff, 0xfffff000 + (vaddr & 0xfff), 0x100000000 - filesz, (vaddr & 0xfff) + 0x1000 * rng.int(0x200), rng.u32()],
    8: [0, pageOff, 0x1000 + pageOff, 0x10000 + pageOff, ...HIGH_PAGES.map((p) => p + pageOff), otherVaddr, otherVaddr + 0x1000, 0x100000000 - memsz, 0x100000000 - memsz + 0x1000,
      ((rng.u32() & ~0xfff) + pageOff) >>> 0],
    12: [0, 0xffffffff, rng.u32()],
    16: [0, 1, memsz, memsz + 1, len, len - offset, len - offset + 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000 - offset, rng.int(0x10000)],
    20: [0, 1, filesz, filesz - 1, 0x2000, 0x1000000, 0x40000000, 0x7fffffff, 0xffffffff, 0xc0000000 - vaddr, 0xc0000000 - vaddr + 1, 0x100000000 - vaddr, 0xbf800000 - vaddr + 1, rng.u32()],
    24: [0, PF_X, PF_W, PF_R, PF_R | PF_X, PF_R | PF_W, PF_R | PF_W | PF_X, PF_W | PF_X, 0xffffffff, rng.u32()],
    28: [0, 1, 3, 0x1000, 0x200000, 0x80000000, 0xffffffff, rng.u32()],
  };
  return pools[field][rng.int(pools[field].length)] >>> 0;
}

function ehValue(rng: Rng, img: Image, field: number): number {
  const len = img.bytes.length, loads = img.loads();
  const seg = loads.length ? rng.pick(loads) : 0;
  const vaddr = img.u32(seg + 8), filesz = img.u32(seg + 16), memsz = img.u32(seg + 20);
  const pools: Record<number, number[]> = {
    16: [0, 1, 2, 3, 4, 0xfe00, 0xffff],
    18: [0, 3, 6, 62, 0xffff],
    20: [0, 1, 2, 0xffffffff],
    24: [0, 1, vaddr, vaddr + filesz, vaddr + memsz - 1, vaddr + memsz, vaddr - 1, 0xbfffffff, 0xc0000000, 0xfffffffc, 0xffffffff, rng.u32()],
    28: [0, 1, 52, 53, len, len - 31, len - 32, len + 32, 0x7fffffff, 0xffffffe0, 0xffffffff, rng.u32()],
    40: [0, 1, 52, 0xffff],
    42: [0, 1, 31, 32, 33, 40, 56, 64, 0xffff],
    44: [0, 1, img.phnum - 1, img.phnum + 1, 127, 128, 129, 0x7fff, 0xffff],
  };
  return pools[field][rng.int(pools[field].length)] >>> 0;
}

/** The interesting truncation points: every header field, every program-header field, every segment's start and end, ±1. */
function truncationPoints(img: Image): number[] {
  const pts = new Set<number>([0, 1, 4, 5, 6, 7, 15, 16, 51, 52, 53]);
  for (const [, at] of EH_FIELDS) pts.add(at);
  for (const o of img.phdrs()) {
    for (const [, f] of PH_FIELDS) pts.add(o + f);
    const off = img.u32(o + 4), end = off + img.u32(o + 16);
    for (const p of [off, off + 1, end - 1, end]) pts.add(p);
  }
  return [...pts].filter((p) => p >= 0 && p < img.bytes.length).sort((a, b) => a - b);
}

/** Moves a PT_LOAD to a new vaddr (keeping p_vaddr ≡ p_offset mod the page size) and, usually, the entry point with it. */
function moveSegment(rng: Rng, img: Image, o: number, to: number): string {
  const from = img.u32(o + 8), entry = img.u32(24);
  const vaddr = ((to & ~0xfff) | (img.u32(o + 4) & 0xfff)) >>> 0;
  img.set32(o + 8, vaddr);
  let note = "";
  if (rng.chance(0.6)) {
    img.set32(24, entry >= from && entry - from < img.u32(o + 20) ? vaddr + (entry - from) : vaddr);
    note = `, e_entry = ${hex(img.u32(24))}`;
  }
  return `p_vaddr = ${hex(vaddr)}${note}`;
}

type Mutation = (rng: Rng, img: Image) => string;

const MUTATIONS: [weight: number, name: string, m: Mutation][] = [
  [3, "truncate", (rng, img) => {
    const n = rng.chance(0.8) ? rng.pick(truncationPoints(img)) : rng.int(img.bytes.length);
    img.resize(n);
    return `truncate to ${n} bytes`;
  }],
  [4, "ehdr-field", (rng, img) => {
    const [name, at, size] = rng.pick(EH_FIELDS);
    const v = ehValue(rng, img, at);
    if (size === 2) img.set16(at, v); else img.set32(at, v);
    return `${name} = ${hex(size === 2 ? v & 0xffff : v)}`;
  }],
  [2, "ident", (rng, img) => {
    const at = rng.pick([4, 5, 6, 7, 8]), v = rng.pick([0, 1, 2, 3, 0xff]);
    img.bytes[at] = v;
    return `e_ident[${at}] = ${v}`;
  }],
  [8, "phdr-field", (rng, img) => {
    const all = img.phdrs();
    if (!all.length) return "no program header to change";
    const loads = img.loads();
    const o = loads.length && rng.chance(0.7) ? rng.pick(loads) : rng.pick(all);
    const [name, f] = rng.pick(PH_FIELDS);
    const v = phValue(rng, img, o, f);
    img.set32(o + f, v);
    return `phdr ${(o - img.phoff) / 32}: ${name} = ${hex(v)}`;
  }],
  [4, "high-segment", (rng, img) => {
    const loads = img.loads();
    if (!loads.length) return "no PT_LOAD to move";
    const o = rng.pick(loads);
    const memsz = rng.pick([0x1000, 0x2000, 0x10000, 0x800000]);
    img.set32(o + 20, memsz);
    if (img.u32(o + 16) > memsz) img.set32(o + 16, memsz);
    return `phdr ${(o - img.phoff) / 32}: p_memsz = ${hex(memsz)}, ${moveSegment(rng, img, o, rng.pick(HIGH_PAGES))}`;
  }],
  [3, "overlap", (rng, img) => {
    const loads = img.loads();
    if (loads.length < 2) {
      if (!loads.length) return "no PT_LOAD to duplicate";
      // Duplicate the only PT_LOAD into a new table entry so there is something to overlap.
      return "append " + appendTable(rng, img, 2, () => img.bytes.slice(loads[0], loads[0] + 32));
    }
    const [a, b] = [rng.pick(loads), rng.pick(loads)];
    const delta = rng.pick([0, 0x1000, img.u32(a + 20) - 1, img.u32(a + 20), rng.int(Math.max(1, img.u32(a + 20)))]);
    return `phdr ${(b - img.phoff) / 32}: ${moveSegment(rng, img, b, img.u32(a + 8) + delta)} (onto phdr ${(a - img.phoff) / 32})`;
  }],
  [2, "interp-dynamic", (rng, img) => {
    const all = img.phdrs();
    if (!all.length) return "no program header to retype";
    const o = rng.pick(all), type = rng.pick([PT_INTERP, PT_DYNAMIC]);
    img.set32(o, type);
    img.set32(o + 4, rng.pick([0, img.bytes.length, 0xffffffff, rng.int(img.bytes.length)]));
    img.set32(o + 16, rng.pick([0, 1, 0x1000, 0xffffffff]));
    return `phdr ${(o - img.phoff) / 32}: p_type = ${type === PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC"}, p_offset = ${hex(img.u32(o + 4))}, p_filesz = ${hex(img.u32(o + 16))}`;
  }],
  [2, "many-phdrs", (rng, img) => {
    const n = rng.pick([2, 16, 64, 127, 128, 129, 0x400, 0xffff]);
    const src = img.phdrs();
    const style = rng.int(3);
    return "append " + appendTable(rng, img, n, (i) => {
      // Copies of the existing headers, consecutive one-page PT_LOADs, or random headers.
      if (style === 0 && src.length) return img.bytes.slice(src[i % src.length], src[i % src.length] + 32);
      const h = new Uint8Array(32), dv = new DataView(h.buffer);
      if (style === 1) {
        [PT_LOAD, 0, 0x10000000 + i * 0x1000, 0, 0, 0x1000, PF_R | PF_X, 0x1000].forEach((v, k) => dv.setUint32(4 * k, v, true));
      } else {
        for (let k = 0; k < 8; k++) dv.setUint32(4 * k, rng.chance(0.3) ? PT_LOAD : rng.u32(), true);
      }
      return h;
    });
  }],
  [2, "bit-flips", (rng, img) => {
    const end = Math.min(img.bytes.length, Math.max(52, img.phoff + 32 * img.phnum));
    const flips: string[] = [];
    for (let n = rng.range(1, 4); n > 0; n--) {
      const at = rng.int(Math.max(1, Math.min(end, img.bytes.length))), bit = rng.int(8);
      if (at < img.bytes.length) img.bytes[at] ^= 1 << bit;
      flips.push(`${at}.${bit}`);
    }
    return `flip bits ${flips.join(" ")}`;
  }],
];

/** Appends a new program-header table of n entries made by entry(i) and points e_phoff/e_phnum at it. */
function appendTable(rng: Rng, img: Image, n: number, entry: (i: number) => Uint8Array): string {
  const table = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) table.set(entry(i), 32 * i);
  const pad = rng.chance(0.5) ? (4 - (img.bytes.length & 3)) & 3 : 0;
  const at = img.append(new Uint8Array(pad + table.length)) + pad;
  img.bytes.set(table, at);
  img.set32(28, at);
  img.set16(44, n);
  return `${n} program headers at ${hex(at)}`;
}

const TOTAL_WEIGHT = MUTATIONS.reduce((s, [w]) => s + w, 0);

function pickMutation(rng: Rng): [string, Mutation] {
  let r = rng.int(TOTAL_WEIGHT);
  for (const [w, name, m] of MUTATIONS) {
    if (r < w) return [name, m];
    r -= w;
  }
  throw new Error("unreachable");
}

/** Mutant k of seed s. */
export function mutant(seed: number, k: number): Mutant {
  const rng = caseRng(seed, k);
  const base = BASES[rng.int(BASES.length)];
  const img = new Image(base.bytes.slice());
  const steps: string[] = [];
  for (let n = rng.pick([1, 1, 1, 2, 2, 3]); n > 0; n--) {
    const [name, m] = pickMutation(rng);
    steps.push(`${name}: ${m(rng, img)}`);
  }
  return { base, bytes: img.bytes, steps };
}
