/**
 * The persistent translation cache: its file format refuses every truncated,
 * corrupted or foreign file; the directory stays under its cap; and through
 * `cdvm run`, a warm run installs what a cold run wrote and gives the
 * native golden output, while a file made for another binary, a corrupted
 * file and a truncated one are each refused or rejected with the output
 * still right; two runs writing one file at once leave a whole one.
 * `cdvm cache` shows and clears the directory.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decode, encode, TCacheError, tcacheFile, writeTCache, type StoredModule } from "../src/translate/tcache.ts";
import type { RunStats } from "../src/vmm/vm.ts";
import { cdvm, GUEST_BIN } from "./support/cli.ts";
import { GUEST_TESTS } from "./support/guest.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-tcache-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const KEY = JSON.stringify({ program: "a" });
const module = (seed: number): StoredModule => ({
  wasm: Uint8Array.from({ length: 40 }, (_, k) => (k * seed) & 255),
  used: 1000 + seed,
  regions: [[{ start: 0x8049000 + seed, length: 3, insns: 2, n: 0, code: Uint8Array.of(1, 2, seed) }, { start: 0x8049010, length: 1, insns: 1, n: 1, code: Uint8Array.of(0xc3) }]],
});

/** A file whose checksum is right but whose header says what the test wants. */
function withHeader(header: unknown, payload: Uint8Array): Uint8Array {
  const h = Buffer.from(JSON.stringify(header)), len = Buffer.alloc(4);
  len.writeUInt32LE(h.length);
  const body = Buffer.concat([Buffer.from("CDVMTC01", "latin1"), len, h, payload]);
  return Buffer.concat([body, createHash("sha256").update(body).digest()]);
}

