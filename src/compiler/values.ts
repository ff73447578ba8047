/**
 * Typed atoms: what each kind of value (model, adversary, dataset, density, time…)
 * may be written as, with its domain checks. Each returns alternatives, since any
 * argument may itself be swept.
 */

import type { AdversaryConfig, DatasetName, ModelConfig, Norm, PruneStrategy } from "../core/config.js";
import { DATASETS } from "../core/datasets.js";
import type * as A from "./ast.js";
import { bindCall, signatureOf } from "./bind.js";
import { fgsm, pgd } from "./builders.js";
import {
  ADVERSARIES,
  AUGMENTATIONS,
  construct,
  DATASET_ENTRIES,
  lookup,
  MODELS,
  NORMS,
  OPTIMIZERS,
  type ParamDoc,
  type SettingEntry,
  STRATEGIES,
  type ValueType,
} from "./catalog.js";
import { DEFAULTS } from "./defaults.js";
import { CODES, suggest } from "./diagnostics.js";
import {
  type Alt,
  clean,
  describeExpr,
  type Evaluator,
  MAX_COMBINATIONS,
  type Num,
  product,
  TooManyCombinations,
} from "./evaluator.js";

export interface DatasetValue {
  name: DatasetName;
  trainSubset: number | null;
  testSubset: number | null;
}
export interface AugmentValue {
  flip: boolean;
  crop: number;
}
export interface StrategyValue {
  strategy: PruneStrategy;
  scope: "global" | "layerwise";
  method: "oneshot" | "iterative";
  fraction: number;
  /** How it was written, e.g. "global" or "imp(20%)": the default parameter value. */
  label: string;
  /** Random layerwise only: see PruneConfig.counts. */
  counts?: "layerwise";
}
export interface TimeValue {
  amount: number;
  unit: "ep" | "it";
}

const names = (list: readonly { name: string }[]) => list.map((e) => e.name);

/** Typed evaluation on top of the generic Evaluator. */
export class Values {
  constructor(readonly ev: Evaluator) {}

  /**
   * Evaluate a setting's value by its declaration: its type's atom, then its declared
   * domain (`momentum` below 1: E023 with the declaration's hint).
   */
  bySetting(entry: SettingEntry, e: A.Expr): Alt<unknown>[] {
    return this.byType(entry.type, e, entry.param, entry);
  }

  /** The alternatives of one numeric atom that lie in the setting's declared domain; E023 for the others. */
  private inDomain(entry: SettingEntry | undefined, x: A.Expr, alts: Alt<number>[]): Alt<number>[] {
    const domain = entry?.domain;
    if (!domain) return alts;
    return alts.filter((alt) => {
      if (alt.value < domain.below) return true;
      this.ev.report(
        CODES.outOfDomain,
        x,
        `${entry.name} must be below ${domain.below}, found ${alt.value}`,
        domain.hint,
      );
      return false;
    });
  }

  /** Evaluate a value by its catalog type. */
  byType(type: ValueType, e: A.Expr, slot: string, entry?: SettingEntry): Alt<unknown>[] {
    try {
      return this.byTypeUnguarded(type, e, slot, entry);
    } catch (error) {
      if (!(error instanceof TooManyCombinations)) throw error;
      this.ev.report(
        CODES.tooManyPoints,
        e,
        `this value has more than ${MAX_COMBINATIONS} combinations`,
        "sweep fewer values",
      );
      return [];
    }
  }

