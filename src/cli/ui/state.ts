/**
 * What the run views show, folded from executor events. Pure: the clock is an
 * argument, so views and tests see the same numbers for the same events.
 */

import type { ExecutorEvent, JobState, JobSummary } from "../../runtime/executor-events.js";
import type { EpochMetric, JobOutcome } from "../../runtime/job-api.js";

export interface RunningJob {
  summary: JobSummary;
  worker: number;
  epochs: number;
  batchesPerEpoch: number;
  /** Epoch in progress (1-based) and batches finished in it. */
  epoch: number;
  batch: number;
  imagesPerSec: number | null;
  /** Latest metrics of a finished epoch, one per test adversary. */
  metrics: EpochMetric[];
  resumedFrom: string | null;
  /** First progress seen in this process, so resumed work does not inflate the rate. */
  origin: { at: number; done: number } | null;
  /** Progress in batches, and when it was last observed. */
  done: number;
  at: number;
}

export interface LogEntry {
  jobId: string;
  label: string;
  outcome: JobOutcome;
}

export interface RunState {
  backend: string | null;
  workers: number;
  /** Every job of the plan, with its latest state. */
  jobs: Map<string, JobSummary>;
  running: Map<string, RunningJob>;
  log: LogEntry[];
  stopping: { immediate: boolean } | null;
  finished: { counts: Record<JobState, number>; seconds: number } | null;
  startedAt: number;
  /** Work finished by jobs that ended in this process, in weighted epochs (see epochWeight). */
  epochsFinished: number;
  /**
   * Relative cost of one epoch of a job (e.g. image passes per epoch, from the plan), so
   * that a PGD-8 epoch counts for more than a clean one in the plan's ETA. Absent: 1.
   */
  epochCost: ReadonlyMap<string, number>;
}

export function initialState(now: number, epochCost: ReadonlyMap<string, number> = new Map()): RunState {
  return {
    backend: null,
    workers: 0,
    jobs: new Map(),
    running: new Map(),
    log: [],
    stopping: null,
    finished: null,
    startedAt: now,
    epochsFinished: 0,
    epochCost,
  };
}

export function applyEvent(state: RunState, event: ExecutorEvent, now: number): RunState {
  switch (event.type) {
    case "plan":
      return {
        ...state,
        backend: event.backend,
        workers: event.workers,
        jobs: new Map(event.jobs.map((job) => [job.id, job])),
        startedAt: now,
      };
    case "job-start":
      return startJob(state, event.jobId, event.worker, now);
    case "job-progress":
      return progress(state, event.event, now);
    case "job-end":
      return endJob(state, event.jobId, event.outcome);
    case "stopping":
      return { ...state, stopping: { immediate: event.immediate } };
    case "finish":
      return { ...state, finished: { counts: event.counts, seconds: event.seconds } };
  }
}

function summaryOf(state: RunState, jobId: string): JobSummary {
  return state.jobs.get(jobId) ?? { id: jobId, kind: "dense", label: jobId, epochs: 0, state: "waiting" };
}

function withJobState(state: RunState, jobId: string, jobState: JobState): Map<string, JobSummary> {
  const jobs = new Map(state.jobs);
  jobs.set(jobId, { ...summaryOf(state, jobId), state: jobState });
  return jobs;
}

function startJob(state: RunState, jobId: string, worker: number, now: number): RunState {
  const summary = { ...summaryOf(state, jobId), state: "running" as const };
  const running = new Map(state.running);
  running.set(jobId, {
    summary,
    worker,
    epochs: summary.epochs,
    batchesPerEpoch: 0,
    epoch: 0,
    batch: 0,
    imagesPerSec: null,
    metrics: [],
    resumedFrom: null,
    origin: null,
    done: 0,
    at: now,
  });
  return { ...state, jobs: withJobState(state, jobId, "running"), running };
}

type JobEvent = Extract<ExecutorEvent, { type: "job-progress" }>["event"];

function progress(state: RunState, event: JobEvent, now: number): RunState {
  const job = state.running.get(event.jobId) ?? startJob(state, event.jobId, 0, now).running.get(event.jobId)!;
  const next = updateJob(job, event, now);
  if (next === job) return state;
  const running = new Map(state.running);
  running.set(event.jobId, next);
  return { ...state, running };
}

