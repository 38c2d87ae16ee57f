/**
 * ELF mutant fuzzing on every run: CDVM_FUZZ_ELF_CASES (default 400)
 * malformed executables from seed CDVM_FUZZ_SEED (default 0x5eed0e1f), made
 * by tests/fuzz/elf-mutants.ts from small built guests, a static PIE and
 * guest-tests/bin/exit42. Every one goes through the loader in process and
 * must be refused with a BadElf or load exactly what it asks for; the
 * accepted ones (up to 32) and every 10th refused one also run through
 * `bin/cdvm run`, which must end with a guest status or one `cdvm:` line —
 * never 125, a JavaScript exception or a hang (tests/fuzz/elf-check.ts).
 * A failure lists each bad case with the command that rewrites its file;
 * `npm run fuzz -- --elf` runs more cases and seeds.
 */
import { describe, expect, it } from "vitest";
import { fuzzElf } from "./fuzz/elf-check.ts";

const SEED = Number(process.env.CDVM_FUZZ_SEED ?? 0x5eed0e1f) >>> 0;
const CASES = Number(process.env.CDVM_FUZZ_ELF_CASES ?? 400);

describe("ELF mutant fuzzing", () => {
  it(`${CASES} mutants of seed ${SEED}: refused with one line or loaded exactly, never a VMM failure`, async () => {
    const r = await fuzzElf({ seed: SEED, cases: CASES, spawnAccepted: 32, spawnRefusedEvery: 10, jobs: 2 });
    expect(r.tried).toBe(CASES);
    // The generator must keep reaching both sides of the loader: files it refuses and files it runs.
    expect(r.accepted).toBeGreaterThan(CASES / 20);
    expect(r.refusals.size).toBeGreaterThan(10);
    expect(r.failures.length, `${r.failures.length} failing mutants (of ${r.tried}; ${r.spawned} run through the CLI):\n${r.failures.slice(0, 10).join("\n")}`).toBe(0);
  }, 120_000);
});
