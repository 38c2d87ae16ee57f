/**
 * The translation tier's driver. A request forms the region on the main
 * thread (pipeline.ts formRegion: region growth, decode, code bytes); then,
 * on the backend worker (worker.ts), the bytes are decoded again, lifted and
 * passed (pipeline.ts liftFormed) -> WebAssembly bytes (backend.ts: emit;
 * Binaryen passes when asked for) -> WebAssembly.Module (compile); back on
 * the main thread: instantiate and install in the code cache, with the
 * instructions this thread decoded for the interp operations. Regions formed
 * while the worker is busy, or within GATHER_MS of each other, go out
 * together as one module when it is free (submit).
 * A translation whose guest pages were overwritten while it was in flight is
 * dropped at install (per-page code versions), so SMC never installs stale code.
 * Blocks whose first instruction can be neither lifted nor interpreted are
 * remembered (per page, forgotten when the page changes) and left to the
 * interpreter; so is every block on a page whose code has been written
 * VOLATILE_PAGE_WRITES times since it was mapped (code rewritten in a loop:
 * translating it anew after every write cost a bbt run of such a program
 * ~1 ms per write, 99 s for 100 000).
 * With a persistent translation cache (recall.ts), its modules go to the
 * worker first, to be compiled; a block they hold is not translated again
 * while they compile, and is installed from them when its bytes match.
 * Each module is instantiated with the VMM's imports (vmmImports): for
 * interp operations, the interpreter's executors over the batch's decoded
 * instructions, which live as long as the instance.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { formatInsn } from "../isa/disasm.ts";
import type { Insn } from "../isa/decode.ts";
import type { Machine } from "../interp/machine.ts";
import { x87ModelOf } from "../interp/fpu.ts";
import { PAGE_SHIFT } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";
import { RemoteBackend } from "./remote.ts";
import type { WorkReply } from "./worker.ts";
import { vmmImports } from "./imports.ts";
import { formRegion, pagesOf, type FormedBlock } from "./pipeline.ts";
import type { Pass } from "./passes/index.ts";
import { encodeRequest } from "./request.ts";
import { Recall, type FreshBlock, type RecallOptions } from "./recall.ts";

/** A region in flight: its formed blocks with the code versions of their pages when it was formed. */
type Region = (FormedBlock & { versions: number[] })[];

/** The guest bytes a formed block covers. */
const extentOf = (b: FormedBlock): { start: number; length: number } => ({ start: b.start, length: b.code.length });

/** The most blocks one translation module holds: regions queued while the worker is busy wait for it up to this many. */
const MODULE_BLOCKS = 512;
/**
 * An idle worker gets the queue once it holds GATHER_BLOCKS blocks or its oldest region has waited
 * GATHER_MS: sent at once, a lone region made a module of its own whenever the worker kept up, and
 * many small modules cost more to make and run slower than a few big ones: V8 spends ~0.2 ms on a
 * module whatever its size, and calls between instances cost more than calls within one (gawk_csv
 * at small: 95-133 modules and 4.3-4.5 s sent at once, 24-28 modules and 3.8-3.9 s gathered;
 * papers/lab-notes.md).
 */
const GATHER_BLOCKS = 256;
const GATHER_MS = 25;

/** One installed entry of a translation module. */
export interface Translation {
  eip: number;
  /** Guest pages whose change must drop it: those of every block its module can branch to. */
  pages: number[];
  guestInsns: number;
  fn: (...args: unknown[]) => unknown;
}

/** Where finished translations go (the VMM's code cache, vmm/codecache.ts). */
export interface TranslationSink {
  /** The funcref table translations sit in, which translated code tail-calls through (direct-chain). */
  readonly table: WebAssembly.Table;
  has(eip: number): boolean;
  /** Makes room for count entries of a module of the given size. */
  reserve(bytes: number, count: number): void;
  /** Installs one entry; bytes is its share of its module's size. */
  install(t: Translation, bytes: number): void;
}

