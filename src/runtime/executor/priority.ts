import type { Job } from "../../core/plan-types.js";

/**
 * Each job's critical-path cost: its own estimated image passes plus the most
 * expensive chain of jobs that wait for it. Starting the highest first keeps the
 * long dense (especially adversarial) runs from being left for the end, when
 * nothing else can overlap them.
 */
export function criticalPathCosts(jobs: readonly Job[]): Map<string, number> {
  const dependents = new Map<string, Job[]>();
  for (const job of jobs) {
    for (const dep of job.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), job]);
  }
  const costs = new Map<string, number>();
  // Plans are topologically sorted, so walking backwards sees dependents first.
  for (let i = jobs.length - 1; i >= 0; i--) {
    const job = jobs[i];
    const after = (dependents.get(job.id) ?? []).map((d) => costs.get(d.id) ?? 0);
    costs.set(job.id, job.cost.imagePasses + Math.max(0, ...after));
  }
  return costs;
}
