/**
 * `cdvm report`: results.json files -> report.md (tables, figures as .svg
 * files next to it) and a self-contained report.html (the same tables, the
 * SVG inline; no scripts, no network). Sections, per input size:
 *   overview (median wall time, min-max, MIPS, peak RSS), speedup over the
 *   interpreter (and against QEMU and native), pass ablation, threshold
 *   sweep, startup curve, translation-overhead breakdown.
 * Every table carries a caption naming the machine and the configurations.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_THRESHOLD } from "../vmm/vm.ts";
import { RESULTS_SCHEMA, type Results, type RunRow, type SummaryRow } from "./results.ts";
import { geomean, median } from "./stats.ts";
import { barChart, esc, lineChart, stackedBarChart } from "./svg.ts";

type Block =
  | { k: "h"; level: number; text: string }
  | { k: "p"; text: string }
  | { k: "table"; header: string[]; rows: string[][]; caption: string }
  | { k: "fig"; svg: string; name: string; title: string };

const fx = (v: number | null | undefined, d = 2) => (v === null || v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(d));
const secs = (v: number | null | undefined) => (v === null || v === undefined ? "FAIL" : v < 10 ? v.toFixed(3) : v.toFixed(1));

interface Context { size: string; files: Results[]; summary: SummaryRow[]; rows: RunRow[]; configs: string[]; benches: string[] }

function loadResults(file: string): Results {
  const r = JSON.parse(fs.readFileSync(file, "utf8")) as Results;
  if (r.schema !== RESULTS_SCHEMA) throw new Error(`${file}: not a ${RESULTS_SCHEMA} file (schema ${JSON.stringify(r.schema)})`);
  return r;
}

function machineLine(r: Results): string {
  const m = r.machine;
  return `${m.cpuModel}, ${m.cores} cores, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${m.os}; Node ${r.node}; cdvm ${r.git.commit.slice(0, 10)}${r.git.dirty ? " (uncommitted changes)" : ""}; load average at end ${m.loadAverage.join(" ")}`;
}

function caption(ctx: Context, configs: string[], extra = ""): string {
  const runs = [...new Set(ctx.files.map((f) => f.runs))].join("/");
  return `Machine: ${[...new Set(ctx.files.map(machineLine))].join(" | ")}. Size ${ctx.size}, ${runs} run(s) per cell, median wall time of the whole process. Configurations: ${configs.join(", ")}.${extra ? " " + extra : ""}`;
}

function cell(ctx: Context, bench: string, config: string): SummaryRow | undefined {
  return ctx.summary.find((s) => s.benchmark === bench && s.config === config);
}
const t = (ctx: Context, b: string, c: string) => cell(ctx, b, c)?.medianSeconds ?? null;

/** A view of ctx whose summary comes from the first results file that measured all of `configs`, so compared cells share one session's machine load. */
function sameSession(ctx: Context, configs: string[]): Context {
  const f = ctx.files.find((r) => configs.every((c) => r.configs.some((x) => x.name === c)));
  return f ? { ...ctx, summary: f.summary, files: [f] } : ctx;
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
      const s = cell(ctx, b, c);
      if (!s || s.medianSeconds === null) return "FAIL";
      return s.runs > 1 ? `${secs(s.medianSeconds)} (${secs(s.minSeconds)}-${secs(s.maxSeconds)})` : secs(s.medianSeconds);
    })]);
  out.push({ k: "table", header: ["benchmark", "category", "guest insns", ...ctx.configs], rows, caption: caption(ctx, ctx.configs, "Cells with several runs show median (min-max). FAIL: wrong output or exit status (see the failures list).") });
  out.push({ k: "h", level: 3, text: "Guest MIPS and peak RSS" });
  const rows2 = ctx.benches.map((b) => [b, ...ctx.configs.map((c) => {
    const s = cell(ctx, b, c);
    return s && s.medianSeconds !== null ? `${fx(s.mips, 1)} / ${s.peakRssKb !== null ? Math.round(s.peakRssKb / 1024) : "-"}` : "FAIL";
  })]);
  out.push({ k: "table", header: ["benchmark", ...ctx.configs.map((c) => `${c} MIPS / MiB`)], rows: rows2, caption: caption(ctx, ctx.configs, "MIPS = guest instructions (counted by cdvm; for native and qemu taken from a cdvm run of the same program) / process wall time. Peak RSS from /usr/bin/time.") });
  const failed = ctx.rows.filter((r) => !r.ok);
  if (failed.length) {
    out.push({ k: "p", text: `**Failures** (${failed.length} runs): ` + failed.map((r) => `${r.benchmark} [${r.config}${r.maxInsns ? ` @${r.maxInsns}` : ""}]: ${r.failure}`).join("; ") });
  }
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
  const rows = ctx.benches.map((b) => [b, ...others.map((c) => fx(sp(b, c)))]);
  const gm = others.map((c) => geomean(ctx.benches.map((b) => sp(b, c) ?? NaN)));
  rows.push(["**geomean**", ...gm.map((g) => `**${fx(g)}**`)]);
  out.push({ k: "table", header: ["benchmark", ...others.map((c) => `${c} vs interp`)], rows, caption: caption(ctx, [base, ...others], "Speedup = interp time / config time (>1 is faster than the interpreter). Geomean over benchmarks verified in both configurations.") });
  out.push({ k: "fig", name: `speedup-${ctx.size}`, title: "Speedup over interp", svg: barChart({ title: `Speedup over cdvm interp (size ${ctx.size}, log scale)`, categories: ctx.benches, series: others.map((c) => ({ name: c, values: ctx.benches.map((b) => sp(b, c)) })), xLabel: "speedup (interp time / config time)", log: true, reference: 1 }) });
  }
  for (const ref of ["qemu", "native"]) {
    if (!ctx.configs.includes(ref)) continue;
    const cfgs = ctx.configs.filter((c) => c !== ref && c !== (ref === "qemu" ? "native" : "qemu"));
    const rel = (b: string, c: string) => { const r = t(ctx, b, ref), x = t(ctx, b, c); return r !== null && x !== null ? x / r : null; };
    out.push({ k: "h", level: 3, text: `Time relative to ${ref}` });
    const rows2 = ctx.benches.map((b) => [b, ...cfgs.map((c) => fx(rel(b, c)))]);
    rows2.push(["**geomean**", ...cfgs.map((c) => `**${fx(geomean(ctx.benches.map((b) => rel(b, c) ?? NaN)))}**`)]);
    out.push({ k: "table", header: ["benchmark", ...cfgs.map((c) => `${c} / ${ref}`)], rows: rows2, caption: caption(ctx, [ref, ...cfgs], `Slowdown = config time / ${ref} time (1 = as fast as ${ref}; process wall time, so start-up costs are included).`) });
    if (!base && ref === "native" && cfgs.length) {
      out.push({ k: "fig", name: `vs-native-${ctx.size}`, title: "Time relative to native", svg: barChart({ title: `Time relative to native (size ${ctx.size}, log scale)`, categories: ctx.benches, series: cfgs.map((c) => ({ name: c, values: ctx.benches.map((b) => rel(b, c)) })), xLabel: "config time / native time", log: true, reference: 1 }) });
    }
  }
}

