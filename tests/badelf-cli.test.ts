/**
 * Malformed and unsupported executables through the command line: each is
 * refused before the guest runs, with status 126, exactly one stderr line
 * naming the problem and no JavaScript stack trace, and quickly. The files
 * are made from real binaries: copies of guest-tests/bin/cprogs with patched
 * headers, and the host's 64-bit /bin/true. (Dynamic programs run:
 * tests/dynamic.test.ts.)
 */
import { afterAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { cdvm, GUEST_BIN, oneLine, tempDir } from "./support/cli.ts";

const CPROGS = fs.readFileSync(path.join(GUEST_BIN, "cprogs"));
const PT_LOAD = 1;
/** Generous bound for "finishes quickly": a refused file costs only node + tsx start-up. */
const QUICK_MS = 5000;

interface PhdrRef { index: number; at: number; offset: number; vaddr: number; filesz: number; memsz: number; flags: number; }

/** The PT_LOAD program headers of an ELF32 image, with the file offset of each header. */
function loads(f: Buffer): PhdrRef[] {
  const phoff = f.readUInt32LE(28), phnum = f.readUInt16LE(44);
  const out: PhdrRef[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + 32 * i;
    if (f.readUInt32LE(at) !== PT_LOAD) continue;
    out.push({ index: out.length, at, offset: f.readUInt32LE(at + 4), vaddr: f.readUInt32LE(at + 8),
      filesz: f.readUInt32LE(at + 16), memsz: f.readUInt32LE(at + 20), flags: f.readUInt32LE(at + 24) });
  }
  return out;
}

/** A copy of cprogs changed by patch. */
function patched(patch: (f: Buffer, l: PhdrRef[]) => void): Buffer {
  const f = Buffer.from(CPROGS);
  patch(f, loads(f));
  return f;
}

const setFilesz = (f: Buffer, p: PhdrRef, v: number) => f.writeUInt32LE(v >>> 0, p.at + 16);
const setMemsz = (f: Buffer, p: PhdrRef, v: number) => f.writeUInt32LE(v >>> 0, p.at + 20);

function host64(): Buffer {
  for (const p of ["/bin/true", "/usr/bin/true", process.execPath]) {
    const f = fs.existsSync(p) ? fs.readFileSync(p) : null;
    if (f && f.subarray(0, 5).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2]))) return f;
  }
  throw new Error("no 64-bit ELF on this host");
}

// [name, file contents, expected message (after "cdvm: <path>: ")]
const CASES: [string, () => Buffer, RegExp][] = [
  ["text file", () => Buffer.from("#!/bin/sh\necho this is not an ELF\n"), /^not an ELF file \(bad magic\)$/],
  ["empty file", () => Buffer.alloc(0), /^not an ELF file \(bad magic\)$/],
  ["ELF magic only", () => CPROGS.subarray(0, 4), /^truncated ELF header$/],
  ["truncated ELF header", () => CPROGS.subarray(0, 40), /^truncated ELF header$/],
  ["truncated program headers", () => CPROGS.subarray(0, 100), /^truncated program headers$/],
  ["64-bit ELF (the host's /bin/true)", host64, /^64-bit ELF not supported$/],
  ["wrong machine (EM_X86_64)", () => patched((f) => f.writeUInt16LE(62, 18)), /^wrong machine 62 \(not EM_386\)$/],
  ["big-endian", () => patched((f) => { f[5] = 2; }), /^wrong data encoding 2 /],
  ["relocatable object (ET_REL)", () => patched((f) => f.writeUInt16LE(1, 16)), /^not an executable \(e_type 1\)$/],
  ["no program headers", () => patched((f) => f.writeUInt16LE(0, 44)), /^no program headers$/],
  ["wrong program header size", () => patched((f) => f.writeUInt16LE(40, 42)), /^bad program header size 40$/],
  ["overlapping PT_LOAD segments", () => patched((f, l) => setMemsz(f, l[0], l[1].vaddr - l[0].vaddr + 0x10)),
    /^PT_LOAD segments 0 and 1 overlap$/],
  ["p_filesz > p_memsz", () => patched((f, l) => setMemsz(f, l[1], l[1].filesz - 1)),
    /^PT_LOAD segment 1: p_filesz 0x[0-9a-f]+ > p_memsz 0x[0-9a-f]+$/],
  ["segment beyond the end of the file", () => patched((f, l) => {
    const last = l.at(-1)!;
    const filesz = f.length - last.offset + 1;
    setFilesz(f, last, filesz);
    setMemsz(f, last, Math.max(filesz, last.memsz));
  }), /^PT_LOAD segment 3: file range extends beyond end of file$/],
  ["p_offset and p_vaddr disagree modulo the page size", () => patched((f, l) => f.writeUInt32LE(l[1].vaddr + 4, l[1].at + 8)),
    /^PT_LOAD segment 1: p_offset 0x[0-9a-f]+ and p_vaddr 0x[0-9a-f]+ disagree modulo the page size$/],
  ["segment reaching into the VMM region", () => patched((f, l) => setMemsz(f, l.at(-1)!, 0xc0000000 - l.at(-1)!.vaddr + 1)),
    /^PT_LOAD segment 3: address range .* is beyond user space or wraps$/],
  ["entry outside every segment", () => patched((f) => f.writeUInt32LE(0x10, 24)),
    /^entry point 0x10 is not inside an executable segment$/],
  ["entry in a non-executable segment", () => patched((f, l) => f.writeUInt32LE(l[2].vaddr, 24)),
    /^entry point 0x[0-9a-f]+ is not inside an executable segment$/],
];

describe.concurrent("cdvm run refuses malformed executables", () => {
  const t = tempDir("cdvm-badelf-");
  afterAll(t.cleanup);

  it.each(CASES)("%s: status 126, one line, quickly", async (name, make, message) => {
    const file = path.join(t.dir, name.replace(/[^a-z0-9]+/gi, "-"));
    fs.writeFileSync(file, make(), { mode: 0o755 });
    const r = await cdvm(["run", file]);
    const line = oneLine(r);
    expect(r.status, line).toBe(126);
    expect(line.startsWith(`cdvm: ${file}: `), line).toBe(true);
    expect(line.slice(`cdvm: ${file}: `.length)).toMatch(message);
    expect(r.stdout.length).toBe(0);
    expect(r.ms).toBeLessThan(QUICK_MS);
  });

  it("the unpatched copy runs, so each refusal above is due to its one change", async () => {
    const file = path.join(t.dir, "exit42");
    fs.writeFileSync(file, CPROGS, { mode: 0o755 });
    const r = await cdvm(["run", file, "exit42"]);
    expect(r.status, r.stderr).toBe(42);
  });

  it("disasm refuses the same files the same way", async () => {
    const file = path.join(t.dir, "disasm-wrong-machine");
    fs.writeFileSync(file, patched((f) => f.writeUInt16LE(62, 18)));
    const r = await cdvm(["disasm", file]);
    expect(r.status).toBe(126);
    expect(oneLine(r)).toBe(`cdvm: ${file}: wrong machine 62 (not EM_386)`);
  });
});
