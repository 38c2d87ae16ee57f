import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E } from "../src/linux/errno.ts";
import { GuestExit } from "../src/core/fault.ts";
import { PROT_READ, PROT_WRITE, S_SEGBASE, S_SEL } from "../src/core/layout.ts";
import { BUF, mk } from "./support/process.ts";

let tmp: string;
beforeAll(() => { tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-sys-"))); });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function exitOf(f: () => unknown): GuestExit {
  try { f(); } catch (e) { if (e instanceof GuestExit) return e; throw e; }
  throw new Error("no exit");
}

describe("syscalls: file descriptors", () => {
  it("moves data through a pipe and reports EBADF/EPIPE", () => {
    const { p, call, str, bytes } = mk();
    expect(call("pipe2", BUF, 0)).toBe(0);
    const [r, w] = [p.mem.read32(BUF), p.mem.read32(BUF + 4)];
    expect([r, w]).toEqual([3, 4]);
    expect(call("write", w, str("hello"), 5)).toBe(5);
    expect(call("read", r, BUF + 16, 100)).toBe(5);
    expect(bytes(BUF + 16, 5)).toBe("hello");
    expect(call("read", r, BUF + 16, 100)).toBe(-E.EAGAIN);
    expect(call("read", w, BUF + 16, 1)).toBe(-E.EBADF);
    expect(call("close", w)).toBe(0);
    expect(call("read", r, BUF + 16, 100)).toBe(0);
    expect(call("close", w)).toBe(-E.EBADF);
    expect(call("read", r, 0x10, 4)).toBe(-E.EFAULT);
  });

  it("closes a range of fds, or marks them close-on-exec", () => {
    const { p, call } = mk();
    for (let i = 0; i < 4; i++) expect(call("pipe2", BUF, 0)).toBe(0); // fds 3-10
    expect(call("close_range", 9, 3, 0)).toBe(-E.EINVAL);
    expect(call("close_range", 5, 6, 4)).toBe(0);
    expect([5, 6, 7].map((fd) => call("fcntl64", fd, 1, 0))).toEqual([1, 1, 0]);
    expect(call("close_range", 7, 0xffffffff, 0)).toBe(0);
    expect(p.fds.open()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("dies of SIGPIPE when writing to a pipe without readers", () => {
    const { p, call, str } = mk();
    call("pipe2", BUF, 0);
    call("close", p.mem.read32(BUF));
    expect(exitOf(() => call("write", p.mem.read32(BUF + 4), str("x"), 1)).status).toBe(128 + 13);
  });

  it("creates, writes, seeks, reads and stats a file", () => {
    const { call, str, bytes, u32 } = mk();
    const name = str(path.join(tmp, "f1"));
    const fd = call("open", name, 0o102 /* O_RDWR|O_CREAT */, 0o644);
    expect(fd).toBe(3);
    expect(call("write", fd, str("abcdef"), 6)).toBe(6);
    expect(call("lseek", fd, 2, 0)).toBe(2);
    expect(call("read", fd, BUF, 10)).toBe(4);
    expect(bytes(BUF, 4)).toBe("cdef");
    expect(call("_llseek", fd, 0, 1, BUF, 0)).toBe(0);
    expect(u32(BUF)).toBe(1);
    expect(call("fstat64", fd, BUF)).toBe(0);
    expect(u32(BUF + 44)).toBe(6); // st_size
    expect(u32(BUF + 16) & 0o170777).toBe(0o100644); // S_IFREG | mode (umask 022)
    expect(call("dup2", fd, 10)).toBe(10);
    expect(call("lseek", 10, 0, 1)).toBe(1); // shared offset
    expect(call("fcntl64", 10, 1 /* F_GETFD */)).toBe(0);
    expect(call("close", fd)).toBe(0);
    expect(call("open", str(path.join(tmp, "nope")), 0, 0)).toBe(-E.ENOENT);
    expect(call("open", name, 0o302 /* O_RDWR|O_CREAT|O_EXCL */, 0o644)).toBe(-E.EEXIST);
  });

  it("emulates O_APPEND and F_SETFL", () => {
    const { call, str } = mk();
    const name = path.join(tmp, "app");
    fs.writeFileSync(name, "12");
    const fd = call("open", str(name), 0o2001 /* O_WRONLY|O_APPEND */, 0);
    expect(call("write", fd, str("34"), 2)).toBe(2);
    expect(call("fcntl64", fd, 3 /* F_GETFL */) & 0o2003).toBe(0o2001);
    expect(call("fcntl64", fd, 4 /* F_SETFL */, 0)).toBe(0);
    expect(call("lseek", fd, 0, 0)).toBe(0);
    expect(call("write", fd, str("x"), 1)).toBe(1);
    expect(fs.readFileSync(name, "utf8")).toBe("x234");
  });

  it("gathers writev and answers ioctl TCGETS with ENOTTY on a pipe", () => {
    const { p, call, str, bytes } = mk();
    call("pipe2", BUF, 0);
    const [r, w] = [p.mem.read32(BUF), p.mem.read32(BUF + 4)];
    const iov = BUF + 0x100;
    p.mem.poke(iov, new Uint8Array(new Uint32Array([str("ab"), 2, str("cde"), 3]).buffer));
    expect(call("writev", w, iov, 2)).toBe(5);
    expect(call("read", r, BUF + 16, 10)).toBe(5);
    expect(bytes(BUF + 16, 5)).toBe("abcde");
    expect(call("ioctl", w, 0x5401, BUF)).toBe(-E.ENOTTY);
  });
});

describe("syscalls: fadvise", () => {
  it("accepts advice on files, refuses pipes, bad descriptors and unknown advice", () => {
    const file = path.join(tmp, "fadvise-file");
    fs.writeFileSync(file, "x");
    const { call, str, p } = mk();
    const fd = call("open", str(file), 0, 0);
    expect(call("fadvise64", fd, 0, 0, 100, 4 /* DONTNEED */)).toBe(0);
    expect(call("fadvise64_64", fd, 0, 0, 100, 0, 2 /* SEQUENTIAL */)).toBe(0);
    expect(call("fadvise64_64", fd, 0, 0, 100, 0, 9)).toBe(-E.EINVAL);
    expect(call("fadvise64_64", fd, 0, 0, 0, -1, 0)).toBe(-E.EINVAL);
    expect(call("fadvise64", 99, 0, 0, 100, 0)).toBe(-E.EBADF);
    expect(call("pipe", BUF)).toBe(0);
    expect(call("fadvise64", p.mem.read32(BUF), 0, 0, 100, 0)).toBe(-E.ESPIPE);
  });
});

describe("syscalls: extended attributes", () => {
  it("answer as on a file system without them: the path or fd checked first, then EOPNOTSUPP", () => {
    const file = path.join(tmp, "xattr-file");
    fs.writeFileSync(file, "x");
    const { call, str } = mk();
    for (const op of ["get", "set", "list", "remove"]) {
      expect(call(`${op}xattr`, str(file), str("user.a"), BUF, 16), op).toBe(-E.EOPNOTSUPP);
      expect(call(`l${op}xattr`, str(file), str("user.a"), BUF, 16), op).toBe(-E.EOPNOTSUPP);
      expect(call(`${op}xattr`, str(path.join(tmp, "missing")), str("user.a"), BUF, 16), op).toBe(-E.ENOENT);
      expect(call(`f${op}xattr`, 99, str("user.a"), BUF, 16), op).toBe(-E.EBADF);
      expect(call(`f${op}xattr`, 0, str("user.a"), BUF, 16), op).toBe(-E.EOPNOTSUPP);
    }
  });
});

describe("syscalls: directories and paths", () => {
  it("lists a directory with getdents64, in the host kernel's order", () => {
    const dir = path.join(tmp, "d");
    fs.mkdirSync(dir);
    for (const f of ["b", "zz", "c", "m", "aa"]) fs.writeFileSync(path.join(dir, f), "");
    fs.mkdirSync(path.join(dir, "a"));
    const { p, call, str } = mk();
    const fd = call("open", str(dir), 0o200000 /* O_DIRECTORY */, 0);
    expect(fd).toBeGreaterThan(0);
    const n = call("getdents64", fd, BUF, 4096);
    const names: [string, number][] = [];
    for (let off = 0; off < n;) {
      const reclen = p.mem.read16(BUF + off + 16);
      expect(p.mem.read32(BUF + off + 4)).toBe(0); // inode folded to 32 bits
      names.push([p.mem.readCString(BUF + off + 19)!, p.mem.read8(BUF + off + 18)]);
      off += reclen;
    }
    // ls -f: the entries as the host's getdents gives them, unsorted.
    const native = execFileSync("ls", ["-f", dir], { encoding: "utf8" }).split("\n").filter((n) => n && n !== "." && n !== "..");
    expect(names).toEqual([[".", 4], ["..", 4], ...native.map((n): [string, number] => [n, n === "a" ? 4 : 8])]);
    expect(call("getdents64", fd, BUF, 4096)).toBe(0);
    expect(call("lseek", fd, 0, 0)).toBe(0);
    expect(call("getdents64", fd, BUF, 10)).toBe(-E.EINVAL);
    expect(call("read", fd, BUF, 10)).toBe(-E.EISDIR);
  });

  it("tracks the cwd, resolves *at paths, and answers /proc/self/exe", () => {
    const { p, call, str } = mk({ root: tmp, execfn: "/bin/prog" });
    expect(call("mkdir", str("/w"), 0o755)).toBe(0);
    expect(call("chdir", str("w"))).toBe(0);
    expect(call("getcwd", BUF, 100)).toBe(3);
    expect(p.mem.readCString(BUF)).toBe("/w");
    expect(call("getcwd", BUF, 2)).toBe(-E.ERANGE);
    const fd = call("openat", -100, str("x"), 0o101, 0o600);
    expect(fs.existsSync(path.join(tmp, "w/x"))).toBe(true);
    const dfd = call("open", str("/w"), 0o200000, 0);
    expect(call("fstatat64", dfd, str("x"), BUF, 0)).toBe(0);
    expect(call("unlinkat", dfd, str("x"), 0)).toBe(0);
    expect(call("close", fd)).toBe(0);
    expect(call("readlink", str("/proc/self/exe"), BUF, 100)).toBe(9);
    expect(p.mem.readCString(BUF)?.slice(0, 9)).toBe("/bin/prog");
    expect(call("open", str("/../../../../etc/passwd"), 0, 0)).toBe(-E.ENOENT);
  });
});

describe("syscalls: memory", () => {
  it("grows and shrinks brk", () => {
    const { p, call } = mk();
    const start = call("brk", 0) >>> 0;
    expect(start).toBe(BUF + 0x4000);
    expect(call("brk", start + 0x1800) >>> 0).toBe(start + 0x1800);
    p.mem.write32(start + 0x1000, 7);
    expect(call("brk", start) >>> 0).toBe(start);
    expect(p.mem.isMapped(start >>> 12)).toBe(false);
    expect(call("brk", 0x1000) >>> 0).toBe(start);
  });

  it("maps, protects and unmaps anonymous and file memory", () => {
    const { p, call, str } = mk();
    const a = call("mmap2", 0, 0x3000, PROT_READ | PROT_WRITE, 0x22, -1, 0) >>> 0;
    expect(a % 4096).toBe(0);
    expect(a).toBeLessThan(0xb8000000);
    p.mem.write32(a + 0x2ffc, 1);
    expect(call("mprotect", a, 0x1000, PROT_READ)).toBe(0);
    expect(() => p.mem.write8(a, 1)).toThrow();
    expect(call("munmap", a, 0x3000)).toBe(0);
    expect(p.mem.isMapped(a >>> 12)).toBe(false);
    expect(call("mmap2", 0, 0, 3, 0x22, -1, 0)).toBe(-E.EINVAL);
    const name = path.join(tmp, "mapme");
    fs.writeFileSync(name, "mapped bytes");
    const fd = call("open", str(name), 0, 0);
    const m = call("mmap2", 0, 100, PROT_READ, 2, fd, 0) >>> 0;
    expect(p.mem.readCString(m)).toBe("mapped bytes");
    const fixed = call("mmap2", 0x10000000, 0x1000, 3, 0x32 /* FIXED|ANON|PRIVATE */, -1, 0) >>> 0;
    expect(fixed).toBe(0x10000000);
    expect(call("mmap2", 0x10000000, 0x1000, 3, 0x100022, -1, 0)).toBe(-E.EEXIST);
    expect(call("mremap", fixed, 0x1000, 0x2000, 1) >>> 0).toBe(0x10000000);
  });
});

describe("syscalls: process, identity and TLS", () => {
  it("reports uname", () => {
    const { p, call } = mk();
    expect(call("uname", BUF)).toBe(0);
    expect([0, 1, 2, 4].map((i) => p.mem.readCString(BUF + 65 * i))).toEqual(["Linux", "cdvm", "6.1.0", "i686"]);
  });

  it("allocates a TLS descriptor with set_thread_area and refreshes a loaded selector", () => {
    const { p, call, u32 } = mk();
    const desc = new Uint32Array([0xffffffff, 0x12345000, 0xfffff, 0x51]);
    p.mem.poke(BUF, new Uint8Array(desc.buffer));
    expect(call("set_thread_area", BUF)).toBe(0);
    expect(u32(BUF)).toBe(6);
    expect(p.cpu.gdt.get(6)).toEqual({ base: 0x12345000, limit: 0xffffffff });
    p.cpu.loadSegment(5, 0x33, 0);
    expect(p.cpu.s[S_SEGBASE + 5]).toBe(0x12345000);
    p.mem.poke(BUF, new Uint8Array(new Uint32Array([6, 0x2000, 0xfffff, 0x51]).buffer));
    expect(call("set_thread_area", BUF)).toBe(0);
    expect(p.cpu.s[S_SEL + 5]).toBe(0x33);
    expect(p.cpu.s[S_SEGBASE + 5]).toBe(0x2000);
  });

  it("exits with the status and the right signal status", () => {
    expect(exitOf(() => mk().call("exit_group", 300)).status).toBe(44);
    const { call } = mk();
    expect(call("kill", 1000, 0)).toBe(0);
    expect(call("kill", 4242, 15)).toBe(-E.ESRCH);
    const e = exitOf(() => call("kill", 1000, 15));
    expect(e.status).toBe(143);
    expect(e.message).toMatch(/SIGTERM/);
  });

  it("ignores SIG_IGN signals and defers blocked ones", () => {
    const { p, call } = mk();
    p.mem.poke(BUF, new Uint8Array(new Uint32Array([1, 0, 0, 0, 0]).buffer));
    expect(call("rt_sigaction", 10, BUF, 0, 8)).toBe(0);
    expect(call("kill", 1000, 10)).toBe(0);
    p.mem.poke(BUF, new Uint8Array(new Uint32Array([1 << 11, 0]).buffer)); // SIGUSR2
    expect(call("rt_sigprocmask", 0, BUF, 0, 8)).toBe(0);
    expect(call("tgkill", 1000, 1000, 12)).toBe(0);
    expect(exitOf(() => call("rt_sigprocmask", 1, BUF, 0, 8)).status).toBe(128 + 12);
  });

  it("fills getrandom deterministically per seed", () => {
    const a = mk({ seed: 5 }), b = mk({ seed: 5 });
    expect(a.call("getrandom", BUF, 32, 0)).toBe(32);
    b.call("getrandom", BUF, 32, 0);
    expect(a.bytes(BUF, 32)).toBe(b.bytes(BUF, 32));
  });

  it("reads clocks", () => {
    const { p, call } = mk();
    expect(call("clock_gettime64", 0, BUF)).toBe(0);
    expect(Math.abs(p.mem.read32(BUF) - Date.now() / 1000)).toBeLessThan(5);
    expect(call("clock_gettime", 99, BUF)).toBe(-E.EINVAL);
  });
});

describe("syscalls: reporting", () => {
  it("reports an unimplemented syscall once under --warn, stays quiet without it, or ends the run when strict", () => {
    const { call, lines } = mk({ warn: true });
    expect(call("vhangup")).toBe(-E.ENOSYS);
    expect(call("vhangup")).toBe(-E.ENOSYS);
    expect(lines).toEqual(["cdvm: unimplemented syscall 111 (vhangup)"]);
    const quiet = mk();
    expect(quiet.call("vhangup")).toBe(-E.ENOSYS);
    expect(quiet.lines).toEqual([]);
    const e = exitOf(() => mk({ strict: true }).call("vhangup"));
    expect(e.status).toBe(125);
    expect(e.message).toBe("cdvm: unimplemented syscall 111 (vhangup)");
  });

  it("returns ENOSYS for threads with one note under --warn; clone3 and rseq are silent", () => {
    const { call, lines } = mk({ warn: true });
    const CLONE_VM = 0x100, CLONE_THREAD = 0x10000, SIGCHLD = 17;
    expect(call("clone", CLONE_VM | SIGCHLD)).toBe(-E.ENOSYS);
    expect(call("clone", CLONE_VM | CLONE_THREAD | 0x800)).toBe(-E.ENOSYS);
    expect(call("clone3", 0, 88)).toBe(-E.ENOSYS);
    expect(call("rseq", 0, 32, 0, 0)).toBe(-E.ENOSYS);
    expect(lines).toEqual(["cdvm: threads (clone with CLONE_VM or CLONE_THREAD) are not supported"]);
  });

  it("forks: the child is a copy with its own pid and EAX 0, and wait4 reaps what it leaves", () => {
    const { p, call, u32 } = mk();
    const child = p.kernel.live.get(call("fork"))!;
    expect(child.pid).not.toBe(p.pid);
    expect(child.ppid).toBe(p.pid);
    expect(child.cpu.s[0]).toBe(0);
    expect(call("wait4", -1, 0, 1, 0)).toBe(0); // WNOHANG: the child is alive
    child.end(3 << 8);
    expect(call("wait4", child.pid, BUF, 0, 0)).toBe(child.pid);
    expect(u32(BUF)).toBe(0x300);
    expect(call("wait4", -1, 0, 0, 0)).toBe(-E.ECHILD);
  });

  it("prints strace lines", () => {
    const { call, str, lines } = mk({ strace: true });
    call("open", str("/nonexistent/x"), 0o2000000, 0);
    call("mmap2", 0, 4096, 3, 0x22, -1, 0);
    expect(() => call("exit_group", 0)).toThrow();
    expect(lines[0]).toBe('open("/nonexistent/x", O_RDONLY|O_CLOEXEC, 0) = -2 ENOENT');
    expect(lines[1]).toMatch(/^mmap2\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x[0-9a-f]+$/);
    expect(lines[2]).toBe("exit_group(0) = ?");
  });
});
