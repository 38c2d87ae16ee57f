/**
 * Differential testing of the translator tier against the reference
 * interpreter, block by block (tests/support/diff.ts has the generator, the
 * rigs and the comparison). Every random case runs under all 64 subsets of
 * the IR passes that act on a one-block region (all but nest-calls, whose
 * targeted cases are below) at Binaryen optimize level 0, and at level 1
 * under none, all and all but one of them (CONFIGS); targeted cases pin the
 * bail-out paths: a faulting memory access must leave the interpreter to
 * raise the fault at the same EIP with the same prior state, and a store
 * into the running block's own code page must bail out so the interpreter
 * handles the self-modification — also when the access is made by an
 * instruction the translation runs through the interpreter's executor (x87,
 * rep string operations). SSE scalar arithmetic, which the translation runs
 * natively only when that is exact, is pinned at the edges of that
 * condition (MXCSR, overflow, underflow, denormals, zero divisors), and so
 * are its native sqrtsd/sqrtss (negative, denormal, -0 operands),
 * cvttsd2si/cvttss2si (at +-2^31, NaN, -0.5) and comis/ucomis (NaN, +-0,
 * denormals; the flags they leave, read by setcc after a cmp).
 *
 * Seed and size: CDVM_DIFF_SEED (default 0xc0dec0de), CDVM_DIFF_CASES
 * (default 512 cases, run in 72 configurations). A failure prints a
 * reproducer: seed, case index, configuration, bytes, disassembly, initial
 * state, the differing fields and the block's IR after the passes.
 * CDVM_DIFF_STRICT_FLAGS=1 compares EFLAGS without masking undefined flags.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setX87Model } from "../src/interp/fpu.ts";
import { loadBackend } from "../src/translate/backend.ts";
import { DEFAULT_PASS_NAMES, PASS_NAMES, selectPasses, type Pass } from "../src/translate/passes/index.ts";
import type { Block } from "../src/translate/ir.ts";
import { CodeCache } from "../src/vmm/codecache.ts";
import { VOLATILE_PAGE_WRITES } from "../src/translate/translator.ts";
import { liftRegion } from "../src/translate/pipeline.ts";
import { MAX_BLOCK_INSNS } from "../src/isa/block.ts";
import { CACHE_OFF, DIR_BITS, DIR_ENTRIES, DIR_HASH, DIR_TOMBSTONE, LINK_BUDGET, PAGE_SIZE, S_EXIT, XMM_SIZE } from "../src/core/layout.ts";
import {
  BATCH, buildPool, caseAddr, CODE, compareOutcomes, FPU_LEN, genCase, hex, loadBatch, makeRig, makeTransRig, newTranslator,
  reproducer, Rng, runInterp, runTranslated, SCRATCH, STACK, translateBatch,
  type Case, type Outcome, type Pool, type Rig, type TestTranslator, type TransRig,
} from "./support/diff.ts";

const SEED = Number(process.env.CDVM_DIFF_SEED ?? 0xc0dec0de) >>> 0;
const CASES = Number(process.env.CDVM_DIFF_CASES ?? 512);
const STRICT = process.env.CDVM_DIFF_STRICT_FLAGS === "1";
/** nest-calls acts only where a call's return site is another block of the region: random cases are one-block regions. */
const BLOCK_PASSES = PASS_NAMES.filter((p) => p !== "nest-calls");
const SUBSETS = Array.from({ length: 1 << BLOCK_PASSES.length }, (_, m) => BLOCK_PASSES.filter((_, k) => m & (1 << k)));
const OPT_LEVELS = [0, 1];
/**
 * Binaryen optimize level and pass subset of each configuration: every subset at -O0 (the
 * default); at -O1 (opt-in) no pass, all of them and all but one.
 */
const CONFIGS: [number, string[]][] = OPT_LEVELS.flatMap((opt) =>
  SUBSETS.filter((s) => opt === 0 || s.length === 0 || s.length >= BLOCK_PASSES.length - 1).map((s): [number, string[]] => [opt, s]));
const SHOW = 3;

let pool: Pool;
let cases: Case[];
let expected: Outcome[];
let rigA: Rig;
let rigB: TransRig;
/** One Translator for the tests that go through it (starting its backend worker is slow). */
let shared: TestTranslator | undefined;
const translator = () => (shared ??= newTranslator(rigB, selectPasses(), 1));
afterAll(() => shared?.close());
const stats = { runs: 0, bailouts: 0, faults: 0, configs: 0, ms: 0 };

function batches<T>(xs: T[]): T[][] {
  const out: T[][] = [];
  for (let k = 0; k < xs.length; k += BATCH) out.push(xs.slice(k, k + BATCH));
  return out;
}

beforeAll(async () => {
  await loadBackend();
  pool = buildPool(SEED);
  cases = Array.from({ length: CASES }, (_, k) => genCase(SEED, k, pool));
  rigA = makeRig();
  rigB = makeTransRig();
  expected = [];
  for (const batch of batches(cases)) {
    loadBatch(rigA, batch);
    batch.forEach((c, slot) => expected.push(runInterp(rigA, c, slot)));
  }
}, 120_000);

