/**
 * The cost model: how many training epochs and forward+backward image passes a job
 * performs. Estimates only; see docs/planner.md for the model and its constants.
 */
import type { AdversaryConfig, DatasetConfig, TrainConfig, TrainTime } from "../core/config.js";
import { DATASETS } from "../core/datasets.js";

/** A clean forward pass costs about a third of a forward+backward pass. */
export const CLEAN_EVAL_PASS = 1 / 3;

export function trainSize(dataset: DatasetConfig): number {
  const full = DATASETS[dataset.name].trainSize;
  return dataset.trainSubset === null ? full : Math.min(full, dataset.trainSubset);
}

export function testSize(dataset: DatasetConfig): number {
  const full = DATASETS[dataset.name].testSize;
  return dataset.testSubset === null ? full : Math.min(full, dataset.testSubset);
}

export function batchesPerEpoch(train: TrainConfig): number {
  return Math.max(1, Math.ceil(trainSize(train.dataset) / train.schedule.batch));
}

/** Passes per training image: PGD-n runs n attack steps plus the clean label pass and the update. */
export function trainPassesPerImage(adversary: AdversaryConfig): number {
  return adversary.kind === "none" || adversary.steps === 0 ? 1 : adversary.steps + 2;
}

/** Passes per test image: a clean forward, or m attack steps plus the final forward. */
export function evalPassesPerImage(adversary: AdversaryConfig): number {
  return adversary.kind === "none" || adversary.steps === 0 ? CLEAN_EVAL_PASS : adversary.steps + 1;
}

/** Image passes of one epoch: training on the train split, then every test adversary on the test split. */
export function epochImagePasses(train: TrainConfig): number {
  const training = trainSize(train.dataset) * trainPassesPerImage(train.adversary);
  const evaluation = train.testAdversaries.reduce((sum, adv) => sum + evalPassesPerImage(adv), 0);
  return training + testSize(train.dataset) * evaluation;
}

/** A training time as fractional epochs: epoch 1 plus 100 of 391 batches is about 1.26 epochs. */
export function timeInEpochs(time: TrainTime, train: TrainConfig): number {
  return time.epoch + time.step / batchesPerEpoch(train);
}

export interface JobCost {
  trainEpochs: number;
  imagePasses: number;
}

/**
 * Training from `from` to the end of the schedule. Both figures are kept to 1e-6, not rounded
 * to integers: the plan's summary rounds the exact sums once, and summing per-job integers
 * drifted (three dense runs of x.333 passes each summed to 73,599,999 instead of 73,600,000).
 */
export function trainingCost(train: TrainConfig, from: TrainTime): JobCost {
  const epochs = Math.max(0, train.schedule.epochs - timeInEpochs(from, train));
  return {
    trainEpochs: Math.round(epochs * 1e6) / 1e6,
    imagePasses: Math.round(epochs * epochImagePasses(train) * 1e6) / 1e6,
  };
}

export const NO_COST: JobCost = { trainEpochs: 0, imagePasses: 0 };
