/**
 * The backend the engine tests exercise. Each engine test file has its own default
 * (the pure-JS cpu reference, or wasm); the vitest project "native" reruns the same
 * files on the native backend (tfjs-node on libtensorflow) by setting
 * LTHC_TEST_BACKEND=node. One backend per test process: tensors of the 'tensorflow'
 * and 'wasm' backends never meet, and vitest runs each file in its own process.
 */
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe } from "vitest";
import { initBackend } from "../../src/runtime/backend/select.js";
import { tf } from "../../src/runtime/tf.js";
import { describeWith } from "./component.js";
import { nativeMissing } from "./native.js";

export type EngineBackend = "cpu" | "wasm" | "node";

/** LTHC_TEST_BACKEND when set (node or wasm), else the file's default. */
export function engineBackend(fallback: EngineBackend): EngineBackend {
  const wanted = process.env.LTHC_TEST_BACKEND;
  if (wanted === undefined || wanted === "") return fallback;
  if (wanted !== "node" && wanted !== "wasm" && wanted !== "cpu") {
    throw new Error(`LTHC_TEST_BACKEND must be node, wasm or cpu, not '${wanted}'`);
  }
  return wanted;
}

/** Activate the engine backend (with lthc's own selection, so wasm gets its training kernels). */
export async function useEngineBackend(fallback: EngineBackend): Promise<void> {
  const backend = engineBackend(fallback);
  if (backend === "cpu") {
    await tf.setBackend("cpu");
    // As initBackend does: the cpu backend's "install tfjs-node" banner is not a warning.
    const cpu = tf.findBackend("cpu") as (tf.KernelBackend & { firstUse?: boolean }) | null;
    if (cpu && "firstUse" in cpu) cpu.firstUse = false;
  } else {
    await initBackend(backend);
  }
  await tf.ready();
}

/**
 * `describe` for engine tests: on the native backend it is gated on the native
 * backend being set up (skipped with the reason, or a failure where
 * LTHC_REQUIRE=native), and the name says which backend ran.
 */
export function describeEngine(fallback: EngineBackend, name: string, body: () => void): void {
  const backend = engineBackend(fallback);
  const withBackend = () => {
    beforeAll(() => useEngineBackend(fallback));
    body();
  };
  if (backend === "node") describeWith("native", nativeMissing(), `${name} [native]`, withBackend);
  else describe(`${name} [${backend}]`, withBackend);
}
