import { describe, expect, it } from "vitest";
import { analyzeResults, finalAccuracies, stat } from "../../src/runtime/report/analysis.js";
import { groupWarnings, matchingAnswer } from "../../src/runtime/report/markdown.js";
import type { ResultRow } from "../../src/runtime/report/rows.js";

const ADV = "pgd(linf,0.1,2)";

function row(over: Partial<ResultRow> & Pick<ResultRow, "job" | "accuracy">): ResultRow {
  return {
    sweep: "s",
    kind: "sparse",
    strategy: "magnitude",
    scope: "global",
    counts: "",
    method: "oneshot",
    density: 0.5,
    achievedDensity: 0.5,
    layerDensities: "",
    layers: null,
    rewind: "1",
    replicate: 1,
    epoch: 4,
    adversary: ADV,
    loss: 1,
    status: "done",
    reason: "",
    dataset: "fashion-mnist",
    model: "lenet(300,100)",
    trainAdversary: ADV,
    judge: ADV,
    base: "B",
    tolerance: 0,
    params: {},
    ...over,
  };
}

const dense = (rep: number, accuracy: number, over: Partial<ResultRow> = {}): ResultRow =>
  row({
    job: `dense-B-r${rep}`,
    kind: "dense",
    strategy: "",
    scope: "",
    method: "",
    density: 1,
    rewind: "",
    replicate: rep,
    accuracy,
    ...over,
  });

const sparse = (strategy: string, density: number, rep: number, accuracy: number, over: Partial<ResultRow> = {}) =>
  row({ job: `sparse-${strategy}-${density}-B-r${rep}`, strategy, density, replicate: rep, accuracy, ...over });

describe("stat", () => {
  it("uses the sample standard deviation across replicates", () => {
    const s = stat([0.8, 0.9])!;
    expect(s.mean).toBeCloseTo(0.85);
    expect(s.std).toBeCloseTo(Math.SQRT1_2 * 0.1);
    expect(s.n).toBe(2);
    expect(stat([0.7])).toEqual({ mean: 0.7, std: 0, n: 1 });
    expect(stat([])).toBeNull();
  });
});

describe("finalAccuracies", () => {
  it("takes each finished job's last epoch against its training adversary", () => {
    const rows = [
      dense(1, 0.5, { epoch: 3 }),
      dense(1, 0.9, { epoch: 4, adversary: "clean" }),
      dense(1, 0.7, { epoch: 4 }),
      sparse("magnitude", 0.5, 1, 0.99, { status: "partial" }),
    ];
    expect(finalAccuracies(rows).map((f) => [f.row.job, f.accuracy])).toEqual([["dense-B-r1", 0.7]]);
  });
});

