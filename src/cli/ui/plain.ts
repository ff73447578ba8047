/**
 * Line-per-event output for logs and pipes: no escape codes, no redrawing.
 * Batch events are mostly dropped: a job prints a progress line at most once
 * per PROGRESS_INTERVAL_MS, so long epochs still show signs of life in CI.
 */
import type { ExecutorEvent } from "../../runtime/executor-events.js";
import { duration, metricsText, outcomeText, STOPPING_MESSAGE, STOPPING_NOW_MESSAGE } from "./format.js";
import type { RunState } from "./state.js";

export const PROGRESS_INTERVAL_MS = 60_000;

export class PlainLines {
  private readonly lastProgress = new Map<string, number>();

  /**
   * The line for an event, or null for one that prints nothing. `state` is the
   * state before the event, so a job's label is known.
   */
  line(event: ExecutorEvent, state: RunState, now: number): string | null {
    const label = (jobId: string) => state.jobs.get(jobId)?.label ?? jobId;
    switch (event.type) {
      case "plan": {
        const done = event.jobs.filter((j) => j.state === "done").length;
        // Jobs failed before the run starts are those whose earlier failure would repeat.
        const failed = event.jobs.filter((j) => j.state === "failed").length;
        const notRetried = failed > 0 ? `, ${failed} failed earlier and not retried` : "";
        return `plan: ${event.jobs.length} jobs (${done} already done, ${event.jobs.length - done - failed} to run${notRetried}) on ${event.workers} workers, backend ${event.backend}`;
      }
      case "job-start":
        this.lastProgress.set(event.jobId, now);
        return `start ${label(event.jobId)} [${event.jobId}] on worker ${event.worker}`;
      case "job-progress":
        return this.progressLine(event.event, label(event.event.jobId), now);
      case "job-end": {
        this.lastProgress.delete(event.jobId);
        const word = { done: "done", failed: "FAILED", interrupted: "interrupted" }[event.outcome.status];
        return `${word} ${label(event.jobId)}: ${outcomeText(event.outcome)}`;
      }
      case "stopping":
        return event.immediate ? STOPPING_NOW_MESSAGE : STOPPING_MESSAGE;
      case "finish": {
        const c = event.counts;
        const parts = [`${c.done} done`, `${c.failed} failed`];
        if (c.interrupted > 0) parts.push(`${c.interrupted} interrupted`);
        if (state.backend === "slurm") {
          // Following Slurm jobs stopped, not the jobs: those not ended are still Slurm's.
          const left = c.waiting + c.running;
          if (left > 0) parts.push(`${left} still queued or running in Slurm`);
        } else if (c.waiting > 0) parts.push(`${c.waiting} not started`);
        return `finished in ${duration(event.seconds)}: ${parts.join(", ")}`;
      }
    }
  }

  private progressLine(
    event: Extract<ExecutorEvent, { type: "job-progress" }>["event"],
    label: string,
    now: number,
  ): string | null {
    switch (event.type) {
      case "start":
        return event.resumedFrom ? `continue ${label} from ${event.resumedFrom}` : null;
      case "epoch":
        this.lastProgress.set(event.jobId, now);
        return `epoch ${event.epoch} ${label}: ${metricsText(event.metrics)}`;
      case "batch": {
        const last = this.lastProgress.get(event.jobId) ?? now;
        if (now - last < PROGRESS_INTERVAL_MS) {
          if (!this.lastProgress.has(event.jobId)) this.lastProgress.set(event.jobId, now);
          return null;
        }
        this.lastProgress.set(event.jobId, now);
        return `progress ${label}: epoch ${event.epoch} batch ${event.batch}/${event.batches}, ${Math.round(event.imagesPerSec)} img/s`;
      }
      case "log":
        return `log ${label}: ${event.message}`;
      case "checkpoint":
        return null;
    }
  }
}
