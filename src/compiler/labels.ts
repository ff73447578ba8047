/** Short names for configurations, as they appear in metrics, progress, results, plots and tables. */
import type { AdversaryConfig, ModelConfig, TrainTime } from "./config.js";

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
 * The adversary's canonical name ("clean", "pgd(linf,0.1,8)"): the training engine
 * writes metrics under it and reports look the training adversary's accuracy up by it.
 */
export function adversaryLabel(adversary: AdversaryConfig): string {
  if (adversary.kind === "none" || adversary.steps === 0) return "clean";
  return `pgd(${adversary.norm},${adversary.eps},${adversary.steps})`;
}

/** "8" for a whole epoch, "8+100" for 100 steps into epoch 9. */
export function timeLabel(time: TrainTime): string {
  return time.step === 0 ? String(time.epoch) : `${time.epoch}+${time.step}`;
}
