import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E, SysError } from "../src/linux/errno.ts";
import { Sandbox } from "../src/linux/fs.ts";

let top: string; // holds "secret" (outside the root) and the root itself
let root: string;

function errnoOf(f: () => unknown): number {
  try {
    f();
  } catch (e) {
    if (e instanceof SysError) return e.errno;
    throw e;
  }
  return 0;
}

beforeAll(() => {
  top = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-fs-")));
  root = path.join(top, "root");
  fs.writeFileSync(path.join(top, "secret"), "outside");
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.mkdirSync(path.join(root, "a/b"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/passwd"), "inside");
  fs.symlinkSync("/etc", path.join(root, "abs-etc"));
  fs.symlinkSync("../../../../..", path.join(root, "a/b/up"));
  fs.symlinkSync(path.join(top, "secret"), path.join(root, "abs-secret"));
  fs.symlinkSync("loop2", path.join(root, "loop1"));
  fs.symlinkSync("loop1", path.join(root, "loop2"));
  fs.symlinkSync("b", path.join(root, "a/rel"));
  fs.symlinkSync("dangling-target", path.join(root, "dangling"));
});

afterAll(() => fs.rmSync(top, { recursive: true, force: true }));

describe("file-system sandbox", () => {
  it("maps absolute and relative guest paths under the root", () => {
    const sb = new Sandbox(root);
    expect(sb.resolve("/etc/passwd", true)).toEqual({ guest: "/etc/passwd", host: path.join(root, "etc/passwd") });
    sb.chdir("/a");
    expect(sb.cwd).toBe("/a");
    expect(sb.resolve("b", true).host).toBe(path.join(root, "a/b"));
    expect(sb.resolve("./b/../b/.", true).guest).toBe("/a/b");
  });

  it("clamps .. at the root", () => {
    const sb = new Sandbox(root);
    expect(sb.resolve("../../../secret", true).host).toBe(path.join(root, "secret"));
    expect(sb.resolve("/../..", true)).toEqual({ guest: "/", host: root });
    sb.chdir("/a/b");
    expect(sb.resolve("../../../../etc/passwd", true).host).toBe(path.join(root, "etc/passwd"));
  });

  it("re-roots absolute symlink targets", () => {
    const sb = new Sandbox(root);
    expect(sb.resolve("/abs-etc/passwd", true).host).toBe(path.join(root, "etc/passwd"));
    expect(fs.readFileSync(sb.resolve("/abs-etc/passwd", true).host, "utf8")).toBe("inside");
    // a link to a host path outside the root lands on the same path inside it (which does not exist)
    expect(sb.resolve("/abs-secret", true).host).toBe(path.join(root, top, "secret"));
  });

  it("clamps .. inside relative symlink targets", () => {
    const sb = new Sandbox(root);
    expect(sb.resolve("/a/b/up/secret", true).host).toBe(path.join(root, "secret"));
    expect(sb.resolve("/a/b/up", true).guest).toBe("/");
  });

  it("does not follow a final symlink unless asked, but follows with a trailing slash", () => {
    const sb = new Sandbox(root);
    expect(sb.resolve("/a/rel", false).host).toBe(path.join(root, "a/rel"));
    expect(sb.resolve("/a/rel", true).host).toBe(path.join(root, "a/b"));
    expect(sb.resolve("/a/rel/", false).host).toBe(path.join(root, "a/b") + "/");
    expect(sb.resolve("/dangling", true).host).toBe(path.join(root, "dangling-target"));
  });

  it("reports symlink loops as ELOOP and empty paths as ENOENT", () => {
    const sb = new Sandbox(root);
    expect(errnoOf(() => sb.resolve("/loop1", true))).toBe(E.ELOOP);
    expect(errnoOf(() => sb.resolve("/loop1/x", false))).toBe(E.ELOOP);
    expect(errnoOf(() => sb.resolve("/loop1", false))).toBe(0);
    expect(errnoOf(() => sb.resolve("", true))).toBe(E.ENOENT);
    expect(errnoOf(() => sb.chdir("/etc/passwd"))).toBe(E.ENOTDIR);
    expect(errnoOf(() => sb.chdir("/nope"))).toBe(E.ENOENT);
  });

  it("maps host paths back to guest paths", () => {
    const sb = new Sandbox(root);
    expect(sb.guestOf(path.join(root, "a/b"))).toBe("/a/b");
    expect(sb.guestOf(root)).toBe("/");
    expect(sb.guestOf(path.join(top, "secret"))).toBeNull();
    expect(sb.guestOf(root + "x")).toBeNull();
  });

  it("is the identity with root /", () => {
    const sb = new Sandbox("/");
    expect(sb.resolve(top + "/root/etc/passwd", true).host).toBe(path.join(root, "etc/passwd"));
    expect(sb.resolve("/", true)).toEqual({ guest: "/", host: "/" });
    expect(sb.guestOf("/usr/bin")).toBe("/usr/bin");
  });
});
