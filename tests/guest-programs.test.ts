/**
 * Every guest-tests case (C programs and instruction-level programs) under
 * cdvm gives the stdout and exit status of the same binary run natively.
 */
import { describe, expect, it } from "vitest";
import * as path from "node:path";
import { golden, GUEST_TESTS, maskUndefinedFlags, readCases, runCase } from "./support/guest.ts";

const cases = readCases(path.join(GUEST_TESTS, "cases.json"));
const MODES = ["interp", "bbt", "staged"];

describe.each(MODES)("guest programs, --mode %s", (mode) => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", async (name, c) => {
    const want = golden(path.join(GUEST_TESTS, "golden"), name);
    const got = await runCase(path.join(GUEST_TESTS, "bin", c.bin ?? name), c.bin ?? name, c, ["--mode", mode]);
    expect(maskUndefinedFlags(got.stdout.toString("latin1")), got.stderr).toBe(maskUndefinedFlags(want.stdout.toString("latin1")));
    expect(got.status, got.stderr).toBe(want.status);
  }, 120_000);
});
