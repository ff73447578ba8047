/**
 * Checks a parsed file and expands its sweeps into points: settings are scoped
 * (top level, overridden per sweep), values evaluated by type, swept values combined
 * as a cartesian product × replicates, and each combination checked as a whole
 * (rewind before the end, model fits the data, IMP densities reachable…).
 */

import type { AdversaryConfig, ModelConfig, PruneConfig, ScheduleConfig, TrainTime } from "../core/config.js";
import { DATASETS, type DatasetInfo } from "../core/datasets.js";
import { adversaryKey as adversaryLabelKey } from "../core/labels.js";
import type { Point } from "../core/points.js";
import type * as A from "./ast.js";
import { walk } from "./ast.js";
import { trainConfig } from "./builders.js";

import { type ResolvedSettings, SETTINGS, SETTINGS_BY_NAME, type SettingEntry, suggestSetting } from "./catalog.js";

import { DEFAULTS } from "./defaults.js";
import { CODES, type Diagnostic } from "./diagnostics.js";
import { type Alt, type Binding, Evaluator, mergeParams } from "./evaluator.js";
import type { SettingKey } from "./lexer.js";
import { letTable } from "./lookup.js";
import { type StrategyValue, type TimeValue, Values } from "./values.js";

/** Upper bound on points per sweep; beyond it a spec is almost certainly a mistake. */
export const MAX_POINTS = 100_000;

export interface SweepParam {
  name: string;
  /** Distinct values in the order points use them. */
  values: (string | number)[];
}

/** What a sweep expands to, for hover and outline. */
export interface SweepInfo {
  name: string;
  node: A.SweepDecl;
  params: SweepParam[];
  replicates: number;
  /** Points including replicates (0 when the sweep has errors). */
  points: number;
}

export interface CheckResult {
  diagnostics: Diagnostic[];
  points: Point[];
  sweeps: SweepInfo[];
}

type Scope = Map<SettingKey, A.Setting>;

/** What every sweep of a file is checked against: its lets and its shared (top-level) settings. */
interface FileContext {
  ev: Evaluator;
  values: Values;
  top: Scope;
  lets: Map<string, A.LetDecl>;
  sweepDecls: A.SweepDecl[];
}

function fileContext(file: A.FileNode, text: string): FileContext {
  const lets = collectLets(file, text);
  const ev = new Evaluator(text, lets.map);
  ev.diagnostics.push(...lets.diagnostics);
  const top = collectScope(
    ev,
    file.statements.filter((s): s is A.Setting => s.kind === "Setting"),
  );
  const sweepDecls = file.statements.filter((s): s is A.SweepDecl => s.kind === "Sweep");
  return { ev, values: new Values(ev), top, lets: lets.map, sweepDecls };
}

function sweepName(decl: A.SweepDecl, index: number, count: number): string {
  return decl.name?.text || (count === 1 ? "main" : `sweep${index + 1}`);
}

export function check(file: A.FileNode, text: string): CheckResult {
  const { ev, values, top, lets, sweepDecls } = fileContext(file, text);
  const points: Point[] = [];
  const sweeps: SweepInfo[] = [];
  const sweepNames = new Map<string, A.SweepDecl>();
  sweepDecls.forEach((decl, index) => {
    const name = sweepName(decl, index, sweepDecls.length);
    if (decl.name && sweepNames.has(name)) {
      ev.report(
        CODES.duplicateDefinition,
        decl.name,
        `a sweep named \`${name}\` is already defined`,
        "give each sweep its own name",
      );
    }
    sweepNames.set(name, decl);
    const info = expandSweep(ev, values, decl, name, top, lets);
    sweeps.push(info.info);
    points.push(...info.points);
  });
  if (sweepDecls.length === 0 && !ev.diagnostics.some((d) => d.severity === "error")) {
    ev.report(
      CODES.noSweeps,
      startOf(file),
      "this file declares no sweep, so it runs nothing",
      "add e.g. `sweep resnet(20) under pgd(linf, 0.3, 1) prune global at 50%`",
    );
  }
  for (const [name, decl] of lets) {
    if (!ev.usedLets.has(name)) ev.report(CODES.unusedLet, decl.name, `\`${name}\` is never used`);
  }
  const { diagnostics, failed } = settled(ev);
  return {
    diagnostics,
    points: failed ? [] : points,
    sweeps: failed ? sweeps.map((s) => ({ ...s, points: 0 })) : sweeps,
  };
}

