/** The real training engine in worker processes on a tiny plan: the store ends complete and consistent. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { execute } from "../../src/runtime/executor/executor.js";
import { startProcessPool } from "../../src/runtime/executor/process-pool.js";
import type { ExecutorEvent } from "../../src/runtime/executor-events.js";
import { openStore } from "../../src/runtime/store/store.js";
import { tinyRealPlan } from "./fixtures/tiny-points.js";

describe("a tiny real plan", () => {
  it("trains in worker processes and records every job", async () => {
    const plan = tinyRealPlan();
    expect(plan.jobs.map((j) => j.kind).sort()).toEqual([
      "dense",
      "mask",
      "mask",
      "mask",
      "mask",
      "sparse",
      "sparse",
      "sparse",
      "sparse",
    ]);
    const store = openStore(await mkdtemp(join(tmpdir(), "lthc-real-")));
    const pool = await startProcessPool({
      jobs: 2,
      backend: "wasm",
      workerEntry: resolve("dist/src/runtime/worker/main.js"),
    });
    const events: ExecutorEvent[] = [];
    const result = await execute({ plan, store, pool, onEvent: (e) => events.push(e), pollMs: 50 }).done;
    const failures = events.filter((e) => e.type === "job-end" && e.outcome.status !== "done");
    expect(failures).toEqual([]);
    expect(result.exitCode).toBe(0);
    for (const job of plan.jobs) {
      const record = await store.readJobRecord(job.id);
      expect(record.problems).toEqual([]);
      expect(record.result?.status).toBe("done");
      if (job.kind === "sparse") {
        expect(record.result?.metrics.map((m) => m.epoch)).toEqual([2]);
        expect(record.result?.achievedDensity).toBeCloseTo(job.config.prune.density, 2);
      }
      if (job.kind === "dense") expect(record.result?.metrics.map((m) => m.epoch)).toEqual([1, 2]);
    }
  });
});
