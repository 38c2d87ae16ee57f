/** Small statistics helpers shared by the harness and the report. */
export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function geomean(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x) && x > 0);
  return v.length ? Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length) : NaN;
}

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return "-";
  if (s < 1) return `${(s * 1000).toFixed(0)} ms`;
  return `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

export function fmtDuration(s: number): string {
  const m = Math.floor(s / 60), r = Math.round(s % 60);
  return m ? `${m}m${String(r).padStart(2, "0")}s` : `${r}s`;
}
