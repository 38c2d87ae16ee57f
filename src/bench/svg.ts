/**
 * Minimal SVG charts for the report, drawn from scratch: horizontal grouped
 * bars (linear or log axis), horizontal stacked bars, 100 % share bars,
 * timeline strips, and line charts. Output is a standalone <svg> element
 * (inline in HTML, or a .svg file) with a white background, a title, and a
 * <title> tooltip on every mark; no scripts, fonts or external references.
 */
const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const FONT = `font-family="Helvetica, Arial, sans-serif"`;

/** An SVG chart's opening: the element, a white background and the centred title. */
function chartOpen(W: number, H: number, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">` +
    `<rect width="${W}" height="${H}" fill="white"/><text x="${W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold" ${FONT}>${esc(title)}</text>`;
}

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export const colour = (i: number) => PALETTE[i % PALETTE.length];

function fmtTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

interface Axis { map(v: number): number; ticks: number[] }

function linearAxis(lo: number, hi: number, x0: number, x1: number): Axis {
  if (hi <= lo) hi = lo + 1;
  const raw = (hi - lo) / 5, mag = 10 ** Math.floor(Math.log10(raw)), step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const start = Math.floor(lo / step) * step, end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end + step / 2; t += step) ticks.push(+t.toPrecision(12));
  return { map: (v) => x0 + ((v - start) / (end - start)) * (x1 - x0), ticks };
}

function logAxis(lo: number, hi: number, x0: number, x1: number): Axis {
  const a = Math.floor(Math.log10(lo)), b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
  const ticks: number[] = [];
  for (let e = a; e <= b; e++) {
    ticks.push(10 ** e);
    if (b - a <= 2 && e < b) ticks.push(2 * 10 ** e, 5 * 10 ** e);
  }
  ticks.sort((p, q) => p - q);
  return { map: (v) => x0 + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a)) * (x1 - x0), ticks };
}

/** Legend entries laid out left to right, wrapping before maxX; returns the markup and the number of lines used. */
function legendLines(names: string[], x: number, y: number, maxX: number, colours: (i: number) => string = colour): { svg: string; lines: number } {
  let out = "", cx = x, cy = y, lines = 1;
  for (let i = 0; i < names.length; i++) {
    const w = 24 + names[i].length * 6.5;
    if (cx > x && cx + w > maxX) { cx = x; cy += 15; lines++; }
    out += `<rect x="${cx}" y="${cy - 9}" width="10" height="10" fill="${colours(i)}"/><text x="${cx + 14}" y="${cy}" font-size="11" ${FONT}>${esc(names[i])}</text>`;
    cx += w;
  }
  return { svg: out, lines };
}

function legend(names: string[], x: number, y: number): string {
  return legendLines(names, x, y, Infinity).svg;
}

export interface BarSeries { name: string; values: (number | null)[] }

