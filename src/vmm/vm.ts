/**
 * Assembles one guest run: the Linux process (memory, CPU, ELF image,
 * stack), the interpreter bound to it, and the statistics of the run.
 * The CLI and the tests both start guests through here.
 */
import { Process, type ProcessOptions } from "../linux/process.ts";
import { Machine } from "../interp/machine.ts";
import { Interpreter } from "../interp/interpreter.ts";
import { dispatch } from "./dispatcher.ts";

export const MODES = ["interp"] as const;
export type Mode = (typeof MODES)[number];

export interface RunOptions extends ProcessOptions {
  mode?: Mode;
  maxInsns?: number;
}

export interface RunStats {
  mode: Mode;
  status: number;
  guestInstructions: number;
  wallSeconds: number;
  mips: number;
  blocksDecoded: number;
  codeInvalidations: number;
}

export function runGuest(bytes: Uint8Array, argv: string[], env: string[], opts: RunOptions = {}): RunStats {
  const t0 = process.hrtime.bigint();
  const proc = Process.create(bytes, argv, env, opts);
  const m = new Machine(proc.cpu, proc.mem);
  m.host = proc;
  const interp = new Interpreter(m);
  const report = opts.stderr ?? ((line: string) => process.stderr.write(line + "\n"));
  const status = dispatch(interp, { maxInsns: opts.maxInsns, report });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    mode: opts.mode ?? "interp",
    status,
    guestInstructions: interp.retired,
    wallSeconds,
    mips: interp.retired / wallSeconds / 1e6,
    blocksDecoded: interp.blocksDecoded,
    codeInvalidations: interp.invalidations,
  };
}