describe("translator vs interpreter, random blocks", () => {
  for (const [opt, subset] of CONFIGS) {
    const config = `passes=[${subset.join(",")}] binaryen-O${opt}`;
    it(config, () => {
      const t0 = performance.now();
      const passes = selectPasses(subset);
      const failures: string[] = [];
      let n = 0;
      for (const batch of batches(cases)) {
        loadBatch(rigB, batch);
        const irs = translateBatch(rigB, batch.map((_, slot) => caseAddr(slot)), passes, opt);
        batch.forEach((c, slot) => {
          const want = expected[c.index], got = runTranslated(rigB, c, slot);
          stats.runs++;
          if (got.bailAt !== undefined) stats.bailouts++;
          if (want.fault) stats.faults++;
          const diffs = compareOutcomes(c, want, got, STRICT);
          if (diffs.length) failures.push(reproducer(SEED, c, config, diffs, want, got, irs.get(caseAddr(slot))));
          n++;
        });
      }
      stats.configs++;
      stats.ms += performance.now() - t0;
      expect(n).toBe(CASES);
      expect(failures.length, `${failures.length} of ${CASES} cases differ under ${config}; first ${Math.min(SHOW, failures.length)}:\n\n${failures.slice(0, SHOW).join("\n\n")}`).toBe(0);
    });
  }

  it("in the f64 x87 model (all passes, -O0 and -O1), whose x87 arithmetic is translated natively", () => {
    const failures: string[] = [];
    let native = 0;
    for (const rig of [rigA, rigB]) setX87Model(rig.m, "f64");
    try {
      for (const batch of batches(cases)) {
        loadBatch(rigA, batch);
        const want = batch.map((c, slot) => runInterp(rigA, c, slot));
        for (const opt of OPT_LEVELS) {
          loadBatch(rigB, batch);
          const irs = translateBatch(rigB, batch.map((_, slot) => caseAddr(slot)), selectPasses(), opt);
          batch.forEach((c, slot) => {
            const ir = irs.get(caseAddr(slot));
            native += ir?.ops.filter((o) => o.op === "x87" && !["ld", "st", "xch", "chs", "abs", "comi"].includes(o.fn)).length ?? 0;
            const got = runTranslated(rigB, c, slot), config = `x87=f64 all passes binaryen-O${opt}`;
            const diffs = compareOutcomes(c, want[slot], got, STRICT);
            if (diffs.length) failures.push(reproducer(SEED, c, config, diffs, want[slot], got, ir));
          });
        }
      }
    } finally {
      for (const rig of [rigA, rigB]) setX87Model(rig.m, "f80");
    }
    expect(native, "x87 arithmetic operations lifted").toBeGreaterThan(CASES / 8);
    expect(failures.length, `${failures.length} runs differ; first ${Math.min(SHOW, failures.length)}:\n\n${failures.slice(0, SHOW).join("\n\n")}`).toBe(0);
  });

  it("through the Translator itself (all passes, -O1, one module per block)", () => {
    const t = translator();
    const failures: string[] = [];
    const some = cases.slice(0, Math.min(CASES, 64));
    for (const batch of batches(some)) {
      loadBatch(rigB, batch);
      batch.forEach((c, slot) => {
        const got = runTranslated(rigB, c, slot, (eip) => { if (!rigB.cache.has(eip)) t.translate(eip); });
        const diffs = compareOutcomes(c, expected[c.index], got, STRICT);
        if (diffs.length) failures.push(reproducer(SEED, c, "Translator(all passes, -O1)", diffs, expected[c.index], got));
      });
    }
    expect(t.tr.stats.blocksTranslated).toBeGreaterThan(0);
    expect(failures.length, failures.slice(0, SHOW).join("\n\n")).toBe(0);
  });

  it("covers the liftable ISA", () => {
    const executed = new Map<string, number>();
    const terminators = new Map<string, number>();
    const interpreted = new Map<string, number>();
    cases.forEach((c, k) => {
      const n = Math.min(expected[k].retired, c.rows.length);
      c.rows.slice(0, n).forEach((row, j) => {
        const key = `${row.map ? "0f " : ""}${hex(row.opcode, 2)}${row.digit >= 0 ? "/" + row.digit : ""} ${row.mnem} ${row.ops.join(",")}`;
        executed.set(key, (executed.get(key) ?? 0) + 1);
        if (c.interp[j]) interpreted.set(row.mnem, (interpreted.get(row.mnem) ?? 0) + 1);
      });
      // An interpreted instruction that faults was still run by its executor (called from the translation, which then bails out).
      const last = c.rows[n];
      if (expected[k].fault && last && c.interp[n]) interpreted.set(last.mnem, (interpreted.get(last.mnem) ?? 0) + 1);
      terminators.set(c.terminator, (terminators.get(c.terminator) ?? 0) + 1);
    });
    const mnems = new Set(pool.rows.map((r) => r.mnem));
    const insns = cases.reduce((a, c) => a + c.rows.length, 0);
    const faulted = expected.filter((o) => o.fault).length;
    const reasons = new Map<string, number>();
    for (const o of expected) if (o.fault) { const r = o.fault.replace(/addr 0x[0-9a-f]+ /, "").replace(/ '[^']*'| 0x[0-9a-f]+(?=\)$)/g, ""); reasons.set(r, (reasons.get(r) ?? 0) + 1); }
    const calls = [...interpreted.values()].reduce((a, b) => a + b, 0);
    console.log([
      `translator-diff: seed 0x${hex(SEED)}, ${CASES} cases (${insns} instructions, ${faulted} ending in a fault) x ${stats.configs} configurations = ${stats.runs} runs, ${stats.bailouts} bail-outs, ${(stats.ms / 1000).toFixed(1)} s`,
      `  liftable rows in the pool: ${pool.rows.length} (${mnems.size} mnemonics: ${[...mnems].sort().join(" ")})`,
      `  rows executed: ${executed.size}; terminators: ${[...terminators].map(([t, k]) => `${t} ${k}`).join(", ")}`,
      `  executed through the interpreter's executor: ${calls} instructions, ${interpreted.size} mnemonics`,
      `  faults: ${[...reasons].map(([r, k]) => `${r} ${k}`).join(", ")}`,
    ].join("\n"));
    expect(pool.rows.length).toBeGreaterThan(150);
    expect(executed.size).toBeGreaterThan(pool.rows.length * 0.9);
    expect(stats.runs === 0 || stats.bailouts > 0).toBe(true);
    for (const m of ["fistp", "fxam", "fsin", "lodsd", "scasb"]) expect(interpreted.has(m), `${m} executed as an interp operation`).toBe(true);
  });
});

// ---------------------------------------------------------------- targeted cases

/** A hand-written case: instruction byte strings, register overrides, initial EFLAGS. */
function manual(index: number, insns: number[][], regs: Partial<Record<"eax" | "ecx" | "edx" | "ebx" | "esp" | "ebp" | "esi" | "edi", number>>, writableCode = false): Case {
  const names = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
  const r = names.map((n, k) => regs[n] ?? (n === "esp" ? STACK + 0x1000 : 0x1111 * (k + 1)));
  const base = genCase(SEED, 100000 + index, pool); // for its memory contents
  return {
    ...base,
    index: -1 - index,
    code: insns.flat(),
    lens: insns.map((b) => b.length),
    terminator: "ret",
    regs: r,
    fs: 0, gs: 0,
    eflags: 0x202 | 0x801,
    prologue: [], prologueRegs: [],
    fpu: new Uint8Array(FPU_LEN),
    rows: [],
    interp: [],
    writableCode,
  };
}

/** Runs a hand-written case in every configuration; returns the interpreter's outcome and the translated ones. */
function runEverywhere(c: Case): { want: Outcome; got: { config: string; out: Outcome; ir?: Block }[] } {
  loadBatch(rigA, [c]);
  const want = runInterp(rigA, c, 0);
  const got: { config: string; out: Outcome; ir?: Block }[] = [];
  for (const [opt, subset] of CONFIGS) {
    loadBatch(rigB, [c]);
    const irs = translateBatch(rigB, [caseAddr(0)], selectPasses(subset), opt);
    got.push({ config: `passes=[${subset.join(",")}] binaryen-O${opt}`, out: runTranslated(rigB, c, 0), ir: irs.get(caseAddr(0)) });
  }
  return { want, got };
}

function expectSame(c: Case, want: Outcome, got: { config: string; out: Outcome; ir?: Block }[]): void {
  for (const g of got) {
    const diffs = compareOutcomes(c, want, g.out, true);
    expect(diffs.length, reproducer(SEED, c, g.config, diffs, want, g.out, g.ir)).toBe(0);
  }
}

/** A 32-bit value's little-endian bytes (immediates, displacements, jump-table entries). */
const le = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const at = (c: Case, k: number) => caseAddr(0) + c.lens.slice(0, k).reduce((a, b) => a + b, 0);

describe("translator bail-outs", () => {
  it("a load from an unmapped address faults in the interpreter at the same instruction, after the same prior effects", () => {
    const c = manual(1, [
      [0x83, 0xc1, 0x05],             // add ecx, 5
      [0x42],                         // inc edx
      [0x89, 0x0e],                   // mov [esi], ecx
      [0x8b, 0x43, 0x04],             // mov eax, [ebx+4]   (ebx = 0x00100000: unmapped)
      [0x83, 0xc0, 0x01],             // add eax, 1
      [0xc3],                         // ret
    ], { ebx: 0x00100000, esi: SCRATCH + 0x100, ecx: 0x7ffffffe, edx: -1 });
    const { want, got } = runEverywhere(c);
    expect(want.fault).toMatch(/^signal 11 addr 0x00100004/);
    expect(want.eip).toBe(at(c, 3));
    expect(want.retired).toBe(3);
    expectSame(c, want, got);
    for (const g of got) expect(g.out.bailAt, g.config).toBe(at(c, 3));
  });

  it("a store to a read-only page and a load running off the mapped pages fault precisely", () => {
    const ro = manual(2, [
      [0x01, 0xd8],                   // add eax, ebx
      [0x0f, 0x94, 0xc1],             // sete cl
      [0x66, 0x89, 0x07],             // mov [edi], ax   (read-only page)
      [0xc3],
    ], { edi: SCRATCH + 0x2010, eax: 1, ebx: -1 });
    const r1 = runEverywhere(ro);
    expect(r1.want.fault).toMatch(/^signal 11 addr 0x20002010/);
    expectSame(ro, r1.want, r1.got);
    for (const g of r1.got) expect(g.out.bailAt, g.config).toBe(at(ro, 2));

    const cross = manual(3, [
      [0x29, 0xc8],                   // sub eax, ecx
      [0x8b, 0x16],                   // mov edx, [esi]  (straddles the read-only page and the unmapped one)
      [0xc3],
    ], { esi: SCRATCH + 0x2ffe, eax: 5, ecx: 7 });
    const r2 = runEverywhere(cross);
    expect(r2.want.fault).toMatch(/^signal 11 addr 0x20003000/);
    expectSame(cross, r2.want, r2.got);
    for (const g of r2.got) expect(g.out.bailAt, g.config).toBe(at(cross, 1));

    const ok = manual(4, [
      [0x8b, 0x16],                   // mov edx, [esi]  (straddles two writable pages: no fault, but bails)
      [0x89, 0x56, 0x10],             // mov [esi+0x10], edx
      [0xc3],
    ], { esi: SCRATCH + 0xffe });
    const r3 = runEverywhere(ok);
    expect(r3.want.fault).toBeNull();
    expectSame(ok, r3.want, r3.got);
  });

  it("a store into the running block's own code page bails out and the interpreter runs the modified code", () => {
    // mov byte [ebx], 0x42 patches the low byte of the immediate of the later mov ecx, imm32.
    const insns = [
      [0xb8, 0x01, 0x00, 0x00, 0x00], // mov eax, 1
      [0x83, 0xfa, 0x03],             // cmp edx, 3
      [0xc6, 0x03, 0x42],             // mov byte [ebx], 0x42
      [0xb9, 0x11, 0x11, 0x11, 0x11], // mov ecx, 0x11111111
      [0x01, 0xc8],                   // add eax, ecx
      [0x0f, 0x9c, 0xc2],             // setl dl
      [0xc3],                         // ret
    ];
    const immAt = caseAddr(0) + 5 + 3 + 3 + 1;
    const c = manual(5, insns, { ebx: immAt, edx: 2 }, true);
    const { want, got } = runEverywhere(c);
    expect(want.fault).toBeNull();
    expect(want.regs[1] >>> 0).toBe(0x11111142);
    expect(want.regs[0] >>> 0).toBe(0x11111143);
    expect(want.retired).toBe(7);
    expectSame(c, want, got);
    for (const g of got) expect(g.out.bailAt, g.config).toBe(at(c, 2));
  });

  it("an SMC store under the Translator leaves no stale translation behind", () => {
    // The block patches its own first instruction (mov eax, imm32); running it again must see the new immediate.
    const c = manual(6, [
      [0xb8, 0x07, 0x00, 0x00, 0x00], // mov eax, 7
      [0xc7, 0x43, 0x01, 0x09, 0x00, 0x00, 0x00], // mov dword [ebx+1], 9
      [0xc3],
    ], { ebx: caseAddr(0) }, true);
    loadBatch(rigB, [c]);
    const t = translator();
    const first = runTranslated(rigB, c, 0, (eip) => t.translate(eip));
    expect(first.bailAt).toBe(at(c, 1));
    expect(first.regs[0]).toBe(7);
    expect(rigB.cache.has(caseAddr(0))).toBe(false);
    // Second run without reloading the code: translate the patched block afresh.
    const s = rigB.cpu.s;
    s[4] = STACK + 0x1000;
    s[3] = caseAddr(0);
    expect(t.translate(caseAddr(0))).toBe(true);
    const eip = rigB.run(caseAddr(0), 1) >>> 0;
    expect(s[S_EXIT]).toBe(1); // bails again at the store
    s[S_EXIT] = 0;
    expect(eip).toBe(at(c, 1));
    expect(s[0]).toBe(9);
  });
});

describe("memory accesses checked together (merge-checks)", () => {
  /** The checkrange operations merge-checks puts in the case's block, as [write, access instructions covered]. */
  const merged = (c: Case) => {
    loadBatch(rigB, [c]);
    const block = liftRegion(rigB.mem, caseAddr(0), { passes: selectPasses(["merge-checks"]), maxBlocks: 1, x87Model: "f80" }).blocks[0].block;
    return block.ops.flatMap((o) => (o.op === "checkrange" ? [o.write ? "write" : "read"] : o.op === "load" || o.op === "store" ? [o.unchecked ? `@${o.insn}` : `checked @${o.insn}`] : []));
  };
  const same = (c: Case) => {
    const { want, got } = runEverywhere(c);
    expectSame(c, want, got);
    return { want, got };
  };

  it("a stack frame's pushes and loads off esp, and constant addresses, are checked once each", () => {
    const c = manual(150, [
      [0x53],                         // 0: push ebx
      [0x56],                         // 1: push esi
      [0x83, 0xec, 0x10],             // 2: sub esp, 16
      [0x8b, 0x44, 0x24, 0x1c],       // 3: mov eax, [esp+28]
      [0x89, 0x4c, 0x24, 0x04],       // 4: mov [esp+4], ecx
      [0xa1, ...le(SCRATCH + 8)],     // 5: mov eax, [SCRATCH+8]
      [0x01, 0x05, ...le(SCRATCH)],   // 6: add [SCRATCH], eax
      [0x83, 0xc4, 0x18],             // 7: add esp, 24
      [0xc3],                         // 8: ret
    ], { ecx: 0x12345678 });
    expect(merged(c)).toEqual(["write", "@0", "@1", "@3", "@4", "write", "@5", "@6", "@6", "@8"]);
    same(c);
  });

  it("a later access that faults is raised by the interpreter at its own instruction, after the earlier ones", () => {
    const c = manual(151, [
      [0x89, 0x03],                   // 0: mov [ebx], eax
      [0x89, 0x4b, 0x04],             // 1: mov [ebx+4], ecx
      [0x89, 0x53, 0x08],             // 2: mov [ebx+8], edx   (the read-only page)
      [0xc3],
    ], { ebx: SCRATCH + 0x2000 - 8, eax: 1, ecx: 2, edx: 3 });
    expect(merged(c)).toEqual(["write", "@0", "@1", "@2", "checked @3"]);
    const { want, got } = same(c);
    expect(want.fault).toMatch(/^signal 11 addr 0x20002000/);
    expect(want.retired).toBe(2);
    for (const g of got) expect(g.out.bailAt, g.config).toBe(g.config.includes("merge-checks") ? at(c, 0) : at(c, 2));
  });

  it("a base changed by a setreg, by a string operation or by the executor is a new root", () => {
    const reload = manual(152, [
      [0x8b, 0x1b],                   // mov ebx, [ebx]
      [0x89, 0x4b, 0x04],             // mov [ebx+4], ecx
      [0xc3],
    ], { ebx: SCRATCH + 0x10, ecx: 7 });
    new DataView(reload.scratch.buffer, reload.scratch.byteOffset).setUint32(0x10, SCRATCH + 0x2000 - 2, true);
    expect(merged(reload)).toEqual(["checked @0", "checked @1", "checked @2"]);
    expect(same(reload).want.fault).toMatch(/^signal 11 addr 0x20002002/);
    const stos = manual(153, [
      [0x89, 0x07],                   // mov [edi], eax
      [0xf3, 0xab],                   // rep stosd
      [0x89, 0x47, 0x04],             // mov [edi+4], eax
      [0xc3],
    ], { edi: SCRATCH + 0x1ff0, ecx: 2, eax: 0x55 });
    expect(merged(stos)).toEqual(["checked @0", "checked @2", "checked @3"]);
    same(stos);
    const cvt = manual(154, [
      [0x89, 0x08],                   // mov [eax], ecx
      [0xf2, 0x0f, 0x2d, 0xc0],       // cvtsd2si eax, xmm0 (the executor's)
      [0x89, 0x48, 0x04],             // mov [eax+4], ecx
      [0xc3],
    ], { eax: SCRATCH, ecx: 9 });
    new DataView(cvt.xmm.buffer, cvt.xmm.byteOffset).setFloat64(0, SCRATCH + 0x100, true);
    expect(merged(cvt)).toEqual(["checked @0", "checked @2", "checked @3"]);
    const { want } = same(cvt);
    expect(want.fault).toBeNull();
  });

  it("a range that wraps around the address space faults as the guest's accesses do", () => {
    const wrap = manual(155, [
      [0x8b, 0x03],                   // mov eax, [ebx]
      [0x8b, 0x4b, 0x04],             // mov ecx, [ebx+4]  (address 0)
      [0xc3],
    ], { ebx: 0xfffffffc });
    expect(merged(wrap)).toEqual(["read", "@0", "@1", "checked @2"]);
    expect(same(wrap).want.fault).toMatch(/^signal 11 /);
  });
});

describe("code rewritten over and over", () => {
  it(`a page whose code was written ${VOLATILE_PAGE_WRITES} times since it was mapped is left to the interpreter, which sees each new version`, () => {
    const rig = makeTransRig(), t = newTranslator(rig, selectPasses(), 1);
    try {
      const c = manual(8, [[0xb8, 0x07, 0x00, 0x00, 0x00], [0xc3]], {}, true); // mov eax, 7; ret, on a writable code page
      loadBatch(rig, [c]);
      const imm = caseAddr(0) + 1;
      for (let k = 1; k <= VOLATILE_PAGE_WRITES; k++) {
        expect(t.translate(caseAddr(0)), `before write ${k}`).toBe(true);
        rig.m.st32(imm, k); // a guest store into the code page: translations and decoded blocks dropped
        expect(rig.cache.has(caseAddr(0))).toBe(false);
      }
      expect(t.tr.isUntranslatable(caseAddr(0))).toBe(true);
      expect(t.translate(caseAddr(0))).toBe(false);
      const want = runInterp(rig, c, 0);
      expect(want.regs[0]).toBe(VOLATILE_PAGE_WRITES);
      loadBatch(rig, [c]); // mapped afresh: translated again
      expect(t.tr.isUntranslatable(caseAddr(0))).toBe(false);
      expect(t.translate(caseAddr(0))).toBe(true);
    } finally {
      t.close();
    }
  });
});

describe("instructions run through the interpreter's executor", () => {
  /** Operations that call the executor (x87 ones when not native). */
  const interpOps = (ir?: Block) => ir?.ops.filter((o) => o.op === "interp" || o.op === "x87").length ?? 0;

  it("an x87 load from an unmapped page faults in the interpreter at that instruction; the block stays whole", () => {
    const c = manual(7, [
      [0x83, 0xc1, 0x05],             // add ecx, 5
      [0xd9, 0xe8],                   // fld1
      [0x89, 0x0e],                   // mov [esi], ecx
      [0xdd, 0x46, 0x08],             // fld qword [esi+8]
      [0xd9, 0x03],                   // fld dword [ebx]   (ebx = 0x00100000: unmapped)
      [0xde, 0xc1],                   // faddp st1, st0
      [0x42],                         // inc edx
      [0xc3],                         // ret
    ], { ebx: 0x00100000, esi: SCRATCH + 0x100, ecx: 0x7ffffffe });
    new DataView(c.scratch.buffer).setFloat64(0x108, 2.5, true);
    const { want, got } = runEverywhere(c);
    expect(want.fault).toMatch(/^signal 11 addr 0x00100000/);
    expect(want.eip).toBe(at(c, 4));
    expect(want.retired).toBe(4);
    expectSame(c, want, got);
    for (const g of got) {
      expect(g.out.bailAt, g.config).toBe(at(c, 4));
      expect(g.ir?.addrs.length, g.config).toBe(c.lens.length);
      expect(interpOps(g.ir), g.config).toBe(4);
    }
  });

  it("an unmasked x87 exception raises SIGFPE at the next x87 instruction, inside the translated block", () => {
    const c = manual(8, [
      [0xd9, 0x2e],                   // fldcw [esi]   (0x037b: zero-divide unmasked)
      [0xd9, 0xe8],                   // fld1
      [0xd9, 0xee],                   // fldz
      [0xde, 0xf9],                   // fdivp st1, st0   (1/0: ZE pending)
      [0x40],                         // inc eax
      [0xd9, 0xe8],                   // fld1   (SIGFPE)
      [0xc3],
    ], { esi: SCRATCH + 0x40 });
    new DataView(c.scratch.buffer).setUint16(0x40, 0x037b, true);
    const { want, got } = runEverywhere(c);
    expect(want.fault).toMatch(/^signal 8 /);
    expect(want.retired).toBe(5);
    expectSame(c, want, got);
    for (const g of got) expect(g.out.bailAt, g.config).toBe(at(c, 5));
  });

  it("rep movsd/stosd running into an unmapped or read-only page mid-copy leave the interpreter's partial state", () => {
    const movs = manual(9, [
      [0x42],                         // inc edx
      [0xf3, 0xa5],                   // rep movsd   (source runs off the read-only page into the unmapped one)
      [0x83, 0xc0, 0x01],             // add eax, 1
      [0xc3],
    ], { esi: SCRATCH + 0x2ff0, edi: SCRATCH + 0x100, ecx: 16 });
    const r1 = runEverywhere(movs);
    expect(r1.want.fault).toMatch(/^signal 11 addr 0x20003000/);
    expect(r1.want.regs[1]).toBe(12);
    expect(r1.want.retired).toBe(1);
    expectSame(movs, r1.want, r1.got);
    for (const g of r1.got) expect(g.out.bailAt, g.config).toBe(at(movs, 1));

    const stos = manual(10, [
      [0x01, 0xd8],                   // add eax, ebx
      [0xf3, 0xab],                   // rep stosd   (destination runs into the read-only page)
      [0x41],                         // inc ecx
      [0xc3],
    ], { edi: SCRATCH + 0x1ff8, ecx: 8, eax: 0x11223344, ebx: 1 });
    const r2 = runEverywhere(stos);
    expect(r2.want.fault).toMatch(/^signal 11 addr 0x20002000/);
    expect(r2.want.regs[1]).toBe(6);
    expectSame(stos, r2.want, r2.got);
    for (const g of r2.got) expect(g.out.bailAt, g.config).toBe(at(stos, 1));
  });

  it("a rep stos into the block's own code ends the translated run (natively before it, through the executor after it); the interpreter runs the new code", () => {
    const insns = [
      [0xb8, 0x90, 0x90, 0x90, 0x90], // mov eax, 0x90909090
      [0xf3, 0xaa],                   // rep stosb   (3 bytes: the add below becomes three nops)
      [0x83, 0xc2, 0x05],             // add edx, 5
      [0x42],                         // inc edx
      [0xc3],
    ];
    const own = manual(11, insns, { edi: caseAddr(0) + 7, ecx: 3, edx: 10 }, true);
    const r1 = runEverywhere(own);
    expect(r1.want.fault).toBeNull();
    expect(r1.want.regs[2]).toBe(11);
    expect(r1.want.retired).toBe(7);
    expectSame(own, r1.want, r1.got);
    for (const g of r1.got) expect(g.out.bailAt, g.config).toBe(at(own, 1)); // a short rep is native: its first store meets code
    expect(rigB.cache.has(caseAddr(0)), "the overwritten translation is gone").toBe(false);

    // 100 bytes (the executor's bulk path) into the same page past the block: the translation ends after the store.
    const page = manual(12, insns, { edi: caseAddr(0) + 0x80, ecx: 100, edx: 10 }, true);
    const r2 = runEverywhere(page);
    expect(r2.want.regs[2]).toBe(16);
    expectSame(page, r2.want, r2.got);
    for (const g of r2.got) expect(g.out.bailAt, g.config).toBe(at(page, 2));
  });

  it("16-bit forms and string operations keep a block whole; 32-bit shld/shrd and movsd are native", () => {
    const c = manual(13, [
      [0x0f, 0xa4, 0xd8, 0x05],       // shld eax, ebx, 5
      [0x66, 0x8d, 0x4c, 0x24, 0x04], // lea cx, [esp+4]
      [0x0f, 0xad, 0xda],             // shrd edx, ebx, cl
      [0xa5],                         // movsd
      [0x66, 0x99],                   // cwd
      [0x0f, 0xc1, 0xd8],             // xadd eax, ebx
      [0x39, 0xd8],                   // cmp eax, ebx
      [0x0f, 0x9c, 0xc1],             // setl cl
      [0xc3],
    ], { eax: 0x80000001 | 0, ebx: 0x12345678, edx: -2, esi: SCRATCH + 0x200, edi: SCRATCH + 0x300 });
    const { want, got } = runEverywhere(c);
    expect(want.fault).toBeNull();
    expectSame(c, want, got);
    for (const g of got) {
      expect(g.ir?.addrs.length, g.config).toBe(c.lens.length);
      expect(interpOps(g.ir), g.config).toBe(3);
    }
  });
});

describe("blocks linked inside a translation module (link-blocks)", () => {
  const configs = [selectPasses(), selectPasses(["link-blocks"]), selectPasses(undefined, ["link-blocks"])];
  const translators: TestTranslator[] = [];
  afterAll(() => translators.forEach((t) => t.close()));
  /** Blocks the rigs may run per case: these cases loop. */
  const LOOP_STEPS = 100_000;

  /** Runs c with the region at its start translated by the Translator, 16 blocks per module, under each pass set. */
  function runRegion(c: Case) {
    loadBatch(rigA, [c]);
    const want = runInterp(rigA, c, 0, LOOP_STEPS);
    const got = configs.map((passes, k) => {
      const t = (translators[k] ??= newTranslator(rigB, passes, 1, 16));
      rigB.forget = (page, remapped) => t.tr.forgetPage(page, remapped);
      loadBatch(rigB, [c]);
      const before = rigB.linkedBranches();
      const out = runTranslated(rigB, c, 0, (eip) => t.translate(eip), LOOP_STEPS);
      const linking = passes.some((p) => p.name === "link-blocks");
      return { config: `Translator(passes=[${passes.map((p) => p.name).join(",")}], 16 blocks per module)`, out, linking, links: rigB.linkedBranches() - before };
    });
    for (const g of got) expect(compareOutcomes(c, want, g.out, true), g.config).toEqual([]);
    return { want, got };
  }

  it("a loop calling a function runs linked, returns predicted, until the link budget sends it to the dispatcher", () => {
    const c = manual(40, [
      [0xb9, 0x88, 0x13, 0x00, 0x00], // mov ecx, 5000
      [0xe8, 0x06, 0x00, 0x00, 0x00], // loop: call f
      [0x01, 0xd0],                   // add eax, edx
      [0x49],                         // dec ecx
      [0x75, 0xf6],                   // jnz loop
      [0xc3],                         // ret
      [0x83, 0xc2, 0x03],             // f: add edx, 3
      [0xc3],                         // ret
    ], { eax: 0, edx: 0 });
    const { want, got } = runRegion(c);
    expect(want.retired).toBe(2 + 5000 * 6);
    for (const g of got) {
      expect(g.out.bailAt, g.config).toBeUndefined();
      // call, ret (predicted) and jnz are links: the budget of 4096 runs out in the 1366th iteration
      expect(g.links, g.config).toBe(g.linking ? 4096 : 0);
    }
  });

  it("a fault in a linked loop leaves the interpreter's state: same EIP, registers and retired count", () => {
    const c = manual(41, [
      [0x89, 0x03],       // loop: mov [ebx], eax
      [0x83, 0xc3, 0x04], // add ebx, 4
      [0xa8, 0x01],       // test al, 1
      [0x74, 0x01],       // jz skip
      [0x42],             // inc edx
      [0x40],             // skip: inc eax
      [0xeb, 0xf3],       // jmp loop
    ], { eax: 0, edx: 0, ebx: SCRATCH + 2 * 4096 - 40 });
    const { want, got } = runRegion(c);
    expect(want.fault).toContain("signal 11");
    expect(want.regs[0]).toBe(10);
    for (const g of got) {
      // linked, the translation runs all ten iterations and bails out at the faulting store; unlinked, one block
      expect(g.out.bailAt, g.config).toBe(g.linking ? caseAddr(0) : undefined);
      expect(g.links, g.config).toBe(g.linking ? 20 : 0);
    }
  });

  it("a loop in one block runs linked to itself until the budget, and faults in it precisely", () => {
    const sum = manual(45, [
      [0xb9, 0x88, 0x13, 0x00, 0x00], // mov ecx, 5000
      [0x01, 0xc8],                   // loop: add eax, ecx
      [0x49],                         // dec ecx
      [0x75, 0xfb],                   // jnz loop
      [0xc3],                         // ret
    ], { eax: 0 });
    const { want, got } = runRegion(sum);
    expect(want.regs[0]).toBe((5000 * 5001) / 2);
    for (const g of got) expect(g.links, g.config).toBe(g.linking ? 4096 : 0);
    const fill = manual(46, [
      [0x89, 0x03],       // loop: mov [ebx], eax
      [0x83, 0xc3, 0x04], // add ebx, 4
      [0x40],             // inc eax
      [0xeb, 0xf8],       // jmp loop
    ], { eax: 0, ebx: SCRATCH + 2 * 4096 - 40 });
    const faulting = runRegion(fill);
    expect(faulting.want.fault).toContain("signal 11");
    for (const g of faulting.got) {
      expect(g.out.bailAt, g.config).toBe(g.linking ? caseAddr(0) : undefined);
      expect(g.links, g.config).toBe(g.linking ? 10 : 0);
    }
  });

  it("a flag record made before a linked branch is what a bail-out, a condition in the next block and the exit see", () => {
    // Each turn: sub sets the flags in one block; the next block stores first — faulting in the 6th
    // turn, a bail-out before the block's own first record — then reads CF (setc: a condition in
    // another block than its record's), and sets records with and without a carry-in before its
    // linked back edge.
    const c = manual(140, [
      [0x29, 0xc8],       // 0: loop: sub eax, ecx
      [0xeb, 0x00],       // 2: jmp next
      [0x89, 0x03],       // 4: next: mov [ebx], eax
      [0x0f, 0x92, 0xc2], // 6: setc dl
      [0x8d, 0x34, 0x16], // 9: lea esi, [esi+edx]
      [0x83, 0xc3, 0x04], // 12: add ebx, 4
      [0x11, 0xcf],       // 15: adc edi, ecx
      [0x21, 0xc1],       // 17: and ecx, eax
      [0x83, 0xc9, 0x07], // 19: or ecx, 7
      [0xeb, 0xe8],       // 22: jmp loop
    ], { eax: 0x40, ecx: 0x55, edx: 0, esi: 0, edi: 0, ebx: SCRATCH + 2 * 4096 - 20 });
    const { want, got } = runRegion(c);
    expect(want.fault).toContain("signal 11");
    for (const g of got) expect(g.out.bailAt, g.config).toBe(g.linking ? at(c, 2) : undefined);
    // Left through the ret, not a bail-out: adc's record (a carry-in) across a linked jmp, sub's
    // across the linked jnz, then sbb's on the way out.
    const exit = manual(141, [
      [0xb9, 0x05, 0x00, 0x00, 0x00], // mov ecx, 5
      [0x11, 0xc8],                   // loop: adc eax, ecx
      [0xeb, 0x00],                   // jmp next
      [0x83, 0xe9, 0x01],             // next: sub ecx, 1
      [0x75, 0xf7],                   // jnz loop
      [0x19, 0xd2],                   // sbb edx, edx
      [0xc3],                         // ret
    ], { eax: 0xfffffffe, edx: 0 });
    const left = runRegion(exit);
    expect(left.want.fault).toBeNull();
    // linked: jmp next five times, jnz loop four, and its fall-through to sbb once
    for (const g of left.got) expect(g.links, g.config).toBe(g.linking ? 10 : 0);
  });

  it("a store from a linked loop into another block of its module drops the whole module; the new code runs", () => {
    const c = manual(42, [
      [0xb9, 0x03, 0x00, 0x00, 0x00], // mov ecx, 3
      [0x88, 0x0b],                   // loop: mov byte [ebx], cl
      [0xeb, 0x00],                   // jmp next
      [0xba, 0x11, 0x11, 0x11, 0x11], // next: mov edx, 0x11111111
      [0x01, 0xd0],                   // add eax, edx
      [0x49],                         // dec ecx
      [0x75, 0xf2],                   // jnz loop
      [0xc3],                         // ret
    ], { eax: 0, ebx: caseAddr(0) + 10 }, true);
    const { want, got } = runRegion(c);
    expect(want.regs[0]).toBe((0x11111103 + 0x11111102 + 0x11111101) >>> 0);
    for (const g of got) expect(g.out.bailAt, g.config).toBe(at(c, 1));
    for (const k of [0, 5, 9]) expect(rigB.cache.has(caseAddr(0) + k)).toBe(false);
  });

  it("a switch through a jump table runs linked to the table's entries; a changed entry leaves through the dispatcher", () => {
    const A = caseAddr(0), TABLE = SCRATCH + 0x100;
    const c = manual(44, [
      [0xb9, 40, 0, 0, 0],                    // 0: mov ecx, 40
      [0x89, 0xc8],                           // 5: loop: mov eax, ecx
      [0x83, 0xe0, 0x03],                     // 7: and eax, 3
      [0xff, 0x24, 0x85, ...le(TABLE)],       // 10: jmp [eax*4 + TABLE]
      [0x83, 0xc2, 0x01], [0xeb, 25],         // 17: h0: add edx, 1; jmp next
      [0x83, 0xc2, 0x10], [0xeb, 20],         // 22: h1: add edx, 16; jmp next
      [0x81, 0xc2, 0, 1, 0, 0], [0xeb, 12],   // 27: h2: add edx, 256; 33: jmp next (not a block start)
      [0xc7, 0x05, ...le(TABLE + 4), ...le(A + 33)], [0xeb, 0], // 35: h3: table[1] = 33; jmp next
      [0x49],                                 // 47: next: dec ecx
      [0x75, 0xd3],                           // 48: jnz loop
      [0xc3],                                 // 50: ret
    ], { ecx: 0, edx: 0 });
    const table = new DataView(c.scratch.buffer, c.scratch.byteOffset + 0x100);
    [17, 22, 27, 35].forEach((off, k) => table.setUint32(4 * k, A + off, true));
    const { want, got } = runRegion(c);
    // ecx 40..1: h0 and h2 ten times each; h3 (ecx = 39) redirects entry 1 before h1's first turn, to 33
    expect(want.fault).toBeNull();
    expect(want.regs[2]).toBe(10 * 1 + 10 * 256);
    // linked: h0, then h3 and h2 through the table and back around the loop (9 links), until entry 1, now 33, matches no candidate
    for (const g of got) expect(g.links, g.config).toBe(g.linking ? 9 : 0);
  });

  it("the code cache drops every entry of a module when any of its pages changes", () => {
    const cache = new CodeCache(rigB.mem, 1 << 20);
    // (func (result i32) i32.const 0), exported as "f"
    const bytes = [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 10, 6, 1, 4, 0, 0x41, 0, 0x0b];
    const fn = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(bytes))).exports.f as () => number;
    const p = CODE >>> 12, q = p + 1;
    cache.install({ eip: p << 12, pages: [p, q], guestInsns: 1, fn }, 8);
    cache.install({ eip: (q << 12) + 16, pages: [p, q], guestInsns: 1, fn }, 8);
    cache.install({ eip: (p << 12) + 32, pages: [p], guestInsns: 1, fn }, 8);
    cache.invalidatePage(q);
    expect([cache.has(p << 12), cache.has((q << 12) + 16), cache.has((p << 12) + 32)]).toEqual([false, false, true]);
    expect(cache.invalidations).toBe(2);
  });
});

