/**
 * The cdvm command line: one subcommand per job (run, disasm). Options are
 * described here once; commander prints the help from them.
 */
import { Command, Option } from "commander";
import { runCommand } from "./run.ts";
import { PASSES } from "../translate/passes/index.ts";
import { BBT_REGION_BLOCKS, DEFAULT_BINARYEN_OPT, DEFAULT_CODE_CACHE, DEFAULT_THRESHOLD, DEFAULT_TRANSLATOR_NICE, MAX_REGION_BLOCKS, STAGED_REGION_BLOCKS } from "../vmm/vm.ts";
import { disasmMain } from "./disasm.ts";
import { DEFAULT_X87_MODEL } from "../interp/x87-model.ts";
import { EXIT_USAGE, EXIT_VMM } from "../core/status.ts";
import { benchCommand, reportCommand } from "../bench/cli.ts";
import { DEFAULT_TCACHE_SIZE, defaultTCacheDir } from "../translate/tcache.ts";
import { cacheCommand } from "./cache.ts";

const collect = (v: string, acc: string[]) => [...acc, v];
const program = new Command("cdvm")
  .description("a co-designed virtual machine: IA-32 Linux programs on a WebAssembly host")
  .enablePositionalOptions()
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : EXIT_USAGE));

program
  .command("run")
  .description("run an i386 Linux program (a dynamic one with its interpreter, found inside --root)")
  .argument("<program>", "ELF executable (host path)")
  .argument("[args...]", "guest arguments")
  .passThroughOptions()
  .addOption(new Option("--mode <mode>", "execution mode: interp, bbt (translate every block) or staged (interpret, translate hot blocks)").default("staged"))
  .addOption(new Option("--x87 <model>", "x87 precision model: f80 (exact 80-bit extended, as native) or f64 (IEEE double, faster)").default(DEFAULT_X87_MODEL))
  .option("--stats", "print instructions retired, wall time and MIPS to stderr")
  .option("--stats-json <file>", "write the run's statistics as JSON")
  .option("--max-insns <n>", "stop the guest after n instructions")
  .option("--timeout <seconds>", "wall-clock limit: the guest dies by SIGXCPU when it is reached")
  .option("--max-memory <bytes>", "RLIMIT_AS: guest mappings beyond this many bytes fail with ENOMEM")
  .option("--root <dir>", "host directory the guest sees as /", "/")
  .option("--strace", "trace each syscall to stderr")
  .option("--strict", "stop at the first unimplemented syscall")
  .option("--warn", "print the VMM's notes (unimplemented syscalls, approximations) to stderr (--stats and --strace do too)")
  .option("-E, --env <VAR=VAL>", "set a guest environment variable (repeatable)", collect, [])
  .option("--clear-env", "start the guest with an empty environment")
  .option("--argv0 <name>", "guest argv[0] (default: the program path)")
  .option("--bbt-threshold <n>", `staged mode: block entries before a block is translated (default ${DEFAULT_THRESHOLD})`)
  .option("--passes <list>", "IR passes to run, comma-separated (default: all but the opt-in ones; see cdvm passes)")
  .option("--disable-pass <name>", "do not run this IR pass (repeatable)", collect, [])
  .option("--binaryen-opt <0-4>", `Binaryen optimize level for translations (default ${DEFAULT_BINARYEN_OPT})`)
  .option("--binaryen-passes <list>", "explicit Binaryen passes instead of an optimize level")
  .option("--code-cache-size <bytes>", `translation cache budget; flushed whole when full (default ${DEFAULT_CODE_CACHE})`)
  .option("--translator-nice <0-19>", `run translation's threads this much below the guest's, Linux nice steps (default ${DEFAULT_TRANSLATOR_NICE})`)
  .option("--region-blocks <n>", `blocks a translated region takes at most, 1-${MAX_REGION_BLOCKS} (default ${STAGED_REGION_BLOCKS} staged, ${BBT_REGION_BLOCKS} bbt)`)
  .option("--dump-translations <dir>", "write guest code, IR after each pass and WebAssembly text per translation (no --tcache then)")
  .option("--tcache <dir>", `persistent translation cache directory (default ${defaultTCacheDir()})`)
  .option("--no-tcache", "neither use nor write the persistent translation cache")
  .option("--tcache-size <bytes>", `persistent translation cache's size cap (default ${DEFAULT_TCACHE_SIZE})`)
  .action((prog: string, args: string[], opts) => {
    process.exitCode = runCommand(prog, args, opts);
  });

program
  .command("cache")
  .description("show the persistent translation cache's size, or clear it")
  .option("--tcache <dir>", "the cache directory", defaultTCacheDir())
  .option("--clear", "remove every cached translation")
  .action((opts: { tcache: string; clear?: boolean }) => {
    process.exitCode = cacheCommand(opts.tcache, !!opts.clear);
  });

program
  .command("passes")
  .description("list the translator's IR passes")
  .action(() => {
    for (const p of PASSES) process.stdout.write(`${p.name.padEnd(16)} ${p.description}${p.optIn ? " (opt-in: name it in --passes)" : ""}\n`);
  });

program
  .command("disasm")
  .description("disassemble an i386 ELF in Intel syntax")
  .argument("<elf>", "ELF executable")
  .option("--from <addr>", "start address (default: the entry point)")
  .option("--count <n>", "number of instructions", "32")
  .action((file: string, opts: { from?: string; count: string }) => {
    process.exitCode = disasmMain(file, opts.from, opts.count);
  });

program
  .command("bench")
  .description("run benchmark suites under several configurations; write results.json and results.csv")
  .option("--suite <suite>", "kernels (bench/suite.json), real (Debian programs, bench/real/suite.json; fetched when missing), all, or a manifest path", "kernels")
  .option("--only <list>", "comma-separated benchmark names")
  .option("--configs <list>", "comma-separated configurations or presets (default, ablation, thresholds); see README", "default")
  .option("--runs <n>", "runs per benchmark and configuration", "1")
  .option("--size <size>", "input size: small or ref", "small")
  .option("--out <dir>", "output directory (default out/bench/<time>)")
  .option("--timeout <seconds>", "kill a run after this many seconds (it counts as a timeout, not a failure)", "1800")
  .option("--startup <benchmark>", "also run this benchmark cut short at several --max-insns values (startup curve)")
  .option("--qemu <path>", "qemu-i386 binary (default: found in /usr/bin)")
  .action((opts) => {
    process.exitCode = benchCommand(opts);
  });

program
  .command("report")
  .description("write report.md and report.html (SVG charts) from results.json files")
  .argument("<results...>", "results.json files from cdvm bench")
  .option("--out <dir>", "output directory", ".")
  .action((files: string[], opts: { out: string }) => {
    process.exitCode = reportCommand(files, opts.out);
  });

try {
  await program.parseAsync();
} catch (e) {
  process.stderr.write(`cdvm: internal error: ${e instanceof Error ? e.message : e}\n`);
  process.exitCode = EXIT_VMM;
}
