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
import { OpenFile } from "../src/linux/fdtable.ts";
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

describe("I/O is bounded per call and streamed", () => {
  const MAX_RW_COUNT = 0x7ffff000, MiB = 1 << 20, RW = 3 /* PROT_READ|PROT_WRITE */;
  const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0o100;

  /** A file that records the buffers it is given, to see how a transfer reaches it. */
  class Recorder extends OpenFile {
    calls: { len: number; view: boolean }[] = [];
    constructor(private readonly guest: ArrayBufferLike) { super(O_RDWR, "/recorder"); }
    write(data: Uint8Array): number { this.calls.push({ len: data.length, view: data.buffer === this.guest }); return data.length; }
    read(buf: Uint8Array): number { this.calls.push({ len: buf.length, view: buf.buffer === this.guest }); buf.fill(7); return buf.length; }
    stat(): never { throw new Error("unused"); }
    release(): void {}
    fillsReads(): boolean { return true; }
  }

  /** Places iovecs {base, len}[] at BUF and returns BUF. */
  function iov(p: ReturnType<typeof mk>["p"], v: [number, number][]): number {
    v.forEach(([b, l], i) => { p.mem.poke(BUF + 8 * i, new Uint8Array(new Uint32Array([b, l]).buffer)); });
    return BUF;
  }

  it("writev and readv move guest memory in chunks of views, not in one host copy", () => {
    const { p, call } = mk();
    p.mem.map(0x20000000, 3 * MiB, RW);
    const rec = new Recorder(p.mem.u8.buffer);
    const fd = p.fds.install(rec, false);
    expect(call("writev", fd, iov(p, [[0x20000000, 2.5 * MiB], [0x20000000, 10]]), 2)).toBe(2.5 * MiB + 10);
    expect(rec.calls.every((c) => c.view && c.len <= MiB)).toBe(true);
    expect(rec.calls.reduce((t, c) => t + c.len, 0)).toBe(2.5 * MiB + 10);
    rec.calls = [];
    expect(call("readv", fd, iov(p, [[0x20000000, 3 * MiB]]), 1)).toBe(3 * MiB);
    expect(rec.calls.every((c) => c.view && c.len <= MiB)).toBe(true);
    expect(p.mem.read8(0x20000000 + 3 * MiB - 1)).toBe(7);
    rec.calls = [];
    expect(call("read", fd, 0x20000000, 3 * MiB)).toBe(3 * MiB);
    expect(rec.calls.every((c) => c.view && c.len <= MiB)).toBe(true);
  });

  it("writev of 3 x 1.375 GiB is cut to MAX_RW_COUNT without host memory growth", () => {
    const { p, call, str } = mk();
    p.mem.map(0x20000000, 0x58000000, RW); // untouched: reading it costs the host nothing
    const fd = call("open", str("/dev/null"), O_WRONLY, 0);
    const rss = process.memoryUsage().rss, t0 = performance.now();
    expect(call("writev", fd, iov(p, [[0x20000000, 0x58000000], [0x20000000, 0x58000000], [0x20000000, 0x58000000]]), 3)).toBe(MAX_RW_COUNT);
    expect(call("write", fd, 0x20000000, 0x58000000)).toBe(0x58000000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * MiB);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it("write of 2 GiB from an untouched mapping is cut to MAX_RW_COUNT, fast and without a host copy", () => {
    const { p, call, str } = mk();
    p.mem.map(0x10000000, 0x80000000, RW);
    const fd = call("open", str("/dev/null"), O_WRONLY, 0);
    const rss = process.memoryUsage().rss, t0 = performance.now();
    expect(call("write", fd, 0x10000000, 0x80000000)).toBe(MAX_RW_COUNT);
    expect(call("pwrite64", fd, 0x10000000, 0x80000000, 0, 0)).toBe(-E.ESPIPE);
    expect(process.memoryUsage().rss - rss).toBeLessThan(64 * MiB);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it("iovec lengths that are negative as ssize_t, and too many iovecs, are EINVAL", () => {
    const { p, call, str } = mk();
    const fd = call("open", str("/dev/null"), O_RDWR, 0);
    expect(call("writev", fd, iov(p, [[BUF + 0x100, 16], [BUF + 0x100, 0x80000000]]), 2)).toBe(-E.EINVAL);
    expect(call("readv", fd, iov(p, [[BUF + 0x100, 0xffffffff]]), 1)).toBe(-E.EINVAL);
    expect(call("writev", fd, BUF, 1025)).toBe(-E.EINVAL);
    expect(call("writev", fd, BUF, 0)).toBe(0);
    // An iovec past the guest limit is EFAULT even where the total cut would not reach it.
    expect(call("writev", fd, iov(p, [[BUF + 0x100, 0x7ffff000], [0xbffff000, 0x2000]]), 2)).toBe(-E.EFAULT);
  });

  it("read, pread64 and sendfile stream a file of several chunks", () => {
    const { p, call, str } = mk();
    const data = Buffer.alloc(2.5 * MiB + 123);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 12)) & 0xff;
    const src = path.join(tmp.dir, "chunks"), dst = path.join(tmp.dir, "chunks.copy");
    fs.writeFileSync(src, data);
    p.mem.map(0x20000000, 3 * MiB, RW);
    const fd = call("open", str(src), O_RDONLY, 0);
    expect(call("read", fd, 0x20000000, 3 * MiB)).toBe(data.length);
    expect(Buffer.from(p.mem.readBytes(0x20000000, data.length)!).equals(data)).toBe(true);
    expect(call("pread64", fd, 0x20000000, 3 * MiB, 1000, 0)).toBe(data.length - 1000);
    expect(Buffer.from(p.mem.readBytes(0x20000000, data.length - 1000)!).equals(data.subarray(1000))).toBe(true);
    expect(call("pread64", fd, 0x20000000, 16, 0, 0xffffffff)).toBe(-E.EINVAL);
    const out = call("open", str(dst), O_WRONLY | O_CREAT, 0o644);
    expect(call("lseek", fd, 100, 0)).toBe(100);
    expect(call("sendfile", out, fd, 0, 0xffffffff)).toBe(data.length - 100);
    expect(call("lseek", fd, 0, 1)).toBe(data.length);
    expect(fs.readFileSync(dst).equals(data.subarray(100))).toBe(true);
  });

  it("read of /dev/zero fills a buffer of several chunks", () => {
    const { p, call, str } = mk();
    p.mem.map(0x20000000, 3 * MiB, RW);
    p.mem.u8.fill(0xff, 0x20000000, 0x20000000 + 3 * MiB);
    const fd = call("open", str("/dev/zero"), O_RDONLY, 0);
    expect(call("read", fd, 0x20000000, 3 * MiB)).toBe(3 * MiB);
    expect(p.mem.u8.subarray(0x20000000, 0x20000000 + 3 * MiB).every((b) => b === 0)).toBe(true);
  });

  it("readv of a pipe returns what is there across iovecs; the pipe holds 64 KiB", () => {
    const { p, call, str, bytes } = mk();
    expect(call("pipe", BUF + 0x200)).toBe(0);
    const [r, w] = [p.mem.read32(BUF + 0x200), p.mem.read32(BUF + 0x204)];
    expect(call("write", w, str("hello, world"), 12)).toBe(12);
    expect(call("readv", r, iov(p, [[BUF + 0x1000, 5], [BUF + 0x1100, 100]]), 2)).toBe(12);
    expect(bytes(BUF + 0x1000, 5) + bytes(BUF + 0x1100, 7)).toBe("hello, world");
    p.mem.map(0x20000000, 128 << 10, RW);
    expect(call("write", w, 0x20000000, 100 << 10)).toBe(64 << 10);
    expect(call("write", w, 0x20000000, 1)).toBe(-E.EAGAIN);
    expect(call("read", r, 0x20000000, 128 << 10)).toBe(64 << 10);
  });
});

describe("/proc/self is the guest's own, never the VMM's", () => {
  const O_RDONLY = 0, O_RDWR = 2, O_DIRECTORY = 0o200000, TEXT_PAGE = 0x08048000;

  function readAll(call: ReturnType<typeof mk>["call"], p: ReturnType<typeof mk>["p"], fd: number): string {
    p.mem.map(0x30000000, 1 << 20, 3);
    const n = call("read", fd, 0x30000000, 1 << 20);
    expect(n).toBeGreaterThanOrEqual(0);
    return Buffer.from(p.mem.readBytes(0x30000000, n)!).toString("latin1");
  }

  it("links: self, thread-self, exe, cwd, fd", () => {
    const { p, call, str } = mk({ execfn: "/bin/prog" });
    const link = (path: string) => {
      const n = call("readlink", str(path), BUF, 200);
      return n < 0 ? n : Buffer.from(p.mem.readBytes(BUF, n)!).toString();
    };
    expect(link("/proc/self")).toBe("1000");
    expect(link("/proc/thread-self")).toBe("1000/task/1000");
    expect(link("/proc/self/exe")).toBe(p.exePath);
    expect(link("/proc/1000/task/1000/exe")).toBe(p.exePath);
    expect(link("/proc/self/cwd")).toBe(p.fsys.cwd);
    const fd = call("open", str("/dev/null"), O_RDONLY, 0);
    expect(link(`/proc/self/fd/${fd}`)).toBe("/dev/null");
    expect(link("/dev/fd/" + fd)).toBe("/dev/null");
    expect(link("/proc/self/fd/77")).toBe(-E.ENOENT);
  });

  it("maps lists the guest's mappings from the page table", () => {
    const { p, call, str } = mk();
    const brk = call("brk", 0);
    call("brk", brk + 0x3000);
    const maps = readAll(call, p, call("open", str("/proc/self/maps"), O_RDONLY, 0));
    const lines = maps.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^08048000-[0-9a-f]{8} r-xp 00000000 00:00 0 $/);
    expect(maps).toContain("0804a000-0804e000 rw-p 00000000 00:00 0 \n");
    expect(lines.find((l) => l.endsWith("[heap]"))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8} rw-p 00000000 00:00 0 +\[heap\]$/);
    expect(lines.at(-1)).toMatch(/-c0000000 rw-p 00000000 00:00 0 +\[stack\]$/);
    for (const l of lines) expect(parseInt(l.slice(9, 17), 16)).toBeLessThanOrEqual(0xc0000000);
  });

  it("mem reads and writes guest memory at offset = address, EIO where nothing is mapped", () => {
    const { p, call, str, bytes } = mk();
    const fd = call("open", str("/proc/self/mem"), O_RDWR, 0);
    expect(fd).toBeGreaterThan(2);
    p.mem.poke(BUF + 0x100, Buffer.from("guest bytes"));
    expect(call("pread64", fd, BUF + 0x200, 11, BUF + 0x100, 0)).toBe(11);
    expect(bytes(BUF + 0x200, 11)).toBe("guest bytes");
    // Writes ignore protection, as the kernel's forced access does: the text page is r-x.
    expect(call("pwrite64", fd, BUF + 0x100, 5, TEXT_PAGE + 0x10, 0)).toBe(5);
    expect(bytes(TEXT_PAGE + 0x10, 5)).toBe("guest");
    expect(call("_llseek", fd, 0, BUF + 0x100, BUF + 0x300, 0)).toBe(0);
    expect(call("read", fd, BUF + 0x200, 5)).toBe(5);
    expect(call("pread64", fd, BUF + 0x200, 16, 0xc0000000, 0)).toBe(-E.EIO);
    expect(call("pread64", fd, BUF + 0x200, 16, 0xc0010000, 0)).toBe(-E.EIO);
    expect(call("pwrite64", fd, BUF + 0x200, 16, 0xc0010000, 0)).toBe(-E.EIO);
    expect(call("pread64", fd, BUF + 0x200, 16, 0x30000000, 0)).toBe(-E.EIO);
    // A read that runs into an unmapped page stops there.
    expect(call("pread64", fd, BUF, 0x1000, BUF + 0x4000 - 8, 0)).toBe(8);
  });

  it("the VMM's own /proc entries do not exist for the guest", () => {
    const { call, str } = mk();
    for (const path of [`/proc/${process.pid}/mem`, `/proc/${process.pid}/maps`, `/proc/${process.pid}`, `/proc/${process.pid}/task/${process.pid}/mem`,
      "/proc/self/auxv", "/proc/self/status", "/proc/self/pagemap", "/proc/thread-self/mem/x"]) {
      expect([path, call("open", str(path), O_RDONLY, 0)]).toEqual([path, path.endsWith("/x") ? -E.ENOENT : -E.ENOENT]);
    }
    expect(call("stat64", str(`/proc/${process.pid}`), BUF)).toBe(-E.ENOENT);
  });

  it("lists /proc/self and /proc/self/fd", () => {
    const { p, call, str } = mk();
    const names = (dir: string) => {
      const fd = call("open", str(dir), O_RDONLY | O_DIRECTORY, 0);
      const n = call("getdents64", fd, BUF, 0x1000);
      const out: string[] = [];
      for (let off = 0; off < n;) {
        const reclen = p.mem.read16(BUF + off + 16);
        out.push(p.mem.readCString(BUF + off + 19)!);
        off += reclen;
      }
      call("close", fd);
      return out;
    };
    expect(names("/proc/self")).toEqual([".", "..", "cmdline", "cwd", "environ", "exe", "fd", "maps", "mem", "root", "task"]);
    expect(names("/proc/self/fd")).toEqual([".", "..", "0", "1", "2", "3"]);
  });
});

