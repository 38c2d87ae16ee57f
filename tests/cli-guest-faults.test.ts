/**
 * A guest that executes garbage, privileged or unimplemented instructions,
 * or touches memory it may not, dies by the signal Linux would send: status
 * 128+N and exactly one stderr line naming the signal and EIP (and, for
 * SIGSEGV, the faulting address) — never a JavaScript stack trace. Each
 * guest is a tiny ELF (tests/support/cli.ts guestElf) whose entry point holds
 * the bytes under test.
 */
import { afterAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { cdvm, CODE_ADDR, guestElf, hex8, oneLine, tempDir } from "./support/cli.ts";

const SIGILL = 4, SIGTRAP = 5, SIGSEGV = 11;
const at = hex8(CODE_ADDR);

// [what, code at the entry point, signal, expected line after "cdvm: guest killed by "]
const CASES: [string, number[], number, RegExp][] = [
  ["ud0 (0f ff)", [0x0f, 0xff], SIGILL, new RegExp(`^SIGILL at eip 0x${at}: invalid opcode`)],
  ["ud2", [0x0f, 0x0b], SIGILL, new RegExp(`^SIGILL at eip 0x${at}: `)],
  ["group 4 /7 (fe f8, undefined)", [0xfe, 0xf8], SIGILL, new RegExp(`^SIGILL at eip 0x${at}: `)],
  ["hlt (privileged)", [0xf4], SIGSEGV, new RegExp(`^SIGSEGV at eip 0x${at}, address 0x${at}: privileged instruction 'hlt'$`)],
  ["in al,dx (privileged I/O)", [0xec], SIGSEGV, new RegExp(`^SIGSEGV at eip 0x${at}, address 0x${at}: privileged instruction`)],
  ["cli (privileged)", [0xfa], SIGSEGV, new RegExp(`^SIGSEGV at eip 0x${at}, address 0x${at}: privileged instruction 'cli'$`)],
  ["int 0x05 (not int 0x80)", [0xcd, 0x05], SIGSEGV, new RegExp(`^SIGSEGV at eip 0x${at}, address 0x${at}: int 0x5`)],
  ["lock nop (LOCK not allowed)", [0xf0, 0x90], SIGILL, new RegExp(`^SIGILL at eip 0x${at}: invalid opcode: lock prefix not allowed \\(bytes `)],
  ["lock add ebx,eax (LOCK with a register destination)", [0xf0, 0x01, 0xc3], SIGILL, new RegExp(`^SIGILL at eip 0x${at}: invalid opcode: lock prefix not allowed \\(bytes `)],
  ["int3", [0xcc], SIGTRAP, new RegExp(`^SIGTRAP at eip 0x${at}: breakpoint`)],
  ["read of address 0", [0xa1, 0, 0, 0, 0], SIGSEGV, new RegExp(`^SIGSEGV at eip 0x${at}, address 0x00000000: read of unmapped address$`)],
  ["read of the VMM region (0xc0000000)", [0xa1, 0, 0, 0, 0xc0], SIGSEGV,
    new RegExp(`^SIGSEGV at eip 0x${at}, address 0xc0000000: read of unmapped address$`)],
  ["write to its own (read-only) code", [0xc6, 0x05, ...le32(CODE_ADDR), 0x90], SIGSEGV,
    new RegExp(`^SIGSEGV at eip 0x${at}, address 0x${at}: write of protected page$`)],
  ["jump to an unmapped address", [0xe9, 0, 0, 0, 0x10], SIGSEGV, /^SIGSEGV at eip 0x([0-9a-f]{8}), address 0x\1: instruction fetch of unmapped address$/],
  ["unbounded recursion (stack overflow)", [0xe8, 0xfb, 0xff, 0xff, 0xff], SIGSEGV,
    new RegExp(`^SIGSEGV at eip 0x${at}, address 0x[0-9a-f]{8}: write of unmapped address$`)],
];

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
}

describe.concurrent("a guest fault ends the run with 128+N and one line", () => {
  const t = tempDir("cdvm-fault-");
  afterAll(t.cleanup);

  it.each(CASES)("%s", async (name, code, sig, line) => {
    const file = path.join(t.dir, name.replace(/[^a-z0-9]+/gi, "-"));
    fs.writeFileSync(file, guestElf(code), { mode: 0o755 });
    const r = await cdvm(["run", file]);
    const l = oneLine(r);
    expect(r.status, l).toBe(128 + sig);
    expect(l.startsWith("cdvm: guest killed by "), l).toBe(true);
    expect(l.slice("cdvm: guest killed by ".length)).toMatch(line);
    expect(r.stdout.length).toBe(0);
  });

  // A loop calls a function through EBX 1000 times, then through EBX = 0: in translated code the
  // dispatcher's directory probe once matched EIP 0 against an empty slot and the VMM died (status 125).
  const nullCall = [0xb9, ...le32(1000), 0xbb, ...le32(CODE_ADDR + 19), 0xff, 0xd3, 0x49, 0x75, 0xfb, 0x31, 0xdb, 0xff, 0xd3, 0xc3];
  it.each(["interp", "bbt", "staged"])("a call through a pointer that became NULL, --mode %s", async (mode) => {
    const file = path.join(t.dir, `null-call-${mode}`);
    fs.writeFileSync(file, guestElf(nullCall));
    const r = await cdvm(["run", "--mode", mode, file]);
    expect(oneLine(r)).toBe("cdvm: guest killed by SIGSEGV at eip 0x00000000, address 0x00000000: instruction fetch of unmapped address");
    expect(r.status).toBe(128 + SIGSEGV);
  });

  it("the same fault under --strace still ends with exactly one report line after the trace", async () => {
    const file = path.join(t.dir, "ud0-strace");
    fs.writeFileSync(file, guestElf([0x0f, 0xff]));
    const r = await cdvm(["run", "--strace", file]);
    expect(r.status).toBe(128 + SIGILL);
    expect(r.stderr).not.toContain("    at ");
    expect(r.stderr).toBe(`cdvm: guest killed by SIGILL at eip 0x${at}: invalid opcode (bytes 0f ff)\n`);
  });
});
