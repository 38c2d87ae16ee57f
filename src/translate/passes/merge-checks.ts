/**
 * merge-checks: checks a block's memory accesses off one base once, over the
 * range they span, instead of one by one.
 *
 * Every load and store is checked against the page permission byte of its
 * address and for crossing into the next page (backend.ts); a function's
 * prologue and its stack frame make several accesses off the same register,
 * each paying for its own check. This pass follows each address back to a
 * root value and a constant offset — through additions and subtractions of
 * constants, and through registers as the block's own setregs left them (a
 * getreg reads the same value as the last getreg or setreg of its register,
 * unless an operation that may write registers behind the IR's back comes in
 * between: an executor call) — and gathers the plain 1-, 2- and 4-byte
 * accesses off one root, in order, while the bytes they touch span at most
 * a page. Such a group of two or more accesses gets one `checkrange` just
 * before its first access, which bails out at that access's instruction
 * unless the pages of the range's first and last byte — the only pages its
 * accesses can touch — allow them all (readable; writable and free of code
 * when the group stores); its accesses are then unchecked.
 *
 * Why this is exact: a checkrange sits where the first access's own check
 * sat, so a bail-out there leaves the state the interpreter expects, and the
 * interpreter re-runs from that instruction, faulting precisely at whichever
 * access is the first to fault (a bail-out for an access the guest would
 * not have reached — one after a branch out, or on a page it may read but
 * the group writes — costs time, never correctness). Translated code changes
 * no page's permissions or code bits while it runs: they change at system
 * calls, which end blocks, and when translations are installed, between
 * calls into translated code. A store into code is still refused before it
 * happens, by the group's check. Addresses wrap as the guest's do: the range's
 * two pages are those of its two ends, and the concealed region's pages are
 * never accessible, so no access reaches VMM memory.
 */
import { PAGE_SIZE } from "../../core/layout.ts";
import { writesInto, writesRegsBehind, type Block, type Op, type Temp } from "../ir.ts";

/** An address as a root value plus a constant: root ABSOLUTE for a constant address. */
interface Addr { root: number; temp: Temp; off: number }
const ABSOLUTE = -1;

interface Group { root: number; temp: Temp; lo: number; hi: number; write: boolean; members: number[] }

export function mergeChecks(block: Block): void {
  const ops = block.ops;
  const addrs: (Addr | undefined)[] = new Array(block.temps);
  const regs: (Addr | undefined)[] = new Array(8);
  let roots = 0;
  const fresh = (t: Temp): Addr => ({ root: roots++, temp: t, off: 0 });
  const plus = (a: Addr, k: number): Addr => ({ root: a.root, temp: a.temp, off: (a.off + k) | 0 });
  const written = new Int32Array(2);
  const groups: Group[] = [], open = new Map<number, Group>();
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i];
    switch (o.op) {
      case "const": addrs[o.dst] = { root: ABSOLUTE, temp: -1, off: o.value | 0 }; continue;
      case "getreg":
        if (o.reg >= 8) break;
        addrs[o.dst] = regs[o.reg] ??= fresh(o.dst);
        continue;
      case "setreg": if (o.reg < 8) regs[o.reg] = addrs[o.src] ?? fresh(o.src); continue;
      case "bin": {
        const a = addrs[o.a], b = addrs[o.b];
        if (o.fn === "add" && a && b && (a.root === ABSOLUTE || b.root === ABSOLUTE)) {
          addrs[o.dst] = b.root === ABSOLUTE ? plus(a, b.off) : plus(b, a.off);
          continue;
        }
        if (o.fn === "sub" && a && b && b.root === ABSOLUTE) { addrs[o.dst] = plus(a, -b.off); continue; }
        break;
      }
      case "load": case "store": {
        const a = addrs[o.addr];
        if (!a) break;
        const lo = a.off, hi = a.off + o.size - 1;
        let g = open.get(a.root);
        if (g && Math.max(g.hi, hi) - Math.min(g.lo, lo) < PAGE_SIZE) {
          g.lo = Math.min(g.lo, lo);
          g.hi = Math.max(g.hi, hi);
        } else {
          g = { root: a.root, temp: a.temp, lo, hi, write: false, members: [] };
          open.set(a.root, g);
          groups.push(g);
        }
        g.write ||= o.op === "store";
        g.members.push(i);
        break;
      }
    }
    if (writesRegsBehind(o.op)) regs.fill(undefined);
    for (let k = writesInto(o, written) - 1; k >= 0; k--) addrs[written[k]] = fresh(written[k]);
  }
  const before = new Map<number, Op[]>();
  for (const g of groups) {
    if (g.members.length < 2) continue;
    const first = ops[g.members[0]] as Extract<Op, { op: "load" | "store" }>;
    const at = (off: number): [Temp, Op[]] => {
      const k = block.temps++;
      if (g.root === ABSOLUTE) return [k, [{ op: "const", dst: k, value: off | 0 }]];
      const t = block.temps++;
      return [t, [{ op: "const", dst: k, value: off | 0 }, { op: "bin", dst: t, fn: "add", a: g.temp, b: k }]];
    };
    const [lo, loOps] = at(g.lo), [hi, hiOps] = at(g.hi);
    before.set(g.members[0], [...loOps, ...hiOps, { op: "checkrange", lo, hi, write: g.write, insn: first.insn }]);
    for (const m of g.members) (ops[m] as Extract<Op, { op: "load" | "store" }>).unchecked = true;
  }
  if (before.size) block.ops = ops.flatMap((o, i) => [...(before.get(i) ?? []), o]);
}
