/**
 * Everything a .lth name can mean, with one-line docs, parameters and defaults: the
 * language's schema. Argument binding (bind.ts), the checker's parameter checks and
 * messages (values.ts), hover, completion and signatures all read these declarations.
 * Adding a construct starts here; docs/schema.md walks through it.
 */
import type { AdversaryConfig, ModelConfig, ScheduleConfig } from "../core/config.js";
import { DATASETS } from "../core/datasets.js";
import { DEFAULTS } from "./defaults.js";
import { suggest } from "./diagnostics.js";
import type { AugmentValue, DatasetValue, StrategyValue, TimeValue } from "./values.js";

export type EntryKind =
  | "keyword"
  | "setting"
  | "model"
  | "dataset"
  | "adversary"
  | "norm"
  | "strategy"
  | "augmentation"
  | "optimizer"
  | "option"
  | "unit";

/**
 * One parameter of a construct: the declaration that argument binding (bind.ts), the
 * checker's messages, hover, completion and signatures all read.
 */
export interface ParamDoc {
  name: string;
  doc: string;
  /** Spelled-out default; absent when the parameter is required. */
  default?: string;
  /** Takes every positional argument from its position on (`lenet(300, 100)`). */
  variadic?: boolean;
  /** The names it takes, for a parameter that is a choice (`linf` or `l2`); checked and completed from here. */
  values?: readonly string[];
  /** What a value of it is called in messages ("unknown label source `x`"); defaults to the name. */
  noun?: string;
  /** For a whole-number parameter: its least value, and what a value is called in messages ("a layer width"). */
  count?: { min: number; what: string };
}

export interface CatalogEntry {
  name: string;
  kind: EntryKind;
  /** One line. */
  doc: string;
  /** How it is written, e.g. `pgd(norm, eps, n, step=eps/n, start=random, labels=predicted, bn=eval)`. */
  signature: string;
  params: ParamDoc[];
  /** Spelled-out default, for settings. */
  default?: string;
  example: string;
}

/** The type of value a setting takes; drives checking and completion. */
export type ValueType =
  | "dataset"
  | "augment"
  | "model"
  | "adversary"
  | "strategy"
  | "density"
  | "time"
  | "count"
  | "positive-count"
  | "number"
  | "accuracy-points"
  | "bool"
  | "optimizer"
  | "epoch-list"
  | "adversary-list";

/** What a value of each type evaluates to (`Values.byType`): the checker's resolved values. */
export interface ValueOfType {
  dataset: DatasetValue;
  augment: AugmentValue;
  model: ModelConfig;
  adversary: AdversaryConfig;
  strategy: StrategyValue;
  density: number;
  time: TimeValue;
  count: number;
  "positive-count": number;
  number: number;
  "accuracy-points": number;
  bool: boolean;
  optimizer: "sgd";
  "epoch-list": number[];
  "adversary-list": AdversaryConfig[];
}

/** A bound on a numeric setting beyond its type's own (`momentum` below 1), with the hint of its error (E023). */
export interface SettingDomain {
  /** The value must be strictly below this. */
  below: number;
  hint: string;
}

/**
 * Where a setting's value lands in the resolved configuration. `schedule`: copied unchanged
 * into `TrainConfig.schedule[field]`; `point`: copied into `Point[field]`; `derived`: the
 * checker's `resolvePoint` computes the fields named in `path` from it (and other settings).
 */
export type Landing =
  | { kind: "schedule"; field: keyof ScheduleConfig }
  | { kind: "point"; field: "tolerance" }
  | { kind: "derived"; path: string };

export interface SettingEntry<T extends ValueType = ValueType> extends CatalogEntry {
  kind: "setting";
  name: SettingKey;
  type: T;
  /** Name of a swept parameter written without `name in`. */
  param: string;
  sweepable: boolean;
  /**
   * The value an unwritten setting takes; `null`: decided per point from other settings
   * (described by `default`); `undefined`: the setting is required.
   */
  fallback: ValueOfType[T] | null | undefined;
  /** Spelled-out default, for hover, completion and docs. */
  default: string;
  domain?: SettingDomain;
  /** Where the value lands in the TrainConfig, PruneConfig or Point (`lands.path` or field). */
  lands: Landing;
}

