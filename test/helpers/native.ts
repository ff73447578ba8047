/**
 * Whether the native backend (@tensorflow/tfjs-node on libtensorflow, set up by
 * `lthc setup native`) can be used by tests, probed without loading it.
 */
import { nativeSetupMissing } from "../../src/runtime/setup/installed.js";

/** The reason the native backend is unavailable here, or null when it is set up (package and built binding). */
export function nativeMissing(): string | null {
  const missing = nativeSetupMissing("cpu");
  return missing === null ? null : `native backend ${missing}`;
}
