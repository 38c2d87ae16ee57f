/**
 * The HTML report in a real browser: `cdvm report` output for a fixture
 * results.json (tests/fixtures/report-small, from a real `cdvm bench` run;
 * plus a schema-/2 "real" suite derived from it in memory, with qemu not run)
 * is loaded in headless Chromium, driven over the DevTools protocol on a pipe
 * (--remote-debugging-pipe: no port, no npm dependency). It must load with no
 * console error, failed request or exception; every chart must be one SVG
 * that lays out to a non-empty box and carries data marks; at 1280 px the page
 * must not scroll sideways. The full-page screenshot is written to
 * $CDVM_REPORT_SCREENSHOTS (default: a temp directory; the path is printed).
 *
 * Skipped with a notice when no Chromium is installed (Debian: apt-get install
 * chromium; or point $CHROMIUM at a binary).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headlineTable } from "../src/bench/headline.ts";
import { writeReport } from "../src/bench/report.ts";
import type { Results } from "../src/bench/results.ts";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/report-small/results.json");
const WIDTH = 1280;

function findChromium(): string | undefined {
  const cands = [process.env.CHROMIUM, "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].filter((x): x is string => !!x);
  for (const c of cands) {
    const r = spawnSync("sh", ["-c", 'command -v "$1"', "sh", c], { encoding: "utf8" });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

const CHROMIUM = findChromium();
if (!CHROMIUM) console.warn("notice: tests/report-browser.test.ts skipped: no Chromium found (apt-get install -y chromium, or set CHROMIUM)");

/** A minimal DevTools-protocol client over --remote-debugging-pipe (fd 3: commands in, fd 4: replies out, NUL-separated JSON). */
class Cdp {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void; method: string }>();
  private listeners: ((m: { method: string; params: any; sessionId?: string }) => void)[] = [];
  private buf = "";
  readonly proc: ChildProcess;
  stderr = "";

  constructor(binary: string, userDataDir: string) {
    this.proc = spawn(binary, [
      "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio", "--no-first-run", "--no-default-browser-check",
      "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-component-update",
      `--user-data-dir=${userDataDir}`, `--window-size=${WIDTH},900`, "--remote-debugging-pipe", "about:blank",
    ], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    this.proc.stderr!.on("data", (d: Buffer) => { this.stderr += d.toString(); });
    (this.proc.stdio[4] as NodeJS.ReadableStream).on("data", (d: Buffer) => {
      this.buf += d.toString("utf8");
      let i: number;
      while ((i = this.buf.indexOf("\0")) >= 0) {
        const msg = JSON.parse(this.buf.slice(0, i));
        this.buf = this.buf.slice(i + 1);
        if (msg.id !== undefined) {
          const p = this.pending.get(msg.id);
          this.pending.delete(msg.id);
          if (msg.error) p?.reject(new Error(`${p.method}: ${msg.error.message}`));
          else p?.resolve(msg.result);
        } else for (const l of this.listeners) l(msg);
      }
    });
    this.proc.on("exit", () => { for (const p of this.pending.values()) p.reject(new Error(`chromium exited during ${p.method}: ${this.stderr.slice(-500)}`)); this.pending.clear(); });
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      (this.proc.stdio[3] as NodeJS.WritableStream).write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    });
  }

  on(f: (m: { method: string; params: any; sessionId?: string }) => void): void { this.listeners.push(f); }

  waitFor(method: string, ms = 30_000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${method}`)), ms);
      this.on((m) => { if (m.method === method) { clearTimeout(timer); resolve(m.params); } });
    });
  }

  /**
   * Asks the browser to quit and waits for it, killing it after 5 s: killing it outright left its
   * helper processes writing the profile while afterAll removed the directory (ENOTEMPTY).
   */
  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once("exit", resolve));
    this.send("Browser.close").catch(() => {});
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** A schema-/2 results file derived from the fixture: suite "real", outcomes and timeout flags set, qemu not run. */
function realSuiteVariant(r: Results): Results {
  const j = JSON.parse(JSON.stringify(r));
  j.schema = "cdvm-bench-results/2";
  j.configs = j.configs.filter((c: { name: string }) => c.name !== "qemu");
  j.skipped = [{ config: "qemu", reason: "qemu-i386 not found" }];
  j.benchmarks = j.benchmarks.map((b: object) => ({ ...b, suite: "real", form: "direct" }));
  j.rows = j.rows.filter((x: { config: string }) => x.config !== "qemu").map((x: { ok: boolean; failure?: string }) => ({ ...x, suite: "real", timedOut: !x.ok && /timed out/.test(x.failure ?? "") }));
  j.summary = j.summary.filter((s: { config: string }) => s.config !== "qemu").map((s: { benchmark: string; config: string; verified: boolean }) => {
    const timedOut = j.rows.some((x: { benchmark: string; config: string; timedOut: boolean }) => x.benchmark === s.benchmark && x.config === s.config && x.timedOut);
    return { ...s, suite: "real", outcome: s.verified ? "ok" : timedOut ? "timeout" : "fail" };
  });
  return j;
}

interface PageReport {
  scrollWidth: number; clientWidth: number; height: number;
  charts: { name: string; svgs: number; shapes: number; marks: number; width: number; height: number; overflowsPage: boolean }[];
  headlineFirst: boolean; failCells: number; timeoutCells: number; notRunCells: number;
}

// Runs in the page: what the assertions need, as plain data.
const PROBE = `(() => {
  const de = document.documentElement;
  const charts = [...document.querySelectorAll("figure.chart")].map((f) => {
    const svgs = f.querySelectorAll("svg"), svg = svgs[0], box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0, right: 0 };
    return {
      name: f.getAttribute("data-chart"), svgs: svgs.length,
      shapes: svg ? svg.querySelectorAll("rect, line, polyline, circle, path").length : 0,
      marks: svg ? [...svg.querySelectorAll("rect, circle, polyline")].filter((e) => e.querySelector("title")).length : 0,
      width: box.width, height: box.height, overflowsPage: box.right > de.clientWidth + 0.5,
    };
  });
  const h2 = document.querySelector("h2");
  const cells = (c) => document.querySelectorAll("td." + c).length;
  return { scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, height: de.scrollHeight, charts,
    headlineFirst: !!h2 && h2.textContent === "Headline" && !!h2.nextElementSibling && !!h2.nextElementSibling.querySelector("table"),
    failCells: cells("fail"), timeoutCells: cells("timeout"), notRunCells: cells("notrun") };
})()`;

describe.skipIf(!CHROMIUM)("report.html in headless Chromium", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-report-browser-"));
  const shots = process.env.CDVM_REPORT_SCREENSHOTS ?? path.join(work, "screenshots");
  let page: PageReport;
  const problems: string[] = [];
  let html = "";
  let screenshot = Buffer.alloc(0);

  beforeAll(async () => {
    const fixture = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Results;
    const real = path.join(work, "real.json");
    fs.writeFileSync(real, JSON.stringify(realSuiteVariant(fixture)));
    writeReport([FIXTURE, real], path.join(work, "report"));
    const file = path.join(work, "report/report.html");
    html = fs.readFileSync(file, "utf8");

    const cdp = new Cdp(CHROMIUM!, path.join(work, "profile"));
    try {
      const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
      const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
      const s = (method: string, params: object = {}) => cdp.send(method, params, sessionId);
      cdp.on((m) => {
        if (m.sessionId !== sessionId) return;
        if (m.method === "Runtime.consoleAPICalled" && (m.params.type === "error" || m.params.type === "warning" || m.params.type === "assert")) problems.push(`console.${m.params.type}: ${m.params.args.map((a: { value?: unknown; description?: string }) => a.value ?? a.description).join(" ")}`);
        if (m.method === "Runtime.exceptionThrown") problems.push(`exception: ${m.params.exceptionDetails.text} ${m.params.exceptionDetails.exception?.description ?? ""}`);
        if (m.method === "Log.entryAdded" && (m.params.entry.level === "error" || m.params.entry.level === "warning")) problems.push(`log ${m.params.entry.level} (${m.params.entry.source}): ${m.params.entry.text} ${m.params.entry.url ?? ""}`);
        if (m.method === "Network.loadingFailed") problems.push(`request failed: ${m.params.errorText}`);
      });
      await Promise.all([s("Page.enable"), s("Runtime.enable"), s("Log.enable"), s("Network.enable")]);
      await s("Emulation.setDeviceMetricsOverride", { width: WIDTH, height: 900, deviceScaleFactor: 1, mobile: false });
      const loaded = cdp.waitFor("Page.loadEventFired");
      await s("Page.navigate", { url: pathToFileURL(file).href });
      await loaded;
      const r = await s("Runtime.evaluate", { expression: PROBE, returnByValue: true });
      page = r.result.value as PageReport;
      const shot = await s("Page.captureScreenshot", { format: "png", captureBeyondViewport: true, clip: { x: 0, y: 0, width: WIDTH, height: page.height, scale: 1 } });
      screenshot = Buffer.from(shot.data, "base64");
      fs.mkdirSync(shots, { recursive: true });
      fs.writeFileSync(path.join(shots, "report-1280.png"), screenshot);
      // The page in screen-sized parts too, for a person to look at (a full page is too tall to view at 100 %).
      for (let y = 0, i = 1; y < page.height; y += 1400, i++) {
        const part = await s("Page.captureScreenshot", { format: "png", captureBeyondViewport: true, clip: { x: 0, y, width: WIDTH, height: Math.min(1400, page.height - y), scale: 1 } });
        fs.writeFileSync(path.join(shots, `report-1280-part${i}.png`), Buffer.from(part.data, "base64"));
      }
      console.log(`report-browser: report in ${path.join(work, "report")}, screenshot ${path.join(shots, "report-1280.png")} (${WIDTH}x${page.height})`);
    } finally {
      await cdp.close();
    }
  }, 90_000);

  afterAll(() => {
    if (!process.env.CDVM_REPORT_KEEP) fs.rmSync(work, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it("is self-contained: no scripts, no external references", () => {
    const found = (re: RegExp) => html.match(re)?.[0] ?? null;
    expect(found(/<script|<link|<img|<iframe|<object|<embed|@import|url\(/i)).toBeNull();
    expect(found(/\b(?:src|href)\s*=\s*["']?[^"'\s>]*/i)).toBeNull();
    expect(found(/https?:\/\/(?!www\.w3\.org\/2000\/svg")[^"'\s<]*/i)).toBeNull();
  });

  it("loads with no console errors, exceptions or failed requests", () => {
    expect(problems).toEqual([]);
  });

  it("opens with the headline, showing FAIL, timeout and not run as such", () => {
    expect(page.headlineFirst).toBe(true);
    expect(page.failCells).toBeGreaterThan(0);
    expect(page.timeoutCells).toBeGreaterThan(0);
    expect(page.notRunCells).toBeGreaterThan(0);
  });

  it("renders every chart as one non-empty SVG with data marks", () => {
    const names = page.charts.map((c) => c.name);
    for (const want of ["headline-kernels-small", "time-share-staged-small", "timeline-staged-small", "translation-cost-small", "headline-real-small", "timeline-bbt-real-small"]) expect(names).toContain(want);
    expect(new Set(names).size).toBe(names.length);
    expect((html.match(/<svg[\s>]/g) ?? []).length).toBe(page.charts.length);
    for (const c of page.charts) {
      expect(c.svgs, c.name).toBe(1);
      expect(c.width, c.name).toBeGreaterThan(100);
      expect(c.height, c.name).toBeGreaterThan(50);
      expect(c.shapes, c.name).toBeGreaterThanOrEqual(5);
      expect(c.marks, c.name).toBeGreaterThan(0);
      expect(c.overflowsPage, c.name).toBe(false);
    }
  });

  it(`fits ${WIDTH} px without horizontal overflow, and the screenshot is a real image`, () => {
    expect(page.clientWidth).toBe(WIDTH);
    expect(page.scrollWidth).toBeLessThanOrEqual(WIDTH);
    expect(screenshot.subarray(1, 4).toString()).toBe("PNG");
    expect(screenshot.readUInt32BE(16)).toBe(WIDTH);
    expect(screenshot.length).toBeGreaterThan(50_000);
  });

  it("prints the same headline as text for `cdvm bench`", () => {
    const fixture = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as Results;
    const text = headlineTable([fixture, realSuiteVariant(fixture)]);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^\| suite +\| size +\| configuration/);
    const row = (suite: string, config: string) => lines.find((l) => new RegExp(`^\\| ${suite} +\\| small +\\| ${config} +\\|`).test(l)) ?? "";
    expect(row("kernels", "bbt")).toMatch(/2\/5 verified, 3 timeout/);
    expect(row("kernels", "staged")).toMatch(/4\/5 verified, 1 FAIL/);
    expect(row("real", "qemu")).toMatch(/\| not run +\| +not run \| +not run \| +not run \|$/);
    expect(row("real", "staged")).toMatch(/\| +not run \|/);
    expect(row("kernels", "interp")).toMatch(/\| +1× \|$/);
  });
});
