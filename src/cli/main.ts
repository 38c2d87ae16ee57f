/**
 * The cdvm command line: one subcommand per job (run, disasm). Options are
 * described here once; commander prints the help from them.
 */
import { Command, Option } from "commander";
import { runCommand } from "./run.ts";
import { disasmCommand } from "./disasm.ts";
import { BadElf } from "../linux/elf.ts";
import { EXIT_NOEXEC, EXIT_USAGE, EXIT_VMM } from "../vmm/status.ts";

const collect = (v: string, acc: string[]) => [...acc, v];
const program = new Command("cdvm")
  .description("a co-designed virtual machine: IA-32 Linux programs on a WebAssembly host")
  .enablePositionalOptions()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE));

program
  .command("run")
  .description("run a statically linked i386 Linux program")
  .argument("<program>", "ELF executable (host path)")
  .argument("[args...]", "guest arguments")
  .passThroughOptions()
  .addOption(new Option("--mode <mode>", "execution mode").default("interp"))
  .option("--stats", "print instructions retired, wall time and MIPS to stderr")
  .option("--stats-json <file>", "write the run's statistics as JSON")
  .option("--max-insns <n>", "stop the guest after n instructions")
  .option("--root <dir>", "host directory the guest sees as /", "/")
  .option("--strace", "trace each syscall to stderr")
  .option("--strict", "stop at the first unimplemented syscall")
  .option("-E, --env <VAR=VAL>", "set a guest environment variable (repeatable)", collect, [])
  .option("--clear-env", "start the guest with an empty environment")
  .option("--argv0 <name>", "guest argv[0] (default: the program path)")
  .action((prog: string, args: string[], opts) => {
    process.exitCode = runCommand(prog, args, opts);
  });

program
  .command("disasm")
  .description("disassemble an i386 ELF in Intel syntax")
  .argument("<elf>", "ELF executable")
  .option("--from <addr>", "start address (default: the entry point)")
  .option("--count <n>", "number of instructions", "32")
  .action((file: string, opts: { from?: string; count: string }) => {
    try {
      process.stdout.write(disasmCommand(file, opts.from, Number(opts.count)).join("\n") + "\n");
    } catch (e) {
      process.stderr.write(`cdvm: ${file}: ${e instanceof Error ? e.message : e}\n`);
      process.exitCode = e instanceof BadElf ? EXIT_NOEXEC : EXIT_USAGE;
    }
  });

try {
  program.parse();
} catch (e) {
  process.stderr.write(`cdvm: internal error: ${e instanceof Error ? e.message : e}\n`);
  process.exitCode = EXIT_VMM;
}
