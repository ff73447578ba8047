/**
 * The run store: one directory per job, named by its content-hash id, shared by
 * every spec and every `lthc run` process that points at it. Reads never throw on
 * a damaged file; they report it so that the job can be redone.
 */
import { mkdir, readdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Job, WeightsRef } from "../../core/plan-types.js";
import { writeFileAtomic } from "../atomic.js";
import type { EpochMetric } from "../job-api.js";
import { type JsonRead, quarantine, readJsonFile } from "./json-file.js";
import { type JobPaths, jobPaths, keptCheckpointPath } from "./layout.js";
import { inspectLock, type Lock, type LockState, tryLock } from "./lock.js";
import type { DoneOutcome, JobRecord, JobStatusRecord, StoreProblem } from "./types.js";
import { jobProblem, metricsProblem, resultProblem, statusProblem } from "./validate.js";

export interface RunStore {
  readonly dir: string;
  paths(jobId: string): JobPaths;
  /** Ids of every job directory in the store, sorted. */
  listJobIds(): Promise<string[]>;
  readJobRecord(jobId: string): Promise<JobRecord>;
  readResult(jobId: string): Promise<JsonRead<DoneOutcome>>;
  readStatus(jobId: string): Promise<JsonRead<JobStatusRecord>>;
  readMetrics(jobId: string): Promise<JsonRead<EpochMetric[]>>;
  /** True when the job's result.json exists and validates: such a job is never run again. */
  isDone(jobId: string): Promise<boolean>;
  /** Create the job's directory and job.json (kept if already there). */
  prepareJob(job: Job): Promise<void>;
  writeStatus(jobId: string, status: Omit<JobStatusRecord, "updatedAt">): Promise<void>;
  writeResult(jobId: string, outcome: DoneOutcome): Promise<void>;
  /** Move damaged status/metrics/result files aside (`*.corrupt-<time>`) and say which they were. */
  quarantineDamaged(jobId: string): Promise<StoreProblem[]>;
  lockState(jobId: string): Promise<LockState>;
  /** Take the job's lock; null when a live process holds it. */
  tryLock(jobId: string): Promise<Lock | null>;
  /** Whether the weights `ref` points at can be read now. */
  artifactExists(ref: WeightsRef): Promise<boolean>;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

export function openStore(dir: string): RunStore {
  const root = resolve(dir);
  const paths = (jobId: string) => jobPaths(root, jobId);
  const readResult = (id: string) => readJsonFile<DoneOutcome>(paths(id).result, resultProblem);
  const readStatus = (id: string) => readJsonFile<JobStatusRecord>(paths(id).status, statusProblem);
  const readMetrics = (id: string) => readJsonFile<EpochMetric[]>(paths(id).metrics, metricsProblem);
  const readJob = (id: string) => readJsonFile<Job>(paths(id).job, jobProblem);
  const isDone = async (id: string) => (await readResult(id)).kind === "ok";

  return {
    dir: root,
    paths,
    async listJobIds() {
      try {
        return (await readdir(resolve(root, "jobs"))).sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
      }
    },
    async readJobRecord(id) {
      const [job, status, metrics, result] = await Promise.all([
        readJob(id),
        readStatus(id),
        readMetrics(id),
        readResult(id),
      ]);
      const problems: StoreProblem[] = [];
      const note = (file: StoreProblem["file"], read: JsonRead<unknown>) => {
        if (read.kind === "corrupt") problems.push({ file, reason: read.reason });
      };
      note("job.json", job);
      note("status.json", status);
      note("metrics.json", metrics);
      note("result.json", result);
      const done = result.kind === "ok" ? result.value : null;
      return {
        id,
        job: job.kind === "ok" ? job.value : null,
        status: status.kind === "ok" ? status.value : null,
        metrics: done ? done.metrics : metrics.kind === "ok" ? metrics.value : [],
        result: done,
        problems,
      };
    },
    readResult,
    readStatus,
    readMetrics,
    isDone,
    async prepareJob(job) {
      const p = paths(job.id);
      await mkdir(p.dir, { recursive: true });
      if ((await readJob(job.id)).kind !== "ok") await writeFileAtomic(p.job, `${JSON.stringify(job, null, 2)}\n`);
    },
    async writeStatus(id, status) {
      const record: JobStatusRecord = { ...status, updatedAt: new Date().toISOString() };
      await writeFileAtomic(paths(id).status, `${JSON.stringify(record, null, 2)}\n`);
    },
    async writeResult(id, outcome) {
      await writeFileAtomic(paths(id).result, `${JSON.stringify(outcome, null, 2)}\n`);
    },
    async quarantineDamaged(id) {
      const p = paths(id);
      const checks: [StoreProblem["file"], string, () => Promise<JsonRead<unknown>>][] = [
        ["status.json", p.status, () => readStatus(id)],
        ["metrics.json", p.metrics, () => readMetrics(id)],
        ["result.json", p.result, () => readResult(id)],
        ["job.json", p.job, () => readJob(id)],
      ];
      const problems: StoreProblem[] = [];
      for (const [file, path, read] of checks) {
        const found = await read();
        if (found.kind !== "corrupt") continue;
        const aside = await quarantine(path);
        problems.push({ file, reason: `${found.reason}; moved to ${aside}` });
      }
      return problems;
    },
    lockState: (id) => inspectLock(paths(id).lock),
    tryLock: async (id) => {
      await mkdir(paths(id).dir, { recursive: true });
      return tryLock(paths(id).lock);
    },
    async artifactExists(ref) {
      if (ref.at === "final") return isDone(ref.job);
      // A finished run may still lack this checkpoint: keep lists are not part of its identity.
      return exists(keptCheckpointPath(paths(ref.job).dir, ref.at));
    },
  };
}

export type { Lock, LockState } from "./lock.js";
export type { DoneOutcome, JobRecord, JobStatusRecord, StoreProblem } from "./types.js";
