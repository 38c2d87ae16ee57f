/**
 * How a command-line problem ends a subcommand: a usage error, or a program
 * file cdvm cannot run, becomes one `cdvm:` line on stderr and its status
 * (core/status.ts); anything else is not the user's doing and is rethrown.
 */
import { BadElf, MissingInterpreter } from "../linux/elf.ts";
import { EXIT_NOEXEC, EXIT_NOTFOUND, EXIT_USAGE, UsageError } from "../core/status.ts";

/** The status for e after reporting it, or undefined when e is not a usage or program-file problem. */
export function reportProblem(e: unknown, file: string): number | undefined {
  if (e instanceof BadElf) {
    process.stderr.write(`cdvm: ${file}: ${e.message}\n`);
    return EXIT_NOEXEC;
  }
  if (e instanceof MissingInterpreter) {
    process.stderr.write(`cdvm: ${file}: ${e.message}\n`);
    return EXIT_NOTFOUND;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`cdvm: ${e.message}\n`);
    return EXIT_USAGE;
  }
  return undefined;
}
