/**
 * The security suite (issue 12): guest programs from guest-tests/security/
 * (one multi-call binary, bin/secprogs; cases.json) try every path into the
 * concealed region at and above 0xC0000000 and out of --root, in every mode.
 * Each case asserts the Linux result — the native golden where golden.sh
 * could record one (a 3G/1G address space via the ADDR_LIMIT_3GB
 * personality, or a chroot for the jail), and explicit expectations stated
 * here from the i386 kernel's rules — plus what the VMM must never do: a
 * JavaScript stack trace, status 125, an internal error. A last group runs
 * guests in-process and checks that the permission byte of every page at
 * or above 0xC0000000 is still 0 afterwards.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { cdvm, type CliResult } from "./support/cli.ts";
import { GUEST_TESTS } from "./support/guest.ts";
import { Process } from "../src/linux/process.ts";
import { HostFile, O_WRONLY } from "../src/linux/fdtable.ts";
import { GUEST_LIMIT, PAGE_SHIFT } from "../src/core/layout.ts";
import { runGuest, type Mode } from "../src/vmm/vm.ts";

const SEC = path.join(GUEST_TESTS, "security");
const SECPROGS = path.join(SEC, "bin/secprogs");
const MODES: Mode[] = ["interp", "bbt", "staged"];
/** Hot loops: iterations before the pointer turns hostile. staged needs enough to start the tier and translate the loop. */
const HOT_N: Record<Mode, string> = { interp: "20000", bbt: "50000", staged: "8000000" };
/**
 * staged: translate early, with the worker level with the guest: the probes run two at a time on two
 * cores, and a worker below their priority (the default) could finish the hot loop's module only
 * after the loop ended.
 */
const STAGED = ["--bbt-threshold", "2", "--translator-nice", "0"];

interface SecCase {
  name: string;
  args: string[];
  native: "3g" | "chroot" | "none";
  hot?: boolean;
  root?: "empty" | "fixture";
}

const cases: SecCase[] = JSON.parse(fs.readFileSync(path.join(SEC, "cases.json"), "utf8"));
const tmpDirs: string[] = [];
afterAll(() => { for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true }); });

function tmp(prefix: string): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  tmpDirs.push(d);
  return d;
}

function golden(name: string): { out: string; status: number } | null {
  const f = path.join(SEC, "golden", name);
  if (!fs.existsSync(`${f}.out`)) return null;
  return { out: fs.readFileSync(`${f}.out`, "latin1"), status: Number(fs.readFileSync(`${f}.status`, "utf8").trim()) };
}

/** Runs one case under `cdvm run` in a fresh directory; for root cases also returns the host directory. */
async function run(c: SecCase, mode: Mode): Promise<{ r: CliResult; host: string }> {
  const host = tmp(`cdvm-sec-${c.name}-`);
  const opts = ["--mode", mode, "--clear-env", ...(mode === "staged" ? STAGED : [])];
  if (c.hot && mode === "staged") opts.push("--stats");
  if (c.root === "fixture") {
    expect(spawnSync("bash", [path.join(SEC, "root-fixture.sh"), host]).status).toBe(0);
    opts.push("--root", path.join(host, "root"));
  } else if (c.root === "empty") {
    opts.push("--root", host);
  }
  const args = c.args.map((a) => a.replace("@HOSTDIR@", host));
  if (c.hot) args.push(HOT_N[mode]);
  const r = await cdvm(["run", ...opts, SECPROGS, ...args], { cwd: host });
  return { r, host };
}

/** What no guest may cause, whatever it tries. */
function vmmIntact(r: CliResult): void {
  expect(r.stderr, "a JavaScript stack trace leaked").not.toContain("    at ");
  expect(r.stderr).not.toMatch(/internal error|RangeError|TypeError|WebAssembly|DataView/);
  expect(r.status, r.stderr).not.toBe(125);
}

const killedLine = (r: CliResult) => r.stderr.split("\n").find((l) => l.startsWith("cdvm: guest killed by ")) ?? r.stderr;
const hex8 = (v: number) => (v >>> 0).toString(16).padStart(8, "0");

