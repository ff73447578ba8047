/**
 * Everything a .lth name can mean, with one-line docs, parameters and defaults: the
 * language's schema. Argument binding (bind.ts), the checker's parameter checks and
 * messages (values.ts), hover, completion and signatures all read these declarations.
 * Adding a construct starts here; docs/schema.md walks through it.
 */
import { DATASETS } from "./datasets.js";
import { DEFAULTS } from "./defaults.js";
import type { SettingKey } from "./lexer.js";

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
  | "momentum"
  | "accuracy-points"
  | "bool"
  | "optimizer"
  | "epoch-list"
  | "adversary-list";

export interface SettingEntry extends CatalogEntry {
  kind: "setting";
  name: SettingKey;
  type: ValueType;
  /** Name of a swept parameter written without `name in`. */
  param: string;
  sweepable: boolean;
}

function setting(
  name: SettingKey,
  type: ValueType,
  doc: string,
  example: string,
  def: string,
  param: string = name,
  sweepable = true,
): SettingEntry {
  return {
    name,
    kind: "setting",
    type,
    doc,
    signature: `${name} <${type}>`,
    params: [],
    default: def,
    example,
    param,
    sweepable,
  };
}

export const SETTINGS: readonly SettingEntry[] = [
  setting(
    "data",
    "dataset",
    "Dataset to train and test on, optionally a subset.",
    "data fashion-mnist(train=8000, test=2000)",
    DEFAULTS.dataset,
    "dataset",
  ),
  setting(
    "augment",
    "augment",
    "Training augmentation: `none`, `flip`, `crop(n)`, combined with `+`.",
    "augment flip+crop(4)",
    "flip+crop(4) on cifar10, none elsewhere",
  ),
  setting(
    "model",
    "model",
    "Network architecture (also written right after `sweep`).",
    "model wrn(20, 8)",
    "(required)",
  ),
  setting(
    "under",
    "adversary",
    "Training adversary: `none` (standard training) or `pgd(norm, eps, n)`.",
    "under pgd(linf, 8/255, 2)",
    "none",
    "adversary",
  ),
  setting(
    "prune",
    "strategy",
    "Pruning strategy: `global`, `layerwise`, `imp(20%)`, `random`, `random(layerwise)`; `a|b` for several.",
    "prune global|random",
    "global|random when `at` is given, else no pruning",
    "strategy",
  ),
  setting(
    "at",
    "density",
    "Densities: fraction of prunable weights kept, e.g. `50%` or `80%^[2..16]` (0.8^k).",
    "at w in 80%^[2..16 by 2]",
    "(required with prune)",
    "density",
  ),
  setting(
    "rewind",
    "time",
    "Rewind point θ_r: sparse training restarts from the dense run's weights here (`8`, `8ep`, `500it`).",
    "rewind 8",
    `${DEFAULTS.rewindEpoch}ep`,
  ),
  setting(
    "reps",
    "positive-count",
    "Replicates: independent repetitions of every point (seeds 1..N).",
    "reps 2",
    String(DEFAULTS.replicates),
    "reps",
    false,
  ),
  setting(
    "epochs",
    "positive-count",
    "Training epochs of the dense run (the sparse run trains from the rewind point to here).",
    "epochs 160",
    String(DEFAULTS.epochs),
  ),
  setting("batch", "positive-count", "Minibatch size.", "batch 128", String(DEFAULTS.batch)),
  setting("optimizer", "optimizer", "Optimiser; `sgd` (cross-entropy loss).", "optimizer sgd", DEFAULTS.optimizer),
  setting("lr", "number", "Initial learning rate.", "lr 0.1", String(DEFAULTS.lr)),
  setting("momentum", "momentum", "SGD momentum.", "momentum 0.9", String(DEFAULTS.momentum)),
  setting("nesterov", "bool", "Nesterov momentum: `on` or `off`.", "nesterov off", DEFAULTS.nesterov ? "on" : "off"),
  setting("weight-decay", "number", "L2 weight decay.", "weight-decay 5e-4", String(DEFAULTS.weightDecay)),
  setting(
    "milestones",
    "epoch-list",
    "Epochs at which the learning rate is multiplied by `gamma` (a list; sweep whole lists: `[80, 120] | [100, 150]`).",
    "milestones [80, 120]",
    `[${DEFAULTS.milestones.join(", ")}]`,
    "milestones",
  ),
  setting("gamma", "number", "Learning-rate factor applied at each milestone.", "gamma 0.1", String(DEFAULTS.gamma)),
  setting(
    "test",
    "adversary-list",
    "Extra adversaries evaluated on the test set after every epoch (a list; sweep whole lists with `|`); clean and the training adversary are always evaluated.",
    "test [pgd(linf, 0.1, 10), pgd(l2, 0.5, 10)]",
    "[] (clean + training adversary)",
    "test",
  ),
  setting(
    "tolerance",
    "accuracy-points",
    "Matching tolerance in accuracy points (`0.5` or `0.5%`): a sparse net matches if it is at most this far below dense.",
    "tolerance 0.5",
    String(DEFAULTS.tolerance),
  ),
  setting(
    "judge",
    "adversary",
    "The adversary whose test accuracy the report's three questions are judged on: the training adversary (the thesis's choice), or one evaluated by `test` (or `none` for clean accuracy). Report-only: it changes no job.",
    "judge none",
    "the training adversary",
    "judge",
    false,
  ),
];

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