describe("translation cache file format", () => {
  const bytes = encode(KEY, [module(3), module(5)]);

  it("round-trips modules, regions and code bytes", () => {
    expect(decode(bytes, KEY)).toEqual([module(3), module(5)].map((m) => ({ ...m, wasm: Buffer.from(m.wasm), regions: m.regions.map((r) => r.map((b) => ({ ...b, code: Buffer.from(b.code) }))) })));
  });

  it("refuses every truncation", () => {
    for (let n = 0; n < bytes.length; n++) expect(() => decode(bytes.subarray(0, n), KEY), `${n} bytes`).toThrow(TCacheError);
  });

  it("refuses every single corrupted byte", () => {
    for (let k = 0; k < bytes.length; k++) {
      const bad = Uint8Array.from(bytes);
      bad[k] ^= 0x40;
      expect(() => decode(bad, KEY), `byte ${k}`).toThrow(TCacheError);
    }
  });

  it("refuses a file made for another key", () => {
    expect(() => decode(bytes, JSON.stringify({ program: "b" }))).toThrow(/another program/);
  });

  it("refuses headers that do not describe their payload, even with a right checksum", () => {
    const payload = new Uint8Array(44);
    const cases: unknown[] = [
      { key: KEY, modules: [{ wasm: 40, used: 1, regions: [[[0, 4, 1, 0]]] }], extra: 0 },
      { key: KEY, modules: [{ wasm: 44, used: 1, regions: [[[0, 4, 1, 0]]] }] },
      { key: KEY, modules: [{ wasm: 36, used: 1, regions: [[[0, 4, 1, 0]]] }] },
      { key: KEY, modules: [{ wasm: 40, used: 1, regions: [[[-1, 4, 1, 0]]] }] },
      { key: KEY, modules: [{ wasm: 40, used: 1, regions: [[[0, 4, 5, 0]]] }] },
      { key: KEY, modules: [{ wasm: 40, used: 1, regions: [[]] }] },
      { key: KEY, modules: [{ wasm: 40, used: 1, regions: "x" }] },
      { key: KEY, modules: null },
      { key: KEY },
    ];
    expect(decode(withHeader(cases[0], payload), KEY)).toHaveLength(1);
    for (const h of cases.slice(1)) expect(() => decode(withHeader(h, payload), KEY), JSON.stringify(h)).toThrow(TCacheError);
    const notJson = Buffer.from(withHeader({ key: KEY }, payload));
    notJson[12] = 0x7b;
    expect(() => decode(notJson, KEY)).toThrow(TCacheError);
  });

  it("keeps its directory under the cap, removing the least recently used files", () => {
    const dir = path.join(tmp, "evict");
    const files = ["a", "b", "c"].map((k) => tcacheFile(dir, k));
    files.forEach((f, k) => {
      writeTCache(f, new Uint8Array(1000), 1 << 20);
      fs.utimesSync(f, new Date(1e12 + k * 1000), new Date(1e12 + k * 1000));
    });
    fs.utimesSync(files[0], new Date(), new Date());
    writeTCache(tcacheFile(dir, "d"), new Uint8Array(1000), 2500);
    expect(files.map((f) => fs.existsSync(f))).toEqual([true, false, false]);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});

const GOLDEN = path.join(GUEST_TESTS, "golden");

/** Runs a guest-tests program under `cdvm run` with the given options; checks it against its native golden; returns its statistics. */
async function run(name: string, opts: string[]): Promise<NonNullable<RunStats["translation"]>> {
  const json = path.join(tmp, `${name}-${Math.random().toString(36).slice(2)}.json`);
  const r = await cdvm(["run", ...opts, "--stats-json", json, "--argv0", name, path.join(GUEST_BIN, name)]);
  expect(r.stdout.toString("latin1"), r.stderr).toBe(fs.readFileSync(path.join(GOLDEN, `${name}.out`), "latin1"));
  expect(r.status, r.stderr).toBe(Number(fs.readFileSync(path.join(GOLDEN, `${name}.status`), "utf8")));
  return (JSON.parse(fs.readFileSync(json, "utf8")) as RunStats).translation!;
}

const onlyFile = (dir: string) => {
  const names = fs.readdirSync(dir);
  expect(names).toHaveLength(1);
  return path.join(dir, names[0]);
};

/** The key a cache file was written for (its header's). */
function keyOf(file: string): string {
  const b = fs.readFileSync(file);
  return JSON.parse(b.toString("utf8", 12, 12 + b.readUInt32LE(8))).key;
}

describe("cdvm run --tcache", () => {
  it.each(["bbt", "staged"])("--mode %s: a warm run installs what the cold run wrote and translates nothing new", async (mode) => {
    const dir = path.join(tmp, `warm-${mode}`);
    // Translation level with the guest: other test files keep both cores busy, and a run this short
    // could end before a worker below their priority (the default) finished its first module.
    const opts = ["--mode", mode, "--tcache", dir, "--translator-nice", "0"];
    const cold = await run("sorting", opts);
    expect(cold.tcache!.loaded.modules).toBe(0);
    expect(cold.tcache!.written!.modules).toBeGreaterThan(0);
    const warm = await run("sorting", opts);
    expect(warm.tcache!.loaded.modules).toBe(cold.tcache!.written!.modules);
    expect(warm.tcache!.installed.regions).toBeGreaterThan(0);
    expect(warm.tcache!.mismatched).toBe(0);
    if (mode === "bbt") expect(warm.blocksTranslated).toBe(0);
  }, 120_000);

  it("--no-tcache neither reads nor writes a cache", async () => {
    const home = path.join(tmp, "none");
    fs.mkdirSync(home);
    const r = await cdvm(["run", "--mode", "bbt", "--no-tcache", "--stats", path.join(GUEST_BIN, "exit42")], { env: { ...process.env, CDVM_TCACHE: home } });
    expect(r.status).toBe(42);
    expect(r.stderr).not.toMatch(/tcache/);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it("a cache made by one binary, presented to another under its key, is rejected block by block", async () => {
    const dir = path.join(tmp, "foreign");
    await run("sorting", ["--mode", "bbt", "--tcache", dir]);
    const fileA = onlyFile(dir), keyA = keyOf(fileA);
    // Another binary: sorting is a name of the multi-call cprogs, bignum_sse2 one of sse2progs.
    const programB = fs.readFileSync(path.join(GUEST_BIN, "bignum_sse2"));
    const keyB = JSON.stringify({ ...JSON.parse(keyA), program: createHash("sha256").update(programB).digest("hex") });
    fs.writeFileSync(tcacheFile(dir, keyB), encode(keyB, decode(fs.readFileSync(fileA), keyA)));
    fs.rmSync(fileA);
    const b = await run("bignum_sse2", ["--mode", "bbt", "--tcache", dir]);
    expect(b.tcache!.refused).toBeUndefined();
    expect(b.tcache!.loaded.modules).toBeGreaterThan(0);
    expect(b.tcache!.mismatched).toBeGreaterThan(0);
  }, 120_000);

  it.each([
    ["corrupted", (f: string) => { const b = fs.readFileSync(f); b[b.length >> 1] ^= 1; fs.writeFileSync(f, b); }, /checksum/],
    ["truncated", (f: string) => fs.truncateSync(f, fs.statSync(f).size >> 1), /checksum|not a cdvm/],
    ["emptied", (f: string) => fs.truncateSync(f, 0), /not a cdvm/],
  ] as const)("a %s file is refused with one note, the run is right, and the file is replaced", async (what, damage, why) => {
    const dir = path.join(tmp, what);
    await run("sorting", ["--mode", "bbt", "--tcache", dir]);
    damage(onlyFile(dir));
    const r = await run("sorting", ["--mode", "bbt", "--tcache", dir]);
    expect(r.tcache!.refused).toMatch(why);
    expect(r.tcache!.installed.regions).toBe(0);
    const again = await run("sorting", ["--mode", "bbt", "--tcache", dir]);
    expect(again.tcache!.refused).toBeUndefined();
    expect(again.tcache!.installed.regions).toBeGreaterThan(0);
  }, 120_000);

  it("two runs writing one file at once leave a whole file behind", async () => {
    const dir = path.join(tmp, "concurrent");
    await Promise.all([run("sorting", ["--mode", "bbt", "--tcache", dir]), run("sorting", ["--mode", "bbt", "--tcache", dir])]);
    expect(fs.readdirSync(dir).filter((n) => !n.endsWith(".tc"))).toEqual([]);
    const warm = await run("sorting", ["--mode", "bbt", "--tcache", dir]);
    expect(warm.tcache!.refused).toBeUndefined();
    expect(warm.blocksTranslated).toBe(0);
  }, 120_000);

  it("a cache directory that cannot be used is noted, and the run is right", async () => {
    const notADir = path.join(tmp, "plain-file");
    fs.writeFileSync(notADir, "");
    const r = await run("sorting", ["--mode", "bbt", "--tcache", path.join(notADir, "sub")]);
    expect(r.tcache!.refused).toMatch(/unreadable \(ENOTDIR\)/);
    expect(r.tcache!.writeError).toBe("ENOTDIR");
    expect(r.blocksTranslated).toBeGreaterThan(0);
  }, 120_000);

  it("cdvm cache shows and clears the directory", async () => {
    const dir = path.join(tmp, "show");
    await run("sorting", ["--mode", "bbt", "--tcache", dir]);
    const shown = await cdvm(["cache", "--tcache", dir]);
    expect(shown.stdout.toString()).toMatch(new RegExp(`^${dir}: 1 file, \\d+ bytes\\n$`));
    const cleared = await cdvm(["cache", "--tcache", dir, "--clear"]);
    expect(cleared.stdout.toString()).toBe(`cdvm: removed 1 translation cache file from ${dir}\n`);
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 120_000);
});
