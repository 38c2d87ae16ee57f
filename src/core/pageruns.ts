/**
 * Free-page runs over the 2^20 pages of the 32-bit address space, for
 * placing mappings in O(log n): a segment tree whose nodes hold the longest
 * run of free pages in their span and the free runs touching its two ends.
 * Memory updates it on every map and unmap; mmap asks it for the highest
 * free range of a size below a limit (the kernel's top-down placement).
 *
 * Each value is stored as its complement, the node's span minus it, so a
 * fresh tree (every page free) is all zeros: its arrays need no filling and
 * cost host memory only where mappings have touched them — every guest
 * process has one, and a fork or execve makes one.
 *
 * Invariants: leaf P is free exactly when page P is not PAGE_MAPPED; an
 * internal node's values follow from its children's; every node starts free
 * (pages at or above GUEST_LIMIT are never mapped, and no query reaches
 * above GUEST_LIMIT).
 */
const LEAVES = 1 << 20;

export class PageRuns {
  /**
   * Heap order: node 1 is the root, node i has children 2i and 2i+1, leaf P is node LEAVES + P.
   * Complements (span minus the value) of the longest free run, the free run at the low end and
   * the free run at the high end.
   */
  private readonly best = new Int32Array(2 * LEAVES);
  private readonly pre = new Int32Array(2 * LEAVES);
  private readonly suf = new Int32Array(2 * LEAVES);
  /** Query state: the range [qlo, qhi) searched and the free pages just above the node being visited. */
  private qlo = 0;
  private qhi = 0;
  private carry = 0;

  /** Marks pages [lo, hi) free or used, then recomputes their ancestors level by level. */
  set(lo: number, hi: number, free: boolean): void {
    if (lo >= hi) return;
    const used = free ? 0 : 1;
    for (let i = LEAVES + lo; i < LEAVES + hi; i++) this.best[i] = this.pre[i] = this.suf[i] = used;
    for (let a = (LEAVES + lo) >> 1, b = (LEAVES + hi - 1) >> 1; a >= 1; a >>= 1, b >>= 1) {
      for (let i = a; i <= b; i++) this.pull(i);
    }
  }

  private pull(i: number): void {
    const l = 2 * i, r = l + 1, half = spanOf(l), span = 2 * half;
    const preL = half - this.pre[l], preR = half - this.pre[r], sufL = half - this.suf[l], sufR = half - this.suf[r];
    this.pre[i] = span - (preL === half ? half + preR : preL);
    this.suf[i] = span - (sufR === half ? half + sufL : sufR);
    this.best[i] = span - Math.max(half - this.best[l], half - this.best[r], sufL + preR);
  }

  /** The maximal runs [lo, hi) of used pages, ascending, found by visiting only nodes that hold a used page. */
  usedRuns(): [number, number][] {
    const runs: [number, number][] = [];
    const visit = (i: number, lo: number, hi: number): void => {
      if (this.pre[i] === 0) return; // free throughout
      if (this.best[i] === hi - lo) { // used throughout
        const last = runs[runs.length - 1];
        if (last && last[1] === lo) last[1] = hi;
        else runs.push([lo, hi]);
        return;
      }
      const mid = (lo + hi) >> 1;
      visit(2 * i, lo, mid);
      visit(2 * i + 1, mid, hi);
    };
    visit(1, 0, LEAVES);
    return runs;
  }

  /** First page of the highest run of `need` free pages inside [lo, hi), or -1. */
  highest(need: number, lo: number, hi: number): number {
    if (need <= 0 || hi - lo < need) return -1;
    this.qlo = lo;
    this.qhi = hi;
    this.carry = 0;
    const end = this.search(1, 0, LEAVES, need);
    return end < 0 ? -1 : end - need;
  }

  /**
   * Scans node i (span [lo, hi)) right to left within the query range.
   * Returns the end of the highest fitting run, or -1 after adding the
   * node's free prefix to carry (all of it when the node is free throughout).
   */
  private search(i: number, lo: number, hi: number, need: number): number {
    if (hi <= this.qlo || lo >= this.qhi) return -1;
    if (lo >= this.qlo && hi <= this.qhi) {
      const span = hi - lo, pre = span - this.pre[i];
      if (span - this.suf[i] + this.carry >= need) return hi + this.carry;
      if (span - this.best[i] < need) {
        this.carry = pre === span ? span + this.carry : pre;
        return -1;
      }
    }
    const mid = (lo + hi) >> 1;
    const r = this.search(2 * i + 1, mid, hi, need);
    return r >= 0 ? r : this.search(2 * i, lo, mid, need);
  }
}

/** Pages spanned by node i. */
function spanOf(i: number): number {
  return LEAVES >>> (31 - Math.clz32(i));
}
