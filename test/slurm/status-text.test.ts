/** How `lthc status` words a job that Slurm holds (no Slurm needed: the views are given). */
import { describe, expect, it } from "vitest";
import { formatProgress } from "../../src/cli/commands/status.js";
import type { SlurmView } from "../../src/runtime/slurm/observe.js";
import type { JobProgress, PlanProgress } from "../../src/runtime/store/progress.js";

const counts = { done: 0, running: 0, failed: 0, left: 2, total: 2 };
const job = (id: string, epochsDone: number): JobProgress => ({
  id,
  kind: "dense",
  label: `dense ${id}`,
  state: "left",
  epochsDone,
  epochs: 2,
  attempts: 1,
  problems: [],
});
const progress: PlanProgress = {
  store: "/shared/runs",
  jobs: [job("a", 1), job("b", 1)],
  total: counts,
  byKind: { dense: counts, mask: { ...counts, left: 0, total: 0 }, sparse: { ...counts, left: 0, total: 0 } },
  bySweep: { s: counts },
};
const view = (state: string, active: boolean, log: string | null): SlurmView => ({
  slurmId: "508",
  state,
  reason: state === "RUNNING" ? "None" : "DependencyNeverSatisfied",
  nodes: "vm",
  active,
  log,
});

describe("lthc status with Slurm", () => {
  it("does not say a job resumes on the next run while Slurm holds its next part", () => {
    const text = formatProgress(progress, new Map([["a", view("RUNNING", true, "/shared/runs/jobs/a/slurm-508.out")]]));
    expect(text).toContain("dense a [a] epoch 1/2 so far — slurm 508 RUNNING on vm");
    expect(text).not.toMatch(/\[a\].*resumes on the next run/);
    // Without Slurm holding it, the next run is what resumes it.
    expect(text).toContain("dense b [b] epoch 1/2, resumes on the next run");
  });

  it("points to a log only when Slurm wrote one", () => {
    const never = formatProgress(progress, new Map([["a", view("CANCELLED", false, null)]]));
    expect(never).toContain("slurm 508 CANCELLED (DependencyNeverSatisfied), no log (it never started)");
    const log = "/shared/runs/jobs/a/slurm-508.out";
    expect(formatProgress(progress, new Map([["a", view("FAILED", false, log)]]))).toContain(`, log ${log}`);
  });
});
