import { availableParallelism, totalmem } from "node:os";

/** A wasm worker can grow to its 4 GiB cap; ResNet-20 at batch 128 peaks near 2 GiB. */
const BYTES_PER_CPU_WORKER = 2 * 1024 ** 3;

/**
 * Backends whose sweeps run fastest with one worker process per core: wasm and cpu
 * train on one thread; for the native CPU backend ("node"), two processes with
 * libtensorflow's default threads beat one process using both cores by about 1.4× on
 * a sweep of small jobs (docs/performance.md), since small ops leave its thread pool idle.
 */
const PER_CORE = new Set(["wasm", "cpu", "node"]);

/**
 * Jobs to run at once: one per core (capped by memory) for the CPU backends; one
 * for a GPU (lthc run --gpus starts one per GPU instead) and anything unknown.
 */
export function defaultJobs(backend: string, cores = availableParallelism(), memory = totalmem()): number {
  if (!PER_CORE.has(backend)) return 1;
  return Math.max(1, Math.min(cores, Math.floor(memory / BYTES_PER_CPU_WORKER)));
}