interface SettingDecl<T extends ValueType, F extends ValueOfType[T] | null | undefined> {
  type: T;
  doc: string;
  example: string;
  fallback: F;
  /** Spelled-out default; when absent, `fallback` written as in a spec. */
  default?: string;
  /** Swept parameter's name when not the setting's. */
  param?: string;
  /** Default true. */
  sweepable?: boolean;
  domain?: SettingDomain;
  lands: Landing;
}

type AnyFallback = ValueOfType[ValueType] | null | undefined;

/** A setting's resolved value: its type's value, or null where its default is decided per point. */
type ResolvedOf<D> = D extends SettingDecl<infer T, infer F> ? ValueOfType[T] | (null extends F ? null : never) : never;

/** How a plain default is written in a spec: `160`, `off`, `none`, `8ep`. */
function spell(value: unknown): string {
  if (typeof value === "boolean") return value ? "on" : "off";
  if (typeof value === "object" && value !== null && "kind" in value) return String(value.kind);
  if (typeof value === "object" && value !== null && "unit" in value && "amount" in value) {
    return `${value.amount}${value.unit}`;
  }
  return String(value);
}

function setting<T extends ValueType, const F extends ValueOfType[T] | null | undefined>(
  decl: SettingDecl<T, F>,
): SettingDecl<T, F> {
  return decl;
}

/**
 * Every setting, declared once, in the order the checker evaluates them (and the
 * schedule's fields are built). Each name is also a keyword: the lexer makes its tokens from
 * these names (`SETTING_KEYWORDS`).
 */
