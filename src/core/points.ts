import type { PruneConfig, TrainConfig } from "./config.js";

/**
 * One point of a sweep: a fully resolved experiment. Expansion produces points;
 * the planner turns points into shared jobs.
 */
export interface Point {
  sweep: string;
  /** The swept parameters' values at this point, by the names the spec gave them (e.g. k, n, w, strategy). */
  params: Record<string, string | number>;
  train: TrainConfig;
  /** null for a sweep that does not prune (a dense run only). */
  prune: PruneConfig | null;
  /** 1-based. Kept outside the config hash, as in open_lth. */
  replicate: number;
  /** Matching tolerance in accuracy points (0 = meet or exceed the dense accuracy). */
  tolerance: number;
  /** `judge`: the key (adversaryKey) of the adversary the report judges on; absent = the training adversary. Report-only. */
  judge?: string;
}