/** One sweep, checked and expanded on its own. */
export interface SweepCheck {
  info: SweepInfo;
  /** Empty when the sweep, or the lets and shared settings it is checked against, have errors. */
  points: Point[];
  /** The sweep's own diagnostics and those of the file's lets and shared settings. */
  diagnostics: Diagnostic[];
}

/**
 * `decl` (a sweep of `file`) checked against the file's lets and shared settings but
 * not its other sweeps: an editor's hover right after a keystroke needs one sweep, and
 * checking the whole file costs as many times more as the file has sweeps. The info is
 * `check`'s for the same sweep; on a file without errors, so are the points.
 */
export function checkSweep(file: A.FileNode, text: string, decl: A.SweepDecl): SweepCheck | null {
  const { ev, values, top, lets, sweepDecls } = fileContext(file, text);
  const index = sweepDecls.indexOf(decl);
  if (index < 0) return null;
  const { info, points } = expandSweep(ev, values, decl, sweepName(decl, index, sweepDecls.length), top, lets);
  const { diagnostics, failed } = settled(ev);
  return { info: failed ? { ...info, points: 0 } : info, points: failed ? [] : points, diagnostics };
}

/** The diagnostics in source order, and whether any is an error (then nothing expands into points). */
function settled(ev: Evaluator): { diagnostics: Diagnostic[]; failed: boolean } {
  const diagnostics = ev.diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return { diagnostics, failed: diagnostics.some((d) => d.severity === "error") };
}

function startOf(file: A.FileNode): { range: A.Range } {
  return { range: { start: file.range.start, end: file.range.start } };
}

function collectLets(file: A.FileNode, text: string): { map: Map<string, A.LetDecl>; diagnostics: Diagnostic[] } {
  const map = letTable(file);
  const scratch = new Evaluator(text, map);
  for (const s of file.statements) {
    if (s.kind !== "Let" || s.name.text === "" || map.get(s.name.text) === s) continue;
    scratch.report(
      CODES.duplicateDefinition,
      s.name,
      `\`${s.name.text}\` is already defined`,
      "each let name is defined once",
    );
  }
  return { map, diagnostics: scratch.diagnostics };
}

/** Settings of one scope by key; reports unknown keys and duplicates. */
function collectScope(ev: Evaluator, settings: A.Setting[], outer?: Scope): Scope {
  const scope: Scope = new Map();
  for (const s of settings) {
    const key = s.key.text;
    if (key === "") continue;
    if (!SETTINGS_BY_NAME.has(key)) {
      const guess = suggestSetting(key);
      ev.report(
        CODES.unknownSetting,
        s.key,
        `unknown setting \`${key}\``,
        guess ? `did you mean \`${guess}\`?` : `settings: ${SETTINGS.map((x) => x.name).join(", ")}`,
        guess ? { range: s.key.range, newText: guess, title: `Change to \`${guess}\`` } : undefined,
      );
      continue;
    }
    const k = key as SettingKey;
    const first = scope.get(k);
    if (first) {
      ev.report(
        CODES.duplicateSetting,
        s.key,
        `\`${key}\` is set twice${outer ? " in this sweep" : " at the top level"}`,
        `first set at line ${first.key.range.start.line}; remove one`,
      );
      continue;
    }
    scope.set(k, s);
  }
  return scope;
}

