/**
 * The headline: the answer a benchmark run exists to give, in one table.
 * Per suite and size, each configuration's time relative to native, to
 * qemu-i386 and to the interpreter (geometric mean over the programs both
 * sides verified), with how many programs it verified, failed and timed out.
 * `cdvm bench` prints it at its end (headlineTable) and `cdvm report` opens
 * with it (headlineData, rendered by report.ts).
 *
 * Outcomes keep their meaning everywhere: "FAIL" is a wrong answer (output or
 * exit status differs), "timeout" a run killed by --timeout, "not run" a
 * configuration that was skipped or never asked for. A ratio is never taken
 * from a cell that did not verify.
 *
 * Reads results files of schema /1 and /2: where /2's fields (suite, outcome,
 * timedOut) are missing, they are derived — suite "kernels", the outcome from
 * verified/medianSeconds, a timeout from the run's failure text.
 */
import type { Results, RunRow, SummaryRow } from "./results.ts";
import { geomean } from "./stats.ts";

export type Outcome = "ok" | "fail" | "timeout" | "not-run";

/** The comparison baselines, in column order. */
export const HEADLINE_REFS = ["native", "qemu", "interp"] as const;
/** Configurations always shown (as "not run" when absent), so a missing baseline is visible. */
const ALWAYS_SHOWN = ["native", "qemu", "interp", "staged"];
const ORDER = ["native", "qemu", "interp", "bbt", "staged"];

type RowV2 = RunRow & { suite?: string; timedOut?: boolean };
type SumV2 = SummaryRow & { suite?: string; outcome?: Outcome };

export const suiteOf = (r: object): string => { const s = (r as { suite?: unknown }).suite; return typeof s === "string" && s ? s : "kernels"; };

/** True when a run was killed by the harness's --timeout. */
export function runTimedOut(r: RunRow): boolean {
  const v = r as RowV2;
  if (typeof v.timedOut === "boolean") return v.timedOut;
  return !r.ok && /timed? ?out|timeout/i.test(r.failure ?? "");
}

/** A summary cell's outcome; `rows` are the run rows of the same file (used only when the cell carries no outcome). */
export function outcomeOf(s: SummaryRow | undefined, rows: RunRow[] = []): Outcome {
  if (!s) return "not-run";
  const v = s as SumV2;
  if (v.outcome === "ok" || v.outcome === "fail" || v.outcome === "timeout" || v.outcome === "not-run") return v.outcome;
  if (s.verified && s.medianSeconds !== null) return "ok";
  if (!s.runs) return "not-run";
  const mine = rows.filter((r) => r.benchmark === s.benchmark && r.config === s.config && r.size === s.size && r.purpose === "measure" && suiteOf(r) === suiteOf(s));
  // A wrong answer outweighs a timeout: if any run answered wrongly the cell is a failure.
  if (mine.some((r) => !r.ok && !runTimedOut(r))) return "fail";
  if (mine.some(runTimedOut)) return "timeout";
  return "fail";
}

export const OUTCOME_LABEL: Record<Outcome, string> = { ok: "ok", fail: "FAIL", timeout: "timeout", "not-run": "not run" };

/** One summary cell with its outcome, from the results file that measured it. */
export interface Cell { suite: string; size: string; benchmark: string; config: string; outcome: Outcome; seconds: number | null; summary?: SummaryRow; file: Results }

/**
 * Every (suite, size, benchmark, config) cell across the files; the first file
 * that measured a cell wins (as in the report's tables).
 */
