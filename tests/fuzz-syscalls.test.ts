/**
 * Random-syscall fuzzing on every run: CDVM_FUZZ_SYSCALL_CASES (default 40)
 * generated programs of 150 syscalls each from seed CDVM_FUZZ_SEED
 * (default 0x5eed0e1f) — random numbers, random and boundary arguments,
 * pointers into every region (tests/fuzz/syscall-programs.ts) — each run by
 * `bin/cdvm run --mode interp` in a fresh temporary --root, every 4th also
 * in `--mode staged`. No run may end with status 125, print a JavaScript
 * exception, hang, peak above 1.5 GiB of host memory, or change a register
 * other than EAX across a syscall (tests/fuzz/syscall-check.ts). A failure
 * lists each bad case with the command that regenerates and traces it;
 * `npm run fuzz -- --syscalls` runs more cases and seeds.
 */
import { describe, expect, it } from "vitest";
import { inParallel } from "./fuzz/spawn.ts";
import { runSyscallCase, syscallReproducer } from "./fuzz/syscall-check.ts";

const SEED = Number(process.env.CDVM_FUZZ_SEED ?? 0x5eed0e1f) >>> 0;
const CASES = Number(process.env.CDVM_FUZZ_SYSCALL_CASES ?? 40);

describe("random-syscall fuzzing", () => {
  it(`${CASES} programs of seed ${SEED}: no VMM failure, no register but EAX changed`, async () => {
    const runs = Array.from({ length: CASES }, (_, k) => ({ k, mode: "interp" }))
      .concat(Array.from({ length: Math.ceil(CASES / 4) }, (_, j) => ({ k: 4 * j, mode: "staged" })));
    const failures: string[] = [];
    let completed = 0;
    await inParallel(runs, 2, async ({ k, mode }) => {
      const r = await runSyscallCase(SEED, k, mode);
      if (r.status === 0) completed++;
      if (r.problems.length) failures.push(`${mode}: ${r.problems.join("; ")}\n  ${syscallReproducer(SEED, k, mode)}`);
    });
    // Programs that all died early would test little: most must reach their final exit.
    expect(completed, `only ${completed} of ${runs.length} runs reached the end of their program`).toBeGreaterThan(runs.length / 3);
    expect(failures.length, `${failures.length} failing runs (of ${runs.length}):\n${failures.slice(0, 10).join("\n")}`).toBe(0);
  }, 120_000);
});
