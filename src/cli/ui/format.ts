/** Text pieces shared by the Ink view and the plain lines. */
import type { EpochMetric, JobOutcome } from "../../runtime/job-api.js";

export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** "42s", "3m07s", "2h05m"; "?" when unknown. */
export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}

/** The latest epoch's metrics: "clean 91.2%, pgd(linf,0.1,2) 70.3%". */
export function metricsText(metrics: EpochMetric[]): string {
  const last = Math.max(...metrics.map((m) => m.epoch));
  return metrics
    .filter((m) => m.epoch === last)
    .map((m) => `${m.adversary} ${percent(m.accuracy)}`)
    .join(", ");
}

export function outcomeText(outcome: JobOutcome): string {
  switch (outcome.status) {
    case "done": {
      const parts = [`in ${duration(outcome.seconds)}`];
      if (outcome.metrics.length > 0) parts.push(metricsText(outcome.metrics));
      if (outcome.achievedDensity !== null) parts.push(`density ${percent(outcome.achievedDensity)}`);
      return parts.join(", ");
    }
    case "failed":
      return outcome.reason;
    case "interrupted":
      return "interrupted; resumes on the next run";
  }
}

export const STOPPING_MESSAGE = "stopping — saving checkpoints; Ctrl-C again to stop at once";
export const STOPPING_NOW_MESSAGE = "stopping now — unsaved progress since the last checkpoint is lost";
