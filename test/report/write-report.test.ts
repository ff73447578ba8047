import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../src/core/plan-types.js";
import { loadResults } from "../../src/runtime/report/load.js";
import { statText } from "../../src/runtime/report/markdown.js";
import { writeReportForPlan } from "../../src/runtime/report/write-report.js";
import { PGD_NAME, tinyPlan, writeStore } from "./fixture.js";

let dir: string;
let plan: Plan;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lthc-report-"));
  plan = tinyPlan();
  await writeStore(join(dir, "store"), plan);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeReportForPlan", () => {
  it("writes a plot per (model, training adversary) as SVG and PNG, results.csv and report.md", async () => {
    const outDir = join(dir, "out");
    const { files, problems } = await writeReportForPlan({
      plan,
      specFile: "tiny.lth",
      store: join(dir, "store"),
      outDir,
    });
    expect(problems).toEqual([]);
    const names = files.map((f) => f.slice(outDir.length + 1)).sort();
    expect(names).toEqual([
      "plots/1-lenet-300-100-clean-rewind-1.png",
      "plots/1-lenet-300-100-clean-rewind-1.svg",
      "plots/2-lenet-300-100-pgd-linf-0.1-2-rewind-1.png",
      "plots/2-lenet-300-100-pgd-linf-0.1-2-rewind-1.svg",
      "plots/overview-1-lenet-300-100.png",
      "plots/overview-1-lenet-300-100.svg",
      "report.md",
      "results.csv",
    ]);

    const png = await readFile(join(outDir, "plots/2-lenet-300-100-pgd-linf-0.1-2-rewind-1.png"));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    expect((await stat(join(outDir, "plots/1-lenet-300-100-clean-rewind-1.png"))).size).toBeGreaterThan(10_000);

    const svg = await readFile(join(outDir, "plots/2-lenet-300-100-pgd-linf-0.1-2-rewind-1.svg"), "utf8");
    expect(svg).toContain("<svg");
    expect(svg).toContain("pruning with rewinding (magnitude)");
    expect(svg).toContain("random pruning (baseline)");
    expect(svg).toContain(`test accuracy under ${PGD_NAME} (%)`);
    for (const tick of ["100%", "50%", "25%"]) expect(svg).toContain(`>${tick}<`);

    const md = await readFile(join(outDir, "report.md"), "utf8");
    expect(md).toContain("36 of 36 plan jobs finished");
    // The store as seen from report.md's own directory, not from the directory lthc ran in.
    expect(md).toContain("Run store `../store`:");
    expect(md).toContain(
      "| lenet(300,100) | standard | fashion-mnist | global one-shot, rewind 1 | 85.00 ± 0.71 (n=2) | yes (at 50%, 25%) | yes (random fails at 25%) | 25% | (this is standard training) |",
    );
    expect(md).toContain(
      `| lenet(300,100) | ${PGD_NAME} | fashion-mnist | global one-shot, rewind 1 | 60.00 ± 0.71 (n=2) | yes (at 50%) | no (random pruning matches too) | 50% | denser than standard (25%) |`,
    );
    expect(md).toContain(
      "![lenet(300,100) · standard training · fashion-mnist · rewind 1](plots/1-lenet-300-100-clean-rewind-1.png)",
    );
    expect(md).toContain("| 25% | 86.00 ± 0.71 (n=2) | 70.00 ± 0.71 (n=2) | yes | no |");
    expect(md).toContain(
      "![lenet(300,100) on fashion-mnist · rewind 1: test accuracy against the training adversary](plots/overview-1-lenet-300-100.png)",
    );
    const overview = await readFile(join(outDir, "plots/overview-1-lenet-300-100.svg"), "utf8");
    expect(overview).toContain("standard training");
    expect(overview).toContain(PGD_NAME);
  });

  it("reports unfinished jobs as missing data instead of failing", async () => {
    const store = join(dir, "partial");
    const unfinished = new Set(plan.jobs.filter((j) => j.kind === "dense").map((j) => j.id));
    await writeStore(store, plan, unfinished, true);
    const outDir = join(dir, "partial-out");
    await writeReportForPlan({ plan, specFile: "tiny.lth", store, outDir });
    const md = await readFile(join(outDir, "report.md"), "utf8");
    expect(md).toContain("32 of 36 plan jobs finished (4 failed: `lthc status tiny.lth` says why).");
    // Failed configurations stay in the tables, with the reason and what to do (issue 11, fault 10).
    expect(md).toContain(
      "| failed (see its section) | unknown (no finished dense run) | — | — | standard: unknown yet |",
    );
    expect(md).toContain(
      "- dense run, replicate 1: **failed**: diverged — lower the learning rate (or check ε's units: `lthc check` warns), then `lthc run --retry-failed`",
    );
  });

  it("keeps failed and blocked configurations in results, with the reason and what to do (issue 11, fault 10)", async () => {
    const store = join(dir, "blocked");
    const dense = plan.jobs.find((j) => j.kind === "dense")!;
    // The dense run failed; the jobs that need it never ran (the executor writes nothing for them).
    await writeStore(store, plan, new Set([dense.id]), true);
    const dependents = plan.jobs.filter((j) => j.dependsOn.includes(dense.id));
    for (const j of plan.jobs.filter((j) => j.id !== dense.id && dependsOnTransitively(j.id, dense.id))) {
      await rm(join(store, "jobs", j.id), { recursive: true, force: true });
    }
    expect(dependents.length).toBeGreaterThan(0);
    const { rows } = await loadResults(plan, store);
    const failed = rows.filter((r) => r.job === dense.id);
    expect(failed.every((r) => r.status === "failed")).toBe(true);
    expect(failed[0].reason).toMatch(/^diverged — lower the learning rate/);
    const blocked = rows.filter((r) => r.status === "blocked");
    const blockedSparse = plan.points.filter((p) => p.dense === dense.id && p.sparse !== null).map((p) => p.sparse);
    expect(new Set(blocked.map((r) => r.job))).toEqual(new Set(blockedSparse));
    for (const r of blocked) {
      expect(r).toMatchObject({ epoch: 0, adversary: "", accuracy: null });
      expect(r.reason).toContain(`[${dense.id}] failed — fix that job's failure`);
    }
  });

  it("says which engine computed the results, and warns loudly when a store mixes engines", async () => {
    const setEngine = async (store: string, engine: (index: number) => string | undefined) => {
      let i = 0;
      for (const job of plan.jobs) {
        const file = join(store, "jobs", job.id, "result.json");
        const result = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
        const e = engine(i++);
        if (e === undefined) delete result.engine;
        else result.engine = e;
        await writeFile(file, JSON.stringify(result));
      }
    };
    const report = async (store: string) => {
      const outDir = `${store}-out`;
      await writeReportForPlan({ plan, specFile: "tiny.lth", store, outDir });
      return readFile(join(outDir, "report.md"), "utf8");
    };
    const native = "tensorflow (libtensorflow 2.21.0; fused convolution on)";
    const store = join(dir, "engines");
    await writeStore(store, plan);
    // Results from before engines were recorded: nothing is claimed.
    expect(await report(store)).not.toMatch(/Computed on/);
    await setEngine(store, () => native);
    const one = await report(store);
    expect(one).toMatch(/^Computed on tensorflow \(libtensorflow 2\.21\.0; fused convolution on\) \(\d+ jobs\)\.$/m);
    expect(one).not.toContain("more than one engine");
    await setEngine(store, (i) => (i % 3 === 0 ? "wasm" : native));
    const mixed = await report(store);
    expect(mixed).toContain("**Computed on more than one engine**: ");
    expect(mixed).toMatch(/wasm \(\d+ jobs?\)/);
  });

  it("draws no plot for a group without finished pruned runs", async () => {
    const store = join(dir, "dense-only");
    await writeStore(store, plan, new Set(plan.jobs.filter((j) => j.kind === "sparse").map((j) => j.id)));
    const outDir = join(dir, "dense-only-out");
    const { files } = await writeReportForPlan({ plan, specFile: "tiny.lth", store, outDir });
    expect(files.filter((f) => f.includes("plots/"))).toEqual([]);
    const md = await readFile(join(outDir, "report.md"), "utf8");
    expect(md).toContain("_No finished pruned runs to plot (yet)._");
    expect(md).toContain("| 85.00 ± 0.71 (n=2) | unknown (no finished pruned run) | — | — |");
  });
});

describe("statText", () => {
  it("shows no spread for one replicate", () => {
    expect(statText({ mean: 0.788, std: 0, n: 1 })).toBe("78.80 (n=1)");
    expect(statText({ mean: 0.85, std: 0.0071, n: 2 })).toBe("85.00 ± 0.71 (n=2)");
    expect(statText(null)).toBe("—");
  });
});

function dependsOnTransitively(id: string, on: string): boolean {
  const job = plan.jobs.find((j) => j.id === id);
  return job?.dependsOn.some((d) => d === on || dependsOnTransitively(d, on)) ?? false;
}
