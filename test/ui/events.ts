/** A small run's events, shared by the UI tests. */
import type { ExecutorEvent, JobSummary } from "../../src/runtime/executor-events.js";

export const jobs: JobSummary[] = [
  { id: "d1-r1", kind: "dense", label: "dense lenet pgd(linf,0.1,2) rep 1", epochs: 4, state: "waiting" },
  { id: "m1-r1", kind: "mask", label: "mask magnitude 51.2% rep 1", epochs: 0, state: "waiting" },
  { id: "s1-r1", kind: "sparse", label: "sparse magnitude 51.2% rep 1", epochs: 2, state: "waiting" },
  { id: "d0-r1", kind: "dense", label: "dense lenet clean rep 1", epochs: 4, state: "done" },
];

export const planEvent: ExecutorEvent = { type: "plan", jobs, workers: 2, backend: "wasm" };

export const metrics = (epoch: number, clean: number, adv: number) => [
  { epoch, adversary: "clean", accuracy: clean, loss: 0.4 },
  { epoch, adversary: "pgd(linf,0.1,2)", accuracy: adv, loss: 1.1 },
];

/** Events up to the dense job half-way through its second epoch. */
export const runningEvents: ExecutorEvent[] = [
  planEvent,
  { type: "job-start", jobId: "d1-r1", worker: 1 },
  {
    type: "job-progress",
    event: { type: "start", jobId: "d1-r1", epochs: 4, batchesPerEpoch: 10, resumedFrom: null },
  },
  {
    type: "job-progress",
    event: { type: "batch", jobId: "d1-r1", epoch: 1, batch: 5, batches: 10, imagesPerSec: 400, loss: 1.2 },
  },
  { type: "job-progress", event: { type: "epoch", jobId: "d1-r1", epoch: 1, metrics: metrics(1, 0.8, 0.55) } },
  {
    type: "job-progress",
    event: { type: "batch", jobId: "d1-r1", epoch: 2, batch: 5, batches: 10, imagesPerSec: 420, loss: 0.9 },
  },
];

export const finishedEvents: ExecutorEvent[] = [
  ...runningEvents,
  {
    type: "job-end",
    jobId: "d1-r1",
    outcome: { status: "done", metrics: metrics(4, 0.9, 0.612), achievedDensity: null, seconds: 75 },
  },
  { type: "job-start", jobId: "m1-r1", worker: 2 },
  { type: "job-end", jobId: "m1-r1", outcome: { status: "failed", reason: "mask source missing" } },
  {
    type: "finish",
    counts: { waiting: 1, running: 0, done: 2, failed: 1, interrupted: 0 },
    seconds: 125,
  },
];
