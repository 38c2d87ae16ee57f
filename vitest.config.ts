// Test runner settings: guest tests spawn cdvm processes, so keep parallelism at the machine's two cores.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    maxConcurrency: 2,
    fileParallelism: true,
    maxWorkers: 2,
    testTimeout: 120_000,
  },
});
