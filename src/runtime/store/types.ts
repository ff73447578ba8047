import type { Job } from "../../core/plan-types.js";
import type { JobState } from "../executor-events.js";
import type { EpochMetric, JobOutcome } from "../job-api.js";

/** <job>/status.json: the job's last known state, written by the executor. */
export interface JobStatusRecord {
  state: JobState;
  /** How many times an executor started this job (a resume counts as an attempt). */
  attempts: number;
  /** ISO time of the last change. */
  updatedAt: string;
  /** Why it failed or was interrupted. */
  reason?: string;
  /** A failure that would repeat (see JobOutcome): later runs do not retry it unless asked to. */
  deterministic?: boolean;
}

export type DoneOutcome = Extract<JobOutcome, { status: "done" }>;

/** A store file that exists but could not be read back; the job will be redone from its last good checkpoint. */
export interface StoreProblem {
  file: "job.json" | "status.json" | "metrics.json" | "result.json";
  reason: string;
}

/** Everything the store holds about one job, for results, reports and status. */
export interface JobRecord {
  id: string;
  /** null when job.json is missing or corrupt. */
  job: Job | null;
  status: JobStatusRecord | null;
  /** Per-epoch metrics so far (the result's when the job is done). */
  metrics: EpochMetric[];
  /** The "done" outcome; null unless the job finished. */
  result: DoneOutcome | null;
  problems: StoreProblem[];
}