const SETTING_DECLS = {
  data: setting({
    type: "dataset",
    doc: "Dataset to train and test on, optionally a subset.",
    example: "data fashion-mnist(train=8000, test=2000)",
    fallback: { name: "cifar10", trainSubset: null, testSubset: null },
    default: "cifar10",
    param: "dataset",
    lands: { kind: "derived", path: "TrainConfig.dataset.{name, trainSubset, testSubset}" },
  }),
  augment: setting({
    type: "augment",
    doc: "Training augmentation: `none`, `flip`, `crop(n)`, combined with `+`.",
    example: "augment flip+crop(4)",
    fallback: null,
    default: "flip+crop(4) on cifar10, none elsewhere",
    lands: { kind: "derived", path: "TrainConfig.dataset.{flip, crop}" },
  }),
  model: setting({
    type: "model",
    doc: "Network architecture (also written right after `sweep`).",
    example: "model wrn(20, 8)",
    fallback: undefined,
    default: "(required)",
    lands: { kind: "derived", path: "TrainConfig.model" },
  }),
  under: setting({
    type: "adversary",
    doc: "Training adversary: `none` (standard training) or `pgd(norm, eps, n)`.",
    example: "under pgd(linf, 8/255, 2)",
    fallback: { kind: "none" },
    param: "adversary",
    lands: { kind: "derived", path: "TrainConfig.adversary, and TrainConfig.testAdversaries" },
  }),
  prune: setting({
    type: "strategy",
    doc: "Pruning strategy: `global`, `layerwise`, `imp(20%)`, `random`, `random(layerwise)`; `a|b` for several.",
    example: "prune global|random",
    fallback: null,
    default: "global|random when `at` is given, else no pruning",
    param: "strategy",
    lands: { kind: "derived", path: "PruneConfig.{strategy, scope, method, fraction, counts}" },
  }),
  at: setting({
    type: "density",
    doc: "Densities: fraction of prunable weights kept, e.g. `50%` or `80%^[2..16]` (0.8^k).",
    example: "at w in 80%^[2..16 by 2]",
    fallback: null,
    default: "(required with prune)",
    param: "density",
    lands: { kind: "derived", path: "PruneConfig.density" },
  }),
  rewind: setting({
    type: "time",
    doc: "Rewind point θ_r: sparse training restarts from the dense run's weights here (`8`, `8ep`, `500it`).",
    example: "rewind 8",
    fallback: { amount: 8, unit: "ep" },
    lands: { kind: "derived", path: "PruneConfig.rewind (iterations as epochs + steps)" },
  }),
  reps: setting({
    type: "positive-count",
    doc: "Replicates: independent repetitions of every point (seeds 1..N).",
    example: "reps 2",
    fallback: 1,
    sweepable: false,
    lands: { kind: "derived", path: "Point.replicate (one point per replicate 1..N)" },
  }),
  epochs: setting({
    type: "positive-count",
    doc: "Training epochs of the dense run (the sparse run trains from the rewind point to here).",
    example: "epochs 160",
    fallback: 160,
    lands: { kind: "schedule", field: "epochs" },
  }),
  batch: setting({
    type: "positive-count",
    doc: "Minibatch size.",
    example: "batch 128",
    fallback: 128,
    lands: { kind: "schedule", field: "batch" },
  }),
  optimizer: setting({
    type: "optimizer",
    doc: "Optimiser; `sgd` (cross-entropy loss).",
    example: "optimizer sgd",
    fallback: "sgd",
    lands: { kind: "schedule", field: "optimizer" },
  }),
  lr: setting({
    type: "number",
    doc: "Initial learning rate.",
    example: "lr 0.1",
    fallback: 0.1,
    lands: { kind: "schedule", field: "lr" },
  }),
  momentum: setting({
    type: "number",
    doc: "SGD momentum.",
    example: "momentum 0.9",
    fallback: 0.9,
    domain: { below: 1, hint: "the thesis uses 0.9" },
    lands: { kind: "schedule", field: "momentum" },
  }),
  nesterov: setting({
    type: "bool",
    doc: "Nesterov momentum: `on` or `off`.",
    example: "nesterov off",
    fallback: false,
    lands: { kind: "schedule", field: "nesterov" },
  }),
  "weight-decay": setting({
    type: "number",
    doc: "L2 weight decay.",
    example: "weight-decay 5e-4",
    fallback: 0,
    lands: { kind: "schedule", field: "weightDecay" },
  }),
  milestones: setting({
    type: "epoch-list",
    doc: "Epochs at which the learning rate is multiplied by `gamma` (a list; sweep whole lists: `[80, 120] | [100, 150]`).",
    example: "milestones [80, 120]",
    fallback: null,
    // defaultMilestones (checker.ts): 50% and 75% of `epochs`, [80, 120] for the thesis's 160.
    default: "[80, 120]",
    lands: { kind: "schedule", field: "milestones" },
  }),
  gamma: setting({
    type: "number",
    doc: "Learning-rate factor applied at each milestone.",
    example: "gamma 0.1",
    fallback: 0.1,
    lands: { kind: "schedule", field: "gamma" },
  }),
  test: setting({
    type: "adversary-list",
    doc: "Extra adversaries evaluated on the test set after every epoch (a list; sweep whole lists with `|`); clean and the training adversary are always evaluated.",
    example: "test [pgd(linf, 0.1, 10), pgd(l2, 0.5, 10)]",
    fallback: [],
    default: "[] (clean + training adversary)",
    lands: { kind: "derived", path: "TrainConfig.testAdversaries (after clean and the training adversary)" },
  }),
  tolerance: setting({
    type: "accuracy-points",
    doc: "Matching tolerance in accuracy points (`0.5` or `0.5%`): a sparse net matches if it is at most this far below dense.",
    example: "tolerance 0.5",
    fallback: 0,
    lands: { kind: "point", field: "tolerance" },
  }),
  judge: setting({
    type: "adversary",
    doc: "The adversary whose test accuracy the report's three questions are judged on: the training adversary (the thesis's choice), or one evaluated by `test` (or `none` for clean accuracy). Report-only: it changes no job.",
    example: "judge none",
    fallback: null,
    default: "the training adversary",
    sweepable: false,
    lands: { kind: "derived", path: "Point.judge (its label; absent when it is the training adversary)" },
  }),
} satisfies Record<string, SettingDecl<ValueType, AnyFallback>>;

/** A setting's name: its keyword in a spec (the lexer makes each a reserved word). */
export type SettingKey = keyof typeof SETTING_DECLS;

/** Every setting's name, in declaration order. */
export const SETTING_NAMES = Object.keys(SETTING_DECLS) as SettingKey[];

/**
 * Names other tools and papers use for a setting, for "did you mean" on an unknown setting:
 * `learning-rate` is too far from `lr` for an edit-distance guess. Keys are written lower-case
 * with `-`; a spec's `learning_rate` or `Learning-Rate` is normalized before the lookup.
 * Suggestions only: a spec must still use the setting's own name.
 */
