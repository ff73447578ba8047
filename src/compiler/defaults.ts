/**
 * The defaults every unspecified setting takes: the thesis's Table A.1 (CIFAR-10 with
 * flip + crop 4, 160 epochs, batch 128, SGD lr 0.1 momentum 0.9, lr ×0.1 at epochs 80
 * and 120, one-shot pruning, global random baseline, label-leaking mitigation on).
 */
export const DEFAULTS = {
  dataset: "cifar10",
  epochs: 160,
  batch: 128,
  optimizer: "sgd",
  lr: 0.1,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 0,
  milestones: [80, 120],
  gamma: 0.1,
  /** Rewind epoch r of Table A.1. */
  rewindEpoch: 8,
  replicates: 1,
  /** Accuracy points a sparse network may fall short of the dense one and still match. */
  tolerance: 0,
  /** Training adversary when a sweep has no `under`: standard training. */
  adversary: "none",
  /** Strategies when a sweep gives densities (`at`) but no `prune`. */
  strategies: ["global", "random"],
  pgd: {
    randomStart: true,
    labels: "predicted" as const,
    /** CleverHans (the thesis's attack code) calls the Keras model in inference mode. */
    bn: "eval" as const,
  },
  /** Per-level fraction of `imp` when not given. */
  impFraction: 0.2,
  /** Dense hidden units of `convnet` when not given. */
  convnetHidden: 128,
} as const;
