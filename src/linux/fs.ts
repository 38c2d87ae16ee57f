/**
 * The file-system sandbox: maps guest paths to host paths inside a host
 * root directory, resolving symlinks one component at a time so that no
 * path, `..` or symlink target (absolute targets are re-rooted) can leave
 * the root. With root "/" the mapping is the identity.
 *
 * The host's /proc/self, /proc/thread-self and /proc/<pid of any VMM
 * thread> are the VMM (its memory, maps, environment): under the guest's
 * /proc and under every host procfs mount inside the root, `self` and
 * `thread-self` are virtual links to the guest process's own <pid> directory,
 * which is never looked up on the host (Resolved.proc names the entry;
 * linux/procfs.ts serves it), and the VMM's thread ids do not exist.
 *
 * Invariants: cwd is always a canonical absolute guest path (no `.`, `..`,
 * symlinks or repeated slashes); every host path returned is root joined
 * with a canonical guest path, so it lies inside root, or "" (which every
 * host call refuses) for a virtual /proc entry. A symlink swapped in by
 * another host process between resolution and use is not defended
 * against, nor a procfs mounted after the sandbox was made.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { GUEST_PID } from "./abi.ts";
import { E, SysError, fail, hostErrno } from "./errno.ts";

/** Linux's limit on symlinks followed during one lookup. */
const MAX_SYMLINKS = 40;
const PATH_MAX = 4096;

export interface Resolved {
  /** Canonical absolute guest path. */
  guest: string;
  /** Host path: root + guest (plus a trailing "/" when the guest path had one); "" when proc is set. */
  host: string;
  /**
   * For the guest's own /proc entries: the path below the proc mount,
   * "self", "thread-self", or "<pid>" and what follows it.
   */
  proc?: string;
}

/** Where /proc/self and /proc/thread-self lead, below the proc mount. */
const PROC_LINKS = new Set(["self", "thread-self"]);

export class Sandbox {
  /** Absolute host path of the root, without a trailing slash ("" for "/"). */
  private readonly rootPrefix: string;
  cwd: string;
  /** The guest's own directory under /proc: its pid (a forked child's view changes it). */
  pidDir = String(GUEST_PID);
  /** Guest paths, as component lists, where the guest's /proc is: "/proc" and every host procfs mount inside root. */
  private readonly procMounts: string[][];

  /** The initial cwd is the host's, when it lies inside root; otherwise "/". */
  constructor(root = "/") {
    const real = fs.realpathSync(root);
    this.rootPrefix = real === "/" ? "" : real;
    this.cwd = this.guestOf(fs.realpathSync(process.cwd())) ?? "/";
    const mounts = new Set(["/proc", ...hostProcMounts().map((m) => this.guestOf(m)).filter((g) => g !== null)]);
    this.procMounts = [...mounts].map(split);
  }

  /** A forked child's view: the same root, a cwd of its own. */
  fork(pid: number): Sandbox {
    const s = Object.assign(Object.create(Sandbox.prototype) as Sandbox, this);
    s.pidDir = String(pid);
    return s;
  }

  /** Where /proc/self or /proc/thread-self leads, below the proc mount. */
  private procLink(name: string): string {
    return name === "self" ? this.pidDir : `${this.pidDir}/task/${this.pidDir}`;
  }

  /** The path of done below a proc mount, or null when it is not below one. */
  private procPath(done: string[]): string | null {
    for (const m of this.procMounts) {
      if (done.length > m.length && m.every((c, i) => done[i] === c)) return done.slice(m.length).join("/");
    }
    return null;
  }

  /** Host path of a canonical guest path. */
  hostOf(guest: string): string {
    return guest === "/" ? this.rootPrefix || "/" : this.rootPrefix + guest;
  }

  /** Guest path of a host path, or null when it lies outside the root. */
  guestOf(host: string): string | null {
    const abs = path.resolve(host);
    if (!this.rootPrefix) return abs;
    if (abs === this.rootPrefix) return "/";
    return abs.startsWith(this.rootPrefix + "/") ? abs.slice(this.rootPrefix.length) : null;
  }

