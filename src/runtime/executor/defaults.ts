import { availableParallelism, totalmem } from "node:os";

/** A wasm worker can grow to its 4 GiB cap; ResNet-20 at batch 128 peaks near 2 GiB. */
const BYTES_PER_CPU_WORKER = 2 * 1024 ** 3;

/** Backends that train on one core per process, so that parallel jobs need parallel processes. */
const SINGLE_THREADED = new Set(["wasm", "cpu"]);

/**
 * Jobs to run at once: one per core (capped by memory) for the single-threaded
 * backends; one for native backends, which use every core or the GPU themselves.
 */
export function defaultJobs(backend: string, cores = availableParallelism(), memory = totalmem()): number {
  if (!SINGLE_THREADED.has(backend)) return 1;
  return Math.max(1, Math.min(cores, Math.floor(memory / BYTES_PER_CPU_WORKER)));
}
