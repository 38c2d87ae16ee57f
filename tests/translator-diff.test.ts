/**
 * Differential testing of the translator tier against the reference
 * interpreter, block by block (tests/support/diff.ts has the generator, the
 * rigs and the comparison). Every random case runs under all 8 subsets of
 * the IR passes at Binaryen optimize levels 0 and 1; targeted cases pin the
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
 * (default 512 cases, run in 16 configurations). A failure prints a
 * reproducer: seed, case index, configuration, bytes, disassembly, initial
 * state, the differing fields and the block's IR after the passes.
 * CDVM_DIFF_STRICT_FLAGS=1 compares EFLAGS without masking undefined flags.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBackend } from "../src/translate/backend.ts";
import { PASS_NAMES, selectPasses } from "../src/translate/passes/index.ts";
import type { Block } from "../src/translate/ir.ts";
import { S_EXIT, XMM_SIZE } from "../src/vmm/layout.ts";
import {
  BATCH, buildPool, caseAddr, compareOutcomes, FPU_LEN, genCase, hex, loadBatch, makeRig, makeTransRig, newTranslator,
  reproducer, runInterp, runTranslated, SCRATCH, STACK, translateBatch,
  type Case, type Outcome, type Pool, type Rig, type TestTranslator, type TransRig,
} from "./support/diff.ts";

const SEED = Number(process.env.CDVM_DIFF_SEED ?? 0xc0dec0de) >>> 0;
const CASES = Number(process.env.CDVM_DIFF_CASES ?? 512);
const STRICT = process.env.CDVM_DIFF_STRICT_FLAGS === "1";
const SUBSETS = Array.from({ length: 1 << PASS_NAMES.length }, (_, m) => PASS_NAMES.filter((_, k) => m & (1 << k)));
const OPT_LEVELS = [0, 1];
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
  for (const opt of OPT_LEVELS) {
    for (const subset of SUBSETS) {
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
  }

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
    for (const m of ["fld", "fstp", "fadd", "movsd", "stosd", "shld", "shrd"]) expect(interpreted.has(m), `${m} executed as an interp operation`).toBe(true);
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
  for (const opt of OPT_LEVELS) {
    for (const subset of SUBSETS) {
      loadBatch(rigB, [c]);
      const irs = translateBatch(rigB, [caseAddr(0)], selectPasses(subset), opt);
      got.push({ config: `passes=[${subset.join(",")}] binaryen-O${opt}`, out: runTranslated(rigB, c, 0), ir: irs.get(caseAddr(0)) });
    }
  }
  return { want, got };
}

function expectSame(c: Case, want: Outcome, got: { config: string; out: Outcome; ir?: Block }[]): void {
  for (const g of got) {
    const diffs = compareOutcomes(c, want, g.out, true);
    expect(diffs.length, reproducer(SEED, c, g.config, diffs, want, g.out, g.ir)).toBe(0);
  }
}

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

describe("instructions run through the interpreter's executor", () => {
  const interpOps = (ir?: Block) => ir?.ops.filter((o) => o.op === "interp").length ?? 0;

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

  it("a rep stos into the block's own code ends the translated run after it; the interpreter runs the new code", () => {
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
    for (const g of r1.got) expect(g.out.bailAt, g.config).toBe(at(own, 2));
    expect(rigB.cache.has(caseAddr(0)), "the overwritten translation is gone").toBe(false);

    // 100 bytes (the bulk path) into the same page past the block: the translation still ends after the store.
    const page = manual(12, insns, { edi: caseAddr(0) + 0x80, ecx: 100, edx: 10 }, true);
    const r2 = runEverywhere(page);
    expect(r2.want.regs[2]).toBe(16);
    expectSame(page, r2.want, r2.got);
    for (const g of r2.got) expect(g.out.bailAt, g.config).toBe(at(page, 2));
  });

  it("shld/shrd, 16-bit forms and string operations keep a block whole", () => {
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
      expect(interpOps(g.ir), g.config).toBe(6);
    }
  });
});

describe("translator regressions found by the random cases", () => {
  const check = (index: number, insns: number[][], regs: Parameters<typeof manual>[2], divisor?: number) => {
    const c = manual(index, insns, regs);
    if (divisor !== undefined) new DataView(c.scratch.buffer).setInt32(0x10, divisor, true);
    const { want, got } = runEverywhere(c);
    expectSame(c, want, got);
  };

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
