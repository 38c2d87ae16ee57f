/**
 * One run's use of the persistent translation cache (tcache.ts): the
 * modules its file holds are read before the guest starts and compiled on
 * the backend worker; a region of a compiled module is installed in the code
 * cache once every one of its blocks holds, at its address and executable,
 * exactly the guest code bytes it was translated from — when its module
 * arrives, or later, when the guest first enters one of its blocks (shared
 * libraries are mapped after the start). Nothing runs from the file unless
 * the bytes match, so a changed program, another program sharing the file,
 * or code rewritten since can never run a stale translation. A region whose
 * bytes differ is left to the translator.
 *
 * At the end of the run the modules translated in it are added to the file
 * (with the guest code bytes they were made from, read when they were
 * installed) and the file is rewritten, keeping the most recently used
 * modules within its share of the cache's size. A file that is refused
 * (tcache.ts) is noted in the statistics and replaced.
 */
import type { Insn } from "../isa/decode.ts";
import type { Machine } from "../interp/machine.ts";
import type { Memory } from "../core/memory.ts";
import { PAGE_SHIFT, PROT_EXEC } from "../core/layout.ts";
import { vmmImports } from "./imports.ts";
import { decodeFrom, pagesOf } from "./pipeline.ts";
import { encode, fileCap, readTCache, TCacheError, touchTCache, writeTCache, type StoredBlock, type StoredModule } from "./tcache.ts";
import type { TranslationSink } from "./translator.ts";

export interface RecallOptions {
  /** The cache file for this run's key, the key, and the cache directory's size cap. */
  file: string;
  key: string;
  dirCap: number;
}

export interface RecallStats {
  file: string;
  /** Why the file was not used, when it was refused. */
  refused?: string;
  loaded: { modules: number; regions: number; bytes: number; ms: number };
  /** Compiling the loaded modules on the worker. */
  compileMs: number;
  installed: { regions: number; blocks: number; guestInsns: number };
  /** Regions whose guest code bytes differ from what the guest now has at their addresses. */
  mismatched: number;
  /** What the end of the run wrote (modules, bytes); or why it could not. */
  written?: { modules: number; bytes: number; ms: number };
  writeError?: string;
}

/** A stored region's state: its module is compiling; compiled; installed; its bytes did not match. */
const WAITING = 0, READY = 1, INSTALLED = 2, MISMATCHED = 3;

/** A block of a fresh translation, as the translator hands it over. */
export interface FreshBlock { start: number; length: number; insns: number; n: number }

export class Recall {
  readonly stats: RecallStats;
  private readonly modules: StoredModule[] = [];
  private readonly state: Uint8Array[] = [];
  private readonly instances: (WebAssembly.Instance | undefined)[] = [];
  /** Per loaded module, the decoded instructions of its installed blocks (its interp imports read them). */
  private readonly insns: Insn[][][] = [];
  /** Block start -> the stored regions holding a block there. */
  private readonly byEip = new Map<number, { m: number; r: number }[]>();
  private readonly fresh: StoredModule[] = [];
  private freshBytes = 0;

  constructor(readonly mem: Memory, readonly cache: TranslationSink, readonly machine: Machine, readonly opts: RecallOptions) {
    const t0 = performance.now();
    this.stats = { file: opts.file, loaded: { modules: 0, regions: 0, bytes: 0, ms: 0 }, compileMs: 0, installed: { regions: 0, blocks: 0, guestInsns: 0 }, mismatched: 0 };
    try {
      this.modules = readTCache(opts.file, opts.key, fileCap(opts.dirCap));
    } catch (e) {
      if (!(e instanceof TCacheError)) throw e;
      this.stats.refused = e.message;
    }
    this.modules.forEach((mod, m) => {
      this.state.push(new Uint8Array(mod.regions.length));
      this.instances.push(undefined);
      this.insns.push([]);
      mod.regions.forEach((region, r) => {
        for (const b of region) {
          const list = this.byEip.get(b.start);
          if (list) list.push({ m, r });
          else this.byEip.set(b.start, [{ m, r }]);
        }
      });
      this.stats.loaded.regions += mod.regions.length;
      this.stats.loaded.bytes += mod.wasm.length;
    });
    this.stats.loaded.modules = this.modules.length;
    this.stats.loaded.ms = performance.now() - t0;
  }

  /** The loaded modules' WebAssembly bytes, in order: the translator has them compiled (arrived() takes each back). */
  get loaded(): readonly Uint8Array[] {
    return this.modules.map((m) => m.wasm);
  }

