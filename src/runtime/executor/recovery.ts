/**
 * Recovery from damaged or missing files, decided from typed failures
 * (JobOutcome.damaged names the file and the job that owns it), never from
 * failure text. Moves files aside (`*.corrupt-<time>`, `*.superseded-<time>`) so
 * that nothing is lost, and tells the scheduler which job to run again.
 */
import { sep } from "node:path";
import type { Job } from "../../core/plan-types.js";
import type { JobState } from "../executor-events.js";
import type { JobOutcome } from "../job-api.js";
import { quarantine } from "../store/json-file.js";
import { finalCheckpointPath } from "../store/layout.js";
import type { RunStore } from "../store/store.js";
import type { Readiness } from "./readiness.js";

export class Recovery {
  /** Finished dependencies redone in this run because a dependent found one of their files damaged. */
  private readonly reopened = new Set<string>();

  constructor(
    private readonly store: RunStore,
    private readonly readiness: Readiness,
    private readonly log: (jobId: string, message: string) => void,
  ) {}

  /**
   * The job failed on one of its own damaged checkpoints: move it aside so that
   * the job starts again from its last good state (the rewind point, or the
   * start). True when the job should be run again.
   */
  async setAsideOwnCheckpoint(job: Job, outcome: JobOutcome): Promise<boolean> {
    if (outcome.status !== "failed" || outcome.damaged === undefined) return false;
    const { path, owner } = outcome.damaged;
    if (owner !== job.id || !path.startsWith(this.store.paths(job.id).checkpoints + sep)) return false;
    const aside = await quarantine(path);
    this.log(job.id, `${outcome.reason}; moved it to ${aside} and redoing the job from its last good checkpoint`);
    return true;
  }

  /**
   * The job failed on a damaged file of a finished dependency (a rewind
   * checkpoint, a mask): set the dependency's checkpoints (or that file) and
   * result aside so that it runs again, deterministically to the same result,
   * then this job. Returns the dependency to wait for (also when another
   * dependent already reopened it), or null when the failure is not of that kind
   * or the dependency was redone already (then it is a real failure).
   */
  async reopenDependency(
    job: Job,
    outcome: JobOutcome,
    states: ReadonlyMap<string, JobState>,
    inPlan: (jobId: string) => boolean,
  ): Promise<string | null> {
    if (outcome.status !== "failed" || outcome.damaged === undefined) return null;
    const { path, owner: dep } = outcome.damaged;
    if (!job.dependsOn.includes(dep) || !inPlan(dep)) return null;
    if (this.reopened.has(dep)) return states.get(dep) !== "done" ? dep : null;
    if (states.get(dep) !== "done") return null;
    this.reopened.add(dep);
    const paths = this.store.paths(dep);
    await quarantine(path.startsWith(paths.checkpoints + sep) ? paths.checkpoints : path);
    await quarantine(paths.result);
    this.readiness.forget(dep);
    this.log(dep, `${outcome.reason}; set aside, redoing this job (its dependents wait for it)`);
    return dep;
  }

  /**
   * A dense run finished for an earlier plan lacks a rewind checkpoint this plan
   * needs: keep lists are not part of a job's identity, so that specs share dense
   * runs. Set its result and final weights aside so that it trains again,
   * deterministically to the same result, writing this plan's checkpoints; the
   * ones it already has stay where they are. True when it should be queued again.
   */
  async retrainForCheckpoint(dep: string, states: ReadonlyMap<string, JobState>, inPlan: boolean): Promise<boolean> {
    if (!inPlan || states.get(dep) !== "done" || this.reopened.has(dep)) return false;
    this.reopened.add(dep);
    const paths = this.store.paths(dep);
    await quarantine(paths.result, "superseded");
    await quarantine(finalCheckpointPath(paths.dir), "superseded");
    this.readiness.forget(dep);
    this.log(
      dep,
      "finished for another plan without a checkpoint this plan needs; training it again to the same result",
    );
    return true;
  }
}
