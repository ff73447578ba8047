/**
 * Runs a plan's DAG against a run store. A job starts as soon as the artifacts in
 * its `needs` exist (a random-mask job does not wait for the dense run to end),
 * never twice (the store's result files and per-job locks see to that, across
 * processes), and a failure stops only the jobs that depend on it.
 */
import { resolve, sep } from "node:path";
import type { Job, Plan } from "../../compiler/plan-types.js";
import type { ExecutorEvent, JobState } from "../executor-events.js";
import type { JobOutcome } from "../job-api.js";
import { jobLabel, jobSummary } from "../job-labels.js";
import { quarantine } from "../store/json-file.js";
import { finalCheckpointPath } from "../store/layout.js";
import type { Lock, RunStore } from "../store/store.js";
import type { JobHandle, WorkerPool } from "./pool.js";
import { criticalPathCosts } from "./priority.js";

export interface ExecuteOptions {
  plan: Pick<Plan, "jobs">;
  store: RunStore;
  pool: WorkerPool;
  onEvent(event: ExecutorEvent): void;
  /** How often to look again for artifacts and for jobs other processes hold (ms). */
  pollMs?: number;
  /** Run again the jobs whose failure would repeat (diverged); by default they stay failed. */
  retryFailed?: boolean;
}

export interface ExecuteResult {
  counts: Record<JobState, number>;
  /** Ids of jobs that failed, including those skipped because a dependency failed. */
  failed: string[];
  interrupted: boolean;
  /** 0 all done, 1 some job failed, 130 interrupted. */
  exitCode: 0 | 1 | 130;
}

export interface Execution {
  /** First Ctrl-C: start nothing new, ask running jobs to checkpoint and stop. */
  stop(): void;
  /** Second Ctrl-C: kill the workers now; the next run resumes from the last checkpoints. */
  stopNow(): void;
  done: Promise<ExecuteResult>;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INTERRUPTED = 130;

interface Running {
  job: Job;
  slot: number;
  handle: JobHandle;
}

export function execute(options: ExecuteOptions): Execution {
  const scheduler = new Scheduler(options);
  return { stop: () => scheduler.stop(false), stopNow: () => scheduler.stop(true), done: scheduler.run() };
}

class Scheduler {
  private readonly states = new Map<string, JobState>();
  private readonly pending: Job[] = [];
  private readonly running = new Map<string, Running>();
  private readonly freeSlots: number[];
  private readonly byId = new Map<string, Job>();
  /** Jobs another process holds; reported once each. */
  private readonly heldElsewhere = new Set<string>();
  /** Finished dependencies redone in this run because a dependent found one of their files damaged. */
  private readonly reopened = new Set<string>();
  /** A finished job was queued again while schedule() was looking at a snapshot of the queue. */
  private requeued = false;
  /** Needs already seen to exist. */
  private readonly artifacts = new Set<string>();
  private stopping: "no" | "graceful" | "now" = "no";
  private wakeUp: (() => void) | null = null;
  /** Something happened while the loop was busy: do not sleep on it. */
  private woken = false;
  /** An error the loop must rethrow (a store write that failed outside it). */
  private fatal: unknown = null;
  private readonly startedAt = Date.now();
  /** Critical-path cost of each job: pending jobs start in decreasing order of it. */
  private readonly priority: Map<string, number>;

  constructor(private readonly options: ExecuteOptions) {
    this.freeSlots = Array.from({ length: options.pool.size }, (_, i) => i);
    for (const job of options.plan.jobs) this.byId.set(job.id, job);
    this.priority = criticalPathCosts(options.plan.jobs);
  }

  stop(immediate: boolean): void {
    if (this.stopping === "now" || (this.stopping === "graceful" && !immediate)) return;
    this.stopping = immediate ? "now" : "graceful";
    this.emit({ type: "stopping", immediate });
    if (immediate) this.options.pool.kill();
    else for (const r of this.running.values()) r.handle.abort();
    this.wake();
  }

