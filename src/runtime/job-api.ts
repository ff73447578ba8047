/**
 * The interface between the executor and whatever runs one job. It carries only
 * plain data and directories so that a distributed queue could hand a job to a
 * worker on another machine that mounts the same store.
 */
import type { Job } from "../core/plan-types.js";

export interface EpochMetric {
  /** Epoch just finished (1-based: 1 is after the first epoch; 0 is before training). */
  epoch: number;
  /** The test adversary's complete key (`adversaryKey`), e.g. "clean" or "pgd(linf,0.1,8,labels=true)". */
  adversary: string;
  accuracy: number;
  loss: number;
}

export type JobEvent =
  | { type: "start"; jobId: string; epochs: number; batchesPerEpoch: number; resumedFrom: string | null }
  | { type: "batch"; jobId: string; epoch: number; batch: number; batches: number; imagesPerSec: number; loss: number }
  | { type: "epoch"; jobId: string; epoch: number; metrics: EpochMetric[] }
  | { type: "checkpoint"; jobId: string; path: string }
  | { type: "log"; jobId: string; message: string };

export interface JobContext {
  job: Job;
  /** This job's directory in the run store; it exists and holds whatever an earlier attempt left. */
  dir: string;
  /** The store directory of a dependency listed in job.dependsOn. */
  dependencyDir(jobId: string): string;
  /** When aborted, the job saves a checkpoint at the next safe point and returns "interrupted". */
  signal: AbortSignal;
  onEvent(event: JobEvent): void;
}

/** How much of one prunable layer a mask keeps. */
export interface LayerDensity {
  /** The parameter's name, e.g. "fc1.kernel". */
  layer: string;
  kept: number;
  total: number;
}

export type JobOutcome =
  | {
      status: "done";
      metrics: EpochMetric[];
      achievedDensity: number | null;
      seconds: number;
      /** Mask jobs: the mask's per-layer counts, in parameter order (absent in older stores). */
      layers?: LayerDensity[];
      /**
       * What computed it (activeEngine(): backend, libtensorflow version, fused convolution on or
       * off); absent in older stores. Not part of the job's identity.
       */
      engine?: string;
    }
  | {
      status: "failed";
      reason: string;
      /** Running it again would fail the same way (a diverged loss: same seed, same backend); later runs skip it. */
      deterministic?: boolean;
      /** The job failed on a damaged file: which one, and the job whose directory holds it (this job or a dependency). */
      damaged?: DamagedFileRef;
    }
  | { status: "interrupted" };

/** A damaged file a job could not use, and the job that owns (wrote) it. */
export interface DamagedFileRef {
  /** Absolute path of the file. */
  path: string;
  /** Id of the job whose store directory holds it. */
  owner: string;
}

export type JobRunner = (ctx: JobContext) => Promise<JobOutcome>;