export function collectCells(results: Results[]): Cell[] {
  const out: Cell[] = [];
  const seen = new Set<string>();
  for (const f of results) {
    for (const s of f.summary) {
      const suite = suiteOf(s), size = s.size ?? f.size;
      const key = `${suite}\0${size}\0${s.benchmark}\0${s.config}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const outcome = outcomeOf(s, f.rows);
      out.push({ suite, size, benchmark: s.benchmark, config: s.config, outcome, seconds: outcome === "ok" ? s.medianSeconds : null, summary: s, file: f });
    }
  }
  return out;
}

export interface RatioCell {
  /** Geometric mean of config time / reference time; NaN when no program verified on both sides. */
  geomean: number;
  /** Programs in the geometric mean. */
  n: number;
  /** Why there is no number: the reference or the configuration was not run. */
  notRun: boolean;
}

export interface HeadlineRow {
  config: string;
  /** Programs in this suite and size. */
  programs: number;
  verified: number;
  failed: number;
  timedOut: number;
  notRun: number;
  /** True when the configuration has no cell at all in this suite and size. */
  absent: boolean;
  vs: Record<(typeof HEADLINE_REFS)[number], RatioCell>;
}

export interface HeadlineGroup { suite: string; size: string; programs: string[]; rows: HeadlineRow[] }

function orderConfigs(names: string[]): string[] {
  const rank = (c: string) => { const i = ORDER.indexOf(c); return i < 0 ? ORDER.length : i; };
  return names.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
}

/** The headline as data: one group per (suite, size), one row per configuration. */
export function headlineData(results: Results[]): HeadlineGroup[] {
  const cells = collectCells(results);
  const groups: HeadlineGroup[] = [];
  const keys = [...new Set(cells.map((c) => `${c.suite}\0${c.size}`))];
  const suites = [...new Set(cells.map((c) => c.suite))].sort((a, b) => (a === "kernels" ? -1 : b === "kernels" ? 1 : a.localeCompare(b)));
  keys.sort((a, b) => {
    const [sa, za] = a.split("\0"), [sb, zb] = b.split("\0");
    return suites.indexOf(sa) - suites.indexOf(sb) || (za === zb ? 0 : za === "small" ? -1 : zb === "small" ? 1 : za.localeCompare(zb));
  });
  for (const key of keys) {
    const [suite, size] = key.split("\0");
    const mine = cells.filter((c) => c.suite === suite && c.size === size);
    const programs = [...new Set(mine.map((c) => c.benchmark))];
    const files = results.filter((f) => mine.some((c) => c.file === f));
    const named = [...mine.map((c) => c.config), ...files.flatMap((f) => [...f.configs.map((c) => c.name), ...f.skipped.map((s) => s.config)]), ...ALWAYS_SHOWN];
    const configs = orderConfigs([...new Set(named)]);
    const time = (b: string, c: string) => mine.find((x) => x.benchmark === b && x.config === c && x.outcome === "ok")?.seconds ?? null;
    const present = (c: string) => mine.some((x) => x.config === c && x.outcome !== "not-run");
    const rows = configs.map((config): HeadlineRow => {
      const own = programs.map((b) => mine.find((x) => x.benchmark === b && x.config === config)?.outcome ?? "not-run");
      const count = (o: Outcome) => own.filter((x) => x === o).length;
      const vs = {} as HeadlineRow["vs"];
      for (const ref of HEADLINE_REFS) {
        const ratios = programs.map((b) => { const a = time(b, config), r = time(b, ref); return a !== null && r !== null && r > 0 ? a / r : NaN; }).filter(Number.isFinite);
        vs[ref] = { geomean: ratios.length ? geomean(ratios) : NaN, n: ratios.length, notRun: !present(ref) || !present(config) };
      }
      return { config, programs: programs.length, verified: count("ok"), failed: count("fail"), timedOut: count("timeout"), notRun: count("not-run"), absent: !present(config), vs };
    });
    groups.push({ suite, size, programs, rows });
  }
  return groups;
}

/** "4.21×", with "(n/N)" when fewer programs than the configuration verified went into the mean. */
export function fmtRatio(r: RatioCell, row: HeadlineRow, self: boolean): string {
  if (self && !r.notRun) return "1×";
  if (r.notRun) return "not run";
  if (!r.n) return "-";
  const g = r.geomean, s = g >= 100 ? g.toFixed(0) : g >= 10 ? g.toFixed(1) : g >= 0.1 ? g.toFixed(2) : String(+g.toPrecision(2));
  return `${s}×${r.n < row.programs ? ` (${r.n}/${row.programs})` : ""}`;
}

/** The verified/failed/timeout counts of a row as one cell, e.g. "12/14 ✓, 1 FAIL, 1 timeout". */
export function fmtCounts(row: HeadlineRow): string {
  if (row.absent) return "not run";
  const parts = [`${row.verified}/${row.programs} verified`];
  if (row.failed) parts.push(`${row.failed} FAIL`);
  if (row.timedOut) parts.push(`${row.timedOut} timeout`);
  if (row.notRun) parts.push(`${row.notRun} not run`);
  return parts.join(", ");
}

export const HEADLINE_HEADER = ["suite", "size", "configuration", "programs", "time / native", "time / qemu", "time / interp"];

/** The headline rows as strings, one array per table row (shared by the markdown table and the report). */
export function headlineCells(groups: HeadlineGroup[]): string[][] {
  return groups.flatMap((g) => g.rows.map((r) => [g.suite, g.size, r.config, fmtCounts(r), ...HEADLINE_REFS.map((ref) => fmtRatio(r.vs[ref], r, ref === r.config))]));
}

/**
 * The headline as a markdown table (readable as plain text in a terminal),
 * followed by one line saying how to read it. Empty string when there is
 * nothing to summarize.
 */
export function headlineTable(results: Results[]): string {
  const groups = headlineData(results);
  if (!groups.length) return "";
  const rows = [HEADLINE_HEADER, ...headlineCells(groups)];
  const width = HEADLINE_HEADER.map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (i >= 4 ? c.padStart(width[i]) : c.padEnd(width[i]))).join(" | ")} |`;
  const rule = `|${width.map((w, i) => (i >= 4 ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|")}|`;
  return [line(rows[0]), rule, ...rows.slice(1).map(line)].join("\n") + "\n\n" +
    "Time / X: geometric mean over the programs verified by both of the configuration's median wall time divided by X's (lower is faster; " +
    "(n/N): only n of the suite's N programs went in). FAIL: wrong output or exit status; timeout: killed by --timeout; not run: skipped or not asked for.\n";
}
