/**
 * The persistent translation cache on disk: one file per (program,
 * configuration) key in a cache directory, holding WebAssembly modules and,
 * for every block they translate, the guest code bytes it was made from.
 * recall.ts uses a file during a run; `cdvm cache` shows and clears the
 * directory.
 *
 * File: "CDVMTC01", a u32 header length, the header (JSON: the full key and
 * each module's size, last use and regions of blocks [start, length, insns,
 * n]: block n of the module, whose export is b<n>), the payload (each
 * module's bytes, then its blocks' guest code bytes in order), and the
 * SHA-256 of everything before it. A file that is short, fails its checksum,
 * or whose header does not describe its payload exactly is refused whole
 * (TCacheError), as is a file made for another key: its name is a hash of
 * the key, so that takes a collision or a renamed file.
 *
 * Writes go to a temporary file renamed over the old one, so a reader sees
 * the old file or the new, never a mix, and concurrent runs of one program
 * lose at most each other's additions. The directory is kept under a size
 * cap by removing the least recently used files (modification time: a run
 * that uses a file touches it).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../../bin/bundle.mjs";

const MAGIC = "CDVMTC01";
const SUM = 32;
/** The format's version: part of every key, so files of another format are never read as this one. */
const FORMAT = 1;
/** Sanity bounds on what a header may claim. */
const MAX_BLOCK_BYTES = 1 << 16, MAX_BLOCKS = 1 << 20;
export const DEFAULT_TCACHE_SIZE = 256 << 20;
/** A file holds at most this share of the directory's cap. */
const FILE_SHARE = 4;
const EXT = ".tc";

export class TCacheError extends Error {}

export interface StoredBlock {
  start: number;
  length: number;
  /** Guest instructions the block's translation covers. */
  insns: number;
  /** Its index in the module: export b<n>, and the n of the module's interp(n, k) calls. */
  n: number;
  /** The guest code bytes it was translated from. */
  code: Uint8Array;
}

export interface StoredModule {
  wasm: Uint8Array;
  /** When a run last made or installed it (ms since the epoch): what stays when a file is full. */
  used: number;
  /** Each region's blocks: a region is installed whole or not at all (they branch to each other). */
  regions: StoredBlock[][];
}

/** $CDVM_TCACHE, else $XDG_CACHE_HOME/cdvm/tcache, else ~/.cache/cdvm/tcache. */
export function defaultTCacheDir(): string {
  if (process.env.CDVM_TCACHE) return process.env.CDVM_TCACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "cdvm", "tcache");
}

let build: string | undefined;

/**
 * A hash of cdvm's own source (src/), so a file made by another version of the translator — or
 * the same version with any change — is never used: what a translation means depends on all of it.
 */
function buildId(): string {
  if (build) return build;
  const h = createHash("sha256");
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else { h.update(p.slice(ROOT.length)); h.update(fs.readFileSync(p)); }
    }
  };
  walk(path.join(ROOT, "src"));
  return (build = h.digest("hex"));
}

/** The key of a run's translations: the program's bytes, the configuration that shapes translations, and cdvm's build. */
export function tcacheKey(program: Uint8Array, config: Record<string, unknown>): string {
  const digest = createHash("sha256").update(program).digest("hex");
  return JSON.stringify({ format: FORMAT, build: buildId(), program: digest, ...config });
}

export function tcacheFile(dir: string, key: string): string {
  return path.join(dir, createHash("sha256").update(key).digest("hex").slice(0, 32) + EXT);
}

/** The most bytes one file may hold under a directory cap. */
export function fileCap(dirCap: number): number {
  return Math.floor(dirCap / FILE_SHARE);
}

export function encode(key: string, modules: readonly StoredModule[]): Uint8Array {
  const header = Buffer.from(JSON.stringify({
    key,
    modules: modules.map((m) => ({ wasm: m.wasm.length, used: m.used, regions: m.regions.map((r) => r.map((b) => [b.start, b.length, b.insns, b.n])) })),
  }));
  const parts: Uint8Array[] = [Buffer.from(MAGIC, "latin1"), u32(header.length), header];
  for (const m of modules) parts.push(m.wasm, ...m.regions.flatMap((r) => r.map((b) => b.code)));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash("sha256").update(body).digest()]);
}

function u32(v: number): Uint8Array {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
}

