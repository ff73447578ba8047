import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import type { ModelConfig } from "../../src/core/config.js";
import { buildModel, countConfigParams, countParams, describeModel } from "../../src/runtime/models/index.js";
import { tf } from "../../src/runtime/tf.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

const cifar = {
  shape: [32, 32, 3] as [number, number, number],
  numClasses: 10,
  mean: [0.5, 0.4, 0.3],
  std: [0.25, 0.25, 0.25],
};
const small = {
  shape: [8, 8, 3] as [number, number, number],
  numClasses: 5,
  mean: [0.5, 0.5, 0.5],
  std: [0.2, 0.3, 0.4],
};
const mnist = { shape: [28, 28, 1] as [number, number, number], numClasses: 10, mean: [0.13], std: [0.31] };

describe("parameter counts", () => {
  it("ResNet-20 with projection shortcuts has 272,474 parameters", () => {
    const c = countConfigParams({ kind: "resnet", depth: 20, width: 1 }, [32, 32, 3], 10);
    expect(c.total).toBe(272_474);
    // Conv and dense kernels only: BN γ/β (1,568) and the fc bias (10) are excluded.
    expect(c.prunable).toBe(270_896);
    expect(c.state).toBe(1_568);
  });

  it("WRN-20-8 has roughly 64× the parameters of ResNet-20", () => {
    const r20 = countConfigParams({ kind: "resnet", depth: 20, width: 1 }, [32, 32, 3], 10).total;
    const c = countConfigParams({ kind: "resnet", depth: 20, width: 8 }, [32, 32, 3], 10);
    expect(c.total).toBe(17_289_866);
    expect(c.total / r20).toBeGreaterThan(60);
    expect(c.total / r20).toBeLessThan(64);
  });

  it("LeNet-300-100 on 28×28 has 266,610 parameters", () => {
    const c = countConfigParams({ kind: "lenet", hidden: [300, 100] }, [28, 28, 1], 10);
    expect(c.total).toBe(266_610);
    expect(c.prunable).toBe(266_200);
  });

  it("a built model agrees with the pure count", () => {
    const m = buildModel({ kind: "resnet", depth: 20, width: 1 }, cifar, 1);
    try {
      expect(countParams(m)).toEqual(countConfigParams({ kind: "resnet", depth: 20, width: 1 }, [32, 32, 3], 10));
      expect(describeModel(m)).toContain("total 272,474 parameters");
    } finally {
      m.dispose();
    }
  });

  it("rejects a depth that is not 6n+2", () => {
    expect(() => countConfigParams({ kind: "resnet", depth: 21, width: 1 }, [32, 32, 3], 10)).toThrow(/6n\+2/);
  });
});

describe("parameter names and roles", () => {
  it("names are stable and prunable means conv/dense kernels", () => {
    const m = buildModel({ kind: "resnet", depth: 8, width: 1 }, small, 3);
    try {
      const names = m.params.map((p) => p.name);
      expect(names.slice(0, 3)).toEqual(["conv0.kernel", "bn0.gamma", "bn0.beta"]);
      expect(names).toContain("stage2.block0.shortcut.kernel");
      expect(names).not.toContain("stage1.block0.shortcut.kernel");
      expect(names.at(-1)).toBe("fc.bias");
      expect(new Set(names).size).toBe(names.length);
      for (const p of m.params) expect(p.prunable).toBe(p.name.endsWith(".kernel"));
      expect(m.state.map((s) => s.name)).toContain("stage3.block0.shortcut_bn.variance");
    } finally {
      m.dispose();
    }
  });

  it("two models with the same names coexist, and the same seed gives the same init", () => {
    const a = buildModel({ kind: "lenet", hidden: [16] }, mnist, 7);
    const b = buildModel({ kind: "lenet", hidden: [16] }, mnist, 7);
    const c = buildModel({ kind: "lenet", hidden: [16] }, mnist, 8);
    try {
      const w = (m: typeof a) => m.params[0].variable.dataSync();
      expect(w(a)).toEqual(w(b));
      expect(w(a)).not.toEqual(w(c));
    } finally {
      for (const m of [a, b, c]) m.dispose();
    }
  });

  it("Kaiming-normal init has std √(2/fan_in); BN starts at γ=1, β=0", () => {
    const m = buildModel({ kind: "lenet", hidden: [300, 100] }, mnist, 11);
    try {
      const w = Array.from(m.params[0].variable.dataSync());
      const mean = w.reduce((a, v) => a + v, 0) / w.length;
      const std = Math.sqrt(w.reduce((a, v) => a + (v - mean) ** 2, 0) / w.length);
      expect(Math.abs(mean)).toBeLessThan(0.001);
      expect(std).toBeCloseTo(Math.sqrt(2 / 784), 3);
    } finally {
      m.dispose();
    }
    const r = buildModel({ kind: "resnet", depth: 8, width: 1 }, small, 1);
    try {
      const get = (n: string) => Array.from(r.params.find((p) => p.name === n)!.variable.dataSync());
      expect(new Set(get("bn0.gamma"))).toEqual(new Set([1]));
      expect(new Set(get("bn0.beta"))).toEqual(new Set([0]));
    } finally {
      r.dispose();
    }
  });
});

