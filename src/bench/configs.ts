/**
 * Benchmark configurations: what runs a benchmark, named by a short string.
 *
 *   native                 the i386 binary run directly by the host kernel
 *   qemu                   qemu-i386 user-mode emulation (skipped if absent)
 *   interp | bbt | staged  cdvm in that --mode, with optional ':'-separated
 *                          modifiers, in any order:
 *     -PASS                  --disable-pass PASS (repeatable)
 *     passes=A+B             --passes A,B (only these IR passes; passes= for none)
 *     threshold=N            --bbt-threshold N
 *     opt=N                  --binaryen-opt N
 *     cache=BYTES            --code-cache-size BYTES
 *     nice=N                 --translator-nice N
 *     blocks=N               --region-blocks N
 *     x87=MODEL              --x87 MODEL (f80 or f64; interp takes it too)
 *     tcache=warm            a persistent translation cache filled by one
 *                            untimed run of the benchmark first (otherwise
 *                            every cdvm run has --no-tcache)
 *   e.g. staged:-dead-flags:threshold=1000:opt=2, interp:x87=f64
 *
 * A --configs list is comma-separated; presets expand in place:
 *   default     interp,bbt,staged,native,qemu
 *   ablation    staged, then staged with each default pass disabled in turn
 *   thresholds  staged at thresholds 1, 10, 50, 200, 1000, 5000
 * The config string, normalized, is the configuration's name in results.
 */
import { DEFAULT_PASS_NAMES, PASS_NAMES } from "../translate/passes/index.ts";
import { X87_MODEL_NAMES, type X87ModelName } from "../interp/x87-model.ts";
import { MAX_REGION_BLOCKS } from "../vmm/vm.ts";

export type ConfigKind = "native" | "qemu" | "cdvm";
export const CDVM_MODES = ["interp", "bbt", "staged"] as const;
export type CdvmMode = (typeof CDVM_MODES)[number];

export interface BenchConfig {
  /** Normalized config string, unique in a run. */
  name: string;
  kind: ConfigKind;
  mode?: CdvmMode;
  disablePasses: string[];
  passes?: string[];
  threshold?: number;
  opt?: number;
  cacheSize?: number;
  nice?: number;
  regionBlocks?: number;
  x87?: X87ModelName;
  tcache?: "warm";
}

export const THRESHOLD_SWEEP = [1, 10, 50, 200, 1000, 5000];

export function presetConfigs(name: string): string[] | undefined {
  switch (name) {
    case "default": return ["interp", "bbt", "staged", "native", "qemu"];
    case "ablation": return ["staged", ...DEFAULT_PASS_NAMES.map((p) => `staged:-${p}`)];
    case "thresholds": return THRESHOLD_SWEEP.map((t) => `staged:threshold=${t}`);
    default: return undefined;
  }
}

export class ConfigError extends Error {}

function whole(v: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(v) || Number(v) > max) throw new ConfigError(`${what} expects a whole number${max < 1e9 ? ` up to ${max}` : ""}, got '${v}'`);
  return Number(v);
}

export function parseConfig(text: string): BenchConfig {
  const [head, ...mods] = text.trim().split(":");
  if (head === "native" || head === "qemu") {
    if (mods.length) throw new ConfigError(`'${head}' takes no modifiers (got '${text}')`);
    return { name: head, kind: head, disablePasses: [] };
  }
  if (!(CDVM_MODES as readonly string[]).includes(head)) {
    throw new ConfigError(`unknown configuration '${text}' (expected native, qemu, ${CDVM_MODES.join(", ")}, or a preset: default, ablation, thresholds)`);
  }
  const c: BenchConfig = { name: "", kind: "cdvm", mode: head as CdvmMode, disablePasses: [] };
  const knownPass = (p: string) => {
    if (!PASS_NAMES.includes(p)) throw new ConfigError(`unknown pass '${p}' in '${text}' (passes: ${PASS_NAMES.join(", ")})`);
    return p;
  };
  for (const m of mods) {
    if (m.startsWith("-")) { c.disablePasses.push(knownPass(m.slice(1))); continue; }
    const eq = m.indexOf("=");
    const key = eq < 0 ? m : m.slice(0, eq), val = eq < 0 ? "" : m.slice(eq + 1);
    if (eq < 0) throw new ConfigError(`modifier '${m}' in '${text}' needs a value (key=value) or a leading '-'`);
    switch (key) {
      case "threshold": c.threshold = whole(val, "threshold"); break;
      case "opt": c.opt = whole(val, "opt", 4); break;
      case "cache": c.cacheSize = whole(val, "cache"); break;
      case "nice": c.nice = whole(val, "nice", 19); break;
      case "blocks":
        c.regionBlocks = whole(val, "blocks", MAX_REGION_BLOCKS);
        if (!c.regionBlocks) throw new ConfigError(`blocks= takes 1 to ${MAX_REGION_BLOCKS} in '${text}'`);
        break;
      case "passes": c.passes = val === "" ? [] : val.split("+").map(knownPass); break;
      case "x87":
        if (!(X87_MODEL_NAMES as string[]).includes(val)) throw new ConfigError(`unknown x87 model '${val}' in '${text}' (models: ${X87_MODEL_NAMES.join(", ")})`);
        c.x87 = val as X87ModelName;
        break;
      case "tcache":
        if (val !== "warm") throw new ConfigError(`tcache= takes 'warm' in '${text}'`);
        c.tcache = val;
        break;
      default: throw new ConfigError(`unknown modifier '${key}' in '${text}' (known: -PASS, passes=, threshold=, opt=, cache=, nice=, blocks=, x87=, tcache=)`);
    }
  }
  if (c.mode === "interp" && (c.disablePasses.length || c.passes || c.threshold !== undefined || c.opt !== undefined || c.cacheSize !== undefined || c.nice !== undefined || c.regionBlocks !== undefined || c.tcache)) {
    throw new ConfigError(`'${text}': interp takes no translator modifiers`);
  }
  c.name = configName(c);
  return c;
}