const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** The modules of a file's bytes made for key (any key: tools that replay a file); throws TCacheError saying why the bytes are refused. */
export function decode(bytes: Uint8Array, key?: string): StoredModule[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < MAGIC.length + 4 + SUM || buf.toString("latin1", 0, MAGIC.length) !== MAGIC) throw new TCacheError("not a cdvm translation cache file");
  const bodyEnd = buf.length - SUM;
  if (!createHash("sha256").update(buf.subarray(0, bodyEnd)).digest().equals(buf.subarray(bodyEnd))) throw new TCacheError("checksum mismatch (truncated or corrupted)");
  const headerEnd = MAGIC.length + 4 + buf.readUInt32LE(MAGIC.length);
  if (headerEnd > bodyEnd) throw new TCacheError("header runs past the end");
  let header: { key?: unknown; modules?: unknown };
  try {
    header = JSON.parse(buf.toString("utf8", MAGIC.length + 4, headerEnd));
  } catch {
    throw new TCacheError("malformed header");
  }
  if (key !== undefined && header.key !== key) throw new TCacheError("made for another program, configuration or build");
  if (!Array.isArray(header.modules)) throw new TCacheError("malformed header");
  let at = headerEnd, blocks = 0;
  const take = (n: number) => {
    if (at + n > bodyEnd) throw new TCacheError("payload shorter than its header says");
    const out = buf.subarray(at, at + n);
    at += n;
    return out;
  };
  const modules = header.modules.map((m: { wasm?: unknown; used?: unknown; regions?: unknown }) => {
    if (!isInt(m?.wasm, 8, bodyEnd) || !isInt(m.used, 0, Number.MAX_SAFE_INTEGER) || !Array.isArray(m.regions)) throw new TCacheError("malformed module entry");
    const wasm = take(m.wasm);
    const regions = m.regions.map((r: unknown) => {
      if (!Array.isArray(r) || !r.length) throw new TCacheError("malformed region");
      return r.map((b: unknown) => {
        if (!Array.isArray(b) || !isInt(b[0], 0, 0xffffffff) || !isInt(b[1], 1, MAX_BLOCK_BYTES) || !isInt(b[2], 1, b[1]) || !isInt(b[3], 0, MAX_BLOCKS) || ++blocks > MAX_BLOCKS) {
          throw new TCacheError("malformed block entry");
        }
        return { start: b[0], length: b[1], insns: b[2], n: b[3], code: take(b[1]) };
      });
    });
    return { wasm, used: m.used, regions };
  });
  if (at !== bodyEnd) throw new TCacheError("payload longer than its header says");
  return modules;
}

/** The modules of the file for key: [] if there is none; TCacheError if it is refused (larger than cap included). */
export function readTCache(file: string, key: string, cap: number): StoredModule[] {
  let bytes: Uint8Array;
  try {
    const size = fs.statSync(file).size;
    if (size > cap) throw new TCacheError(`larger than the cache's ${cap}-byte file cap`);
    bytes = fs.readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    if (e instanceof TCacheError) throw e;
    throw new TCacheError(`unreadable (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  return decode(bytes, key);
}

/** Writes the file atomically (temporary file, then rename); then keeps the directory under dirCap. */
export function writeTCache(file: string, bytes: Uint8Array, dirCap: number): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  evict(dir, dirCap, file);
}

/** Marks a file used now (its modification time is what eviction orders by). */
export function touchTCache(file: string): void {
  const now = new Date();
  try { fs.utimesSync(file, now, now); } catch { /* removed meanwhile: nothing to keep */ }
}

export interface TCacheListing { files: number; bytes: number }

/** The cache files in dir, least recently used first. */
function entries(dir: string): { file: string; bytes: number; mtime: number }[] {
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return []; }
  return names.filter((n) => n.endsWith(EXT)).flatMap((n) => {
    const st = fs.statSync(path.join(dir, n), { throwIfNoEntry: false });
    return st?.isFile() ? [{ file: path.join(dir, n), bytes: st.size, mtime: st.mtimeMs }] : [];
  }).sort((a, b) => a.mtime - b.mtime);
}

/** Removes the least recently used files until the directory holds at most cap bytes; keep stays. */
function evict(dir: string, cap: number, keep: string): void {
  const all = entries(dir);
  let total = all.reduce((n, e) => n + e.bytes, 0);
  for (const e of all) {
    if (total <= cap) break;
    if (e.file === keep) continue;
    fs.rmSync(e.file, { force: true });
    total -= e.bytes;
  }
}

export function listTCache(dir: string): TCacheListing {
  const all = entries(dir);
  return { files: all.length, bytes: all.reduce((n, e) => n + e.bytes, 0) };
}

/** Removes every cache file (and leftover temporary file) in dir; returns how many cache files. */
export function clearTCache(dir: string): number {
  const all = entries(dir);
  for (const e of all) fs.rmSync(e.file, { force: true });
  try {
    for (const n of fs.readdirSync(dir)) if (n.endsWith(".tmp")) fs.rmSync(path.join(dir, n), { force: true });
  } catch { /* no directory: nothing to clear */ }
  return all.length;
}