  private byTypeUnguarded(type: ValueType, e: A.Expr, slot: string, entry?: SettingEntry): Alt<unknown>[] {
    const s = <T>(atom: (x: A.Expr) => Alt<T>[]) => this.ev.sweepable(e, slot, atom) as Alt<unknown>[];
    switch (type) {
      case "dataset":
        return s((x) => this.dataset(x));
      case "augment":
        return s((x) => this.augment(x));
      case "model":
        return s((x) => this.model(x));
      case "adversary":
        return s((x) => this.adversary(x));
      case "strategy":
        return s((x) => this.strategy(x));
      case "density":
        return s((x) => this.density(x));
      case "time":
        return s((x) => this.time(x));
      case "count":
        return s((x) => this.integer(x, 0, "a whole number"));
      case "positive-count":
        return s((x) => this.integer(x, 1, "a positive whole number"));
      case "number":
        return s((x) => this.inDomain(entry, x, this.real(x)));
      case "accuracy-points":
        return s((x) => this.points(x));
      case "bool":
        return s((x) => this.bool(x));
      case "optimizer":
        return s((x) => this.optimizer(x));
      case "epoch-list":
        return this.ev.sweepable(e, slot, (x) => this.list(x, (y) => this.integer(y, 1, "an epoch"), "epochs"), true);
      case "adversary-list":
        return this.ev.sweepable(e, slot, (x) => this.list(x, (y) => this.adversary(y), "adversaries"), true);
    }
  }

  /** One list value: `[80, 120]`; a single item is a one-element list (alternatives of lists are swept above). */
  private list<T>(e: A.Expr, atom: (x: A.Expr) => Alt<T>[], what: string): Alt<unknown>[] {
    let inner = e;
    while (inner.kind === "Paren") inner = inner.inner;
    if (inner.kind === "Ref" && this.ev.lets.has(inner.name)) {
      const decl = this.ev.lets.get(inner.name)!;
      return this.ev.viaLet(decl, inner, (v) => this.list(v, atom, what));
    }
    if (inner.kind === "Range" || inner.kind === "Geometric") {
      this.ev.report(
        CODES.notSweepable,
        e,
        `a range is a set of values to sweep, not a list of ${what}`,
        "write the list out, e.g. [80, 120]; to sweep lists, write alternatives: [a, b] | [c, d]",
      );
      return [];
    }
    if (inner.kind === "Swept" || inner.kind === "Alternatives") {
      this.ev.report(
        CODES.notSweepable,
        e,
        `alternatives of lists of ${what} cannot be nested`,
        "write [a, b] | [c, d]",
      );
      return [];
    }
    const items = inner.kind === "List" ? inner.items : [inner];
    const values: T[] = [];
    for (const item of items) {
      const alts = atom(item);
      if (alts.length > 1 || alts.some((a) => a.params.length > 0)) {
        this.ev.report(CODES.notSweepable, item, `a list of ${what} cannot contain swept values`);
        return [];
      }
      if (alts.length === 1) values.push(alts[0].value);
    }
    return [{ value: values, node: e, params: [] }];
  }

