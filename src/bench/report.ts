/**
 * `cdvm report`: results.json files -> report.md (tables, figures as .svg
 * files next to it) and a self-contained report.html (the same tables, the
 * SVG inline; no scripts, no network). The report opens with the headline
 * (headline.ts: per suite and size, each configuration's geomean time
 * relative to native, qemu and interp, and what verified, failed or timed
 * out), then, per suite and size:
 *   overview (median wall time, min-max, MIPS, peak RSS), speedup over the
 *   interpreter (and against QEMU and native), where the time goes (share of
 *   each run interpreted, waiting for translation and in translated code;
 *   the tier timeline; translation cost per guest instruction), the
 *   translation-overhead breakdown, pass ablation, threshold sweep, startup
 *   curve.
 * Every table carries a caption naming the machine and the configurations.
 * A cell that did not verify shows its outcome (FAIL: wrong answer; timeout;
 * not run), never a time.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_THRESHOLD } from "../vmm/vm.ts";
import { collectCells, fmtCounts, HEADLINE_HEADER, HEADLINE_REFS, headlineCells, headlineData, OUTCOME_LABEL, outcomeOf, runTimedOut, suiteOf, type Outcome } from "./headline.ts";
import { RESULTS_SCHEMA, type Results, type RunRow, type SummaryRow } from "./results.ts";
import { fmtSeconds, geomean, median } from "./stats.ts";
import { barChart, esc, lineChart, shareChart, stackedBarChart, timelineChart, type Part, type TimelineStrip } from "./svg.ts";

type Block =
  | { k: "h"; level: number; text: string }
  | { k: "p"; text: string }
  | { k: "table"; header: string[]; rows: string[][]; caption: string; /** Leading columns of text (left-aligned); default 1. */ textColumns?: number }
  | { k: "fig"; svg: string; name: string; title: string; caption?: string };

const fx = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(d));
const secs = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v < 10 ? v.toFixed(3) : v.toFixed(1));

interface Context { suite: string; size: string; files: Results[]; summary: SummaryRow[]; rows: RunRow[]; configs: string[]; benches: string[] }

/** Schemas the report reads: /1 (no suites, outcomes or timeout flags: headline.ts derives them) and /2. */
const READABLE_SCHEMAS = new Set<string>([RESULTS_SCHEMA, "cdvm-bench-results/1", "cdvm-bench-results/2"]);

function loadResults(file: string): Results {
  const r = JSON.parse(fs.readFileSync(file, "utf8")) as Results;
  if (!READABLE_SCHEMAS.has(r.schema)) throw new Error(`${file}: not a results file the report reads (${[...READABLE_SCHEMAS].join(", ")}; schema ${JSON.stringify(r.schema)})`);
  return r;
}

function machineLine(r: Results): string {
  const m = r.machine;
  return `${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.os}; Node ${r.node}; cdvm ${r.git.commit.slice(0, 10)}${r.git.dirty ? " (uncommitted changes)" : ""}; load average at end ${m.loadAverage.join(" ")}`;
}

function caption(ctx: Context, configs: string[], extra = ""): string {
  const runs = [...new Set(ctx.files.map((f) => f.runs))].join("/");
  return `Machine: ${[...new Set(ctx.files.map(machineLine))].join(" | ")}. Suite ${ctx.suite}, size ${ctx.size}, ${runs} run(s) per cell, median wall time of the whole process. Configurations: ${configs.join(", ")}.${extra ? " " + extra : ""}`;
}

function cell(ctx: Context, bench: string, config: string): SummaryRow | undefined {
  return ctx.summary.find((s) => s.benchmark === bench && s.config === config);
}
const outcome = (ctx: Context, b: string, c: string): Outcome => outcomeOf(cell(ctx, b, c), ctx.rows);
/** A ratio between configurations, or why there is none: the first of them that did not verify (FAIL, timeout, not run). */
function ratioText(ctx: Context, b: string, v: number | null, configs: string[], digits = 2): string {
  if (v !== null) return fx(v, digits);
  const o = configs.map((c) => outcome(ctx, b, c)).find((x) => x !== "ok");
  return o ? OUTCOME_LABEL[o] : "-";
}

/** The median time of a verified cell; null for any other outcome. */
const t = (ctx: Context, b: string, c: string) => (outcome(ctx, b, c) === "ok" ? cell(ctx, b, c)?.medianSeconds ?? null : null);

/** A view of ctx whose summary comes from the first results file that measured all of `configs`, so compared cells share one session's machine load. */
function sameSession(ctx: Context, configs: string[]): Context {
  const f = ctx.files.find((r) => configs.every((c) => r.configs.some((x) => x.name === c)));
  return f ? { ...ctx, summary: f.summary.filter((s) => suiteOf(s) === ctx.suite && s.size === ctx.size), files: [f] } : ctx;
}