/** Steps the interpreter may take after a translated run of the tests of translations entering each other. */
const LOOP_STEPS = 100_000;
/** f's offset in those cases: on the page after its caller's, so it can change while the caller's translation lives. */
const F = PAGE_SIZE;
/** A loop of calls of f (the code at F), each followed by add eax, reg (its ModRM byte). */
const callLoop = (index: number, calls: number, addModrm: number, f: number[][], regs: Parameters<typeof manual>[2]) => manual(index, [
  [0xb9, ...le(calls)],        // 0: mov ecx, calls
  [0xe8, ...le(F - 10)],       // 5: loop: call f
  [0x01, addModrm],            // 10: add eax, reg
  [0x49],                      // 12: dec ecx
  [0x75, 0xf6],                // 13: jnz loop
  [0xc3],                      // 15: ret
  ...new Array(F - 16).fill([0x90]),
  ...f,                        // F
], regs);
/** A loop calling f (F: add edx, addend; F + 3: ret), which the translator puts in a module of its own (translated first). */
const caller = (index: number, calls: number, addend: number) =>
  callLoop(index, calls, 0xd0, [[0x83, 0xc2, addend], [0xc3]], { eax: 0, edx: 0 });

/**
 * Runs cases translated on rig B under each of configs, one Translator each (closed after the
 * describe's tests): the page at F first, as its own module, then the case's first page.
 */
