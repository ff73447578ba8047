/** Reads what a plan's points need from a run store and turns it into result rows. */
import type { Plan } from "../../core/plan-types.js";
import { jobLabel } from "../job-labels.js";
import { openStore } from "../store/store.js";
import type { JobStatusRecord } from "../store/types.js";
import { UNRECORDED_ENGINE } from "./markdown.js";
import { type JobData, type ResultRow, resultRows } from "./rows.js";

export interface LoadedResults {
  rows: ResultRow[];
  /** Jobs of the plan with a valid result.json. */
  finishedJobs: number;
  /** Jobs of the plan whose last attempt failed (they have no result). */
  failedJobs: number;
  totalJobs: number;
  /**
   * What computed the finished jobs behind the rows (result.json's `engine`; UNRECORDED_ENGINE
   * for results from before it was recorded), with how many jobs each.
   */
  engines: Map<string, number>;
  /** Damaged store files met on the way (those jobs contribute what could be read). */
  problems: string[];
}

/** The jobs whose records become rows: each point's dense and sparse job, and the sparse jobs' masks. */
function neededJobs(plan: Plan): string[] {
  const jobs = new Map(plan.jobs.map((job) => [job.id, job]));
  const ids = new Set<string>();
  for (const point of plan.points) {
    ids.add(point.dense);
    if (point.sparse === null) continue;
    ids.add(point.sparse);
    const sparse = jobs.get(point.sparse);
    if (sparse?.kind === "sparse") ids.add(sparse.config.mask);
  }
  return [...ids];
}

/** A job without a result whose last recorded state is failed: "blocked" when a dependency's failure skipped it. */
function failureOf(result: unknown, status: JobStatusRecord | null): JobData["failure"] {
  if (result || status?.state !== "failed") return null;
  const reason = status.reason ?? "failed (no reason recorded)";
  return { state: reason.startsWith("skipped:") ? "blocked" : "failed", reason };
}

export async function loadResults(plan: Plan, storeDir: string): Promise<LoadedResults> {
  const store = openStore(storeDir);
  const data = new Map<string, JobData>();
  const problems: string[] = [];
  for (const id of neededJobs(plan)) {
    const record = await store.readJobRecord(id);
    data.set(id, { metrics: record.metrics, result: record.result, failure: failureOf(record.result, record.status) });
    for (const p of record.problems) problems.push(`${id}/${p.file}: ${p.reason}`);
  }
  // The executor records no status for a job it skipped because a dependency failed: derive
  // "blocked" from the dependencies, in plan (topological) order so that chains propagate.
  const failed = new Map<string, boolean>();
  for (const job of plan.jobs) {
    const own = data.get(job.id);
    let isFailed: boolean;
    if (own) isFailed = own.failure != null;
    else {
      const status = await store.readStatus(job.id);
      isFailed = status.kind === "ok" && status.value.state === "failed";
    }
    const blocker = job.dependsOn.find((d) => failed.get(d));
    if (!isFailed && blocker !== undefined && own && own.result === null) {
      const dep = plan.jobs.find((j) => j.id === blocker);
      own.failure = {
        state: "blocked",
        reason: `skipped: dependency ${dep ? jobLabel(dep) : blocker} [${blocker}] failed`,
      };
      isFailed = true;
    } else if (!isFailed && blocker !== undefined && !own && !(await store.isDone(job.id))) {
      isFailed = true;
    }
    failed.set(job.id, isFailed);
  }
  let finishedJobs = 0;
  let failedJobs = 0;
  for (const job of plan.jobs) {
    if (data.has(job.id) ? data.get(job.id)?.result : await store.isDone(job.id)) finishedJobs += 1;
    else {
      const status = await store.readStatus(job.id);
      if (status.kind === "ok" && status.value.state === "failed") failedJobs += 1;
    }
  }
  const engines = new Map<string, number>();
  for (const d of data.values()) {
    if (!d.result) continue;
    const engine = d.result.engine ?? UNRECORDED_ENGINE;
    engines.set(engine, (engines.get(engine) ?? 0) + 1);
  }
  return { rows: resultRows(plan, data), finishedJobs, failedJobs, totalJobs: plan.jobs.length, engines, problems };
}