function updateJob(job: RunningJob, event: JobEvent, now: number): RunningJob {
  switch (event.type) {
    case "start":
      return { ...job, epochs: event.epochs, batchesPerEpoch: event.batchesPerEpoch, resumedFrom: event.resumedFrom };
    case "batch":
      return observe({ ...job, epoch: event.epoch, batch: event.batch, imagesPerSec: event.imagesPerSec }, event, now);
    case "epoch":
      return observeEpoch({ ...job, metrics: event.metrics }, event.epoch, now);
    default:
      return job;
  }
}

function observe(job: RunningJob, event: { epoch: number; batch: number; batches: number }, now: number): RunningJob {
  const batchesPerEpoch = event.batches > 0 ? event.batches : job.batchesPerEpoch;
  const done = Math.max(0, event.epoch - 1) * batchesPerEpoch + event.batch;
  return { ...job, batchesPerEpoch, done, at: now, origin: job.origin ?? { at: now, done } };
}

function observeEpoch(job: RunningJob, epoch: number, now: number): RunningJob {
  const done = epoch * job.batchesPerEpoch;
  return { ...job, epoch: epoch + 1, batch: 0, done, at: now, origin: job.origin ?? { at: now, done } };
}

function endJob(state: RunState, jobId: string, outcome: JobOutcome): RunState {
  const running = new Map(state.running);
  const job = running.get(jobId);
  running.delete(jobId);
  const label = job?.summary.label ?? summaryOf(state, jobId).label;
  const trained = job && job.batchesPerEpoch > 0 && job.origin ? (job.done - job.origin.done) / job.batchesPerEpoch : 0;
  return {
    ...state,
    jobs: withJobState(state, jobId, outcome.status),
    running,
    log: [...state.log, { jobId, label, outcome }],
    epochsFinished:
      state.epochsFinished + (outcome.status === "done" ? Math.max(0, trained) * epochWeight(state, jobId) : 0),
  };
}

/** Jobs per state, from the plan's summaries. */
export function countStates(state: RunState): Record<JobState, number> {
  const counts: Record<JobState, number> = { waiting: 0, running: 0, done: 0, failed: 0, interrupted: 0 };
  for (const job of state.jobs.values()) counts[job.state] += 1;
  return counts;
}

/** Fraction of a running job's batches that are done, in [0, 1]. */
export function jobFraction(job: RunningJob): number {
  const total = job.epochs * job.batchesPerEpoch;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, job.done / total));
}

/** Batches per second this process has measured for a job, or null before two observations. */
function batchRate(job: RunningJob): number | null {
  if (!job.origin || job.at <= job.origin.at || job.done <= job.origin.done) return null;
  return (job.done - job.origin.done) / ((job.at - job.origin.at) / 1000);
}

/** Seconds left for a running job at its measured rate, or null while unknown. */
export function jobEta(job: RunningJob): number | null {
  const rate = batchRate(job);
  if (rate === null) return null;
  return Math.max(0, job.epochs * job.batchesPerEpoch - job.done) / rate;
}

function epochWeight(state: RunState, jobId: string): number {
  return state.epochCost.get(jobId) ?? 1;
}

/**
 * Seconds left for the whole plan: epochs not yet trained divided by the epochs
 * per second this process has achieved across all workers, each epoch weighted by its
 * job's epoch cost when known. Null until measured.
 */
export function planEta(state: RunState, now: number): number | null {
  if (state.jobs.size === 0) return null;
  const elapsed = (now - state.startedAt) / 1000;
  let trained = state.epochsFinished;
  let remaining = 0;
  for (const job of state.jobs.values()) {
    if (job.state === "waiting" || job.state === "interrupted") remaining += job.epochs * epochWeight(state, job.id);
  }
  for (const [id, job] of state.running) {
    const weight = epochWeight(state, id);
    if (job.batchesPerEpoch <= 0) {
      remaining += job.summary.epochs * weight;
      continue;
    }
    const origin = job.origin?.done ?? job.done;
    trained += ((job.done - origin) / job.batchesPerEpoch) * weight;
    remaining += Math.max(0, job.epochs - job.done / job.batchesPerEpoch) * weight;
  }
  if (remaining === 0) return 0;
  if (trained <= 0 || elapsed <= 0) return null;
  return remaining / (trained / elapsed);
}