function enteringRunner(configs: Pass[][]) {
  const translators: TestTranslator[] = [];
  afterAll(() => translators.forEach((t) => t.close()));
  const translateBoth = (t: TestTranslator) => (eip: number) => { t.translate(eip + F); t.translate(eip); };
  /** Runs c under configuration k (translating it first unless translate is false), the dispatcher allowed budget entries; with the transitions translated code made itself. */
  function runOne(k: number, c: Case, budget: number, translate = true) {
    const passes = configs[k];
    const t = (translators[k] ??= newTranslator(rigB, passes, 1, 16));
    rigB.forget = (page, remapped) => t.tr.forgetPage(page, remapped);
    if (translate) loadBatch(rigB, [c]);
    const before = rigB.directChains(), retired = rigB.retiredTranslated();
    const out = runTranslated(rigB, c, 0, translate ? translateBoth(t) : undefined, LOOP_STEPS, budget);
    const chaining = passes.some((p) => p.name === "direct-chain"), nesting = passes.some((p) => p.name === "nest-calls");
    return {
      config: `Translator(passes=[${passes.map((p) => p.name).join(",")}])`, out, chaining, nesting,
      chains: rigB.directChains() - before, translated: rigB.retiredTranslated() - retired,
    };
  }
  return { runOne, runAll: (c: Case, budget: number) => configs.map((_, k) => runOne(k, c, budget)) };
}

describe("translations entering each other from translated code (direct-chain)", () => {
  const configs = [selectPasses(PASS_NAMES), selectPasses()];
  const { runOne, runAll: runChained } = enteringRunner(configs);

  it("a call into another module's translation and the return from it run without the dispatcher", () => {
    const c = caller(50, 2000, 3);
    loadBatch(rigA, [c]);
    const want = runInterp(rigA, c, 0, LOOP_STEPS);
    expect(want.retired).toBe(1 + 2000 * 6 + 1);
    for (const g of runChained(c, 1 << 20)) {
      expect(compareOutcomes(c, want, g.out, true), g.config).toEqual([]);
      expect(g.out.bailAt, g.config).toBeUndefined();
      // each turn: the call enters f's module, f's ret the caller's return site; nested (nest-calls),
      // the call enters f from nest, and f's ret goes back to nest, which returns to the call's site
      expect(g.chains, g.config).toBe(g.nesting ? 2000 : g.chaining ? 2 * 2000 : 0);
    }
  });

  it("translations entered directly count against the dispatcher's budget: budget - 1 of them, then back to the dispatcher", () => {
    const c = caller(51, 2000, 3);
    loadBatch(rigA, [c]);
    const want = runInterp(rigA, c, 0, LOOP_STEPS);
    for (const g of runChained(c, 100)) {
      expect(compareOutcomes(c, want, g.out, true), g.config).toEqual([]);
      expect(g.chains, g.config).toBe(g.chaining || g.nesting ? 99 : 0);
    }
  });

  it("a rewritten target is never entered: the caller's translation, still live, finds no entry and the interpreter runs the new code", () => {
    const c = caller(52, 50, 3);
    loadBatch(rigA, [c]);
    const before = runInterp(rigA, c, 0, LOOP_STEPS);
    rigA.mem.forceWrite(caseAddr(0) + F + 2, Uint8Array.of(5)); // f: add edx, 5
    const want = runInterp(rigA, c, 0, LOOP_STEPS);
    expect(want.regs[0]).not.toBe(before.regs[0]);
    for (const k of configs.keys()) {
      const g = runOne(k, c, 1 << 20);
      expect(compareOutcomes(c, before, g.out, true), g.config).toEqual([]);
      rigB.mem.forceWrite(caseAddr(0) + F + 2, Uint8Array.of(5));
      expect([rigB.cache.has(caseAddr(0)), rigB.cache.has(caseAddr(0) + F)], g.config).toEqual([true, false]);
      const again = runOne(k, c, 1 << 20, false);
      expect(compareOutcomes(c, want, again.out, true), g.config).toEqual([]);
      expect(again.chains, g.config).toBe(0);
    }
  });

  it("EIP 0 and 1 miss in the dispatcher and in translated code, even with a tombstone in 1's slot", () => {
    const dir = new Uint32Array(rigB.mem.wasm.buffer, CACHE_OFF, DIR_ENTRIES * 2);
    const h = Math.imul(1, DIR_HASH) >>> (32 - DIR_BITS);
    const saved = dir.slice(h * 2, h * 2 + 2);
    dir.set([DIR_TOMBSTONE, 0], h * 2);
    try {
      expect([rigB.run(1, 10), rigB.run(0, 10)]).toEqual([1, 0]);
      const c = manual(53, [[0xb8, ...le(1)], [0xff, 0xe0]], {}); // mov eax, 1; jmp eax
      loadBatch(rigA, [c]);
      const want = runInterp(rigA, c, 0);
      for (const g of runChained(c, 10)) expect(compareOutcomes(c, want, g.out, true), g.config).toEqual([]);
    } finally {
      dir.set(saved, h * 2);
    }
  });
});

describe("guest calls as WebAssembly calls (nest-calls)", () => {
  // Alone, with the default passes, with every pass (direct-chain too), and without it.
  const configs = [["nest-calls"], [...DEFAULT_PASS_NAMES, "nest-calls"], PASS_NAMES, DEFAULT_PASS_NAMES].map((names) => selectPasses(names));
  const { runAll } = enteringRunner(configs);
  const at = (offset: number) => caseAddr(0) + offset;
  /** A call of f (at F) whose return site adds 1 to eax, and at 9, which no direct branch reaches, one adding 100. */
  const callF = (index: number, f: number[][], writableCode = false) => manual(index, [
    [0xe8, ...le(F - 5)],        // 0: call f
    [0x83, 0xc0, 0x01],          // 5: add eax, 1
    [0xc3],                      // 8: ret
    [0x83, 0xc0, 0x64],          // 9: add eax, 100
    [0xc3],                      // 12: ret
    ...new Array(F - 13).fill([0x90]),
    ...f,                        // F: f
  ], { eax: 0, edx: 0 }, writableCode);
  /** Runs c in every configuration against the interpreter, the dispatcher allowed budget entries; returns the runs for further checks. */
  const same = (c: Case, budget = 1 << 20) => {
    loadBatch(rigA, [c]);
    const want = runInterp(rigA, c, 0, LOOP_STEPS);
    const runs = runAll(c, budget);
    for (const g of runs) expect(compareOutcomes(c, want, g.out, true), g.config).toEqual([]);
    return { want, runs };
  };

  it("a call returning to its site goes on there inside the caller's translation", () => {
    const { runs } = same(caller(60, 2000, 3));
    for (const g of runs) {
      expect(g.out.bailAt, g.config).toBeUndefined();
      // Nested, each turn enters f once from nest, and f's ret comes back to the call's site.
      expect(g.chains, g.config).toBe(g.nesting ? 2000 : 0);
    }
  });

  it("a return address the callee overwrote, or a callee leaving by a jump (longjmp), is followed, not assumed", () => {
    same(callF(61, [[0xc7, 0x04, 0x24, ...le(at(9))], [0xc3]])); // f: mov dword [esp], 9; ret
    same(callF(62, [[0x83, 0xc4, 0x04], [0xe9, ...le(9 - (F + 8))]])); // f: add esp, 4; jmp 9
  });

  it("a fault in the callee is raised by the interpreter at its instruction, every nested frame unwound", () => {
    const { want } = same(callF(63, [[0xa1, ...le(0x10)], [0xc3]])); // f: mov eax, [0x10]
    expect(want.fault).toMatch(/^signal 11 /);
  });

  it("a callee writing the caller's code bails out before the store; the interpreter runs what was written", () => {
    // f: mov byte [7], 0x22 (the return site's add eax, 1 becomes add eax, 0x22); ret
    const { want } = same(callF(64, [[0xc6, 0x05, ...le(at(7)), 0x22], [0xc3]], true));
    expect(want.regs[0]).toBe(0x22);
  });

  it("a loop of calls that return at once (call $+5) still spends its link budget and comes back to the dispatcher", () => {
    const c = manual(66, [
      [0xb9, ...le(10_000)],     // 0: mov ecx, 10000
      [0xe8, ...le(0)],          // 5: loop: call $+5
      [0x5a],                    // 10: pop edx
      [0x49],                    // 11: dec ecx
      [0x75, 0xf7],              // 12: jnz loop
      [0xc3],                    // 14: ret
    ], {});
    // One entry from the dispatcher: at most LINK_BUDGET links (two a turn) before it returns, the
    // interpreter running the rest.
    const { runs } = same(c, 1);
    for (const g of runs) {
      expect(g.translated, g.config).toBeGreaterThan(0);
      expect(g.translated, g.config).toBeLessThanOrEqual(4 * (LINK_BUDGET + 2));
    }
  });

  it("calls nested deeper than NEST_DEPTH leave through the dispatcher and come back right", () => {
    // a (at 16) and b (at F) call each other until ecx runs out: 200 calls deep.
    const c = manual(65, [
      [0xb9, ...le(200)],        // 0: mov ecx, 200
      [0xe8, ...le(16 - 10)],    // 5: call a
      [0x01, 0xd0],              // 10: add eax, edx
      [0xc3],                    // 12: ret
      [0x90], [0x90], [0x90],    // 13
      [0x49],                    // 16: a: dec ecx
      [0x74, 0x06],              // 17: jz 25
      [0xe8, ...le(F - 24)],     // 19: call b
      [0x40],                    // 24: inc eax
      [0xc3],                    // 25: ret
      ...new Array(F - 26).fill([0x90]),
      [0x49],                    // F: b: dec ecx
      [0x74, 0x06],              // F + 1: jz F + 9
      [0xe8, ...le(16 - (F + 8))], // F + 3: call a
      [0x42],                    // F + 8: inc edx
      [0xc3],                    // F + 9: ret
    ], { eax: 0, edx: 0 });
    const { want, runs } = same(c);
    expect(want.regs[0]).toBe(199); // eax: 100 a levels and 99 b levels came back (the last b ran out of ecx), edx added
    for (const g of runs) if (g.nesting) expect(g.chains, g.config).toBeGreaterThan(0);
  });
});