/** Configurations without modifiers (interp, bbt, staged, native, qemu) — the main comparison. */
function mainConfigs(ctx: Context): string[] {
  const m = ctx.configs.filter((c) => !c.includes(":"));
  return m.length >= 2 ? m : ctx.configs;
}

function overview(ctx: Context, out: Block[]): void {
  out.push({ k: "h", level: 3, text: "Median wall time (s)" });
  const rows = ctx.benches.map((b) => [b, ctx.summary.find((s) => s.benchmark === b)?.category ?? "", fx(cell(ctx, b, ctx.configs.find((c) => c.startsWith("interp")) ?? ctx.configs[0])?.guestInstructions ?? null, 0),
    ...ctx.configs.map((c) => {
      const s = cell(ctx, b, c), o = outcome(ctx, b, c);
      if (!s || o !== "ok") return OUTCOME_LABEL[o];
      return s.runs > 1 ? `${secs(s.medianSeconds)} (${secs(s.minSeconds)}-${secs(s.maxSeconds)})` : secs(s.medianSeconds);
    })]);
  out.push({ k: "table", header: ["benchmark", "category", "guest insns", ...ctx.configs], rows, caption: caption(ctx, ctx.configs, "Cells with several runs show median (min-max). FAIL: wrong output or exit status; timeout: killed by --timeout (see the lists below); not run: skipped or not asked for.") });
  out.push({ k: "h", level: 3, text: "Guest MIPS and peak RSS" });
  const rows2 = ctx.benches.map((b) => [b, ...ctx.configs.map((c) => {
    const s = cell(ctx, b, c), o = outcome(ctx, b, c);
    return s && o === "ok" ? `${fx(s.mips, 1)} / ${s.peakRssKb !== null ? Math.round(s.peakRssKb / 1024) : "-"}` : OUTCOME_LABEL[o];
  })]);
  out.push({ k: "table", header: ["benchmark", ...ctx.configs.map((c) => `${c} MIPS / MiB`)], rows: rows2, caption: caption(ctx, ctx.configs, "MIPS = guest instructions (counted by cdvm; for native and qemu taken from a cdvm run of the same program) / process wall time. Peak RSS from /usr/bin/time.") });
  const what = (r: RunRow) => `${r.benchmark} [${r.config}${r.maxInsns ? ` @${r.maxInsns}` : ""}]: ${r.failure}`;
  const failed = ctx.rows.filter((r) => !r.ok && !runTimedOut(r)), timedOut = ctx.rows.filter(runTimedOut);
  if (failed.length) out.push({ k: "p", text: `**Failures** (wrong output or exit status, ${failed.length} runs): ` + failed.map(what).join("; ") });
  if (timedOut.length) out.push({ k: "p", text: `**Timeouts** (killed by --timeout, ${timedOut.length} runs): ` + timedOut.map(what).join("; ") });
  const notes = ctx.files.flatMap((f) => f.benchmarks.filter((b) => b.notes).map((b) => `${b.name}: ${b.notes}`));
  if (notes.length) out.push({ k: "p", text: `Manifest notes: ${[...new Set(notes)].join("; ")}` });
}

