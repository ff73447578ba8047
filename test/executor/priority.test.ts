import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/index.js";
import { buildPlan } from "../../src/compiler/plan.js";
import { criticalPathCosts } from "../../src/runtime/executor/priority.js";

function planOf(file: string) {
  return buildPlan(analyze(readFileSync(file, "utf8"), file).points);
}

describe("critical-path priority", () => {
  it("ranks each job at least as high as the jobs that wait for it, and adversarial dense runs above everything", () => {
    const plan = planOf("specs/quick.lth");
    const costs = criticalPathCosts(plan.jobs);
    for (const job of plan.jobs) {
      for (const dep of job.dependsOn) expect(costs.get(dep)!).toBeGreaterThanOrEqual(costs.get(job.id)!);
    }
    const adversarial = plan.jobs.filter((j) => j.kind === "dense" && j.config.adversary.kind === "pgd");
    const rest = plan.jobs.filter((j) => !adversarial.includes(j));
    expect(adversarial.length).toBeGreaterThan(0);
    expect(Math.min(...adversarial.map((j) => costs.get(j.id)!))).toBeGreaterThan(
      Math.max(...rest.map((j) => costs.get(j.id)!)),
    );
  });

  it("counts a job's own cost plus its most expensive chain of dependents", () => {
    const plan = planOf("specs/quick.lth");
    const costs = criticalPathCosts(plan.jobs);
    for (const job of plan.jobs) {
      const dependents = plan.jobs.filter((j) => j.dependsOn.includes(job.id));
      const longest = Math.max(0, ...dependents.map((d) => costs.get(d.id)!));
      expect(costs.get(job.id)).toBe(job.cost.imagePasses + longest);
    }
  });
});
