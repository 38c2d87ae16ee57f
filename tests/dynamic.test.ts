/**
 * Dynamic executables run directly, their PT_INTERP honoured: the
 * interpreter is found inside --root (a missing one is status 127 and one
 * line, as the kernel's ENOENT), and Debian's programs from the real
 * suite's sysroot run under --root in every mode with the output they give
 * natively through the same sysroot's loader; an exec chain (static bash,
 * dynamic env, static bash, dynamic gawk and coreutils in pipelines, a trap)
 * and a zsh-static script give what they give natively under chroot (as
 * root only).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { buildElf, PF_R, PF_X, TEXT } from "./linux-minielf.ts";
import { cdvm, oneLine, ROOT, tempDir } from "./support/cli.ts";
import { fetchReal, realSysroot } from "./support/real.ts";

const PT_INTERP = 3;
const FIXTURE = path.join(ROOT, "tests/fixtures/dynamic-i386");
const MODES = ["interp", "bbt", "staged"];

/** A tiny program naming interpreter as its PT_INTERP (its code never runs). */
function namingInterpreter(interp: string): Buffer {
  const data = Buffer.from(interp + "\0");
  return Buffer.from(buildElf({ segs: [{ vaddr: TEXT, offset: 0, flags: PF_R | PF_X }, { type: PT_INTERP, vaddr: 0, offset: 0x200, data }] }));
}

describe("PT_INTERP", () => {
  it("a missing interpreter is status 127 and one line naming it", async () => {
    const t = tempDir("cdvm-interp-");
    try {
      const file = path.join(t.dir, "prog");
      fs.writeFileSync(file, namingInterpreter("/nonexistent/ld-linux.so.2"));
      const r = await cdvm(["run", file]);
      expect(r.status).toBe(127);
      expect(oneLine(r)).toBe(`cdvm: ${file}: its interpreter /nonexistent/ld-linux.so.2 does not exist`);
    } finally {
      t.cleanup();
    }
  });

  it("a malformed PT_INTERP is status 126 and one line", async () => {
    const t = tempDir("cdvm-interp-bad-");
    try {
      const file = path.join(t.dir, "prog");
      fs.writeFileSync(file, Buffer.from(buildElf({ segs: [{ vaddr: TEXT, offset: 0, flags: PF_R | PF_X }, { type: PT_INTERP, vaddr: 0, offset: 0x200, data: Buffer.from("/lib/ld.so") }] })));
      const r = await cdvm(["run", file]);
      expect(r.status).toBe(126);
      expect(oneLine(r)).toMatch(/: malformed PT_INTERP/);
    } finally {
      t.cleanup();
    }
  });

  it("the interpreter is looked up inside --root", async () => {
    const t = tempDir("cdvm-interp-root-");
    try {
      const r = await cdvm(["run", "--root", t.dir, FIXTURE]);
      expect(r.status).toBe(127);
      expect(oneLine(r)).toMatch(/its interpreter \/lib\/ld-linux\.so\.2 does not exist$/);
    } finally {
      t.cleanup();
    }
  });
});

const whyNot = fetchReal();
if (whyNot) process.stderr.write(`notice: tests/dynamic.test.ts: skipping the Debian programs: ${whyNot}\n`);

describe.skipIf(!!whyNot)("Debian's dynamic programs, run directly under --root", () => {
  const S = whyNot ? "" : realSysroot();
  /** What the program prints natively, through the sysroot's own loader. */
  const native = (prog: string, args: string[]) => spawnSync(path.join(S, "lib/ld-linux.so.2"),
    ["--library-path", `${S}/lib/i386-linux-gnu:${S}/usr/lib/i386-linux-gnu`, path.join(S, prog), ...args], { encoding: "utf8" });
  const cases: [string, string, string[]][] = [
    ["the fixture (exit 3)", "", []],
    ["lua5.4", "usr/bin/lua5.4", ["-e", "print(_VERSION, 2^10, #arg)"]],
    ["python3.11", "usr/bin/python3.11", ["-I", "-S", "-B", "-c", "import sys; print(6*7, sys.argv[1:], sys.flags.isolated)", "x"]],
    // libgmp's fat binary picks its MMX code from CPUID.
    ["gawk -M", "usr/bin/gawk", ["-M", "BEGIN { print 2^200; x = 1; for (i = 1; i <= 30; i++) x *= i; print x, 7^77 % 1000000007 }"]],
    ["expr", "usr/bin/expr", ["123456789012345678901234567890", "*", "987654321987654321"]],
    ["sqlite3", "usr/bin/sqlite3", [":memory:", "with recursive c(x) as (select 1 union all select x + 1 from c where x < 500) select count(*), sum(x * x), group_concat(x % 7, '') from c;"]],
    ["xz", "usr/bin/xz", ["--robot", "--version"]],
  ];
  // python3 under bbt (every one of its ~40 k blocks translated before it runs) takes ~50 s: interp and staged only.
  const runs = MODES.flatMap((m) => cases.filter(([name]) => m !== "bbt" || !name.startsWith("python")).map(([name, prog, args]) => [name, m, prog, args] as const));
  it.each(runs)("%s, --mode %s", async (_name, mode, prog, args) => {
    const file = prog ? path.join(S, prog) : FIXTURE;
    const want = prog ? native(prog, args) : { stdout: "", status: 3 };
    const r = await cdvm(["run", "--mode", mode, "--no-tcache", "--root", S, "--argv0", prog ? `/${prog}` : "dynamic-i386", file, ...args]);
    expect(r.stdout.toString(), r.stderr).toBe(want.stdout);
    expect(r.status, r.stderr).toBe(want.status);
  }, 120_000);

  // Scripts of static shells, their stdout and status against the same sysroot under chroot (as root only).
  const inner = `echo "X=$X"; echo b | /usr/bin/gawk '{print toupper($0)}'; trap "echo trapped" USR1; kill -USR1 $$; `
    + `x=$(/usr/bin/seq 3 | /usr/bin/sort -r | /usr/bin/head -n 1); echo "x=$x"; exit 4`;
  const shells: [string, string, string[], string][] = [
    ["an exec chain static → dynamic → static → dynamic", "bin/bash-static",
      ["-c", `echo start; /usr/bin/env X=1 /bin/bash-static -c '${inner.replace(/'/g, `'\\''`)}'; echo "status $?"`], "status 4"],
    ["zsh-static: pipes, substitution, a trap", "bin/zsh-static",
      ["-f", "-c", 'echo hi | /usr/bin/tr a-z A-Z; x=$(echo sub; echo two); print -r -- "[$x]"; trap "echo trapped" USR1; '
        + 'kill -USR1 $$; /usr/bin/seq 3 | /usr/bin/sort -r | /usr/bin/head -n 1; (exit 3); print $?'], "trapped"],
  ];
  // bbt translates every block of each program before it runs (~35 s for the exec chain).
  it.skipIf(process.getuid?.() !== 0).each(MODES.flatMap((m) => shells.map(([name, prog, args, mark]) => [name, m, prog, args, mark] as const)))(
    "%s, --mode %s", async (_name, mode, prog, args, mark) => {
      const want = spawnSync("chroot", [S, `/${prog}`, ...args], { encoding: "utf8" });
      expect(want.stdout).toContain(mark);
      const r = await cdvm(["run", "--mode", mode, "--no-tcache", "--root", S, "--argv0", path.basename(prog), path.join(S, prog), ...args]);
      expect(r.stdout.toString(), r.stderr).toBe(want.stdout);
      expect(r.status, r.stderr).toBe(want.status);
    }, 120_000);
});