function explicitNames(exprs: A.Expr[], lets: ReadonlyMap<string, A.LetDecl>): Set<string> {
  const out = new Set<string>();
  const visit = (n: A.Node) => {
    if (n.kind === "Swept") out.add(n.name.text);
  };
  for (const e of exprs) walk(e, visit);
  for (const decl of lets.values()) walk(decl.value, visit);
  // Let names name their anonymous sweeps.
  for (const name of lets.keys()) out.add(name);
  return out;
}

/** `name in …` nodes by name, so that other values can refer to a swept parameter (`step=eps/4`). */
function sweptNodes(exprs: A.Expr[]): Map<string, A.Swept> {
  const out = new Map<string, A.Swept>();
  for (const e of exprs)
    walk(e, (n) => {
      if (n.kind === "Swept" && !out.has(n.name.text)) out.set(n.name.text, n);
    });
  return out;
}

/** A setting's value for a point when the spec does not write it (its declaration's fallback). */
function fallbackAlt(entry: SettingEntry): Alt<unknown> {
  return { value: entry.fallback, node: null, params: [] };
}

function expandSweep(
  ev: Evaluator,
  values: Values,
  decl: A.SweepDecl,
  name: string,
  top: Scope,
  lets: ReadonlyMap<string, A.LetDecl>,
): { info: SweepInfo; points: Point[] } {
  const errorsBefore = ev.diagnostics.filter((d) => d.severity === "error").length;
  const own = decl.model
    ? [
        {
          kind: "Setting" as const,
          key: { kind: "Name" as const, text: "model", range: decl.keywordRange },
          value: decl.model,
          range: decl.model.range,
        },
        ...decl.settings,
      ]
    : decl.settings;
  const scope = collectScope(ev, own, top);
  const effective: Scope = new Map([...top, ...scope]);
  const valueExprs = [...effective.values()].map((s) => s.value);
  ev.beginSweep(explicitNames(valueExprs, lets), sweptNodes(valueExprs));
  const info: SweepInfo = { name, node: decl, params: [], replicates: 1, points: 0 };

  const axes: { entry: SettingEntry; alts: Alt<unknown>[] }[] = [];
  // A setting whose value has an error (already reported) stands in as its default, so the
  // checks that do not read it still run in this pass; the sweep then yields no points.
  const broken = new Set<SettingKey>();
  for (const entry of SETTINGS) {
    const setting = effective.get(entry.name);
    let alts: Alt<unknown>[];
    if (setting) {
      alts = values.bySetting(entry, setting.value);
      if (!entry.sweepable && (alts.length > 1 || alts.some((a) => a.params.length > 0))) {
        ev.report(
          CODES.notSweepable,
          setting.value,
          `\`${entry.name}\` cannot be swept`,
          entry.name === "reps" ? "replicates are a count, e.g. reps 2" : undefined,
        );
        alts = [];
      }
    } else if (entry.name === "prune" && effective.has("at")) {
      alts = DEFAULTS.strategies.map((s) => defaultStrategy(s, decl));
    } else {
      alts = [fallbackAlt(entry)];
    }
    if (alts.length === 0) {
      broken.add(entry.name);
      alts = [fallbackAlt(entry)];
    }
    axes.push({ entry, alts });
  }
  pairRandomBaselines(axes.find((a) => a.entry.name === "prune"));
  if (!effective.has("model")) {
    ev.report(
      CODES.missingModel,
      decl.keywordRange ? { range: decl.keywordRange } : decl,
      "this sweep has no model",
      "write one after `sweep`, e.g. sweep wrn(20, 1) …, or set `model` at the top level",
    );
    return { info, points: [] };
  }
  if (effective.has("prune") && !effective.has("at")) {
    ev.report(
      CODES.missingDensity,
      effective.get("prune")!.key,
      "pruning needs densities: add `at`",
      "e.g. at 80%^[2..16] or at [30%, 50%, 70%]",
    );
    return { info, points: [] };
  }
  const total = axes.reduce((n, a) => n * a.alts.length, 1);
  if (total > MAX_POINTS) {
    ev.report(
      CODES.tooManyPoints,
      { range: decl.keywordRange },
      `this sweep has ${total} combinations (more than ${MAX_POINTS})`,
      "sweep fewer values",
    );
    return { info, points: [] };
  }
  let combos: { values: Partial<Record<SettingKey, Alt<unknown>>>; params: Binding[] }[] = [{ values: {}, params: [] }];
  for (const axis of axes) {
    const next: typeof combos = [];
    // Most axes have one alternative: extend the combination in place rather than copy it
    // (copying every combination once per setting dominated expansion on large specs).
    const single = axis.alts.length === 1;
    for (const c of combos) {
      for (const alt of axis.alts) {
        const params = mergeParams(c.params, alt.params);
        if (!params) continue;
        if (single) {
          c.values[axis.entry.name] = alt;
          c.params = params;
          next.push(c);
        } else next.push({ values: { ...c.values, [axis.entry.name]: alt }, params });
      }
    }
    combos = next;
  }
  const errorsNow = ev.diagnostics.filter((d) => d.severity === "error").length;
  if (combos.length === 0) {
    if (errorsNow === errorsBefore) {
      ev.report(
        CODES.emptySweep,
        { range: decl.keywordRange },
        "this sweep has no points: its parameters never agree",
        "a name used twice is one parameter; its value sets must overlap",
      );
    }
    return { info, points: [] };
  }
  if (scope.has("rewind") && !effective.has("prune") && !effective.has("at")) {
    ev.report(
      CODES.ignored,
      scope.get("rewind")!.key,
      "`rewind` has no effect in a sweep that does not prune",
      "add `prune` and `at`, or remove `rewind`",
    );
  }
  const points: Point[] = [];
  for (const combo of combos) {
    const point = resolvePoint(ev, decl, name, combo.values, combo.params, effective, broken);
    if (point) points.push(...point);
  }
  if (broken.size > 0) return { info, points: [] };
  info.replicates = (combos[0].values.reps?.value as number) ?? 1;
  info.params = collectParams(points);
  info.points = points.length;
  return { info, points };
}

