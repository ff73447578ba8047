/**
 * When a job may start: when the artifacts in its `needs` exist (a random-mask
 * job needs only the dense run's rewind checkpoint, not its end), and never
 * while a dependency has failed. Used by the local executor and by the Slurm
 * submission, which both ask the store the same questions.
 */
import type { Job, WeightsRef } from "../../core/plan-types.js";
import type { JobState } from "../executor-events.js";
import type { RunStore } from "../store/store.js";

/** "<job>@final" or "<job>@<epoch>.<step>": one artifact. */
export function artifactKey(ref: WeightsRef): string {
  return `${ref.job}@${ref.at === "final" ? "final" : `${ref.at.epoch}.${ref.at.step}`}`;
}

/** The first dependency of `job` that failed, if any: the job cannot run in this execution. */
export function failedDependency(job: Job, states: ReadonlyMap<string, JobState>): string | undefined {
  return job.dependsOn.find((d) => states.get(d) === "failed");
}

export class Readiness {
  /** Artifacts already seen to exist: written atomically and never removed by a run, so one look is enough. */
  private readonly seen = new Set<string>();

  constructor(private readonly store: RunStore) {}

  /** The job's needs that do not exist yet, in the order of `job.needs`. */
  async missing(job: Job): Promise<WeightsRef[]> {
    const out: WeightsRef[] = [];
    for (const ref of job.needs) if (!(await this.exists(ref))) out.push(ref);
    return out;
  }

  /** The first need that does not exist yet, or null when the job can start. */
  async firstMissing(job: Job): Promise<WeightsRef | null> {
    for (const ref of job.needs) if (!(await this.exists(ref))) return ref;
    return null;
  }

  async exists(ref: WeightsRef): Promise<boolean> {
    const key = artifactKey(ref);
    if (this.seen.has(key)) return true;
    if (!(await this.store.artifactExists(ref))) return false;
    this.seen.add(key);
    return true;
  }

  /** The job's artifacts were set aside to be redone: look again. */
  forget(jobId: string): void {
    for (const key of [...this.seen]) if (key.startsWith(`${jobId}@`)) this.seen.delete(key);
  }
}