export interface TranslatorOptions {
  passes: Pass[];
  optLevel: number;
  binaryenPasses?: string[];
  /** Blocks a region takes at most (pipeline.ts FormOptions.maxBlocks; --region-blocks). */
  regionBlocks: number;
  /** How far below the guest's thread translation's threads run (priority.ts; --translator-nice). */
  nice: number;
  dumpDir?: string;
  /** Staged mode: the interpreter's entries of the block at eip; a region then grows hottest first, into blocks nearly as hot as its first (pipeline.ts). */
  heat?: (eip: number) => number;
  /** The interpreter's instructions of a block it has decoded (pipeline.ts FormOptions.decoded). */
  decoded?: (eip: number) => Insn[] | undefined;
  /** The persistent translation cache's file for this run (none: --no-tcache). */
  tcache?: RecallOptions;
}

export interface TranslatorStats {
  /** Guest instructions of the regions asked for (request), whether they lifted or not. */
  guestInsnsRequested: number;
  blocksTranslated: number;
  guestInsnsTranslated: number;
  modules: number;
  wasmBytes: number;
  /** Milliseconds from a module's submission to its installation, summed and at most. */
  waitMs: number;
  maxWaitMs: number;
  /** Milliseconds per stage: region (formation, main thread), decodeLift .. compile (worker), install (main thread). */
  ms: { region: number; decodeLift: number; passes: number; emit: number; optimize: number; compile: number; install: number };
  /** Where blocks ended before a control transfer because the lifter stopped: mnemonic (reason) -> blocks. */
  liftStops: Map<string, number>;
}

/** Writes into a page's code (since it was mapped) after which its blocks are no longer translated. */
export const VOLATILE_PAGE_WRITES = 64;

export class Translator {
  readonly stats: TranslatorStats = {
    guestInsnsRequested: 0, blocksTranslated: 0, guestInsnsTranslated: 0, modules: 0, wasmBytes: 0, waitMs: 0, maxWaitMs: 0,
    ms: { region: 0, decodeLift: 0, passes: 0, emit: 0, optimize: 0, compile: 0, install: 0 },
    liftStops: new Map(),
  };
  private readonly untranslatable = new Map<number, Set<number>>();
  private readonly pageVersion = new Map<number, number>();
  /** Writes into each page's code since the page was mapped. */
  private readonly rewrites = new Map<number, number>();
  /** Modules in the worker, by request id: their regions, and when they were submitted; or which recalled module it is. */
  private readonly pending = new Map<number, { regions: Region[]; at: number } | { recalled: number }>();
  /** Regions formed while the worker was busy, to go out as one module. */
  private queued: Region[] = [];
  private queuedBlocks = 0;
  /** When the oldest queued region was formed (performance.now()). */
  private queuedAt = 0;
  private readonly pendingEips = new Set<number>();
  private readonly backend: RemoteBackend;
  /** The persistent cache's modules for this run, when there is one. */
  readonly recall: Recall | undefined;
  dispatcherModule: WebAssembly.Module | undefined;
  private dumped = 0;

  constructor(
    readonly mem: Memory,
    readonly cache: TranslationSink,
    /** The interpreter's machine, whose executors interp operations call. */
    readonly machine: Machine,
    readonly opts: TranslatorOptions,
  ) {
    if (opts.dumpDir) fs.mkdirSync(opts.dumpDir, { recursive: true });
    this.backend = new RemoteBackend({
      optLevel: opts.optLevel, passes: opts.binaryenPasses, wantText: !!opts.dumpDir, keepBinary: !!opts.tcache,
      irPasses: opts.passes.map((p) => p.name), x87Model: x87ModelOf(machine),
    }, opts.nice);
    if (opts.tcache) {
      this.recall = new Recall(mem, cache, machine, opts.tcache);
      this.recall.loaded.forEach((wasm, m) => this.pending.set(this.backend.submitWasm(wasm), { recalled: m }));
    }
  }

  /** Threads lowered below the guest's when the worker started (priority.ts). */
  get threadsLowered(): number {
    return this.backend.lowered;
  }

  isUntranslatable(eip: number): boolean {
    const page = eip >>> PAGE_SHIFT;
    return this.volatile(page) || (this.untranslatable.get(page)?.has(eip) ?? false);
  }

  /** Whether the page's code has been rewritten too often to be worth translating again. */
  private volatile(page: number): boolean {
    return (this.rewrites.get(page) ?? 0) >= VOLATILE_PAGE_WRITES;
  }

  /**
   * Called when a page's code changes — written, or (remapped) mapped over or unmapped: earlier
   * verdicts and in-flight translations of it no longer hold.
   */
  forgetPage(page: number, remapped = false): void {
    this.untranslatable.delete(page);
    this.pageVersion.set(page, (this.pageVersion.get(page) ?? 0) + 1);
    if (remapped) this.rewrites.delete(page);
    else this.rewrites.set(page, (this.rewrites.get(page) ?? 0) + 1);
  }

