// Test runner settings: guest tests spawn cdvm processes, so keep parallelism at the machine's two cores.
// The cdvm processes tests start use a persistent translation cache of the test run's own (CDVM_TCACHE),
// made afresh here, so what earlier runs left in the user's cache never changes what a test sees.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { defineConfig } from "vitest/config";

const TCACHE = fs.mkdtempSync(path.join(os.tmpdir(), "cdvm-tests-tcache-"));
process.on("exit", () => fs.rmSync(TCACHE, { recursive: true, force: true }));

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    maxConcurrency: 2,
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 120_000,
    env: { CDVM_TCACHE: TCACHE },
  },
});