// ---- explicit Linux expectations (an i386 kernel, TASK_SIZE 0xC0000000) ----

/**
 * sec_mmap, line by line. A non-fixed mmap ignores a hint it cannot use
 * (mmap_address_hint_valid) and places the mapping below the limit; a fixed
 * one fails in get_unmapped_area with ENOMEM when addr + len > TASK_SIZE, as
 * does any len > TASK_SIZE or one that page-aligns to 0; mprotect and
 * madvise of unmapped ranges are ENOMEM; munmap checks start/len against
 * TASK_SIZE (EINVAL); mremap: new_len > TASK_SIZE or new_addr + new_len >
 * TASK_SIZE is EINVAL, growing in place into the limit without MAYMOVE is
 * ENOMEM, an unmapped source EFAULT; brk beyond the limit leaves it as it was.
 */
const MMAP_EXPECTED = [
  "sec_mmap",
  ...["c0000000 len 1000 prot 3", "bffff000 len 2000 prot 3", "f0000000 len 1000 prot 3", "fffff000 len 1000 prot 3",
    "c0120000 len 10000 prot 5", "80000000 len 40000000 prot 0", "a0000000 len 40000000 prot 0"].map((h) => `mmap hint ${h}: below`),
  "old mmap hint c0000000: below",
  "mmap hint 00000000 len c0001000: ENOMEM",
  "mmap hint 00000000 len fffff001: ENOMEM",
  ...["c0000000 len 1000", "bffff000 len 2000", "c0010000 len 1000", "fffff000 len 1000", "40000000 len 80001000"].map((f) => `mmap fixed ${f}: ENOMEM`),
  ...["c0000000 len 1000", "c0120000 len 1000", "bffff000 len 2000"].map((f) => `mmap fixed_noreplace ${f}: ENOMEM`),
  "old mmap fixed c0000000: ENOMEM",
  ...["c0000000 len 1000", "c0010000 len 1000", "bffff000 len 2000", "fffff000 len 1000"].map((f) => `mprotect ${f}: ENOMEM`),
  ...["c0000000 len 1000", "bffff000 len 2000", "fffff000 len 1000"].map((f) => `munmap ${f}: EINVAL`),
  "madvise dontneed c0000000 len 1000: ENOMEM",
  "madvise normal c0120000 len 1000: ENOMEM",
  "madvise normal bffff000 len 2000: ENOMEM",
  "mremap in place bffff000 len 1000 -> +1 page: ENOMEM",
  "mremap concealed c0000000 len 1000: EFAULT",
  "mremap fixed to c0000000 len 1000: EINVAL",
  "mremap fixed to bffff000 len 2000: EINVAL",
  "mremap fixed to fffff000 len 1000: EINVAL",
  "mremap new len ffffffff: EINVAL",
  "mremap new len c0001000 maymove: EINVAL",
  "mremap new len c0001000: EINVAL",
  "mremap old len ffffffff: EINVAL",
  "mremap old len 80000000: EINVAL",
  "mremap source mapping still usable: yes",
  "brk c0001000: unchanged",
  "brk fffff000: unchanged",
  "brk bffff000: unchanged",
].map((l) => (l === "sec_mmap" ? l : `${l}; concealed`)).concat(["syscall registers: ok", "state: ok", "read c0000000 directly", ""]).join("\n");

/** sec_proc: the guest's own /proc/self/maps and /proc/self/mem (mem_rw gives EIO where nothing is mapped). */
const PROC_EXPECTED = [
  "sec_proc",
  "open /proc/self/maps: 0",
  "maps lines reaching 0xc0000000 or malformed: 0",
  "maps has lines: yes",
  "maps covers main (r-x): yes",
  "maps covers a global (rw-): yes",
  "maps has [stack]: yes",
  "open /proc/self/mem: 0",
  "mem read own global: 16 same bytes",
  "mem write own global: 5 changed",
  "mem read c0000000: EIO",
  "mem read c0010000: EIO",
  "mem read fffff000: EIO",
  "mem read bffffff0 len 32: 16",
  "mem write c0000000: EIO",
  "mem write c0010000: EIO",
  "mem read 0: EIO",
  "concealed: EFAULT",
  "syscall registers: ok",
  "state: ok",
  "",
].join("\n");

