import { defineConfig } from "vitest/config";

/**
 * The engine tests (gradients, PGD, masks, determinism, leaks, learning, checkpoints):
 * the project "default" runs them on each file's own backend (the cpu reference or
 * wasm), "wasm" reruns on wasm those whose own backend is cpu, and "native" reruns
 * all of them on libtensorflow (skipped unless `lthc setup native` was run, a failure
 * when LTHC_REQUIRE names native). LTHC_TEST_BACKEND tells test/helpers/engine.ts which
 * backend to use. Each test file runs in its own process, so backends never share one.
 */
const ON_CPU = [
  "test/backend/batch-norm.test.ts",
  "test/backend/relu.test.ts",
  "test/backend/conv-bn.test.ts",
  "test/attack/pgd.test.ts",
  "test/train/train-step.test.ts",
  "test/checkpoint/checkpoint.test.ts",
];
const ON_WASM = [
  "test/backend/wasm-kernels.test.ts",
  "test/backend/wasm-train-leak.test.ts",
  "test/train/learning.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts", "test/**/*.test.tsx"] } },
      { extends: true, test: { name: "wasm", include: ON_CPU, env: { LTHC_TEST_BACKEND: "wasm" } } },
      { extends: true, test: { name: "native", include: [...ON_CPU, ...ON_WASM], env: { LTHC_TEST_BACKEND: "node" } } },
    ],
  },
});