export const SETTING_ALIASES: Readonly<Record<string, SettingKey>> = {
  "learning-rate": "lr",
  learningrate: "lr",
  "lr-rate": "lr",
  wd: "weight-decay",
  weightdecay: "weight-decay",
  "l2-penalty": "weight-decay",
  replicates: "reps",
  replicate: "reps",
  repeats: "reps",
  seeds: "reps",
  "batch-size": "batch",
  batchsize: "batch",
  bs: "batch",
  dataset: "data",
  augmentation: "augment",
  arch: "model",
  architecture: "model",
  network: "model",
  net: "model",
  adversary: "under",
  attack: "under",
  "train-adversary": "under",
  pruning: "prune",
  density: "at",
  densities: "at",
  sparsity: "at",
  "rewind-to": "rewind",
  "rewind-point": "rewind",
  "num-epochs": "epochs",
  "lr-milestones": "milestones",
  "lr-decay": "gamma",
  "lr-gamma": "gamma",
  opt: "optimizer",
  "test-adversaries": "test",
  "test-adversary": "test",
};

/** The setting an unknown name most likely means: an alias, else the closest name by edit distance. */
export function suggestSetting(name: string): SettingKey | undefined {
  const alias = SETTING_ALIASES[name.toLowerCase().replaceAll("_", "-")];
  if (alias) return alias;
  return suggest(name, SETTING_NAMES) as SettingKey | undefined;
}

/** The checker's value of each setting for one point, typed from the declarations above. */
export type ResolvedSettings = { -readonly [K in SettingKey]: ResolvedOf<(typeof SETTING_DECLS)[K]> };

export const SETTINGS: readonly SettingEntry[] = SETTING_NAMES.map((name) => {
  const d: SettingDecl<ValueType, AnyFallback> = SETTING_DECLS[name];
  return {
    name,
    kind: "setting",
    type: d.type,
    doc: d.doc,
    signature: `${name} <${d.type}>`,
    params: [],
    default: d.default ?? spell(d.fallback),
    example: d.example,
    param: d.param ?? name,
    sweepable: d.sweepable ?? true,
    fallback: d.fallback as SettingEntry["fallback"],
    ...(d.domain ? { domain: d.domain } : {}),
    lands: d.lands,
  };
});

/** Where a setting's value lands, written as a path: `TrainConfig.schedule.lr`, `Point.tolerance`. */
export function landingPath(entry: SettingEntry): string {
  switch (entry.lands.kind) {
    case "schedule":
      return `TrainConfig.schedule.${entry.lands.field}`;
    case "point":
      return `Point.${entry.lands.field}`;
    case "derived":
      return entry.lands.path;
  }
}

export const SETTINGS_BY_NAME: ReadonlyMap<string, SettingEntry> = new Map(SETTINGS.map((s) => [s.name, s]));

function entry(
  kind: EntryKind,
  name: string,
  doc: string,
  signature = name,
  params: ParamDoc[] = [],
  example = signature,
): CatalogEntry {
  return { kind, name, doc, signature, params, example };
}

export const MODELS: readonly CatalogEntry[] = [
  entry(
    "model",
    "wrn",
    "WideResNet v1 for CIFAR (Conv-BN-ReLU, 1×1 projection shortcuts): depth = 6n+2, widths 16k/32k/64k.",
    "wrn(depth, k)",
    [
      {
        name: "depth",
        doc: "6n+2 layers: 3 stages of n basic blocks (20, 32, 44, 56, 110…)",
        count: { min: 1, what: "a depth" },
      },
      { name: "k", doc: "width multiplier (wrn(20,1) is ResNet-20)", count: { min: 1, what: "a width multiplier" } },
    ],
    "wrn(20, 8)",
  ),
  entry(
    "model",
    "resnet",
    "ResNet v1 for CIFAR, width 1 (resnet(d) = wrn(d, 1)); depth = 6n+2.",
    "resnet(depth)",
    [{ name: "depth", doc: "6n+2 layers", count: { min: 1, what: "a depth" } }],
    "resnet(20)",
  ),
  entry(
    "model",
    "lenet",
    "Fully connected ReLU network with these hidden layer widths (LeNet-300-100 is lenet(300, 100)).",
    "lenet(h1, h2, …)",
    [
      {
        name: "hidden",
        doc: "hidden layer widths, one or more",
        variadic: true,
        count: { min: 1, what: "a layer width" },
      },
    ],
    "lenet(300, 100)",
  ),
  entry(
    "model",
    "convnet",
    "Small conv net: per channel count a 3×3 conv–ReLU–2×2 max-pool stage, then a dense hidden layer and the classifier.",
    `convnet(c1, c2, …, hidden=${DEFAULTS.convnetHidden})`,
    [
      {
        name: "channels",
        doc: "channel counts of the conv stages, one or more",
        variadic: true,
        count: { min: 1, what: "a channel count" },
      },
      {
        name: "hidden",
        doc: "dense hidden units",
        default: String(DEFAULTS.convnetHidden),
        count: { min: 1, what: "a number of hidden units" },
      },
    ],
    "convnet(32, 64)",
  ),
];

