/**
 * What the executor tells its observers (the Ink UI, plain lines, --json events).
 * Plain data only, so events can also cross process or machine boundaries.
 */
import type { Job } from "../core/plan-types.js";
import type { JobEvent, JobOutcome } from "./job-api.js";

export type JobState = "waiting" | "running" | "done" | "failed" | "interrupted";

export interface JobSummary {
  id: string;
  kind: Job["kind"];
  /** Short human label, e.g. "dense wrn(20,8) pgd(linf,0.1,2) rep 1". */
  label: string;
  epochs: number;
  state: JobState;
}

export type ExecutorEvent =
  | { type: "plan"; jobs: JobSummary[]; workers: number; backend: string }
  | { type: "job-start"; jobId: string; worker: number }
  | { type: "job-progress"; event: JobEvent }
  | { type: "job-end"; jobId: string; outcome: JobOutcome }
  | { type: "stopping"; immediate: boolean }
  | { type: "finish"; counts: Record<JobState, number>; seconds: number };