  /**
   * Resolves a guest path relative to base (a canonical guest directory,
   * default cwd). followLast: whether a final symlink is followed; a
   * trailing slash always follows it. Throws SysError(ENOENT) for "",
   * ENAMETOOLONG, ELOOP; missing components are left for the host call to
   * report.
   */
  resolve(guestPath: string, followLast: boolean, base = this.cwd): Resolved {
    if (guestPath === "") fail(E.ENOENT);
    if (guestPath.length >= PATH_MAX) fail(E.ENAMETOOLONG);
    const trailingSlash = guestPath.endsWith("/");
    const follow = followLast || trailingSlash;
    const done: string[] = guestPath.startsWith("/") ? [] : split(base);
    const todo = split(guestPath).reverse(); // a stack: next component last
    let links = 0;
    while (todo.length) {
      const name = todo.pop()!;
      if (name === ".") continue;
      if (name === "..") { done.pop(); continue; }
      done.push(name);
      const proc = this.procPath(done);
      if (proc !== null && !proc.includes("/") && /^\d+$/.test(proc) && proc !== this.pidDir && isVmmThread(proc)) fail(E.ENOENT);
      if (proc !== null && (proc === this.pidDir || proc.startsWith(this.pidDir + "/"))) continue; // virtual: nothing to follow here
      if (!todo.length && !follow) break;
      const target = proc !== null && PROC_LINKS.has(proc) ? this.procLink(proc) : readLinkOrNull(this.hostOf("/" + done.join("/")));
      if (target === null) continue;
      if (++links > MAX_SYMLINKS) fail(E.ELOOP);
      done.pop();
      if (target.startsWith("/")) done.length = 0;
      todo.push(...split(target).reverse());
    }
    const guest = "/" + done.join("/");
    const proc = this.procPath(done);
    if (proc !== null && (PROC_LINKS.has(proc) || proc === this.pidDir || proc.startsWith(this.pidDir + "/"))) return { guest, host: "", proc };
    const host = this.hostOf(guest);
    return { guest, host: trailingSlash && guest !== "/" ? host + "/" : host };
  }

  /** chdir: the target must be a directory; cwd becomes its canonical guest path. */
  chdir(guestPath: string, base = this.cwd): void {
    const r = this.resolve(guestPath, true, base);
    let st: fs.Stats;
    try { st = fs.statSync(r.host); } catch (e) { throw new SysError(hostErrno(e)); }
    if (!st.isDirectory()) fail(E.ENOTDIR);
    this.cwd = r.guest;
  }
}

/** Mount points of the host's procfs file systems (from the VMM's mountinfo; none if unreadable). */
function hostProcMounts(): string[] {
  let info: string;
  try {
    info = fs.readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return [];
  }
  // "id parent dev root mountpoint options [optional...] - fstype source superoptions"; spaces are escaped as \040.
  return info.split("\n").filter((l) => / - proc /.test(l))
    .map((l) => l.split(" ")[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** Whether tid (decimal) is a thread of the VMM's own process, whose /proc entries are its memory. */
function isVmmThread(tid: string): boolean {
  return fs.existsSync(`/proc/${process.pid}/task/${tid}`);
}

/** Whether a host path names something, a symlink included (existsSync would follow the link). */
export function lexists(host: string): boolean {
  return fs.lstatSync(host, { throwIfNoEntry: false }) !== undefined;
}

function split(p: string): string[] {
  return p.split("/").filter((c) => c !== "");
}

/** The link target when host is a symlink; null when it is not one or does not exist. */
function readLinkOrNull(host: string): string | null {
  try {
    return fs.readlinkSync(host);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EINVAL" || code === "ENOENT" || code === "ENOTDIR") return null;
    throw new SysError(hostErrno(e));
  }
}