/**
 * `random(layerwise)` is the random baseline of a magnitude strategy: a random mask with the
 * per-layer counts of the magnitude mask it is compared with (open_lth). A sweep that prunes
 * with layerwise magnitude gets one whose counts are the layerwise mask's; with global
 * magnitude (or none), one with the global mask's; with both, one of each, so that the
 * report compares like with like (docs/science.md).
 */
function pairRandomBaselines(axis: { alts: Alt<unknown>[] } | undefined): void {
  if (!axis) return;
  const strategies = axis.alts.map((a) => a.value as StrategyValue | null);
  const magnitudeScopes = new Set(strategies.filter((s) => s?.strategy === "magnitude").map((s) => s!.scope));
  if (!magnitudeScopes.has("layerwise")) return;
  axis.alts = axis.alts.flatMap((alt) => {
    const s = alt.value as StrategyValue | null;
    if (s?.strategy !== "random" || s.scope !== "layerwise") return [alt];
    const ownCounts: Alt<unknown> = { ...alt, value: { ...s, counts: "layerwise" } };
    return magnitudeScopes.has("global") ? [alt, ownCounts] : [ownCounts];
  });
}

function defaultStrategy(label: string, decl: A.SweepDecl): Alt<unknown> {
  const node: A.Ref = { kind: "Ref", name: label, range: decl.keywordRange };
  const value: StrategyValue =
    label === "global"
      ? { strategy: "magnitude", scope: "global", method: "oneshot", fraction: 0, label }
      : { strategy: "random", scope: "global", method: "oneshot", fraction: 0, label };
  return { value, node, params: [{ name: "strategy", value: label, node }] };
}

