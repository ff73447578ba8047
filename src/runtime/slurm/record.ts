/**
 * What lthc submitted to Slurm for a job, kept in the store beside the job
 * (`<store>/jobs/<id>/slurm-jobs.json`) so that every `lthc run --on slurm`,
 * `lthc status` and `lthc cancel` on any machine that mounts the store sees it.
 * A dense run that dependents need before its end is submitted in parts, each
 * ending at one of those checkpoints (`until`); the last part has none.
 */
import { join } from "node:path";
import type { TrainTime } from "../../core/config.js";
import type { Job } from "../../core/plan-types.js";
import { writeFileAtomic } from "../atomic.js";
import { readJsonFile } from "../store/json-file.js";

export interface SlurmPart {
  /** The Slurm job id. */
  slurmId: string;
  /** Where this part stops (a checkpoint dependents need); null: the job's end. */
  until: TrainTime | null;
  /** ISO time of the submission. */
  submittedAt: string;
}

export interface SlurmRecord {
  /** The latest submission's parts, in training order. */
  parts: SlurmPart[];
  /**
   * The Job as the submitting plan has it. job.json keeps the first plan's copy,
   * and a dense run's keep list (not part of its identity) may differ between
   * plans: the Slurm job must write the checkpoints this plan needs.
   */
  job?: Job;
}

export function recordPath(jobDir: string): string {
  return join(jobDir, "slurm-jobs.json");
}

/** Slurm's output for one Slurm job, kept beside the job it ran (requeued attempts append). */
export function slurmLogPath(jobDir: string, slurmId: string): string {
  return join(jobDir, `slurm-${slurmId}.out`);
}

/** The --output pattern that makes Slurm write slurmLogPath. */
export function slurmLogPattern(jobDir: string): string {
  return join(jobDir, "slurm-%j.out");
}

function recordProblem(value: unknown): string | null {
  const parts = (value as SlurmRecord | null)?.parts;
  if (!Array.isArray(parts)) return "expected { parts: [...] }";
  for (const p of parts) {
    if (typeof p?.slurmId !== "string" || typeof p.submittedAt !== "string") return "a part lacks slurmId/submittedAt";
  }
  return null;
}

/** The job's Slurm record; none when it was never submitted (or the file is damaged: then it is submitted again). */
export async function readRecord(jobDir: string): Promise<SlurmRecord | null> {
  const read = await readJsonFile<SlurmRecord>(recordPath(jobDir), recordProblem);
  return read.kind === "ok" ? read.value : null;
}

export async function writeRecord(jobDir: string, record: SlurmRecord): Promise<void> {
  await writeFileAtomic(recordPath(jobDir), `${JSON.stringify(record, null, 2)}\n`);
}