  /**
   * Match a call's arguments to the construct's declared parameters (bind.ts) and report
   * what does not fit; null when anything does not.
   */
  private bind(call: A.Call, params: readonly ParamDoc[]): Map<string, A.Expr[]> | null {
    const fn = call.callee.text;
    const { args, problems } = bindCall(call.args, params);
    const paramNames = names(params);
    for (const problem of problems) {
      switch (problem.kind) {
        case "syntax":
          return null;
        case "unknown": {
          const given = problem.name;
          const s = suggest(given.text, paramNames);
          this.ev.report(
            CODES.unknownArgument,
            given,
            `\`${fn}\` has no parameter \`${given.text}\``,
            s
              ? `did you mean \`${s}\`? (parameters: ${paramNames.join(", ")})`
              : `parameters: ${paramNames.join(", ")}`,
            s ? { range: given.range, newText: s, title: `Change to \`${s}\`` } : undefined,
          );
          break;
        }
        case "duplicate":
          this.ev.report(CODES.duplicateArgument, problem.arg, `\`${problem.param}\` is given twice`);
          break;
        case "tooMany":
          this.ev.report(CODES.arity, problem.arg, `too many arguments: \`${fn}\` takes ${signatureOf(fn, params)}`);
          return null;
        case "missing":
          this.ev.report(
            CODES.arity,
            call,
            `\`${fn}\` needs ${problem.params.map((m) => `\`${m.name}\``).join(", ")}: it takes ${signatureOf(fn, params)}`,
          );
          return null;
      }
    }
    if (problems.length > 0) return null;
    return new Map([...args].map(([name, list]) => [name, list.map((arg) => arg.value)]));
  }

  /** An unknown or misplaced name. */
  private badName(e: A.Ref | A.Call, expected: string, candidates: string[], example: string): [] {
    const name = e.kind === "Ref" ? e.name : e.callee.text;
    const range = e.kind === "Ref" ? e.range : e.callee.range;
    if (name === "") return [];
    const other = lookup(name).find((x) => x.kind !== "option");
    if (other && !candidates.includes(name)) {
      this.ev.report(
        CODES.wrongType,
        { range },
        `expected ${article(expected)} ${expected}, found the ${other.kind} \`${name}\``,
        `e.g. ${example}`,
      );
      return [];
    }
    const s = suggest(name, [...candidates, ...this.ev.lets.keys()]);
    this.ev.report(
      CODES.unknownName,
      { range },
      `unknown ${expected} \`${name}\``,
      s ? `did you mean \`${s}\`?` : `expected ${article(expected)} ${expected} such as ${example}`,
      s ? { range, newText: s, title: `Change to \`${s}\`` } : undefined,
    );
    return [];
  }

  private wrongKind(e: A.Expr, expected: string, example: string): [] {
    if (e.kind !== "Error")
      this.ev.report(CODES.wrongType, e, `expected ${expected} such as \`${example}\`, found ${describeExpr(e)}`);
    return [];
  }

  private args<T>(bound: Map<string, A.Expr[]>, name: string, atom: (x: A.Expr) => Alt<T>[]): Alt<T | undefined>[] {
    const es = bound.get(name);
    if (!es) return [{ value: undefined, node: null, params: [] }];
    return this.ev.sweepable(es[0], name, atom);
  }

  private variadic<T>(bound: Map<string, A.Expr[]>, name: string, atom: (x: A.Expr) => Alt<T>[]): Alt<T[]>[] {
    const lists = (bound.get(name) ?? []).map((x) => this.ev.sweepable(x, name, atom) as Alt<unknown>[]);
    return product(lists, (vs) => vs as T[], null);
  }

  private num(e: A.Expr, expected?: string): Alt<Num>[] {
    return this.ev.number(e, expected);
  }

  integer(e: A.Expr, min: number, what: string): Alt<number>[] {
    return this.num(e, what).flatMap((alt) => {
      const { value, unit } = alt.value;
      if (unit === "%" || unit === "it") {
        this.ev.report(CODES.wrongUnit, e, `expected ${what}, found ${unit === "%" ? "a percentage" : "iterations"}`);
        return [];
      }
      if (!Number.isInteger(value)) {
        this.ev.report(CODES.notInteger, e, `expected ${what}, found ${value}`);
        return [];
      }
      if (value < min) {
        this.ev.report(CODES.outOfDomain, e, `expected ${what} (at least ${min}), found ${value}`);
        return [];
      }
      return [{ ...alt, value }];
    });
  }

  real(e: A.Expr): Alt<number>[] {
    return this.num(e).flatMap((alt) => {
      const { value, unit } = alt.value;
      if (unit === "ep" || unit === "it") {
        this.ev.report(CODES.wrongUnit, e, `expected a number, found ${unit === "ep" ? "epochs" : "iterations"}`);
        return [];
      }
      if (value < 0) {
        this.ev.report(CODES.outOfDomain, e, `expected a number ≥ 0, found ${value}`);
        return [];
      }
      return [{ ...alt, value: unit === "%" ? clean(value / 100) : value }];
    });
  }

  /** Accuracy points: `1` and `1%` both mean one percentage point. */
  points(e: A.Expr): Alt<number>[] {
    return this.num(e, "accuracy points such as 0.5").flatMap((alt) => {
      const { value, unit } = alt.value;
      if (unit === "ep" || unit === "it") {
        this.ev.report(
          CODES.wrongUnit,
          e,
          `expected accuracy points, found ${unit === "ep" ? "epochs" : "iterations"}`,
        );
        return [];
      }
      if (!(value >= 0 && value <= 100)) {
        this.ev.report(CODES.outOfDomain, e, `a tolerance is between 0 and 100 accuracy points, found ${value}`);
        return [];
      }
      return [{ ...alt, value }];
    });
  }

  density(e: A.Expr): Alt<number>[] {
    return this.num(e, "a density such as 50%").flatMap((alt) => {
      const { value, unit } = alt.value;
      if (unit === "ep" || unit === "it") {
        this.ev.report(
          CODES.wrongUnit,
          e,
          `expected a density such as 50% or 0.5, found ${unit === "ep" ? "epochs" : "iterations"}`,
        );
        return [];
      }
      const d = unit === "%" ? clean(value / 100) : value;
      if (!(d > 0 && d <= 1)) {
        this.ev.report(
          CODES.density,
          e,
          `density must be in (0, 1] (or (0%, 100%]), found ${this.ev.source(e) || d}`,
          value > 1 && value <= 100 && unit === ""
            ? `did you mean ${value}%?`
            : "density is the fraction of weights kept",
          value > 1 && value <= 100 && unit === "" && e.kind === "Number"
            ? { range: e.range, newText: `${value}%`, title: `Change to ${value}%` }
            : undefined,
        );
        return [];
      }
      return [{ ...alt, value: d }];
    });
  }

  time(e: A.Expr): Alt<TimeValue>[] {
    return this.num(e, "a time such as 8, 8ep or 500it").flatMap((alt) => {
      const { value, unit } = alt.value;
      if (unit === "%") {
        this.ev.report(
          CODES.wrongUnit,
          e,
          "expected a time in epochs or iterations (`8`, `8ep`, `500it`), found a percentage",
        );
        return [];
      }
      if (!Number.isInteger(value) || value < 0) {
        this.ev.report(
          CODES.notInteger,
          e,
          `expected a whole number of ${unit === "it" ? "iterations" : "epochs"}, found ${value}`,
        );
        return [];
      }
      return [{ ...alt, value: { amount: value, unit: unit === "it" ? "it" : "ep" } }];
    });
  }

  bool(e: A.Expr): Alt<boolean>[] {
    if (e.kind === "Ref") {
      if (e.name === "on" || e.name === "true") return [{ value: true, node: e, params: [] }];
      if (e.name === "off" || e.name === "false") return [{ value: false, node: e, params: [] }];
      return this.badName(e, "switch", ["on", "off"], "`on` or `off`");
    }
    return this.wrongKind(e, "a switch", "on");
  }

  private enumOption<T extends string>(e: A.Expr, options: readonly T[], what: string): Alt<T>[] {
    if (e.kind === "Ref" && (options as readonly string[]).includes(e.name))
      return [{ value: e.name as T, node: e, params: [] }];
    if (e.kind === "Ref") return this.badName(e, what, [...options], options.map((o) => `\`${o}\``).join(" or "));
    return this.wrongKind(e, what, options[0]);
  }

  /** A whole-number parameter's value, checked against the least value its declaration gives. */
  private count(e: A.Expr, params: readonly ParamDoc[], name: string): Alt<number>[] {
    const param = params.find((p) => p.name === name);
    if (!param?.count) throw new Error(`catalog: parameter \`${name}\` declares no count`);
    return this.integer(e, param.count.min, param.count.what);
  }

  /** A choice parameter's value, checked against the names its declaration lists. */
  private choice<T extends string>(e: A.Expr, params: readonly ParamDoc[], name: string): Alt<T>[] {
    const param = params.find((p) => p.name === name);
    if (!param?.values) throw new Error(`catalog: parameter \`${name}\` declares no values`);
    return this.enumOption(e, param.values as readonly T[], param.noun ?? param.name);
  }

  optimizer(e: A.Expr): Alt<"sgd">[] {
    if (e.kind === "Ref" && e.name === "sgd") return [{ value: "sgd", node: e, params: [] }];
    if (e.kind === "Ref") return this.badName(e, "optimizer", names(OPTIMIZERS), "`sgd`");
    return this.wrongKind(e, "an optimizer", "sgd");
  }

  dataset(e: A.Expr): Alt<DatasetValue>[] {
    const ref = e.kind === "Ref" ? e.name : e.kind === "Call" ? e.callee.text : null;
    if (ref === null || !(e.kind === "Ref" || e.kind === "Call")) return this.wrongKind(e, "a dataset", "cifar10");
    if (!(ref in DATASETS))
      return this.badName(e, "dataset", names(DATASET_ENTRIES), "`cifar10`, `mnist`, `fashion-mnist`, `synthetic`");
    const info = DATASETS[ref as DatasetName];
    if (e.kind === "Ref")
      return [{ value: { name: info.name, trainSubset: null, testSubset: null }, node: e, params: [] }];
    const params = construct(DATASET_ENTRIES, info.name).params;
    const bound = this.bind(e, params);
    if (!bound) return [];
    const subset = (name: "train" | "test", max: number) =>
      this.args(bound, name, (x) =>
        this.count(x, params, name).filter((alt) => {
          if (alt.value <= max) return true;
          this.ev.report(CODES.subset, x, `${info.name} has ${max} ${name} examples, asked for ${alt.value}`);
          return false;
        }),
      );
    return product(
      [subset("train", info.trainSize), subset("test", info.testSize)],
      (vs) => ({
        name: info.name,
        trainSubset: (vs[0] as number | undefined) ?? null,
        testSubset: (vs[1] as number | undefined) ?? null,
      }),
      e,
    );
  }

  augment(e: A.Expr): Alt<AugmentValue>[] {
    if (e.kind === "Binary" && e.op === "+") {
      const left = this.ev.sweepable(e.left, "augment", (x) => this.augment(x));
      const right = this.ev.sweepable(e.right, "augment", (x) => this.augment(x));
      return product(
        [left, right],
        (vs) => {
          const [l, r] = vs as AugmentValue[];
          return { flip: l.flip || r.flip, crop: Math.max(l.crop, r.crop) };
        },
        e,
      );
    }
    if (e.kind === "Ref" && e.name === "none") return [{ value: { flip: false, crop: 0 }, node: e, params: [] }];
    if (e.kind === "Ref" && e.name === "flip") return [{ value: { flip: true, crop: 0 }, node: e, params: [] }];
    if (e.kind === "Call" && e.callee.text === "crop") {
      const params = construct(AUGMENTATIONS, "crop").params;
      const bound = this.bind(e, params);
      if (!bound) return [];
      return this.args(bound, "n", (x) => this.count(x, params, "n")).map((alt) => ({
        value: { flip: false, crop: alt.value ?? 0 },
        node: e,
        params: alt.params,
      }));
    }
    if (e.kind === "Ref" && e.name === "crop") {
      this.ev.report(CODES.arity, e, "`crop` needs its padding in pixels", "write crop(4)", {
        range: e.range,
        newText: "crop(4)",
        title: "Change to crop(4)",
      });
      return [];
    }
    if (e.kind === "Ref" || e.kind === "Call")
      return this.badName(e, "augmentation", names(AUGMENTATIONS), "`flip+crop(4)`");
    return this.wrongKind(e, "an augmentation", "flip+crop(4)");
  }

  model(e: A.Expr): Alt<ModelConfig>[] {
    if (e.kind === "Ref" && names(MODELS).includes(e.name)) {
      const m = MODELS.find((x) => x.name === e.name)!;
      this.ev.report(CODES.arity, e, `\`${e.name}\` needs arguments: ${m.signature}`, `e.g. ${m.example}`);
      return [];
    }
    if (e.kind !== "Call") {
      if (e.kind === "Ref") return this.badName(e, "model", names(MODELS), "`wrn(20, 1)`");
      return this.wrongKind(e, "a model", "wrn(20, 1)");
    }
    const fn = e.callee.text;
    switch (fn) {
      case "wrn":
      case "resnet": {
        const params = construct(MODELS, fn).params;
        const bound = this.bind(e, params);
        if (!bound) return [];
        const depth = this.args(bound, "depth", (x) => this.depth(x, params));
        const k =
          fn === "wrn"
            ? this.args(bound, "k", (x) => this.count(x, params, "k"))
            : [{ value: 1, node: null, params: [] }];
        return product(
          [depth, k],
          (vs) => ({ kind: "resnet" as const, depth: vs[0] as number, width: vs[1] as number }),
          e,
        );
      }
      case "lenet": {
        const params = construct(MODELS, fn).params;
        const bound = this.bind(e, params);
        if (!bound) return [];
        return this.variadic(bound, "hidden", (x) => this.count(x, params, "hidden")).map((alt) => ({
          value: { kind: "lenet" as const, hidden: alt.value },
          node: e,
          params: alt.params,
        }));
      }
      case "convnet": {
        const params = construct(MODELS, fn).params;
        const bound = this.bind(e, params);
        if (!bound) return [];
        const channels = this.variadic(bound, "channels", (x) => this.count(x, params, "channels"));
        const hidden = this.args(bound, "hidden", (x) => this.count(x, params, "hidden"));
        return product(
          [channels, hidden],
          (vs) => ({
            kind: "convnet" as const,
            channels: vs[0] as number[],
            hidden: (vs[1] as number | undefined) ?? DEFAULTS.convnetHidden,
          }),
          e,
        );
      }
      default:
        return this.badName(e, "model", names(MODELS), "`wrn(20, 1)`");
    }
  }

  /** A ResNet depth: a whole number (its declaration), and of the form 6n+2. */
  private depth(e: A.Expr, params: readonly ParamDoc[]): Alt<number>[] {
    return this.count(e, params, "depth").filter((alt) => {
      const d = alt.value;
      if (d >= 8 && (d - 2) % 6 === 0) return true;
      const lower = Math.max(8, d - ((((d - 2) % 6) + 6) % 6));
      const upper = lower < d ? lower + 6 : lower;
      this.ev.report(
        CODES.depth,
        e,
        `ResNet depth must be 6n+2 (8, 14, 20, 26, 32, …), found ${d}`,
        `the nearest valid depths are ${lower === upper ? lower : `${lower} and ${upper}`}`,
      );
      return false;
    });
  }

  adversary(e: A.Expr): Alt<AdversaryConfig>[] {
    if (e.kind === "Ref" && e.name === "none") return [{ value: { kind: "none" }, node: e, params: [] }];
    if (e.kind === "Ref" && e.name === "pgd") {
      this.ev.report(CODES.arity, e, "`pgd` needs its norm, radius and steps", "e.g. pgd(linf, 0.1, 2)");
      return [];
    }
    if (e.kind === "Call" && e.callee.text === "pgd") return this.pgd(e);
    if (e.kind === "Ref" && e.name === "fgsm") {
      this.ev.report(CODES.arity, e, "`fgsm` needs its norm and radius", "e.g. fgsm(linf, 8/255)");
      return [];
    }
    if (e.kind === "Call" && e.callee.text === "fgsm") return this.fgsm(e);
    if (e.kind === "Ref" || e.kind === "Call")
      return this.badName(e, "adversary", names(ADVERSARIES), "`pgd(linf, 0.1, 2)`");
    return this.wrongKind(e, "an adversary", "pgd(linf, 0.1, 2)");
  }

  private pgd(e: A.Call): Alt<AdversaryConfig>[] {
    const params = construct(ADVERSARIES, "pgd").params;
    const bound = this.bind(e, params);
    if (!bound) return [];
    const norm = this.args(bound, "norm", (x) => this.choice<Norm>(x, params, "norm"));
    const eps = this.args(bound, "eps", (x) => this.epsilon(x));
    const steps = this.args(bound, "n", (x) => this.count(x, params, "n"));
    const step = this.args(bound, "step", (x) =>
      this.real(x).filter((alt) => {
        if (alt.value > 0) return true;
        this.ev.report(CODES.outOfDomain, x, `the step size must be > 0, found ${alt.value}`);
        return false;
      }),
    );
    const start = this.args(bound, "start", (x) => this.choice<"random" | "zero">(x, params, "start"));
    const labels = this.args(bound, "labels", (x) => this.choice<"predicted" | "true">(x, params, "labels"));
    const bn = this.args(bound, "bn", (x) => this.choice<"eval" | "train">(x, params, "bn"));
    const alts = product<AdversaryConfig & { stepGiven: boolean }>(
      [norm, eps, steps, step, start, labels, bn],
      (vs) => {
        const [nm, ep, n, st, rs, lb, b] = vs as [Norm, number, number, number?, string?, string?, string?];
        if (n === 0) return { kind: "none", stepGiven: false };
        const options = {
          stepSize: st,
          randomStart: rs === undefined ? undefined : rs === "random",
          labels: lb as "predicted" | "true" | undefined,
          bn: b as "eval" | "train" | undefined,
        };
        return { ...pgd(nm, ep, n, options), stepGiven: st !== undefined };
      },
      e,
    );
    const stepNode = bound.get("step")?.[0];
    return alts.flatMap((alt) => {
      const { stepGiven, ...adv } = alt.value;
      if (adv.kind === "pgd" && stepGiven && stepNode && adv.stepSize > maxStep(adv.eps, adv.randomStart)) {
        const epsText = this.ev.source(bound.get("eps")![0]);
        const nText = this.ev.source(bound.get("n")![0]);
        const simple = /^[\w.%/]+$/.test(epsText) && /^\w+$/.test(nText);
        this.ev.report(
          CODES.stepTooLarge,
          stepNode,
          adv.randomStart
            ? `PGD step ${adv.stepSize} is larger than 2ε = ${clean(2 * adv.eps)}`
            : `PGD step ${adv.stepSize} is larger than ε = ${adv.eps} with start=zero`,
          adv.randomStart
            ? "from a random start a step up to 2ε is meaningful (fast adversarial training uses 1.25ε); a longer one only lands on the ε-ball's edge. The default is ε/n"
            : "without a random start a step above ε only lands on the ε-ball's edge; the default is ε/n",
          simple ? { range: stepNode.range, newText: `${epsText}/${nText}`, title: "Set the step to ε/n" } : undefined,
        );
        return [];
      }
      return [{ ...alt, value: adv as AdversaryConfig }];
    });
  }

  /** The radius ε of an attack: a number > 0. */
  private epsilon(x: A.Expr): Alt<number>[] {
    return this.real(x).filter((alt) => {
      if (alt.value > 0) return true;
      this.ev.report(
        CODES.eps,
        x,
        `ε must be > 0, found ${alt.value}`,
        "for standard training write `under none` or n = 0",
      );
      return false;
    });
  }

  /**
   * FGSM with a random start (Wong et al. 2020's "fast" adversarial training, with step ε):
   * one PGD step of size ε from a uniform point of the ε-ball. The config is the one
   * `pgd(norm, eps, 1)` gives, so both spellings name the same runs.
   */
  private fgsm(e: A.Call): Alt<AdversaryConfig>[] {
    const params = construct(ADVERSARIES, "fgsm").params;
    const bound = this.bind(e, params);
    if (!bound) return [];
    const norm = this.args(bound, "norm", (x) => this.choice<Norm>(x, params, "norm"));
    const eps = this.args(bound, "eps", (x) => this.epsilon(x));
    const labels = this.args(bound, "labels", (x) => this.choice<"predicted" | "true">(x, params, "labels"));
    const bn = this.args(bound, "bn", (x) => this.choice<"eval" | "train">(x, params, "bn"));
    return product<AdversaryConfig>(
      [norm, eps, labels, bn],
      (vs) => {
        const [nm, ep, lb, b] = vs as [Norm, number, ("predicted" | "true")?, ("eval" | "train")?];
        return fgsm(nm, ep, { labels: lb, bn: b });
      },
      e,
    );
  }

  strategy(e: A.Expr): Alt<StrategyValue>[] {
    const label = this.ev.source(e).replace(/\s+/g, "");
    const base = { fraction: 0, label };
    if (e.kind === "Ref") {
      switch (e.name) {
        case "global":
          return [
            { value: { ...base, strategy: "magnitude", scope: "global", method: "oneshot" }, node: e, params: [] },
          ];
        case "layerwise":
          return [
            { value: { ...base, strategy: "magnitude", scope: "layerwise", method: "oneshot" }, node: e, params: [] },
          ];
        case "random":
          return [{ value: { ...base, strategy: "random", scope: "global", method: "oneshot" }, node: e, params: [] }];
        case "imp":
          return [
            {
              value: {
                ...base,
                strategy: "magnitude",
                scope: "global",
                method: "iterative",
                fraction: DEFAULTS.impFraction,
              },
              node: e,
              params: [],
            },
          ];
        default:
          return this.badName(e, "pruning strategy", names(STRATEGIES), "`global`");
      }
    }
    if (e.kind === "Call" && e.callee.text === "imp") {
      const bound = this.bind(e, construct(STRATEGIES, "imp").params);
      if (!bound) return [];
      return this.args(bound, "fraction", (x) =>
        this.real(x).filter((alt) => {
          if (alt.value > 0 && alt.value < 1) return true;
          this.ev.report(
            CODES.outOfDomain,
            x,
            `the IMP fraction must be in (0, 1), found ${alt.value}`,
            "e.g. imp(20%)",
          );
          return false;
        }),
      ).map((alt) => ({
        value: {
          label,
          strategy: "magnitude",
          scope: "global",
          method: "iterative",
          fraction: alt.value ?? DEFAULTS.impFraction,
        },
        node: e,
        params: alt.params,
      }));
    }
    if (e.kind === "Call" && e.callee.text === "random") {
      const params = construct(STRATEGIES, "random").params;
      const bound = this.bind(e, params);
      if (!bound) return [];
      return this.args(bound, "scope", (x) => this.choice<"global" | "layerwise">(x, params, "scope")).map((alt) => ({
        value: { ...base, strategy: "random", scope: alt.value ?? "global", method: "oneshot" },
        node: e,
        params: alt.params,
      }));
    }
    if (e.kind === "Call") return this.badName(e, "pruning strategy", names(STRATEGIES), "`global`");
    return this.wrongKind(e, "a pruning strategy", "global|random");
  }
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}

export { NORMS };

/**
 * The largest PGD step that means something (E026). From x itself (start=zero) a step above ε
 * is clamped back to ε by the projection. From a random start δ₀ ∈ [−ε, ε] a step up to 2ε
 * still chooses where in the ball the example lands (Wong, Rice and Kolter 2020, "Fast is
 * better than free", use 1.25ε); beyond 2ε every ℓ∞ coordinate lands on the ball's face, the
 * same as at 2ε, so a longer step is almost certainly a typo.
 */
export function maxStep(eps: number, randomStart: boolean): number {
  return (randomStart ? 2 * eps : eps) * (1 + 1e-12);
}
