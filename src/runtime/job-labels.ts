/** Short labels and epoch counts of jobs, for the executor's events and the store's progress alike. */
import type { AdversaryConfig } from "../core/config.js";
import { adversaryKey, modelLabel } from "../core/labels.js";
import type { Job } from "../core/plan-types.js";
import type { JobSummary } from "./executor-events.js";

/** A training adversary in a job label: its complete key (adversaryKey), "standard" for standard training. */
function adversaryText(adversary: AdversaryConfig): string {
  const key = adversaryKey(adversary);
  return key === "clean" ? "standard" : key;
}

function percent(density: number): string {
  return `${Number((density * 100).toPrecision(3))}%`;
}

/** A short human label, e.g. "sparse lenet(300,100) pgd(linf,0.1,2) magnitude 51.2% rep 1". */
export function jobLabel(job: Job): string {
  switch (job.kind) {
    case "dense":
      return `dense ${modelLabel(job.config.model)} ${adversaryText(job.config.adversary)} rep ${job.replicate}`;
    case "mask": {
      const c = job.config;
      return `mask ${modelLabel(c.train.model)} ${adversaryText(c.train.adversary)} ${c.strategy} ${percent(c.density)} rep ${job.replicate}`;
    }
    case "sparse": {
      const c = job.config;
      const level = c.prune.method === "iterative" ? ` level ${c.level}` : "";
      return `sparse ${modelLabel(c.model)} ${adversaryText(c.adversary)} ${c.prune.strategy} ${percent(c.prune.density)}${level} rep ${job.replicate}`;
    }
  }
}

/** Epochs the job trains: the whole schedule for a dense run, from the rewind point for a sparse one. */
export function jobEpochs(job: Job): number {
  switch (job.kind) {
    case "dense":
      return job.config.schedule.epochs;
    case "mask":
      return 0;
    case "sparse":
      return Math.max(0, job.config.schedule.epochs - job.config.prune.rewind.epoch);
  }
}

export function jobSummary(job: Job, state: JobSummary["state"]): JobSummary {
  return { id: job.id, kind: job.kind, label: jobLabel(job), epochs: jobEpochs(job), state };
}
