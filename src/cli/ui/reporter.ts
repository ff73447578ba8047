/**
 * Observers of a run: an Ink view on a terminal, one line per event otherwise,
 * or one JSON object per event for machines. The executor only calls handle().
 */
import { render } from "ink";
import { createElement } from "react";
import type { Plan } from "../../core/plan-types.js";
import type { ExecutorEvent } from "../../runtime/executor-events.js";
import { PlainLines } from "./plain.js";
import { RunView } from "./run-view.js";
import { applyEvent, initialState, type RunState } from "./state.js";

export type ReporterMode = "tty" | "plain" | "json";

export interface ReporterOptions {
  mode: ReporterMode;
  /** Where to write; process.stdout by default. */
  out?: NodeJS.WriteStream;
  /** False for --no-color; by default colour is on unless NO_COLOR is set. */
  color?: boolean;
  /** The plan being run: its cost estimates weight the plan ETA (a PGD-8 epoch costs more than a clean one). */
  plan?: Plan;
  /** The clock, for tests. */
  now?: () => number;
}

/** Estimated image passes per epoch of each training job. */
export function epochCosts(plan: Plan | undefined): Map<string, number> {
  const costs = new Map<string, number>();
  for (const job of plan?.jobs ?? []) {
    if (job.cost.trainEpochs > 0) costs.set(job.id, job.cost.imagePasses / job.cost.trainEpochs);
  }
  return costs;
}

export interface Reporter {
  handle(event: ExecutorEvent): void;
  /** Draws the final state and releases the terminal. */
  close(): Promise<void>;
}

/** --json wins over --plain; without a terminal (CI, pipes) output is plain. */
export function chooseMode(options: { plain?: boolean; json?: boolean; isTTY?: boolean }): ReporterMode {
  if (options.json) return "json";
  if (options.plain || !options.isTTY || process.env.TERM === "dumb") return "plain";
  return "tty";
}

/** NO_COLOR (any non-empty value, see no-color.org) turns colour off unless the caller decided. */
export function colorEnabled(explicit: boolean | undefined): boolean {
  if (explicit !== undefined) return explicit;
  return !process.env.NO_COLOR;
}

export function createReporter(options: ReporterOptions): Reporter {
  const out = options.out ?? process.stdout;
  const now = options.now ?? Date.now;
  switch (options.mode) {
    case "json":
      return {
        handle: (event) => void out.write(`${JSON.stringify(event)}\n`),
        close: async () => {},
      };
    case "plain":
      return plainReporter(out, now);
    case "tty":
      return inkReporter(out, colorEnabled(options.color), now, epochCosts(options.plan));
  }
}

function plainReporter(out: NodeJS.WriteStream, now: () => number): Reporter {
  const lines = new PlainLines();
  let state = initialState(now());
  return {
    handle(event) {
      const t = now();
      const line = lines.line(event, state, t);
      state = applyEvent(state, event, t);
      if (line !== null) out.write(`${line}\n`);
    },
    close: async () => {},
  };
}

/** Batch events arrive many times a second; redraw for them at most this often. */
const REDRAW_MS = 200;
/** The clock in the header and the ETAs tick even when no event arrives. */
const TICK_MS = 1000;

function inkReporter(
  out: NodeJS.WriteStream,
  color: boolean,
  now: () => number,
  costs: ReadonlyMap<string, number>,
): Reporter {
  let state: RunState = initialState(now(), costs);
  const view = () => createElement(RunView, { state, now: now(), color });
  // Ctrl-C is the executor's (first: stop cleanly, second: at once), so Ink must not exit on it.
  // Stray console output is routed above the view only when the view owns the real stdout.
  const app = render(view(), { stdout: out, exitOnCtrlC: false, patchConsole: out === process.stdout });
  let pending: NodeJS.Timeout | null = null;
  const redraw = () => {
    if (pending) clearTimeout(pending);
    pending = null;
    app.rerender(view());
  };
  const ticker = setInterval(redraw, TICK_MS);
  ticker.unref();
  return {
    handle(event) {
      state = applyEvent(state, event, now());
      if (event.type === "job-progress" && event.event.type === "batch") {
        pending ??= setTimeout(redraw, REDRAW_MS);
      } else {
        redraw();
      }
    },
    async close() {
      clearInterval(ticker);
      redraw();
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