function speedups(all: Context, out: Block[]): void {
  const main = mainConfigs(all);
  const base = main.includes("interp") ? "interp" : undefined;
  const ctx = { ...sameSession(all, main), configs: main };
  const others = main.filter((c) => c !== base);
  if (base && others.length) {
  out.push({ k: "h", level: 3, text: "Speedup over the interpreter" });
  const sp = (b: string, c: string) => { const a = t(ctx, b, base), x = t(ctx, b, c); return a !== null && x !== null ? a / x : null; };
  const rows = ctx.benches.map((b) => [b, ...others.map((c) => ratioText(ctx, b, sp(b, c), [c, base]))]);
  const gm = others.map((c) => geomean(ctx.benches.map((b) => sp(b, c) ?? NaN)));
  rows.push(["**geomean**", ...gm.map((g) => `**${fx(g)}**`)]);
  out.push({ k: "table", header: ["benchmark", ...others.map((c) => `${c} vs interp`)], rows, caption: caption(ctx, [base, ...others], "Speedup = interp time / config time (>1 is faster than the interpreter). Geomean over benchmarks verified in both configurations.") });
  out.push({ k: "fig", name: `speedup-${sfx(ctx)}`, title: "Speedup over interp", svg: barChart({ title: `Speedup over cdvm interp (suite ${ctx.suite}, size ${ctx.size}, log scale)`, categories: ctx.benches, series: others.map((c) => ({ name: c, values: ctx.benches.map((b) => sp(b, c)) })), xLabel: "speedup (interp time / config time)", log: true, reference: 1 }) });
  }
  for (const ref of ["qemu", "native"]) {
    if (!ctx.configs.includes(ref)) continue;
    const cfgs = ctx.configs.filter((c) => c !== ref && c !== (ref === "qemu" ? "native" : "qemu"));
    const rel = (b: string, c: string) => { const r = t(ctx, b, ref), x = t(ctx, b, c); return r !== null && x !== null ? x / r : null; };
    out.push({ k: "h", level: 3, text: `Time relative to ${ref}` });
    const rows2 = ctx.benches.map((b) => [b, ...cfgs.map((c) => ratioText(ctx, b, rel(b, c), [c, ref]))]);
    rows2.push(["**geomean**", ...cfgs.map((c) => `**${fx(geomean(ctx.benches.map((b) => rel(b, c) ?? NaN)))}**`)]);
    out.push({ k: "table", header: ["benchmark", ...cfgs.map((c) => `${c} / ${ref}`)], rows: rows2, caption: caption(ctx, [ref, ...cfgs], `Slowdown = config time / ${ref} time (1 = as fast as ${ref}; process wall time, so start-up costs are included).`) });
    if (!base && ref === "native" && cfgs.length) {
      out.push({ k: "fig", name: `vs-native-${sfx(ctx)}`, title: "Time relative to native", svg: barChart({ title: `Time relative to native (suite ${ctx.suite}, size ${ctx.size}, log scale)`, categories: ctx.benches, series: cfgs.map((c) => ({ name: c, values: ctx.benches.map((b) => rel(b, c)) })), xLabel: "config time / native time", log: true, reference: 1 }) });
    }
  }
}

/** The answer first: the headline table (all suites and sizes) and, per suite and size, a chart of the same geometric means. */
function headline(all: Results[], out: Block[]): void {
  const groups = headlineData(all);
  if (!groups.length) return;
  out.push({ k: "h", level: 2, text: "Headline" });
  const machines = [...new Set(all.map((r) => `${r.machine.cpuModel}, ${r.machine.cores} cores`))].join(" | ");
  out.push({ k: "table", header: HEADLINE_HEADER, rows: headlineCells(groups), textColumns: 3, caption: `Time / X: geometric mean, over the programs both verified, of the configuration's median process wall time divided by X's (lower is faster; 1× = as fast as X). (n/N): only n of the N programs went into the mean. Programs: how many of the suite's programs verified; FAIL = wrong output or exit status, timeout = killed by --timeout, not run = skipped or not asked for. Machine: ${machines}.` });
  for (const g of groups) {
    const rows = g.rows.filter((r) => !r.absent);
    const refs = HEADLINE_REFS.filter((ref) => g.rows.some((r) => r.config === ref && !r.absent));
    if (!rows.length || !refs.length) continue;
    const value = (r: (typeof rows)[number], ref: (typeof refs)[number]) => (r.vs[ref].n && Number.isFinite(r.vs[ref].geomean) ? r.vs[ref].geomean : null);
    out.push({ k: "fig", name: `headline-${slug(g.suite)}-${slug(g.size)}`, title: `Headline: ${g.suite}, ${g.size}`,
      svg: barChart({ title: `Suite ${g.suite}, size ${g.size}: geomean time relative to ${refs.join(", ")} (log scale)`, categories: rows.map((r) => r.config), series: refs.map((ref) => ({ name: `time / ${ref}`, values: rows.map((r) => value(r, ref)) })), xLabel: "configuration time / reference time (lower is faster; dashed line: as fast)", log: true, reference: 1 }),
      caption: rows.map((r) => `${r.config}: ${fmtCounts(r)}`).join("; ") + ". Bars missing (n/a): no program verified in both configurations." });
  }
}

const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, "_");
/** Figure file suffix: the size, after the suite unless it is the kernels (so the kernels' figure names stay as they were). */
const sfx = (ctx: Context) => `${ctx.suite === "kernels" ? "" : `${slug(ctx.suite)}-`}${slug(ctx.size)}`;

/** Shares of one run's process wall time, in order. */
const SHARE_PARTS: Part[] = [
  { name: "start-up and exit (node, loading)", colour: "#bab0ac" },
  { name: "system calls", colour: "#76b7b2" },
  { name: "decoding blocks", colour: "#9c755f" },
  { name: "interpreter, dispatch, other VM work", colour: "#f28e2b" },
  { name: "waiting for translation", colour: "#e15759" },
  { name: "translated code", colour: "#59a14f" },
];
/** Phases of the tier timeline, in order. */
const PHASES: Part[] = [
  { name: "start-up (node, loading)", colour: "#bab0ac" },
  { name: "interpreting, tier not started", colour: "#f28e2b" },
  { name: "translator starting", colour: "#b07aa1" },
  { name: "first blocks translating", colour: "#edc948" },
  { name: "translated code available", colour: "#59a14f" },
];

