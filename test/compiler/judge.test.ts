/** Fault 9 of issue 11: `judge` names the adversary the report judges on; it is report-only. */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/compiler/index.js";
import { buildPlan } from "../../src/compiler/plan.js";

const base = `data fashion-mnist(train=256, test=128)
test [pgd(linf, 0.3, 10)]
sweep s: lenet(300, 100) under pgd(linf, 0.3, 1) prune global|random at 50%
`;

function compile(text: string) {
  const a = analyze(text, "t.lth");
  return { errors: a.diagnostics.filter((d) => d.severity === "error"), plan: buildPlan(a.points) };
}

describe("judge", () => {
  it("defaults to the training adversary (absent from the plan's points)", () => {
    const { errors, plan } = compile(base);
    expect(errors).toEqual([]);
    expect(plan.points.every((p) => p.judge === undefined)).toBe(true);
  });

  it("names a test adversary by its complete key, and changes no job id", () => {
    const judged = compile(`judge pgd(linf, 0.3, 10)\n${base}`);
    expect(judged.errors).toEqual([]);
    expect(judged.plan.points.map((p) => p.judge)).toEqual(judged.plan.points.map(() => "pgd(linf,0.3,10)"));
    expect(judged.plan.jobs.map((j) => j.id)).toEqual(compile(base).plan.jobs.map((j) => j.id));
    expect(compile(`judge none\n${base}`).plan.points[0].judge).toBe("clean");
  });

  it("is E039 when the adversary is not evaluated", () => {
    const { errors } = compile(`judge pgd(linf, 0.3, 20)\n${base}`);
    expect(errors.map((d) => [d.code, d.message])).toEqual([
      [
        "E039",
        "the report cannot judge on pgd(linf,0.3,20): it is neither the training adversary nor a `test` adversary",
      ],
    ]);
  });
});
