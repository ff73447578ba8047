/** Fault 5 of issue 11: default learning-rate milestones and the E029 check agree. */
import { describe, expect, it } from "vitest";
import { defaultMilestones } from "../../src/compiler/defaults.js";
import { analyze } from "../../src/compiler/index.js";

function schedule(settings: string) {
  const a = analyze(`data fashion-mnist\n${settings}\nsweep lenet(300, 100)\n`, "t.lth");
  return { errors: a.diagnostics.filter((d) => d.severity === "error"), milestones: a.points[0]?.train.schedule };
}

describe("default milestones", () => {
  it("are 50% and 75% of the epochs, each once, before the last epoch", () => {
    expect(schedule("epochs 160").milestones?.milestones).toEqual([80, 120]);
    expect(schedule("epochs 10").milestones?.milestones).toEqual([5, 8]);
    expect(schedule("epochs 4").milestones?.milestones).toEqual([2, 3]);
    expect(schedule("epochs 3").milestones?.milestones).toEqual([2]);
    expect(schedule("epochs 2").milestones?.milestones).toEqual([1]);
    expect(schedule("epochs 1").milestones?.milestones).toEqual([]);
  });

  it("written out, pass the check and give the same schedule, for every epoch count up to 200", () => {
    for (let epochs = 1; epochs <= 200; epochs++) {
      const defaults = defaultMilestones(epochs);
      const written = schedule(`epochs ${epochs}\nmilestones [${defaults.join(", ")}]`);
      expect(written.errors, `epochs ${epochs}`).toEqual([]);
      expect(written.milestones?.milestones).toEqual(defaults);
    }
  });

  it("an explicit milestone at or after the last epoch is still E029", () => {
    expect(schedule("epochs 2\nmilestones [1, 2]").errors.map((d) => d.code)).toEqual(["E029"]);
  });
});
