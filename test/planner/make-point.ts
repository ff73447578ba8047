/** Hand-built sweep points with the thesis's Table A.1 defaults, for planner tests. */
import { trainConfig } from "../../src/compiler/builders.js";
import type { AdversaryConfig, PruneConfig, TrainConfig } from "../../src/core/config.js";
import type { Point } from "../../src/core/points.js";
import { pgdLinf } from "../helpers/adversary.js";

export const CLEAN: AdversaryConfig = { kind: "none" };

export function thesisTrain(width = 1, adversary: AdversaryConfig = pgdLinf(0.1, 1)): TrainConfig {
  return trainConfig({ model: { kind: "resnet", depth: 20, width }, adversary, schedule: { weightDecay: 1e-4 } });
}

export function oneShot(strategy: PruneConfig["strategy"], density: number, rewindEpoch = 8): PruneConfig {
  return {
    strategy,
    scope: "global",
    method: "oneshot",
    fraction: 0.2,
    density,
    rewind: { epoch: rewindEpoch, step: 0 },
  };
}

export function point(overrides: Partial<Point> = {}): Point {
  return {
    sweep: "main",
    params: {},
    train: thesisTrain(),
    prune: oneShot("magnitude", 0.64),
    replicate: 1,
    tolerance: 0,
    ...overrides,
  };
}

/** The verbatim one-liner, expanded by hand: k × n × w × strategy × replicate. */
export function verbatimPoints(): Point[] {
  const points: Point[] = [];
  for (const k of [1, 8])
    for (const n of [1, 2, 4, 8])
      for (let e = 2; e <= 16; e++)
        for (const strategy of ["magnitude", "random"] as const)
          for (const replicate of [1, 2])
            points.push(
              point({
                params: { k, n, w: 0.8 ** e, strategy },
                train: thesisTrain(k, pgdLinf(0.1, n)),
                prune: oneShot(strategy, 0.8 ** e),
                replicate,
              }),
            );
  return points;
}
