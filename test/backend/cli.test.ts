import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

// These run the built CLI: `npm test` builds first (pretest).
function lthc(args: string[]): string {
  return execFileSync("node", ["bin/lthc.js", ...args], {
    encoding: "utf8",
    env: { ...process.env, LTHC_DATA_DIR: "" },
  });
}

describe("lthc doctor", () => {
  it("lists Node, CPUs, every backend, tfjs versions and datasets, and exits 0", () => {
    const out = lthc(["doctor"]);
    expect(out).toContain(`node ${process.version}`);
    expect(out).toMatch(/cpus \d+ ×/);
    for (const b of ["gpu", "node", "wasm", "cpu"]) expect(out).toMatch(new RegExp(`[✓✗] ${b}\\s`));
    expect(out).toMatch(/✓ wasm\s+@tensorflow\/tfjs-backend-wasm: available/);
    expect(out).toMatch(/@tensorflow\/tfjs-core\s+4\.22\.0/);
    expect(out).toMatch(/wasm: SIMD (on|off), 1 thread/);
    expect(out).toMatch(/[✓✗] fashion-mnist/);
    expect(out).toMatch(/✓ synthetic/);
    expect(out).not.toContain("Hi, looks like");
  });

  it("prints JSON with --json", () => {
    const env = JSON.parse(lthc(["doctor", "--json"]));
    expect(env.backends.map((b: { choice: string }) => b.choice)).toEqual(["gpu", "node", "wasm", "cpu"]);
    expect(env.datasets.synthetic.found).toBe(true);
  });
});

describe("lthc bench", () => {
  it("measures all four steps of a small model and prints JSON", () => {
    const out = lthc([
      "bench",
      "--backend",
      "cpu",
      "--model",
      "lenet(16)",
      "--input",
      "mnist",
      "--batch",
      "4",
      "--steps",
      "1",
      "--pgd-steps",
      "1",
      "--json",
    ]);
    const report = JSON.parse(out);
    expect(report.backend).toBe("cpu");
    expect(report.results.map((r: { measurement: string }) => r.measurement)).toEqual([
      "train",
      "pgd",
      "adversarial",
      "inference",
    ]);
    for (const r of report.results) expect(r.imagesPerSec).toBeGreaterThan(0);
  });

  it("measures lenet on its natural 28×28×1 input by default, says so, and says which figure plan --throughput takes", () => {
    const args = ["bench", "--backend", "cpu", "--model", "lenet(300,100)", "--batch", "2", "--steps", "1"];
    const out = lthc([...args, "--pgd-steps", "1", "--only", "train"]);
    expect(out).toContain("model lenet(300,100) on 28×28×1 input (mnist, the model's default)");
    // docs/models.md: LeNet-300-100 on 28×28×1 has 266,610 parameters (953,010 on 32×32×3).
    expect(out).toContain("lenet-300-100: 266,610 parameters on 28×28×1 input");
    expect(out).toMatch(/for `lthc plan --throughput`: \d+\.\d \(the train step's img\/s, also for PGD specs/);
    const json = JSON.parse(lthc([...args, "--only", "inference", "--input", "cifar10", "--json"]));
    expect(json).toMatchObject({ input: "cifar10", shape: [32, 32, 3], parameters: 953_010 });
  });

  it("rejects an unknown backend or model with one message and a hint", () => {
    for (const args of [
      ["--backend", "tpu"],
      ["--model", "vgg(16)"],
    ]) {
      try {
        lthc(["bench", ...args]);
        expect.unreachable();
      } catch (e) {
        const err = e as { status: number; stderr: string };
        expect(err.status).toBe(1);
        expect(err.stderr).toMatch(/^error: unknown (backend 'tpu'|model 'vgg\(16\)')\nhint: /);
        expect(err.stderr).not.toContain("    at ");
      }
    }
  });
});
