/**
 * Where the backend keeps each IR temporary of a block: folded into the
 * expression that reads it, or in a WebAssembly local shared with other
 * temporaries whose lifetimes do not overlap. Every temporary in a local of
 * its own made translations large and slow to compile: V8's baseline
 * compiler reconciles every local at every control-flow merge, and a block
 * has one per checked memory access.
 *
 * Folded: a constant (wherever it is read); a pure operation (getreg, bin,
 * un, select) read exactly once, not as the address of a checked access (the
 * checks read an address two or three times), and — for a getreg, or anything folded into
 * an expression that contains one — only when nothing may change that
 * register between its definition and the place where the folded
 * expression is finally evaluated (a setreg of it, or an executor call).
 * Temporaries are assigned once, so moving a pure expression later cannot
 * change its value otherwise. An unconditional setflags is read where the
 * backend stores the pending flag record, which may be as late as the
 * block's end; its reads count as happening there.
 *
 * The other temporaries get locals by a linear scan over the block: a local
 * is free again after the last read of the temporary it holds.
 */
import { checkedAddrOf, readsInto, writesInto, writesRegsBehind, type Op, type Temp } from "./ir.ts";

export interface TempPlan {
  /** Whether temporary t is folded into its reader (the backend keeps its expression instead of a local). */
  folded: number[];
  /** The local (0-based, among the plan's locals) holding temporary t when it is not folded. */
  local: number[];
  /** How many locals the block's temporaries need. */
  locals: number;
}

/** The result temporary of an operation the backend may fold, or -1. */
function pureDst(o: Op): Temp {
  switch (o.op) {
    case "const": case "getreg": case "bin": case "un": case "select": return o.dst;
    default: return -1;
  }
}

/** Operations after which a register may hold a different value. */
const clobbers = (o: Op, reg: number) => (o.op === "setreg" && o.reg === reg) || writesRegsBehind(o.op);
const deferred = (o: Op) => o.op === "setflags" && o.when === undefined;

/**
 * The working arrays, kept between calls and grown as needed: the backend plans every block of
 * every module, and allocating nine typed arrays per block was most of planning's time.
 */
let room = 0;
let uses = new Int32Array(0), usePos = uses, finalPos = uses, last = uses, next = uses, ending = uses;
let asAddr = new Uint8Array(0);
const t5 = new Int32Array(5);

function reserve(temps: number, n: number): void {
  const need = Math.max(temps, n + 1);
  if (need <= room) return;
  room = Math.max(need, 2 * room);
  [uses, usePos, finalPos, last, next, ending] = Array.from({ length: 6 }, () => new Int32Array(room));
  asAddr = new Uint8Array(room);
}

export function planTemps(ops: Op[], temps: number): TempPlan {
  const n = ops.length;
  reserve(temps, n);
  uses.fill(0, 0, temps);
  asAddr.fill(0, 0, temps);
  for (let i = 0; i < n; i++) {
    const o = ops[i], at = deferred(o) ? n : i;
    for (let j = readsInto(o, t5) - 1; j >= 0; j--) { uses[t5[j]]++; usePos[t5[j]] = at; }
    const a = checkedAddrOf(o);
    if (a >= 0) asAddr[a] = 1;
  }
  // Backwards, so a reader's own folding is known: finalPos is where a folded expression is evaluated.
  // Plain arrays: small ones are made in V8's young generation, typed arrays of this size outside it.
  const folded: number[] = new Array(temps).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    const o = ops[i], d = pureDst(o);
    if (d < 0) continue;
    if (o.op === "const") { folded[d] = 1; finalPos[d] = i; continue; }
    if (uses[d] !== 1 || asAddr[d]) continue;
    const u = usePos[d], reader = u < n ? pureDst(ops[u]) : -1;
    const fin = reader >= 0 && folded[reader] ? finalPos[reader] : u;
    if (o.op === "getreg") {
      let k = i + 1;
      while (k < fin && k < n && !clobbers(ops[k], o.reg)) k++;
      if (k < fin) continue;
    }
    folded[d] = 1;
    finalPos[d] = fin;
  }
  // Lifetimes of the others: from definition to the last place an expression reading them is evaluated.
  last.fill(-1, 0, temps);
  for (let i = 0; i < n; i++) {
    const o = ops[i], d = pureDst(o);
    const at = d >= 0 && folded[d] ? finalPos[d] : deferred(o) ? n : i;
    for (let j = readsInto(o, t5) - 1; j >= 0; j--) if (!folded[t5[j]] && last[t5[j]] < at) last[t5[j]] = at;
  }
  const local: number[] = new Array(temps).fill(-1);
  const free: number[] = [];
  let locals = 0;
  // Temporaries whose locals become free after position i: a list per position, linked through next.
  ending.fill(-1, 0, n + 1);
  for (let i = 0; i < n; i++) {
    const o = ops[i];
    for (let j = 0, w = writesInto(o, t5); j < w; j++) {
      const t = t5[j];
      if (folded[t]) continue;
      local[t] = free.pop() ?? locals++;
      const end = Math.max(last[t], i);
      next[t] = ending[end];
      ending[end] = t;
    }
    for (let t = ending[i]; t >= 0; t = next[t]) free.push(local[t]);
  }
  return { folded, local, locals };
}
