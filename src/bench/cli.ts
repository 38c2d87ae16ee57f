/** The `cdvm bench` and `cdvm report` subcommands: usage errors become status 2, other failures a `cdvm:` line. */
import { EXIT_USAGE, UsageError } from "../core/status.ts";
import { runBench, type BenchOptions } from "./harness.ts";
import { writeReport } from "./report.ts";

export function benchCommand(o: BenchOptions): number {
  try {
    return runBench(o);
  } catch (e) {
    process.stderr.write(`cdvm: bench: ${(e as Error).message}\n`);
    return e instanceof UsageError ? EXIT_USAGE : 1;
  }
}

export function reportCommand(files: string[], out: string): number {
  try {
    const written = writeReport(files, out);
    process.stderr.write(`cdvm report: wrote ${written.join(", ")}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`cdvm: report: ${(e as Error).message}\n`);
    return 1;
  }
}
