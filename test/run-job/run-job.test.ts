import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trainConfig } from "../../src/compiler/builders.js";
import type { AdversaryConfig, TrainConfig } from "../../src/core/config.js";
import type { DenseJob, Job, MaskJob, SparseJob } from "../../src/core/plan-types.js";
import type { EpochMetric, JobContext, JobEvent, JobOutcome } from "../../src/runtime/job-api.js";
import { countKept } from "../../src/runtime/prune/mask.js";
import { readMask } from "../../src/runtime/prune/mask-file.js";
import { maskFile, runJob } from "../../src/runtime/run-job.js";
import { finalCheckpointPath, keptCheckpointPath } from "../../src/runtime/store/layout.js";
import { resumeCheckpointPath } from "../../src/runtime/train/loop.js";
import { readTrainState } from "../../src/runtime/train/train-state.js";
import { pgdLinf } from "../helpers/adversary.js";
import { useCpu } from "../train/cpu-backend.js";

const pgd: AdversaryConfig = pgdLinf(0.05, 1);

const train: TrainConfig = trainConfig({
  dataset: { name: "synthetic", flip: true, crop: 1, trainSubset: 256, testSubset: 64 },
  model: { kind: "lenet", hidden: [16] },
  adversary: pgd,
  schedule: { epochs: 3, batch: 64, lr: 0.05, weightDecay: 1e-4, milestones: [2] },
});

const base = { replicate: 1, cost: { trainEpochs: 3, imagePasses: 0 } };
const dense: DenseJob = {
  ...base,
  id: "dense-r1",
  hash: "dense",
  kind: "dense",
  dependsOn: [],
  needs: [],
  config: {
    ...train,
    keep: [
      { epoch: 1, step: 0 },
      { epoch: 1, step: 2 },
    ],
  },
};
const mask: MaskJob = {
  ...base,
  id: "mask-r1",
  hash: "mask",
  kind: "mask",
  dependsOn: [dense.id],
  needs: [{ job: dense.id, at: "final" }],
  config: {
    strategy: "magnitude",
    scope: "global",
    density: 0.3,
    source: { job: dense.id, at: "final" },
    previousMask: null,
    train,
  },
};
const sparse: SparseJob = {
  ...base,
  id: "sparse-r1",
  hash: "sparse",
  kind: "sparse",
  dependsOn: [dense.id, mask.id],
  needs: [],
  config: {
    ...train,
    prune: {
      strategy: "magnitude",
      scope: "global",
      method: "oneshot",
      fraction: 0.2,
      density: 0.3,
      rewind: { epoch: 1, step: 0 },
    },
    mask: mask.id,
    weights: { job: dense.id, at: { epoch: 1, step: 0 } },
    level: 1,
  },
};

let store: string;
const dirOf = (id: string) => join(store, "jobs", id);

function context(job: Job, signal = new AbortController().signal, events: JobEvent[] = []): JobContext {
  return { job, dir: dirOf(job.id), dependencyDir: dirOf, signal, onEvent: (e) => events.push(e) };
}

async function finalWeights(id: string): Promise<Float32Array[]> {
  const s = await readTrainState(finalCheckpointPath(dirOf(id)));
  if (s === null) throw new Error("no final checkpoint");
  return [...s.params.values(), ...s.state.values()];
}

function done(o: JobOutcome): Extract<JobOutcome, { status: "done" }> {
  if (o.status !== "done") throw new Error(`job ${o.status}: ${"reason" in o ? o.reason : ""}`);
  return o;
}

beforeAll(async () => {
  await useCpu();
  store = await mkdtemp(join(tmpdir(), "lthc-runjob-"));
});
afterAll(async () => {
  await rm(store, { recursive: true, force: true });
});

