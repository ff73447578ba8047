/**
 * `lthc run --on slurm --wait`: follow the plan's Slurm jobs to the end by
 * reading the store (status, metrics, results, which the jobs write on whatever
 * node they run) and asking Slurm which jobs it still holds. It turns what it
 * sees into the executor's events, so the usual UI (Ink, plain lines, JSON)
 * shows the run as if it were local.
 */
import type { Job } from "../../core/plan-types.js";
import type { ExecuteResult } from "../executor/executor.js";
import type { ExecutorEvent, JobState } from "../executor-events.js";
import type { EpochMetric, JobOutcome } from "../job-api.js";
import { jobLabel, jobSummary } from "../job-labels.js";
import type { RunStore } from "../store/store.js";
import { isActive, jobStates, type SlurmJobState } from "./commands.js";
import { readRecord, type SlurmRecord } from "./record.js";
import { recordSlurmEnd } from "./submit.js";

export interface FollowOptions {
  plan: { jobs: Job[] };
  store: RunStore;
  onEvent(event: ExecutorEvent): void;
  /** Jobs not submitted and why (shown as failed, as the local executor shows failures that would repeat). */
  notSubmitted: ReadonlyMap<string, string>;
  /** Slurm jobs submitted or held, for the header line. */
  slurmJobs: number;
  pollMs?: number;
  /** The command that submits the plan again, as failure reasons tell it (default: `lthc run --on slurm`). */
  rerun?: string;
  /** Aborted: stop following (the Slurm jobs go on). */
  signal?: AbortSignal;
}

interface Seen {
  state: JobState;
  epochs: number;
}

export async function followPlan(options: FollowOptions): Promise<ExecuteResult> {
  const { plan, store, onEvent } = options;
  const started = Date.now();
  const seen = new Map<string, Seen>();
  const byId = new Map(plan.jobs.map((j) => [j.id, j]));
  for (const job of plan.jobs) {
    const done = await store.isDone(job.id);
    seen.set(job.id, { state: done ? "done" : options.notSubmitted.has(job.id) ? "failed" : "waiting", epochs: 0 });
  }
  onEvent({
    type: "plan",
    jobs: plan.jobs.map((job) => jobSummary(job, seen.get(job.id)!.state)),
    workers: options.slurmJobs,
    backend: "slurm",
  });
  for (const [jobId, reason] of options.notSubmitted) {
    onEvent({ type: "job-end", jobId, outcome: { status: "failed", reason } });
  }
  let slot = 0;
  let unanswered = 0;
  const open = () =>
    plan.jobs.filter((j) => {
      const state = seen.get(j.id)!.state;
      return state === "waiting" || state === "running";
    });
  while (open().length > 0 && !options.signal?.aborted) {
    const jobs = open();
    const records = new Map<string, SlurmRecord | null>();
    for (const job of jobs) records.set(job.id, await readRecord(store.paths(job.id).dir));
    const ids = [...records.values()].flatMap((r) => r?.parts.map((p) => p.slurmId) ?? []);
    const slurm = await askSlurm(ids, unanswered);
    if (slurm === null) {
      // The controller does not answer (restarting, overloaded): judge nothing until it does.
      unanswered++;
      await sleep(options.pollMs ?? 2000, options.signal);
      continue;
    }
    unanswered = 0;
    for (const job of jobs) {
      const s = seen.get(job.id)!;
      const record = records.get(job.id) ?? null;
      const active = record?.parts.some((p) => isActive(slurm.get(p.slurmId))) ?? false;
      const result = await store.readResult(job.id);
      const status = await store.readStatus(job.id);
      const running = result.kind === "ok" || (status.kind === "ok" && status.value.state === "running");
      if (running && s.state === "waiting") {
        s.state = "running";
        onEvent({ type: "job-start", jobId: job.id, worker: slot++ });
      }
      if (s.state === "running") s.epochs = await emitEpochs(store, job, s.epochs, onEvent);
      let outcome: JobOutcome | null = null;
      if (result.kind === "ok") outcome = result.value;
      else if (!active) {
        // Nothing of it is left in Slurm and it did not finish: say why, recording a kill the job could not.
        if (record !== null) await recordSlurmEnd(store, job, record, slurm);
        const after = await store.readStatus(job.id);
        outcome = {
          status: "failed",
          reason: failureReason(job, after.kind === "ok" ? after.value : null, seen, byId, options.rerun),
        };
      }
      if (outcome !== null) {
        s.state = outcome.status === "done" ? "done" : "failed";
        onEvent({ type: "job-end", jobId: job.id, outcome });
      }
    }
    if (open().length > 0) await sleep(options.pollMs ?? 2000, options.signal);
  }
  const counts: Record<JobState, number> = { waiting: 0, running: 0, done: 0, failed: 0, interrupted: 0 };
  const failed: string[] = [];
  for (const [id, s] of seen) {
    counts[s.state]++;
    if (s.state === "failed") failed.push(id);
  }
  onEvent({ type: "finish", counts, seconds: (Date.now() - started) / 1000 });
  const interrupted = options.signal?.aborted === true;
  return { counts, failed, interrupted, exitCode: interrupted ? 130 : failed.length > 0 ? 1 : 0 };
}

function failureReason(
  job: Job,
  status: { state: JobState; reason?: string } | null,
  seen: ReadonlyMap<string, Seen>,
  byId: ReadonlyMap<string, Job>,
  rerun = "`lthc run --on slurm`",
): string {
  if (status?.state === "failed") return status.reason ?? "failed";
  const dep = job.dependsOn.find((d) => seen.get(d)?.state === "failed");
  if (dep !== undefined) {
    const label = byId.get(dep);
    return `skipped: dependency ${label ? jobLabel(label) : dep} [${dep}] failed`;
  }
  return `no longer in Slurm and not finished${status?.reason ? ` (${status.reason})` : ""}; ${rerun} submits it again`;
}

/** Epoch events for the epochs metrics.json shows beyond `known`; returns the new count. */
async function emitEpochs(
  store: RunStore,
  job: Job,
  known: number,
  onEvent: (event: ExecutorEvent) => void,
): Promise<number> {
  const read = await store.readMetrics(job.id);
  if (read.kind !== "ok") return known;
  const byEpoch = new Map<number, EpochMetric[]>();
  for (const m of read.value) if (m.epoch > 0) byEpoch.set(m.epoch, [...(byEpoch.get(m.epoch) ?? []), m]);
  const epochs = [...byEpoch.keys()].sort((a, b) => a - b).filter((e) => e > known);
  for (const epoch of epochs) {
    onEvent({ type: "job-progress", event: { type: "epoch", jobId: job.id, epoch, metrics: byEpoch.get(epoch)! } });
  }
  return Math.max(known, ...epochs);
}

/** Polls in a row that may go unanswered before --wait gives up (about two minutes at the default poll). */
const MAX_UNANSWERED = 60;

/** squeue's answer, or null when it failed and may answer later; its error once it has failed too often. */
async function askSlurm(ids: string[], unanswered: number): Promise<Map<string, SlurmJobState> | null> {
  try {
    return await jobStates(ids);
  } catch (error) {
    if (unanswered >= MAX_UNANSWERED) throw error;
    return null;
  }
}

/**
 * Waits ms, or until signal aborts. The abort listener is removed when the timer fires:
 * one long --wait sleeps hundreds of times on one signal, and listeners left behind pile
 * up (Node warns with MaxListenersExceededWarning past 10).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