export const DATASET_ENTRIES: readonly CatalogEntry[] = Object.values(DATASETS).map((d) =>
  entry(
    "dataset",
    d.name,
    d.doc,
    `${d.name}(train=${d.trainSize}, test=${d.testSize})`,
    [
      {
        name: "train",
        doc: "use only the first N training examples",
        default: `all (${d.trainSize})`,
        count: { min: 1, what: "a number of examples" },
      },
      {
        name: "test",
        doc: "use only the first N test examples",
        default: `all (${d.testSize})`,
        count: { min: 1, what: "a number of examples" },
      },
    ],
    d.name,
  ),
);

export const NORMS: readonly CatalogEntry[] = [
  entry("norm", "linf", "ℓ∞ ball: steps follow the gradient's sign, δ is clamped to [−ε, ε]."),
  entry("norm", "l2", "ℓ2 ball: steps follow the normalised gradient, δ is rescaled to ‖δ‖₂ ≤ ε."),
];

/** PGD's parameters; FGSM shares its norm, radius and options. */
const PGD_PARAMS: readonly ParamDoc[] = [
  { name: "norm", doc: "`linf` or `l2`", values: NORMS.map((n) => n.name) },
  { name: "eps", doc: "radius ε of the perturbation ball, > 0 (pixels are in [0,1])" },
  {
    name: "n",
    doc: "number of steps, an integer ≥ 0 (0 = standard training)",
    count: { min: 0, what: "a number of steps" },
  },
  { name: "step", doc: "step size a ≤ ε", default: "eps/n" },
  {
    name: "start",
    doc: "`random` (uniform in the ε-ball) or `zero`",
    default: "random",
    values: ["random", "zero"],
  },
  {
    name: "labels",
    doc: "`predicted` (label-leaking mitigation: y = argmax f(x)) or `true`",
    default: DEFAULTS.pgd.labels,
    values: ["predicted", "true"],
    noun: "label source",
  },
  {
    name: "bn",
    doc: "BatchNorm statistics during the attack: `eval` (running) or `train` (batch); never updated",
    default: DEFAULTS.pgd.bn,
    values: ["eval", "train"],
    noun: "BatchNorm mode",
  },
];

const pgdParam = (name: string): ParamDoc => PGD_PARAMS.find((p) => p.name === name)!;

export const ADVERSARIES: readonly CatalogEntry[] = [
  entry("adversary", "none", "No adversary: standard training (or clean evaluation)."),
  entry(
    "adversary",
    "pgd",
    "Projected gradient descent PGD_{norm,eps,n}: n steps of size `step` from a random start; n = 0 means standard training.",
    "pgd(norm, eps, n, step=eps/n, start=random, labels=predicted, bn=eval)",
    [...PGD_PARAMS],
    "pgd(linf, 0.1, 2)",
  ),
  entry(
    "adversary",
    "fgsm",
    "Fast gradient sign method with a random start: one step of size ε from a random point of the ε-ball, i.e. exactly pgd(norm, eps, 1) (same runs, same job ids).",
    "fgsm(norm, eps, labels=predicted, bn=eval)",
    [pgdParam("norm"), pgdParam("eps"), pgdParam("labels"), pgdParam("bn")],
    "fgsm(linf, 8/255)",
  ),
];

