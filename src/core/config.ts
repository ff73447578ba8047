import type { AddedField } from "./hash.js";

/**
 * The fully resolved configuration of training runs: the contract between the
 * compiler (which produces it from .lth text) and the runtime (which executes it).
 * Every field is explicit so that a content hash of a config is a run's identity.
 */

export type DatasetName = "cifar10" | "mnist" | "fashion-mnist" | "synthetic";

export interface DatasetConfig {
  name: DatasetName;
  /** Random horizontal flip during training. */
  flip: boolean;
  /** Zero-pad by this many pixels per side, then random-crop back (0 = off). */
  crop: number;
  /** Use only the first N training examples (null = all). */
  trainSubset: number | null;
  /** Use only the first N test examples (null = all). */
  testSubset: number | null;
}

export type ModelConfig =
  /** ResNet v1 / WideResNet (Conv-BN-ReLU); resnet(d) is width 1. depth = 6n+2. */
  | { kind: "resnet"; depth: number; width: number }
  /** Fully connected network, e.g. LeNet-300-100 is hidden [300, 100]. */
  | { kind: "lenet"; hidden: number[] }
  /** Small conv net: 3x3 conv-ReLU-maxpool stages with these channel counts, then a dense hidden layer. */
  | { kind: "convnet"; channels: number[]; hidden: number };

export type Norm = "linf" | "l2";

export type AdversaryConfig =
  | { kind: "none" }
  | {
      kind: "pgd";
      norm: Norm;
      eps: number;
      steps: number;
      /** Step size a; the thesis default is eps / steps. */
      stepSize: number;
      randomStart: boolean;
      /** "predicted": label-leaking mitigation, y = argmax f(x_clean); "true": the data's label. */
      labels: "predicted" | "true";
      /** BatchNorm statistics used while the attack is computed (running statistics are never updated). */
      bn: "train" | "eval";
    };

/** A point in training time: `epoch` whole epochs plus `step` iterations into the next one. */
export interface TrainTime {
  epoch: number;
  step: number;
}

export interface ScheduleConfig {
  epochs: number;
  batch: number;
  optimizer: "sgd";
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  /** Epochs at which the learning rate is multiplied by `gamma`. */
  milestones: number[];
  gamma: number;
}

/** Everything that determines one training run apart from pruning. */
export interface TrainConfig {
  dataset: DatasetConfig;
  model: ModelConfig;
  adversary: AdversaryConfig;
  schedule: ScheduleConfig;
  /** Evaluated on the test set after every epoch; always includes {kind:"none"} (clean). */
  testAdversaries: AdversaryConfig[];
}

export type PruneStrategy = "magnitude" | "random";

export interface PruneConfig {
  strategy: PruneStrategy;
  /** "global": one threshold / one draw over all prunable weights; "layerwise": per layer. */
  scope: "global" | "layerwise";
  /** "oneshot": prune theta_N straight to `density`; "iterative": IMP levels, each removing `fraction`. */
  method: "oneshot" | "iterative";
  /** Fraction of remaining weights removed per IMP level (iterative only). */
  fraction: number;
  /** Requested fraction of prunable weights kept, 0 < density <= 1. */
  density: number;
  /** The rewind point theta_r: sparse training restarts here. */
  rewind: TrainTime;
  /**
   * Random layerwise only: the magnitude mask whose per-layer counts the random mask keeps,
   * i.e. the magnitude strategy it is the baseline of (open_lth's layerwise shuffle). Absent:
   * the global magnitude mask's. "layerwise": the layerwise magnitude mask's. Absent rather
   * than "global" so that existing configurations keep their content hashes.
   */
  counts?: "layerwise";
}

/**
 * How job identity grows (docs/planner.md, "Job identity"): every field of TrainConfig and
 * PruneConfig that existed when job ids were first published is always hashed. A field added
 * later must be listed here with its neutral value (the value that reproduces the earlier
 * behaviour), so that existing job ids stay as they were: the planner hashes it only when a
 * run sets it to something else. Paths start at TrainConfig (`train`) or PruneConfig (`prune`).
 * test/golden/job-ids pins today's ids and test/planner/identity.test.ts checks that every
 * config field is either a release-1 field or listed here.
 */
export interface AddedFields {
  train: readonly AddedField[];
  prune: readonly AddedField[];
}

export const ADDED_FIELDS: AddedFields = { train: [], prune: [] };
