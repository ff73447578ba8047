import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/compiler/catalog.js";
import { explainPoint, formatCount, formatPlanSummary, formatSchedule } from "../../src/compiler/explain.js";
import { buildPlan } from "../../src/compiler/plan.js";
import type { ScheduleConfig } from "../../src/core/config.js";
import { formatTime } from "../../src/core/labels.js";
import { CLEAN, oneShot, point, thesisTrain, verbatimPoints } from "./make-point.js";

describe("explain", () => {
  it("prints every resolved setting of a point and its job ids", () => {
    const points = [point({ params: { w: 0.64 }, prune: oneShot("random", 0.64, 8) })];
    const plan = buildPlan(points);
    const text = explainPoint(plan, points, 0);
    for (const expected of [
      "point 1 of 1 — sweep main",
      "w=0.64",
      "cifar10, augmentation: flip + crop(pad 4), train: all, test: all",
      "resnet(20) — ResNet-20 v1, width 1",
      "pgd(linf, eps=0.1, steps=1, step size=0.1, random start, predicted labels, BN eval mode)",
      "160 epochs, batch 128, sgd lr 0.1 momentum 0.9, weight decay 0.0001, lr ×0.1 at epochs 80, 120",
      "none (clean)",
      "random, global, one-shot, density 0.64",
      "rewind          8ep",
      "replicate       1",
      plan.points[0].dense,
      plan.points[0].sparse ?? "missing",
    ]) {
      expect(text).toContain(expected);
    }
    expect(() => explainPoint(plan, points, 1)).toThrow(RangeError);
  });

  it("formats times, counts and the summary", () => {
    expect(formatTime({ epoch: 8, step: 0 })).toBe("8ep");
    expect(formatTime({ epoch: 0, step: 500 })).toBe("500it");
    expect(formatTime({ epoch: 2, step: 5 })).toBe("2ep+5it");
    expect(formatCount(1234)).toBe("1,234");
    expect(formatCount(24_700_000_000)).toBe("24.7 G");
    const summary = formatPlanSummary(buildPlan(verbatimPoints()), "x.lth");
    expect(summary).toContain("480 points in 1 sweep");
    expect(summary).toContain("16 dense runs, 480 mask jobs, 480 sparse runs (976 in all)");
    expect(summary).toContain("75,520 with sharing, 149,760 without (1.98× less work)");
  });
});

describe("explain wording", () => {
  it("calls a training adversary of none standard training and spells milestones", () => {
    const p = point({ train: { ...thesisTrain(1, CLEAN), schedule: { ...thesisTrain().schedule, milestones: [3] } } });
    const text = explainPoint(buildPlan([p]), [p], 0);
    expect(text).toContain("adversary       none (standard training)");
    expect(text).toContain("lr ×0.1 at epoch 3");
    const q = point({ train: { ...thesisTrain(), schedule: { ...thesisTrain().schedule, milestones: [] } } });
    expect(explainPoint(buildPlan([q]), [q], 0)).toContain("weight decay 0.0001, constant lr");
  });
});

describe("explain covers the settings", () => {
  it("spells every schedule setting: changing any one changes the schedule line", () => {
    const base = thesisTrain().schedule;
    const fields = SETTINGS.flatMap((s) => (s.lands.kind === "schedule" ? [s.lands.field] : []));
    expect(fields).toContain("momentum");
    for (const field of fields) {
      const value = base[field];
      const changed =
        typeof value === "number"
          ? value + 7
          : typeof value === "boolean"
            ? !value
            : Array.isArray(value)
              ? [...value, 150]
              : undefined;
      // `optimizer`: sgd is its only value.
      if (changed === undefined) continue;
      const schedule = { ...base, [field]: changed } as ScheduleConfig;
      expect(formatSchedule(schedule), field).not.toBe(formatSchedule(base));
    }
  });
});
