/**
 * `lthc run --on slurm`: every unfinished plan job becomes one sbatch (a dense
 * run that dependents need before its end becomes several, one per such
 * checkpoint), plan dependencies become `--dependency=afterok`, and the local
 * executor's critical-path priority becomes `--nice`. Slurm does the scheduling.
 *
 * Submissions are recorded in the store under a store-wide lock, and jobs that
 * Slurm still holds (pending, running, requeued) are not submitted again, so two
 * concurrent `lthc run --on slurm` of one plan submit each job once.
 */
import { join } from "node:path";
import type { TrainTime } from "../../core/config.js";
import type { Job, Plan, WeightsRef } from "../../core/plan-types.js";
import { UserError } from "../../core/user-error.js";
import { criticalPathCosts } from "../executor/priority.js";
import { Readiness } from "../executor/readiness.js";
import { repeatingFailure } from "../executor/records.js";
import { Recovery } from "../executor/recovery.js";
import type { JobState } from "../executor-events.js";
import { tryLock } from "../store/lock.js";
import type { RunStore } from "../store/store.js";
import { exitCode, isActive, jobStates, type SlurmJobState, sbatch } from "./commands.js";
import { readRecord, type SlurmPart, type SlurmRecord, slurmLogPath, slurmLogPattern, writeRecord } from "./record.js";
import { resourceArgs, type SlurmSettings } from "./settings.js";

export interface SubmitOptions {
  plan: Pick<Plan, "jobs" | "points">;
  store: RunStore;
  settings: SlurmSettings;
  /** Submit again jobs whose recorded failure would repeat (diverged). */
  retryFailed: boolean;
  /** The command a Slurm job runs, before `slurm-job …` (e.g. [node, …/cli/main.js]). */
  lthc: string[];
  /** Passed on to each job: the tfjs backend and where datasets live. */
  backend?: string;
  dataDir?: string;
}

export interface Submitted {
  jobId: string;
  slurmId: string;
  name: string;
  /** The Slurm ids it waits for. */
  after: string[];
}

export interface SubmitResult {
  submitted: Submitted[];
  /** Jobs Slurm already holds for this store (pending or running): not submitted again. */
  inSlurm: { jobId: string; slurmIds: string[] }[];
  done: number;
  /** Jobs left out, and why (a failure that would repeat, a dependency left out). */
  notSubmitted: { jobId: string; reason: string }[];
  /** Failures found in Slurm and recorded in the store by this call. */
  recorded: { jobId: string; reason: string }[];
}

const LOCK_WAIT_MS = 120_000;

