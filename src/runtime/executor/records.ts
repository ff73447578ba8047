/**
 * What the executor writes to the run store about a job's attempts: its
 * status before, during and after each attempt, and its result. Everything
 * goes through the store's atomic writes.
 */
import type { Job } from "../../core/plan-types.js";
import type { JobOutcome } from "../job-api.js";
import type { RunStore } from "../store/store.js";

/** A recorded failure that would repeat (a diverged loss), with its reason; null for any other state. */
export async function repeatingFailure(store: RunStore, jobId: string): Promise<string | null> {
  const status = await store.readStatus(jobId);
  if (status.kind !== "ok" || status.value.state !== "failed" || !status.value.deterministic) return null;
  return status.value.reason ?? "failed";
}

/**
 * Open a new attempt: set damaged store files aside (reported through `log`),
 * write job.json and a "running" status. Returns the attempt's number.
 */
export async function beginAttempt(store: RunStore, job: Job, log: (message: string) => void): Promise<number> {
  for (const problem of await store.quarantineDamaged(job.id)) {
    log(`corrupt ${problem.file}: ${problem.reason}; redoing the job from its last good checkpoint`);
  }
  await store.prepareJob(job);
  const previous = await store.readStatus(job.id);
  const attempts = (previous.kind === "ok" ? previous.value.attempts : 0) + 1;
  await store.writeStatus(job.id, { state: "running", attempts });
  return attempts;
}

/** The same attempt goes on after a recovery (a damaged checkpoint set aside): count it. */
export async function continueAttempt(store: RunStore, jobId: string, attempts: number): Promise<void> {
  await store.writeStatus(jobId, { state: "running", attempts });
}

/** The job stopped to wait for a dependency that is being redone. */
export async function recordWaiting(store: RunStore, jobId: string, attempts: number, reason: string): Promise<void> {
  await store.writeStatus(jobId, { state: "interrupted", attempts, reason });
}

/** Record how an attempt ended: the result of a finished job, the reason of a failed one. */
export async function recordOutcome(
  store: RunStore,
  jobId: string,
  attempts: number,
  outcome: JobOutcome,
): Promise<void> {
  if (outcome.status === "done") {
    await store.writeResult(jobId, outcome);
    await store.writeStatus(jobId, { state: "done", attempts });
  } else if (outcome.status === "failed") {
    const { reason, deterministic } = outcome;
    await store.writeStatus(jobId, { state: "failed", attempts, reason, ...(deterministic ? { deterministic } : {}) });
  } else {
    await store.writeStatus(jobId, { state: "interrupted", attempts, reason: "stopped by the user" });
  }
}