function ablation(all: Context, out: Block[]): void {
  const abl = all.configs.filter((c) => /^staged(:-[a-z0-9-]+)+$/.test(c));
  if (!all.configs.includes("staged") || !abl.length) return;
  const ctx = sameSession(all, ["staged", ...abl]);
  out.push({ k: "h", level: 3, text: "Pass ablation (staged, one pass disabled)" });
  const sl = (b: string, c: string) => { const a = t(ctx, b, "staged"), x = t(ctx, b, c); return a !== null && x !== null ? x / a : null; };
  const rows = ctx.benches.map((b) => [b, ...abl.map((c) => fx(sl(b, c), 3))]);
  const gm = abl.map((c) => geomean(ctx.benches.map((b) => sl(b, c) ?? NaN)));
  rows.push(["**geomean**", ...gm.map((g) => `**${fx(g, 3)}**`)]);
  out.push({ k: "table", header: ["benchmark", ...abl], rows, caption: caption(ctx, ["staged", ...abl], "Slowdown = time with the pass disabled / time of staged with all passes (>1: the pass helps).") });
  out.push({ k: "fig", name: `ablation-${ctx.size}`, title: "Pass ablation", svg: barChart({ title: `Geomean slowdown with one pass disabled (size ${ctx.size})`, categories: abl.map((c) => c.replace("staged:", "")), series: [{ name: "geomean slowdown vs staged", values: gm.map((g) => (Number.isFinite(g) ? g : null)) }], xLabel: "time / staged time", reference: 1 }) });
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
  const rows = ctx.benches.map((b) => [b, ...th.map((x) => secs(t(ctx, b, x.c)))]);
  const gm = th.map((x) => geomean(ctx.benches.map((b) => rel(b, x.c) ?? NaN)));
  rows.push([`**geomean / ${refCfg}**`, ...gm.map((g) => `**${fx(g, 3)}**`)]);
  out.push({ k: "table", header: ["benchmark", ...th.map((x) => `threshold ${x.n}`)], rows, caption: caption(ctx, th.map((x) => x.c), `Median wall time (s) per threshold; last row: geomean of time relative to ${refCfg} (threshold ${th.find((x) => x.c === refCfg)!.n}).`) });
  out.push({ k: "fig", name: `thresholds-${ctx.size}`, title: "Threshold sweep", svg: lineChart({ title: `Threshold sweep: geomean time relative to threshold ${DEFAULT_THRESHOLD} (size ${ctx.size})`, series: [{ name: "geomean relative time", points: th.map((x, i) => [x.n, gm[i]] as [number, number]).filter((p) => Number.isFinite(p[1])) }], xLabel: "--bbt-threshold (block entries before translation, log scale)", yLabel: "relative time", logX: true, reference: 1 }) });
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
  out.push({ k: "fig", name: `startup-${ctx.size}`, title: "Startup curve", svg: lineChart({ title: `Cumulative guest instructions over wall time: ${bench} (size ${ctx.size})`, series, xLabel: "process wall time (s)", yLabel: "guest instructions retired" }) });
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
    out.push({ k: "fig", name: `translation-${c.replace(/[^a-z0-9]+/gi, "_")}-${ctx.size}`, title: `Translation stages (${c})`, svg: stackedBarChart({ title: `Translation time by stage: ${c} (size ${ctx.size})`, categories: per.map((p) => p.b), stacks: stageNames.map((s, i) => ({ name: s, values: per.map((p) => p.stages[i]) })), xLabel: "milliseconds (median over runs)" }) });
  }
}

