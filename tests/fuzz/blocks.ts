/**
 * The differential random-block test of tests/translator-diff.test.ts for
 * `npm run fuzz -- --blocks`: cases of any seed (tests/support/diff.ts
 * generates them), interpreted once, then translated and run under every
 * subset of the IR passes at Binaryen -O0 and -O1; every difference is a
 * failure with diff.ts's reproducer (bytes, listing, state, IR).
 */
import { loadBackend } from "../../src/translate/backend.ts";
import { PASS_NAMES, selectPasses } from "../../src/translate/passes/index.ts";
import {
  BATCH, buildPool, caseAddr, compareOutcomes, genCase, loadBatch, makeRig, makeTransRig, reproducer, runInterp,
  runTranslated, translateBatch, type Case, type Outcome,
} from "../support/diff.ts";

const SUBSETS = Array.from({ length: 1 << PASS_NAMES.length }, (_, m) => PASS_NAMES.filter((_, k) => m & (1 << k)));
const OPT_LEVELS = [0, 1];

export interface BlockFuzzReport { cases: number; runs: number; failures: string[] }

/** Cases first..first+count-1 of seed under every pass configuration. */
export async function fuzzBlocks(seed: number, first: number, count: number): Promise<BlockFuzzReport> {
  await loadBackend();
  const pool = buildPool(seed);
  const cases = Array.from({ length: count }, (_, k) => genCase(seed, first + k, pool));
  const batches: Case[][] = [];
  for (let k = 0; k < cases.length; k += BATCH) batches.push(cases.slice(k, k + BATCH));
  const rigA = makeRig(), rigB = makeTransRig();
  const expected: Outcome[][] = batches.map((batch) => {
    loadBatch(rigA, batch);
    return batch.map((c, slot) => runInterp(rigA, c, slot));
  });
  const report: BlockFuzzReport = { cases: count, runs: 0, failures: [] };
  for (const opt of OPT_LEVELS) {
    for (const subset of SUBSETS) {
      const config = `passes=[${subset.join(",")}] binaryen-O${opt}`, passes = selectPasses(subset);
      batches.forEach((batch, b) => {
        loadBatch(rigB, batch);
        const irs = translateBatch(rigB, batch.map((_, slot) => caseAddr(slot)), passes, opt);
        batch.forEach((c, slot) => {
          const want = expected[b][slot], got = runTranslated(rigB, c, slot);
          report.runs++;
          const diffs = compareOutcomes(c, want, got);
          if (diffs.length) report.failures.push(reproducer(seed, c, config, diffs, want, got, irs.get(caseAddr(slot))));
        });
      });
    }
  }
  return report;
}
