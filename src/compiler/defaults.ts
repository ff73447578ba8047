/**
 * Defaults of construct parameters that the catalog's declarations and the checker's
 * semantics share (a setting's default is part of its declaration in catalog.ts): PGD's
 * label-leaking mitigation and BatchNorm mode, IMP's per-level fraction (thesis, Table A.1).
 */
export const DEFAULTS = {
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
