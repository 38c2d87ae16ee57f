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
import { E } from "../src/linux/errno.ts";
import { cdvm, oneLine, tempDir } from "./support/cli.ts";
import { BUF, mk } from "./support/process.ts";

const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, F_OK = 0, R_OK = 4;

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => { tmp = tempDir("cdvm-secfiles-"); });
afterAll(() => tmp.cleanup());

describe("no host-path oracle through a final symlink", () => {
  /** A root holding symlinks to an existing and a missing host path outside it. */
  function jail() {
    const top = fs.mkdtempSync(path.join(tmp.dir, "jail-"));
    const root = path.join(top, "root");
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(top, "secret"), "outside");
    fs.symlinkSync(path.join(top, "secret"), path.join(root, "to-existing"));
    fs.symlinkSync(path.join(top, "missing"), path.join(root, "to-missing"));
    fs.writeFileSync(path.join(root, "file"), "inside");
    return { root, top, ...mk({ root }) };
  }

  it("faccessat2 with AT_SYMLINK_NOFOLLOW answers about the link itself", () => {
    const { call, str } = jail();
    for (const link of ["/to-existing", "/to-missing"]) {
      expect(call("faccessat2", AT_FDCWD, str(link), F_OK, AT_SYMLINK_NOFOLLOW)).toBe(0);
      expect(call("faccessat2", AT_FDCWD, str(link), R_OK, AT_SYMLINK_NOFOLLOW)).toBe(0);
      // Followed, the absolute target is re-rooted: neither exists inside the root.
      expect(call("faccessat2", AT_FDCWD, str(link), F_OK, 0)).toBe(-E.ENOENT);
    }
    expect(call("faccessat2", AT_FDCWD, str("/file"), R_OK, AT_SYMLINK_NOFOLLOW)).toBe(0);
    expect(call("faccessat2", AT_FDCWD, str("/nothing"), F_OK, AT_SYMLINK_NOFOLLOW)).toBe(-E.ENOENT);
  });

  it("renameat2 RENAME_NOREPLACE onto a symlink is EEXIST whatever its host target", () => {
    const { call, str, root } = jail();
    for (const link of ["/to-existing", "/to-missing"]) {
      expect(call("renameat2", AT_FDCWD, str("/file"), AT_FDCWD, str(link), 1)).toBe(-E.EEXIST);
    }
    expect(fs.readlinkSync(path.join(root, "to-missing"))).toMatch(/missing$/);
  });

  it("lstat, readlink, utimensat and lchown with NOFOLLOW act on the link, not its host target", () => {
    const { p, call, str, top } = jail();
    const before = fs.statSync(path.join(top, "secret"));
    expect(call("lstat64", str("/to-existing"), BUF)).toBe(0);
    expect(p.mem.read32(BUF + 16) & 0o170000).toBe(0o120000); // st_mode: S_IFLNK
    expect(call("readlink", str("/to-existing"), BUF, 256)).toBe(path.join(top, "secret").length);
    expect(call("utimensat", AT_FDCWD, str("/to-existing"), 0, AT_SYMLINK_NOFOLLOW)).toBe(0);
    expect(call("lchown32", str("/to-existing"), process.getuid!(), process.getgid!())).toBe(0);
    expect(call("fchownat", AT_FDCWD, str("/to-missing"), process.getuid!(), process.getgid!(), AT_SYMLINK_NOFOLLOW)).toBe(0);
    expect(fs.statSync(path.join(top, "secret")).mtimeMs).toBe(before.mtimeMs);
    expect(call("unlink", str("/to-existing"))).toBe(0);
    expect(fs.existsSync(path.join(top, "secret"))).toBe(true);
  });
});

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