const configs: [string, ModelConfig][] = [
  ["resnet-8", { kind: "resnet", depth: 8, width: 1 }],
  ["wrn-8-2", { kind: "resnet", depth: 8, width: 2 }],
  ["lenet", { kind: "lenet", hidden: [20, 10] }],
  ["convnet", { kind: "convnet", channels: [4, 8], hidden: 12 }],
];

describe("forward", () => {
  for (const [label, config] of configs) {
    it(`${label}: logits are [N, classes] in both BN modes, with no leaks`, () => {
      const m = buildModel(config, small, 5);
      const x = tf.randomUniform([3, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
      try {
        const before = tf.memory().numTensors;
        for (let i = 0; i < 3; i++) {
          for (const bn of ["batch", "running"] as const) {
            const shape = tf.tidy(() => m.forward(x, bn).logits.shape);
            expect(shape).toEqual([3, 5]);
          }
        }
        expect(tf.memory().numTensors).toBe(before);
        const stats = tf.tidy(() => m.forward(x, "batch").batchStats.length);
        expect(stats).toBe(config.kind === "resnet" ? m.state.length / 2 : 0);
      } finally {
        x.dispose();
        m.dispose();
      }
    });
  }

  it("building and disposing models frees every tensor", () => {
    const before = tf.memory().numTensors;
    for (const [, config] of configs) buildModel(config, small, 1).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a forward pass alone never changes the running statistics", () => {
    const m = buildModel({ kind: "resnet", depth: 8, width: 1 }, small, 5);
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, "float32", 2) as tf.Tensor4D;
    try {
      const snap = () => m.state.map((s) => Array.from(s.variable.dataSync()));
      const before = snap();
      tf.tidy(() => {
        m.forward(x, "batch");
        m.forward(x, "running");
      });
      expect(snap()).toEqual(before);
    } finally {
      x.dispose();
      m.dispose();
    }
  });

  it("updateRunningStats blends with momentum (PyTorch convention, unbiased variance)", () => {
    const m = buildModel({ kind: "resnet", depth: 8, width: 1 }, small, 5);
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 3) as tf.Tensor4D;
    try {
      tf.tidy(() => {
        const { batchStats } = m.forward(x, "batch");
        const s0 = batchStats[0];
        expect(s0.layer).toBe("bn0");
        expect(s0.count).toBe(2 * 8 * 8);
        const mean = s0.mean.dataSync();
        const variance = s0.variance.dataSync();
        m.updateRunningStats(batchStats, 0.1);
        const rm = m.state.find((s) => s.name === "bn0.mean")!.variable.dataSync();
        const rv = m.state.find((s) => s.name === "bn0.variance")!.variable.dataSync();
        expect(rm[0]).toBeCloseTo(0.1 * mean[0], 6);
        expect(rv[0]).toBeCloseTo(0.9 + 0.1 * variance[0] * (128 / 127), 5);
      });
    } finally {
      x.dispose();
      m.dispose();
    }
  });

  it("normalises inputs inside the model: the logits depend on the dataset statistics", () => {
    const a = buildModel({ kind: "lenet", hidden: [8] }, small, 9);
    const b = buildModel({ kind: "lenet", hidden: [8] }, { ...small, mean: [0, 0, 0], std: [1, 1, 1] }, 9);
    const x = tf.fill([1, 8, 8, 3], 0.5) as tf.Tensor4D;
    try {
      // With mean 0.5 the normalised input is 0, so logits are just the (zero) biases.
      const la = tf.tidy(() => Array.from(a.forward(x, "running").logits.dataSync()));
      const lb = tf.tidy(() => Array.from(b.forward(x, "running").logits.dataSync()));
      expect(la.every((v) => v === 0)).toBe(true);
      expect(lb.some((v) => v !== 0)).toBe(true);
    } finally {
      for (const t of [a, b, x]) t.dispose();
    }
  });

  it("gradients flow to every parameter and to the input", () => {
    const m = buildModel({ kind: "resnet", depth: 8, width: 1 }, small, 5);
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 4) as tf.Tensor4D;
    try {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => tf.sum(m.forward(x, "batch").logits) as tf.Scalar,
          m.params.map((p) => p.variable),
        );
        expect(Object.keys(grads).length).toBe(m.params.length);
        const gx = tf.grad((inp: tf.Tensor) => tf.sum(m.forward(inp as tf.Tensor4D, "running").logits))(x);
        expect(gx.shape).toEqual(x.shape);
      });
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      x.dispose();
      m.dispose();
    }
  });
});