/** The canonical string of a cdvm configuration: mode, then modifiers in a fixed order. */
export function configName(c: BenchConfig): string {
  if (c.kind !== "cdvm") return c.kind;
  const parts: string[] = [c.mode!];
  if (c.passes) parts.push(`passes=${c.passes.join("+")}`);
  for (const p of [...c.disablePasses].sort()) parts.push(`-${p}`);
  if (c.threshold !== undefined) parts.push(`threshold=${c.threshold}`);
  if (c.opt !== undefined) parts.push(`opt=${c.opt}`);
  if (c.cacheSize !== undefined) parts.push(`cache=${c.cacheSize}`);
  if (c.nice !== undefined) parts.push(`nice=${c.nice}`);
  if (c.regionBlocks !== undefined) parts.push(`blocks=${c.regionBlocks}`);
  if (c.x87 !== undefined) parts.push(`x87=${c.x87}`);
  if (c.tcache) parts.push(`tcache=${c.tcache}`);
  return parts.join(":");
}

/** Expands presets and parses a --configs list; duplicates (after normalization) are dropped. */
export function parseConfigList(list: string): BenchConfig[] {
  const out: BenchConfig[] = [];
  const seen = new Set<string>();
  for (const raw of list.split(",").map((s) => s.trim()).filter(Boolean)) {
    for (const item of presetConfigs(raw) ?? [raw]) {
      const c = parseConfig(item);
      if (!seen.has(c.name)) { seen.add(c.name); out.push(c); }
    }
  }
  if (!out.length) throw new ConfigError("--configs names no configuration");
  return out;
}

/** `cdvm run` options for a cdvm configuration (before the program); tcacheDir: the cache of a tcache=warm configuration. */
export function cdvmRunArgs(c: BenchConfig, tcacheDir?: string): string[] {
  const a = ["--mode", c.mode!, ...(c.tcache ? ["--tcache", tcacheDir!] : ["--no-tcache"])];
  if (c.passes) a.push("--passes", c.passes.join(","));
  for (const p of c.disablePasses) a.push("--disable-pass", p);
  if (c.threshold !== undefined) a.push("--bbt-threshold", String(c.threshold));
  if (c.opt !== undefined) a.push("--binaryen-opt", String(c.opt));
  if (c.cacheSize !== undefined) a.push("--code-cache-size", String(c.cacheSize));
  if (c.nice !== undefined) a.push("--translator-nice", String(c.nice));
  if (c.regionBlocks !== undefined) a.push("--region-blocks", String(c.regionBlocks));
  if (c.x87 !== undefined) a.push("--x87", c.x87);
  return a;
}

/** What the configuration differs in from plain `staged` — used by the report to find ablation and threshold rows. */
export function describeConfig(c: BenchConfig): { baseline: string; disabled: string[]; threshold?: number; otherwise: boolean } {
  const otherwise = c.kind !== "cdvm" || c.mode !== "staged" || c.passes !== undefined || c.opt !== undefined || c.cacheSize !== undefined || c.nice !== undefined || c.regionBlocks !== undefined || c.x87 !== undefined || c.tcache !== undefined;
  return { baseline: "staged", disabled: c.disablePasses, threshold: c.threshold, otherwise };
}
