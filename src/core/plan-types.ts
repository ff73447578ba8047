/**
 * The execution plan: a DAG of jobs, each identified by a content hash of its
 * resolved configuration. Jobs are plain JSON so that a queue can hand them to
 * workers on other machines.
 */
import type { PruneConfig, PruneStrategy, TrainConfig, TrainTime } from "./config.js";

/** Where a job reads weights from: a dependency's checkpoint at a time, or its final state. */
export type WeightsRef = { job: string; at: TrainTime | "final" };

interface JobBase {
  /** Content hash of the resolved config plus "-r<replicate>"; unique in a plan and across plans. */
  id: string;
  /** Content hash of the resolved config without the replicate (open_lth style). */
  hash: string;
  replicate: number;
  /** Jobs whose artifacts this job needs. */
  dependsOn: string[];
  /**
   * The precise artifacts needed, so a job can start as soon as they exist. A ref to a
   * mask job at "final" means its mask.
   */
  needs: WeightsRef[];
  /** Estimated forward+backward image passes this job performs. */
  cost: { trainEpochs: number; imagePasses: number };
}

/** Train from a seeded random init for schedule.epochs, keeping checkpoints at `keep`. */
export interface DenseJob extends JobBase {
  kind: "dense";
  config: TrainConfig & { keep: TrainTime[] };
}

/** Compute a pruning mask. Magnitude masks read final weights; global random masks only need shapes. */
export interface MaskJob extends JobBase {
  kind: "mask";
  config: {
    strategy: PruneStrategy;
    scope: "global" | "layerwise";
    density: number;
    /** Weights whose magnitudes (or shapes, for random) define the mask. */
    source: WeightsRef;
    /** IMP: the previous level's mask, which this one refines. null for one-shot. */
    previousMask: string | null;
    /**
     * Layerwise random masks: the magnitude mask whose per-layer counts this one keeps
     * (open_lth's layerwise shuffle). Absent for every other mask.
     */
    countsFrom?: string;
    /** Model and dataset, so that shapes are known without reading the source. */
    train: TrainConfig;
  };
}

/** Train m ⊙ theta_r from the rewind point to the end, pruned weights held at zero. */
export interface SparseJob extends JobBase {
  kind: "sparse";
  config: TrainConfig & {
    prune: PruneConfig;
    mask: string;
    /** The dense run's checkpoint at prune.rewind. */
    weights: WeightsRef;
    /** IMP level (1 for one-shot). */
    level: number;
  };
}

export type Job = DenseJob | MaskJob | SparseJob;

/** One sweep point and the jobs that answer it. */
export interface PlanPoint {
  sweep: string;
  /** The swept parameters' values at this point, by the names the spec gave them. */
  params: Record<string, string | number>;
  replicate: number;
  dense: string;
  /** The sparse job, or null for a sweep without pruning. */
  sparse: string | null;
  /** Matching tolerance in accuracy points (0 = meet or exceed). */
  tolerance: number;
  /** The key of the adversary the report judges this point on; absent = its training adversary. Never hashed. */
  judge?: string;
}

export interface PlanSummary {
  points: number;
  denseRuns: number;
  sparseRuns: number;
  maskJobs: number;
  /** Epochs this plan trains, shared work counted once. */
  trainEpochs: number;
  /** Epochs if every point trained its own dense run, then its sparse run. */
  naiveTrainEpochs: number;
  /** Estimated forward+backward image passes (PGD-n costs about n+2 per image). */
  imagePasses: number;
  naiveImagePasses: number;
}

export interface Plan {
  version: 1;
  summary: PlanSummary;
  points: PlanPoint[];
  /** Topologically sorted: every job comes after the jobs it depends on. */
  jobs: Job[];
}
