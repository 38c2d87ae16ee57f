import { describe, expect, it } from "vitest";
import { AT, buildStack } from "../src/linux/stack.ts";
import { Process } from "../src/linux/process.ts";
import { Memory } from "../src/core/memory.ts";
import { R_ESP, STACK_TOP } from "../src/core/layout.ts";
import { TEXT, buildElf } from "./linux-minielf.ts";

/** Reads back argc, argv, envp and auxv from the initial stack as a C runtime would. */
function parseStack(mem: Memory, esp: number) {
  const u32 = (a: number) => mem.read32(a) >>> 0;
  const str = (a: number) => mem.readCString(a)!;
  let p = esp;
  const argc = u32(p); p += 4;
  const argv: string[] = [];
  for (let i = 0; i < argc; i++, p += 4) argv.push(str(u32(p)));
  expect(u32(p)).toBe(0); p += 4;
  const env: string[] = [];
  for (; u32(p); p += 4) env.push(str(u32(p)));
  p += 4;
  const auxv = new Map<number, number>();
  const order: number[] = [];
  for (;; p += 8) {
    order.push(u32(p));
    if (u32(p) === AT.NULL) break;
    auxv.set(u32(p), u32(p + 4));
  }
  return { argc, argv, env, auxv, order, auxEnd: p + 8 };
}

const params = {
  argv: ["/bin/prog", "hello world", ""], env: ["A=1", "PATH=/bin"], execfn: "/bin/prog",
  entry: 0x8049000, base: 0xb7fd0000, phdrAddr: 0x8048034, phnum: 3, phent: 32, hwcap: 0x8111, uid: 1000, gid: 100,
  random: Uint8Array.from({ length: 16 }, (_, i) => i * 7),
};

describe("initial stack", () => {
  it("lays out argc, argv, envp and auxv as the i386 kernel does", () => {
    const mem = new Memory();
    const { esp } = buildStack(mem, params);
    expect(esp % 16).toBe(0);
    const s = parseStack(mem, esp);
    expect(s.argc).toBe(3);
    expect(s.argv).toEqual(params.argv);
    expect(s.env).toEqual(params.env);
    expect(s.auxv.get(AT.PHDR)).toBe(0x8048034);
    expect(s.auxv.get(AT.PHENT)).toBe(32);
    expect(s.auxv.get(AT.PHNUM)).toBe(3);
    expect(s.auxv.get(AT.PAGESZ)).toBe(4096);
    expect(s.auxv.get(AT.BASE)).toBe(0xb7fd0000);
    expect(s.auxv.get(AT.FLAGS)).toBe(0);
    expect(s.auxv.get(AT.ENTRY)).toBe(0x8049000);
    expect(s.auxv.get(AT.UID)).toBe(1000);
    expect(s.auxv.get(AT.EUID)).toBe(1000);
    expect(s.auxv.get(AT.GID)).toBe(100);
    expect(s.auxv.get(AT.EGID)).toBe(100);
    expect(s.auxv.get(AT.SECURE)).toBe(0);
    expect(s.auxv.get(AT.HWCAP)).toBe(0x8111);
    expect(s.auxv.get(AT.HWCAP2)).toBe(0);
    expect(s.auxv.get(AT.CLKTCK)).toBe(100);
    expect(s.auxv.has(32)).toBe(false); // no AT_SYSINFO: there is no vDSO
    expect(mem.readBytes(s.auxv.get(AT.RANDOM)!, 16)).toEqual(params.random);
    expect(mem.readCString(s.auxv.get(AT.PLATFORM)!)).toBe("i686");
    expect(mem.readCString(s.auxv.get(AT.EXECFN)!)).toBe("/bin/prog");
    expect(s.order[0]).toBe(AT.HWCAP);
  });

  it("places strings in kernel order below a NULL end marker", () => {
    const mem = new Memory();
    const { esp } = buildStack(mem, params);
    const s = parseStack(mem, esp);
    expect(mem.read32(STACK_TOP - 4)).toBe(0);
    const execfn = s.auxv.get(AT.EXECFN)!;
    expect(execfn + "/bin/prog".length + 1).toBe(STACK_TOP - 4);
    // argv strings, then envp strings, contiguous and ascending, just below execfn.
    const argv0 = mem.read32(esp + 4) >>> 0;
    const blob = mem.readBytes(argv0, execfn - argv0)!;
    expect(Buffer.from(blob).toString("latin1")).toBe("/bin/prog\0hello world\0\0A=1\0PATH=/bin\0");
    // platform string and random bytes sit below the 16-aligned string area, above auxv.
    const platform = s.auxv.get(AT.PLATFORM)!;
    expect((platform + 5) % 16).toBe(0);
    expect(s.auxv.get(AT.RANDOM)).toBe(platform - 16);
    expect(s.auxEnd).toBeLessThanOrEqual(platform - 16);
    expect(platform - 16 - s.auxEnd).toBeLessThan(16);
  });

  it("Process.create sets esp and eip", () => {
    const p = Process.create(buildElf(), ["prog"], [], { seed: 7 });
    expect(p.cpu.eip).toBe(TEXT + 52 + 32);
    const s = parseStack(p.mem, p.cpu.s[R_ESP] >>> 0);
    expect(s.argv).toEqual(["prog"]);
    expect(s.auxv.get(AT.ENTRY)).toBe(TEXT + 52 + 32);
    expect(s.auxv.get(AT.PHDR)).toBe(TEXT + 52);
    expect(s.auxv.get(AT.HWCAP)).toBe(0x7808111); // FPU TSC CX8 CMOV MMX FXSR SSE SSE2, as CPUID.1:EDX
  });
});