describe("runJob", () => {
  it("runs dense → mask → sparse, writing metrics, checkpoints and the mask", async () => {
    const events: JobEvent[] = [];
    const d = done(await runJob(context(dense, undefined, events)));
    expect(d.metrics.map((m) => `${m.epoch}:${m.adversary}`)).toEqual([
      "1:clean",
      "1:pgd(linf,0.05,1)",
      "2:clean",
      "2:pgd(linf,0.05,1)",
      "3:clean",
      "3:pgd(linf,0.05,1)",
    ]);
    const onDisk = JSON.parse(await readFile(join(dirOf(dense.id), "metrics.json"), "utf8")) as EpochMetric[];
    expect(onDisk).toEqual(d.metrics);
    await stat(keptCheckpointPath(dirOf(dense.id), { epoch: 1, step: 0 }));
    await expect(stat(resumeCheckpointPath(dirOf(dense.id)))).rejects.toThrow();
    // A restart after the final checkpoint answers from it without training again.
    const finalTime = (await stat(finalCheckpointPath(dirOf(dense.id)))).mtimeMs;
    const rerunEvents: JobEvent[] = [];
    expect(done(await runJob(context(dense, undefined, rerunEvents))).metrics).toEqual(d.metrics);
    expect(rerunEvents).toEqual([]);
    expect((await stat(finalCheckpointPath(dirOf(dense.id)))).mtimeMs).toBe(finalTime);
    expect(events[0]).toMatchObject({ type: "start", resumedFrom: null, epochs: 3, batchesPerEpoch: 4 });
    expect(events.filter((e) => e.type === "epoch")).toHaveLength(3);
    expect(events.some((e) => e.type === "batch")).toBe(true);

    const maskEvents: JobEvent[] = [];
    const m = done(await runJob(context(mask, undefined, maskEvents)));
    const saved = await readMask(maskFile(dirOf(mask.id)));
    const { kept, total } = countKept(saved);
    expect(kept).toBe(Math.round(0.3 * total));
    expect(m.achievedDensity).toBe(kept / total);
    // Per-layer counts are recorded in the result, in parameter order, and add up.
    expect(m.layers?.map((l) => [l.layer, l.total])).toEqual(saved.layers.map((l) => [l.name, l.keep.length]));
    expect(m.layers?.map((l) => l.kept)).toEqual(saved.layers.map((l) => l.keep.reduce((a, b) => a + b, 0)));
    const log = maskEvents.filter((e) => e.type === "log").map((e) => (e.type === "log" ? e.message : ""));
    expect(log[0]).toContain("per layer:");

    const sparseEvents: JobEvent[] = [];
    const s = done(await runJob(context(sparse, undefined, sparseEvents)));
    expect(sparseEvents[0]).toMatchObject({ type: "start", resumedFrom: null });
    expect(s.metrics.map((x) => x.epoch)).toEqual([2, 2, 3, 3]);
    expect(s.achievedDensity).toBe(kept / total);
    const weights = await readTrainState(finalCheckpointPath(dirOf(sparse.id)));
    for (const layer of saved.layers) {
      const w = weights?.params.get(layer.name) as Float32Array;
      for (let i = 0; i < w.length; i++) if (layer.keep[i] === 0) expect(w[i] === 0).toBe(true);
    }
  });

  it("an aborted dense run resumes to bit-identical final weights and metrics", async () => {
    const reference = await finalWeights(dense.id);
    const refMetrics = JSON.parse(await readFile(join(dirOf(dense.id), "metrics.json"), "utf8")) as EpochMetric[];
    const again: DenseJob = { ...dense, id: "dense-again-r1" };
    // The runner polls `aborted` once per batch: abort before step 2 of the second epoch (4 batches per epoch).
    let polls = 0;
    const signal = {
      get aborted() {
        polls += 1;
        return polls > 6;
      },
    } as AbortSignal;
    const first = await runJob(context(again, signal));
    expect(first.status).toBe("interrupted");
    const saved = await readTrainState(resumeCheckpointPath(dirOf(again.id)));
    expect(saved?.time).toEqual({ epoch: 1, step: 2 });
    expect(saved?.metrics.map((x) => x.epoch)).toEqual([1, 1]);
    const resumeEvents: JobEvent[] = [];
    const resumed = done(await runJob(context(again, undefined, resumeEvents)));
    expect(resumeEvents[0]).toMatchObject({ type: "start" });
    expect(resumeEvents[0].type === "start" && resumeEvents[0].resumedFrom).toMatch(/resume \(epoch 1 step 2\)$/);
    expect(resumed.metrics).toEqual(refMetrics);
    expect(await finalWeights(again.id)).toEqual(reference);
  });

  it("an abort at an epoch boundary writes the resume checkpoint once and resumes exactly", async () => {
    const again: DenseJob = { ...dense, id: "dense-boundary-r1" };
    let polls = 0;
    const signal = {
      get aborted() {
        polls += 1;
        return polls > 4;
      },
    } as AbortSignal;
    const events: JobEvent[] = [];
    expect((await runJob(context(again, signal, events))).status).toBe("interrupted");
    const resumeWrites = events.filter(
      (e) => e.type === "checkpoint" && e.path === resumeCheckpointPath(dirOf(again.id)),
    );
    expect(resumeWrites).toHaveLength(1);
    expect((await readTrainState(resumeCheckpointPath(dirOf(again.id))))?.time).toEqual({ epoch: 1, step: 0 });
    done(await runJob(context(again)));
    expect(await finalWeights(again.id)).toEqual(await finalWeights(dense.id));
  });

  it("a different replicate trains different weights", async () => {
    const other: DenseJob = { ...dense, id: "dense-r2", replicate: 2, config: { ...dense.config, keep: [] } };
    done(await runJob(context(other)));
    expect(await finalWeights(other.id)).not.toEqual(await finalWeights(dense.id));
  });

  it("rewinds to a mid-epoch checkpoint and refines masks iteratively; random masks need no weights", async () => {
    const kept = await readTrainState(keptCheckpointPath(dirOf(dense.id), { epoch: 1, step: 2 }));
    expect(kept?.time).toEqual({ epoch: 1, step: 2 });
    const level2: MaskJob = {
      ...mask,
      id: "mask2-r1",
      config: { ...mask.config, density: 0.2, source: { job: sparse.id, at: "final" }, previousMask: mask.id },
    };
    const m2 = done(await runJob(context(level2)));
    const first = await readMask(maskFile(dirOf(mask.id)));
    const second = await readMask(maskFile(dirOf(level2.id)));
    expect(countKept(second).kept).toBe(Math.round(0.2 * countKept(second).total));
    expect(m2.achievedDensity).toBeCloseTo(0.2, 2);
    second.layers.forEach((l, li) => {
      for (let i = 0; i < l.keep.length; i++) if (l.keep[i]) expect(first.layers[li].keep[i]).toBe(1);
    });
    const rewound: SparseJob = {
      ...sparse,
      id: "sparse-mid-r1",
      hash: "sparse-mid",
      config: { ...sparse.config, mask: level2.id, weights: { job: dense.id, at: { epoch: 1, step: 2 } } },
    };
    const s = done(await runJob(context(rewound)));
    expect(s.metrics.map((x) => x.epoch)).toEqual([2, 2, 3, 3]);

    const random: MaskJob = {
      ...mask,
      id: "random-r1",
      config: { ...mask.config, strategy: "random", source: { job: "never-trained", at: { epoch: 1, step: 0 } } },
    };
    done(await runJob(context(random)));
    const r = await readMask(maskFile(dirOf(random.id)));
    expect(countKept(r).kept).toBe(countKept(first).kept);
    expect(r).not.toEqual(first);

    const layerwise: MaskJob = {
      ...mask,
      id: "layerwise-r1",
      config: { ...mask.config, strategy: "random", scope: "layerwise" },
    };
    done(await runJob(context(layerwise)));
    const lw = await readMask(maskFile(dirOf(layerwise.id)));
    const perLayer = (x: typeof lw) => x.layers.map((l) => l.keep.reduce((a, k) => a + k, 0));
    expect(perLayer(lw)).toEqual(perLayer(first));
    expect(lw).not.toEqual(first);

    // As the planner emits it: the counts come from the named magnitude mask (no weights read).
    const counted: MaskJob = {
      ...layerwise,
      id: "counted-r1",
      config: { ...layerwise.config, source: { job: "never-trained", at: "final" }, countsFrom: level2.id },
    };
    done(await runJob(context(counted)));
    const ct = await readMask(maskFile(dirOf(counted.id)));
    expect(perLayer(ct)).toEqual(perLayer(second));
    expect(ct).not.toEqual(second);
  });

  it("a diverging run fails with the epoch and step", async () => {
    const wild: DenseJob = {
      ...dense,
      id: "wild-r1",
      hash: "wild",
      config: { ...dense.config, adversary: { kind: "none" }, schedule: { ...dense.config.schedule, lr: 1e30 } },
    };
    const o = await runJob(context(wild));
    expect(o.status).toBe("failed");
    expect(o.status === "failed" && o.reason).toMatch(/^diverged \(NaN loss\) at epoch 1 step \d+$/);
    // Same seed, same arithmetic: it would diverge again, so later runs need not retry it.
    expect(o).toMatchObject({ deterministic: true });
  });

  it("a missing mask is a failed job with a clear reason", async () => {
    const lost: SparseJob = { ...sparse, id: "sparse-lost", config: { ...sparse.config, mask: "no-such-mask" } };
    const o = await runJob(context(lost));
    expect(o.status).toBe("failed");
    expect(o.status === "failed" && o.reason).toMatch(/mask file not found/);
    expect(o).not.toHaveProperty("deterministic");
  });
});
