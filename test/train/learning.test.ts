import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { trainConfig } from "../../src/compiler/builders.js";
import type { AdversaryConfig, TrainConfig } from "../../src/core/config.js";
import type { DenseJob } from "../../src/core/plan-types.js";
import type { EpochMetric } from "../../src/runtime/job-api.js";
import { runJob } from "../../src/runtime/run-job.js";
import { tf } from "../../src/runtime/tf.js";
import { pgdLinf } from "../helpers/adversary.js";
import { describeEngine } from "../helpers/engine.js";

const attack: AdversaryConfig = pgdLinf(0.1, 2);

function config(adversary: AdversaryConfig): TrainConfig {
  return trainConfig({
    dataset: { name: "fashion-mnist", trainSubset: 2000, testSubset: 500 },
    model: { kind: "lenet", hidden: [100] },
    adversary,
    schedule: { epochs: 4, batch: 50, lr: 0.05, milestones: [3] },
    test: [attack],
  });
}

let store: string;

async function train(name: string, adversary: AdversaryConfig): Promise<EpochMetric[]> {
  const job: DenseJob = {
    id: `${name}-r1`,
    hash: name,
    replicate: 1,
    kind: "dense",
    dependsOn: [],
    needs: [],
    cost: { trainEpochs: 4, imagePasses: 0 },
    config: { ...config(adversary), keep: [] },
  };
  const dir = join(store, name);
  const outcome = await runJob({
    job,
    dir,
    dependencyDir: (id) => join(store, id),
    signal: new AbortController().signal,
    onEvent: () => undefined,
  });
  if (outcome.status !== "done") throw new Error(`training ${name} ended ${outcome.status}`);
  return outcome.metrics.filter((m) => m.epoch === 4);
}

const accuracy = (ms: EpochMetric[], adversary: string) =>
  ms.find((m) => m.adversary === adversary)?.accuracy ?? Number.NaN;

beforeAll(async () => {
  store = await mkdtemp(join(tmpdir(), "lthc-learn-"));
});
afterAll(async () => {
  await rm(store, { recursive: true, force: true });
});

// wasm (XNNPACK) trains this MLP several times faster than the pure-JS cpu backend.
describeEngine("wasm", "learning on a Fashion-MNIST subset", () => {
  it("standard training beats chance; PGD training raises PGD accuracy; no tensors leak", async () => {
    const before = tf.memory().numTensors;
    const standard = await train("standard", { kind: "none" });
    const adversarial = await train("adversarial", attack);
    expect(tf.memory().numTensors).toBe(before);
    const name = "pgd(linf,0.1,2)";
    expect(accuracy(standard, "clean")).toBeGreaterThan(0.6);
    expect(accuracy(adversarial, "clean")).toBeGreaterThan(0.5);
    expect(accuracy(adversarial, name)).toBeGreaterThan(accuracy(standard, name) + 0.1);
    console.log(
      `clean/PGD accuracy: standard ${accuracy(standard, "clean")}/${accuracy(standard, name)}, ` +
        `adversarial ${accuracy(adversarial, "clean")}/${accuracy(adversarial, name)}`,
    );
  }, 180_000);
});
