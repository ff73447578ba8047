/** Reads what a plan's points need from a run store and turns it into result rows. */
import type { Plan } from "../../compiler/plan-types.js";
import { openStore } from "../store/store.js";
import { type JobData, type ResultRow, resultRows } from "./rows.js";

export interface LoadedResults {
  rows: ResultRow[];
  /** Jobs of the plan with a valid result.json. */
  finishedJobs: number;
  /** Jobs of the plan whose last attempt failed (they have no result). */
  failedJobs: number;
  totalJobs: number;
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

export async function loadResults(plan: Plan, storeDir: string): Promise<LoadedResults> {
  const store = openStore(storeDir);
  const data = new Map<string, JobData>();
  const problems: string[] = [];
  for (const id of neededJobs(plan)) {
    const record = await store.readJobRecord(id);
    data.set(id, { metrics: record.metrics, result: record.result });
    for (const p of record.problems) problems.push(`${id}/${p.file}: ${p.reason}`);
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
  return { rows: resultRows(plan, data), finishedJobs, failedJobs, totalJobs: plan.jobs.length, problems };
}
