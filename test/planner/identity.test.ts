/**
 * The identity rule for a growing configuration (docs/planner.md, "Job identity"): a field
 * added after release 1 is hashed only when it leaves its neutral value, so a release that
 * adds a setting renames no finished job. Each case adds a field the way a later release
 * would (to every point's config, plus an entry in the added-fields list) and compares ids.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/index.js";
import { buildPlan } from "../../src/compiler/plan.js";
import { ADDED_FIELDS, type AddedFields } from "../../src/core/config.js";
import type { Point } from "../../src/core/points.js";

const ROOT = new URL("../../", import.meta.url).pathname;

function points(spec: string): Point[] {
  const result = analyze(readFileSync(`${ROOT}${spec}`, "utf8"), spec);
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.points;
}

function ids(list: readonly Point[], addedFields?: AddedFields): string[] {
  return buildPlan(list, addedFields ? { addedFields } : {}).jobs.map((job) => job.id);
}

/** A later release's schedule setting (e.g. learning-rate warm-up epochs; 0 = none, as today). */
function withWarmup(list: readonly Point[], warmup: number): Point[] {
  return list.map((p) => ({ ...p, train: { ...p.train, schedule: { ...p.train.schedule, warmup } } }));
}

/** A later release's PGD setting inside a union member and an array (restarts; 1 = today's attack). */
function withRestarts(list: readonly Point[], restarts: number): Point[] {
  const add = <A extends { kind: string }>(adversary: A) =>
    adversary.kind === "pgd" ? { ...adversary, restarts } : adversary;
  return list.map((p) => ({
    ...p,
    train: { ...p.train, adversary: add(p.train.adversary), testAdversaries: p.train.testAdversaries.map(add) },
  }));
}

/** A later release's pruning setting (e.g. re-initialise instead of rewinding; false = rewind, as today). */
function withReinit(list: readonly Point[], reinit: boolean): Point[] {
  return list.map((p) => ({ ...p, prune: p.prune === null ? null : { ...p.prune, reinit } }));
}

const WARMUP: AddedFields = { train: [{ path: ["schedule", "warmup"], neutral: 0, since: "test" }], prune: [] };
const RESTARTS: AddedFields = {
  train: [
    { path: ["adversary", "restarts"], neutral: 1, since: "test" },
    { path: ["testAdversaries", "*", "restarts"], neutral: 1, since: "test" },
  ],
  prune: [],
};
const REINIT: AddedFields = { train: [], prune: [{ path: ["reinit"], neutral: false, since: "test" }] };

describe("job identity as the configuration grows", () => {
  const quick = points("specs/quick.lth");
  const today = ids(quick);

  it("release 1 declares no added fields, so every id is today's", () => {
    expect(ADDED_FIELDS).toEqual({ train: [], prune: [] });
  });

  it("a new schedule field at its neutral value renames no job", () => {
    expect(ids(withWarmup(quick, 0), WARMUP)).toEqual(today);
  });

  it("the same field set to anything else renames every job that trains with it", () => {
    const warm = ids(withWarmup(quick, 5), WARMUP);
    expect(warm).toHaveLength(today.length);
    for (const [i, id] of warm.entries()) expect(id).not.toBe(today[i]);
  });

  it("without the rule, adding the field would have renamed every job", () => {
    const unruled = ids(withWarmup(quick, 0));
    for (const [i, id] of unruled.entries()) expect(id).not.toBe(today[i]);
  });

  it("a field inside the PGD union member and the test-adversary set follows the same rule", () => {
    expect(ids(withRestarts(quick, 1), RESTARTS)).toEqual(today);
    const restarted = ids(withRestarts(quick, 3), RESTARTS);
    const plan = buildPlan(quick);
    let moved = 0;
    for (const [i, job] of plan.jobs.entries()) {
      const train = job.kind === "mask" ? job.config.train : job.config;
      const attacked = [train.adversary, ...train.testAdversaries].some((adversary) => adversary.kind === "pgd");
      // Standard-training runs that never meet PGD keep their ids; every run that does moves.
      if (attacked) expect(restarted[i]).not.toBe(job.id);
      else expect(restarted[i]).toBe(job.id);
      if (attacked) moved++;
    }
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(plan.jobs.length);
  });

  it("a new pruning field renames nothing at its neutral value and only sparse runs otherwise", () => {
    expect(ids(withReinit(quick, false), REINIT)).toEqual(today);
    const reinit = buildPlan(withReinit(quick, true), { addedFields: REINIT });
    const before = buildPlan(quick);
    for (const [i, job] of reinit.jobs.entries()) {
      const old = before.jobs[i]?.id;
      if (job.kind === "sparse") expect(job.id).not.toBe(old);
      else expect(job.id).toBe(old);
    }
  });

  it("a pruning field without a rule is hashed (never silently ignored)", () => {
    const unruled = buildPlan(withReinit(quick, false));
    const sparse = unruled.jobs.filter((job) => job.kind === "sparse").map((job) => job.id);
    const old = new Set(today);
    expect(sparse.length).toBeGreaterThan(0);
    for (const id of sparse) expect(old.has(id)).toBe(false);
  });
});