  /** Loaded module m has been compiled: instantiates it and installs every region that matches the guest's code now. */
  arrived(m: number, module: WebAssembly.Module, compileMs: number): void {
    this.stats.compileMs += compileMs;
    this.instances[m] = new WebAssembly.Instance(module, { env: { mem: this.mem.wasm, table: this.cache.table, ...vmmImports(this.machine, this.insns[m]) } });
    const state = this.state[m];
    state.fill(READY);
    for (let r = 0; r < state.length; r++) this.install(m, r);
  }

  /**
   * Installs the stored regions with a block at eip whose bytes match; "installed" if one was,
   * "coming" if one is still compiling, undefined when the translator must translate eip itself.
   */
  recall(eip: number): "installed" | "coming" | undefined {
    let coming = false;
    for (const { m, r } of this.byEip.get(eip) ?? []) {
      const s = this.state[m][r];
      if (s === WAITING) coming = true;
      else if (s === READY && this.install(m, r)) return "installed";
    }
    return coming ? "coming" : undefined;
  }

  /**
   * Installs region r of module m if all its blocks are mapped executable with their stored bytes;
   * whether it was. A block with a translation already (a PIC thunk's, which many regions hold:
   * pipeline.ts formRegion) keeps it; a region with nothing left to install is left alone.
   */
  private install(m: number, r: number): boolean {
    const region = this.modules[m].regions[r], mem = this.mem;
    if (region.every((b) => this.cache.has(b.start))) return false;
    for (const b of region) {
      for (let p = b.start >>> PAGE_SHIFT; p <= (b.start + b.length - 1) >>> PAGE_SHIFT; p++) if (!(mem.perm[p] & PROT_EXEC)) return false;
      if (!sameBytes(mem.u8, b)) return this.mismatch(m, r);
    }
    const exports = this.instances[m]!.exports;
    const decoded = region.map((b) => decodeFrom(mem, b.start).slice(0, b.insns));
    if (region.some((b, k) => decoded[k].length !== b.insns || typeof exports[`b${b.n}`] !== "function")) return this.mismatch(m, r);
    region.forEach((b, k) => (this.insns[m][b.n] = decoded[k]));
    const pages = [...new Set(region.flatMap(pagesOf))];
    const share = this.modules[m].wasm.length / this.modules[m].regions.reduce((n, x) => n + x.length, 0);
    this.cache.reserve(share * region.length, region.length);
    for (const b of region) {
      if (this.cache.has(b.start)) continue;
      this.cache.install({ eip: b.start, pages, guestInsns: b.insns, fn: exports[`b${b.n}`] as (...args: unknown[]) => unknown }, share);
      this.stats.installed.blocks++;
      this.stats.installed.guestInsns += b.insns;
    }
    this.stats.installed.regions++;
    this.state[m][r] = INSTALLED;
    this.modules[m].used = Date.now();
    return true;
  }

  private mismatch(m: number, r: number): false {
    this.state[m][r] = MISMATCHED;
    this.stats.mismatched++;
    return false;
  }

  /**
   * A module translated in this run, with the regions of it that were installed (just now, so the
   * guest's bytes at their addresses are the ones they were made from). Kept up to the file's cap.
   */
  add(wasm: Uint8Array, regions: readonly (readonly FreshBlock[])[]): void {
    if (!regions.length || this.freshBytes + wasm.length > fileCap(this.opts.dirCap)) return;
    const stored = regions.map((r) => r.map((b): StoredBlock => ({ ...b, code: this.mem.u8.slice(b.start, b.start + b.length) })));
    this.fresh.push({ wasm, used: Date.now(), regions: stored });
    this.freshBytes += wasm.length;
  }

  /** Writes the file: this run's modules, then the loaded ones most recently used first, within the file's cap. */
  save(): void {
    if (!this.fresh.length) {
      if (this.stats.installed.regions) touchTCache(this.opts.file);
      return;
    }
    const t0 = performance.now();
    const cap = fileCap(this.opts.dirCap);
    const all = [...this.fresh, ...[...this.modules].sort((a, b) => b.used - a.used)];
    const kept: StoredModule[] = [];
    let bytes = 0;
    for (const mod of all) {
      const size = mod.wasm.length + mod.regions.reduce((n, r) => n + r.reduce((k, b) => k + b.length + 40, 0), 0);
      if (bytes + size > cap) break;
      kept.push(mod);
      bytes += size;
    }
    try {
      const out = encode(this.opts.key, kept);
      writeTCache(this.opts.file, out, this.opts.dirCap);
      this.stats.written = { modules: kept.length, bytes: out.length, ms: performance.now() - t0 };
    } catch (e) {
      this.stats.writeError = (e as NodeJS.ErrnoException).code ?? String(e);
    }
  }
}

function sameBytes(u8: Uint8Array, b: StoredBlock): boolean {
  for (let k = 0; k < b.length; k++) if (u8[b.start + k] !== b.code[k]) return false;
  return true;
}