describe("calls of PIC thunks (mov reg, [esp]; ret) as the thunk's effect", () => {
  // The default passes, every pass, and none (every exit through the dispatcher).
  const configs = [DEFAULT_PASS_NAMES, PASS_NAMES, []].map((names) => selectPasses(names));
  const { runOne } = enteringRunner(configs);
  const at = (offset: number) => caseAddr(0) + offset;
  const MOV_EBX_ESP = [0x8b, 0x1c, 0x24];
  /** A loop of 1000 calls of the code at F, each followed by add eax, ebx. */
  const callsF = (index: number, f: number[][], regs = {}) => callLoop(index, 1000, 0xd8, f, { eax: 0, ebx: 0, ...regs });
  /** Runs c in every configuration against the interpreter; returns the runs with their directory lookups. */
  const same = (c: Case) => {
    loadBatch(rigA, [c]);
    const want = runInterp(rigA, c, 0, LOOP_STEPS);
    return {
      want,
      runs: configs.map((passes, k) => {
        const before = rigB.lookups();
        const g = runOne(k, c, 1 << 20);
        expect(compareOutcomes(c, want, g.out, true), g.config).toEqual([]);
        return { ...g, linking: passes.some((p) => p.name === "link-blocks"), lookups: rigB.lookups() - before };
      }),
    };
  };
  /** The IR exit ending the region's block at 5 (the call), F's block translated already (else taken by the region's growth). */
  const callExit = (c: Case, translated = true) => {
    loadBatch(rigB, [c]);
    const region = liftRegion(rigB.mem, at(5), { passes: [], maxBlocks: translated ? 1 : 2, x87Model: "f80", skip: (eip) => translated && eip === at(F) });
    const ops = region.blocks[0].block.ops, last = ops[ops.length - 1];
    const target = ops.find((o) => o.op === "const" && last.op === "exit" && o.dst === last.target);
    return { blocks: region.blocks.map((b) => b.block.start - caseAddr(0)), target: target?.op === "const" ? target.value - caseAddr(0) : undefined, count: last.op === "exit" ? last.count : undefined };
  };

  it("the call goes on at its return address inside the caller's region, with the thunk's word on the stack and three instructions retired", () => {
    const c = callsF(70, [MOV_EBX_ESP, [0xc3]]);
    // The thunk's block joins a region even when it is translated already and the region is full.
    expect(callExit(c)).toEqual({ blocks: [5, F], target: 10, count: 3 });
    expect(callExit(c, false)).toEqual({ blocks: [5, F], target: 10, count: 3 });
    const { want, runs } = same(c);
    expect(want.retired).toBe(1 + 1000 * 6 + 1);
    expect(want.regs[0]).toBe(Math.imul(1000, at(10)) >>> 0);
    // Linked, the loop never leaves its region for the thunk: one lookup to enter it and one for
    // the final ret (2000 links stay within LINK_BUDGET); unlinked, two a turn (to the return
    // address and back to the loop) where a call of the thunk took three.
    for (const g of runs) expect(g.lookups, g.config).toBe(g.linking ? 2 : 2 * 1000 + 2);
  });

  it("code that only looks like a thunk is called as it is", () => {
    for (const [index, f] of [
      [71, [[0x8b, 0x5c, 0x24, 0x04], [0xc3]]], // mov ebx, [esp+4]; ret
      [72, [MOV_EBX_ESP, [0xc2, 0x00, 0x00]]],   // mov ebx, [esp]; ret 0
      [73, [MOV_EBX_ESP, [0x90], [0xc3]]],       // mov ebx, [esp]; nop; ret
      [74, [[0x66, 0x8b, 0x1c, 0x24], [0xc3]]],  // mov bx, [esp]; ret
    ] as [number, number[][]][]) {
      const c = callsF(index, f);
      for (const translated of [true, false]) expect(callExit(c, translated), `case ${index}`).toMatchObject({ target: F, count: 1 });
      same(c);
    }
  });

  it("a push that faults leaves the interpreter to raise it at the call", () => {
    const { want } = same(callsF(75, [MOV_EBX_ESP, [0xc3]], { esp: SCRATCH + 3 * PAGE_SIZE + 0x1000 }));
    expect(want.fault).toMatch(/^signal 11 /);
    expect(want.retired).toBe(1);
  });

  it("a rewritten thunk drops the caller's translation; the region formed anew follows the new thunk", () => {
    const c = callsF(76, [MOV_EBX_ESP, [0xc3]]);
    for (const k of configs.keys()) {
      runOne(k, c, 1 << 20);
      rigB.mem.forceWrite(at(F + 1), Uint8Array.of(0x14)); // mov edx, [esp]
      expect([rigB.cache.has(at(0)), rigB.cache.has(at(5)), rigB.cache.has(at(F))], `configuration ${k}`).toEqual([false, false, false]);
    }
    const { want } = same(callsF(77, [[0x8b, 0x14, 0x24], [0xc3]]));
    expect([want.regs[0], want.regs[2]]).toEqual([0, at(10)]);
  });
});

describe("translator regressions found by the random cases", () => {
  const check = (index: number, insns: number[][], regs: Parameters<typeof manual>[2], divisor?: number) => {
    const c = manual(index, insns, regs);
    if (divisor !== undefined) new DataView(c.scratch.buffer).setInt32(0x10, divisor, true);
    const { want, got } = runEverywhere(c);
    expectSame(c, want, got);
  };

  it("setcc after each common 32-bit flag producer at its overflow and carry edges (the inline flags() path)", () => {
    // Every producer is followed by seto/setb/setae/setz/sets/setp/setl/setle [ebp+k]: without cmp-jcc-fusion each reads the lazy record.
    const CCS = [0, 2, 3, 4, 8, 10, 12, 14];
    let k = 0;
    const sets = () => CCS.map((cc) => [0x0f, 0x90 + cc, 0x45, k++]);
    const c = manual(43, [
      [0x40], ...sets(),       // inc eax: 0x7fffffff -> OF (CF kept from before: set)
      [0x49], ...sets(),       // dec ecx: 0x80000000 -> OF
      [0x29, 0xda], ...sets(), // sub edx, ebx: 0x80000000 - 1 -> OF
      [0x29, 0xcb], ...sets(), // sub ebx, ecx: 1 - 0x7fffffff -> CF
      [0x01, 0xfe], ...sets(), // add esi, edi: 0x7fffffff + 1 -> OF
      [0x21, 0xfe], ...sets(), // and esi, edi -> ZF, PF
      [0x01, 0xd2], ...sets(), // add edx, edx: 0x7fffffff * 2 -> OF
      [0xc3],
    ], { eax: 0x7fffffff, ecx: 0x80000000, edx: 0x80000000, ebx: 1, esi: 0x7fffffff, edi: 1, ebp: SCRATCH });
    const { want, got } = runEverywhere(c);
    expect(want.fault).toBeNull();
    expectSame(c, want, got);
  });

  it("setcc, a rotate's partial flag write and lahf after 8/16-bit, adc/sbb, shift, multiply and double-shift producers (flags() of every kind, eflags())", () => {
    // Each producer at an edge, then setcc [ebp+k] (cond through flags()), rol edi,1 (updflags of CF OF:
    // eflags() materializes AF PF ZF SF), lahf and seto recording what the rotate left. Three producers
    // per case keep each case one translated block.
    const CCS = [0, 2, 3, 4, 8, 10, 12, 14];
    let k = 0;
    const after = () => [...CCS.map((cc) => [0x0f, 0x90 + cc, 0x45, k++]), [0xd1, 0xc7], [0x9f], [0x88, 0x65, k++], [0x0f, 0x90, 0x45, k++]];
    const movAlBl = (al: number, bl: number) => [[0xb0, al], [0xb3, bl]];
    const movAxBx = (ax: number, bx: number) => [[0x66, 0xb8, ax & 0xff, ax >> 8], [0x66, 0xbb, bx & 0xff, bx >> 8]];
    const le32 = (v: number) => [0, 8, 16, 24].map((sh) => (v >>> sh) & 0xff);
    const movEaxEbx = (eax: number, ebx: number) => [[0xb8, ...le32(eax)], [0xbb, ...le32(ebx)]];
    const STC = [0xf9];
    const producers = [
      [...movAlBl(0x7f, 1), [0x00, 0xd8]],                // add al, bl: OF, AF
      [...movAlBl(0x80, 1), [0x28, 0xd8]],                // sub al, bl: OF, AF
      [...movAlBl(0, 1), [0x28, 0xd8]],                   // sub al, bl: CF
      [STC, ...movAlBl(0x10, 0xff), [0x10, 0xd8]],        // stc; adc al, bl: result = al, carry only with the carry-in
      [STC, ...movAlBl(5, 5), [0x18, 0xd8]],              // stc; sbb al, bl: al = bl, borrow only with the borrow-in
      [[0xb0, 0x7f], [0xfe, 0xc0]],                       // inc al: OF
      [[0xb1, 0x80], [0xfe, 0xc9]],                       // dec cl: OF
      [...movAlBl(0x8f, 0xf0), [0x20, 0xd8]],             // and al, bl: SF, PF
      [...movAxBx(0x7fff, 1), [0x66, 0x01, 0xd8]],        // add ax, bx: OF
      [...movAxBx(0, 1), [0x66, 0x29, 0xd8]],             // sub ax, bx: CF
      [STC, ...movAxBx(0x8000, 0), [0x66, 0x19, 0xd8]],   // stc; sbb ax, bx: OF
      [[0x66, 0xb8, 0xff, 0x7f], [0x66, 0x40]],           // inc ax: OF
      [[0x66, 0xb9, 0x00, 0x80], [0x66, 0x49]],           // dec cx: OF
      [STC, ...movEaxEbx(0x10, 0xffffffff), [0x11, 0xd8]], // stc; adc eax, ebx: carry only with the carry-in
      [STC, ...movEaxEbx(0x80000000, 0), [0x19, 0xd8]],   // stc; sbb eax, ebx: OF
      [STC, ...movEaxEbx(7, 7), [0x19, 0xd8]],            // stc; sbb eax, ebx: borrow only with the borrow-in
      [...movEaxEbx(7, 0), [0x01, 0xd8]],                 // add eax, ebx: the result equals the operand, no carry
      // Shifts and multiplies (their own kinds in flags(), carry() and eflags()): counts at and past the operand's width.
      [[0xb0, 0x81], [0xd0, 0xe0]],                       // shl al, 1: CF, OF
      [[0xb0, 0x81], [0xb1, 8], [0xd2, 0xe0]],            // shl al, cl (8): CF = bit 0
      [[0xb0, 0x81], [0xb1, 9], [0xd2, 0xe0]],            // shl al, cl (9): CF 0
      [[0x66, 0xb8, 0x01, 0x80], [0x66, 0xc1, 0xe8, 0x10]], // shr ax, 16: CF = bit 15
      [[0x66, 0xb8, 0x01, 0x80], [0x66, 0xc1, 0xe8, 0x11]], // shr ax, 17: CF 0, OF = old sign
      [[0xb0, 0x80], [0xc0, 0xf8, 0x0c]],                 // sar al, 12: CF = the sign
      [[0xb0, 0x40], [0xc0, 0xf8, 0x07]],                 // sar al, 7: CF = bit 6
      [...movEaxEbx(0xc0000001, 0), [0xc1, 0xe0, 0x01]],  // shl eax, 1: CF, SF, no OF
      [...movEaxEbx(0x80000003, 0), [0xd1, 0xe8]],        // shr eax, 1: CF, OF
      [...movEaxEbx(0x80000003, 0), [0xc1, 0xf8, 0x1f]],  // sar eax, 31: CF 0, result -1
      [...movEaxEbx(0x10000, 0x10000), [0xf7, 0xe3]],     // mul ebx: CF = OF = 1, result 0
      [...movEaxEbx(-3, 7), [0x0f, 0xaf, 0xc3]],          // imul eax, ebx: no overflow, SF
      [...movEaxEbx(0x40000000, 4), [0x0f, 0xaf, 0xc3]],  // imul eax, ebx: overflow, ZF
      [...movEaxEbx(0x80000001, 0x40000000), [0xb1, 3], [0x0f, 0xa5, 0xd8]], // shld eax, ebx, cl: OF, CF 0
      [...movEaxEbx(0x12345679, 0xf0000000), [0x0f, 0xac, 0xd8, 0x04]],      // shrd eax, ebx, 4: CF = bit 3, SF
      [...movEaxEbx(0x80000000, 0), [0x0f, 0xa4, 0xd8, 0x01]],               // shld eax, ebx, 1: ZF, CF, OF
      [[0xf9], [0xf5]],                                   // stc; cmc
      [[0xf8], [0xf5]],                                   // clc; cmc
    ];
    for (let p = 0; p < producers.length; p += 3) {
      k = 0;
      const insns = [...producers.slice(p, p + 3).flatMap((q) => [...q, ...after()]), [0xc3]];
      expect(insns.length).toBeLessThanOrEqual(MAX_BLOCK_INSNS);
      const c = manual(400 + p, insns, { edi: 0x80000001, ebp: SCRATCH });
      const { want, got } = runEverywhere(c);
      expect(want.fault).toBeNull();
      expectSame(c, want, got);
    }
  });

  it("shld/shrd: a zero count by CL changes nothing; by CL into memory the executor runs it, by an immediate not", () => {
    const S = SCRATCH + 0x10;
    check(200, [[0xb1, 0x20], [0x0f, 0xa5, 0xd8], [0x0f, 0xad, 0xda], [0xc3]], { eax: 0x80000001 | 0, ebx: 0x12345678, edx: 5 }); // count 32 & 31 = 0: CF, OF kept
    check(201, [[0xb1, 0x21], [0x0f, 0xa5, 0xd8], [0x0f, 0xad, 0xda], [0xc3]], { eax: 0x80000001 | 0, ebx: 0x12345678, edx: 5 }); // count 1
    check(202, [[0xb1, 0x00], [0x0f, 0xa5, 0x1e], [0xb1, 0x07], [0x0f, 0xad, 0x1e], [0xc3]], { ebx: 0x12345678, esi: S });  // shld/shrd [esi], ebx, cl
    check(203, [[0x0f, 0xa4, 0x1e, 0x1f], [0x0f, 0xac, 0x1e, 0x00], [0xc3]], { ebx: 0x12345678, esi: S });                  // shld [esi], ebx, 31; shrd by 0
  });

  it("movs/stos natively: rep and single, both directions, overlapping, long counts through the executor, a fault mid-string", () => {
    const S = SCRATCH + 0x100;
    const REP_MOVSB = [0xf3, 0xa4], REP_MOVSD = [0xf3, 0xa5], REP_STOSD = [0xf3, 0xab], MOVSB = [0xa4], STOSB = [0xaa], STD = [0xfd], CLD = [0xfc];
    const strops = (k: number, insns: number[][], regs: Parameters<typeof manual>[2], ops: number) => {
      const c = manual(k, [...insns, [0x42], [0xc3]], { eax: 0x11223344, ...regs }); // inc edx after: the block goes on
      const { want, got } = runEverywhere(c);
      expectSame(c, want, got);
      for (const g of got) expect(g.ir?.ops.filter((o) => o.op === "strop").length, g.config).toBe(ops);
      return want;
    };
    strops(206, [REP_MOVSD, REP_STOSD, MOVSB, STOSB], { esi: S, edi: S + 0x200, ecx: 5 }, 4);
    strops(207, [STD, REP_MOVSB, CLD, REP_STOSD], { esi: S + 0x40, edi: S + 0x300, ecx: 9 }, 2);          // backwards, then ECX 0
    strops(208, [REP_MOVSB], { esi: S, edi: S + 3, ecx: 40 }, 1);                                        // overlapping: the pattern repeats
    strops(209, [REP_MOVSD, REP_STOSD], { esi: S, edi: S + 0x400, ecx: 200 }, 2);                          // the executor's bulk path
    const fault = strops(210, [REP_STOSD], { edi: SCRATCH + 2 * PAGE_SIZE - 8, ecx: 5 }, 1);               // runs into the read-only page
    expect(fault.fault).not.toBeNull();
    expect(fault.regs[1]).toBe(3);
    // ECX, ESI and EDI set in the block (register-cached locals): a copy onto itself, shifting bytes down, faults
    // after 4 bytes; the progress must survive the bail-out (a re-run from the start would shift them twice).
    const le = (v: number) => [0, 8, 16, 24].map((k) => (v >>> k) & 0xff);
    const edi = SCRATCH + 2 * PAGE_SIZE - 4;
    const shifted = strops(211, [[0xb9, ...le(8)], [0xbf, ...le(edi)], [0xbe, ...le(edi + 1)], REP_MOVSB], {}, 1);
    expect(shifted.fault).not.toBeNull();
    expect(shifted.regs[1]).toBe(4);
  });

  it("std and cld outlast a later flag record (DF is no part of it)", () => {
    check(204, [[0xfd], [0x31, 0xc0], [0xc3]], {});              // std; xor eax, eax
    check(205, [[0xfd], [0x31, 0xc0], [0xfc], [0x40], [0xc3]], {}); // std; xor eax, eax; cld; inc eax
  });

  it("cmpxchg whose destination is the accumulator itself (always equal: the destination gets the source)", () => {
    check(20, [[0x0f, 0xb1, 0xc8], [0xc3]], { eax: 5, ecx: 9 });             // cmpxchg eax, ecx -> eax = 9
    check(21, [[0x0f, 0xb0, 0xf0], [0xc3]], { eax: 0x1234, edx: 0x5600 });  // cmpxchg al, dh -> al = 0x56
  });

  it("idiv/div of a memory operand whose low dividend dword has its sign bit set", () => {
    check(22, [[0xf7, 0x3e], [0xc3]], { eax: 0x80000000 | 0, edx: 0, esi: SCRATCH + 0x10 }, 2);            // idiv dword [esi] -> 0x40000000
    check(23, [[0xf7, 0x3e], [0xc3]], { eax: 0x8070ff8f | 0, edx: 0x44874a86, esi: SCRATCH + 0x10 }, 3); // quotient overflow: #DE
    check(24, [[0xf7, 0x36], [0xc3]], { eax: 0x80000001 | 0, edx: 1, esi: SCRATCH + 0x10 }, 7);            // div dword [esi]
  });

  it("a shift or rotate of memory by a zero count still reads (and faults on) its operand", () => {
    check(25, [[0x41], [0xc1, 0x2b, 0x20], [0x42], [0xc3]], { ebx: 0x00100000 });  // inc ecx; shr dword [ebx], 32 (unmapped)
    check(26, [[0xc0, 0x03, 0x00], [0xc3]], { ebx: 0x00100000 });                    // rol byte [ebx], 0
  });
});