/** Run `body` holding the store's submission lock (waiting for a concurrent submission to finish). */
export async function withSubmitLock<T>(storeDir: string, body: () => Promise<T>): Promise<T> {
  const path = join(storeDir, "slurm-submit.lock");
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const lock = await tryLock(path);
    if (lock !== null) {
      try {
        return await body();
      } finally {
        await lock.release();
      }
    }
    if (Date.now() > deadline) {
      throw new UserError(
        `another lthc run --on slurm has held ${path} for over ${LOCK_WAIT_MS / 1000} s`,
        "wait for it to finish; a lock left by a dead process is broken automatically",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The sweep a job belongs to (the first that uses it), for Slurm job names. */
export function sweepOfJobs(plan: Pick<Plan, "jobs" | "points">): Map<string, string> {
  const byId = new Map(plan.jobs.map((j) => [j.id, j]));
  const sweep = new Map<string, string>();
  const mark = (id: string, name: string) => {
    if (sweep.has(id)) return;
    sweep.set(id, name);
    for (const dep of byId.get(id)?.dependsOn ?? []) mark(dep, name);
  };
  for (const point of plan.points) {
    if (point.sparse) mark(point.sparse, point.sweep);
    mark(point.dense, point.sweep);
  }
  return sweep;
}

/** `lthc:<sweep>:<kind>:<short id>`, and `@e<epoch>` for a dense part that ends at a checkpoint. */
export function slurmJobName(job: Job, sweep: string | undefined, until: TrainTime | null): string {
  const at = until === null ? "" : `@e${until.epoch}${until.step > 0 ? `s${until.step}` : ""}`;
  // Ids are "<kind>-<hash>-r<replicate>": the hash's first 8 digits and the replicate say which.
  const short = job.id.replace(`${job.kind}-`, "").replace(/^(\w{8})\w*/, "$1");
  return `lthc:${sweep ?? "plan"}:${job.kind}:${short}${at}`;
}

const sameTime = (a: TrainTime, b: TrainTime) => a.epoch === b.epoch && a.step === b.step;
const before = (a: TrainTime, b: TrainTime) => a.epoch < b.epoch || (a.epoch === b.epoch && a.step < b.step);

/**
 * The checkpoints of a dense run that other unfinished jobs need before its end
 * and that do not exist yet, in training order: the dense run is submitted in
 * parts that end there, so those jobs start as soon as their part is done, as
 * they do under the local executor.
 */
export async function splitTimes(job: Job, plan: Pick<Plan, "jobs">, readiness: Readiness): Promise<TrainTime[]> {
  if (job.kind !== "dense") return [];
  const end = { epoch: job.config.schedule.epochs, step: 0 };
  const times: TrainTime[] = [];
  for (const other of plan.jobs) {
    for (const ref of other.needs) {
      if (ref.job !== job.id || ref.at === "final") continue;
      const at = ref.at;
      if (!before(at, end) || times.some((t) => sameTime(t, at))) continue;
      if (await readiness.exists(ref)) continue;
      times.push(at);
    }
  }
  return times.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
}

/** The part of a dependency that produces `ref`: the one ending at its time, or the last. */
function producingPart(parts: readonly SlurmPart[], ref: WeightsRef): SlurmPart | undefined {
  const at = ref.at;
  if (at !== "final") {
    const part = parts.find((p) => p.until !== null && sameTime(p.until, at));
    if (part) return part;
  }
  return parts.at(-1);
}

/** Single-quote for sh. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The batch script of one part: exec, so that Slurm's signals reach lthc itself. */
function batchScript(options: SubmitOptions, job: Job, until: TrainTime | null): string {
  const args = [...options.lthc, "slurm-job", "--store", options.store.dir, "--job", job.id];
  if (until !== null) args.push("--until", `${until.epoch}.${until.step}`);
  if (options.backend) args.push("--backend", options.backend);
  if (options.dataDir) args.push("--data-dir", options.dataDir);
  return `#!/bin/sh\nexec ${args.map(shellQuote).join(" ")}\n`;
}

/**
 * A job whose Slurm jobs all ended while the store still says it is running was
 * killed without being able to say so (time limit, memory, node failure,
 * `scancel --signal=KILL`): record that as its failure, with Slurm's state, exit
 * code and log, as a local failure would be. Returns the reason, or null.
 */
export async function recordSlurmEnd(
  store: RunStore,
  job: Job,
  record: SlurmRecord,
  states: ReadonlyMap<string, SlurmJobState>,
): Promise<string | null> {
  if (record.parts.some((p) => isActive(states.get(p.slurmId)))) return null;
  const status = await store.readStatus(job.id);
  if (status.kind !== "ok" || status.value.state !== "running") return null;
  const part = record.parts.find((p) => states.get(p.slurmId)?.state !== "COMPLETED") ?? record.parts.at(-1);
  if (part === undefined) return null;
  const reason = await slurmEndReason(store, job.id, part.slurmId, states.get(part.slurmId));
  await store.writeStatus(job.id, { state: "failed", attempts: status.value.attempts, reason });
  return reason;
}

export async function slurmEndReason(
  store: RunStore,
  jobId: string,
  slurmId: string,
  state: SlurmJobState | undefined,
): Promise<string> {
  const code = state ? await exitCode(slurmId) : null;
  const how = state ? `ended ${state.state}${code ? ` (exit code ${code})` : ""}` : "is no longer known to Slurm";
  return `Slurm job ${slurmId} ${how} before the job finished; log: ${slurmLogPath(store.paths(jobId).dir, slurmId)}`;
}

/** Submit what of the plan is neither finished nor held by Slurm. */
export async function submitPlan(options: SubmitOptions): Promise<SubmitResult> {
  return withSubmitLock(options.store.dir, () => submitLocked(options));
}

async function submitLocked(options: SubmitOptions): Promise<SubmitResult> {
  const { plan, store } = options;
  const result: SubmitResult = { submitted: [], inSlurm: [], done: 0, notSubmitted: [], recorded: [] };
  const records = new Map<string, SlurmRecord | null>();
  const done = new Set<string>();
  for (const job of plan.jobs) if (await store.isDone(job.id)) done.add(job.id);
  // The same questions, and the same recovery, as the local executor's.
  const readiness = new Readiness(store);
  const recovery = new Recovery(store, readiness, () => {});
  const storeStates = new Map<string, JobState>([...done].map((id) => [id, "done"]));
  for (const job of plan.jobs) {
    if (done.has(job.id)) continue;
    for (const ref of await readiness.missing(job)) {
      // A dense run finished for another plan without a checkpoint this one needs: it trains again (same result).
      if (ref.at !== "final" && (await recovery.retrainForCheckpoint(ref.job, storeStates, done.has(ref.job)))) {
        done.delete(ref.job);
        storeStates.delete(ref.job);
      }
    }
  }
  for (const job of plan.jobs) if (!done.has(job.id)) records.set(job.id, await readRecord(store.paths(job.id).dir));
  result.done = done.size;
  const ids = [...records.values()].flatMap((r) => r?.parts.map((p) => p.slurmId) ?? []);
  const states = await jobStates(ids);
  const sweeps = sweepOfJobs(plan);
  const priority = criticalPathCosts(plan.jobs);
  const maxCost = Math.max(1, ...priority.values());
  /** Parts each job has in Slurm (held or just submitted). */
  const planned = new Map<string, SlurmPart[]>();
  const leftOut = new Map<string, string>();
  const fresh = new Set<string>();

  for (const job of plan.jobs) {
    if (done.has(job.id)) continue;
    const record = records.get(job.id) ?? null;
    if (record !== null) {
      if (record.parts.some((p) => isActive(states.get(p.slurmId)))) {
        planned.set(job.id, record.parts);
        result.inSlurm.push({ jobId: job.id, slurmIds: record.parts.map((p) => p.slurmId) });
        continue;
      }
      const reason = await recordSlurmEnd(store, job, record, states);
      if (reason !== null) result.recorded.push({ jobId: job.id, reason });
    }
    const repeating = options.retryFailed ? null : await repeatingFailure(store, job.id);
    if (repeating !== null) {
      const reason = `${repeating} (would fail again; --retry-failed submits it anyway)`;
      leftOut.set(job.id, reason);
      result.notSubmitted.push({ jobId: job.id, reason });
      continue;
    }
    const after: string[] = [];
    let blockedBy: string | null = null;
    for (const ref of await readiness.missing(job)) {
      const parts = planned.get(ref.job);
      if (parts === undefined) {
        // A finished dependency lacking the artifact is the job's own executor's to report.
        if (leftOut.has(ref.job)) blockedBy = ref.job;
        continue;
      }
      const part = producingPart(parts, ref);
      // Only a part submitted now or still held can be waited for: Slurm refuses ids it has forgotten.
      const waitable = part !== undefined && (fresh.has(part.slurmId) || isActive(states.get(part.slurmId)));
      if (waitable && !after.includes(part.slurmId)) after.push(part.slurmId);
    }
    if (blockedBy !== null) {
      const reason = `dependency ${blockedBy} is not submitted`;
      leftOut.set(job.id, reason);
      result.notSubmitted.push({ jobId: job.id, reason });
      continue;
    }
    await store.prepareJob(job);
    const nice = Math.round(1000 * (1 - (priority.get(job.id) ?? 0) / maxCost));
    const parts: SlurmPart[] = [];
    const ends: (TrainTime | null)[] = [...(await splitTimes(job, plan, readiness)), null];
    for (const until of ends) {
      const waits = parts.length === 0 ? after : [parts.at(-1)!.slurmId];
      const name = slurmJobName(job, sweeps.get(job.id), until);
      const dir = store.paths(job.id).dir;
      const args = [
        `--job-name=${name}`,
        `--output=${slurmLogPattern(dir)}`,
        "--open-mode=append",
        `--chdir=${store.dir}`,
        "--requeue",
        "--kill-on-invalid-dep=yes",
        `--nice=${nice}`,
        ...(waits.length > 0 ? [`--dependency=afterok:${waits.join(":")}`] : []),
        ...resourceArgs(options.settings),
      ];
      const slurmId = await sbatch(args, batchScript(options, job, until));
      fresh.add(slurmId);
      parts.push({ slurmId, until, submittedAt: new Date().toISOString() });
      // Recorded after every sbatch: a crash between two parts must not lead to the first being submitted twice.
      await writeRecord(dir, { parts, job });
      result.submitted.push({ jobId: job.id, slurmId, name, after: waits });
    }
    planned.set(job.id, parts);
  }
  return result;
}
