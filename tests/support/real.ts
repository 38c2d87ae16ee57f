/**
 * The real-software suite's Debian packages for the tests that run them
 * (bench-real, dynamic): fetched once by bench/real/fetch.sh; when they
 * cannot be had (no apt, no network, a pinned version no longer served) the
 * tests say why and skip.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./guest.ts";

export const REAL = path.join(ROOT, "bench/real");

/** Fetches the packages; the reason they cannot be had, or undefined. */
export function fetchReal(): string | undefined {
  if (process.env.CDVM_SKIP_REAL === "1") return "CDVM_SKIP_REAL=1";
  for (const tool of ["apt-get", "dpkg-deb"]) if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `${tool} is not available`;
  const r = spawnSync("bash", [path.join(REAL, "fetch.sh")], { encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) return (r.stderr || r.error?.message || `status ${r.status}`).trim().split("\n").pop();
  return undefined;
}

/** The fetched sysroot (after fetchReal). */
export function realSysroot(): string {
  return path.join(spawnSync("bash", [path.join(REAL, "fetch.sh"), "--print-dir"], { encoding: "utf8" }).stdout.trim(), "sysroot");
}