  async run(): Promise<ExecuteResult> {
    const { store, pool } = this.options;
    for (const job of this.options.plan.jobs) {
      const done = await store.isDone(job.id);
      this.states.set(job.id, done ? "done" : "waiting");
      if (!done) this.pending.push(job);
    }
    const repeating = this.options.retryFailed ? [] : await this.failuresThatWouldRepeat();
    for (const { job } of repeating) this.states.set(job.id, "failed");
    this.emit({
      type: "plan",
      jobs: this.options.plan.jobs.map((job) => jobSummary(job, this.states.get(job.id)!)),
      workers: pool.size,
      backend: pool.backend,
    });
    for (const { job, reason } of repeating) {
      const note = "failed in an earlier run and would fail again; `lthc run --retry-failed` runs it anyway";
      this.endWithoutRunning(job, { status: "failed", reason: `${reason} (${note})`, deterministic: true });
    }
    try {
      while (this.pending.length > 0 || this.running.size > 0) {
        if (this.fatal !== null) throw this.fatal;
        if (this.stopping === "no") await this.schedule();
        if (this.stopping !== "no" && this.running.size === 0) break;
        if (this.pending.length === 0 && this.running.size === 0) break;
        await this.sleep();
      }
    } finally {
      if (this.running.size > 0) pool.kill();
      await pool.close();
    }
    return this.finish();
  }

  private finish(): ExecuteResult {
    const counts: Record<JobState, number> = { waiting: 0, running: 0, done: 0, failed: 0, interrupted: 0 };
    const failed: string[] = [];
    for (const [id, state] of this.states) {
      counts[state]++;
      if (state === "failed") failed.push(id);
    }
    this.emit({ type: "finish", counts, seconds: (Date.now() - this.startedAt) / 1000 });
    const interrupted = this.stopping !== "no";
    const exitCode = interrupted ? EXIT_INTERRUPTED : failed.length > 0 ? EXIT_FAILED : EXIT_OK;
    return { counts, failed, interrupted, exitCode };
  }

  /** Pending jobs whose recorded failure would repeat: training them again only spends the compute again. */
  private async failuresThatWouldRepeat(): Promise<{ job: Job; reason: string }[]> {
    const out: { job: Job; reason: string }[] = [];
    for (const job of this.pending) {
      const status = await this.options.store.readStatus(job.id);
      if (status.kind !== "ok" || status.value.state !== "failed" || !status.value.deterministic) continue;
      out.push({ job, reason: status.value.reason ?? "failed" });
    }
    return out;
  }

  /** Start every pending job whose dependencies allow it, while slots are free. */
  private async schedule(): Promise<void> {
    let startable = false;
    const byPriority = (a: Job, b: Job) => (this.priority.get(b.id) ?? 0) - (this.priority.get(a.id) ?? 0);
    for (const job of [...this.pending].sort(byPriority)) {
      if (this.stopping !== "no") return;
      // With every worker busy nothing can start; look again when one is free.
      if (this.freeSlots.length === 0) return;
      const failedDep = job.dependsOn.find((d) => this.states.get(d) === "failed");
      if (failedDep !== undefined) {
        this.skip(job, failedDep);
        continue;
      }
      if (!(await this.needsMet(job))) continue;
      startable = true;
      await this.tryStart(job);
    }
    if (this.requeued) {
      // A finished dependency went back to the queue during this pass: schedule again.
      this.requeued = false;
      this.woken = true;
      return;
    }
    if (!startable && this.running.size === 0 && this.heldElsewhere.size === 0) this.failUnreachable();
  }

  private async needsMet(job: Job): Promise<boolean> {
    for (const ref of job.needs) {
      const key = `${ref.job}@${ref.at === "final" ? "final" : `${ref.at.epoch}.${ref.at.step}`}`;
      if (this.artifacts.has(key)) continue;
      if (!(await this.options.store.artifactExists(ref))) {
        if (ref.at !== "final") await this.retrainForCheckpoint(ref.job);
        return false;
      }
      // Artifacts are written atomically and never removed by a run, so one look is enough.
      this.artifacts.add(key);
    }
    return true;
  }

  /**
   * A dense run finished for an earlier plan lacks a rewind checkpoint this plan
   * needs: keep lists are not part of a job's identity, so that specs share dense
   * runs. Train it again, deterministically to the same result, writing this plan's
   * checkpoints; the ones it already has stay where they are.
   */
  private async retrainForCheckpoint(dep: string): Promise<void> {
    const job = this.byId.get(dep);
    if (job === undefined || this.states.get(dep) !== "done" || this.reopened.has(dep)) return;
    this.reopened.add(dep);
    const paths = this.options.store.paths(dep);
    await quarantine(paths.result, "superseded");
    await quarantine(finalCheckpointPath(paths.dir), "superseded");
    for (const key of [...this.artifacts]) if (key.startsWith(`${dep}@`)) this.artifacts.delete(key);
    this.states.set(dep, "waiting");
    this.pending.unshift(job);
    this.requeued = true;
    this.log(
      dep,
      "finished for another plan without a checkpoint this plan needs; training it again to the same result",
    );
  }