function collectParams(points: Point[]): SweepParam[] {
  const byName = new Map<string, { list: (string | number)[]; seen: Set<string | number> }>();
  let previous: Point["params"] | null = null;
  for (const p of points) {
    // Replicates share one params object: seen once is enough.
    if (p.params === previous) continue;
    previous = p.params;
    for (const [k, v] of Object.entries(p.params)) {
      let entry = byName.get(k);
      if (!entry) {
        entry = { list: [], seen: new Set() };
        byName.set(k, entry);
      }
      if (!entry.seen.has(v)) {
        entry.seen.add(v);
        entry.list.push(v);
      }
    }
  }
  return [...byName].map(([name, entry]) => ({ name, values: entry.list }));
}

/** Turn one combination into its points (one per replicate), checking it as a whole. */
function resolvePoint(
  ev: Evaluator,
  decl: A.SweepDecl,
  sweep: string,
  combo: Partial<Record<SettingKey, Alt<unknown>>>,
  bindings: Binding[],
  effective: Scope,
  broken: ReadonlySet<SettingKey>,
): Point[] | null {
  const get = <K extends SettingKey>(k: K) => combo[k]?.value as ResolvedSettings[K];
  /** A check runs only on settings without errors of their own (a stand-in would give it false alarms). */
  const sound = (...keys: SettingKey[]) => keys.every((k) => !broken.has(k));
  const at = (k: SettingKey): { range: A.Range } =>
    combo[k]?.node ?? effective.get(k)?.value ?? { range: decl.keywordRange };
  const data = get("data");
  const info = DATASETS[data.name];
  const augment = get("augment") ?? info.defaultAugment;
  const model = get("model");
  const epochs = get("epochs");
  const batch = get("batch");
  let ok = true;

  const fit = sound("model", "data") ? modelFits(model, info.height, info.width) : null;
  if (fit) {
    ev.report(
      CODES.modelShape,
      at("model"),
      fit,
      `${info.name} images are ${info.height}×${info.width}×${info.channels}`,
    );
    ok = false;
  }
  const trainSize = data.trainSubset ?? info.trainSize;
  const itersPerEpoch = Math.ceil(trainSize / batch);
  for (const m of sound("milestones", "epochs") ? (get("milestones") ?? []) : []) {
    if (m >= epochs) {
      ev.report(
        CODES.milestone,
        at("milestones"),
        `learning-rate milestone ${m} is not before the last epoch (${epochs})`,
        "milestones are epochs in 1 … epochs−1",
      );
      ok = false;
    }
  }
  if (sound("data")) {
    for (const key of ["under", "test"] as const) {
      if (!sound(key)) continue;
      const value = get(key);
      for (const adversary of Array.isArray(value) ? value : [value]) warnUnitMistake(ev, adversary, at(key), info);
    }
  }
  if (sound("lr")) warnLearningRate(ev, get("lr"), at("lr"));
  const strategy = get("prune");
  let prune: PruneConfig | null = null;
  if (strategy) {
    const density = get("at")!;
    const rewind = toTrainTime(get("rewind"), itersPerEpoch);
    const rewindSound = sound("rewind", "epochs", "batch", "data");
    if (rewindSound && rewind.epoch * itersPerEpoch + rewind.step >= epochs * itersPerEpoch) {
      const given = effective.has("rewind");
      ev.report(
        CODES.rewind,
        given ? at("rewind") : { range: decl.keywordRange },
        `rewind point ${describeTime(get("rewind"))} is not before the end of training (${epochs} epochs)`,
        given
          ? "rewind to an earlier point"
          : `the default rewind is epoch ${REWIND_DEFAULT.amount}; set \`rewind\` for short schedules, e.g. rewind 1`,
      );
      ok = false;
    }
    if (strategy.method === "iterative" && sound("at", "prune")) {
      const levels = Math.log(density) / Math.log(1 - strategy.fraction);
      if (!(Math.abs(levels - Math.round(levels)) < 1e-6 && Math.round(levels) >= 1)) {
        const keep = 1 - strategy.fraction;
        const examples = [1, 2, 3, 4].map((l) => `${+(keep ** l * 100).toPrecision(4)}%`).join(", ");
        ev.report(
          CODES.impDensity,
          at("at"),
          `density ${+(density * 100).toPrecision(6)}% is not reachable by IMP removing ${+(strategy.fraction * 100).toPrecision(4)}% per level`,
          `IMP reaches (1−fraction)^L: ${examples}, …; write e.g. at ${+(keep * 100).toPrecision(4)}%^[1..8]`,
        );
        ok = false;
      }
    }
    if (density === 1 && sound("at")) {
      ev.report(
        CODES.noPruning,
        at("at"),
        "density 100% keeps every weight: this point prunes nothing",
        "densities are fractions kept, e.g. 80%^[1..8]; `at 1` is 100%, did you mean 1%?",
      );
    }
    prune = {
      strategy: strategy.strategy,
      scope: strategy.scope,
      method: strategy.method,
      fraction: strategy.method === "iterative" ? strategy.fraction : 0,
      density,
      rewind,
      ...(strategy.counts ? { counts: strategy.counts } : {}),
    };
  }
  if (!ok || broken.size > 0) return null;
  const adversary = get("under");
  const train = trainConfig({
    dataset: {
      name: data.name,
      flip: augment.flip,
      crop: augment.crop,
      trainSubset: data.trainSubset,
      testSubset: data.testSubset,
    },
    model,
    adversary,
    schedule: scheduleOf(combo),
    test: get("test"),
  });
  const testAdversaries = train.testAdversaries;
  const judged = get("judge");
  const judge = judged === null ? null : adversaryLabelKey(judged);
  // A parameter that names the whole training adversary (`under adv in none|pgd(linf, 0.1, 2)`)
  // carries its complete key, as the adversary, trainAdversary and judge columns do: one spelling
  // per adversary. (`judge` cannot be swept; `test` lists are bound as whole lists.)
  const underNode = combo.under?.node;
  const trainKey = adversaryLabelKey(train.adversary);
  const params: Record<string, string | number> = {};
  for (const b of bindings) params[b.name] = underNode && b.node === underNode ? trainKey : b.value;
  if (judge !== null && sound("judge") && !testAdversaries.some((t) => adversaryLabelKey(t) === judge)) {
    ev.report(
      CODES.judgeNotEvaluated,
      at("judge"),
      `the report cannot judge on ${judge}: it is neither the training adversary nor a \`test\` adversary`,
      `add it to \`test\`, e.g. test [${judge}]`,
    );
    return null;
  }
  const reps = get("reps");
  const out: Point[] = [];
  for (let replicate = 1; replicate <= reps; replicate++) {
    out.push({
      sweep,
      params,
      train,
      prune,
      replicate,
      ...pointFields(combo),
      ...(judge !== null ? { judge } : {}),
    });
  }
  return out;
}

