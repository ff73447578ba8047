/**
 * Builders for the compiler–runtime contract (config.ts): a `TrainConfig` or a PGD
 * adversary from the fields that differ from the language's defaults. The defaults are the
 * catalog's setting declarations and PGD's parameter defaults, so `trainConfig({ model })`
 * is exactly the configuration a spec that writes only `sweep <model>` resolves to, and
 * `pgd("linf", 0.1, 2)` is what `pgd(linf, 0.1, 2)` means. The checker builds its configs
 * with them; tests and tools use them instead of repeating config literals.
 */

import type {
  AdversaryConfig,
  DatasetConfig,
  DatasetName,
  ModelConfig,
  Norm,
  ScheduleConfig,
  TrainConfig,
} from "../core/config.js";
import { DATASETS } from "../core/datasets.js";
import { SETTINGS, SETTINGS_BY_NAME } from "./catalog.js";
import { DEFAULTS, defaultMilestones } from "./defaults.js";
import { clean } from "./evaluator.js";
import type { DatasetValue } from "./values.js";

export type PgdConfig = Extract<AdversaryConfig, { kind: "pgd" }>;

/** PGD's options beyond norm, ε and n; each defaults as in the language. */
export interface PgdOptions {
  /** Step size a; default ε/n (rounded to 12 significant digits, as the compiler does). */
  stepSize?: number;
  /** Default true (`start=random`). */
  randomStart?: boolean;
  /** Default `predicted` (label-leaking mitigation). */
  labels?: "predicted" | "true";
  /** Default `eval` (running statistics during the attack). */
  bn?: "train" | "eval";
}

/**
 * PGD_{norm,ε,n} as `pgd(norm, eps, n, …)` means it. ε is in units of the [0, 1] pixel range.
 * @throws RangeError when n < 1: `pgd(…, 0)` means no adversary, `{ kind: "none" }`.
 */
export function pgd(norm: Norm, eps: number, steps: number, options: PgdOptions = {}): PgdConfig {
  if (!(steps >= 1)) throw new RangeError(`pgd: ${steps} steps; 0 steps is { kind: "none" }`);
  return {
    kind: "pgd",
    norm,
    eps,
    steps,
    stepSize: options.stepSize ?? clean(eps / steps),
    randomStart: options.randomStart ?? DEFAULTS.pgd.randomStart,
    labels: options.labels ?? DEFAULTS.pgd.labels,
    bn: options.bn ?? DEFAULTS.pgd.bn,
  };
}

/** FGSM with a random start, `fgsm(norm, eps)`: one step of size ε, i.e. `pgd(norm, eps, 1)`. */
export function fgsm(norm: Norm, eps: number, options: Pick<PgdOptions, "labels" | "bn"> = {}): PgdConfig {
  // Rounded as pgd's default step ε/n is, so that the two spellings are equal for any ε (8/255).
  return pgd(norm, eps, 1, { ...options, stepSize: clean(eps), randomStart: true });
}

/** What `trainConfig` takes: every field but the model may be left to the language's default. */
export interface TrainConfigInput {
  model: ModelConfig;
  /**
   * A dataset's name, or its fields; `flip` and `crop` default to the dataset's default
   * augmentation (flip + crop 4 on CIFAR-10, none elsewhere), subsets to all.
   */
  dataset?: DatasetName | (Partial<DatasetConfig> & { name: DatasetName });
  /** The training adversary (`under`); default none. */
  adversary?: AdversaryConfig;
  /** Schedule fields; each defaults to its setting's declaration, `milestones` to 50% and 75% of `epochs`. */
  schedule?: Partial<ScheduleConfig>;
  /** Extra test adversaries (`test`): evaluated after clean and the training adversary, each once. */
  test?: readonly AdversaryConfig[];
}

const DATA_FALLBACK = SETTINGS_BY_NAME.get("data")!.fallback as DatasetValue;
const UNDER_FALLBACK = SETTINGS_BY_NAME.get("under")!.fallback as AdversaryConfig;
const SCHEDULE_SETTINGS = SETTINGS.filter((s) => s.lands.kind === "schedule");

/** A TrainConfig with the language's defaults for everything `input` leaves out. */
export function trainConfig(input: TrainConfigInput): TrainConfig {
  const given: Partial<DatasetConfig> & { name: DatasetName } =
    typeof input.dataset === "string" ? { name: input.dataset } : (input.dataset ?? DATA_FALLBACK);
  const augment = DATASETS[given.name].defaultAugment;
  const dataset: DatasetConfig = {
    name: given.name,
    flip: given.flip ?? augment.flip,
    crop: given.crop ?? augment.crop,
    trainSubset: given.trainSubset ?? DATA_FALLBACK.trainSubset,
    testSubset: given.testSubset ?? DATA_FALLBACK.testSubset,
  };
  const adversary = input.adversary ?? UNDER_FALLBACK;
  const fields: Record<string, unknown> = {};
  // In declaration order, which is ScheduleConfig's field order.
  for (const s of SCHEDULE_SETTINGS) {
    if (s.lands.kind !== "schedule") continue;
    const field = s.lands.field;
    fields[field] = input.schedule?.[field] ?? s.fallback;
  }
  const schedule = fields as unknown as ScheduleConfig;
  if (schedule.milestones === null) schedule.milestones = defaultMilestones(schedule.epochs);
  return {
    dataset,
    model: input.model,
    adversary,
    schedule,
    testAdversaries: testAdversaries(adversary, input.test ?? []),
  };
}

/** Clean, the training adversary and the extra ones, each once (configs equal as JSON are one). */
export function testAdversaries(adversary: AdversaryConfig, extra: readonly AdversaryConfig[]): AdversaryConfig[] {
  const seen = new Set<string>();
  return [{ kind: "none" } as AdversaryConfig, adversary, ...extra].filter((t) => {
    const key = jsonKey(t);
    return !seen.has(key) && seen.add(key);
  });
}

/** Adversary values are shared by every combination that uses them: serialize each once. */
const jsonKeys = new WeakMap<AdversaryConfig, string>();
function jsonKey(adversary: AdversaryConfig): string {
  let key = jsonKeys.get(adversary);
  if (key === undefined) {
    key = JSON.stringify(adversary);
    jsonKeys.set(adversary, key);
  }
  return key;
}