  /** Ends the run's translation: the persistent cache gets this run's modules; the worker stops. */
  close(): void {
    this.recall?.save();
    this.backend.terminate();
  }

  /** Installs the persistent cache's translation of the block at eip if it has one whose bytes match (the guest's first entry). */
  recallAt(eip: number): void {
    this.recall?.recall(eip);
  }

  /** Forms the region at eip (pipeline.ts) and queues it for the backend worker. */
  request(eip: number): boolean {
    if (this.pendingEips.has(eip >>> 0) || this.recall?.recall(eip >>> 0)) return false;
    const t0 = performance.now();
    const formed = formRegion(this.mem, eip, {
      maxBlocks: this.opts.regionBlocks,
      skip: (at) => this.cache.has(at) || this.pendingEips.has(at) || this.isUntranslatable(at),
      skipPage: (page) => this.volatile(page),
      heat: this.opts.heat,
      decoded: this.opts.decoded,
    });
    this.stats.ms.region += performance.now() - t0;
    if (!formed.length) return false;
    const blocks = formed.map((b) => ({ ...b, versions: this.versionsOf(extentOf(b)) }));
    for (const b of blocks) {
      this.pendingEips.add(b.start);
      this.stats.guestInsnsRequested += b.insns.length;
    }
    if (!this.queued.length) this.queuedAt = t0;
    this.queued.push(blocks);
    this.queuedBlocks += blocks.length;
    if (this.queuedBlocks >= MODULE_BLOCKS || this.gathered()) this.submit();
    return true;
  }

  /** Whether the queue should go to the worker now: it is idle, and the queue is big or old enough. */
  private gathered(): boolean {
    return this.pending.size === 0 && (this.queuedBlocks >= GATHER_BLOCKS || performance.now() - this.queuedAt >= GATHER_MS);
  }

  /**
   * Sends the queued regions to the worker as one module. The queue goes out when the worker is
   * idle, so a module holds what was lifted while the previous one compiled: one region when
   * translation keeps up, many when it does not — and then a module's fixed costs (compiling,
   * instantiating) are shared by all of them.
   */
  private submit(): void {
    const regions = this.queued;
    this.queued = [];
    this.queuedBlocks = 0;
    const id = this.backend.submit(encodeRequest(regions));
    this.pending.set(id, { regions, at: performance.now() });
  }

  /** Installs every batch the worker has finished; returns how many arrived. */
  pump(): number {
    let n = 0;
    for (let r = this.backend.poll(); r; r = this.backend.poll()) { this.accept(r); n++; }
    if (this.queued.length && this.gathered()) this.submit();
    return n;
  }

  /** Waits until the dispatcher module has arrived (bbt mode, before the first block). */
  waitReady(): void {
    while (!this.dispatcherModule) this.accept(this.backend.next());
  }

  /** Translates the region at eip and waits for it: bbt mode. */
  translateNow(eip: number): boolean {
    while (this.recall?.recall(eip >>> 0) === "coming") this.accept(this.backend.next());
    if (!this.request(eip)) return this.cache.has(eip);
    if (this.queued.length) this.submit();
    while (this.pending.size) this.accept(this.backend.next());
    return this.cache.has(eip);
  }

