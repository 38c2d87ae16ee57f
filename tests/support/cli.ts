/**
 * Shared by the CLI tests (tests/cli-*.test.ts, tests/badelf-*.test.ts):
 * spawns `bin/cdvm` as a user would, collects stdout, stderr, status and wall
 * time, and builds tiny i386 guests from raw machine code.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "vitest";
import { buildElf, PF_R, PF_X, TEXT } from "../linux-minielf.ts";
import { ROOT } from "./guest.ts";

export { ROOT };
export const CDVM = path.join(ROOT, "bin/cdvm");
export const GUEST_BIN = path.join(ROOT, "guest-tests/bin");

export interface CliResult { stdout: Buffer; stderr: string; status: number; ms: number; }

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdin?: Buffer | string;
}

/** Runs `node bin/cdvm ...args`; a host signal shows as 128+N like a shell reports it. */
export function cdvm(args: string[], o: CliOptions = {}): Promise<CliResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CDVM, ...args], { cwd: o.cwd ?? ROOT, env: o.env ?? process.env, stdio: "pipe" });
    const out: Buffer[] = [], err: Buffer[] = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({
      stdout: Buffer.concat(out),
      stderr: Buffer.concat(err).toString(),
      status: code ?? 128 + (signal ? os.constants.signals[signal] : 0),
      ms: performance.now() - t0,
    }));
    child.stdin.on("error", () => {});
    child.stdin.end(o.stdin ?? "");
  });
}

/** Asserts stderr is exactly one newline-terminated line with no JavaScript stack trace; returns the line. */
export function oneLine(r: CliResult): string {
  expect(r.stderr, "a JavaScript stack trace leaked").not.toContain("    at ");
  expect(r.stderr.endsWith("\n"), `stderr: ${JSON.stringify(r.stderr)}`).toBe(true);
  const lines = r.stderr.slice(0, -1).split("\n");
  expect(lines, `stderr: ${JSON.stringify(r.stderr)}`).toHaveLength(1);
  return lines[0];
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Where guestElf puts the code (the entry point). */
export const CODE_ADDR = TEXT + 0x100;

/** A static i386 ET_EXEC whose one R+X segment holds the ELF headers and, at CODE_ADDR (the entry), code. */
export function guestElf(code: number[]): Uint8Array {
  const size = 0x100 + code.length;
  const header = buildElf({ segs: [{ vaddr: TEXT, offset: 0, flags: PF_R | PF_X, filesz: size, memsz: size }], entry: CODE_ADDR });
  const out = new Uint8Array(size);
  out.set(header);
  out.set(code, 0x100);
  return out;
}

export const hex8 = (v: number) => (v >>> 0).toString(16).padStart(8, "0");
