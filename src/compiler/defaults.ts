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

/**
 * The default learning-rate milestones: 50% and 75% of `epochs` (80 and 120 of the thesis's
 * 160), rounded, kept only where E029 accepts them (1 … epochs−1) and each once, so a short
 * run never decays twice at one epoch nor at its end: 3 epochs → [2], 2 → [1], 1 → [].
 */
export function defaultMilestones(epochs: number): number[] {
  const candidates = [Math.round(epochs * 0.5), Math.round(epochs * 0.75)];
  return [...new Set(candidates.filter((m) => m >= 1 && m < epochs))];
}
