/**
 * The translation cache. Its directory lives in concealed memory (CACHE_OFF):
 * open-addressed (guest EIP -> table slot) pairs that the WebAssembly
 * dispatcher probes directly; the compiled functions sit in a funcref table.
 *
 * When entries die:
 * - a page holding translated code is written (Memory.onCodeWrite), or
 *   unmapped/remapped: every translation touching the page is removed
 *   (directory tombstone, table slot cleared) before the store happens —
 *   and with it every entry of the same region, since a region's blocks
 *   branch to each other directly (each entry lists all its region's pages);
 * - the cache is full — the WebAssembly bytes of live translations would pass
 *   --code-cache-size, or the directory would pass half full: everything is
 *   flushed at once (Dynamo's policy), and hot code is translated again.
 */
import { CACHE_OFF, CACHE_SIZE, DIR_BITS, DIR_ENTRIES, DIR_HASH, DIR_SIZE, DIR_TOMBSTONE, PAGE_CODE } from "../core/layout.ts";
import type { Memory } from "../core/memory.ts";
import type { Translation, TranslationSink } from "../translate/translator.ts";

/**
 * A bit per hash of an EIP that may have a translation (set at install, cleared only by a flush): the
 * staged dispatcher asks has() before every interpreted block, and a bit test answers most of those
 * no without the Map (python3's start-up: ~5 M asks, ~2 k translated blocks among 38 k).
 */
const MAYBE_BITS = 20;
const maybeBit = (eip: number) => Math.imul(eip, 0x9e3779b1) >>> (32 - MAYBE_BITS);

export class CodeCache implements TranslationSink {
  readonly table = new WebAssembly.Table({ initial: 1024, element: "anyfunc" });
  private readonly dir: Uint32Array;
  /**
   * By EIP as a signed 32-bit number: V8 keeps those as small integers, where an EIP at or above
   * 2^31 (shared libraries, the stack) would be a heap number, allocated and hashed at every lookup.
   */
  private readonly slots = new Map<number, number>(); // eip | 0 -> slot
  private readonly bytesOf = new Map<number, number>(); // eip | 0 -> share of its module's bytes
  private readonly byPage = new Map<number, number[]>();
  private readonly maybe = new Int32Array(1 << (MAYBE_BITS - 5));
  private freeSlots: number[] = [];
  private nextSlot = 1;
  private live = 0;
  private tombstones = 0;
  liveBytes = 0;
  flushes = 0;
  invalidations = 0;
  installed = 0;

  constructor(readonly mem: Memory, readonly budgetBytes: number) {
    if (DIR_SIZE > CACHE_SIZE) throw new Error("code-cache directory does not fit its region");
    this.dir = new Uint32Array(mem.wasm.buffer, CACHE_OFF, DIR_ENTRIES * 2);
  }

  has(eip: number): boolean {
    const h = maybeBit(eip);
    return (this.maybe[h >>> 5] & (1 << (h & 31))) !== 0 && this.slots.has(eip | 0);
  }

  get size(): number { return this.live; }
  get slotsUsed(): number { return this.nextSlot - 1 - this.freeSlots.length; }

  /** Makes room for a batch of the given size; flushes everything when it would not fit. */
  reserve(bytes: number, count: number): void {
    if (this.liveBytes + bytes > this.budgetBytes || (this.live + this.tombstones + count) * 2 > DIR_ENTRIES) this.flush();
  }

  /** Installs one translation; bytes is its share of its module's size. */
  install(t: Translation, bytes: number): void {
    const eip = t.eip | 0;
    if (this.slots.has(eip)) this.remove(eip);
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    if (slot >= this.table.length) this.table.grow(Math.max(1024, this.table.length));
    this.table.set(slot, t.fn);
    this.slots.set(eip, slot);
    const bit = maybeBit(eip);
    this.maybe[bit >>> 5] |= 1 << (bit & 31);
    let h = Math.imul(eip, DIR_HASH) >>> (32 - DIR_BITS);
    while (this.dir[h * 2] !== 0 && this.dir[h * 2] !== DIR_TOMBSTONE) h = (h + 1) & (DIR_ENTRIES - 1);
    this.dir[h * 2] = eip;
    this.dir[h * 2 + 1] = slot;
    for (const p of t.pages) {
      this.mem.perm[p] |= PAGE_CODE;
      const list = this.byPage.get(p);
      if (list) list.push(eip);
      else this.byPage.set(p, [eip]);
    }
    this.live++;
    this.installed++;
    this.liveBytes += bytes;
    this.bytesOf.set(eip, bytes);
  }

  private remove(eip: number): void {
    const slot = this.slots.get(eip);
    if (slot === undefined) return;
    let h = Math.imul(eip, DIR_HASH) >>> (32 - DIR_BITS);
    while (this.dir[h * 2] !== eip >>> 0) h = (h + 1) & (DIR_ENTRIES - 1);
    this.dir[h * 2] = DIR_TOMBSTONE;
    this.dir[h * 2 + 1] = 0;
    this.tombstones++;
    this.table.set(slot, null);
    this.freeSlots.push(slot);
    this.slots.delete(eip);
    this.liveBytes -= this.bytesOf.get(eip) ?? 0;
    this.bytesOf.delete(eip);
    this.live--;
  }

  /** Drops every translation that covers bytes of the page (called before the page changes). */
  invalidatePage(page: number): void {
    const list = this.byPage.get(page);
    if (!list) return;
    this.byPage.delete(page);
    for (const eip of list) if (this.slots.has(eip)) { this.remove(eip); this.invalidations++; }
  }

  flush(): void {
    this.dir.fill(0);
    this.maybe.fill(0);
    for (const slot of this.slots.values()) this.table.set(slot, null);
    this.slots.clear();
    this.bytesOf.clear();
    this.byPage.clear();
    this.freeSlots = [];
    this.nextSlot = 1;
    this.live = 0;
    this.tombstones = 0;
    this.liveBytes = 0;
    this.flushes++;
  }
}
