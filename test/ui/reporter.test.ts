import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { PROGRESS_INTERVAL_MS } from "../../src/cli/ui/plain.js";
import { chooseMode, colorEnabled, createReporter, epochCosts, type ReporterMode } from "../../src/cli/ui/reporter.js";
import type { ExecutorEvent } from "../../src/runtime/executor-events.js";
import { tinyPlan } from "../report/fixture.js";
import { finishedEvents } from "./events.js";

async function output(mode: ReporterMode, events: ExecutorEvent[], stepMs = 1000): Promise<string> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  let t = 0;
  const reporter = createReporter({
    mode,
    out: out as unknown as NodeJS.WriteStream,
    color: false,
    now: () => t,
  });
  for (const event of events) {
    reporter.handle(event);
    t += stepMs;
  }
  await reporter.close();
  return chunks.join("");
}

const batch = (batch: number): ExecutorEvent => ({
  type: "job-progress",
  event: { type: "batch", jobId: "d1-r1", epoch: 1, batch, batches: 1000, imagesPerSec: 300, loss: 1 },
});

describe("plain reporter", () => {
  it("prints one line per meaningful event and no escape codes", async () => {
    const text = await output("plain", finishedEvents);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for any escape sequence
    expect(text).not.toMatch(/\u001b/);
    const lines = text.trimEnd().split("\n");
    expect(lines).toEqual([
      "plan: 4 jobs (1 already done, 3 to run) on 2 workers, backend wasm",
      "start dense lenet pgd(linf,0.1,2) rep 1 [d1-r1] on worker 1",
      "epoch 1 dense lenet pgd(linf,0.1,2) rep 1: clean 80.0%, pgd(linf,0.1,2) 55.0%",
      "done dense lenet pgd(linf,0.1,2) rep 1: in 1m15s, clean 90.0%, pgd(linf,0.1,2) 61.2%",
      "start mask magnitude 51.2% rep 1 [m1-r1] on worker 2",
      "FAILED mask magnitude 51.2% rep 1: mask source missing",
      "finished in 2m05s: 2 done, 1 failed, 1 not started",
    ]);
  });

  it("says jobs that a stopped --wait leaves behind are still Slurm's, not that they never started", async () => {
    const plan = finishedEvents[0];
    if (plan.type !== "plan") throw new Error("the fixture starts with its plan");
    const finish: ExecutorEvent = {
      type: "finish",
      counts: { waiting: 6, running: 1, done: 2, failed: 0, interrupted: 0 },
      seconds: 5,
    };
    const lines = (await output("plain", [{ ...plan, backend: "slurm" }, finish])).trimEnd().split("\n");
    expect(lines.at(-1)).toBe("finished in 5s: 2 done, 0 failed, 7 still queued or running in Slurm");
  });

  it("counts jobs whose earlier failure would repeat apart from those to run", async () => {
    const plan = finishedEvents[0];
    if (plan.type !== "plan") throw new Error("the fixture starts with its plan");
    const jobs = plan.jobs.map((job, i) => (i === 1 ? { ...job, state: "failed" as const } : job));
    const first = (await output("plain", [{ ...plan, jobs }])).split("\n")[0];
    expect(first).toBe(
      "plan: 4 jobs (1 already done, 2 to run, 1 failed earlier and not retried) on 2 workers, backend wasm",
    );
  });

  it("throttles batch events to a progress line per interval", async () => {
    const events: ExecutorEvent[] = [
      { type: "job-start", jobId: "d1-r1", worker: 1 },
      ...Array.from({ length: 300 }, (_, i) => batch(i + 1)),
    ];
    const stepMs = 1000;
    const lines = (await output("plain", events, stepMs)).trimEnd().split("\n");
    const progress = lines.filter((l) => l.startsWith("progress "));
    expect(progress.length).toBe(Math.floor((300 * stepMs) / PROGRESS_INTERVAL_MS));
    expect(progress[0]).toBe(`progress d1-r1: epoch 1 batch 60/1000, 300 img/s`);
  });

  it("says what the first Ctrl-C does", async () => {
    const text = await output("plain", [{ type: "stopping", immediate: false }]);
    expect(text).toBe("stopping — saving checkpoints; Ctrl-C again to stop at once\n");
  });
});

describe("json reporter", () => {
  it("writes one parseable object per event", async () => {
    const text = await output("json", finishedEvents);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(finishedEvents.length);
    expect(lines.map((l) => JSON.parse(l))).toEqual(finishedEvents);
  });
});

describe("chooseMode", () => {
  it("prefers json, then plain, and falls back to plain without a terminal", () => {
    expect(chooseMode({ json: true, plain: true, isTTY: true })).toBe("json");
    expect(chooseMode({ plain: true, isTTY: true })).toBe("plain");
    expect(chooseMode({ isTTY: false })).toBe("plain");
  });
});

describe("terminal reporter", () => {
  it("draws the Ink view to the stream and leaves the final state on close", async () => {
    const out = new PassThrough() as PassThrough & { columns: number; isTTY: boolean };
    out.columns = 100;
    out.isTTY = true;
    const text = await collect(out, async () => {
      const reporter = createReporter({ mode: "tty", out: out as unknown as NodeJS.WriteStream, color: false });
      for (const event of finishedEvents) reporter.handle(event);
      await reporter.close();
    });
    expect(text).toContain("✓ dense lenet pgd(linf,0.1,2) rep 1 — in 1m15s");
    expect(text).toContain("✗ mask magnitude 51.2% rep 1 FAILED: mask source missing");
    expect(text).toContain("finished in 2m05s");
  });
});

async function collect(stream: PassThrough, run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk.toString("utf8")));
  await run();
  return chunks.join("");
}

describe("epochCosts", () => {
  it("gives adversarially trained jobs' epochs a higher cost than clean ones", () => {
    const plan = tinyPlan();
    const costs = epochCosts(plan);
    const dense = plan.jobs.filter((j) => j.kind === "dense");
    const [clean, pgd] = [
      dense.find((j) => j.config.adversary.kind === "none")!,
      dense.find((j) => j.config.adversary.kind === "pgd")!,
    ];
    expect(costs.get(pgd.id)!).toBeGreaterThan(costs.get(clean.id)!);
    expect(plan.jobs.filter((j) => j.kind === "mask").every((j) => !costs.has(j.id))).toBe(true);
  });
});

describe("colorEnabled", () => {
  it("honours NO_COLOR unless the caller decided", () => {
    const saved = process.env.NO_COLOR;
    try {
      process.env.NO_COLOR = "1";
      expect(colorEnabled(undefined)).toBe(false);
      expect(colorEnabled(true)).toBe(true);
      delete process.env.NO_COLOR;
      expect(colorEnabled(undefined)).toBe(true);
      expect(colorEnabled(false)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
});
