import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/user-error.js";
import { initBackend, type ModuleLoader, parseBackend } from "../../src/runtime/backend/select.js";
import { tf } from "../../src/runtime/tf.js";

/** A loader on which the tfjs-node packages are absent, whatever this machine has. */
const withoutNode: ModuleLoader = async (specifier) => {
  if (specifier.startsWith("@tensorflow/tfjs-node")) {
    throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: "ERR_MODULE_NOT_FOUND" });
  }
  return import(specifier);
};

const brokenNode: ModuleLoader = async (specifier) => {
  if (specifier.startsWith("@tensorflow/tfjs-node"))
    throw new Error("libtensorflow.so.2: cannot open shared object file");
  return import(specifier);
};

describe("initBackend", () => {
  afterAll(async () => {
    await tf.setBackend("cpu");
  });

  it("falls back to wasm when tfjs-node is absent, and says why", async () => {
    const info = await initBackend(undefined, { importModule: withoutNode });
    expect(info.choice).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    expect(info.reason).toBe("fastest available (tfjs-node-gpu not installed; tfjs-node not installed)");
    expect(info.candidates[0].detail).toMatch(/^not installed/);
    expect(info.candidates.map((c) => [c.choice, c.available])).toEqual([
      ["gpu", false],
      ["node", false],
      ["wasm", true],
      ["cpu", false],
    ]);
    expect(info.wasm?.threads).toBe(1);
  });

  it("reports a tfjs-node that is installed but fails to load", async () => {
    const info = await initBackend(undefined, { importModule: brokenNode });
    expect(info.choice).toBe("wasm");
    expect(info.candidates[1].detail).toMatch(/failed to load: libtensorflow/);
  });

  it("honours an explicit cpu preference", async () => {
    const info = await initBackend("cpu", { importModule: withoutNode });
    expect(info.choice).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(info.reason).toContain("--backend cpu");
  });

  it("rejects an unknown backend with the accepted names", async () => {
    await expect(initBackend("tpu")).rejects.toThrow(UserError);
    expect(() => parseBackend("tpu")).toThrow(/unknown backend 'tpu'/);
    try {
      parseBackend("tpu");
    } catch (e) {
      expect((e as UserError).hint).toMatch(/gpu.*node.*wasm.*cpu/);
    }
  });

  it("makes an unavailable requested backend a UserError", async () => {
    await expect(initBackend("gpu", { importModule: withoutNode })).rejects.toThrow(
      /backend 'gpu' is unavailable: not installed/,
    );
  });

  it("accepts the aliases", () => {
    expect(parseBackend("tensorflow")).toBe("node");
    expect(parseBackend("WASM")).toBe("wasm");
  });
});
