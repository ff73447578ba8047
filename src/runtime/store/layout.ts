/**
 * Where things live in a run store. Each job owns one directory named by its
 * content-hash id; a finished job is recognised by its result file, by any spec.
 *
 *   <store>/jobs/<id>/job.json       the Job from the plan (written before the first attempt)
 *   <store>/jobs/<id>/status.json    { state, attempts, updatedAt, reason? }
 *   <store>/jobs/<id>/metrics.json   EpochMetric[] so far (rewritten atomically every epoch by the runner)
 *   <store>/jobs/<id>/result.json    the "done" JobOutcome; present only when the job finished
 *   <store>/jobs/<id>/ckpt/          checkpoints, owned by the job runner
 *   <store>/jobs/<id>/mask.bin       a mask job's mask, owned by the job runner
 *   <store>/jobs/<id>/lock           held by the process working on the job
 *   <store>/jobs/<id>/slurm-jobs.json, slurm-<N>.out   Slurm submissions and output (runtime/slurm/record.ts)
 */
import { join } from "node:path";

export const DEFAULT_STORE = "lthc-runs";

export interface JobPaths {
  dir: string;
  job: string;
  status: string;
  metrics: string;
  result: string;
  checkpoints: string;
  mask: string;
  lock: string;
}

export function jobPaths(store: string, jobId: string): JobPaths {
  const dir = join(store, "jobs", jobId);
  return {
    dir,
    job: join(dir, "job.json"),
    status: join(dir, "status.json"),
    metrics: join(dir, "metrics.json"),
    result: join(dir, "result.json"),
    checkpoints: join(dir, "ckpt"),
    mask: join(dir, "mask.bin"),
    lock: join(dir, "lock"),
  };
}

/**
 * Where a dense run keeps its weights at a training time it was asked to keep
 * (`keep` in its config), e.g. the rewind point θ_r. The runner writes it
 * atomically; the executor starts dependents as soon as it exists.
 */
export function keptCheckpointPath(jobDir: string, at: { epoch: number; step: number }): string {
  return join(jobDir, "ckpt", `keep-e${at.epoch}-s${at.step}`);
}

/** A training job's final weights; a finished dense or sparse job always has them. */
export function finalCheckpointPath(jobDir: string): string {
  return join(jobDir, "ckpt", "final");
}