interface TierRun {
  b: string; row: RunRow; proc: number; vm: number; startup: number; syscalls: number; decoding: number; interpreted: number; waiting: number; translated: number;
  insnShare: number; translationMs: number | null; usPerInsn: number | null; startMs: number | null; readyMs: number | null; firstRunMs: number | null;
  /** Guest instructions of the blocks installed from the persistent translation cache (null: no cache used). */
  recalledInsns: number | null;
}

/** The run of (bench, config) with the median VM time among the verified ones: the one the charts draw. */
function representative(ctx: Context, b: string, c: string): RunRow | undefined {
  const rs = ctx.rows.filter((r) => r.benchmark === b && r.config === c && r.ok && r.purpose === "measure" && r.stats).sort((x, y) => (x.vmSeconds ?? 0) - (y.vmSeconds ?? 0));
  return rs[(rs.length - 1) >> 1];
}

const num = (v: number | null | undefined) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * One run's time split: start-up = process wall - VM wall; translated =
 * time inside translated code; waiting = the guest blocked on the translator
 * (bbt translates synchronously: until the worker is ready, then the
 * translation time; staged translates on the worker, concurrently, so 0);
 * system calls and decoding blocks (whatever tier runs them later); the
 * interpreter and dispatch = the rest of the VM's time.
 */
function tierRun(b: string, row: RunRow): TierRun {
  const st = row.stats!, tr = st.translation;
  const vm = st.wallSeconds, proc = Math.max(row.wallSeconds, vm);
  const translated = Math.min(vm, tr?.translatedSeconds ?? 0);
  const waiting = st.mode === "bbt" && tr ? Math.min(vm - translated, ((num(tr.timeline?.readyMs) ?? 0) + tr.totalMs) / 1000) : 0;
  const syscalls = Math.min(vm - translated - waiting, st.syscallSeconds ?? 0);
  const decoding = Math.min(vm - translated - waiting - syscalls, st.decodeSeconds ?? 0);
  return {
    b, row, proc, vm, startup: proc - vm, translated, waiting, syscalls, decoding, interpreted: Math.max(0, vm - translated - waiting - syscalls - decoding),
    insnShare: st.guestInstructions ? st.translatedInstructions / st.guestInstructions : 0,
    translationMs: tr ? tr.totalMs : null, usPerInsn: tr && tr.guestInstructionsTranslated ? tr.usPerGuestInstruction : null,
    startMs: num(tr?.timeline?.startMs), readyMs: num(tr?.timeline?.readyMs), firstRunMs: num(tr?.timeline?.firstRunMs),
    recalledInsns: num(tr?.tcache?.installed.guestInsns),
  };
}

/** The tier timeline of one run as phases on the process's clock (seconds). */
function strip(p: TierRun): TimelineStrip {
  const s0 = p.startup, end = p.proc, at = (ms: number | null) => (ms === null ? null : Math.min(end, s0 + ms / 1000));
  const start = at(p.startMs), ready = at(p.readyMs), first = at(p.firstRunMs);
  const segments: TimelineStrip["segments"] = [{ from: 0, to: s0, part: 0 }];
  const marks = [start, ready, first].filter((x): x is number => x !== null);
  const bounds = [s0, ...marks, end];
  const parts = [1, ...(start !== null ? [2] : []), ...(ready !== null ? [3] : []), ...(first !== null ? [4] : [])];
  for (let i = 0; i < parts.length; i++) segments.push({ from: bounds[i], to: bounds[i + 1], part: parts[i] });
  const note = first !== null ? `translated code from ${fmtSeconds(first)}` : start !== null ? (ready !== null ? "no translated code ran" : "translator never ready") : "tier never started";
  return { label: p.b, segments, note };
}