/** Settings that land unchanged in `TrainConfig.schedule`, in the schedule's field order. */
const SCHEDULE_SETTINGS = SETTINGS.filter((s) => s.lands.kind === "schedule");
const POINT_SETTINGS = SETTINGS.filter((s) => s.lands.kind === "point");
const REWIND_DEFAULT = SETTINGS_BY_NAME.get("rewind")!.fallback as TimeValue;

/** The schedule settings' values for a point, by schedule field; a `null` (milestones) is left to trainConfig's per-point default. */
function scheduleOf(combo: Partial<Record<SettingKey, Alt<unknown>>>): Partial<ScheduleConfig> {
  const out: Record<string, unknown> = {};
  for (const s of SCHEDULE_SETTINGS) {
    const value = combo[s.name]?.value;
    if (s.lands.kind === "schedule" && value !== null && value !== undefined) out[s.lands.field] = value;
  }
  return out as Partial<ScheduleConfig>;
}

/** The fields of a Point that settings give unchanged (`tolerance`). */
function pointFields(combo: Partial<Record<SettingKey, Alt<unknown>>>): Pick<Point, "tolerance"> {
  const out: Record<string, unknown> = {};
  for (const s of POINT_SETTINGS) if (s.lands.kind === "point") out[s.lands.field] = combo[s.name]!.value;
  return out as Pick<Point, "tolerance">;
}

