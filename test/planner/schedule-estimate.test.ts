import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { estimateSchedule } from "../../src/compiler/schedule-estimate.js";
import { tinyPlan } from "../executor/fake.js";

// tinyPlan: dense D (3 epochs, rewind checkpoint at epoch 1); magnitude mask M needs D's end, random mask R
// only its rewind checkpoint; sparse S needs D@1 and M, sparse T needs D@1 and R. Each job costs 1 image pass.
const { jobs } = tinyPlan();

describe("estimateSchedule", () => {
  it("sums GPU time and follows the critical path through checkpoints that exist before a run ends", () => {
    const e = estimateSchedule(jobs, 1 / 3600, 1);
    expect(e.gpuHours).toBeCloseTo(5);
    // D (1 h) → M (1 h) → S (1 h); R starts at D's rewind checkpoint, a third of the way through D.
    expect(e.criticalPathHours).toBeCloseTo(3);
    expect(e.lowerBoundHours).toBeCloseTo(5);
    expect(e.scheduleHours).toBeCloseTo(5);
  });

  it("on two GPUs overlaps the random-mask branch with the dense run and reaches the critical path", () => {
    const e = estimateSchedule(jobs, 1 / 3600, 2);
    expect(e.lowerBoundHours).toBeCloseTo(3);
    expect(e.scheduleHours).toBeCloseTo(3);
  });

  it("scales with throughput", () => {
    expect(estimateSchedule(jobs, 2 / 3600, 1).gpuHours).toBeCloseTo(2.5);
  });
});

describe("lthc plan --throughput", () => {
  const lthc = (...args: string[]) => spawnSync(process.execPath, ["bin/lthc.js", ...args], { encoding: "utf8" });

  it("prints GPU-hours, the critical path and the wall time on N GPUs", () => {
    const one = lthc("plan", "specs/quick.lth", "--throughput", "100");
    expect(one.status).toBe(0);
    const gpuHours = Number(/GPU time: +([\d.]+) GPU-hours/.exec(one.stdout)?.[1]);
    expect(gpuHours).toBeGreaterThan(0);
    expect(one.stdout).toMatch(/^ {2}critical path: +[\d.]+ (min|h|days) /m);
    expect(one.stdout).toMatch(/^ {2}on 1 GPU: +[\d.]+ (min|h|days) longest-path-first/m);
    const twice = lthc("plan", "specs/quick.lth", "--throughput", "200", "--gpus", "4");
    expect(Number(/GPU time: +([\d.]+)/.exec(twice.stdout)?.[1])).toBeCloseTo(gpuHours / 2, 0);
    expect(twice.stdout).toMatch(/^ {2}on 4 GPUs: /m);
  });

  it("refuses a throughput or GPU count that is not a positive number", () => {
    const bad = lthc("plan", "specs/quick.lth", "--throughput", "fast");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: --throughput fast: expected images per second/);
    expect(lthc("plan", "specs/quick.lth", "--throughput", "10", "--gpus", "0").stderr).toContain("--gpus 0");
  });
});
