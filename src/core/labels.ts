/**
 * Names of configurations. `adversaryKey` is the one key under which stored and reported data
 * (metrics.json, result rows, report columns, plot series) is filed: it identifies an adversary
 * completely. The other labels are for display.
 */
import type { AdversaryConfig, ModelConfig, TrainTime } from "./config.js";
import { canonicalNumber } from "./hash.js";

/** "resnet(20)", "wrn(20,8)", "lenet(300,100)", "convnet(32,64;128)". */
export function modelLabel(model: ModelConfig): string {
  switch (model.kind) {
    case "resnet":
      return model.width === 1 ? `resnet(${model.depth})` : `wrn(${model.depth},${model.width})`;
    case "lenet":
      return `lenet(${model.hidden.join(",")})`;
    case "convnet":
      return `convnet(${model.channels.join(",")};${model.hidden})`;
  }
}

/**
 * The adversary's complete, canonical key, written in the language's own syntax:
 * "clean", "pgd(linf,0.1,8)", "pgd(linf,0.1,8,labels=true)". Options at their fixed
 * reference values (step ε/n, random start, predicted labels, BN eval) are left out, so
 * the key of a default adversary is the short name earlier releases stored its metrics
 * under; every other option is written, in a fixed order, so that two different
 * configurations never share a key. The reference values are part of this format, not
 * the language defaults: changing a default must not change what a stored key means.
 */
export function adversaryKey(adversary: AdversaryConfig): string {
  if (adversary.kind === "none" || adversary.steps === 0) return "clean";
  const { norm, eps, steps } = adversary;
  const options: string[] = [];
  if (canonicalNumber(adversary.stepSize) !== canonicalNumber(eps / steps)) options.push(`step=${adversary.stepSize}`);
  if (!adversary.randomStart) options.push("start=zero");
  if (adversary.labels !== "predicted") options.push(`labels=${adversary.labels}`);
  if (adversary.bn !== "eval") options.push(`bn=${adversary.bn}`);
  return `pgd(${[norm, eps, steps, ...options].join(",")})`;
}

/**
 * The key under which earlier releases stored an adversary's metrics: norm, ε and steps
 * only. Used solely to read old stores (see `rekeyLegacyMetrics`); never to file new data.
 */
export function legacyAdversaryKey(adversary: AdversaryConfig): string {
  if (adversary.kind === "none" || adversary.steps === 0) return "clean";
  return `pgd(${adversary.norm},${adversary.eps},${adversary.steps})`;
}

/**
 * A training time as data: the key of rewind points in result rows and CSV columns, "8" for
 * a whole epoch and "8+100" for 100 steps into epoch 9. Stored data is filed under it, so it
 * does not change; `formatTime` is the same time for people.
 */
export function timeLabel(time: TrainTime): string {
  return time.step === 0 ? String(time.epoch) : `${time.epoch}+${time.step}`;
}

/**
 * A training time for people, in the language's own units (`lthc plan --explain`, plan
 * goldens): "8ep", "500it", "2ep+5it". The data key of the same time is `timeLabel`.
 */
export function formatTime(time: TrainTime): string {
  if (time.step === 0) return `${time.epoch}ep`;
  if (time.epoch === 0) return `${time.step}it`;
  return `${time.epoch}ep+${time.step}it`;
}
