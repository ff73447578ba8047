import "@tensorflow/tfjs-backend-cpu";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { UserError } from "../../src/core/user-error.js";
import {
  type CheckpointContents,
  expectationFor,
  loadCheckpoint,
  readModelWeights,
  restoreModelWeights,
  saveCheckpoint,
} from "../../src/runtime/checkpoint/index.js";
import { buildModel } from "../../src/runtime/models/index.js";
import { Rng } from "../../src/runtime/rng.js";
import { tf } from "../../src/runtime/tf.js";
import { describeEngine } from "../helpers/engine.js";

const data = {
  shape: [8, 8, 3] as [number, number, number],
  numClasses: 4,
  mean: [0.5, 0.5, 0.5],
  std: [0.2, 0.2, 0.2],
};
const resnet = { kind: "resnet", depth: 8, width: 1 } as const;

function dir(): string {
  return mkdtempSync(join(tmpdir(), "lthc-ckpt-"));
}

async function sample(seed: number): Promise<CheckpointContents> {
  const m = buildModel(resnet, data, seed);
  try {
    const { params, state } = await readModelWeights(m);
    const rng = new Rng(seed);
    rng.nextFloat();
    return {
      jobId: "abc123-r1",
      model: m.description,
      time: { epoch: 3, step: 7 },
      params,
      state: state.map((s) => ({ ...s, data: s.data.map((v, i) => v + i * 0.25) })),
      optimizer: params.map((p) => ({ name: `momentum/${p.name}`, shape: p.shape, data: p.data.map((v) => -v / 3) })),
      rng: { "data-order": rng.getState() },
      meta: { lr: 0.1, seconds: 12.5 },
    };
  } finally {
    m.dispose();
  }
}

async function userError(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error("expected a UserError");
}

describeEngine("cpu", "checkpoint file", () => {
  it("round-trips bit-exactly, including NaN payloads and -0", async () => {
    const c = await sample(1);
    c.params[0].data[0] = -0;
    c.params[0].data[1] = Number.NaN;
    const path = join(dir(), "ckpt", "e3s7.ckpt");
    await saveCheckpoint(path, c);
    expect(readFileSync(path).subarray(0, 8).toString("ascii")).toBe("LTHCKPT1");
    const back = await loadCheckpoint(path);
    expect(back.jobId).toBe(c.jobId);
    expect(back.model).toBe(c.model);
    expect(back.time).toEqual({ epoch: 3, step: 7 });
    expect(back.rng).toEqual(c.rng);
    expect(back.meta).toEqual(c.meta);
    expect(typeof back.savedAt).toBe("string");
    for (const key of ["params", "state", "optimizer"] as const) {
      expect(back[key].map((t) => t.name)).toEqual(c[key].map((t) => t.name));
      back[key].forEach((t, i) => {
        expect(t.shape).toEqual(c[key][i].shape);
        const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
        expect(bits(t.data).equals(bits(c[key][i].data))).toBe(true);
      });
    }
    // Written atomically: no temporary files are left next to it.
    expect(await readdir(join(path, ".."))).toEqual(["e3s7.ckpt"]);
  });

  it("any flipped byte is a checksum error naming the file", async () => {
    const path = join(dir(), "a.ckpt");
    await saveCheckpoint(path, await sample(2));
    const bytes = readFileSync(path);
    for (const at of [20, bytes.length - 100, bytes.length - 1]) {
      const copy = Buffer.from(bytes);
      copy[at] ^= 0x10;
      writeFileSync(path, copy);
      const err = await userError(loadCheckpoint(path));
      expect(err.message).toBe(`corrupt checkpoint ${path} (checksum mismatch)`);
    }
    writeFileSync(path, bytes.subarray(0, bytes.length - 10));
    expect((await userError(loadCheckpoint(path))).message).toMatch(/checksum mismatch/);
    writeFileSync(path, Buffer.from("not a checkpoint at all"));
    expect((await userError(loadCheckpoint(path))).message).toMatch(/not an lthc checkpoint \(bad magic/);
    expect((await userError(loadCheckpoint(join(dir(), "none.ckpt")))).message).toMatch(/cannot read .*ENOENT/);
  });

  it("loading into a different model is a clear error", async () => {
    const path = join(dir(), "a.ckpt");
    await saveCheckpoint(path, await sample(3));
    const wide = buildModel({ kind: "resnet", depth: 8, width: 2 }, data, 1);
    const lenet = buildModel({ kind: "lenet", hidden: [5] }, data, 1);
    try {
      let err = await userError(loadCheckpoint(path, expectationFor(wide)));
      expect(err.message).toContain(`checkpoint ${path} is for a different model`);
      expect(err.message).toContain("it holds resnet-8 (8x8x3 -> 4), expected wrn-8-2 (8x8x3 -> 4)");
      expect(err.message).toContain("parameter conv0.kernel has shape [3,3,3,16] in the checkpoint but [3,3,3,32]");
      err = await userError(loadCheckpoint(path, { params: expectationFor(lenet).params }));
      expect(err.message).toMatch(/parameter fc1\.kernel is missing from the checkpoint/);
    } finally {
      wide.dispose();
      lenet.dispose();
    }
  });

  it("restores a model's weights and BN state exactly, without leaking tensors", async () => {
    const path = join(dir(), "a.ckpt");
    const c = await sample(4);
    await saveCheckpoint(path, c);
    const m = buildModel(resnet, data, 99);
    try {
      const before = tf.memory().numTensors;
      restoreModelWeights(m, await loadCheckpoint(path, expectationFor(m)), path);
      expect(tf.memory().numTensors).toBe(before);
      const now = await readModelWeights(m);
      expect(now.params.map((p) => Array.from(p.data))).toEqual(c.params.map((p) => Array.from(p.data)));
      expect(now.state.map((p) => Array.from(p.data))).toEqual(c.state.map((p) => Array.from(p.data)));
      const x = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 5) as tf.Tensor4D;
      const ref = buildModel(resnet, data, 4);
      try {
        const logits = (model: typeof m) => tf.tidy(() => Array.from(model.forward(x, "batch").logits.dataSync()));
        expect(logits(m)).toEqual(logits(ref));
      } finally {
        ref.dispose();
        x.dispose();
      }
    } finally {
      m.dispose();
    }
  });

  it("paramsOnly restores weights but keeps the model's BN state", async () => {
    const path = join(dir(), "a.ckpt");
    await saveCheckpoint(path, await sample(6));
    const m = buildModel(resnet, data, 1);
    try {
      restoreModelWeights(m, await loadCheckpoint(path), path, { paramsOnly: true });
      const variance = m.state.find((s) => s.name === "bn0.variance")!.variable.dataSync();
      expect(Array.from(variance)).toEqual(new Array(16).fill(1));
    } finally {
      m.dispose();
    }
  });
});
