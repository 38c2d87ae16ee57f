/** Describes the host a benchmark run was measured on, for results.json and every report table. */
import * as fs from "node:fs";
import * as os from "node:os";
import { spawnSync } from "node:child_process";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  kernel: string;
  arch: string;
  hostname: string;
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  let model = cpus[0]?.model?.trim() ?? "";
  if (!model) {
    try {
      model = /model name\s*:\s*(.*)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
    } catch { model = "unknown"; }
  }
  return {
    cpuModel: model,
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()}`,
    kernel: os.version(),
    arch: os.arch(),
    hostname: os.hostname(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function gitCommit(dir: string): { commit: string; dirty: boolean } {
  const r = spawnSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) return { commit: "unknown", dirty: false };
  const s = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: dir, encoding: "utf8" });
  return { commit: r.stdout.trim(), dirty: s.status === 0 && s.stdout.trim() !== "" };
}

export function toolVersion(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split("\n")[0].trim();
}
