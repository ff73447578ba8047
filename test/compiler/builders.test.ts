/** The contract's builders mean what the language means: their defaults are the catalog's. */
import { describe, expect, it } from "vitest";
import { fgsm, pgd, testAdversaries, trainConfig } from "../../src/compiler/builders.js";
import { analyze } from "../../src/compiler/index.js";

function trainOf(text: string) {
  const result = analyze(text, "t");
  expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return result.points[0].train;
}

describe("trainConfig", () => {
  it("with only a model is what a spec that writes only the model resolves to", () => {
    expect(trainConfig({ model: { kind: "resnet", depth: 20, width: 1 } })).toEqual(trainOf("sweep resnet(20)"));
  });

  it("takes the dataset's augmentation, milestones from epochs, and the test adversaries in the checker's order", () => {
    const built = trainConfig({
      model: { kind: "lenet", hidden: [300, 100] },
      dataset: { name: "mnist", trainSubset: 1000 },
      adversary: pgd("l2", 0.5, 4, { labels: "true" }),
      schedule: { epochs: 3, lr: 0.05 },
      test: [fgsm("linf", 0.1), pgd("l2", 0.5, 4, { labels: "true" })],
    });
    const text =
      "data mnist(train=1000)\nepochs 3\nlr 0.05\n" +
      "sweep lenet(300, 100) under pgd(l2, 0.5, 4, labels=true) test [fgsm(linf, 0.1), pgd(l2, 0.5, 4, labels=true)]";
    expect(built).toEqual(trainOf(text));
    expect(built.schedule.milestones).toEqual([2]);
    expect(built.dataset).toMatchObject({ flip: false, crop: 0 });
    expect(built.testAdversaries.map((t) => t.kind)).toEqual(["none", "pgd", "pgd"]);
  });

  it("keeps given fields, including an explicit empty milestone list", () => {
    const built = trainConfig({
      model: { kind: "lenet", hidden: [8] },
      dataset: "synthetic",
      schedule: { milestones: [] },
    });
    expect(built.schedule.milestones).toEqual([]);
    expect(built.dataset.name).toBe("synthetic");
  });
});

describe("pgd and fgsm", () => {
  it("are what pgd(…) and fgsm(…) mean in a spec", () => {
    expect(pgd("linf", 0.3, 3)).toEqual(trainOf("sweep resnet(20) under pgd(linf, 0.3, 3)").adversary);
    expect(pgd("linf", 0.1, 2, { stepSize: 0.03, randomStart: false, bn: "train" })).toEqual(
      trainOf("sweep resnet(20) under pgd(linf, 0.1, 2, step=0.03, start=zero, bn=train)").adversary,
    );
    expect(fgsm("l2", 0.5)).toEqual(trainOf("sweep resnet(20) under fgsm(l2, 0.5)").adversary);
    expect(fgsm("linf", 8 / 255)).toEqual(pgd("linf", 8 / 255, 1));
  });

  it("refuses zero steps, which the language spells as no adversary", () => {
    expect(() => pgd("linf", 0.1, 0)).toThrow(RangeError);
  });

  it("evaluates clean, the training adversary and each extra one once", () => {
    const a = pgd("linf", 0.1, 2);
    expect(testAdversaries(a, [{ ...a }, { kind: "none" }])).toEqual([{ kind: "none" }, a]);
  });
});
