/**
 * Sizing a cluster request before submitting: GPU-hours of a plan and the wall
 * time it needs on N GPUs, from the plan's cost estimates (image passes, see
 * cost.ts) and a measured throughput. Pure: no I/O.
 *
 * A job may start as soon as the artifacts in its `needs` exist, as under the
 * executor: a checkpoint at epoch r of a dense run of E epochs exists r/E of the
 * way through that run (dense runs are submitted in parts for exactly that).
 */

import type { Job, WeightsRef } from "../core/plan-types.js";
import { timeInEpochs } from "./cost.js";

export interface ScheduleEstimate {
  gpus: number;
  /** Sum of all jobs' GPU time, in hours. */
  gpuHours: number;
  /** The longest chain through the DAG (the wall time with unlimited GPUs), in hours. */
  criticalPathHours: number;
  /** No schedule on `gpus` GPUs can be shorter: max(critical path, GPU-hours / gpus). */
  lowerBoundHours: number;
  /**
   * Wall time of a greedy schedule on `gpus` GPUs that starts ready jobs longest
   * critical path first (what the local executor does, and Slurm's --nice asks for).
   */
  scheduleHours: number;
}

/** The fraction of its dependency's run after which a ref's artifact exists (1 for final weights and masks). */
function artifactFraction(ref: WeightsRef, byId: ReadonlyMap<string, Job>): number {
  const dep = byId.get(ref.job);
  if (ref.at === "final" || dep === undefined || dep.kind !== "dense") return 1;
  const epochs = dep.config.schedule.epochs;
  return epochs > 0 ? Math.min(1, timeInEpochs(ref.at, dep.config) / epochs) : 1;
}

/**
 * @param jobs a plan's jobs, topologically sorted (as buildPlan returns them)
 * @param imagesPerSecond forward+backward image passes one GPU performs per second (> 0)
 * @param gpus GPUs available at once (≥ 1), one job per GPU
 */
export function estimateSchedule(jobs: readonly Job[], imagesPerSecond: number, gpus: number): ScheduleEstimate {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const seconds = new Map(jobs.map((j) => [j.id, j.cost.imagePasses / imagesPerSecond]));
  const total = jobs.reduce((sum, j) => sum + seconds.get(j.id)!, 0);

  // Earliest start with unlimited GPUs.
  const start = new Map<string, number>();
  let criticalPath = 0;
  for (const job of jobs) {
    let ready = 0;
    for (const ref of job.needs) {
      const s = start.get(ref.job) ?? 0;
      ready = Math.max(ready, s + artifactFraction(ref, byId) * (seconds.get(ref.job) ?? 0));
    }
    start.set(job.id, ready);
    criticalPath = Math.max(criticalPath, ready + seconds.get(job.id)!);
  }

  // Each job's remaining chain: its own time plus the longest chain that waits for it.
  const tail = new Map<string, number>();
  for (let i = jobs.length - 1; i >= 0; i--) {
    const job = jobs[i];
    const after = jobs.filter((j) => j.dependsOn.includes(job.id)).map((j) => tail.get(j.id) ?? 0);
    tail.set(job.id, seconds.get(job.id)! + Math.max(0, ...after));
  }

  return {
    gpus,
    gpuHours: total / 3600,
    criticalPathHours: criticalPath / 3600,
    lowerBoundHours: Math.max(criticalPath, total / gpus) / 3600,
    scheduleHours: listSchedule(jobs, byId, seconds, tail, gpus) / 3600,
  };
}

/** Event simulation of the greedy schedule; returns its makespan in seconds. */
function listSchedule(
  jobs: readonly Job[],
  byId: ReadonlyMap<string, Job>,
  seconds: ReadonlyMap<string, number>,
  tail: ReadonlyMap<string, number>,
  gpus: number,
): number {
  const started = new Map<string, number>();
  const finishes: number[] = [];
  const pending = [...jobs].sort((a, b) => tail.get(b.id)! - tail.get(a.id)!);
  let now = 0;
  let makespan = 0;
  const available = (ref: WeightsRef): number | null => {
    const s = started.get(ref.job);
    return s === undefined ? null : s + artifactFraction(ref, byId) * (seconds.get(ref.job) ?? 0);
  };
  while (pending.length > 0) {
    for (let i = 0; i < pending.length && finishes.filter((f) => f > now).length < gpus; ) {
      const job = pending[i];
      const ready = job.needs.every((ref) => {
        const at = available(ref);
        return at !== null && at <= now;
      });
      if (!ready) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      started.set(job.id, now);
      const end = now + seconds.get(job.id)!;
      finishes.push(end);
      makespan = Math.max(makespan, end);
    }
    if (pending.length === 0) break;
    // Next moment something changes: a GPU frees up or an artifact appears.
    const artifacts = pending.flatMap((j) => j.needs.map(available)).filter((t): t is number => t !== null && t > now);
    const next = Math.min(...finishes.filter((f) => f > now), ...artifacts);
    if (!Number.isFinite(next)) throw new Error("schedule estimate: a job's needs are never produced");
    now = next;
  }
  return makespan;
}