  /**
   * Nothing runs here or elsewhere and no pending job can start: their needs
   * refer to artifacts that finished dependencies never produced.
   */
  private failUnreachable(): void {
    for (const job of [...this.pending]) {
      const missing = job.needs.map((n) => n.job).join(", ");
      this.endWithoutRunning(job, {
        status: "failed",
        reason: `needs artifacts that were never produced (${missing})`,
      });
    }
  }

  private skip(job: Job, dependency: string): void {
    const dep = this.byId.get(dependency);
    const reason = `skipped: dependency ${dep ? jobLabel(dep) : dependency} [${dependency}] failed`;
    this.endWithoutRunning(job, { status: "failed", reason });
  }

  private endWithoutRunning(job: Job, outcome: JobOutcome): void {
    this.removePending(job.id);
    this.states.set(job.id, outcome.status === "done" ? "done" : "failed");
    this.emit({ type: "job-end", jobId: job.id, outcome });
  }

  private removePending(id: string): void {
    const index = this.pending.findIndex((j) => j.id === id);
    if (index >= 0) this.pending.splice(index, 1);
  }

  private log(jobId: string, message: string): void {
    this.emit({ type: "job-progress", event: { type: "log", jobId, message } });
  }

  private async tryStart(job: Job): Promise<void> {
    const { store } = this.options;
    const lock = await store.tryLock(job.id);
    if (lock === null) {
      if (!this.heldElsewhere.has(job.id)) {
        this.heldElsewhere.add(job.id);
        const state = await store.lockState(job.id);
        const who = state.held ? ` (pid ${state.owner.pid} on ${state.owner.host})` : "";
        this.log(job.id, `locked by another lthc run${who}; waiting for it`);
      }
      return;
    }
    this.heldElsewhere.delete(job.id);
    // Another process may have finished it between our first look and the lock.
    const result = await store.readResult(job.id);
    if (result.kind === "ok") {
      await lock.release();
      this.log(job.id, "finished by another lthc run");
      this.endWithoutRunning(job, result.value);
      return;
    }
    await this.start(job, lock);
  }

  private async start(job: Job, lock: Lock): Promise<void> {
    const { store } = this.options;
    this.removePending(job.id);
    const slot = this.freeSlots.shift()!;
    for (const problem of await store.quarantineDamaged(job.id)) {
      this.log(job.id, `corrupt ${problem.file}: ${problem.reason}; redoing the job from its last good checkpoint`);
    }
    await store.prepareJob(job);
    const previous = await store.readStatus(job.id);
    const attempts = (previous.kind === "ok" ? previous.value.attempts : 0) + 1;
    await store.writeStatus(job.id, { state: "running", attempts });
    this.states.set(job.id, "running");
    this.emit({ type: "job-start", jobId: job.id, worker: slot });
    this.launch(job, slot, lock, attempts, false);
  }

  private launch(job: Job, slot: number, lock: Lock, attempts: number, retried: boolean): void {
    const { store, pool } = this.options;
    const dependencyDirs = Object.fromEntries(job.dependsOn.map((d) => [d, store.paths(d).dir]));
    const handle = pool.run(slot, { job, dir: store.paths(job.id).dir, dependencyDirs }, (event) => {
      this.emit({ type: "job-progress", event });
      if (event.type === "checkpoint") this.wake();
    });
    this.running.set(job.id, { job, slot, handle });
    if (this.stopping === "graceful") handle.abort();
    void handle.outcome
      .then(async (outcome) => {
        if (!retried && this.stopping === "no" && (await this.setAsideCorruptCheckpoint(job, outcome))) {
          await store.writeStatus(job.id, { state: "running", attempts: attempts + 1 });
          this.launch(job, slot, lock, attempts + 1, true);
          return;
        }
        const dependency = this.stopping === "no" ? await this.reopenDependency(job, outcome) : null;
        if (dependency !== null) {
          await this.requeue(job, slot, lock, attempts, dependency);
          return;
        }
        await this.finishJob(job, slot, lock, attempts, outcome);
      })
      .catch((error: unknown) => {
        // The store could not be written (disk full, permissions): stop, and let run() report it.
        this.fatal ??= error;
        this.running.delete(job.id);
        this.wake();
      });
  }

