/**
 * Where a plan stands in a store, without running anything: done, running (held
 * by a live process), failed, or left, per kind and per sweep.
 */
import type { Job, Plan } from "../../core/plan-types.js";
import { jobEpochs, jobLabel } from "../job-labels.js";
import type { RunStore } from "./store.js";

export type Progress = "done" | "running" | "failed" | "left";

export interface JobProgress {
  id: string;
  kind: Job["kind"];
  label: string;
  state: Progress;
  /** Epochs with metrics so far, and epochs the job trains. */
  epochsDone: number;
  epochs: number;
  attempts: number;
  /** Why it failed, or who holds it ("pid 123 on host"). */
  detail?: string;
  /** Damaged files in its directory (redone on the next run). */
  problems: string[];
}

export type Counts = Record<Progress, number> & { total: number };

export interface PlanProgress {
  store: string;
  jobs: JobProgress[];
  total: Counts;
  byKind: Record<Job["kind"], Counts>;
  bySweep: Record<string, Counts>;
}

const emptyCounts = (): Counts => ({ done: 0, running: 0, failed: 0, left: 0, total: 0 });

async function jobProgress(store: RunStore, job: Job): Promise<JobProgress> {
  const record = await store.readJobRecord(job.id);
  const lock = await store.lockState(job.id);
  const epochsDone = new Set(record.metrics.filter((m) => m.epoch > 0).map((m) => m.epoch)).size;
  const base = {
    id: job.id,
    kind: job.kind,
    label: jobLabel(job),
    epochsDone,
    epochs: jobEpochs(job),
    attempts: record.status?.attempts ?? 0,
    problems: record.problems.map((p) => `${p.file}: ${p.reason}`),
  };
  if (record.result) return { ...base, state: "done" };
  if (lock.held && lock.live)
    return { ...base, state: "running", detail: `pid ${lock.owner.pid} on ${lock.owner.host}` };
  if (record.status?.state === "failed") {
    const repeats = record.status.deterministic ? " (would fail again: not retried without --retry-failed)" : "";
    return { ...base, state: "failed", detail: `${record.status.reason ?? "no reason recorded"}${repeats}` };
  }
  return { ...base, state: "left" };
}

/** Each sweep's jobs: its points' dense and sparse jobs and everything they depend on. */
function sweepsOf(plan: Plan): Map<string, Set<string>> {
  const byId = new Map(plan.jobs.map((j) => [j.id, j]));
  const sweeps = new Map<string, Set<string>>();
  const add = (ids: Set<string>, id: string) => {
    if (ids.has(id)) return;
    ids.add(id);
    for (const dep of byId.get(id)?.dependsOn ?? []) add(ids, dep);
  };
  for (const point of plan.points) {
    let ids = sweeps.get(point.sweep);
    if (!ids) {
      ids = new Set();
      sweeps.set(point.sweep, ids);
    }
    add(ids, point.dense);
    if (point.sparse) add(ids, point.sparse);
  }
  return sweeps;
}

export async function planProgress(store: RunStore, plan: Plan): Promise<PlanProgress> {
  const jobs: JobProgress[] = [];
  for (const job of plan.jobs) jobs.push(await jobProgress(store, job));
  const total = emptyCounts();
  const byKind = { dense: emptyCounts(), mask: emptyCounts(), sparse: emptyCounts() };
  const count = (c: Counts, j: JobProgress) => {
    c[j.state]++;
    c.total++;
  };
  for (const j of jobs) {
    count(total, j);
    count(byKind[j.kind], j);
  }
  const states = new Map(jobs.map((j) => [j.id, j]));
  for (const job of plan.jobs) {
    const progress = states.get(job.id)!;
    const failed = job.dependsOn.find((d) => {
      const dep = states.get(d);
      return dep?.state === "failed" || (dep?.state === "left" && dep.detail?.startsWith("blocked"));
    });
    if (progress.state === "left" && failed !== undefined) progress.detail = `blocked: dependency ${failed} failed`;
  }
  const bySweep: Record<string, Counts> = {};
  for (const [sweep, ids] of sweepsOf(plan)) {
    const c = emptyCounts();
    for (const id of ids) count(c, states.get(id)!);
    bySweep[sweep] = c;
  }
  return { store: store.dir, jobs, total, byKind, bySweep };
}
