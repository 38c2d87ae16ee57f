/** Config-string parsing for `cdvm bench --configs`. */
import { describe, expect, it } from "vitest";
import { cdvmRunArgs, parseConfig, parseConfigList } from "../src/bench/configs.ts";
import { DEFAULT_PASS_NAMES } from "../src/translate/passes/index.ts";

describe("bench configurations", () => {
  it("parses modes and modifiers into cdvm run options", () => {
    const c = parseConfig("staged:threshold=1000:-dead-flags:opt=2");
    expect(c.name).toBe("staged:-dead-flags:threshold=1000:opt=2");
    expect(cdvmRunArgs(c)).toEqual(["--mode", "staged", "--no-tcache", "--disable-pass", "dead-flags", "--bbt-threshold", "1000", "--binaryen-opt", "2"]);
    expect(parseConfig("bbt:passes=reg-cache").passes).toEqual(["reg-cache"]);
    expect(parseConfig("native").kind).toBe("native");
    const f64 = parseConfig("interp:x87=f64");
    expect(f64.name).toBe("interp:x87=f64");
    expect(cdvmRunArgs(f64)).toEqual(["--mode", "interp", "--no-tcache", "--x87", "f64"]);
    const warm = parseConfig("staged:tcache=warm");
    expect(warm.name).toBe("staged:tcache=warm");
    expect(cdvmRunArgs(warm, "/tmp/tc")).toEqual(["--mode", "staged", "--tcache", "/tmp/tc"]);
    const level = parseConfig("staged:nice=0");
    expect(level.name).toBe("staged:nice=0");
    expect(cdvmRunArgs(level)).toEqual(["--mode", "staged", "--no-tcache", "--translator-nice", "0"]);
    const wide = parseConfig("staged:blocks=32:nice=0");
    expect(wide.name).toBe("staged:nice=0:blocks=32");
    expect(cdvmRunArgs(wide)).toEqual(["--mode", "staged", "--no-tcache", "--translator-nice", "0", "--region-blocks", "32"]);
  });
  it("expands presets from the pass registry", () => {
    expect(parseConfigList("ablation").map((c) => c.name)).toEqual(["staged", ...DEFAULT_PASS_NAMES.map((p) => `staged:-${p}`)]);
    expect(parseConfigList("thresholds").every((c) => c.threshold !== undefined)).toBe(true);
    expect(parseConfigList("interp,interp,default").map((c) => c.name)).toEqual(["interp", "bbt", "staged", "native", "qemu"]);
  });
  it("rejects bad strings", () => {
    for (const bad of ["fast", "staged:-nope", "staged:opt=9", "interp:threshold=5", "native:-dead-flags", "staged:threshold", "interp:x87=f32", "staged:tcache=cold", "interp:tcache=warm", "staged:nice=20", "interp:nice=5", "staged:blocks=0", "staged:blocks=257", "interp:blocks=8"]) expect(() => parseConfig(bad), bad).toThrow();
  });
});