describe("SSE operations of their own: scalar arithmetic native when exact, else the executor", () => {
  const MX = 0x80;
  /** A case over XMM registers given as doubles (low qword; the high qword a marker) and MXCSR; returns the interpreter's outcome. */
  function sse(index: number, insns: number[][], lanes: number[], mxcsr: number, regs: Parameters<typeof manual>[2] = {}, doubles: number[] = [], xops = insns.length): Outcome {
    const c = manual(index, [...insns, [0xc3]], { esi: SCRATCH + 0x100, ...regs });
    const dv = new DataView((c.xmm = new Uint8Array(XMM_SIZE)).buffer);
    lanes.forEach((x, r) => { dv.setFloat64(16 * r, x, true); dv.setUint32(16 * r + 8, 0x5a5a0000 + r, true); });
    dv.setUint32(MX, mxcsr ^ 0x1f80, true);
    doubles.forEach((x, k) => new DataView(c.scratch.buffer).setFloat64(0x100 + 8 * k, x, true));
    const { want, got } = runEverywhere(c);
    expectSame(c, want, got);
    for (const g of got) expect(g.ir?.ops.filter((o) => o.op.startsWith("x")).length, g.config).toBe(xops);
    return want;
  }
  const mxcsrOf = (o: Outcome) => new DataView(o.sse.buffer, o.sse.byteOffset).getUint32(MX, true) ^ 0x1f80;
  const lane = (o: Outcome, r: number) => new DataView(o.sse.buffer, o.sse.byteOffset).getFloat64(16 * r, true);
  const MULSD = [0xf2, 0x0f, 0x59, 0xc1], ADDSD = [0xf2, 0x0f, 0x58, 0xc1], DIVSD = [0xf2, 0x0f, 0x5e, 0xc1]; // op xmm0, xmm1

  it("SSE2 integer operations (a string function's byte search) are native; misaligned and page-crossing m128 bail out", () => {
    const SEARCH = [
      [0x66, 0x0f, 0x6e, 0xc8],       // movd xmm1, eax
      [0x66, 0x0f, 0x60, 0xc9],       // punpcklbw xmm1, xmm1
      [0x66, 0x0f, 0x61, 0xc9],       // punpcklwd xmm1, xmm1
      [0x66, 0x0f, 0x70, 0xc9, 0x00], // pshufd xmm1, xmm1, 0
      [0x66, 0x0f, 0x6f, 0x06],       // movdqa xmm0, [esi]
      [0x66, 0x0f, 0x6f, 0xd0],       // movdqa xmm2, xmm0
      [0x66, 0x0f, 0x74, 0xc1],       // pcmpeqb xmm0, xmm1
      [0x66, 0x0f, 0xd7, 0xd0],       // pmovmskb edx, xmm0
      [0x66, 0x0f, 0xda, 0x56, 0x10], // pminub xmm2, [esi+16]
      [0x66, 0x0f, 0x68, 0xd1],       // punpckhbw xmm2, xmm1
      [0xf3, 0x0f, 0x7f, 0x57, 0x40], // movdqu [edi+64], xmm2
      [0x66, 0x0f, 0x70, 0xdc, 0x1b], // pshufd xmm3, xmm4, 0x1b
      [0xf3, 0x0f, 0x7f, 0x5f, 0x50], // movdqu [edi+80], xmm3
      [0x66, 0x0f, 0xfb, 0xd1],       // psubq xmm2, xmm1
      [0x66, 0x0f, 0x64, 0xd0],       // pcmpgtb xmm2, xmm0
      [0x66, 0x0f, 0xdf, 0xd0],       // pandn xmm2, xmm0
      [0x66, 0x0f, 0x7e, 0xd1],       // movd ecx, xmm2
      [0xf3, 0x0f, 0x7f, 0x17],       // movdqu [edi], xmm2
      [0x8b, 0x46, 0x04],             // mov eax, [esi+4]       (the lifter's last memory operand: not movd's)
      [0x66, 0x0f, 0x7e, 0x57, 0x20], // movd [edi+32], xmm2
      [0xc3],
    ];
    const run = (index: number, esi: number, edi: number, xops: number) => {
      const c = manual(index, SEARCH, { eax: 0x41, esi, edi });
      c.xmm = new Uint8Array(XMM_SIZE).map((_, k) => (k * 37 + 11) & 0xff);
      c.scratch.fill(0x41, 0, 8);
      c.scratch.fill(0x42, 8, 32);
      const { want, got } = runEverywhere(c);
      expectSame(c, want, got);
      for (const g of got) {
        expect(g.ir?.ops.filter((o) => o.op.startsWith("x")).length, g.config).toBe(xops);
        expect(g.ir?.ops.some((o) => o.op === "interp"), g.config).toBe(false);
      }
      return { c, want, got };
    };
    const ok = run(212, SCRATCH, SCRATCH + 0x200, 19);
    expect(ok.want.fault).toBeNull();
    expect(ok.want.regs[2]).toBe(0x00ff);                             // pmovmskb: bytes 0-7 matched
    const misaligned = run(213, SCRATCH + 8, SCRATCH + 0x200, 19);     // movdqa xmm0, [esi] misaligned: #GP
    expect(misaligned.want.fault).not.toBeNull();
    for (const g of misaligned.got) expect(g.out.bailAt, g.config).toBe(at(misaligned.c, 4));
    const crossing = run(214, SCRATCH, SCRATCH + PAGE_SIZE - 4, 19);    // movdqu [edi] across a page boundary: the executor stores it
    expect(crossing.want.fault).toBeNull();
  });

  it("ordinary operands with PE set compute in place; with PE clear the first inexact one sets it", () => {
    const w = sse(30, [MULSD, ADDSD, [0xf2, 0x0f, 0x5c, 0xc8], DIVSD], [1.5, 0.1], 0x1fa0); // mulsd, addsd, subsd xmm1, xmm0, divsd
    expect(mxcsrOf(w)).toBe(0x1fa0);
    expect(mxcsrOf(sse(31, [ADDSD, MULSD], [1, 1e-20], 0x1f80))).toBe(0x1fa0);
    expect(mxcsrOf(sse(32, [ADDSD, ADDSD], [1, 2], 0x1f80))).toBe(0x1f80); // exact: PE stays clear
  });

  it("overflow, underflow (also to exactly the smallest normal), denormals and zero divisors raise their flags", () => {
    expect(mxcsrOf(sse(33, [MULSD], [1e300, 1e300], 0x1fa0))).toBe(0x1fa8);                  // OE: +inf
    expect(mxcsrOf(sse(34, [MULSD], [1e-200, 1e-200], 0x1fa0))).toBe(0x1fb0);                // UE: 0
    const minNormal = sse(35, [MULSD], [1 - 2 ** -53, 2 ** -1022], 0x1fa0);                   // rounds up to 2^-1022, tiny before rounding
    expect(lane(minNormal, 0)).toBe(2 ** -1022);
    expect(mxcsrOf(minNormal)).toBe(0x1fb0);
    expect(mxcsrOf(sse(36, [ADDSD], [1, 5e-324], 0x1fa0))).toBe(0x1fa2);                     // DE
    const tiny = sse(45, [ADDSD], [1.5 * 2 ** -1022, -(2 ** -1022)], 0x1fa0);                  // an exact denormal sum: no flags
    expect(lane(tiny, 0)).toBe(2 ** -1023);
    expect(mxcsrOf(tiny)).toBe(0x1fa0);
    expect(mxcsrOf(sse(37, [DIVSD], [3, 0], 0x1fa0))).toBe(0x1fa4);                          // ZE
    expect(mxcsrOf(sse(38, [DIVSD], [0, 0], 0x1fa0))).toBe(0x1fa1);                          // IE: default NaN
    expect(mxcsrOf(sse(39, [ADDSD], [1, 2 ** -1022], 0x3fa0))).toBe(0x3fa0);                 // RC down: the executor rounds
  });

  it("an unmasked exception raises SIGFPE at its instruction, after the native ones before it", () => {
    const w = sse(40, [ADDSD, MULSD, [0xf2, 0x0f, 0x59, 0xc0]], [1.25, 1e150], 0x1fa0 & ~0x400); // OE unmasked: mulsd xmm0, xmm0 overflows
    expect(w.fault).toMatch(/^signal 8 /);
    expect(w.retired).toBe(2);
  });

  it("cvtsi2sd, 128-bit register moves and bitwise operations", () => {
    const w = sse(46, [
      [0xf2, 0x0f, 0x2a, 0xc0],             // cvtsi2sd xmm0, eax
      [0xf2, 0x0f, 0x2a, 0x0e],             // cvtsi2sd xmm1, [esi]
      [0x66, 0x0f, 0xef, 0xd2],             // pxor xmm2, xmm2
      [0x66, 0x0f, 0x28, 0xd8],             // movapd xmm3, xmm0
      [0x66, 0x0f, 0x55, 0xd9],             // andnpd xmm3, xmm1
      [0x0f, 0x57, 0xe1],                   // xorps xmm4, xmm1
      [0x0f, 0x29, 0xe5],                   // movaps xmm5, xmm4
    ], [1.5, 2.5, 3.5, 4.5, 5.5, 6.5], 0x1f80, { eax: -7 }, [0]);
    expect(lane(w, 0)).toBe(-7);
    expect(mxcsrOf(w)).toBe(0x1f80);
  });

  const SQRTSD = [0xf2, 0x0f, 0x51, 0xc1]; // sqrtsd xmm0, xmm1
  /** A double whose low dword holds float x (for ss forms reading memory). */
  const floatBits = (x: number) => new Float64Array(new Float32Array([x, 0]).buffer)[0];

  it("sqrtsd/sqrtss: native for zero or positive normal operands; negative, denormal and PE-clear cases run the executor", () => {
    const ok = sse(47, [SQRTSD, [0xf2, 0x0f, 0x51, 0x16], [0xf3, 0x0f, 0x51, 0x5e, 0x08]], [0, 2], 0x1fa0, {}, [16, floatBits(2.25)]); // sqrtsd xmm2, [esi]; sqrtss xmm3, [esi+8]
    expect(lane(ok, 0)).toBe(Math.SQRT2);
    expect(lane(ok, 2)).toBe(4);
    expect(new DataView(ok.sse.buffer, ok.sse.byteOffset).getFloat32(48, true)).toBe(1.5);
    expect(mxcsrOf(ok)).toBe(0x1fa0);
    expect(mxcsrOf(sse(48, [SQRTSD], [0, -4], 0x1fa0))).toBe(0x1fa1);                        // IE: default NaN
    expect(mxcsrOf(sse(49, [SQRTSD], [0, 5e-324], 0x1fa0))).toBe(0x1fa2);                    // DE
    const negZero = sse(50, [SQRTSD], [0, -0], 0x1fa0);
    expect(Object.is(lane(negZero, 0), -0)).toBe(true);
    expect(mxcsrOf(sse(51, [SQRTSD], [0, 4], 0x1f80))).toBe(0x1f80);                         // exact: PE stays clear
    expect(mxcsrOf(sse(52, [SQRTSD], [0, 2], 0x1f80))).toBe(0x1fa0);                         // the executor sets PE
    expect(mxcsrOf(sse(53, [SQRTSD], [0, Infinity], 0x1fa0))).toBe(0x1fa0);                  // executor: +inf
    expect(lane(sse(54, [SQRTSD, SQRTSD], [0, 2], 0x3fa0), 0)).toBe(1.414213562373095);      // RC down: the executor rounds
  });

  it("cvttsd2si/cvttss2si: native strictly inside (-2^31 - 1, 2^31), the executor at and beyond the edges and for NaN", () => {
    const cvt = (reg: number, xmm: number) => [0xf2, 0x0f, 0x2c, 0xc0 | (reg << 3) | xmm];
    const w = sse(55, [cvt(0, 0), cvt(1, 1), cvt(2, 2), cvt(3, 3), cvt(5, 4), cvt(7, 5)],
      [2 ** 31 - 0.5, 2 ** 31, -(2 ** 31) - 0.5, -(2 ** 31) - 1, NaN, -0.5], 0x1fa0);
    expect([0, 1, 2, 3, 5, 7].map((r) => w.regs[r] >>> 0)).toEqual([0x7fffffff, 0x80000000, 0x80000000, 0x80000000, 0x80000000, 0]);
    expect(mxcsrOf(w)).toBe(0x1fa1);
    const exact = sse(56, [cvt(0, 0), [0xf2, 0x0f, 0x2c, 0x16], [0xf3, 0x0f, 0x2c, 0x4e, 0x08]], [-7], 0x1f80, {}, [123.75, floatBits(-3.5)]); // cvttsd2si edx, [esi]; cvttss2si ecx, [esi+8]
    expect([exact.regs[0], exact.regs[2], exact.regs[1]]).toEqual([-7, 123, -3]);
    expect(mxcsrOf(exact)).toBe(0x1fa0); // the executor (PE clear) raised PE on 123.75
    expect(sse(57, [[0xf2, 0x0f, 0x2c, 0x16]], [], 0x1fa0, { esi: SCRATCH + 0x2ffc }).fault).toMatch(/^signal 11 addr 0x20003000/); // m64 into the unmapped page
  });

  it("ucomisd/comisd set ZF PF CF (OF SF AF clear) natively for ordered operands; NaNs and denormals run the executor", () => {
    const UCOMISD = [0x66, 0x0f, 0x2e, 0xc1], COMISD = [0x66, 0x0f, 0x2f, 0xc1];
    const SETA = [0x0f, 0x97, 0xc0], SETB = [0x0f, 0x92, 0xc2], SETP = [0x0f, 0x9a, 0xc3]; // seta al, setb dl, setp bl
    const CMP = [0x39, 0xc8]; // cmp eax, ecx (a producer a fusion must not use across ucomisd)
    const flags = (o: Outcome) => o.flags & 0x8d5;
    for (const [k, op] of [[58, UCOMISD], [63, COMISD]] as const) {
      expect(flags(sse(k, [CMP, op, SETA, SETB, SETP], [1, 2], 0x1fa0, {}, [], 1))).toBe(0x01);
      expect(flags(sse(k + 1, [CMP, op, SETA, SETB, SETP], [2, 1], 0x1fa0, {}, [], 1))).toBe(0);
      expect(sse(k + 2, [op, SETA, CMP, SETB], [0, -0], 0x1fa0, {}, [], 1).regs[0] & 0xff).toBe(0); // equal: not above
      expect(flags(sse(k + 3, [op, SETA, SETB, SETP], [NaN, 1], 0x1fa0, {}, [], 1))).toBe(0x45);
      expect(mxcsrOf(sse(k + 4, [op, SETP], [1, 5e-324], 0x1fa0, {}, [], 1))).toBe(0x1fa2);  // DE
    }
    expect(mxcsrOf(sse(68, [COMISD], [NaN, 1], 0x1fa0))).toBe(0x1fa1);                                       // comisd: IE for a QNaN
    expect(mxcsrOf(sse(69, [UCOMISD], [NaN, 1], 0x1fa0))).toBe(0x1fa0);                                      // ucomisd: no IE for a QNaN
    const mem = sse(70, [[0x66, 0x0f, 0x2e, 0x06], SETA, [0x0f, 0x2e, 0x46, 0x08], SETB], [3], 0x1f80, {}, [2.5, floatBits(4)], 2); // ucomisd xmm0, [esi]; ucomiss xmm0, [esi+8]
    expect(flags(mem)).toBe(0x01);
    expect(mem.regs[0] & 0xff).toBe(1);
  });

  it("memory operands: loads zero the upper lanes, stores are checked, page-crossing and faulting accesses bail out", () => {
    const mem = [
      [0xf2, 0x0f, 0x10, 0x16],             // movsd xmm2, [esi]
      [0xf2, 0x0f, 0x59, 0x56, 0x08],       // mulsd xmm2, [esi+8]
      [0xf3, 0x0f, 0x58, 0x5e, 0x10],       // addss xmm3, [esi+16]
      [0xf2, 0x0f, 0x11, 0x56, 0x18],       // movsd [esi+24], xmm2
      [0xf3, 0x0f, 0x10, 0xe3],             // movss xmm4, xmm3
      [0xf2, 0x0f, 0x11, 0x17],             // movsd [edi], xmm2
    ];
    const to = { edi: SCRATCH + 0x200 };
    const ok = sse(41, mem, [0, 0, 0, 1.5, 7], 0x1fa0, to, [2.5, -3.25, 0.75]);
    expect(ok.fault).toBeNull();
    expect(lane(ok, 2)).toBe(-8.125);
    expect(sse(42, mem, [], 0x1fa0, { edi: SCRATCH + 0x2008 }).fault).toMatch(/^signal 11 addr 0x20002008/); // read-only page
    expect(sse(43, mem, [], 0x1fa0, { ...to, esi: SCRATCH + 0xffc }).fault).toBeNull();                               // m64 across two writable pages
    expect(sse(44, mem, [], 0x1fa0, { ...to, esi: SCRATCH + 0x2ffc }).fault).toMatch(/^signal 11 addr 0x20003000/);   // runs into the unmapped page
  });
});