/** sec_root lines that must hold in any jail: nothing outside is reachable; NOFOLLOW answers about the link. */
const ROOT_MUST = [
  "open /../secret.txt: ENOENT", "open ../../../secret.txt: ENOENT", "open /abs_out: ENOENT", "open /rel_out: ENOENT",
  "open /escape/secret.txt: ENOENT", "open /abs_dir/secret.txt: ENOENT", "open /etc/passwd: ENOENT",
  "open <hostdir>/secret.txt (absolute host path): ENOENT", "openat (/sub ../..) secret.txt: ENOENT",
  "fchdir (/sub ../..); getcwd: /", "chdir /sub then ../../../..; getcwd: /", "listing /.. has secret.txt: 0",
  "open /g_secret: ENOENT", "open /g_passwd: ENOENT", "open /sub/g_rel: ENOENT",
  "faccessat2 /g_secret R_OK NOFOLLOW: 0", "faccessat2 /g_passwd R_OK NOFOLLOW: 0", "faccessat2 /g_missing R_OK NOFOLLOW: 0",
  "faccessat2 /g_secret R_OK: ENOENT", "access /abs_out: ENOENT", "lstat64 /g_secret: link", "stat64 /g_secret: ENOENT",
  "link /../secret.txt /stolen: ENOENT", "linkat /abs_out /stolen2 FOLLOW: ENOENT", "truncate /abs_out: ENOENT",
  "chmod /abs_out 0777: ENOENT", "mkdir <hostdir>/newdir3: ENOENT", "concealed: EFAULT", "syscall registers: ok", "state: ok",
];

const PTR_PROBES = 62 * 4;

function checkExplicit(c: SecCase, mode: Mode, r: CliResult, host: string): void {
  const out = r.stdout.toString("latin1");
  const bin = c.args[0];
  if (bin === "sec_mmap") {
    expect(out, r.stderr).toBe(MMAP_EXPECTED);
    expect(r.status, r.stderr).toBe(139);
    expect(killedLine(r)).toMatch(/^cdvm: guest killed by SIGSEGV at eip 0x[0-9a-f]{8}, address 0xc0000000: read of unmapped address$/);
  } else if (bin === "sec_ptrs") {
    const lines = out.split("\n");
    const probes = lines.filter((l) => /^[a-z_0-9]+ .* [0-9a-f]{8}: /.test(l));
    expect(probes.filter((l) => !l.endsWith(": EFAULT")), "probes that did not give EFAULT").toEqual([]);
    expect(probes).toHaveLength(PTR_PROBES);
    expect(lines.slice(-4)).toEqual(["syscall registers: ok", "state: ok", `probes: ${PTR_PROBES}`, ""]);
    expect(r.status, r.stderr).toBe(0);
  } else if (bin === "sec_walk") {
    expect(r.status, r.stderr).toBe(139);
    const what = c.args[1] === "write" ? "write" : "read";
    expect(killedLine(r)).toMatch(new RegExp(`^cdvm: guest killed by SIGSEGV at eip 0x[0-9a-f]{8}, address 0xc0000000: ${what} of unmapped address$`));
  } else if (bin === "sec_jump") {
    expect(r.status, r.stderr).toBe(139);
    const t = hex8(parseInt(c.args[2], 16));
    expect(killedLine(r)).toBe(`cdvm: guest killed by SIGSEGV at eip 0x${t}, address 0x${t}: instruction fetch of unmapped address`);
  } else if (bin === "sec_proc") {
    expect(out, r.stderr).toBe(PROC_EXPECTED);
    expect(r.status, r.stderr).toBe(0);
  } else if (bin === "sec_root") {
    const lines = new Set(out.split("\n"));
    expect(ROOT_MUST.filter((l) => !lines.has(l)), "jail probes that did not give the Linux result").toEqual([]);
    expect(r.status, r.stderr).toBe(0);
    // Nothing outside the root was read, created or changed.
    expect(fs.readFileSync(path.join(host, "secret.txt"), "utf8")).toBe("SECRET\n");
    expect(fs.readdirSync(host).sort()).toEqual(["root", "secret.txt"]);
    for (const made of ["hardlink_out", "renamed.txt", "sym_out", "newdir", "g_secret"]) {
      expect(fs.lstatSync(path.join(host, "root", made)), made).toBeTruthy();
    }
  }
  if (c.hot && mode === "staged") {
    const m = /retired: (\d+) interpreted, (\d+) translated/.exec(r.stderr);
    expect(Number(m?.[2] ?? 0), "the hot loop never ran translated").toBeGreaterThan(0);
  }
}

