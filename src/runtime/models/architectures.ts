/**
 * The architectures as specs plus their layer plans. Pure: no tensors.
 *
 * ResNet v1 for CIFAR (He et al. 2016) / WRN-d-k as in open_lth: conv3×3(16k)-BN-ReLU,
 * 3 stages of (d−2)/6 basic blocks at widths 16k, 32k, 64k (stride 2 at the first
 * block of stages 2 and 3), global average pool, dense. Where a block changes
 * shape the shortcut is a 1×1 projection conv + BN (option B), which is prunable.
 */
import type { ModelConfig } from "../../core/config.js";
import { UserError } from "../../core/user-error.js";
import { type ModelSpec, SpecBuilder } from "./spec.js";

export interface BlockPlan {
  name: string;
  cin: number;
  cout: number;
  stride: number;
  projection: boolean;
}

export function resnetBlocks(depth: number, width: number): { stem: number; blocks: BlockPlan[] } {
  if (!Number.isInteger(depth) || depth < 8 || (depth - 2) % 6 !== 0) {
    throw new UserError(`resnet depth ${depth} is not 6n+2 (8, 14, 20, 32, 44, 56, 110, ...)`);
  }
  if (!Number.isInteger(width) || width < 1) throw new UserError(`resnet width ${width} must be a positive integer`);
  const n = (depth - 2) / 6;
  const stem = 16 * width;
  const blocks: BlockPlan[] = [];
  let cin = stem;
  for (let s = 0; s < 3; s++) {
    const cout = stem * 2 ** s;
    for (let b = 0; b < n; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      blocks.push({ name: `stage${s + 1}.block${b}`, cin, cout, stride, projection: stride !== 1 || cin !== cout });
      cin = cout;
    }
  }
  return { stem, blocks };
}

export function modelName(config: ModelConfig): string {
  switch (config.kind) {
    case "resnet":
      return config.width === 1 ? `resnet-${config.depth}` : `wrn-${config.depth}-${config.width}`;
    case "lenet":
      return `lenet-${config.hidden.join("-")}`;
    case "convnet":
      return `convnet-${config.channels.join("-")}-fc${config.hidden}`;
  }
}

export function modelSpec(config: ModelConfig, inputShape: [number, number, number], numClasses: number): ModelSpec {
  const b = new SpecBuilder();
  const [h, w, c] = inputShape;
  switch (config.kind) {
    case "resnet": {
      const { stem, blocks } = resnetBlocks(config.depth, config.width);
      b.conv("conv0", 3, c, stem, false);
      b.bn("bn0", stem);
      for (const blk of blocks) {
        b.conv(`${blk.name}.conv1`, 3, blk.cin, blk.cout, false);
        b.bn(`${blk.name}.bn1`, blk.cout);
        b.conv(`${blk.name}.conv2`, 3, blk.cout, blk.cout, false);
        b.bn(`${blk.name}.bn2`, blk.cout);
        if (blk.projection) {
          b.conv(`${blk.name}.shortcut`, 1, blk.cin, blk.cout, false);
          b.bn(`${blk.name}.shortcut_bn`, blk.cout);
        }
      }
      b.dense("fc", stem * 4, numClasses);
      break;
    }
    case "lenet": {
      checkSizes("lenet hidden layer", config.hidden);
      let units = h * w * c;
      config.hidden.forEach((out, i) => {
        b.dense(`fc${i + 1}`, units, out);
        units = out;
      });
      b.dense(`fc${config.hidden.length + 1}`, units, numClasses);
      break;
    }
    case "convnet": {
      checkSizes("convnet channel count", config.channels);
      checkSizes("convnet hidden layer", [config.hidden]);
      let cin = c;
      let [hh, ww] = [h, w];
      config.channels.forEach((cout, i) => {
        b.conv(`conv${i + 1}`, 3, cin, cout, true);
        cin = cout;
        [hh, ww] = [Math.floor(hh / 2), Math.floor(ww / 2)];
      });
      if (hh < 1 || ww < 1) {
        throw new UserError(
          `convnet with ${config.channels.length} pooling stages is too deep for ${h}×${w} inputs`,
          "use fewer conv stages",
        );
      }
      b.dense("fc1", hh * ww * cin, config.hidden);
      b.dense("fc2", config.hidden, numClasses);
      break;
    }
  }
  return {
    description: `${modelName(config)} (${h}x${w}x${c} -> ${numClasses})`,
    inputShape,
    numClasses,
    params: b.params,
    state: b.state,
  };
}

function checkSizes(what: string, sizes: number[]): void {
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1) throw new UserError(`${what} ${s} must be a positive integer`);
  }
}