/** ε at or above this, for ℓ∞ on [0,1] pixels, lets the attack set a pixel to almost anything. */
const LINF_EPS_SUSPECT = 0.5;

/**
 * W104: an ε that is legal but almost certainly in the wrong units: ℓ∞ ε ≥ 0.5 on [0,1]
 * pixels (8 meant as 8/255), or an ℓ2 ε larger than the largest possible ℓ2 distance
 * between two images of the dataset, √(H·W·C).
 */
function warnUnitMistake(ev: Evaluator, adversary: AdversaryConfig, node: { range: A.Range }, data: DatasetInfo): void {
  if (adversary.kind !== "pgd" || adversary.steps === 0) return;
  const eps = adversary.eps;
  const pixels = `${Number((eps / 255).toPrecision(3))}`;
  if (adversary.norm === "linf" && eps >= LINF_EPS_SUSPECT) {
    ev.report(
      CODES.epsUnits,
      node,
      `ℓ∞ ε = ${eps} on pixels in [0, 1] lets the attack change any pixel by ${eps >= 1 ? "its whole range" : "half its range"}`,
      eps >= 1
        ? `ε is in units of the [0, 1] pixel range: did you mean ${eps}/255 = ${pixels}?`
        : "ε is in units of the [0, 1] pixel range: usual values are 8/255 ≈ 0.031 (CIFAR-10) and 0.1–0.3 (MNIST)",
    );
  }
  const diameter = Math.sqrt(data.height * data.width * data.channels);
  if (adversary.norm === "l2" && eps > diameter) {
    ev.report(
      CODES.epsUnits,
      node,
      `ℓ2 ε = ${eps} exceeds the largest possible ℓ2 distance between two ${data.height}×${data.width}×${data.channels} images in [0, 1] (${Number(diameter.toPrecision(4))})`,
      `ε is in units of the [0, 1] pixel range: did you mean ${eps}/255 = ${pixels}?`,
    );
  }
}

/** W105: a learning rate that is legal but makes no sense for SGD on these models. */
function warnLearningRate(ev: Evaluator, lr: number, node: { range: A.Range }): void {
  if (lr > 1) {
    ev.report(
      CODES.learningRate,
      node,
      `learning rate ${lr} is far above SGD's usual range (0.001–0.5): training will almost certainly diverge`,
      "the thesis uses 0.1; a diverged run is reported as failed",
    );
  } else if (lr < 1e-5) {
    ev.report(
      CODES.learningRate,
      node,
      `learning rate ${lr} is so small that training will barely move the weights`,
      "the thesis uses 0.1",
    );
  }
}

function toTrainTime(t: TimeValue, itersPerEpoch: number): TrainTime {
  if (t.unit === "ep") return { epoch: t.amount, step: 0 };
  return { epoch: Math.floor(t.amount / itersPerEpoch), step: t.amount % itersPerEpoch };
}

function describeTime(t: TimeValue): string {
  return t.unit === "ep" ? `epoch ${t.amount}` : `${t.amount} iterations`;
}

/** Why `model` cannot take h×w inputs, or null when it can. */
export function modelFits(model: ModelConfig, h: number, w: number): string | null {
  if (model.kind === "resnet" && (h < 8 || w < 8)) {
    return `a ResNet needs inputs of at least 8×8, these are ${h}×${w}`;
  }
  if (model.kind === "convnet") {
    const stages = model.channels.length;
    const side = Math.floor(Math.min(h, w) / 2 ** stages);
    if (side < 1) {
      const max = Math.floor(Math.log2(Math.min(h, w)));
      return `convnet with ${stages} pooling stages shrinks ${h}×${w} inputs to nothing (at most ${max} stages fit)`;
    }
  }
  return null;
}
