import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/runtime/atomic.js";
import { execute } from "../../src/runtime/executor/executor.js";
import { inProcessPool } from "../../src/runtime/executor/pool.js";
import type { ExecutorEvent } from "../../src/runtime/executor-events.js";
import { openStore, type RunStore } from "../../src/runtime/store/store.js";
import { fakeRunner, tinyPlan } from "./fake.js";

async function tempStore(): Promise<RunStore> {
  return openStore(await mkdtemp(join(tmpdir(), "lthc-exec-")));
}

function starts(events: ExecutorEvent[]): string[] {
  return events.flatMap((e) => (e.type === "job-start" ? [e.jobId] : []));
}

function index(events: ExecutorEvent[], type: "job-start" | "job-end", jobId: string): number {
  return events.findIndex((e) => e.type === type && e.jobId === jobId);
}

async function runOnce(store: RunStore, runner = fakeRunner(), workers = 2, plan = tinyPlan(), retryFailed = false) {
  const events: ExecutorEvent[] = [];
  const pool = inProcessPool(runner.runner, workers);
  const result = await execute({ plan, store, pool, onEvent: (e) => events.push(e), pollMs: 20, retryFailed }).done;
  return { events, result, runner };
}

describe("executor", () => {
  it("runs every job after the jobs it depends on and records results", async () => {
    const store = await tempStore();
    const { events, result } = await runOnce(store, fakeRunner(), 1);
    expect(result.exitCode).toBe(0);
    expect(result.counts.done).toBe(5);
    const plan = tinyPlan();
    for (const job of plan.jobs) {
      for (const dep of job.dependsOn) {
        expect(index(events, "job-end", dep)).toBeLessThan(index(events, "job-start", job.id));
      }
      const record = await store.readJobRecord(job.id);
      expect(record.result?.status).toBe("done");
      expect(record.status).toMatchObject({ state: "done", attempts: 1 });
      expect(record.job?.id).toBe(job.id);
    }
    expect(events[0]).toMatchObject({ type: "plan", workers: 1 });
    expect(events.at(-1)).toMatchObject({ type: "finish", counts: { done: 5, failed: 0 } });
  });

  it("starts a random-mask job as soon as the rewind checkpoint exists, before the dense run ends", async () => {
    const store = await tempStore();
    let releaseDense: () => void = () => {};
    const randomMaskStarted = new Promise<void>((resolve) => {
      releaseDense = resolve;
    });
    const runner = fakeRunner({
      // The dense run waits after its rewind checkpoint until the random mask has started;
      // if the executor waited for the dense run to end, this would never finish.
      afterEpoch: async (ctx, epoch) => {
        if (ctx.job.kind === "dense" && epoch === 1) await randomMaskStarted;
      },
    });
    const events: ExecutorEvent[] = [];
    const execution = execute({
      plan: tinyPlan(),
      store,
      pool: inProcessPool(runner.runner, 2),
      onEvent: (e) => {
        events.push(e);
        if (e.type === "job-start" && e.jobId === "maskr-r1") releaseDense();
      },
      pollMs: 20,
    });
    const result = await execution.done;
    expect(result.exitCode).toBe(0);
    expect(index(events, "job-start", "maskr-r1")).toBeLessThan(index(events, "job-end", "dense-r1"));
    expect(index(events, "job-start", "maskm-r1")).toBeGreaterThan(index(events, "job-end", "dense-r1"));
  });

  it("isolates a failure: dependents are skipped with a reason, the rest go on, exit status 1", async () => {
    const store = await tempStore();
    const { events, result } = await runOnce(store, fakeRunner({ fail: new Set(["maskm-r1"]) }));
    expect(result.exitCode).toBe(1);
    expect(result.failed.sort()).toEqual(["maskm-r1", "sparsem-r1"]);
    expect(result.counts).toMatchObject({ done: 3, failed: 2 });
    const skipped = events.find((e) => e.type === "job-end" && e.jobId === "sparsem-r1");
    expect(skipped).toMatchObject({ outcome: { status: "failed", reason: expect.stringContaining("maskm-r1") } });
    expect(starts(events)).not.toContain("sparsem-r1");
    const status = await store.readJobRecord("maskm-r1");
    expect(status.status).toMatchObject({ state: "failed", reason: expect.stringContaining("NaN") });
    expect(status.result).toBeNull();
  });

  it("records a runner that throws as a failed job", async () => {
    const store = await tempStore();
    const { result } = await runOnce(store, fakeRunner({ throws: new Set(["sparser-r1"]) }));
    expect(result.failed).toEqual(["sparser-r1"]);
    expect((await store.readJobRecord("sparser-r1")).status?.reason).toContain("boom");
  });

  it("never runs a finished job again: a second run skips everything", async () => {
    const store = await tempStore();
    await runOnce(store);
    const resultBefore = await readFile(store.paths("dense-r1").result, "utf8");
    const second = await runOnce(store);
    expect(second.result.exitCode).toBe(0);
    expect(second.runner.calls.size).toBe(0);
    expect(starts(second.events)).toEqual([]);
    expect(second.events[0]).toMatchObject({ type: "plan" });
    const plan = second.events[0] as Extract<ExecutorEvent, { type: "plan" }>;
    expect(plan.jobs.every((j) => j.state === "done")).toBe(true);
    expect(await readFile(store.paths("dense-r1").result, "utf8")).toBe(resultBefore);
  });

  it("shares finished jobs between plans: another plan with the same dense run reuses it", async () => {
    const store = await tempStore();
    await runOnce(store);
    const other = tinyPlan();
    other.jobs = other.jobs.slice(0, 3);
    const second = await runOnce(store, fakeRunner(), 2, other);
    expect(second.runner.calls.size).toBe(0);
  });

  it("retries a failed job on the next run and resumes its dependents", async () => {
    const store = await tempStore();
    await runOnce(store, fakeRunner({ fail: new Set(["dense-r1"]) }));
    const second = await runOnce(store);
    expect(second.result.exitCode).toBe(0);
    expect(second.runner.calls.get("dense-r1")).toBe(1);
    expect((await store.readJobRecord("dense-r1")).status).toMatchObject({ state: "done", attempts: 2 });
  });

  it("does not train again a job that diverged, unless asked to", async () => {
    const store = await tempStore();
    const first = await runOnce(store, fakeRunner({ diverge: new Set(["dense-r1"]) }));
    expect(first.result.exitCode).toBe(1);
    expect((await store.readJobRecord("dense-r1")).status).toMatchObject({ state: "failed", deterministic: true });

    const second = await runOnce(store);
    expect(second.result.exitCode).toBe(1);
    expect(second.runner.calls.size).toBe(0);
    expect(second.result.failed.sort()).toEqual(
      tinyPlan()
        .jobs.map((j) => j.id)
        .sort(),
    );
    const end = second.events.find((e) => e.type === "job-end" && e.jobId === "dense-r1");
    expect(end).toMatchObject({ outcome: { status: "failed", deterministic: true } });
    expect(JSON.stringify(end)).toContain("--retry-failed");
    expect(second.events[0]).toMatchObject({ type: "plan" });

    const third = await runOnce(store, fakeRunner(), 2, tinyPlan(), true);
    expect(third.result.exitCode).toBe(0);
    expect(third.runner.calls.get("dense-r1")).toBe(1);
    expect((await store.readJobRecord("dense-r1")).status).toMatchObject({ state: "done", attempts: 2 });
  });

  it("redoes a job whose result.json is corrupt and reports it", async () => {
    const store = await tempStore();
    await runOnce(store);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(store.paths("sparser-r1").result, '{"status":"do');
    const second = await runOnce(store);
    expect([...second.runner.calls.keys()]).toEqual(["sparser-r1"]);
    const log = second.events.find(
      (e) => e.type === "job-progress" && e.event.type === "log" && e.event.message.includes("corrupt result.json"),
    );
    expect(log).toBeDefined();
    expect(await store.isDone("sparser-r1")).toBe(true);
  });

  it("sets a corrupt checkpoint of the job's own aside and redoes the job", async () => {
    const store = await tempStore();
    await runOnce(store);
    const { writeFile, mkdir, readdir } = await import("node:fs/promises");
    await writeFile(store.paths("sparser-r1").result, "");
    await mkdir(store.paths("sparser-r1").checkpoints, { recursive: true });
    await writeFile(join(store.paths("sparser-r1").checkpoints, "resume"), "torn");
    const second = await runOnce(store);
    expect(second.result.exitCode).toBe(0);
    expect(second.runner.calls.get("sparser-r1")).toBe(2);
    expect((await readdir(store.paths("sparser-r1").checkpoints)).some((f) => f.startsWith("resume.corrupt-"))).toBe(
      true,
    );
    expect((await store.readJobRecord("sparser-r1")).status).toMatchObject({ state: "done", attempts: 3 });
  });

  it("redoes a finished dependency whose rewind checkpoint a dependent finds damaged, then the dependent", async () => {
    const store = await tempStore();
    await runOnce(store);
    const denseBefore = (await store.readJobRecord("dense-r1")).result;
    const { writeFile, rm } = await import("node:fs/promises");
    const { keptCheckpointPath } = await import("../../src/runtime/store/layout.js");
    await writeFile(keptCheckpointPath(store.paths("dense-r1").dir, { epoch: 1, step: 0 }), "torn");
    await rm(store.paths("sparser-r1").result);
    const second = await runOnce(store);
    expect(second.result.exitCode).toBe(0);
    expect(second.runner.calls.get("dense-r1")).toBe(1);
    expect(second.runner.calls.get("sparser-r1")).toBe(2);
    expect((await store.readJobRecord("dense-r1")).result?.metrics).toEqual(denseBefore?.metrics);
    expect((await store.readJobRecord("dense-r1")).status).toMatchObject({ state: "done", attempts: 2 });
    const logged = second.events.some(
      (e) => e.type === "job-progress" && e.event.type === "log" && e.event.message.includes("redoing this job"),
    );
    expect(logged).toBe(true);
  });

  it("does not loop when a dependency's file stays damaged after it was redone", async () => {
    const store = await tempStore();
    const runner = fakeRunner({
      afterEpoch: async (ctx, epoch) => {
        // The dense run writes a bad rewind checkpoint every time.
        if (ctx.job.kind === "dense" && epoch === 1) {
          const { keptCheckpointPath } = await import("../../src/runtime/store/layout.js");
          await writeFileAtomic(keptCheckpointPath(ctx.dir, { epoch: 1, step: 0 }), "torn");
        }
      },
    });
    const { result } = await runOnce(store, runner, 1);
    expect(result.exitCode).toBe(1);
    expect(result.failed.sort()).toEqual(["sparsem-r1", "sparser-r1"]);
    expect(runner.calls.get("dense-r1")).toBe(2);
  });

  it("two executors on one store never run the same job twice", async () => {
    const store = await tempStore();
    const runner = fakeRunner({ epochMs: 5 });
    const plan = tinyPlan();
    const a = execute({ plan, store, pool: inProcessPool(runner.runner, 2), onEvent: () => {}, pollMs: 10 });
    const b = execute({ plan, store, pool: inProcessPool(runner.runner, 2), onEvent: () => {}, pollMs: 10 });
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.exitCode).toBe(0);
    expect(rb.exitCode).toBe(0);
    expect([...runner.calls.values()].every((n) => n === 1)).toBe(true);
    expect(runner.calls.size).toBe(5);
  });

  it("stops cleanly: running jobs are interrupted, nothing new starts, exit status 130, the next run resumes", async () => {
    const store = await tempStore();
    let stop: () => void = () => {};
    const runner = fakeRunner({
      afterEpoch: (ctx, epoch) => {
        if (ctx.job.kind === "dense" && epoch === 2) stop();
      },
    });
    const events: ExecutorEvent[] = [];
    const execution = execute({
      plan: tinyPlan(),
      store,
      pool: inProcessPool(runner.runner, 1),
      onEvent: (e) => events.push(e),
      pollMs: 20,
    });
    stop = execution.stop;
    const result = await execution.done;
    expect(result.exitCode).toBe(130);
    expect(events.some((e) => e.type === "stopping" && !e.immediate)).toBe(true);
    expect((await store.readJobRecord("dense-r1")).status?.state).toBe("interrupted");
    expect(starts(events)).toEqual(["dense-r1"]);
    expect((await store.lockState("dense-r1")).held).toBe(false);
    const second = await runOnce(store);
    expect(second.result.exitCode).toBe(0);
    expect(second.result.counts.done).toBe(5);
  });
});
