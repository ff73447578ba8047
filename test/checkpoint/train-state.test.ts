import "@tensorflow/tfjs-backend-cpu";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readTrainState, type TrainState, writeTrainState } from "../../src/runtime/checkpoint/index.js";
import { buildModel } from "../../src/runtime/models/index.js";
import { tf } from "../../src/runtime/tf.js";
import { UserError } from "../../src/runtime/user-error.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const data = { shape: [4, 4, 1] as [number, number, number], numClasses: 3, mean: [0.5], std: [0.25] };

describe("TrainState in the checkpoint format", () => {
  it("round-trips weights, momentum and metrics; a missing file is null; another model is an error", async () => {
    const m = buildModel({ kind: "lenet", hidden: [6] }, data, 1);
    const other = buildModel({ kind: "lenet", hidden: [7] }, data, 1);
    try {
      const params = new Map(m.params.map((p) => [p.name, Float32Array.from(p.variable.dataSync())]));
      const s: TrainState = {
        time: { epoch: 2, step: 0 },
        params,
        state: new Map(),
        momentum: new Map([...params].map(([k, v]) => [k, v.map((x) => x * 2)])),
        metrics: [{ epoch: 1, adversary: "clean", accuracy: 0.5, loss: 1.2 }],
      };
      const path = join(mkdtempSync(join(tmpdir(), "lthc-ts-")), "e2.ckpt");
      await writeTrainState(path, s, m, "job-1");
      const back = await readTrainState(path, m);
      expect(back).not.toBeNull();
      expect(back!.time).toEqual(s.time);
      expect(back!.metrics).toEqual(s.metrics);
      expect([...back!.params.keys()]).toEqual([...params.keys()]);
      expect(Array.from(back!.momentum!.get("fc1.kernel")!)).toEqual(Array.from(s.momentum!.get("fc1.kernel")!));
      await writeTrainState(path, { ...s, momentum: null }, m);
      expect((await readTrainState(path))!.momentum).toBeNull();
      expect(await readTrainState(`${path}.missing`)).toBeNull();
      await expect(readTrainState(path, other)).rejects.toBeInstanceOf(UserError);
    } finally {
      m.dispose();
      other.dispose();
    }
  });
});