/** Grouped horizontal bars, one group per category; `reference` draws a dashed line (e.g. 1.0 = the baseline). */
export function barChart(o: { title: string; categories: string[]; series: BarSeries[]; xLabel: string; log?: boolean; reference?: number; width?: number }): string {
  const W = o.width ?? 760, left = 120, right = 60, top = 44, barH = 9, gap = 8;
  const groupH = o.series.length * barH + gap;
  const H = top + o.categories.length * groupH + 40;
  const vals = o.series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v) && (!o.log || v > 0));
  if (o.reference !== undefined) vals.push(o.reference);
  const lo = o.log ? Math.min(...vals) : Math.min(0, ...vals), hi = Math.max(...vals, lo + 1e-9);
  const ax = o.log ? logAxis(lo, hi, left, W - right) : linearAxis(lo, hi, left, W - right);
  const base = o.log ? left : ax.map(0);
  let g = chartOpen(W, H, o.title);
  g += legend(o.series.map((s) => s.name), left, 34);
  const yEnd = top + o.categories.length * groupH;
  for (const t of ax.ticks) {
    const x = ax.map(t);
    if (x < left - 0.5 || x > W - right + 0.5) continue;
    g += `<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${yEnd}" stroke="#ddd"/><text x="${x}" y="${yEnd + 14}" text-anchor="middle" font-size="10" ${FONT}>${fmtTick(t)}</text>`;
  }
  if (o.reference !== undefined) {
    const x = ax.map(o.reference);
    g += `<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${yEnd}" stroke="#333" stroke-dasharray="4 3"/>`;
  }
  o.categories.forEach((c, ci) => {
    const y0 = top + ci * groupH;
    g += `<text x="${left - 6}" y="${y0 + (o.series.length * barH) / 2 + 4}" text-anchor="end" font-size="11" ${FONT}>${esc(c)}</text>`;
    o.series.forEach((s, si) => {
      const v = s.values[ci];
      const y = y0 + si * barH;
      if (v === null || !Number.isFinite(v) || (o.log && v <= 0)) {
        g += `<text x="${base + 3}" y="${y + barH - 1}" font-size="8" fill="#a00" ${FONT}>n/a</text>`;
        return;
      }
      const x = ax.map(v), x0 = Math.min(base, x), w = Math.max(1, Math.abs(x - base));
      g += `<rect x="${x0}" y="${y}" width="${w}" height="${barH - 1}" fill="${colour(si)}"><title>${esc(`${c} / ${s.name}: ${fmtTick(v)}`)}</title></rect>`;
    });
  });
  g += `<text x="${(left + W - right) / 2}" y="${H - 6}" text-anchor="middle" font-size="11" ${FONT}>${esc(o.xLabel)}</text></svg>`;
  return g;
}

/** Horizontal stacked bars: one bar per category, one segment per stack. */
export function stackedBarChart(o: { title: string; categories: string[]; stacks: { name: string; values: number[] }[]; xLabel: string; width?: number }): string {
  const W = o.width ?? 760, left = 120, right = 60, top = 44, barH = 14, gap = 6;
  const H = top + o.categories.length * (barH + gap) + 40;
  const totals = o.categories.map((_, i) => o.stacks.reduce((a, s) => a + (s.values[i] || 0), 0));
  const ax = linearAxis(0, Math.max(...totals, 1e-9), left, W - right);
  let g = chartOpen(W, H, o.title);
  g += legend(o.stacks.map((s) => s.name), left, 34);
  const yEnd = top + o.categories.length * (barH + gap);
  for (const t of ax.ticks) {
    const x = ax.map(t);
    g += `<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${yEnd}" stroke="#ddd"/><text x="${x}" y="${yEnd + 14}" text-anchor="middle" font-size="10" ${FONT}>${fmtTick(t)}</text>`;
  }
  o.categories.forEach((c, ci) => {
    const y = top + ci * (barH + gap);
    g += `<text x="${left - 6}" y="${y + barH - 3}" text-anchor="end" font-size="11" ${FONT}>${esc(c)}</text>`;
    let acc = 0;
    o.stacks.forEach((s, si) => {
      const v = s.values[ci] || 0;
      if (v <= 0) return;
      const x0 = ax.map(acc), x1 = ax.map(acc + v);
      g += `<rect x="${x0}" y="${y}" width="${Math.max(0.5, x1 - x0)}" height="${barH}" fill="${colour(si)}"><title>${esc(`${c} / ${s.name}: ${fmtTick(v)}`)}</title></rect>`;
      acc += v;
    });
  });
  g += `<text x="${(left + W - right) / 2}" y="${H - 6}" text-anchor="middle" font-size="11" ${FONT}>${esc(o.xLabel)}</text></svg>`;
  return g;
}