/** Per program, where each translating configuration's time goes: shares, the tier timeline, translation cost. */
function tier(ctx: Context, out: Block[]): void {
  const translating = ctx.configs.filter((c) => ctx.rows.some((r) => r.config === c && r.ok && r.purpose === "measure" && r.stats && r.stats.mode !== "interp"));
  const preferred = translating.filter((c) => !c.includes(":"));
  const cfgs = (preferred.length ? preferred : translating).slice(0, 3);
  if (!cfgs.length) return;
  out.push({ k: "h", level: 3, text: "Where the time goes" });
  out.push({ k: "p", text: "Per program and translating configuration, the run with the median VM time among the verified runs. Bars split the whole process's wall time: start-up and exit (process wall time minus the VM's own), system calls, decoding blocks (once per block, whichever tier runs it later), the interpreter, dispatch and the rest of the VM's own work, the guest waiting for the translator (bbt translates synchronously; staged translates on a worker thread while the guest runs, so it never waits), and time inside translated code. The timeline places the tier's events (from --stats-json: tier started, translator ready, first translated run) on the process's clock." });
  const runs = new Map<string, TierRun[]>();
  for (const c of cfgs) runs.set(c, ctx.benches.map((b) => ({ b, row: representative(ctx, b, c) })).filter((x) => x.row).map((x) => tierRun(x.b, x.row!)));
  for (const c of cfgs) {
    const per = runs.get(c)!;
    if (!per.length) continue;
    out.push({ k: "fig", name: `time-share-${slug(c)}-${sfx(ctx)}`, title: `Where the time goes (${c})`,
      svg: shareChart({ title: `Share of process wall time: ${c} (suite ${ctx.suite}, size ${ctx.size})`, parts: SHARE_PARTS, rows: per.map((p) => ({ label: p.b, values: [p.startup, p.syscalls, p.decoding, p.interpreted, p.waiting, p.translated], note: `${fmtSeconds(p.proc)}, ${fx(p.insnShare * 100, 0)}% insns tr.` })), xLabel: "share of the process's wall time (right: wall time, share of guest instructions run translated)" }) });
    out.push({ k: "fig", name: `timeline-${slug(c)}-${sfx(ctx)}`, title: `Tier timeline (${c})`,
      svg: timelineChart({ title: `Tier timeline: ${c} (suite ${ctx.suite}, size ${ctx.size})`, parts: PHASES, strips: per.map(strip), xLabel: "seconds since the process started" }) });
    out.push({ k: "table", header: ["benchmark", "process s", "VM s", "start-up %", "system calls %", "decoding %", "interpreted %", "waiting %", "translated %", "insns run translated %", "translation ms", "µs / translated guest insn", "tier start ms", "ready ms", "first translated run ms", "insns from the persistent cache"],
      rows: per.map((p) => [p.b, fx(p.proc, 3), fx(p.vm, 3), ...[p.startup, p.syscalls, p.decoding, p.interpreted, p.waiting, p.translated].map((v) => fx((v / p.proc) * 100, 1)), fx(p.insnShare * 100, 1), fx(p.translationMs, 1), fx(p.usPerInsn, 1), fx(p.startMs, 0), fx(p.readyMs, 0), fx(p.firstRunMs, 0), fx(p.recalledInsns, 0)]),
      caption: caption(ctx, [c], "Shares of the process wall time as in the chart above. Translation ms: total translator time (translation.totalMs; in staged mode spent on the worker thread, concurrently with the guest). µs / translated guest insn: translation time per guest instruction translated (static instructions, not executions). Tier times in ms since the guest started; - = did not happen. Insns from the persistent cache: guest instructions of the blocks installed from it (translation.tcache; - = no cache used, as with --no-tcache).") });
  }
  const usPerInsn = (b: string, c: string) => runs.get(c)!.find((p) => p.b === b)?.usPerInsn ?? null;
  const costly = ctx.benches.filter((b) => cfgs.some((c) => (usPerInsn(b, c) ?? 0) > 0));
  const cost = cfgs.map((c) => ({ name: c, values: costly.map((b) => usPerInsn(b, c)) }));
  if (costly.length) {
    out.push({ k: "fig", name: `translation-cost-${sfx(ctx)}`, title: "Translation cost per guest instruction",
      svg: barChart({ title: `Translation cost: µs per translated guest instruction (suite ${ctx.suite}, size ${ctx.size}, log scale)`, categories: costly, series: cost, xLabel: "µs of translator time per guest instruction translated (n/a: nothing translated; programs where no configuration translated anything are left out)", log: true }) });
  }
}

function ablation(all: Context, out: Block[]): void {
  const abl = all.configs.filter((c) => /^staged(:-[a-z0-9-]+)+$/.test(c));
  if (!all.configs.includes("staged") || !abl.length) return;
  const ctx = sameSession(all, ["staged", ...abl]);
  out.push({ k: "h", level: 3, text: "Pass ablation (staged, one pass disabled)" });
  const sl = (b: string, c: string) => { const a = t(ctx, b, "staged"), x = t(ctx, b, c); return a !== null && x !== null ? x / a : null; };
  const rows = ctx.benches.map((b) => [b, ...abl.map((c) => ratioText(ctx, b, sl(b, c), [c, "staged"], 3))]);
  const gm = abl.map((c) => geomean(ctx.benches.map((b) => sl(b, c) ?? NaN)));
  rows.push(["**geomean**", ...gm.map((g) => `**${fx(g, 3)}**`)]);
  out.push({ k: "table", header: ["benchmark", ...abl], rows, caption: caption(ctx, ["staged", ...abl], "Slowdown = time with the pass disabled / time of staged with all passes (>1: the pass helps).") });
  out.push({ k: "fig", name: `ablation-${sfx(ctx)}`, title: "Pass ablation", svg: barChart({ title: `Geomean slowdown with one pass disabled (size ${ctx.size})`, categories: abl.map((c) => c.replace("staged:", "")), series: [{ name: "geomean slowdown vs staged", values: gm.map((g) => (Number.isFinite(g) ? g : null)) }], xLabel: "time / staged time", reference: 1 }) });
}

