/**
 * Whether the native backend (@tensorflow/tfjs-node on libtensorflow, set up by
 * `lthc setup native`) can be used by tests, probed without loading it.
 */
import { createRequire } from "node:module";

/** The reason the native backend is unavailable here, or null when it is set up. */
export function nativeMissing(): string | null {
  try {
    createRequire(import.meta.url).resolve("@tensorflow/tfjs-node");
    return null;
  } catch {
    return "native backend not set up (run lthc setup native)";
  }
}
