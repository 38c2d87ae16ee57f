/**
 * Differential test of the decoder and disassembler against binutils: every
 * .text instruction of the guest binaries (guest-tests/bin/*, busybox) is
 * decoded at its address and must have objdump's length and, after the
 * normalisation below, objdump's Intel-syntax text. Extra ELF files can be
 * named in CDVM_OBJDUMP_EXTRA (colon-separated).
 */
import { execFileSync } from "node:child_process";
import { existsSync, openSync, readdirSync, readSync, closeSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decode, DecodeError } from "../src/isa/decode.ts";
import { formatInsn } from "../src/isa/disasm.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN_DIR = join(ROOT, "guest-tests/bin");
const BUSYBOX = join(ROOT, "guest-tests/busybox/busybox");

/**
 * Normalisation applied to objdump's text only (our disassembler aims at
 * objdump's exact output; each rule is a difference we keep on purpose):
 *  1. Whitespace: objdump pads the mnemonic into a column; collapse runs of
 *     blanks to one space and trim.
 *  2. Branch targets: objdump prints "call 8049000 <foo+0x10>" (bare hex and
 *     a symbol); we print "call 0x8049000" (no symbol table in the decoder).
 *  3. tzcnt/lzcnt -> bsf/bsr: our virtual CPU advertises no BMI1/LZCNT, so
 *     F3 0F BC/BD execute as bsf/bsr (the REP prefix ignored), as on pre-BMI
 *     hardware; the decoder names them after what they do on our CPU.
 *  4. fwait folding: objdump prints 9b (fwait) and a following x87
 *     instruction as one line ("fstcw" for 9b + fnstcw). fwait is a
 *     one-byte instruction of its own (a no-op for us), so we decode it
 *     separately; the test checks "fwait" and then the x87 instruction after
 *     it, under its no-wait name (fstcw -> fnstcw, finit -> fninit, ...).
 */
export function unfoldFwait(text: string): string {
  return text.replace(/^f(stcw|stsw|init|clex|stenv|save)\b/, "fn$1");
}

export function normalizeObjdump(text: string): string {
  let t = text.replace(/\s+/g, " ").trim();
  t = t.replace(/^((?:j\w+|call|jmp|loop\w*|jecxz|xbegin) )([0-9a-f]+) <[^>]*>$/, "$10x$2");
  t = t.replace(/^tzcnt /, "bsf ").replace(/^lzcnt /, "bsr ");
  return t;
}

interface Line { addr: number; bytes: number[]; text: string }

/** objdump -d of .text with raw bytes; continuation lines (bytes only) extend the previous instruction. */
function objdumpText(file: string): { lines: Line[]; mem: Uint8Array; base: number } {
  const out = execFileSync("objdump", ["-d", "-z", "-M", "intel", "-j", ".text", file], { maxBuffer: 1 << 30 }).toString();
  const lines: Line[] = [];
  for (const l of out.split("\n")) {
    const m = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*(?:\t(.*))?$/.exec(l);
    if (!m) continue;
    const bytes = m[2].trim().split(" ").map((x) => parseInt(x, 16));
    if (m[3] === undefined || m[3] === "") lines[lines.length - 1].bytes.push(...bytes);
    else lines.push({ addr: parseInt(m[1], 16), bytes, text: m[3] });
  }
  const base = lines.length ? lines[0].addr : 0;
  const end = lines.length ? lines[lines.length - 1].addr + lines[lines.length - 1].bytes.length : 0;
  const mem = new Uint8Array(end - base + 16);
  for (const l of lines) mem.set(l.bytes, l.addr - base);
  return { lines, mem, base };
}

function isElf32(file: string): boolean {
  if (!statSync(file).isFile()) return false;
  const fd = openSync(file, "r"), head = Buffer.alloc(5);
  readSync(fd, head, 0, 5, 0);
  closeSync(fd);
  return head.readUInt32BE(0) === 0x7f454c46 && head[4] === 1;
}

