/**
 * The catalog is the schema (docs/schema.md): the checker's domain checks and their
 * messages for whole-number parameters come from each parameter's declaration. Every
 * declared count is exercised here through the construct that declares it.
 */
import { describe, expect, it } from "vitest";
import { ADVERSARIES } from "../../src/compiler/catalog.js";
import { AUGMENTATIONS, analyze, DATASET_ENTRIES, MODELS, type ParamDoc } from "../../src/compiler/index.js";

/** A spec with `X` where the parameter's value goes, every other argument valid. */
const SPEC: Record<string, string> = {
  "wrn.depth": "sweep s: wrn(X, 1)",
  "wrn.k": "sweep s: wrn(20, X)",
  "resnet.depth": "sweep s: resnet(X)",
  "lenet.hidden": "data mnist\nsweep s: lenet(X)",
  "convnet.channels": "data synthetic\nsweep s: convnet(X)",
  "convnet.hidden": "data synthetic\nsweep s: convnet(8, hidden=X)",
  "crop.n": "augment crop(X)\nsweep s: resnet(20)",
  "pgd.n": "sweep s: resnet(20) under pgd(linf, 0.1, X)",
  "mnist.train": "data mnist(train=X)\nsweep s: lenet(300, 100)",
  "mnist.test": "data mnist(test=X)\nsweep s: lenet(300, 100)",
};

const declared: [string, ParamDoc][] = [
  ...[...MODELS, ...AUGMENTATIONS, ...ADVERSARIES, ...DATASET_ENTRIES.filter((d) => d.name === "mnist")].flatMap(
    (entry) => entry.params.filter((p) => p.count).map((p): [string, ParamDoc] => [`${entry.name}.${p.name}`, p]),
  ),
];

function errors(text: string): string[] {
  return analyze(`${text}\n`, "t.lth")
    .diagnostics.filter((d) => d.severity === "error")
    .map((d) => d.message);
}

describe("whole-number parameters are checked by their declarations", () => {
  it("every declared count has a case here", () => {
    expect(declared.map(([key]) => key).sort()).toEqual(Object.keys(SPEC).sort());
  });

  for (const [key, param] of declared) {
    const count = param.count!;
    it(`${key}: ${count.what}, at least ${count.min}`, () => {
      const spec = SPEC[key]!;
      expect(errors(spec.replace("X", "2.5"))).toContain(`expected ${count.what}, found 2.5`);
      if (count.min >= 1) {
        expect(errors(spec.replace("X", String(count.min - 1)))).toContain(
          `expected ${count.what} (at least ${count.min}), found ${count.min - 1}`,
        );
      }
    });
  }
});
