/**
 * The pass registry: every IR pass by kebab-case name, with a one-line
 * description, in the order the pipeline runs them. `cdvm passes` lists
 * this table; `--passes` / `--disable-pass` select from it; reports name
 * configurations by it. Each pass is correct alone and in any combination.
 * An opt-in pass runs only when `--passes` names it: it works, but measured
 * slower on the real-software suite than without it (papers/lab-notes.md).
 * A pass runs over the blocks of one translation module: most look at one
 * block at a time (eachBlock), link-blocks at the module.
 */
import type { Block } from "../ir.ts";
import { cmpJccFusion } from "./cmp-jcc-fusion.ts";
import { deadFlags } from "./dead-flags.ts";
import { directChain } from "./direct-chain.ts";
import { linkBlocks } from "./link-blocks.ts";
import { mergeChecks } from "./merge-checks.ts";
import { nestCalls } from "./nest-calls.ts";
import { regCache } from "./reg-cache.ts";

export interface Pass {
  name: string;
  description: string;
  run(blocks: Block[]): void;
  /** Left out unless --passes names it. */
  optIn?: boolean;
}

const eachBlock = (f: (b: Block) => void) => (blocks: Block[]) => blocks.forEach(f);

export const PASSES: readonly Pass[] = [
  { name: "cmp-jcc-fusion", description: "evaluate jcc/setcc/cmovcc/adc carries from the flag producer's operands", run: eachBlock(cmpJccFusion) },
  { name: "merge-checks", description: "check a block's memory accesses off one base once, over the range they span", run: eachBlock(mergeChecks) },
  { name: "dead-flags", description: "drop flag records overwritten before any read, exit or bail-out, and what only they used", run: eachBlock(deadFlags) },
  { name: "reg-cache", description: "keep guest registers in WebAssembly locals across the translation module", run: eachBlock(regCache) },
  { name: "link-blocks", description: "branch between the blocks of a module (and to predicted return sites) without the dispatcher", run: linkBlocks },
  // Opt-in: 3 % off the integer kernels at ref, but 5-10 % more time in translated code on bash, awk and gawk (lab notes).
  { name: "direct-chain", description: "leave a region by looking the target up and tail-calling its translation from translated code", run: directChain, optIn: true },
  { name: "nest-calls", description: "run a guest call whose return site is in the region as a WebAssembly call, going on there when the callee returns", run: nestCalls, optIn: true },
];

export const PASS_NAMES = PASSES.map((p) => p.name);
/** The passes that run when --passes is not given. */
export const DEFAULT_PASS_NAMES = PASSES.filter((p) => !p.optIn).map((p) => p.name);

/** Resolves --passes / --disable-pass into the ordered list of passes to run. */
export function selectPasses(only?: string[], disabled: string[] = []): Pass[] {
  for (const n of [...(only ?? []), ...disabled]) {
    if (!PASS_NAMES.includes(n)) throw new Error(`unknown pass '${n}' (known: ${PASS_NAMES.join(", ")})`);
  }
  return PASSES.filter((p) => (only ? only.includes(p.name) : !p.optIn) && !disabled.includes(p.name));
}