describe("analyzeResults", () => {
  it("finds a nontrivial matching subnetwork and its smallest density", () => {
    const rows = [
      dense(1, 0.8),
      dense(2, 0.82),
      // 0.5: both match; 0.25: only magnitude matches; 0.125: neither.
      sparse("magnitude", 0.5, 1, 0.83),
      sparse("magnitude", 0.5, 2, 0.83),
      sparse("random", 0.5, 1, 0.81),
      sparse("random", 0.5, 2, 0.82),
      sparse("magnitude", 0.25, 1, 0.82),
      sparse("magnitude", 0.25, 2, 0.8),
      sparse("random", 0.25, 1, 0.7),
      sparse("random", 0.25, 2, 0.72),
      sparse("magnitude", 0.125, 1, 0.75),
      sparse("random", 0.125, 1, 0.6),
    ];
    const [group] = analyzeResults(rows);
    expect(group.dense?.mean).toBeCloseTo(0.81);
    expect(group.densities.map((d) => d.density)).toEqual([0.5, 0.25, 0.125]);
    expect(group.densities.map((d) => [d.magnitudeMatches, d.randomMatches])).toEqual([
      [true, true],
      [true, false],
      [false, false],
    ]);
    expect(group.matching).toBe(true);
    expect(group.smallestMatching).toBe(0.25);
    expect(group.nontrivial).toBe(true);
    expect(group.nontrivialDensities).toEqual([0.25]);
    expect(group.densities[1].magnitude?.std).toBeCloseTo(Math.SQRT2 * 0.01);
  });

  it("says no when no density matches", () => {
    const rows = [dense(1, 0.8), sparse("magnitude", 0.5, 1, 0.79), sparse("random", 0.5, 1, 0.7)];
    const [group] = analyzeResults(rows);
    expect(group.matching).toBe(false);
    expect(group.smallestMatching).toBeNull();
    expect(group.nontrivial).toBe(false);
  });

  it("calls matching trivial when the random baseline also matches everywhere it matches", () => {
    const rows = [
      dense(1, 0.8),
      sparse("magnitude", 0.5, 1, 0.8),
      sparse("random", 0.5, 1, 0.8),
      sparse("magnitude", 0.25, 1, 0.7),
      sparse("random", 0.25, 1, 0.5),
    ];
    const [group] = analyzeResults(rows);
    expect(group.matching).toBe(true);
    expect(group.smallestMatching).toBe(0.5);
    expect(group.nontrivial).toBe(false);
    expect(group.nontrivialDensities).toEqual([]);
  });

  it("applies the tolerance in accuracy points", () => {
    const rows = [dense(1, 0.8, { tolerance: 1 }), sparse("magnitude", 0.5, 1, 0.795, { tolerance: 1 })];
    expect(analyzeResults(rows)[0].matching).toBe(true);
    const strict = [dense(1, 0.8), sparse("magnitude", 0.5, 1, 0.795)];
    expect(analyzeResults(strict)[0].matching).toBe(false);
  });

  it("reports unknown answers where data is missing", () => {
    // No finished dense run: nothing can be compared.
    const noDense = analyzeResults([dense(1, 0.8, { status: "partial" }), sparse("magnitude", 0.5, 1, 0.9)]);
    expect(noDense[0].dense).toBeNull();
    expect(noDense[0].matching).toBeNull();
    expect(noDense[0].densities[0].magnitude?.mean).toBe(0.9);
    // Matching, but no random baseline at that density: nontriviality unknown.
    const noRandom = analyzeResults([dense(1, 0.8), sparse("magnitude", 0.5, 1, 0.9), sparse("random", 0.25, 1, 0.1)]);
    expect(noRandom[0].matching).toBe(true);
    expect(noRandom[0].nontrivial).toBeNull();
    expect(noRandom[0].densities.find((d) => d.density === 0.5)?.random).toBeNull();
  });

  it("compares each adversary's smallest matching density with standard training's", () => {
    const std = { trainAdversary: "clean", judge: "clean", adversary: "clean", base: "C" };
    const rows = [
      dense(1, 0.8),
      sparse("magnitude", 0.5, 1, 0.8),
      sparse("magnitude", 0.25, 1, 0.7),
      dense(1, 0.9, { ...std, job: "dense-C-r1" }),
      sparse("magnitude", 0.5, 1, 0.9, { ...std, job: "sparse-C-0.5" }),
      sparse("magnitude", 0.25, 1, 0.9, { ...std, job: "sparse-C-0.25" }),
    ];
    const groups = analyzeResults(rows);
    const adv = groups.find((g) => g.trainAdversary === ADV)!;
    const clean = groups.find((g) => g.trainAdversary === "clean")!;
    expect(adv.smallestMatching).toBe(0.5);
    expect(clean.smallestMatching).toBe(0.25);
    expect(adv.standard).toEqual({ matching: true, smallestMatching: 0.25 });
    expect(clean.standard).toEqual({ matching: true, smallestMatching: 0.25 });
  });

  it("keeps different rewind points apart", () => {
    const rows = [
      dense(1, 0.8),
      sparse("magnitude", 0.5, 1, 0.85, { rewind: "0" }),
      sparse("magnitude", 0.5, 1, 0.7, { rewind: "2", job: "other" }),
    ];
    const groups = analyzeResults(rows);
    expect(groups.map((g) => [g.rewind, g.matching])).toEqual([
      ["0", true],
      ["2", false],
    ]);
  });

  it("makes a group per magnitude scope, each against the random baseline", () => {
    const rows = [
      dense(1, 0.8),
      sparse("magnitude", 0.5, 1, 0.85),
      sparse("magnitude", 0.5, 1, 0.75, { scope: "layerwise", job: "layerwise-0.5" }),
      sparse("random", 0.5, 1, 0.7),
    ];
    const groups = analyzeResults(rows);
    expect(groups.map((g) => [g.scope, g.matching, g.nontrivial])).toEqual([
      ["global", true, true],
      ["layerwise", false, false],
    ]);
    expect(groups.map((g) => g.densities[0].random?.mean)).toEqual([0.7, 0.7]);
  });

  it("pairs each magnitude scope with the random masks that keep its own per-layer counts (issue 11, fault 3)", () => {
    const shuffled = (counts: string, accuracy: number) =>
      sparse("random", 0.5, 1, accuracy, { scope: "layerwise", counts, job: `random-layerwise-${counts}` });
    const rows = [
      dense(1, 0.8),
      sparse("magnitude", 0.5, 1, 0.85),
      sparse("magnitude", 0.5, 1, 0.82, { scope: "layerwise", job: "layerwise-0.5" }),
      shuffled("global", 0.6),
      shuffled("layerwise", 0.81),
    ];
    const groups = analyzeResults(rows);
    expect(groups.map((g) => [g.scope, g.baseline, g.densities[0].random?.mean, g.nontrivial])).toEqual([
      ["global", "layerwise:global", 0.6, true],
      ["layerwise", "layerwise:layerwise", 0.81, false],
    ]);
    // Without its own shuffle, layerwise pruning falls back to the global random mask, never the global shuffle.
    const withoutOwn = analyzeResults([...rows.slice(0, 4), sparse("random", 0.5, 1, 0.7)]);
    expect(withoutOwn.map((g) => [g.scope, g.baseline])).toEqual([
      ["global", "global"],
      ["layerwise", "global"],
    ]);
    expect(analyzeResults(rows.slice(0, 4)).map((g) => g.baseline)).toEqual(["layerwise:global", null]);
  });

  it("reports per-layer densities and warns of layer collapse (issue 11, fault 4)", () => {
    const layers = (fc1: number) => [
      { layer: "fc1.kernel", kept: fc1, total: 235200 },
      { layer: "fc2.kernel", kept: 20, total: 30000 },
      { layer: "out.kernel", kept: 98, total: 1000 },
    ];
    const rows = [
      dense(1, 0.8),
      sparse("magnitude", 0.0005, 1, 0.1, { layers: layers(0), job: "m-1" }),
      sparse("magnitude", 0.0005, 2, 0.1, { layers: layers(0), job: "m-2" }),
      sparse("magnitude", 0.01, 1, 0.8, { layers: layers(2352), job: "m-3" }),
    ];
    const [group] = analyzeResults(rows);
    const at = (d: number) => group.densities.find((x) => x.density === d);
    expect(at(0.01)?.magnitudeLayers?.map((l) => [l.layer, l.density, l.emptied])).toEqual([
      ["fc1.kernel", 0.01, 0],
      ["fc2.kernel", 20 / 30000, 0],
      ["out.kernel", 0.098, 0],
    ]);
    expect(at(0.0005)?.magnitudeLayers?.[0]).toEqual({ layer: "fc1.kernel", density: 0, emptied: 2 });
    expect(groupWarnings(group)).toEqual([
      "Layer collapse at 0.05%: the magnitude mask keeps none of fc1.kernel, so the network outputs the same " +
        "prediction for every input; its accuracy there is that of a constant.",
    ]);
  });

  it("never declares matching when the dense network is at or near chance, and says so (issue 11, fault 2)", () => {
    const rows = [dense(1, 0.094), sparse("magnitude", 0.5, 1, 0.1), sparse("random", 0.5, 1, 0.09)];
    const [group] = analyzeResults(rows);
    expect([group.matching, group.nontrivial, group.smallestMatching]).toEqual([null, null, null]);
    expect(group.noAnswer).toContain("at or near chance (9.40%; chance is 10%)");
    expect(matchingAnswer(group)).toBe("no answer: the dense network is at chance (see Warnings)");
    expect(groupWarnings(group)[0]).toMatch(/^No answer: the dense network is at or near chance/);
    // Twice chance is the line: 20% on a 10-class dataset is answered.
    const [learned] = analyzeResults([dense(1, 0.2), sparse("magnitude", 0.5, 1, 0.21)]);
    expect([learned.matching, learned.noAnswer]).toEqual([true, null]);
  });

  it("judges on the chosen adversary and flags accuracy under attack above clean accuracy (issue 11, fault 9)", () => {
    const PGD10 = "pgd(linf,0.3,10)";
    const at = (job: string, kind: "dense" | "sparse", clean: number, pgd1: number, pgd10: number) => {
      const strategy = kind === "dense" ? "" : "magnitude";
      const over = { kind, strategy, density: kind === "dense" ? 1 : 0.5, job };
      return [
        row({ ...over, adversary: "clean", accuracy: clean }),
        row({ ...over, adversary: ADV, accuracy: pgd1 }),
        row({ ...over, adversary: PGD10, accuracy: pgd10 }),
      ];
    };
    // The numbers: a sparse network at clean 51.4%, PGD-1 55.2%, PGD-10 34.8%.
    const rows = [...at("d", "dense", 0.6, 0.5, 0.4), ...at("s", "sparse", 0.514, 0.552, 0.348)];
    const [byTraining] = analyzeResults(rows);
    expect([byTraining.judge, byTraining.matching]).toEqual([ADV, true]);
    const [byPgd10] = analyzeResults(rows.map((r) => ({ ...r, judge: PGD10 })));
    expect([byPgd10.judge, byPgd10.dense?.mean, byPgd10.matching]).toEqual([PGD10, 0.4, false]);
    expect(byTraining.attackAboveClean).toEqual([
      {
        kind: "sparse",
        strategy: "magnitude",
        density: 0.5,
        replicate: 1,
        clean: 0.514,
        adversary: ADV,
        accuracy: 0.552,
      },
    ]);
    expect(groupWarnings(byTraining)[0]).toMatch(/^Accuracy under attack above clean accuracy: magnitude at 50%/);
    // Near chance it is legitimate (predicted labels): a sparse resnet(8) at clean 4.6% scored 12.2%.
    const [nearChance] = analyzeResults([...at("d", "dense", 0.6, 0.5, 0.4), ...at("s", "sparse", 0.046, 0.122, 0.1)]);
    expect(nearChance.attackAboveClean).toEqual([]);
  });

  it("keeps a sweep without pruning as a group with only its dense accuracy", () => {
    const [group] = analyzeResults([dense(1, 0.8), dense(2, 0.9)]);
    expect(group.method).toBe("");
    expect(group.dense?.mean).toBeCloseTo(0.85);
    expect(group.densities).toEqual([]);
    expect(group.matching).toBeNull();
    expect(matchingAnswer(group)).toBe("— (the sweep does not prune)");
  });
});