describe("values the host API cannot take are Linux's errors, not VMM exceptions (found by the syscall fuzzer)", () => {
  it("chown family: uids and gids of 2^31 and above", () => {
    const dir = fs.mkdtempSync(path.join(tmp.dir, "ids-"));
    fs.writeFileSync(path.join(dir, "f"), "x");
    const { call, str } = mk({ root: dir });
    expect(call("chown32", str("/f"), 0x80000000, 0)).toBe(-E.EINVAL);
    expect(call("lchown32", str("/f"), 0, 0xfffffffe)).toBe(-E.EINVAL);
    expect(call("fchownat", AT_FDCWD, str("/f"), 0x90000000, 0xffffffff, 0)).toBe(-E.EINVAL);
    const fd = call("open", str("/f"), 0);
    expect(call("fchown32", fd, 0xffffffff, 0xfffffff0)).toBe(-E.EINVAL);
    expect(call("chown32", str("/f"), 0xffffffff, 0xffffffff)).toBe(0);
  });

  it("truncate64 and ftruncate64 past any file's size are EFBIG, negative lengths EINVAL", () => {
    const dir = fs.mkdtempSync(path.join(tmp.dir, "trunc-"));
    fs.writeFileSync(path.join(dir, "f"), "x");
    const { call, str } = mk({ root: dir });
    expect(call("truncate64", str("/f"), 0xffffffff, 0x7fffffff)).toBe(-E.EFBIG);
    expect(call("truncate64", str("/f"), 0, 0x80000000)).toBe(-E.EINVAL);
    const fd = call("open", str("/f"), 2);
    expect(call("ftruncate64", fd, 0xffffffff, 0x7fffffff)).toBe(-E.EFBIG);
    expect(call("ftruncate64", fd, 3, 0)).toBe(0);
    expect(fs.statSync(path.join(dir, "f")).size).toBe(3);
  });

  it("zero-length copies to pointers past the end of the memory", () => {
    const { call } = mk();
    expect(call("poll", 0xfffffffc, 0, 0)).toBe(0);
    expect(call("_newselect", 0, 0xfffffffc, 0, 0, 0)).toBe(0);
  });
});

describe("/proc/self/cmdline and environ are the guest's own strings", () => {
  it("read from guest memory where exec put them, so a rewrite shows", () => {
    const { p, call, str, bytes } = mk({ root: "/" });
    const read = (file: string) => {
      const fd = call("open", str(file), 0);
      const n = call("read", fd, BUF + 0x100, 256);
      call("close", fd);
      return bytes(BUF + 0x100, n);
    };
    expect(read("/proc/self/cmdline")).toBe("/bin/prog\0");
    expect(read("/proc/self/environ")).toBe("");
    p.mem.poke(p.argArea[0], new TextEncoder().encode("X"));
    expect(read("/proc/self/cmdline")).toBe("Xbin/prog\0");
  });
});