// One flat list, so the two cores stay busy across modes (each run is a separate cdvm process).
const RUNS = MODES.flatMap((mode) => cases.map((c) => [`${c.name} --mode ${mode}`, c, mode] as const));

describe("security probes", () => {
  it.concurrent.each(RUNS)("%s", async (_name, c, mode) => {
    const { r, host } = await run(c, mode);
    vmmIntact(r);
    checkExplicit(c, mode, r, host);
    const g = golden(c.name);
    if (g) {
      expect(r.stdout.toString("latin1"), r.stderr).toBe(g.out);
      expect(r.status, r.stderr).toBe(g.status);
    }
  }, 60_000);
});

describe("the stated expectations", () => {
  it("agree with the native goldens where both exist (a kernel with TASK_SIZE 0xC0000000)", () => {
    expect(golden("mmap")?.out).toBe(MMAP_EXPECTED);
    expect(golden("mmap")?.status).toBe(139);
    expect(golden("proc")?.out).toBe(PROC_EXPECTED);
    const root = new Set(golden("root")?.out.split("\n"));
    expect(ROOT_MUST.filter((l) => !root.has(l))).toEqual([]);
    for (const c of cases.filter((k) => k.hot)) expect(golden(c.name)?.status, c.name).toBe(139);
  });
});

describe("VMM state after the probes, in-process", () => {
  afterEach(() => { vi.restoreAllMocks(); });

  /** Runs a program of bin/secprogs through runGuest; returns the Process and the run's status and output. */
  function inProcess(args: string[], mode: Mode) {
    const dir = tmp("cdvm-sec-inproc-");
    const outFile = path.join(dir, "stdout");
    let proc: Process | undefined;
    const create = Process.create.bind(Process);
    vi.spyOn(Process, "create").mockImplementation((bytes, argv, env, opts) => {
      const p = create(bytes, argv, env, opts);
      p.fds.installAt(1, new HostFile(fs.openSync(outFile, "w"), O_WRONLY, "/dev/stdout", false), false);
      proc = p;
      return p;
    });
    const lines: string[] = [];
    const st = runGuest(fs.readFileSync(SECPROGS), ["secprogs", ...args], [], { mode, root: dir, stderr: (l) => lines.push(l) });
    return { proc: proc!, status: st.status, stdout: fs.readFileSync(outFile, "latin1"), stderr: lines.join("\n") };
  }

  /** Pages at or above GUEST_LIMIT whose permission byte is not 0. */
  function exposedPages(p: Process): string[] {
    const bad: string[] = [];
    for (let pg = GUEST_LIMIT >>> PAGE_SHIFT; pg < p.mem.perm.length; pg++) {
      if (p.mem.perm[pg] !== 0) bad.push(`${hex8(pg << PAGE_SHIFT)}=${p.mem.perm[pg]}`);
      if (bad.length === 8) break;
    }
    return bad;
  }

  it.each([["sec_mmap", 139], ["sec_ptrs", 0], ["sec_proc", 0]] as const)("%s leaves every concealed page at permission 0", (prog, status) => {
    let r: ReturnType<typeof inProcess> | undefined;
    let thrown: unknown;
    try { r = inProcess([prog], "interp"); } catch (e) { thrown = e; }
    expect(thrown, "the VMM threw").toBeUndefined();
    expect(exposedPages(r!.proc), "concealed pages with a permission").toEqual([]);
    expect(r!.status, r!.stderr).toBe(status);
    expect(r!.stdout).toContain("state: ok");
  }, 60_000);
});
