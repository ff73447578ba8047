import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DenseJob } from "../../src/core/plan-types.js";
import { writeFileAtomic } from "../../src/runtime/atomic.js";
import { keptCheckpointPath } from "../../src/runtime/store/layout.js";
import { LOCK_STALE_MS, tryLock } from "../../src/runtime/store/lock.js";
import { openStore } from "../../src/runtime/store/store.js";

async function tempStore() {
  return openStore(await mkdtemp(join(tmpdir(), "lthc-store-")));
}

const job = {
  id: "abc-r1",
  hash: "abc",
  replicate: 1,
  kind: "dense",
  dependsOn: [],
  needs: [],
  cost: { trainEpochs: 2, imagePasses: 10 },
  config: {},
} as unknown as DenseJob;

const done = {
  status: "done" as const,
  metrics: [{ epoch: 1, adversary: "clean", accuracy: 0.5, loss: 1 }],
  achievedDensity: null,
  seconds: 1,
};

describe("run store", () => {
  it("round-trips a job record", async () => {
    const store = await tempStore();
    await store.prepareJob(job);
    await store.writeStatus(job.id, { state: "running", attempts: 1 });
    await writeFile(store.paths(job.id).metrics, JSON.stringify(done.metrics));
    let record = await store.readJobRecord(job.id);
    expect(record.job?.id).toBe(job.id);
    expect(record.status?.state).toBe("running");
    expect(record.metrics).toEqual(done.metrics);
    expect(record.result).toBeNull();
    expect(await store.isDone(job.id)).toBe(false);
    await store.writeResult(job.id, done);
    record = await store.readJobRecord(job.id);
    expect(record.result).toEqual(done);
    expect(await store.isDone(job.id)).toBe(true);
    expect(await store.listJobIds()).toEqual([job.id]);
  });

  it("reports a corrupt result as not done and moves it aside", async () => {
    const store = await tempStore();
    await store.prepareJob(job);
    await writeFile(store.paths(job.id).result, '{"status":"done","metr');
    await writeFile(store.paths(job.id).status, "garbage");
    const record = await store.readJobRecord(job.id);
    expect(record.result).toBeNull();
    expect(record.problems.map((p) => p.file).sort()).toEqual(["result.json", "status.json"]);
    expect(await store.isDone(job.id)).toBe(false);
    const moved = await store.quarantineDamaged(job.id);
    expect(moved).toHaveLength(2);
    const files = await readdir(store.paths(job.id).dir);
    expect(files.filter((f) => f.includes(".corrupt-"))).toHaveLength(2);
    expect((await store.readJobRecord(job.id)).problems).toEqual([]);
  });

  it("rejects a result that is valid JSON but not a done outcome", async () => {
    const store = await tempStore();
    await store.prepareJob(job);
    await writeFile(store.paths(job.id).result, JSON.stringify({ status: "failed", reason: "x" }));
    expect(await store.isDone(job.id)).toBe(false);
  });

  it("knows when a kept checkpoint or a final result exists", async () => {
    const store = await tempStore();
    await store.prepareJob(job);
    const at = { epoch: 1, step: 0 };
    expect(await store.artifactExists({ job: job.id, at })).toBe(false);
    expect(await store.artifactExists({ job: job.id, at: "final" })).toBe(false);
    await writeFileAtomic(keptCheckpointPath(store.paths(job.id).dir, at), "x");
    expect(await store.artifactExists({ job: job.id, at })).toBe(true);
    expect(await store.artifactExists({ job: job.id, at: "final" })).toBe(false);
    await store.writeResult(job.id, done);
    expect(await store.artifactExists({ job: job.id, at: "final" })).toBe(true);
  });
});

describe("job locks", () => {
  it("lets only one holder in and frees on release", async () => {
    const store = await tempStore();
    const first = await store.tryLock(job.id);
    expect(first).not.toBeNull();
    expect(await store.tryLock(job.id)).toBeNull();
    const state = await store.lockState(job.id);
    expect(state.held && state.live && state.owner.pid === process.pid).toBe(true);
    await first?.release();
    expect((await store.lockState(job.id)).held).toBe(false);
    const again = await store.tryLock(job.id);
    expect(again).not.toBeNull();
    await again?.release();
  });

  it("breaks a lock whose process is dead", async () => {
    const store = await tempStore();
    const child = spawn(process.execPath, ["-e", "0"]);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.on("exit", resolve));
    const { hostname } = await import("node:os");
    await store.prepareJob(job);
    await writeFile(store.paths(job.id).lock, JSON.stringify({ pid: deadPid, host: hostname(), since: "x" }));
    const state = await store.lockState(job.id);
    expect(state.held && !state.live).toBe(true);
    const lock = await store.tryLock(job.id);
    expect(lock).not.toBeNull();
    const owner = JSON.parse(await readFile(store.paths(job.id).lock, "utf8"));
    expect(owner.pid).toBe(process.pid);
    await lock?.release();
  });

  it("treats a lock held by another host as live while its heartbeat is fresh", async () => {
    const store = await tempStore();
    await store.prepareJob(job);
    await writeFile(store.paths(job.id).lock, JSON.stringify({ pid: 1, host: "elsewhere.example", since: "x" }));
    expect(await store.tryLock(job.id)).toBeNull();
  });

  it("breaks a lock from another host whose heartbeat stopped (a crashed machine)", async () => {
    const store = await tempStore();
    await store.prepareJob(job);
    const path = store.paths(job.id).lock;
    await writeFile(path, JSON.stringify({ pid: 1, host: "elsewhere.example", since: "x" }));
    const silentSince = new Date(Date.now() - LOCK_STALE_MS - 1000);
    await utimes(path, silentSince, silentSince);
    expect(await store.lockState(job.id)).toMatchObject({ held: true, live: false });
    const lock = await store.tryLock(job.id);
    expect(lock).not.toBeNull();
    await lock?.release();
  });

  it("keeps a held lock's heartbeat fresh until it is released", async () => {
    const store = await tempStore();
    await store.prepareJob(job);
    const path = store.paths(job.id).lock;
    const lock = await tryLock(path, 10);
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(Date.now() - (await stat(path)).mtimeMs).toBeLessThan(5_000);
    await lock?.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.lockState(job.id)).held).toBe(false);
  });

  it("gives the lock to exactly one of many concurrent takers", async () => {
    const store = await tempStore();
    const locks = await Promise.all(Array.from({ length: 20 }, () => store.tryLock(job.id)));
    expect(locks.filter((l) => l !== null)).toHaveLength(1);
  });
});
