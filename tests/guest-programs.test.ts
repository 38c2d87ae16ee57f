/**
 * Every guest-tests case (C programs, instruction-level programs, SMC
 * programs) under cdvm gives the stdout and exit status of the same binary
 * run natively — in every execution mode (the translating ones twice over a
 * fresh persistent translation cache: the first run fills it, the second
 * runs from it), and in bbt mode with each IR pass disabled in turn on a
 * subset chosen to exercise the lifted instructions.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { golden, GUEST_TESTS, maskUndefinedFlags, readCases, runCase, type GuestCase } from "./support/guest.ts";
import { DEFAULT_PASS_NAMES, PASS_NAMES } from "../src/translate/passes/index.ts";

const cases = readCases(path.join(GUEST_TESTS, "cases.json"));
const ABLATION_CASES = new Set(["arith64", "bignum", "bytecode", "crc_md5", "hashtable", "sorting", "switch_table",
  "insn_alu_arith", "insn_alu_logic", "insn_cond", "insn_moves", "insn_muldiv", "insn_shifts", "smc_patch_imm", "smc_self"]);

async function check(name: string, c: GuestCase, options: string[]): Promise<void> {
  const want = golden(path.join(GUEST_TESTS, "golden"), name);
  const got = await runCase(path.join(GUEST_TESTS, "bin", c.bin ?? name), c.bin ?? name, c, options);
  expect(maskUndefinedFlags(got.stdout.toString("latin1")), got.stderr).toBe(maskUndefinedFlags(want.stdout.toString("latin1")));
  expect(got.status, got.stderr).toBe(want.status);
}

/** Runs the case cold, filling a fresh persistent cache, then warm, from it. */
async function checkColdWarm(name: string, c: GuestCase, mode: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-tcache-"));
  try {
    await check(name, c, ["--mode", mode, "--tcache", dir]);
    await check(name, c, ["--mode", mode, "--tcache", dir]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("guest programs, --mode interp", () => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", (name, c) => check(name, c, ["--mode", "interp"]), 180_000);
});

describe.each(["bbt", "staged"])("guest programs, --mode %s, cold then warm persistent translation cache", (mode) => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", (name, c) => checkColdWarm(name, c, mode), 360_000);
});

// Opt-in passes (not in the default set) run with every other pass over every program, in bbt.
describe("guest programs, --mode bbt with every pass, opt-in ones too", () => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", (name, c) => check(name, c, ["--mode", "bbt", "--no-tcache", "--passes", PASS_NAMES.join(",")]), 180_000);
});

describe.each(DEFAULT_PASS_NAMES)("guest programs, --mode bbt --disable-pass %s", (pass) => {
  const subset = cases.filter((c) => ABLATION_CASES.has(c.name));
  it.concurrent.each(subset.map((c) => [c.name, c] as const))("%s", (name, c) => check(name, c, ["--mode", "bbt", "--no-tcache", "--disable-pass", pass]), 180_000);
});
