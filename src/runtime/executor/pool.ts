/**
 * Where jobs run. The executor hands a pool plain data (the Job and directories
 * in the shared store) and gets JobEvents and a JobOutcome back, so a pool may be
 * in-process (tests), local worker processes, or, later, a queue feeding workers
 * on other machines that mount the same store.
 */
import type { Job } from "../../core/plan-types.js";
import type { JobEvent, JobOutcome, JobRunner } from "../job-api.js";

export interface JobAssignment {
  job: Job;
  /** The job's directory in the store. */
  dir: string;
  /** Store directories of the jobs in job.dependsOn, by id. */
  dependencyDirs: Record<string, string>;
}

export interface JobHandle {
  /** Settles with the runner's outcome; a worker that dies yields { status: "failed" }. */
  outcome: Promise<JobOutcome>;
  /** Ask the runner to checkpoint and return "interrupted". */
  abort(): void;
}

export interface WorkerPool {
  /** How many jobs may run at once. */
  readonly size: number;
  /** The tfjs backend the workers run on, for display. */
  readonly backend: string;
  run(slot: number, assignment: JobAssignment, onEvent: (event: JobEvent) => void): JobHandle;
  /** Stop every worker at once (a second Ctrl-C). */
  kill(): void;
  /** Let idle workers exit. */
  close(): Promise<void>;
}

/** Run a JobRunner in this process; for tests and for embedding. */
export function inProcessPool(runner: JobRunner, size: number, backend = "in-process"): WorkerPool {
  const running = new Set<AbortController>();
  return {
    size,
    backend,
    run(_slot, assignment, onEvent) {
      const controller = new AbortController();
      running.add(controller);
      const outcome = runner({
        job: assignment.job,
        dir: assignment.dir,
        dependencyDir: (id) => dependencyDir(assignment, id),
        signal: controller.signal,
        onEvent,
      })
        .catch((error: unknown): JobOutcome => ({ status: "failed", reason: errorText(error) }))
        .finally(() => running.delete(controller));
      return { outcome, abort: () => controller.abort() };
    },
    kill() {
      for (const controller of running) controller.abort();
    },
    close: async () => {},
  };
}

export function dependencyDir(assignment: JobAssignment, id: string): string {
  const dir = assignment.dependencyDirs[id];
  if (dir === undefined) throw new Error(`job ${assignment.job.id} asked for ${id}, which it does not depend on`);
  return dir;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const hint = (error as { hint?: unknown }).hint;
    return typeof hint === "string" ? `${error.message} (${hint})` : error.message;
  }
  return String(error);
}
