/**
 * Runs a plan's DAG against a run store. A job starts as soon as the artifacts in
 * its `needs` exist (a random-mask job does not wait for the dense run to end),
 * never twice (the store's result files and per-job locks see to that, across
 * processes), and a failure stops only the jobs that depend on it.
 */
import type { Job, Plan } from "../../core/plan-types.js";
import type { ExecutorEvent, JobState } from "../executor-events.js";
import type { JobOutcome } from "../job-api.js";
import { jobLabel, jobSummary } from "../job-labels.js";
import type { Lock, RunStore } from "../store/store.js";
import type { JobHandle, WorkerPool } from "./pool.js";
import { criticalPathCosts } from "./priority.js";
import { failedDependency, Readiness } from "./readiness.js";
import { beginAttempt, continueAttempt, recordOutcome, recordWaiting, repeatingFailure } from "./records.js";
import { Recovery } from "./recovery.js";

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

/**
 * The queue and the worker slots. What may start is Readiness's to say, how to
 * recover from damaged files Recovery's, and what is written to the store
 * records.ts's; the scheduler only orders and starts jobs and follows them.
 */
class Scheduler {
  private readonly states = new Map<string, JobState>();
  private readonly pending: Job[] = [];
  private readonly running = new Map<string, Running>();
  private readonly freeSlots: number[];
  private readonly byId = new Map<string, Job>();
  /** Jobs another process holds; reported once each. */
  private readonly heldElsewhere = new Set<string>();
  /** A finished job was queued again while schedule() was looking at a snapshot of the queue. */
  private requeued = false;
  private readonly readiness: Readiness;
  private readonly recovery: Recovery;
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
    this.readiness = new Readiness(options.store);
    this.recovery = new Recovery(options.store, this.readiness, (jobId, message) => this.log(jobId, message));
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
      const reason = await repeatingFailure(this.options.store, job.id);
      if (reason !== null) out.push({ job, reason });
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
      const failedDep = failedDependency(job, this.states);
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
    const missing = await this.readiness.firstMissing(job);
    if (missing === null) return true;
    if (missing.at !== "final") {
      const dep = missing.job;
      if (await this.recovery.retrainForCheckpoint(dep, this.states, this.byId.has(dep))) {
        this.reopen(dep);
        this.requeued = true;
      }
    }
    return false;
  }

  /** A finished job goes back to the front of the queue, to be redone. */
  private reopen(jobId: string): void {
    this.states.set(jobId, "waiting");
    this.pending.unshift(this.byId.get(jobId)!);
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
    this.removePending(job.id);
    const slot = this.freeSlots.shift()!;
    const attempts = await beginAttempt(this.options.store, job, (message) => this.log(job.id, message));
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
        if (!retried && this.stopping === "no" && (await this.recovery.setAsideOwnCheckpoint(job, outcome))) {
          await continueAttempt(store, job.id, attempts + 1);
          this.launch(job, slot, lock, attempts + 1, true);
          return;
        }
        const dependency =
          this.stopping === "no"
            ? await this.recovery.reopenDependency(job, outcome, this.states, (id) => this.byId.has(id))
            : null;
        if (dependency !== null) {
          if (this.states.get(dependency) === "done") this.reopen(dependency);
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

  private async requeue(job: Job, slot: number, lock: Lock, attempts: number, dependency: string): Promise<void> {
    await recordWaiting(this.options.store, job.id, attempts, `waits for ${dependency} to be redone`);
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
    try {
      await recordOutcome(this.options.store, job.id, attempts, outcome);
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
