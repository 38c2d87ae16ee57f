/**
 * End-to-end tests of the `cdvm` command as a user runs it: `bin/cdvm run`
 * on the committed guest-tests binaries (bin/<name> are symlinks to one
 * multi-call binary that dispatches on argv[0], hence --argv0), every `run`
 * option, the exit-status contract of src/core/status.ts, `disasm` and
 * `--help`. Every diagnostic must be one line without a JavaScript stack.
 */
import { afterAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { cdvm, CDVM, GUEST_BIN, guestElf, oneLine, ROOT, tempDir } from "./support/cli.ts";
import { golden, GUEST_TESTS } from "./support/guest.ts";
import { TIER_START_INSNS, TIER_START_MS } from "../src/vmm/dispatcher.ts";
import { DEFAULT_TRANSLATOR_NICE } from "../src/vmm/vm.ts";

const bin = (name: string) => path.join(GUEST_BIN, name);
const run = (name: string, opts: string[] = [], args: string[] = []) =>
  cdvm(["run", ...opts, "--argv0", name, bin(name), ...args]);
const GOLDEN = path.join(GUEST_TESTS, "golden");

describe.concurrent("cdvm run: the guest's status", () => {
  it("passes the guest's exit status through", async () => {
    const r = await run("exit42");
    expect(r.status, r.stderr).toBe(42);
    expect(r.stdout.toString()).toBe(golden(GOLDEN, "exit42").stdout.toString());
    expect(r.stderr).toBe("");
  });

  it.each([
    ["segv", 139, /^cdvm: guest killed by SIGSEGV at eip 0x[0-9a-f]{8}, address 0x00000000: \S.*$/],
    ["sigfpe", 136, /^cdvm: guest killed by SIGFPE at eip 0x[0-9a-f]{8}: \S.*$/],
    ["abort_sig", 134, /^cdvm: guest killed by SIGABRT at eip 0x[0-9a-f]{8}$/],
  ])("death by signal (%s) is 128+N and one line naming signal and eip", async (name, status, line) => {
    const r = await run(name);
    expect(r.status, r.stderr).toBe(status);
    expect(golden(GOLDEN, name).status).toBe(status);
    expect(oneLine(r)).toMatch(line);
    expect(r.stdout.toString()).toBe(golden(GOLDEN, name).stdout.toString());
  });

  it("SIGSEGV names the faulting instruction's eip inside the text segment", async () => {
    const r = await run("segv");
    const eip = Number.parseInt(/eip 0x([0-9a-f]{8})/.exec(oneLine(r))![1], 16);
    expect(eip).toBeGreaterThanOrEqual(0x08049000);
    expect(eip).toBeLessThan(0x080dd000);
  });
});

describe.concurrent("cdvm run: options", () => {
  it("--max-insns N stops the guest with status 124 and one line", async () => {
    const r = await run("sieve", ["--max-insns", "1000"]);
    expect(r.status).toBe(124);
    const line = oneLine(r);
    expect(line).toMatch(/^cdvm: stopped after \d+ guest instructions \(--max-insns\) at eip 0x[0-9a-f]{8}$/);
    expect(Number(/after (\d+)/.exec(line)![1])).toBeGreaterThanOrEqual(1000);
  });

  it("--max-insns stops translated code within a block of the limit (bbt: sieve's loops run linked)", async () => {
    const r = await run("sieve", ["--mode", "bbt", "--max-insns", "5000000"]);
    expect(r.status, r.stderr).toBe(124);
    const n = Number(/after (\d+)/.exec(oneLine(r))![1]);
    expect(n).toBeGreaterThanOrEqual(5_000_000);
    expect(n).toBeLessThan(5_000_000 + 128);
  });

  it("--max-insns larger than the run changes nothing", async () => {
    const r = await run("exit42", ["--max-insns", "100000000"]);
    expect(r.status).toBe(42);
    expect(r.stderr).toBe("");
  });

  it("--max-insns rejects a non-number", async () => {
    const r = await run("exit42", ["--max-insns", "lots"]);
    expect(r.status).toBe(2);
    expect(oneLine(r)).toMatch(/^cdvm: --max-insns expects a whole number, got 'lots'$/);
  });

  it("--stats (--mode interp) prints one line with instructions, seconds and MIPS; --stats-json writes the same run as JSON", async () => {
    const t = tempDir("cdvm-stats-");
    try {
      const file = path.join(t.dir, "stats.json");
      const r = await run("exit42", ["--mode", "interp", "--stats", "--stats-json", file]);
      expect(r.status).toBe(42);
      const m = /^cdvm: mode interp: (\d+) guest instructions in (\d+\.\d+) s \((\d+\.\d) MIPS\)/.exec(oneLine(r));
      expect(m, r.stderr).not.toBeNull();
      const st = JSON.parse(fs.readFileSync(file, "utf8"));
      expect(st).toMatchObject({ mode: "interp", status: 42 });
      expect(st.guestInstructions).toBe(Number(m![1]));
      expect(st.guestInstructions).toBeGreaterThan(1000);
      expect(typeof st.wallSeconds).toBe("number");
      expect(st.wallSeconds).toBeGreaterThan(0);
      expect(st.mips).toBeCloseTo(st.guestInstructions / st.wallSeconds / 1e6, 6);
      // What the host gave the run (vmm/hostcpu.ts): CPU on all threads, and the guest thread's wait for a core on Linux.
      expect(st.host.cpuSeconds).toBeGreaterThan(0);
      if (process.platform === "linux") expect(st.host.waitSeconds).toBeGreaterThanOrEqual(0);
      expect(oneLine(r)).toMatch(/; \d+\.\d{3} s of CPU on all threads(, the guest's thread \d+\.\d{3} s waiting for a core)?$/);
    } finally {
      t.cleanup();
    }
  });

  it("--stats in staged mode: short programs never start the tier; long ones report when it started and when translated code ran", async () => {
    const t = tempDir("cdvm-tier-");
    try {
      const short = path.join(t.dir, "short.json"), long = path.join(t.dir, "long.json");
      const r = await run("exit42", ["--mode", "staged", "--stats", "--stats-json", short]);
      expect(r.status).toBe(42);
      expect(JSON.parse(fs.readFileSync(short, "utf8")).translation).toBeUndefined();
      // About 10^9 instructions (10 s interpreted): long enough for translated code to run on a loaded machine.
      const s = await cdvm(["run", "--mode", "staged", "--stats", "--stats-json", long, "--argv0", "crc32", path.join(ROOT, "bench/bin/crc32"), "2000"]);
      expect(s.status, s.stderr).toBe(0);
      expect(s.stderr).toMatch(/^cdvm: {3}tier timeline: started at \d+ ms \(after \d+ instructions\); backend ready: \d+ ms; translated code first ran: \d+ ms$/m);
      const st = JSON.parse(fs.readFileSync(long, "utf8")), tl = st.translation.timeline;
      expect(st.translatedInstructions).toBeGreaterThan(0);
      // After TIER_START_INSNS instructions, or TIER_START_MS of a slow (loaded) run, whichever came first.
      expect(tl.startInsns >= TIER_START_INSNS || tl.startMs >= TIER_START_MS, JSON.stringify(tl)).toBe(true);
      expect(tl.readyMs).toBeGreaterThan(tl.startMs);
      expect(tl.firstRunMs).toBeGreaterThanOrEqual(tl.readyMs);
      // Adaptive staging: every queued translation came from a look at a hot block, and the last
      // decision's inputs are measured speeds (crc32's loop runs translated far faster than interpreted).
      const sg = st.translation.staging;
      expect(sg.requests).toBeGreaterThan(0);
      expect(sg.looks).toBeGreaterThanOrEqual(sg.requests);
      expect(sg.translatedNs).toBeLessThan(sg.interpNs);
      expect(st.translation.queue.maxWaitMs).toBeGreaterThan(0);
      expect(st.translation.queue.waitMs).toBeGreaterThanOrEqual(st.translation.queue.maxWaitMs);
      // Translation ran below the guest's thread: at least the worker was lowered (translate/priority.ts).
      expect(st.translation.priority.nice).toBe(DEFAULT_TRANSLATOR_NICE);
      expect(st.translation.priority.threadsLowered).toBeGreaterThan(0);
      expect(s.stderr).toMatch(new RegExp(`^cdvm: {3}worker queue: \\d+ modules, .*; \\d+ threads at nice \\+${DEFAULT_TRANSLATOR_NICE}$`, "m"));
      expect(s.stderr).toMatch(/^cdvm: {3}staging: hot blocks looked at \d+ times, \d+ worth translating; last decision: (translate at \d+ entries|translation does not pay) \(interpreter [\d.]+ ns\/insn, translated code [\d.]+, translation [\d.]+ us\/insn; \d+ of a \d+ ms budget spent\)$/m);
    } finally {
      t.cleanup();
    }
  });

  it("--stats-json alone prints nothing and a path that cannot be written is a usage error before the run", async () => {
    const t = tempDir("cdvm-stats-");
    try {
      const quiet = await run("exit42", ["--stats-json", path.join(t.dir, "s.json")]);
      expect(quiet.stderr).toBe("");
      const bad = await run("exit42", ["--stats-json", path.join(t.dir, "no/such/dir.json")]);
      expect(bad.status).toBe(2);
      expect(oneLine(bad)).toMatch(/^cdvm: cannot write --stats-json '.*': ENOENT$/);
      expect(bad.stdout.toString()).toBe("");
    } finally {
      t.cleanup();
    }
  });

  it("-E VAR=VAL with --clear-env gives exactly those variables", async () => {
    const r = await run("envvars", ["--clear-env", "-E", "B=two words", "-E", "A=1", "-E", "A=x=y"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.toString()).toMatch(/^initial \(2\):\n {2}A=x=y\n {2}B=two words\ngetenv/);
  });

  it("--clear-env alone gives an empty environment; without it the host's is inherited, -E overriding", async () => {
    const empty = await run("envvars", ["--clear-env"]);
    expect(empty.stdout.toString()).toMatch(/^initial \(0\):\n/);
    const env = { PATH: process.env.PATH, CDVM_HOST_VAR: "from host", GREETING: "host" };
    const r = await cdvm(["run", "-E", "GREETING=guest", "--argv0", "envvars", bin("envvars")], { env });
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain("  CDVM_HOST_VAR=from host\n");
    expect(out).toContain("getenv(GREETING)=guest\n");
  });

  it("-E without '=' is a usage error", async () => {
    const r = await run("exit42", ["-E", "NOVALUE"]);
    expect(r.status).toBe(2);
    expect(oneLine(r)).toBe("cdvm: -E expects VAR=VALUE, got 'NOVALUE'");
  });

  it("--strace prints each syscall with decoded arguments and result, and exit_group", async () => {
    const r = await run("exit42", ["--strace"]);
    expect(r.status).toBe(42);
    expect(r.stdout.toString()).toBe(golden(GOLDEN, "exit42").stdout.toString());
    expect(r.stderr).not.toContain("    at ");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(3);
    expect(lines).toContain(String.raw`write(1, "about to return 42\natexit handler ran\n", 38) = 38`);
    expect(lines.at(-1)).toBe("exit_group(42) = ?");
    for (const l of lines) expect(l).toMatch(/^[a-z_0-9]+\(.*\) = (-?\d+|0x[0-9a-f]+|\?)( .*)?$/);
  });

  it("an unknown --mode is status 2 with one line naming it and the available modes", async () => {
    const r = await run("exit42", ["--mode", "jit"]);
    expect(r.status).toBe(2);
    const line = oneLine(r);
    expect(line).toMatch(/^cdvm: unknown --mode 'jit' \(available: [a-z]+(, [a-z]+)*\)$/);
    expect(line).toMatch(/\binterp\b/);
  });

  it("--mode interp is accepted", async () => {
    expect((await run("exit42", ["--mode", "interp"])).status).toBe(42);
  });

  it("--x87 takes f80 or f64; anything else is status 2 with one line naming the models", async () => {
    expect((await run("exit42", ["--mode", "interp", "--x87", "f64"])).status).toBe(42);
    const r = await run("exit42", ["--x87", "f32"]);
    expect(r.status).toBe(2);
    expect(oneLine(r)).toBe("cdvm: unknown --x87 'f32' (available: f80, f64)");
  });

  it("--strict stops at an unimplemented syscall with status 125; without it the guest sees ENOSYS, quietly unless --warn", async () => {
    // mov eax, 511; int 0x80; mov ebx, eax; neg ebx; mov eax, 1; int 0x80  -> exit(-result)
    const code = [0xb8, 0xff, 0x01, 0, 0, 0xcd, 0x80, 0x89, 0xc3, 0xf7, 0xdb, 0xb8, 1, 0, 0, 0, 0xcd, 0x80];
    const t = tempDir("cdvm-strict-");
    try {
      const file = path.join(t.dir, "nosys");
      fs.writeFileSync(file, guestElf(code));
      const quiet = await cdvm(["run", file]);
      expect(quiet.status).toBe(38); // ENOSYS
      expect(quiet.stderr).toBe("");
      const lax = await cdvm(["run", "--warn", file]);
      expect(lax.status).toBe(38);
      expect(oneLine(lax)).toMatch(/^cdvm: unimplemented syscall 511\b/);
      const strict = await cdvm(["run", "--strict", file]);
      expect(strict.status).toBe(125);
      expect(oneLine(strict)).toMatch(/^cdvm: unimplemented syscall 511\b/);
    } finally {
      t.cleanup();
    }
  });

  it("asking where an inherited stdout stands leaves its shared offset with the shell (python3 asks at start-up)", async () => {
    // _llseek(1, 0, 0, esp-16, SEEK_CUR); write(1, "42\n", 3); exit(0)
    const code = [
      0xb8, 140, 0, 0, 0, 0xbb, 1, 0, 0, 0, 0x31, 0xc9, 0x31, 0xd2, 0x89, 0xe6, 0x83, 0xee, 0x10, 0xbf, 1, 0, 0, 0, 0xcd, 0x80,
      0x68, 0x34, 0x32, 0x0a, 0, 0x89, 0xe1, 0xba, 3, 0, 0, 0, 0xbb, 1, 0, 0, 0, 0xb8, 4, 0, 0, 0, 0xcd, 0x80,
      0xb8, 1, 0, 0, 0, 0x31, 0xdb, 0xcd, 0x80,
    ];
    const t = tempDir("cdvm-tell-");
    try {
      const file = path.join(t.dir, "tell"), out = path.join(t.dir, "out");
      fs.writeFileSync(file, guestElf(code));
      // A shell writes to the file before and after the guest, through the same open file.
      const fd = fs.openSync(out, "w");
      const r = spawnSync("sh", ["-c", 'echo before; "$0" "$1" run "$2"; echo after', process.execPath, CDVM, file], { stdio: ["ignore", fd, "pipe"], encoding: "utf8" });
      fs.closeSync(fd);
      expect(r.status, r.stderr).toBe(0);
      expect(fs.readFileSync(out, "utf8")).toBe("before\n42\nafter\n");
    } finally {
      t.cleanup();
    }
  });

  it("guest arguments after the program are passed through, options included", async () => {
    const r = await cdvm(["run", "--argv0", "argv_auxv", bin("argv_auxv"), "one", "--stats", "two words"]);
    expect(r.status, r.stderr).toBe(0);
    const out = r.stdout.toString();
    expect(out).toContain("one");
    expect(out).toContain("--stats");
    expect(out).toContain("two words");
    expect(r.stderr).toBe("");
  });

  it("cprogs dispatches on argv[1] when argv[0] is not a program name (README's first command)", async () => {
    const r = await cdvm(["run", "--stats", bin("cprogs"), "sieve"]);
    expect(r.status, r.stderr).toBe(golden(GOLDEN, "sieve").status);
    expect(r.stdout.toString()).toBe(golden(GOLDEN, "sieve").stdout.toString());
    expect(r.stderr).not.toContain("    at ");
    expect(r.stderr).toMatch(/^cdvm: mode [a-z]+: \d+ guest instructions in \d+\.\d+ s \(\d+\.\d MIPS\)/);
  });
});

/*
 * A guest that prints the file named by argv[1] and exits with the number of
 * bytes read, or with the (negative) open() result:
 *   mov ebx,[esp+8]; mov eax,5; xor ecx,ecx; int 0x80      open(argv[1], O_RDONLY)
 *   mov ebx,eax; test eax,eax; js out
 *   sub esp,0x100; mov ecx,esp; mov edx,0x100; mov eax,3; int 0x80   read
 *   mov esi,eax; mov edx,eax; mov eax,4; mov ebx,1; int 0x80         write(1, ...)
 *   mov ebx,esi
 * out: mov eax,1; int 0x80                                            exit
 */
const CAT1 = [
  0x8b, 0x5c, 0x24, 0x08, 0xb8, 0x05, 0x00, 0x00, 0x00, 0x31, 0xc9, 0xcd, 0x80, 0x89, 0xc3, 0x85,
  0xc0, 0x78, 0x26, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00, 0x89, 0xe1, 0xba, 0x00, 0x01, 0x00, 0x00,
  0xb8, 0x03, 0x00, 0x00, 0x00, 0xcd, 0x80, 0x89, 0xc6, 0x89, 0xc2, 0xb8, 0x04, 0x00, 0x00, 0x00,
  0xbb, 0x01, 0x00, 0x00, 0x00, 0xcd, 0x80, 0x89, 0xf3, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xcd, 0x80,
];
const ENOENT_STATUS = 256 - 2;

describe.concurrent("cdvm run --root confines the guest's paths", () => {
  const t = tempDir("cdvm-root-");
  const root = path.join(t.dir, "root");
  const cat1 = path.join(t.dir, "cat1");
  const secret = path.join(t.dir, "secret.txt");
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.mkdirSync(path.join(root, "home/user"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/hostname"), "inside the root\n");
  fs.writeFileSync(path.join(root, "etc/passwd"), "root:x:0:0:guest passwd:/:/bin/sh\n");
  fs.symlinkSync("/etc/passwd", path.join(root, "etc/abs-link"));
  fs.symlinkSync("../../../../../secret.txt", path.join(root, "etc/rel-link"));
  fs.writeFileSync(secret, "host secret\n");
  fs.writeFileSync(cat1, guestElf(CAT1));
  const cwd = path.join(root, "home/user");
  const cat = (guestPath: string) => cdvm(["run", "--root", root, cat1, guestPath], { cwd });
  afterAll(t.cleanup);

  it("the test guest reads a host file when there is no --root", async () => {
    const r = await cdvm(["run", cat1, secret]);
    expect(r.stdout.toString()).toBe("host secret\n");
    expect(r.status).toBe("host secret\n".length);
  });

  it.each([
    ["/etc/hostname", "inside the root\n"],
    ["/etc/passwd", "root:x:0:0:guest passwd:/:/bin/sh\n"],
    ["../../etc/passwd", "root:x:0:0:guest passwd:/:/bin/sh\n"],
    ["../../../../../../../etc/passwd", "root:x:0:0:guest passwd:/:/bin/sh\n"],
    ["/../../etc/hostname", "inside the root\n"],
    ["/etc/abs-link", "root:x:0:0:guest passwd:/:/bin/sh\n"],
  ])("%s is the root's file", async (p, want) => {
    const r = await cat(p);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toBe(want);
    expect(r.status).toBe(want.length);
  });

  it.each([
    ["/../secret.txt", "/../secret.txt"],
    ["../../../secret.txt", "../../../secret.txt"],
    ["/etc/rel-link", "/etc/rel-link"],
    ["the host's absolute path", secret],
  ])("%s, outside the root, is not found", async (_what, p) => {
    const r = await cat(p);
    expect(r.stdout.toString()).toBe("");
    expect(r.status).toBe(ENOENT_STATUS);
  });

  it("a --root that is not a directory is a usage error", async () => {
    const r = await cdvm(["run", "--root", path.join(t.dir, "missing"), cat1, "/etc/hostname"]);
    expect(r.status).toBe(2);
    expect(oneLine(r)).toMatch(/^cdvm: --root '.*missing' is not a directory$/);
  });
});

const BUSYBOX = path.join(GUEST_TESTS, "busybox/busybox");
const haveBusybox = fs.existsSync(BUSYBOX);
if (!haveBusybox) console.warn(`notice: ${BUSYBOX} is missing (run guest-tests/busybox/fetch.sh); busybox --root test skipped`);

describe.skipIf(!haveBusybox)("cdvm run --root with Debian busybox", () => {
  it("busybox cat /etc/hostname and ../../etc/hostname read the root's file", async () => {
    const t = tempDir("cdvm-bbroot-");
    try {
      fs.mkdirSync(path.join(t.dir, "etc"));
      fs.mkdirSync(path.join(t.dir, "tmp"));
      fs.writeFileSync(path.join(t.dir, "etc/hostname"), "cdvm-guest\n");
      const r = await cdvm(["run", "--root", t.dir, "--argv0", "busybox", BUSYBOX, "cat", "/etc/hostname", "../../etc/hostname"],
        { cwd: path.join(t.dir, "tmp") });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.toString()).toBe("cdvm-guest\ncdvm-guest\n");
      const passwd = await cdvm(["run", "--root", t.dir, "--argv0", "busybox", BUSYBOX, "cat", "/etc/passwd"]);
      expect(passwd.status).toBe(1);
      expect(passwd.stdout.toString()).toBe("");
      expect(passwd.stderr).toContain("No such file or directory");
    } finally {
      t.cleanup();
    }
  });
});

describe.concurrent("cdvm run: command-line problems", () => {
  it("a missing program file is status 127 with one line", async () => {
    const r = await cdvm(["run", path.join(ROOT, "no-such-program")]);
    expect(r.status).toBe(127);
    expect(oneLine(r)).toMatch(/^cdvm: cannot read '.*no-such-program': ENOENT$/);
  });

  it.each([
    ["no program", ["run"]],
    ["unknown option", ["run", "--no-such-option", bin("exit42")]],
    ["unknown command", ["frobnicate"]],
    ["option without its value", ["run", "--mode"]],
    ["--region-blocks out of range", ["run", "--region-blocks", "0", bin("exit42")]],
  ])("usage error (%s) is status 2, one line, no stack trace", async (_what, args) => {
    const r = await cdvm(args);
    expect(r.status).toBe(2);
    expect(oneLine(r)).toMatch(/^(cdvm: |error: )/);
  });
});

describe.concurrent("cdvm disasm and --help", () => {
  it("disasm --count 5 prints 5 lines with increasing addresses from the entry point", async () => {
    const elf = fs.readFileSync(bin("cprogs"));
    const entry = elf.readUInt32LE(24);
    const r = await cdvm(["disasm", bin("cprogs"), "--count", "5"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.toString().trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    const addrs = lines.map((l) => {
      expect(l).toMatch(/^[0-9a-f]{8}: {2}([0-9a-f]{2} )+\s*\S/);
      return Number.parseInt(l.slice(0, 8), 16);
    });
    expect(addrs[0]).toBe(entry);
    for (let i = 1; i < 5; i++) expect(addrs[i]).toBeGreaterThan(addrs[i - 1]);
  });

  it("disasm --from starts at the given address", async () => {
    const r = await cdvm(["disasm", bin("cprogs"), "--from", "0x08049812", "--count", "1"]);
    expect(r.stdout.toString()).toMatch(/^08049812: {2}/);
  });

  it.each([
    ["--count abc", ["--count", "abc"], 2, /^cdvm: --count expects a positive whole number, got 'abc'$/],
    ["--count 0", ["--count", "0"], 2, /^cdvm: --count expects/],
    ["--from zz", ["--from", "zz"], 2, /^cdvm: --from expects an address, got 'zz'$/],
    ["--from outside the image", ["--from", "0"], 2, /^cdvm: address 0x0 is not in the loaded image$/],
  ])("disasm %s is a usage error", async (_what, opts, status, line) => {
    const r = await cdvm(["disasm", bin("cprogs"), ...opts]);
    expect(r.status).toBe(status);
    expect(oneLine(r)).toMatch(line);
    expect(r.stdout.toString()).toBe("");
  });

  it("disasm of a missing file is 127, of a non-ELF 126", async () => {
    const missing = await cdvm(["disasm", path.join(ROOT, "no-such-file")]);
    expect(missing.status).toBe(127);
    expect(oneLine(missing)).toMatch(/^cdvm: cannot read '.*no-such-file': ENOENT$/);
    const text = await cdvm(["disasm", path.join(ROOT, "package.json")]);
    expect(text.status).toBe(126);
    expect(oneLine(text)).toMatch(/^cdvm: .*package\.json: not an ELF file \(bad magic\)$/);
  });

  it("--help lists both commands; run --help lists every run option", async () => {
    const top = await cdvm(["--help"]);
    expect(top.status).toBe(0);
    expect(top.stdout.toString()).toMatch(/^Usage: cdvm /);
    expect(top.stdout.toString()).toMatch(/\n {2}run \[options\] <program> \[args\.\.\.\]/);
    expect(top.stdout.toString()).toMatch(/\n {2}disasm \[options\] <elf>/);
    const sub = await cdvm(["run", "--help"]);
    expect(sub.status).toBe(0);
    for (const o of ["--mode", "--stats", "--stats-json", "--max-insns", "--root", "--strace", "--strict", "-E, --env", "--clear-env", "--argv0", "--x87"]) {
      expect(sub.stdout.toString()).toContain(o);
    }
  });
});