/** Line chart with markers; points are [x, y]. */
export function lineChart(o: { title: string; series: { name: string; points: [number, number][] }[]; xLabel: string; yLabel: string; logX?: boolean; reference?: number; width?: number }): string {
  const W = o.width ?? 760, H = 360, left = 70, right = 30, top = 44, bottom = 44;
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0])), ys = o.series.flatMap((s) => s.points.map((p) => p[1]));
  if (o.reference !== undefined) ys.push(o.reference);
  const ax = o.logX ? logAxis(Math.min(...xs), Math.max(...xs), left, W - right) : linearAxis(0, Math.max(...xs, 1e-9), left, W - right);
  const ayRaw = linearAxis(Math.min(0, ...ys), Math.max(...ys, 1e-9), 0, 1);
  const ay: Axis = { map: (v) => H - bottom - ayRaw.map(v) * (H - bottom - top), ticks: ayRaw.ticks };
  let g = chartOpen(W, H, o.title);
  g += legend(o.series.map((s) => s.name), left, 34);
  for (const t of ax.ticks) {
    const x = ax.map(t);
    if (x < left - 0.5 || x > W - right + 0.5) continue;
    g += `<line x1="${x}" y1="${top}" x2="${x}" y2="${H - bottom}" stroke="#eee"/><text x="${x}" y="${H - bottom + 14}" text-anchor="middle" font-size="10" ${FONT}>${fmtTick(t)}</text>`;
  }
  for (const t of ay.ticks) {
    const y = ay.map(t);
    g += `<line x1="${left}" y1="${y}" x2="${W - right}" y2="${y}" stroke="#eee"/><text x="${left - 5}" y="${y + 3}" text-anchor="end" font-size="10" ${FONT}>${fmtTick(t)}</text>`;
  }
  if (o.reference !== undefined) g += `<line x1="${left}" y1="${ay.map(o.reference)}" x2="${W - right}" y2="${ay.map(o.reference)}" stroke="#333" stroke-dasharray="4 3"/>`;
  g += `<line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" stroke="#333"/><line x1="${left}" y1="${top}" x2="${left}" y2="${H - bottom}" stroke="#333"/>`;
  o.series.forEach((s, si) => {
    const pts = [...s.points].sort((p, q) => p[0] - q[0]);
    if (pts.length > 1) g += `<polyline fill="none" stroke="${colour(si)}" stroke-width="2" points="${pts.map((p) => `${ax.map(p[0]).toFixed(1)},${ay.map(p[1]).toFixed(1)}`).join(" ")}"/>`;
    for (const p of pts) g += `<circle cx="${ax.map(p[0]).toFixed(1)}" cy="${ay.map(p[1]).toFixed(1)}" r="3" fill="${colour(si)}"><title>${esc(`${s.name}: (${fmtTick(p[0])}, ${fmtTick(p[1])})`)}</title></circle>`;
  });
  g += `<text x="${(left + W - right) / 2}" y="${H - 8}" text-anchor="middle" font-size="11" ${FONT}>${esc(o.xLabel)}</text>`;
  g += `<text transform="translate(14 ${(top + H - bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11" ${FONT}>${esc(o.yLabel)}</text></svg>`;
  return g;
}

export interface Part { name: string; colour: string }

const pct = (v: number) => `${v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1)}%`;

/**
 * 100 % stacked horizontal bars: one bar per row, each split into the shares
 * of `parts`; shares wide enough carry their percentage, `note` is written
 * right of the bar (e.g. the total the shares are of).
 */