function guestBinaries(): string[] {
  if (!existsSync(BIN_DIR)) return [];
  const files = readdirSync(BIN_DIR).map((f) => join(BIN_DIR, f)).filter((f) => existsSync(f));
  return [...new Set(files.map((f) => realpathSync(f)))].filter(isElf32).sort();
}

interface Report { count: number; mismatches: string[] }

/** Compares every (bytes, text) pair not seen before; returns the number compared and the mismatches. */
function compare(files: string[], seen: Set<string>): Report {
  const rep: Report = { count: 0, mismatches: [] };
  for (const file of files) {
    const { lines, mem, base } = objdumpText(file);
    const fetch = (a: number) => { const i = a - base; if (i < 0 || i >= mem.length) throw new DecodeError(a, "outside .text", []); return mem[i]; };
    for (const l of lines) {
      if (l.text.includes("(bad)")) continue;
      const hex = l.bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
      const key = `${hex}|${l.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rep.count++;
      let want = normalizeObjdump(l.text);
      let got: string, len: number;
      try {
        const insn = decode(fetch, l.addr);
        got = formatInsn(insn);
        len = insn.len;
        if (got === "fwait" && l.bytes.length > 1) { // rule 4
          const x87 = decode(fetch, insn.next);
          [got, len, want] = [formatInsn(x87), 1 + x87.len, unfoldFwait(want)];
        }
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        got = `DecodeError: ${e.reason}`;
        len = 0;
      }
      if (got !== want || len !== l.bytes.length) {
        rep.mismatches.push(`${file.split("/").pop()} ${l.addr.toString(16)}: ${hex} | objdump: ${want} | ours: ${got} (len ${len})`);
      }
    }
  }
  return rep;
}

function check(rep: Report): void {
  if (rep.mismatches.length) {
    console.error(`${rep.mismatches.length} of ${rep.count} instructions differ from objdump; first 20:\n` + rep.mismatches.slice(0, 20).join("\n"));
  }
  expect(rep.mismatches.slice(0, 20)).toEqual([]);
}

describe("decoder and disassembler agree with objdump -d -M intel", () => {
  const seen = new Set<string>();
  const bins = guestBinaries();

  it("normalises only what the documented rules say", () => {
    expect(normalizeObjdump("call   8049000 <foo+0x10>")).toBe("call 0x8049000");
    expect(normalizeObjdump("jne    80490ab <main+0x1b>")).toBe("jne 0x80490ab");
    expect(normalizeObjdump("tzcnt  edx,edx")).toBe("bsf edx,edx");
    expect(unfoldFwait("fstcw WORD PTR [esp+0x4]")).toBe("fnstcw WORD PTR [esp+0x4]");
    expect(normalizeObjdump("mov    eax,DWORD PTR [ebp-0x10]")).toBe("mov eax,DWORD PTR [ebp-0x10]");
  });

  it(`guest-tests/bin (${bins.length} distinct ELF files)`, () => {
    if (!bins.length) console.warn("decoder-objdump: no ELF files in guest-tests/bin yet; nothing compared");
    check(compare(bins, seen));
  }, 60_000);

  const haveBusybox = existsSync(BUSYBOX) && isElf32(BUSYBOX);
  if (!haveBusybox) console.warn(`decoder-objdump: ${BUSYBOX} is absent (run guest-tests/busybox/fetch.sh); skipping busybox`);
  it.skipIf(!haveBusybox)("busybox", () => {
    check(compare([BUSYBOX], seen));
  }, 60_000);

  const extra = (process.env.CDVM_OBJDUMP_EXTRA ?? "").split(":").filter(Boolean);
  it.skipIf(!extra.length)(`CDVM_OBJDUMP_EXTRA (${extra.length} files)`, () => {
    check(compare(extra, seen));
  }, 60_000);
});