/** Every key path of a plain-data value, arrays entered as "*". */
function paths(value: unknown, prefix = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => paths(item, `${prefix}.*`));
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value).flatMap(([key, item]) => paths(item, prefix ? `${prefix}.${key}` : key));
}

/**
 * The fields job ids were first published with. A field that appears in a config and is
 * neither here nor in ADDED_FIELDS would rename every job: give it a neutral value there.
 */
const RELEASE_1_FIELDS = new Set([
  "train.dataset.name",
  "train.dataset.flip",
  "train.dataset.crop",
  "train.dataset.trainSubset",
  "train.dataset.testSubset",
  "train.model.kind",
  "train.model.depth",
  "train.model.width",
  "train.model.hidden",
  "train.model.hidden.*",
  "train.model.channels.*",
  "train.adversary.kind",
  "train.adversary.norm",
  "train.adversary.eps",
  "train.adversary.steps",
  "train.adversary.stepSize",
  "train.adversary.randomStart",
  "train.adversary.labels",
  "train.adversary.bn",
  "train.schedule.epochs",
  "train.schedule.batch",
  "train.schedule.optimizer",
  "train.schedule.lr",
  "train.schedule.momentum",
  "train.schedule.nesterov",
  "train.schedule.weightDecay",
  "train.schedule.milestones.*",
  "train.schedule.gamma",
  "prune.strategy",
  "prune.scope",
  "prune.method",
  "prune.fraction",
  "prune.density",
  "prune.rewind.epoch",
  "prune.rewind.step",
]);

describe("every configuration field has an identity rule", () => {
  const specs = [
    "specs/quick.lth",
    "specs/thesis.lth",
    "specs/rewind.lth",
    ...["imp", "l2", "layerwise-random", "overrides", "test-adversaries"].map((name) => `specs/examples/${name}.lth`),
  ];
  it("fields of the shipped specs' configs are release-1 fields or listed in ADDED_FIELDS", () => {
    const added = new Set([
      ...ADDED_FIELDS.train.map((f) => `train.${f.path.join(".")}`),
      ...ADDED_FIELDS.prune.map((f) => `prune.${f.path.join(".")}`),
    ]);
    const found = new Set<string>();
    for (const spec of specs) {
      for (const p of points(spec)) {
        const { testAdversaries, ...train } = p.train;
        for (const path of paths(train, "train")) found.add(path);
        for (const path of paths(testAdversaries, "train.adversary").map((x) => x.replace(".*", ""))) found.add(path);
        if (p.prune) for (const path of paths(p.prune, "prune")) found.add(path);
      }
    }
    const unruled = [...found].filter((path) => !RELEASE_1_FIELDS.has(path) && !added.has(path));
    expect(unruled, "new config fields need a neutral value in ADDED_FIELDS (src/core/config.ts)").toEqual([]);
  });
});
