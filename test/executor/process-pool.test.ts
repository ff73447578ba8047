import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultJobs } from "../../src/runtime/executor/defaults.js";
import { execute } from "../../src/runtime/executor/executor.js";
import { startProcessPool } from "../../src/runtime/executor/process-pool.js";
import type { ExecutorEvent } from "../../src/runtime/executor-events.js";
import { openStore } from "../../src/runtime/store/store.js";
import { tinyPlan } from "./fake.js";

const workerEntry = resolve("dist/src/runtime/worker/main.js");
const runnerModule = resolve("test/executor/fixtures/fake-runner.mjs");

/** Worker processes running the fake runner, which the environment tunes (FAKE_EPOCH_MS, FAKE_FAIL). */
function fakePool(jobs: number, env: Record<string, string>) {
  return startProcessPool({ jobs, backend: null, runnerModule, workerEntry, env });
}

describe("worker processes", () => {
  it("run the plan in separate processes, two at a time, streaming events", async () => {
    const store = openStore(await mkdtemp(join(tmpdir(), "lthc-pool-")));
    // Slow epochs leave the dense run going long after the random mask can start on the second worker.
    const pool = await fakePool(2, { FAKE_EPOCH_MS: "60" });
    expect(pool.size).toBe(2);
    const events: ExecutorEvent[] = [];
    const result = await execute({ plan: tinyPlan(), store, pool, onEvent: (e) => events.push(e), pollMs: 20 }).done;
    expect(result.exitCode).toBe(0);
    const pids = new Set<string>();
    for (const job of tinyPlan().jobs) {
      expect(await store.isDone(job.id)).toBe(true);
      const calls = (await readFile(join(store.paths(job.id).dir, "calls.log"), "utf8")).trim().split("\n");
      expect(calls).toHaveLength(1);
      expect(calls[0]).not.toBe(String(process.pid));
      pids.add(calls[0]);
    }
    expect(pids.size).toBe(2);
    expect(events.some((e) => e.type === "job-progress" && e.event.type === "epoch")).toBe(true);
    expect(new Set(events.flatMap((e) => (e.type === "job-start" ? [e.worker] : [])))).toEqual(new Set([0, 1]));
  });

  it("stop asks workers to checkpoint; stopNow kills them at once; both count as interrupted", async () => {
    const store = openStore(await mkdtemp(join(tmpdir(), "lthc-pool-")));
    // Epochs of a minute: a graceful stop would wait for the end of one, so only a kill ends this quickly.
    const pool = await fakePool(1, { FAKE_EPOCH_MS: "60000" });
    const events: ExecutorEvent[] = [];
    let execution: ReturnType<typeof execute> | null = null;
    execution = execute({
      plan: tinyPlan(),
      store,
      pool,
      pollMs: 20,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "job-start") {
          execution?.stop();
          execution?.stopNow();
        }
      },
    });
    const result = await execution.done;
    expect(result.exitCode).toBe(130);
    expect(events.filter((e) => e.type === "stopping").map((e) => e.type === "stopping" && e.immediate)).toEqual([
      false,
      true,
    ]);
    expect(events.find((e) => e.type === "job-end")).toMatchObject({ outcome: { status: "interrupted" } });
    expect((await store.readJobRecord("dense-r1")).status?.state).toBe("interrupted");
    expect((await store.lockState("dense-r1")).held).toBe(false);
  });

  it("replaces a worker whose job failed, since its backend may be unusable", async () => {
    const store = openStore(await mkdtemp(join(tmpdir(), "lthc-pool-")));
    const pool = await fakePool(1, { FAKE_FAIL: "maskm-r1" });
    const starts: string[] = [];
    const onEvent = (e: ExecutorEvent) => {
      if (e.type === "job-start") starts.push(e.jobId);
    };
    const result = await execute({ plan: tinyPlan(), store, pool, onEvent, pollMs: 20 }).done;
    expect(result.failed.sort()).toEqual(["maskm-r1", "sparsem-r1"]);
    const pid = async (id: string) => (await readFile(join(store.paths(id).dir, "calls.log"), "utf8")).trim();
    const failedAt = starts.indexOf("maskm-r1");
    expect(await pid(starts[failedAt - 1])).toBe(await pid("maskm-r1"));
    expect(await pid(starts[failedAt + 1])).not.toBe(await pid("maskm-r1"));
  });

  it("pins each worker to one of --gpus with memory growth on, sharing devices when jobs outnumber them", async () => {
    const store = openStore(await mkdtemp(join(tmpdir(), "lthc-pool-")));
    const gpus = ["3", "5"];
    const pool = await startProcessPool({
      jobs: 3,
      backend: null,
      runnerModule,
      workerEntry,
      gpus,
      env: { FAKE_EPOCH_MS: "40", FAKE_RECORD_GPU: "1" },
    });
    expect(pool.size).toBe(3);
    const starts: { worker: number; jobId: string }[] = [];
    const run = execute({
      plan: tinyPlan(),
      store,
      pool,
      pollMs: 20,
      onEvent: (e) => {
        if (e.type === "job-start") starts.push({ worker: e.worker, jobId: e.jobId });
      },
    });
    expect((await run.done).exitCode).toBe(0);
    for (const { worker, jobId } of starts) {
      const seen = await readFile(join(store.paths(jobId).dir, "gpu.txt"), "utf8");
      expect(seen).toBe(`${gpus[worker % gpus.length]} true`);
    }
    expect(starts.length).toBeGreaterThan(1);
  });

  it("reports a runner that cannot be loaded as one clear error", async () => {
    await expect(
      startProcessPool({
        jobs: 1,
        backend: null,
        runnerModule: resolve("test/executor/fixtures/nope.mjs"),
        workerEntry,
      }),
    ).rejects.toThrow(/nope\.mjs/);
  });
});

describe("default worker count", () => {
  it("is one per core for the CPU backends (wasm, cpu, native), capped by memory, and one for a GPU", () => {
    const gib = 1024 ** 3;
    expect(defaultJobs("wasm", 2, 16 * gib)).toBe(2);
    expect(defaultJobs("wasm", 16, 8 * gib)).toBe(4);
    expect(defaultJobs("cpu", 4, 1 * gib)).toBe(1);
    expect(defaultJobs("node", 2, 16 * gib)).toBe(2);
    expect(defaultJobs("gpu", 16, 64 * gib)).toBe(1);
    expect(defaultJobs("tensorflow", 16, 64 * gib)).toBe(1);
    expect(defaultJobs("webgl", 16, 64 * gib)).toBe(1);
  });
});
