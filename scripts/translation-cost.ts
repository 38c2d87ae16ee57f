/**
 * `node scripts/translation-cost.mjs FILE.tc [REPS]` (this file, bundled)
 *
 * The translator's cost without a guest: replays every region of a
 * persistent translation cache file (the blocks' stored code bytes, as a
 * request carries them) through the worker's stages — decode, lift, IR
 * passes (all), emit, compile — REPS times (default 5), and prints per
 * repetition the microseconds per guest instruction of each stage and the
 * WebAssembly bytes per instruction. The first repetition runs on cold
 * JavaScript, as a short guest's translations do; later ones show the
 * steady state (their compile times are low: V8 caches a module whose bytes
 * it has compiled before). Jump tables are not stored, so switch regions
 * link less than in the run that wrote the file. For profiling: `node
 * --cpu-prof scripts/translation-cost.mjs ...`. A file comes from any run,
 * e.g. `cdvm run --tcache DIR ...`: the .tc file in DIR. The last line is a
 * SHA-256 of every module's bytes, so a change meant only to make the
 * emitter faster can be checked to write the same modules.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { compileBlocks } from "../src/translate/backend.ts";
import { PASSES } from "../src/translate/passes/index.ts";
import { decodeCode, liftFormed } from "../src/translate/pipeline.ts";
import { decode } from "../src/translate/tcache.ts";

const [file, repsArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/translation-cost.mjs FILE.tc [REPS]");
  process.exit(2);
}
const requests = decode(fs.readFileSync(file)).map((m) => m.regions);
const digest = crypto.createHash("sha256");
for (let rep = 0; rep < Number(repsArg ?? 5); rep++) {
  const ms = { decode: 0, lift: 0, passes: 0, emit: 0, compile: 0 };
  let insns = 0, bytes = 0;
  for (const regions of requests) {
    const t0 = performance.now();
    const formed = regions.map((r) => r.map((b) => ({ insns: decodeCode(b.start, b.code) })));
    ms.decode += performance.now() - t0;
    const lifted = formed.map((blocks) => {
      const r = liftFormed(blocks, { passes: PASSES, x87Model: "f80" });
      ms.lift += r.ms.lift;
      ms.passes += r.ms.passes;
      insns += r.blocks.reduce((n, b) => n + b.insns.length, 0);
      return r.blocks.map((b) => b.block);
    });
    const c = compileBlocks(lifted.filter((r) => r.length), { optLevel: 0, keepBinary: rep === 0 });
    if (c.binary) digest.update(c.binary);
    ms.emit += c.emitMs;
    ms.compile += c.compileMs;
    bytes += c.bytes;
  }
  const us = (v: number) => ((v * 1000) / insns).toFixed(2);
  const total = Object.values(ms).reduce((a, b) => a + b, 0);
  console.log(`rep ${rep}: ${requests.length} modules, ${insns} guest insns, ${(bytes / insns).toFixed(0)} B/insn; us/insn: ` +
    `${Object.entries(ms).map(([k, v]) => `${k} ${us(v)}`).join(", ")}; total ${us(total)}`);
}
console.log(`modules' SHA-256: ${digest.digest("hex")}`);
