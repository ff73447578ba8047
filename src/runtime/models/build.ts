/** buildModel: a config, the dataset's shape and statistics, and a seed give a Model. */
import type { ModelConfig } from "../../core/config.js";
import { relu } from "../ops/relu.js";
import { tf } from "../tf.js";
import { modelSpec, resnetBlocks } from "./architectures.js";
import type { Model } from "./model.js";
import { type ForwardFn, type Layers, Network } from "./network.js";
import { countSpec, type ParamCounts } from "./spec.js";

export interface ModelDataInfo {
  shape: [number, number, number];
  numClasses: number;
  mean: number[];
  std: number[];
}

function resnetForward(depth: number, width: number): ForwardFn {
  const { blocks } = resnetBlocks(depth, width);
  return (x: tf.Tensor4D, l: Layers) => {
    let h = l.convBn(x, "conv0", "bn0", { stride: 1, relu: true });
    for (const b of blocks) {
      const a = l.convBn(h, `${b.name}.conv1`, `${b.name}.bn1`, { stride: b.stride, relu: true });
      const shortcut = b.projection
        ? l.convBn(h, `${b.name}.shortcut`, `${b.name}.shortcut_bn`, { stride: b.stride, relu: false })
        : h;
      h = l.convBn(a, `${b.name}.conv2`, `${b.name}.bn2`, { stride: 1, relu: true, residual: shortcut });
    }
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    return l.dense(pooled, "fc");
  };
}

function lenetForward(hidden: number[]): ForwardFn {
  return (x: tf.Tensor4D, l: Layers) => {
    let h = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
    hidden.forEach((_, i) => {
      h = relu(l.dense(h, `fc${i + 1}`));
    });
    return l.dense(h, `fc${hidden.length + 1}`);
  };
}

function convnetForward(channels: number[]): ForwardFn {
  return (x: tf.Tensor4D, l: Layers) => {
    let h = x;
    channels.forEach((_, i) => {
      h = tf.maxPool(relu(l.conv(h, `conv${i + 1}`, 1)), 2, 2, "valid");
    });
    const flat = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
    return l.dense(relu(l.dense(flat, "fc1")), "fc2");
  };
}

/**
 * A freshly initialised model. `seed` should be derived from the job's identity
 * (deriveSeed(jobId, "init")); each parameter's init stream derives from it and its name.
 */
export function buildModel(config: ModelConfig, data: ModelDataInfo, seed: number): Model {
  const spec = modelSpec(config, data.shape, data.numClasses);
  const forward =
    config.kind === "resnet"
      ? resnetForward(config.depth, config.width)
      : config.kind === "lenet"
        ? lenetForward(config.hidden)
        : convnetForward(config.channels);
  return new Network(spec, data, seed, forward);
}

/** Parameter counts of a config, computed without allocating the model. */
export function countConfigParams(
  config: ModelConfig,
  shape: [number, number, number],
  numClasses: number,
): ParamCounts {
  return countSpec(modelSpec(config, shape, numClasses));
}

/** Parameter counts of a built model. */
export function countParams(model: Model): ParamCounts {
  const size = (list: Model["params"]) => list.reduce((a, p) => a + p.variable.size, 0);
  return {
    total: size(model.params),
    prunable: size(model.params.filter((p) => p.prunable)),
    state: size(model.state),
  };
}

/** A human-readable summary: one line per parameter, then the totals. */
export function describeModel(model: Model): string {
  const lines = [model.description];
  for (const p of model.params) {
    const tag = p.prunable ? " (prunable)" : "";
    lines.push(`  ${p.name.padEnd(36)} ${JSON.stringify(p.variable.shape).padEnd(20)} ${p.variable.size}${tag}`);
  }
  const c = countParams(model);
  lines.push(`  total ${c.total.toLocaleString("en-US")} parameters, ${c.prunable.toLocaleString("en-US")} prunable`);
  return lines.join("\n");
}
