/**
 * The translation tier of one run: the code cache, the translator (and its
 * backend worker), the WebAssembly dispatcher once the worker delivers it,
 * the fan-out of code writes to both, and the counters translated code keeps
 * in the register file. The dispatcher sees it only through TierPort.
 *
 * Invariants: nothing is built before start() (warm only looks for a file) — a run that never starts the
 * tier pays for no worker, cache or table; onCodeWrite may be called before
 * start() (it then has nothing to drop); run is defined exactly when the
 * worker has delivered the dispatcher module and pump() has instantiated it.
 */
import * as fs from "node:fs";
import { REGS_OFF, S_CHAINS, S_DIRECT, S_LINKS, S_LOOKUPS, S_RETIRED, STATE_SLOTS } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";
import type { Machine } from "../interp/machine.ts";
import { installDispatcher } from "../translate/backend.ts";
import { Translator, type TranslatorOptions } from "../translate/translator.ts";
import { CodeCache } from "./codecache.ts";
import type { TierPort } from "./dispatcher.ts";

export interface TierOptions extends TranslatorOptions {
  /** The code cache's budget in WebAssembly bytes (--code-cache-size). */
  codeCacheSize: number;
}

export class Tier implements TierPort {
  /** Both undefined until start(); the run's statistics read them. */
  cache: CodeCache | undefined;
  translator: Translator | undefined;
  run: ((eip: number, budget: number) => number) | undefined;
  /** The float64 counters translated code bumps (S_RETIRED, S_CHAINS, S_LOOKUPS, S_LINKS index it by slot / 2). */
  private readonly counters: Float64Array;

  constructor(readonly mem: Memory, readonly machine: Machine, readonly opts: TierOptions) {
    this.counters = new Float64Array(mem.wasm.buffer, REGS_OFF, STATE_SLOTS / 2);
  }

  get started(): boolean {
    return this.translator !== undefined;
  }

  /** Whether the persistent translation cache has a file for this run: the tier then starts with the guest. */
  get warm(): boolean {
    return !!this.opts.tcache && fs.existsSync(this.opts.tcache.file);
  }

  recall(eip: number): void {
    this.translator!.recallAt(eip);
  }

  /** Builds the cache and the translator; the backend worker starts loading Binaryen at once. */
  start(): void {
    this.cache = new CodeCache(this.mem, this.opts.codeCacheSize);
    this.translator = new Translator(this.mem, this.cache, this.machine, this.opts);
  }

  /** Called before guest code bytes change (Memory.onCodeWrite): translations of the page die. */
  onCodeWrite(page: number, remapped: boolean): void {
    this.cache?.invalidatePage(page);
    this.translator?.forgetPage(page, remapped);
  }

  waitReady(): void {
    this.translator!.waitReady();
  }

  has(eip: number): boolean {
    return this.cache!.has(eip);
  }

  request(eip: number): void {
    if (!this.translator!.isUntranslatable(eip)) this.translator!.request(eip);
  }

  translateNow(eip: number): boolean {
    return !this.translator!.isUntranslatable(eip) && this.translator!.translateNow(eip);
  }

  pump(): void {
    const t = this.translator;
    if (!t) return;
    t.pump();
    if (!this.run && t.dispatcherModule) this.run = installDispatcher(t.dispatcherModule, this.mem.wasm, this.cache!.table);
  }

  close(): void {
    this.translator?.close();
  }

  /**
   * Translation time per guest instruction, both threads, the worker's warm-up included: with
   * regions gathered, the first module holds much of a short run's translation, and the rest
   * without it can be a handful of instructions (bzip2_decompress at small measured 6.4 ms per
   * instruction that way, and staging's budget stopped translation).
   */
  get translationNsPerInsn(): number | undefined {
    const st = this.translator?.stats;
    if (!st?.guestInsnsTranslated) return undefined;
    return (Object.values(st.ms).reduce((a, b) => a + b, 0) * 1e6) / st.guestInsnsTranslated;
  }

  get requestedInsns(): number {
    return this.translator?.stats.guestInsnsRequested ?? 0;
  }

  get translatedRetired(): number { return this.counters[S_RETIRED / 2]; }
  /** Transitions from one translation into another without JavaScript: through the dispatcher's loop, or made by translated code itself. */
  get chainTransitions(): number { return this.counters[S_CHAINS / 2] + this.directChains; }
  /** Those translated code made itself (direct-chain). */
  get directChains(): number { return this.counters[S_DIRECT / 2]; }
  get directoryLookups(): number { return this.counters[S_LOOKUPS / 2]; }
  get linkedBranches(): number { return this.counters[S_LINKS / 2]; }
}
