/**
 * `lthc run` on the native backend as a user runs it, and the same jobs' final
 * metrics on wasm and native side by side.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { describeWith } from "../helpers/component.js";
import { nativeMissing } from "../helpers/native.js";

interface Row {
  job: string;
  epoch: number;
  adversary: string;
  accuracy: number;
  loss: number;
}

function lthc(...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/lthc.js", ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Dense LeNet, then magnitude pruning to 50% with rewinding (masks applied every step), two replicates.
const SPEC = `sweep agree: lenet(100) {
  data fashion-mnist(train=2000, test=500)
  augment none
  epochs 3
  batch 50
  lr 0.05
  milestones []
  prune global at 50%
  rewind 1
  reps 2
}
`;

function runOn(backend: string, dir: string, spec: string): Row[] {
  const store = join(dir, `store-${backend}`);
  const run = lthc("run", spec, "--backend", backend, "--store", store, "--plain", "--no-report");
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout.split("\n")[0]).toMatch(new RegExp(`^plan: 6 jobs .* backend ${backend}$`));
  expect(run.stdout).toMatch(/finished in \d+s: 6 done, 0 failed/);
  // Each finished job records what computed it (the report warns when a store mixes engines).
  for (const id of readdirSync(join(store, "jobs"))) {
    const result = JSON.parse(readFileSync(join(store, "jobs", id, "result.json"), "utf8")) as { engine?: string };
    expect(result.engine).toBe(backend === "node" ? "tensorflow (libtensorflow 2.21.0; fused convolution on)" : "wasm");
  }
  const results = lthc("results", spec, "--store", store, "--format", "json");
  expect(results.code).toBe(0);
  return JSON.parse(results.stdout) as Row[];
}

describeWith("native", nativeMissing(), "lthc run on the native backend", () => {
  it("is the default once set up", () => {
    const doctor = JSON.parse(lthc("doctor", "--json").stdout) as { defaultBackend: string };
    expect(doctor.defaultBackend).toBe("node");
  });

  it("trains a tiny plan end to end, and its metrics agree with wasm's", { timeout: 180_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "lthc-native-run-"));
    const spec = join(dir, "agree.lth");
    writeFileSync(spec, SPEC);
    const native = runOn("node", dir, spec);
    const wasm = runOn("wasm", dir, spec);
    expect(native.length).toBe(wasm.length);
    expect(native.length).toBeGreaterThan(0);
    // Tolerance: both backends compute in float32 from the same seeded weights and batch order, so they
    // differ only in summation order (~1e-7 relative per op). Measured after 3 epochs: losses within
    // 5e-6, accuracies identical. The bounds below (1e-3 relative loss, 2 of 500 test images) are 200×
    // that gap, yet far below the replicate-to-replicate spread (losses 0.1, accuracy 0.07 apart), so a
    // wrong gradient, a mask not applied or a lost BN/optimizer state on one backend cannot pass.
    for (const n of native) {
      const w = wasm.find((r) => r.job === n.job && r.epoch === n.epoch && r.adversary === n.adversary);
      expect(w, `${n.job} epoch ${n.epoch} missing on wasm`).toBeDefined();
      if (!w) continue;
      expect(Math.abs(n.loss - w.loss) / w.loss).toBeLessThan(1e-3);
      expect(Math.abs(n.accuracy - w.accuracy)).toBeLessThanOrEqual(2 / 500 + 1e-9);
    }
  });
});
