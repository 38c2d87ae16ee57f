/**
 * Shared by the guest-level tests: reads a cases.json manifest, runs one case
 * under `bin/cdvm run` exactly as guest-tests/run-cases.sh runs it natively
 * (same argv[0], exact environment, stdin file, fresh temporary cwd), and
 * compares stdout and status with the native golden, with the flags each
 * instruction leaves undefined masked out of instruction-test lines.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { undefinedFlags } from "../../src/isa/table.ts";

export const ROOT = path.resolve(import.meta.dirname, "../..");
export const GUEST_TESTS = path.join(ROOT, "guest-tests");
const CDVM = path.join(ROOT, "bin/cdvm");

export interface GuestCase {
  name: string;
  bin?: string;
  args: string[];
  stdin?: string;
  env?: Record<string, string>;
  cwd?: "tmp" | "guest-tests";
}

export interface GuestResult { stdout: Buffer; stderr: string; status: number; }

export function readCases(manifest: string): GuestCase[] {
  return JSON.parse(fs.readFileSync(manifest, "utf8"));
}

/** Runs `cdvm run` on program with argv[0] = argv0 as the case says; extra are cdvm options (e.g. --mode). */
export function runCase(program: string, argv0: string, c: GuestCase, extra: string[] = []): Promise<GuestResult> {
  const cwd = c.cwd === "guest-tests" ? GUEST_TESTS : fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-case-"));
  const envArgs = Object.entries(c.env ?? {}).flatMap(([k, v]) => ["-E", `${k}=${v}`]);
  const args = [CDVM, "run", ...extra, "--clear-env", ...envArgs, "--argv0", argv0, program, ...c.args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (c.cwd !== "guest-tests") fs.rmSync(cwd, { recursive: true, force: true });
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString(), status: code ?? 128 + (signal ? os.constants.signals[signal] : 0) });
    });
    child.stdin.on("error", () => {});
    if (c.stdin) child.stdin.end(fs.readFileSync(path.join(GUEST_TESTS, c.stdin)));
    else child.stdin.end();
  });
}

export function golden(dir: string, name: string): { stdout: Buffer; status: number } {
  return {
    stdout: fs.readFileSync(path.join(dir, `${name}.out`)),
    status: Number(fs.readFileSync(path.join(dir, `${name}.status`), "utf8").trim()),
  };
}

const INSN_LINE = /^([a-z0-9]+) (8|16|32) (.*) flags=([0-9a-f]+)$/;

/** Masks, in instruction-test lines, the flags the ISA description says the mnemonic leaves undefined. */
export function maskUndefinedFlags(text: string): string {
  return text.split("\n").map((line) => {
    const m = INSN_LINE.exec(line);
    if (!m) return line;
    const flags = parseInt(m[4], 16) & ~undefinedFlags(m[1]);
    return `${m[1]} ${m[2]} ${m[3]} flags=${flags.toString(16)}`;
  }).join("\n");
}