  private accept(r: WorkReply): void {
    if (r.kind === "dispatcher") { this.dispatcherModule = r.module; return; }
    const p = this.pending.get(r.id);
    if (!p) throw new Error(`backend reply ${r.id} (${r.kind}) answers no request in flight (${[...this.pending.keys()].join(", ") || "none"})`);
    if ("recalled" in p) {
      this.pending.delete(r.id);
      if (r.kind === "error") throw new Error(`recalled translation failed to compile: ${r.message}`);
      this.recall!.arrived(p.recalled, r.module, r.compileMs);
      return;
    }
    const { regions, at } = p;
    const wait = performance.now() - at;
    this.stats.waitMs += wait;
    this.stats.maxWaitMs = Math.max(this.stats.maxWaitMs, wait);
    this.pending.delete(r.id);
    for (const b of regions.flat()) this.pendingEips.delete(b.start);
    if (r.kind === "error") throw new Error(`translation failed: ${r.message}`);
    const front = r.front!;
    this.stats.ms.decodeLift += front.decodeLiftMs;
    this.stats.ms.passes += front.passesMs;
    this.stats.ms.emit += r.emitMs;
    this.stats.ms.optimize += r.optimizeMs;
    this.stats.ms.compile += r.compileMs;
    for (const [stop, n] of front.liftStops) this.stats.liftStops.set(stop, (this.stats.liftStops.get(stop) ?? 0) + n);
    // The module's blocks: each region's blocks that lifted, in order, each cut to the instructions its IR covers.
    let k = 0;
    const translated = regions.map((region) => region.flatMap((b) => {
      const insns = front.lifted[k++];
      if (insns) return [{ ...b, insns: b.insns.slice(0, insns), length: b.insns[insns - 1].next - b.start }];
      if (this.unchanged(b)) this.markUntranslatable(b.start);
      return [];
    })).filter((region) => region.length);
    const blocks = translated.flat();
    const t0 = performance.now();
    const imports = vmmImports(this.machine, blocks.map((b) => b.insns));
    const instance = new WebAssembly.Instance(r.module, { env: { mem: this.mem.wasm, table: this.cache.table, ...imports } });
    // Blocks of a region branch to each other directly (link-blocks), so a region lives or dies whole:
    // it is dropped if any of its pages changed in flight, and each entry is installed with all its pages.
    const share = r.bytes / Math.max(blocks.length, 1);
    let n = 0;
    const kept: FreshBlock[][] = [];
    for (const region of translated) {
      const first = n;
      n += region.length;
      if (!region.every((b) => this.unchanged(b))) continue;
      kept.push(region.map((b, j) => ({ start: b.start, length: b.length, insns: b.insns.length, n: first + j })));
      const pages = [...new Set(region.flatMap(pagesOf))];
      this.cache.reserve(share * region.length, region.length);
      region.forEach((b, j) => {
        // A thunk's block (pipeline.ts formRegion) may have its translation already: it is kept.
        if (this.cache.has(b.start)) return;
        const fn = instance.exports[r.exports[first + j]] as (...args: unknown[]) => unknown;
        this.cache.install({ eip: b.start, pages, guestInsns: b.insns.length, fn }, share);
        this.stats.blocksTranslated++;
        this.stats.guestInsnsTranslated += b.insns.length;
      });
    }
    if (r.binary) this.recall?.add(r.binary, kept);
    this.stats.modules++;
    this.stats.wasmBytes += r.bytes;
    this.stats.ms.install += performance.now() - t0;
    if (this.opts.dumpDir) this.dump(blocks, front.stages ?? [], r.text ?? "");
  }

  /** Whether no page of a formed block has changed since it was formed. */
  private unchanged(b: Region[number]): boolean {
    return this.versionsOf(extentOf(b)).every((v, k) => v === b.versions[k]);
  }

  /** Code versions of the pages a block covers: a page's version changes when its code is overwritten. */
  private versionsOf(block: { start: number; length: number }): number[] {
    return pagesOf(block).map((p) => this.pageVersion.get(p) ?? 0);
  }

  private markUntranslatable(eip: number): void {
    const page = eip >>> PAGE_SHIFT;
    let set = this.untranslatable.get(page);
    if (!set) this.untranslatable.set(page, (set = new Set()));
    set.add(eip);
  }

  private dump(blocks: { start: number; insns: Insn[] }[], stages: [string, string][][], wat: string): void {
    const dir = this.opts.dumpDir!;
    const module = `module-${String(this.stats.modules).padStart(5, "0")}`;
    fs.writeFileSync(path.join(dir, `${module}.wat`), wat);
    for (const [n, b] of blocks.entries()) {
      const name = `${b.start.toString(16).padStart(8, "0")}-${this.dumped++}.txt`;
      const text = [
        `; translation of guest block 0x${b.start.toString(16)} (${b.insns.length} instructions), function b${n} of ${module}.wat`,
        "; guest code",
        ...b.insns.map((i) => `${i.addr.toString(16).padStart(8, "0")}  ${formatInsn(i)}`),
        ...(stages[n] ?? []).flatMap(([stage, ir]) => [`; IR after ${stage}`, ir]),
      ].join("\n");
      fs.writeFileSync(path.join(dir, name), text);
    }
  }
}