function thresholds(all: Context, out: Block[]): void {
  const thNames = all.configs.filter((c) => /^staged:threshold=\d+$/.test(c));
  const ctx = sameSession(all, thNames.length ? thNames : ["staged"]);
  const th = all.configs.map((c) => ({ c, m: /^staged:threshold=(\d+)$/.exec(c) })).filter((x) => x.m).map((x) => ({ c: x.c, n: Number(x.m![1]) }));
  if (ctx.files[0].configs.some((c) => c.name === "staged") && !th.some((x) => x.n === DEFAULT_THRESHOLD)) th.push({ c: "staged", n: DEFAULT_THRESHOLD });
  if (th.length < 2) return;
  th.sort((a, b) => a.n - b.n);
  const refCfg = th.find((x) => x.n === DEFAULT_THRESHOLD)?.c ?? th[0].c;
  out.push({ k: "h", level: 3, text: "Threshold sweep (staged --bbt-threshold)" });
  const rel = (b: string, c: string) => { const a = t(ctx, b, refCfg), x = t(ctx, b, c); return a !== null && x !== null ? x / a : null; };
  const rows = ctx.benches.map((b) => [b, ...th.map((x) => { const v = t(ctx, b, x.c); return v === null ? ratioText(ctx, b, null, [x.c]) : secs(v); })]);
  const gm = th.map((x) => geomean(ctx.benches.map((b) => rel(b, x.c) ?? NaN)));
  rows.push([`**geomean / ${refCfg}**`, ...gm.map((g) => `**${fx(g, 3)}**`)]);
  out.push({ k: "table", header: ["benchmark", ...th.map((x) => `threshold ${x.n}`)], rows, caption: caption(ctx, th.map((x) => x.c), `Median wall time (s) per threshold; last row: geomean of time relative to ${refCfg} (threshold ${th.find((x) => x.c === refCfg)!.n}).`) });
  out.push({ k: "fig", name: `thresholds-${sfx(ctx)}`, title: "Threshold sweep", svg: lineChart({ title: `Threshold sweep: geomean time relative to threshold ${DEFAULT_THRESHOLD} (size ${ctx.size})`, series: [{ name: "geomean relative time", points: th.map((x, i) => [x.n, gm[i]] as [number, number]).filter((p) => Number.isFinite(p[1])) }], xLabel: "--bbt-threshold (block entries before translation, log scale)", yLabel: "relative time", logX: true, reference: 1 }) });
}

function startup(ctx: Context, out: Block[]): void {
  const st = ctx.rows.filter((r) => r.purpose === "startup" && r.guestInstructions !== null && r.status === 124);
  if (!st.length) return;
  const bench = st[0].benchmark;
  const cfgs = [...new Set(st.map((r) => r.config))];
  out.push({ k: "h", level: 3, text: `Startup curve (${bench})` });
  const series = cfgs.map((c) => {
    const pts = st.filter((r) => r.config === c).map((r) => [r.wallSeconds, r.guestInstructions!] as [number, number]);
    const full = ctx.rows.filter((r) => r.purpose === "measure" && r.ok && r.benchmark === bench && r.config === c && r.guestInstructions !== null);
    for (const r of full) pts.push([r.wallSeconds, r.guestInstructions!]);
    return { name: c, points: pts };
  });
  out.push({ k: "p", text: `cdvm does not record a time series inside one run, so each point is a separate run of ${bench} stopped by --max-insns at 2, 5, 10, 25 and 50 % of its instruction count, plus the complete run: x = process wall time (node start-up included), y = guest instructions retired. The slope is the steady-state rate; the x-intercept and the bend show start-up and translation warm-up.` });
  out.push({ k: "fig", name: `startup-${sfx(ctx)}`, title: "Startup curve", svg: lineChart({ title: `Cumulative guest instructions over wall time: ${bench} (size ${ctx.size})`, series, xLabel: "process wall time (s)", yLabel: "guest instructions retired" }) });
  const rows = series.map((s) => [s.name, ...[...s.points].sort((a, b) => a[0] - b[0]).map((p) => `${p[0].toFixed(3)} s: ${(p[1] / 1e6).toFixed(2)}M`)]);
  out.push({ k: "table", header: ["config", "points (wall: instructions)"], rows: rows.map((r) => [r[0], r.slice(1).join(", ")]), caption: caption(ctx, cfgs) });
}

