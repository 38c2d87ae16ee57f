/**
 * Debian's busybox-static (i386), software nobody here wrote: each applet case
 * gives byte-identical stdout and the exit status of a native run. The binary
 * is fetched by guest-tests/busybox/fetch.sh (.ci/run calls it); without it
 * these tests are skipped with a notice.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { golden, GUEST_TESTS, readCases, runCase } from "./support/guest.ts";

const BUSYBOX = path.join(GUEST_TESTS, "busybox/busybox");
const present = fs.existsSync(BUSYBOX);
if (!present) console.warn(`notice: ${BUSYBOX} is missing (run guest-tests/busybox/fetch.sh); busybox tests skipped`);
const cases = readCases(path.join(GUEST_TESTS, "busybox/cases.json"));
const MODES = ["interp", "bbt", "staged"];

describe.skipIf(!present).each(MODES)("busybox applets, --mode %s", (mode) => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", async (name, c) => {
    const want = golden(path.join(GUEST_TESTS, "busybox/golden"), name);
    const got = await runCase(BUSYBOX, "busybox", c, ["--mode", mode]);
    expect(got.stdout.toString("latin1"), got.stderr).toBe(want.stdout.toString("latin1"));
    expect(got.status, got.stderr).toBe(want.status);
  }, 120_000);
});