export const STRATEGIES: readonly CatalogEntry[] = [
  entry(
    "strategy",
    "global",
    "One-shot global magnitude pruning of the trained weights θ_N (one threshold over all layers).",
  ),
  entry("strategy", "layerwise", "One-shot layerwise magnitude pruning: every layer keeps the same fraction."),
  entry(
    "strategy",
    "imp",
    "Iterative magnitude pruning (global): each level removes `fraction` of the remaining weights, retrains from θ_r.",
    "imp(fraction=20%)",
    [{ name: "fraction", doc: "fraction of remaining weights removed per level", default: "20%" }],
    "imp(20%)",
  ),
  entry(
    "strategy",
    "random",
    "Random baseline: a random mask of the same density (global by default: every weight equally likely).",
    "random(scope=global)",
    [
      {
        name: "scope",
        doc: "`global` (thesis) or `layerwise` (open_lth)",
        default: "global",
        values: ["global", "layerwise"],
      },
    ],
    "random",
  ),
];

export const AUGMENTATIONS: readonly CatalogEntry[] = [
  entry("augmentation", "none", "No augmentation."),
  entry("augmentation", "flip", "Random horizontal flip."),
  entry(
    "augmentation",
    "crop",
    "Zero-pad by n pixels per side, then a random crop back to size.",
    "crop(n)",
    [{ name: "n", doc: "padding in pixels", count: { min: 0, what: "a padding in pixels" } }],
    "crop(4)",
  ),
];

export const OPTIMIZERS: readonly CatalogEntry[] = [
  entry(
    "optimizer",
    "sgd",
    "Stochastic gradient descent with momentum (settings lr, momentum, nesterov, weight-decay).",
  ),
];

export const OPTIONS: readonly CatalogEntry[] = [
  entry("option", "on", "Boolean true."),
  entry("option", "off", "Boolean false."),
  entry("option", "random", "Random start (pgd start=)."),
  entry("option", "zero", "Start the attack at the clean input (pgd start=)."),
  entry("option", "predicted", "Attack labels are the model's predictions on clean inputs (label-leaking mitigation)."),
  entry("option", "true", "Attack labels are the dataset's labels."),
  entry("option", "eval", "BatchNorm uses running statistics during the attack."),
  entry("option", "train", "BatchNorm uses batch statistics during the attack (running statistics are not updated)."),
  entry("option", "global", "Scope: all layers together."),
  entry("option", "layerwise", "Scope: each layer separately."),
];

export const UNITS: readonly CatalogEntry[] = [
  entry("unit", "%", "Percent: 80% = 0.8.", "80%"),
  entry("unit", "ep", "Epochs (a bare integer time is also epochs).", "8ep"),
  entry("unit", "it", "Iterations (minibatch steps).", "500it"),
];

export const KEYWORD_ENTRIES: readonly CatalogEntry[] = [
  entry(
    "keyword",
    "sweep",
    "Declares a sweep: `sweep [name:] model setting* [{ setting* }]`; points are the product of its swept values × reps.",
    "sweep name: wrn(20, 1) …",
    [],
    "sweep main: resnet(20) under pgd(linf, 0.3, 1)",
  ),
  entry("keyword", "let", "Names a value for reuse: `let eps = 0.1`.", "let name = value", [], "let eps = 8/255"),
  entry("keyword", "in", "Names a swept parameter: `k in [1, 8]`.", "name in values", [], "n in [1, 2, 4, 8]"),
  entry("keyword", "by", "Step of an integer range: `[2..16 by 2]`.", "[from..to by step]", [], "[2..16 by 2]"),
];

/** The catalog, by kind; the LSP's source for completion and hover. */
export const catalog = {
  keywords: KEYWORD_ENTRIES,
  settings: SETTINGS,
  models: MODELS,
  datasets: DATASET_ENTRIES,
  adversaries: ADVERSARIES,
  norms: NORMS,
  strategies: STRATEGIES,
  augmentations: AUGMENTATIONS,
  optimizers: OPTIMIZERS,
  options: OPTIONS,
  units: UNITS,
} as const;

export type Catalog = typeof catalog;

/** The catalog entry of a construct that takes arguments, by kind and name (`params` drive binding). */
export function construct(list: readonly CatalogEntry[], name: string): CatalogEntry {
  const found = list.find((e) => e.name === name);
  if (!found) throw new Error(`catalog: no entry \`${name}\``);
  return found;
}

/** Every entry with this name (a name such as `random` has several meanings). */
export function lookup(name: string): CatalogEntry[] {
  return Object.values(catalog).flatMap((list: readonly CatalogEntry[]) => list.filter((e) => e.name === name));
}