function translation(ctx: Context, out: Block[]): void {
  const cfgs = ctx.configs.filter((c) => ctx.rows.some((r) => r.config === c && r.ok && r.purpose === "measure" && r.stats?.translation));
  if (!cfgs.length) return;
  out.push({ k: "h", level: 3, text: "Translation overhead" });
  const stageNames = [...new Set(ctx.rows.flatMap((r) => Object.keys(r.stats?.translation?.stageMs ?? {})))];
  const preferred = cfgs.filter((c) => !c.includes(":"));
  for (const c of (preferred.length ? preferred : cfgs).slice(0, 3)) {
    const per = ctx.benches.map((b) => {
      const rs = ctx.rows.filter((r) => r.benchmark === b && r.config === c && r.ok && r.purpose === "measure" && r.stats?.translation);
      const stage = (n: string) => median(rs.map((r) => r.stats!.translation!.stageMs[n] ?? 0));
      const tr = rs.map((r) => r.stats!.translation!);
      return {
        b, n: rs.length, stages: stageNames.map(stage),
        total: median(tr.map((x) => x.totalMs)), vm: median(rs.map((r) => r.vmSeconds ?? NaN)),
        blocks: median(tr.map((x) => x.blocksTranslated)), insns: median(tr.map((x) => x.guestInstructionsTranslated)), wasm: median(tr.map((x) => x.wasmBytes)),
        frac: median(rs.map((r) => (r.stats!.guestInstructions ? r.stats!.translatedInstructions / r.stats!.guestInstructions : 0))),
        flushes: median(tr.map((x) => x.codeCache.flushes)), inval: median(tr.map((x) => x.codeCache.invalidations)), live: median(tr.map((x) => x.codeCache.liveBytes)),
        bail: median(tr.map((x) => x.bailouts)), linked: median(tr.map((x) => x.linkedBranches ?? 0)), chain: median(tr.map((x) => x.chainTransitions)), miss: median(tr.map((x) => x.directoryMisses)),
      };
    }).filter((p) => p.n);
    if (!per.length) continue;
    out.push({ k: "table", header: ["benchmark", ...stageNames.map((s) => `${s} ms`), "total ms", "% of VM time", "blocks", "guest insns translated", "wasm bytes", "% insns run translated", "cache live bytes", "flushes", "invalidations", "linked", "chained", "dir misses", "bail-outs"],
      rows: per.map((p) => [p.b, ...p.stages.map((v) => fx(v, 1)), fx(p.total, 1), fx((p.total / 1000 / p.vm) * 100, 1), fx(p.blocks, 0), fx(p.insns, 0), fx(p.wasm, 0), fx(p.frac * 100, 1), fx(p.live, 0), fx(p.flushes, 0), fx(p.inval, 0), fx(p.linked, 0), fx(p.chain, 0), fx(p.miss, 0), fx(p.bail, 0)]),
      caption: caption(ctx, [c], "Stage times from the run's --stats-json (translation.stageMs; emit, optimize and compile run on the backend worker thread, concurrently with the guest in staged mode, so their sum can exceed the guest's stall time). % of VM time = total / RunStats.wallSeconds.") });
    out.push({ k: "fig", name: `translation-${c.replace(/[^a-z0-9]+/gi, "_")}-${sfx(ctx)}`, title: `Translation stages (${c})`, svg: stackedBarChart({ title: `Translation time by stage: ${c} (suite ${ctx.suite}, size ${ctx.size})`, categories: per.map((p) => p.b), stacks: stageNames.map((s, i) => ({ name: s, values: per.map((p) => p.stages[i]) })), xLabel: "milliseconds (median over runs)" }) });
  }
}

function buildBlocks(all: Results[]): Block[] {
  const out: Block[] = [];
  out.push({ k: "h", level: 1, text: "cdvm benchmark report" });
  headline(all, out);
  out.push({ k: "h", level: 2, text: "Runs" });
  out.push({ k: "p", text: `Generated by \`cdvm report\` from ${all.length} results file(s): ` + all.map((r) => `\`${r.command}\` (${r.createdAt}, size ${r.size}, ${r.runs} run(s))`).join("; ") + "." });
  for (const r of all) out.push({ k: "p", text: `Machine: ${machineLine(r)}. ${r.qemu ? `QEMU: ${r.qemu}. ` : ""}Timing: ${r.timing}.${r.skipped.length ? ` Skipped: ${r.skipped.map((s) => `${s.config} (${s.reason})`).join(", ")}.` : ""}` });
  // One section per suite and size, in the headline's order; the first file wins for a cell measured twice (collectCells).
  const cells = collectCells(all);
  for (const g of headlineData(all)) {
    const mine = cells.filter((c) => c.suite === g.suite && c.size === g.size);
    const summary = mine.map((c) => c.summary!);
    const files = all.filter((f) => mine.some((c) => c.file === f));
    const rows = files.flatMap((f) => f.rows).filter((r) => suiteOf(r) === g.suite && r.size === g.size);
    const configs = [...new Set([...files.flatMap((f) => f.configs.map((c) => c.name)), ...summary.map((s) => s.config)])];
    const ctx: Context = { suite: g.suite, size: g.size, files, summary, rows, configs, benches: g.programs };
    out.push({ k: "h", level: 2, text: `Suite ${g.suite}, size ${g.size}` });
    overview(ctx, out);
    speedups(ctx, out);
    tier(ctx, out);
    translation(ctx, out);
    ablation(ctx, out);
    thresholds(ctx, out);
    startup(ctx, out);
  }
  return out;
}