function buildBlocks(all: Results[]): Block[] {
  const out: Block[] = [];
  out.push({ k: "h", level: 1, text: "cdvm benchmark report" });
  out.push({ k: "p", text: `Generated by \`cdvm report\` from ${all.length} results file(s): ` + all.map((r) => `\`${r.command}\` (${r.createdAt}, size ${r.size}, ${r.runs} run(s))`).join("; ") + "." });
  for (const r of all) out.push({ k: "p", text: `Machine: ${machineLine(r)}. ${r.qemu ? `QEMU: ${r.qemu}. ` : ""}Timing: ${r.timing}.${r.skipped.length ? ` Skipped: ${r.skipped.map((s) => `${s.config} (${s.reason})`).join(", ")}.` : ""}` });
  const sizes = [...new Set(all.map((r) => r.size))];
  for (const size of sizes) {
    const files = all.filter((r) => r.size === size);
    // The first file wins for a (benchmark, config) measured twice; sections that compare configurations use one file each (sameSession).
    const summary: SummaryRow[] = [];
    for (const f of files) for (const s of f.summary) {
      if (!summary.some((x) => x.benchmark === s.benchmark && x.config === s.config)) summary.push(s);
    }
    const rows = files.flatMap((f) => f.rows);
    const configs = [...new Set(files.flatMap((f) => f.configs.map((c) => c.name)))];
    const benches = [...new Set(summary.map((s) => s.benchmark))];
    const ctx: Context = { size, files, summary, rows, configs, benches };
    out.push({ k: "h", level: 2, text: `Size ${size}` });
    overview(ctx, out);
    speedups(ctx, out);
    ablation(ctx, out);
    thresholds(ctx, out);
    startup(ctx, out);
    translation(ctx, out);
  }
  return out;
}

function inlineMd(s: string): string {
  return esc(s).replace(/\*\*(.+?)\*\*/g, "<b>$1</b>").replace(/`([^`]+)`/g, "<code>$1</code>");
}

export function writeReport(files: string[], outDir: string): string[] {
  if (!files.length) throw new Error("no results files given");
  const all = files.map(loadResults);
  const blocks = buildBlocks(all);
  fs.mkdirSync(outDir, { recursive: true });
  const md: string[] = [];
  const html: string[] = [
    "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>cdvm benchmark report</title>',
    "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}caption{caption-side:bottom;text-align:left;font-size:12px;color:#555;padding-top:4px;max-width:1000px}figure{margin:1em 0}code{background:#f5f5f5;padding:0 3px}</style>",
    "</head><body>",
  ];
  const written = [path.join(outDir, "report.md"), path.join(outDir, "report.html")];
  for (const b of blocks) {
    if (b.k === "h") { md.push(`${"#".repeat(b.level)} ${b.text}`, ""); html.push(`<h${b.level}>${inlineMd(b.text)}</h${b.level}>`); }
    else if (b.k === "p") { md.push(b.text, ""); html.push(`<p>${inlineMd(b.text)}</p>`); }
    else if (b.k === "table") {
      md.push(`| ${b.header.join(" | ")} |`, `|${b.header.map((_, i) => (i ? "---:" : "---")).join("|")}|`, ...b.rows.map((r) => `| ${r.join(" | ")} |`), "", `*${b.caption}*`, "");
      html.push(`<table><caption>${inlineMd(b.caption)}</caption><thead><tr>${b.header.map((h) => `<th>${inlineMd(h)}</th>`).join("")}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((c) => `<td>${inlineMd(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`);
    } else {
      const f = `${b.name}.svg`;
      fs.writeFileSync(path.join(outDir, f), b.svg + "\n");
      written.push(path.join(outDir, f));
      md.push(`![${b.title}](${f})`, "");
      html.push(`<figure>${b.svg}</figure>`);
    }
  }
  html.push("</body></html>");
  fs.writeFileSync(written[0], md.join("\n"));
  fs.writeFileSync(written[1], html.join("\n") + "\n");
  return written;
}
