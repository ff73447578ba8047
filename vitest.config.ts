import { defineConfig } from "vitest/config";

/**
 * The engine tests (gradients, PGD, masks, determinism, leaks, learning, checkpoints):
 * the project "default" runs them on each file's own backend (the cpu reference or
 * wasm), the project "native" again on libtensorflow (LTHC_TEST_BACKEND=node; skipped
 * unless `lthc setup native` was run, a failure when LTHC_REQUIRE names native).
 * Each test file runs in its own process, so the two backends never share one.
 */
export const ENGINE_TESTS = [
  "test/backend/batch-norm.test.ts",
  "test/backend/wasm-kernels.test.ts",
  "test/backend/wasm-train-leak.test.ts",
  "test/attack/pgd.test.ts",
  "test/train/train-step.test.ts",
  "test/train/learning.test.ts",
  "test/checkpoint/checkpoint.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts", "test/**/*.test.tsx"] } },
      { extends: true, test: { name: "native", include: ENGINE_TESTS, env: { LTHC_TEST_BACKEND: "node" } } },
    ],
  },
});