export function shareChart(o: { title: string; parts: Part[]; rows: { label: string; values: number[]; note?: string }[]; xLabel: string; width?: number }): string {
  const W = o.width ?? 760, left = 130, right = 120, barH = 16, gap = 7;
  const lg = legendLines(o.parts.map((p) => p.name), left, 34, W - 10, (i) => o.parts[i].colour);
  const top = 30 + lg.lines * 15;
  const H = top + o.rows.length * (barH + gap) + 40;
  const x = (f: number) => left + f * (W - left - right);
  let g = chartOpen(W, H, o.title) + lg.svg;
  const yEnd = top + o.rows.length * (barH + gap);
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    g += `<line x1="${x(f)}" y1="${top - 4}" x2="${x(f)}" y2="${yEnd}" stroke="#ddd"/><text x="${x(f)}" y="${yEnd + 14}" text-anchor="middle" font-size="10" ${FONT}>${f * 100}%</text>`;
  }
  o.rows.forEach((r, ri) => {
    const y = top + ri * (barH + gap);
    const total = r.values.reduce((a, v) => a + Math.max(0, v || 0), 0);
    g += `<text x="${left - 6}" y="${y + barH - 4}" text-anchor="end" font-size="11" ${FONT}>${esc(r.label)}</text>`;
    if (r.note) g += `<text x="${x(1) + 6}" y="${y + barH - 4}" font-size="11" ${FONT}>${esc(r.note)}</text>`;
    if (!(total > 0)) { g += `<text x="${left + 3}" y="${y + barH - 4}" font-size="10" fill="#a00" ${FONT}>no data</text>`; return; }
    let acc = 0;
    o.parts.forEach((p, pi) => {
      const v = Math.max(0, r.values[pi] || 0);
      if (v <= 0) return;
      const x0 = x(acc / total), x1 = x((acc + v) / total), share = (v / total) * 100;
      g += `<rect x="${x0.toFixed(1)}" y="${y}" width="${Math.max(0.5, x1 - x0).toFixed(1)}" height="${barH}" fill="${p.colour}"><title>${esc(`${r.label}: ${p.name} ${pct(share)}`)}</title></rect>`;
      if (x1 - x0 >= 34) g += `<text x="${((x0 + x1) / 2).toFixed(1)}" y="${y + barH - 4}" text-anchor="middle" font-size="10" fill="white" ${FONT}>${pct(share)}</text>`;
      acc += v;
    });
  });
  g += `<text x="${(left + x(1)) / 2}" y="${H - 6}" text-anchor="middle" font-size="11" ${FONT}>${esc(o.xLabel)}</text></svg>`;
  return g;
}

export interface TimelineStrip { label: string; segments: { from: number; to: number; part: number }[]; note?: string }

/**
 * Timeline strips on one shared linear time axis: one strip per row, made of
 * consecutive phases (segments index `parts`), with a note right of it.
 */
export function timelineChart(o: { title: string; parts: Part[]; strips: TimelineStrip[]; xLabel: string; width?: number }): string {
  const W = o.width ?? 760, left = 130, right = 170, barH = 14, gap = 9;
  const lg = legendLines(o.parts.map((p) => p.name), left, 34, W - 10, (i) => o.parts[i].colour);
  const top = 30 + lg.lines * 15;
  const H = top + o.strips.length * (barH + gap) + 40;
  const end = Math.max(1e-9, ...o.strips.flatMap((s) => s.segments.map((x) => x.to)));
  const ax = linearAxis(0, end, left, W - right);
  let g = chartOpen(W, H, o.title) + lg.svg;
  const yEnd = top + o.strips.length * (barH + gap);
  for (const t of ax.ticks) {
    const x = ax.map(t);
    g += `<line x1="${x.toFixed(1)}" y1="${top - 4}" x2="${x.toFixed(1)}" y2="${yEnd}" stroke="#ddd"/><text x="${x.toFixed(1)}" y="${yEnd + 14}" text-anchor="middle" font-size="10" ${FONT}>${fmtTick(t)}</text>`;
  }
  o.strips.forEach((s, si) => {
    const y = top + si * (barH + gap);
    g += `<text x="${left - 6}" y="${y + barH - 3}" text-anchor="end" font-size="11" ${FONT}>${esc(s.label)}</text>`;
    let last = left;
    for (const seg of s.segments) {
      if (!(seg.to > seg.from)) continue;
      const x0 = ax.map(seg.from), x1 = ax.map(seg.to), p = o.parts[seg.part];
      g += `<rect x="${x0.toFixed(1)}" y="${y}" width="${Math.max(0.5, x1 - x0).toFixed(1)}" height="${barH}" fill="${p.colour}"><title>${esc(`${s.label}: ${p.name}, ${fmtTick(seg.from)}–${fmtTick(seg.to)}`)}</title></rect>`;
      last = Math.max(last, x1);
    }
    if (s.note) g += `<text x="${(last + 6).toFixed(1)}" y="${y + barH - 3}" font-size="10" fill="#333" ${FONT}>${esc(s.note)}</text>`;
  });
  g += `<text x="${(left + W - right) / 2}" y="${H - 6}" text-anchor="middle" font-size="11" ${FONT}>${esc(o.xLabel)}</text></svg>`;
  return g;
}