function inlineMd(s: string): string {
  return esc(s).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>").replace(/`([^`]+)`/g, "<code>$1</code>");
}

/** A table cell's class in HTML: outcomes stand out (FAIL red, timeout amber, not run grey). */
function cellClass(text: string): string {
  if (/^FAIL\b/.test(text)) return ' class="fail"';
  if (/^timeout\b/.test(text)) return ' class="timeout"';
  if (/^not run\b/.test(text)) return ' class="notrun"';
  return "";
}

/*
 * The page must read at 1280 px without horizontal scrolling: the body is at
 * most 1100 px wide, charts scale down with it, and a wide table scrolls
 * inside its own box (tests/report-browser.test.ts checks this in Chromium).
 */
const CSS = [
  "body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}",
  ".scroll{max-width:100%;overflow-x:auto}",
  "table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}td:first-child,th:first-child,td.text,th.text{text-align:left}th{background:#f3f3f3}",
  "caption{caption-side:bottom;text-align:left;font-size:12px;color:#555;padding-top:4px;max-width:1000px}",
  "td.fail{background:#fde2e1;color:#a00;font-weight:bold}td.timeout{background:#fff0d6;color:#8a5a00;font-weight:bold}td.notrun{color:#888;font-style:italic}",
  "figure{margin:1em 0}figure svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#555;max-width:1000px}",
  "code{background:#f5f5f5;padding:0 3px;overflow-wrap:anywhere}p{overflow-wrap:anywhere}",
].join("");

export function writeReport(files: string[], outDir: string): string[] {
  if (!files.length) throw new Error("no results files given");
  const all = files.map(loadResults);
  const blocks = buildBlocks(all);
  fs.mkdirSync(outDir, { recursive: true });
  const md: string[] = [];
  const html: string[] = [
    "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>cdvm benchmark report</title>',
    `<style>${CSS}</style>`,
    "</head><body>",
  ];
  const written = [path.join(outDir, "report.md"), path.join(outDir, "report.html")];
  for (const b of blocks) {
    if (b.k === "h") { md.push(`${"#".repeat(b.level)} ${b.text}`, ""); html.push(`<h${b.level}>${inlineMd(b.text)}</h${b.level}>`); }
    else if (b.k === "p") { md.push(b.text, ""); html.push(`<p>${inlineMd(b.text)}</p>`); }
    else if (b.k === "table") {
      md.push(`| ${b.header.join(" | ")} |`, `|${b.header.map((_, i) => (i >= (b.textColumns ?? 1) ? "---:" : "---")).join("|")}|`, ...b.rows.map((r) => `| ${r.join(" | ")} |`), "", `*${b.caption}*`, "");
      const tc = b.textColumns ?? 1, td = (c: string, i: number) => `<td${i < tc ? ' class="text"' : cellClass(c)}>${inlineMd(c)}</td>`;
      html.push(`<div class="scroll"><table><caption>${inlineMd(b.caption)}</caption><thead><tr>${b.header.map((h, i) => `<th${i < tc ? ' class="text"' : ""}>${inlineMd(h)}</th>`).join("")}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map(td).join("")}</tr>`).join("")}</tbody></table></div>`);
    } else {
      const f = `${b.name}.svg`;
      fs.writeFileSync(path.join(outDir, f), b.svg + "\n");
      written.push(path.join(outDir, f));
      md.push(`![${b.title}](${f})`, "", ...(b.caption ? [`*${b.caption}*`, ""] : []));
      html.push(`<figure class="chart" data-chart="${esc(b.name)}">${b.svg}${b.caption ? `<figcaption>${inlineMd(b.caption)}</figcaption>` : ""}</figure>`);
    }
  }
  html.push("</body></html>");
  fs.writeFileSync(written[0], md.join("\n"));
  fs.writeFileSync(written[1], html.join("\n") + "\n");
  return written;
}