  /**
   * A runner rejects a damaged checkpoint with a failure that names the file
   * ("corrupt checkpoint <path> (…)", "<path> is not an lthc checkpoint …").
   * When that file is one of the job's own checkpoints, moving it aside lets the
   * job start again from its last good state (the rewind point, or the start).
   */
  private async setAsideCorruptCheckpoint(job: Job, outcome: JobOutcome): Promise<boolean> {
    if (outcome.status !== "failed" || !/checkpoint/i.test(outcome.reason)) return false;
    const own = this.options.store.paths(job.id).checkpoints + sep;
    const path = namedFiles(outcome.reason).find((candidate) => candidate.startsWith(own));
    if (path === undefined) return false;
    const aside = await quarantine(path);
    this.log(job.id, `${outcome.reason}; moved it to ${aside} and redoing the job from its last good checkpoint`);
    return true;
  }

  /**
   * A job failed on a file of a finished dependency (a damaged rewind checkpoint,
   * a mask): set the dependency's checkpoints and result aside and run it again
   * (deterministically, to the same result, rewriting every file), then this job.
   * Returns the dependency's id, or null when the failure is not of that kind.
   */
  private async reopenDependency(job: Job, outcome: JobOutcome): Promise<string | null> {
    if (outcome.status !== "failed") return null;
    const { store } = this.options;
    const files = namedFiles(outcome.reason);
    for (const dep of job.dependsOn) {
      const paths = store.paths(dep);
      const file = files.find((f) => f.startsWith(paths.dir + sep));
      if (file === undefined || !this.byId.has(dep)) continue;
      // Being redone for another dependent: wait for it too; redone already: a real failure.
      if (this.reopened.has(dep)) {
        if (this.states.get(dep) !== "done") return dep;
        continue;
      }
      if (this.states.get(dep) !== "done") continue;
      this.reopened.add(dep);
      const inCheckpoints = file.startsWith(paths.checkpoints + sep);
      await quarantine(inCheckpoints ? paths.checkpoints : file);
      await quarantine(paths.result);
      for (const key of [...this.artifacts]) if (key.startsWith(`${dep}@`)) this.artifacts.delete(key);
      this.states.set(dep, "waiting");
      this.pending.unshift(this.byId.get(dep)!);
      this.log(dep, `${outcome.reason}; set aside, redoing this job (its dependents wait for it)`);
      return dep;
    }
    return null;
  }

  private async requeue(job: Job, slot: number, lock: Lock, attempts: number, dependency: string): Promise<void> {
    const reason = `waits for ${dependency} to be redone`;
    await this.options.store.writeStatus(job.id, { state: "interrupted", attempts, reason });
    await lock.release();
    this.running.delete(job.id);
    this.freeSlots.push(slot);
    this.freeSlots.sort((a, b) => a - b);
    this.states.set(job.id, "waiting");
    this.pending.push(job);
    this.emit({ type: "job-end", jobId: job.id, outcome: { status: "interrupted" } });
    this.wake();
  }

  private async finishJob(job: Job, slot: number, lock: Lock, attempts: number, outcome: JobOutcome): Promise<void> {
    const { store } = this.options;
    try {
      if (outcome.status === "done") {
        await store.writeResult(job.id, outcome);
        await store.writeStatus(job.id, { state: "done", attempts });
      } else if (outcome.status === "failed") {
        const { reason, deterministic } = outcome;
        await store.writeStatus(job.id, {
          state: "failed",
          attempts,
          reason,
          ...(deterministic ? { deterministic } : {}),
        });
      } else {
        await store.writeStatus(job.id, { state: "interrupted", attempts, reason: "stopped by the user" });
      }
    } finally {
      await lock.release();
      this.running.delete(job.id);
      this.freeSlots.push(slot);
      this.freeSlots.sort((a, b) => a - b);
      this.states.set(job.id, outcome.status);
      this.emit({ type: "job-end", jobId: job.id, outcome });
      this.wake();
    }
  }

  private emit(event: ExecutorEvent): void {
    this.options.onEvent(event);
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    if (wake) wake();
    else this.woken = true;
  }

  private sleep(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wake(), this.options.pollMs ?? 500);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Absolute paths a failure reason names (runners name the file they could not use). */
function namedFiles(reason: string): string[] {
  return (reason.match(/\/[^\s"'()]+/g) ?? []).map((candidate) => resolve(candidate.replace(/[:,.;]+$/, "")));
}
