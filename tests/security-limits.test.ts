/**
 * Resource limits a guest cannot talk its way past: --timeout ends a busy
 * guest by SIGXCPU (status 152) in every mode, and one blocked in a host call
 * by the watchdog's SIGKILL (137), each with one stderr line; --max-memory is
 * RLIMIT_AS, so an mmap beyond it is ENOMEM, as Linux answers.
 */
import { afterAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { cdvm, guestElf, oneLine, tempDir } from "./support/cli.ts";

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const movEax = (v: number) => [0xb8, ...le32(v)];
/** exit(ebx = eax): the guest's status is the low byte of the last syscall's result. */
const EXIT_WITH_EAX = [0x89, 0xc3, ...movEax(1), 0xcd, 0x80];
const SPIN = [0xeb, 0xfe];
/** nanosleep({100 s, 0}, NULL), then exit. */
const SLEEP = [0x6a, 0x00, 0x6a, 0x64, 0x89, 0xe3, 0x31, 0xc9, ...movEax(162), 0xcd, 0x80, ...EXIT_WITH_EAX];
/** mmap2(NULL, 64 MiB, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0), then exit. */
const MMAP_64M = [...movEax(192), 0x31, 0xdb, 0xb9, ...le32(64 << 20), 0xba, ...le32(3), 0xbe, ...le32(0x22), 0xbf, ...le32(-1),
  0x31, 0xed, 0xcd, 0x80, ...EXIT_WITH_EAX];
const ENOMEM = 12;

describe.concurrent("resource limits", () => {
  const t = tempDir("cdvm-limits-");
  afterAll(t.cleanup);
  const guest = (name: string, code: number[]) => {
    const file = path.join(t.dir, name);
    fs.writeFileSync(file, guestElf(code));
    return file;
  };

  it.each(["interp", "bbt", "staged"])("--timeout ends a busy guest by SIGXCPU, --mode %s", async (mode) => {
    const r = await cdvm(["run", "--mode", mode, "--timeout", "1", guest(`spin-${mode}`, SPIN)]);
    expect(oneLine(r)).toMatch(/^cdvm: guest killed by SIGXCPU at eip 0x[0-9a-f]{8}: --timeout reached after 1\.\d s$/);
    expect(r.status).toBe(128 + 24);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("--timeout ends a guest blocked in nanosleep by the watchdog's SIGKILL", async () => {
    const r = await cdvm(["run", "--timeout", "0.5", guest("sleep", SLEEP)]);
    expect(oneLine(r)).toBe("cdvm: guest killed by SIGKILL: --timeout reached while it waited in a host call");
    expect(r.status).toBe(128 + 9);
    expect(r.ms).toBeLessThan(10_000);
  });

  it("a guest that finishes in time is not disturbed by the watchdog", async () => {
    const r = await cdvm(["run", "--timeout", "30", guest("mmap-free", MMAP_64M)]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("--max-memory is RLIMIT_AS: a mapping beyond it is ENOMEM", async () => {
    const r = await cdvm(["run", "--max-memory", String(16 << 20), guest("mmap-limited", MMAP_64M)]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(256 - ENOMEM);
  });

  it.each([["--timeout", "0"], ["--timeout", "soon"], ["--max-memory", "-1"]])("%s %s is a usage error", async (opt, v) => {
    const r = await cdvm(["run", opt, v, guest(`usage-${opt}-${v}`, SPIN)]);
    expect(r.status).toBe(2);
    expect(oneLine(r)).toContain(opt);
  });
});