describe("x87 operations of their own: native when exact in the run's precision model, else the executor", () => {
  /** The 80-bit encoding of a double (zero or normal) as fpu.ts stores it: [sign|exponent, significand high, low]. */
  function ext(x: number): [number, number, number] {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, x, true);
    const hi = dv.getUint32(4, true), lo = dv.getUint32(0, true), e = (hi >>> 20) & 0x7ff, sign = (hi >>> 31) << 15;
    if (e === 0) return [sign, 0, 0];
    return [sign | (e + 15360), (0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21)) >>> 0, (lo << 11) >>> 0];
  }
  /** A hand-written case (insns, then ret) whose x87 stack holds sts, ST0 first: doubles, or 80-bit encodings [se, hi, lo]. */
  function stackCase(index: number, insns: number[][], sts: (number | number[])[], regs: Parameters<typeof manual>[2]): Case {
    const c = manual(index, [...insns, [0xc3]], regs);
    const dv = new DataView(c.fpu.buffer), top = (8 - sts.length) & 7;
    dv.setUint32(0x88, top, true);
    sts.forEach((v, k) => {
      const p = (top + k) & 7, [se, hi, lo] = typeof v === "number" ? ext(v) : v;
      dv.setUint32(p * 16, lo, true);
      dv.setUint32(p * 16 + 4, hi, true);
      dv.setUint16(p * 16 + 8, se, true);
      c.fpu[0x8c + p] = 1;
    });
    return c;
  }
  /**
   * A case over an x87 stack holding sts (ST0 first; a number is a double, a triple an 80-bit encoding), in the
   * given model, with doubles at [esi], [esi+8], ...; checks every configuration against the interpreter and
   * returns its outcome and the translated runs.
   */
  function x87case(index: number, model: "f80" | "f64", insns: number[][], sts: (number | [number, number, number])[], doubles: number[] = [], regs: Parameters<typeof manual>[2] = {}) {
    const c = stackCase(index, insns, sts, { esi: SCRATCH + 0x100, ...regs });
    doubles.forEach((x, k) => new DataView(c.scratch.buffer).setFloat64(0x100 + 8 * k, x, true));
    for (const rig of [rigA, rigB]) setX87Model(rig.m, model);
    try {
      const { want, got } = runEverywhere(c);
      expectSame(c, want, got);
      return { want, got, calls: new Set(got.map((g) => g.out.executorCalls)) };
    } finally {
      for (const rig of [rigA, rigB]) setX87Model(rig.m, "f80");
    }
  }
  const sw = (o: Outcome) => new DataView(o.fpu.buffer, o.fpu.byteOffset).getUint16(0x84, true);
  const scratchF64 = (o: Outcome, k: number) => new DataView(o.scratch.buffer, o.scratch.byteOffset).getFloat64(0x100 + 8 * k, true);
  const PE = 0x20, C1 = 0x200;

  it("fnstcw and fldcw are native (a C cast's round-toward-zero around fistp); fldcw keeps only the bits that exist", () => {
    const { want, got } = x87case(215, "f80", [
      [0xd9, 0x7e, 0x40],             // fnstcw [esi+64]
      [0x66, 0x8b, 0x46, 0x40],       // mov ax, [esi+64]
      [0x80, 0xcc, 0x0c],             // or ah, 0x0c            round toward zero
      [0x66, 0x89, 0x46, 0x42],       // mov [esi+66], ax
      [0xd9, 0x6e, 0x42],             // fldcw [esi+66]
      [0xdd, 0x46, 0x00],             // fld qword [esi]        2.75
      [0xdb, 0x5e, 0x48],             // fistp dword [esi+72]   2
      [0xd9, 0x6e, 0x40],             // fldcw [esi+64]
      [0xdd, 0x46, 0x00],             // fld qword [esi]
      [0xdb, 0x5e, 0x4c],             // fistp dword [esi+76]   3
      [0xd9, 0x6e, 0x08],             // fldcw [esi+8]          0xffff
      [0xd9, 0x7e, 0x50],             // fnstcw [esi+80]        0x1f7f
      [0xd9, 0x6e, 0x40],             // fldcw [esi+64]
    ], [], [2.75, -Math.pow(2, 1000) * 1.9999999999999998]); // [esi+8]'s low word 0xffff
    const i32At = (o: Outcome, off: number) => new DataView(o.scratch.buffer, o.scratch.byteOffset).getInt32(0x100 + off, true);
    expect(want.fault).toBeNull();
    expect([i32At(want, 72), i32At(want, 76)]).toEqual([2, 3]);
    expect(i32At(want, 80) & 0xffff).toBe(0x1f7f);
    for (const g of got) {
      expect(g.ir?.ops.filter((o) => o.op === "fpucw").length, g.config).toBe(2);
      expect(g.ir?.ops.filter((o) => o.op === "setfpucw").length, g.config).toBe(4);
    }
  });
  it("f64 model: loads, arithmetic in every form, fsqrt, fchs, fxch, stores and fucomip run natively", () => {
    const { want, calls } = x87case(80, "f64", [
      [0xdd, 0x46, 0x00],             // fld qword [esi]        2
      [0xdd, 0x46, 0x08],             // fld qword [esi+8]      3, 2
      [0xd8, 0xf1],                   // fdiv st0, st1          1.5
      [0xd8, 0xf9],                   // fdivr st0, st1         2 / 1.5
      [0xdc, 0x4e, 0x10],             // fmul qword [esi+16]    * 0.1
      [0xda, 0x46, 0x18],             // fiadd dword [esi+24]   + 7
      [0xd9, 0xfa],                   // fsqrt
      [0xd9, 0xe0],                   // fchs
      [0xd9, 0xc9],                   // fxch st1
      [0xdd, 0x5e, 0x20],             // fstp qword [esi+32]    2
      [0xdd, 0x56, 0x28],             // fst qword [esi+40]
      [0xd9, 0xe8],                   // fld1
      [0xdb, 0xe9],                   // fucomi st, st1         1 > result
      [0x0f, 0x97, 0xc0],             // seta al
      [0xde, 0xc1],                   // faddp st1, st0         result + 1
      [0xd9, 0xee],                   // fldz
      [0xde, 0xe9],                   // fsubp st1, st0         - 0
      [0xdd, 0x5e, 0x30],             // fstp qword [esi+48]
    ], [], [2, 3, 0.1, 7 * 2 ** -1074]); // the last: int32 7 in its low dword
    expect(calls).toEqual(new Set([0]));
    expect(want.fault).toBeNull();
    const r = -Math.sqrt((2 / 1.5) * 0.1 + 7);
    expect(scratchF64(want, 4)).toBe(2);
    expect(scratchF64(want, 5)).toBe(r);
    expect(scratchF64(want, 6)).toBe(r + 1);
    expect(want.regs[0] & 0xff).toBe(1);
  });
  it("f64 model: PE and C1 (rounded up) as the interpreter's double arithmetic sets them; exact results clear C1", () => {
    const FADD_M = [0xdc, 0x46, 0x08], FSTP_M = [0xdd, 0x5e, 0x10]; // fadd qword [esi+8]; fstp qword [esi+16]
    const up = x87case(81, "f64", [FADD_M], [0.1], [0, 0.2]);                   // 0.30000000000000004 > 0.1 + 0.2
    expect(sw(up.want) & (PE | C1)).toBe(PE | C1);
    const down = x87case(82, "f64", [FADD_M], [1], [0, 2 ** -60]);               // rounds down to 1
    expect(sw(down.want) & (PE | C1)).toBe(PE);
    const stored = x87case(97, "f64", [FADD_M, FSTP_M], [0.1], [0, 0.2]);        // a store clears C1
    expect(sw(stored.want) & (PE | C1)).toBe(PE);
    expect(scratchF64(stored.want, 2)).toBe(0.1 + 0.2);
    for (const [k, op] of [[83, [0xd8, 0xf1]], [84, [0xd8, 0xc9]], [85, [0xd9, 0xfa]]] as const) { // fdiv st0, st1; fmul st0, st1; fsqrt
      const w = x87case(k, "f64", [[...op]], [2, 3]);
      expect(w.calls, `case ${k}`).toEqual(new Set([0]));
    }
    const exact = x87case(86, "f64", [[0xd8, 0xc1], [0xd8, 0xc9]], [1.5, 2.25]); // fadd, fmul: exact
    expect(sw(exact.want) & (PE | C1)).toBe(0);
    expect(exact.calls).toEqual(new Set([0]));
  });

  it("f64 model: overflow, zero divisors, NaN, non-double registers, stack faults and unmasked exceptions run the executor", () => {
    const FMUL = [0xd8, 0xc9], FDIV = [0xd8, 0xf1];
    const overflow = x87case(87, "f64", [FMUL], [1e300, 1e300]);
    expect(sw(overflow.want) & 0x8).toBe(0x8);                                     // OE
    expect(overflow.calls).toEqual(new Set([1]));
    expect(sw(x87case(88, "f64", [FDIV], [1, 0]).want) & 0x4).toBe(0x4);            // ZE
    expect(x87case(89, "f64", [FMUL], [[0x7fff, 0xc0000000, 0], 2]).calls).toEqual(new Set([1])); // QNaN operand
    const wide = x87case(90, "f64", [FMUL], [[0x3fff, 0x80000000, 0x00000401], 3]); // 1 + 2^-53 + 2^-63: not a double
    expect(wide.calls).toEqual(new Set([1]));
    const full = x87case(91, "f64", [[0xd9, 0xe8]], [1, 2, 3, 4, 5, 6, 7, 8]);       // fld1 onto a full stack: IE|SF
    expect(sw(full.want) & 0x41).toBe(0x41);
    expect(full.calls).toEqual(new Set([1]));
    const empty = x87case(92, "f64", [[0xde, 0xc1]], [1]);                          // faddp st1 with ST1 empty
    expect(sw(empty.want) & 0x41).toBe(0x41);
    const unmasked = x87case(93, "f64", [[0xd9, 0x6e, 0x00], FDIV, [0x40], FMUL], [1, 0], [0x037b * 2 ** -1074]); // fldcw [esi] (ZE unmasked)
    expect(unmasked.want.fault).toMatch(/^signal 8 /);
    expect(unmasked.want.retired).toBe(3);
    const narrow = x87case(94, "f64", [[0xd9, 0x5e, 0x00], [0xd9, 0x5e, 0x04]], [0.5, 1e300]); // fstp dword: 0.5 exact, 1e300 overflows
    expect(narrow.calls).toEqual(new Set([1]));
    expect(sw(narrow.want) & 0x28).toBe(0x28);
  });

  it("f80 model: moves of any encoding, arithmetic, fsqrt, fcomi and rounding stores are native; other precisions run the executor", () => {
    const wide: [number, number, number] = [0xbfff, 0xc0000000, 0x00000123];      // not a double
    const moves = x87case(95, "f80", [
      [0xd9, 0xc1],                   // fld st1                (the wide value)
      [0xd9, 0xe0],                   // fchs
      [0xd9, 0xca],                   // fxch st2
      [0xd9, 0xe1],                   // fabs
      [0xdd, 0x46, 0x00],             // fld qword [esi]
      [0xdd, 0xda],                   // fstp st2
      [0xd9, 0xc9],                   // fxch st1
      [0xdd, 0x56, 0x08],             // fst qword [esi+8]      (2.5, a double)
    ], [2.5, wide], [-0.75]);
    expect(moves.calls).toEqual(new Set([0]));
    const arith = x87case(96, "f80", [
      [0xd8, 0xc9],                   // fmul st0, st1          an extended product
      [0xdc, 0x76, 0x00],             // fdiv qword [esi]
      [0xd8, 0xe1],                   // fsub st0, st1
      [0xdb, 0xf1],                   // fcomi st0, st1
      [0x0f, 0x92, 0xc0],             // setb al
      [0xd9, 0xc0],                   // fld st0
      [0xd8, 0xe1],                   // fsub st0, st1          exactly +0
      [0xdd, 0x5e, 0x08],             // fstp qword [esi+8]
      [0xdd, 0x56, 0x10],             // fst qword [esi+16]     rounds to a double
      [0xd9, 0x56, 0x18],             // fst dword [esi+24]     rounds to a float: C1 from it
    ], [wide, 3], [0.1]);
    expect(arith.calls).toEqual(new Set([0]));
    expect(Object.is(scratchF64(arith.want, 1), 0)).toBe(true);
    expect(sw(arith.want) & PE).toBe(PE);
    const sqrt = x87case(98, "f80", [[0xd9, 0xfa], [0xd9, 0xc9], [0xd9, 0xfa]], [2, 0.25]); // fsqrt of 2 (inexact), of 0.25 (exact)
    expect(sqrt.calls).toEqual(new Set([0]));
    expect(sw(sqrt.want) & (PE | C1)).toBe(PE);
    expect(x87case(100, "f80", [[0xd9, 0xfa]], [-2]).calls).toEqual(new Set([1]));          // IE: the executor
    const pc53 = x87case(99, "f80", [[0xd9, 0x6e, 0x00], [0xd8, 0xc9]], [wide, 3], [0x027f * 2 ** -1074]); // fldcw (PC = double); fmul
    expect(pc53.calls).toEqual(new Set([1])); // fldcw is native; fmul at double precision is the executor's
  });
  it("f80 model: a sweep of the arithmetic and fsqrt on normal operands (cancellation, far exponents, ties) runs natively and matches", () => {
    const rng = new Rng(SEED ^ 0x80f80);
    const FORMS = [
      [0xd8, 0xc1], [0xd8, 0xe1], [0xd8, 0xe9], [0xd8, 0xc9], [0xd8, 0xf1], [0xd8, 0xf9], // fadd fsub fsubr fmul fdiv fdivr st0, st1
      [0xdc, 0xc1], [0xdc, 0xe9], [0xdc, 0xf9], [0xde, 0xc1], [0xde, 0xe1], [0xde, 0xf1],  // st1, st0 forms and popping forms
      [0xdc, 0x46, 0x00], [0xdc, 0x66, 0x00], [0xd8, 0x4e, 0x00], [0xdc, 0x7e, 0x00], [0xda, 0x76, 0x00], [0xde, 0x46, 0x00], // memory forms
      [0xdd, 0x56, 0x08], [0xd9, 0x56, 0x08], [0xdf, 0xf1], [0xd9, 0xfa], [0xd9, 0xfa],    // fst m64, fst m32, fcomip, fsqrt
    ];
    const sig = (): [number, number] => rng.pick<[number, number]>([
      [0x80000000, 0], [0xffffffff, 0xffffffff], [0x80000000, 1], [0xc0000000, 0x400],
      [(0x80000000 | rng.u32()) >>> 0, rng.u32()], [(0x80000000 | rng.u32()) >>> 0, rng.u32() & ~0x7ff], [(0x80000000 | rng.u32()) >>> 0, 0],
    ]);
    const cases: Case[] = [];
    for (let k = 0; k < 256; k++) {
      const e0 = 0x3fff + rng.range(-40, 40);
      const e1 = rng.pick([e0, e0 + 1, e0 - 1, e0 + rng.range(-70, 70), e0 + rng.range(-140, 140), e0 + rng.range(-2, 2)]);
      const [h0, l0] = sig(), [h1, l1] = rng.chance(0.2) ? [h0, (l0 + rng.range(-3, 3)) >>> 0] : sig();
      const form = rng.pick(FORMS);
      const c = stackCase(300 + k, [form], [[(rng.int(2) << 15) | e0, h0, l0], [(rng.int(2) << 15) | e1, h1, l1]], { esi: SCRATCH + 0x100 });
      const mem = new DataView(c.scratch.buffer);
      mem.setFloat64(0x100, rng.pick([rng.range(1, 1000), 1 + rng.u32() * 2 ** -32, -(2 ** rng.range(-60, 60)) * (1 + rng.u32() * 2 ** -40)]), true);
      if (rng.chance(0.5)) mem.setInt32(0x100, rng.range(-100000, 100000), true);
      cases.push(c);
    }
    // alignment edges: 1.0 - 2^-65 * (1 + 2^-63) is just above a tie once normalized, 1.0 - 2^-65 exactly one
    const ONE: [number, number] = [0x80000000, 0], ONE_ULP: [number, number] = [0x80000000, 1], ALL: [number, number] = [0xffffffff, 0xffffffff];
    for (const d of [0, 1, 2, 62, 63, 64, 65, 66, 126, 127, 128, 129]) {
      for (const a of [ONE, ALL]) for (const b of [ONE, ONE_ULP, ALL]) for (const op of [[0xd8, 0xc1], [0xd8, 0xe1]]) {
        cases.push(stackCase(600 + cases.length, [op], [[0x3fff, ...a], [0x3fff - d, ...b]], {}));
      }
    }
    // division: significands sharing their high halves (the first quotient digit's estimate reaches 2^32)
    const M = 0x9abcdef0;
    for (const [a, b] of [[[M, 5], [M, 9]], [[M, 9], [M, 5]], [[M, 0], [M, 0xffffffff]], [[M - 1, 0xffffffff], [M, 0]], [[0xffffffff, 0xffffffff], [0x80000000, 0]],
      [[0x80000000, 0], [0xffffffff, 0xffffffff]], [[0xffffffff, 0xfffffffe], [0xffffffff, 0xffffffff]], [[0x80000000, 1], [0x80000000, 0]]]) {
      for (const op of [[0xd8, 0xf1], [0xd8, 0xf9]]) {
        cases.push(stackCase(600 + cases.length, [op], [[0x3fff, ...a], [0x4001, ...b]], {}));
      }
    }
    setX87Model(rigA.m, "f80");
    const failures: string[] = [];
    let calls = 0;
    for (const batch of batches(cases)) {
      loadBatch(rigA, batch);
      const want = batch.map((c, slot) => runInterp(rigA, c, slot));
      loadBatch(rigB, batch);
      const irs = translateBatch(rigB, batch.map((_, slot) => caseAddr(slot)), selectPasses(), 1);
      batch.forEach((c, slot) => {
        const got = runTranslated(rigB, c, slot);
        calls += got.executorCalls ?? 0;
        const diffs = compareOutcomes(c, want[slot], got, true);
        if (diffs.length) failures.push(reproducer(SEED, c, "x87 f80 sweep", diffs, want[slot], got, irs.get(caseAddr(slot))));
      });
    }
    expect(failures.length, failures.slice(0, SHOW).join("\n\n")).toBe(0);
    expect(calls, "cases run by the executor (overflow, underflow, denormal memory operands)").toBeLessThan(cases.length / 8);
  });
});
