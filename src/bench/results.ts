/**
 * The results file written by `cdvm bench` (results.json) and read by
 * `cdvm report`. The schema is documented in bench/README.md; bump
 * RESULTS_SCHEMA when a field changes meaning.
 */
import type { RunStats } from "../vmm/vm.ts";
import type { BenchConfig } from "./configs.ts";
import type { MachineInfo } from "./machine.ts";

export const RESULTS_SCHEMA = "cdvm-bench-results/2";

/** A summary cell's outcome: verified ("ok"), a wrong output or exit status ("fail"), killed by --timeout ("timeout"), or never run ("not-run"). */
export type Outcome = "ok" | "fail" | "timeout" | "not-run";

export interface RunRow {
  /** The suite the benchmark belongs to ("kernels", "real", or a manifest's own name). */
  suite: string;
  benchmark: string;
  category: string;
  size: string;
  config: string;
  kind: BenchConfig["kind"];
  /** "measure": a full, verified run; "startup": a run cut short by --max-insns for the startup curve. */
  purpose: "measure" | "startup";
  run: number;
  ok: boolean;
  failure?: string;
  /** True when the harness killed the run at --timeout (then ok is false, and it is not a wrong answer). */
  timedOut: boolean;
  status: number | null;
  /** Wall time of the whole child process (node start-up included for cdvm), measured by the harness. */
  wallSeconds: number;
  /** Peak resident set of the child in KiB, from /usr/bin/time %M; null when unavailable. */
  peakRssKb: number | null;
  /** Retired guest instructions (cdvm configs only). */
  guestInstructions: number | null;
  /** guestInstructions / wallSeconds / 1e6 (process wall time). */
  mips: number | null;
  /** The VM's own wall time for the guest (RunStats.wallSeconds), excluding node start-up. */
  vmSeconds: number | null;
  maxInsns?: number;
  stats?: RunStats;
}

export interface SummaryRow {
  suite: string;
  benchmark: string;
  category: string;
  size: string;
  config: string;
  kind: BenchConfig["kind"];
  runs: number;
  okRuns: number;
  verified: boolean;
  /** ok: every run verified; fail: some run answered wrongly; timeout: none wrong, some killed by --timeout; not-run: no run (a skipped configuration). */
  outcome: Outcome;
  medianSeconds: number | null;
  minSeconds: number | null;
  maxSeconds: number | null;
  medianVmSeconds: number | null;
  guestInstructions: number | null;
  /** True when guestInstructions was taken from a cdvm run of the same benchmark (native, qemu). */
  instructionsFromCdvm: boolean;
  mips: number | null;
  peakRssKb: number | null;
  translationMs: number | null;
}

export interface ManifestInfo {
  suite: string;
  /** Relative to the project root when inside it. */
  file: string;
  /** Real-software suites: the pin set (cache directory name), the sysroot and inputs used, the packages and versions. */
  pinset?: string;
  sysroot?: string;
  inputs?: string;
  packages?: Record<string, string>;
}

export interface BenchmarkInfo {
  suite: string;
  name: string;
  category: string;
  description?: string;
  /** How the program was started in every configuration: "direct" (the ELF itself) or "loader" (ld-linux.so.2 --library-path ... PROGRAM). */
  form: "direct" | "loader";
  /** The program (relative to the sysroot for real software, to the manifest otherwise). */
  binary: string;
  notes?: string;
}

export interface Results {
  schema: typeof RESULTS_SCHEMA;
  createdAt: string;
  command: string;
  machine: MachineInfo;
  node: string;
  qemu?: string;
  git: { commit: string; dirty: boolean };
  /** The --suite selection: "kernels", "real", "all", or a manifest path. */
  suite: string;
  /** The manifests run, in order. */
  manifests: ManifestInfo[];
  size: string;
  runs: number;
  timing: string;
  configs: BenchConfig[];
  skipped: { config: string; reason: string }[];
  benchmarks: BenchmarkInfo[];
  rows: RunRow[];
  summary: SummaryRow[];
}

const CSV_COLUMNS = [
  "suite", "benchmark", "category", "size", "config", "kind", "purpose", "run", "ok", "timed_out", "failure", "status", "wall_s", "peak_rss_kb",
  "guest_insns", "mips", "vm_s", "interpreted_insns", "translated_insns", "max_insns", "translation_ms", "blocks_translated",
  "wasm_bytes", "cache_live_bytes", "cache_flushes", "cache_invalidations", "linked_branches", "chain_transitions", "bailouts",
] as const;

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: RunRow[]): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const r of rows) {
    const t = r.stats?.translation;
    const rec: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      suite: r.suite, benchmark: r.benchmark, category: r.category, size: r.size, config: r.config, kind: r.kind, purpose: r.purpose, run: r.run,
      ok: r.ok, timed_out: r.timedOut, failure: r.failure, status: r.status, wall_s: r.wallSeconds.toFixed(4), peak_rss_kb: r.peakRssKb,
      guest_insns: r.guestInstructions, mips: r.mips?.toFixed(2), vm_s: r.vmSeconds?.toFixed(4),
      interpreted_insns: r.stats?.interpretedInstructions, translated_insns: r.stats?.translatedInstructions, max_insns: r.maxInsns,
      translation_ms: t?.totalMs.toFixed(2), blocks_translated: t?.blocksTranslated, wasm_bytes: t?.wasmBytes,
      cache_live_bytes: t?.codeCache.liveBytes, cache_flushes: t?.codeCache.flushes, cache_invalidations: t?.codeCache.invalidations,
      linked_branches: t?.linkedBranches, chain_transitions: t?.chainTransitions, bailouts: t?.bailouts,
    };
    lines.push(CSV_COLUMNS.map((c) => csvField(rec[c])).join(","));
  }
  return lines.join("\n") + "\n";
}
