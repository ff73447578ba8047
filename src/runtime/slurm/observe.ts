/** What Slurm says about a plan's jobs, for `lthc status`: state, why pending, where running, how it ended. */

import { existsSync } from "node:fs";
import type { Job } from "../../core/plan-types.js";

import type { RunStore } from "../store/store.js";
import { exitCode, isActive, jobStates, type SlurmJobState } from "./commands.js";
import { readRecord, slurmLogPath } from "./record.js";

export interface SlurmView {
  slurmId: string;
  /** Slurm's state, or "UNKNOWN" once Slurm has forgotten the job (MinJobAge after it ended). */
  state: string;
  reason: string;
  nodes: string;
  /** For a job that ended: "<code>:<signal>". */
  exitCode?: string;
  /** Slurm still holds it (pending, running, requeued, completing): it goes on without another run. */
  active: boolean;
  /** Slurm's output for this Slurm job, in the store beside the job; null until Slurm has written it. */
  log: string | null;
}

/**
 * The Slurm job that speaks for each submitted plan job: one Slurm still holds,
 * else the first that did not complete, else the last. Slurm is asked only when
 * some job was submitted, so `lthc status` works where Slurm is not installed.
 */
export async function slurmViews(store: RunStore, jobs: readonly Job[]): Promise<Map<string, SlurmView>> {
  const chosen = new Map<string, string[]>();
  for (const job of jobs) {
    const record = await readRecord(store.paths(job.id).dir);
    if (record !== null && record.parts.length > 0)
      chosen.set(
        job.id,
        record.parts.map((p) => p.slurmId),
      );
  }
  const views = new Map<string, SlurmView>();
  if (chosen.size === 0) return views;
  const states = await jobStates([...chosen.values()].flat());
  for (const [jobId, ids] of chosen) {
    const pick =
      ids.find((id) => isActive(states.get(id))) ??
      ids.find((id) => states.has(id) && states.get(id)?.state !== "COMPLETED") ??
      ids.at(-1)!;
    const state: SlurmJobState | undefined = states.get(pick);
    const logPath = slurmLogPath(store.paths(jobId).dir, pick);
    const view: SlurmView = {
      slurmId: pick,
      state: state?.state ?? "UNKNOWN",
      reason: state?.reason ?? "",
      nodes: state?.nodes ?? "",
      active: isActive(state),
      log: existsSync(logPath) ? logPath : null,
    };
    if (state !== undefined && !isActive(state)) {
      const code = await exitCode(pick);
      if (code !== null) view.exitCode = code;
    }
    views.set(jobId, view);
  }
  return views;
}

/** One line: "slurm 42 PENDING (Dependency)", "slurm 42 RUNNING on node7", "slurm 42 FAILED exit 1:0, log …". */
export function slurmViewText(v: SlurmView): string {
  switch (v.state) {
    case "PENDING":
      return `slurm ${v.slurmId} PENDING (${v.reason})`;
    case "RUNNING":
      return `slurm ${v.slurmId} RUNNING on ${v.nodes}`;
    case "COMPLETED":
      return `slurm ${v.slurmId} COMPLETED`;
    default: {
      const why = v.reason && v.reason !== "None" ? ` (${v.reason})` : "";
      const code = v.exitCode && v.exitCode !== "0:0" ? ` exit ${v.exitCode}` : "";
      return `slurm ${v.slurmId} ${v.state}${why}${code}, ${v.log === null ? "no log (it never started)" : `log ${v.log}`}`;
    }
  }
}
