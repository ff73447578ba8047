/**
 * The wasm backend's heap is capped at 4 GiB. A step that needs more aborts the
 * module with an emscripten message, after which the module is dead: the only
 * recovery is a fresh process. This turns that abort into a UserError that says
 * so, instead of an obscure "Aborted()" trace.
 */

import { UserError } from "../../core/user-error.js";
import { tf } from "../tf.js";

const WASM_LIMIT_BYTES = 4 * 1024 ** 3;

const OOM_PATTERNS = [
  /Aborted\(/i,
  /Cannot enlarge memory/i,
  /Out of memory/i,
  /\bOOM\b/,
  /memory access out of bounds/i,
  /Array buffer allocation failed/i,
];

export function isOutOfMemory(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return OOM_PATTERNS.some((p) => p.test(message));
}

/** Rethrow an out-of-memory failure as a UserError with a hint; anything else unchanged. */
export function explainOutOfMemory(error: unknown, what: { batch?: number; model?: string } = {}): never {
  if (!isOutOfMemory(error)) throw error;
  const backend = tf.getBackend();
  const where = [what.model, what.batch ? `batch ${what.batch}` : ""].filter(Boolean).join(" at ");
  const cap = backend === "wasm" ? ` (the wasm heap is capped at ${WASM_LIMIT_BYTES / 1024 ** 3} GiB)` : "";
  throw new UserError(
    `the ${backend} backend ran out of memory${where ? ` running ${where}` : ""}${cap}`,
    `lower the batch size${what.batch ? ` (e.g. ${Math.max(1, Math.floor(what.batch / 2))})` : ""} or use a smaller model; a wasm module that aborted cannot be reused, so start a new process`,
  );
}

/** Run `step`, turning an out-of-memory abort into a UserError. */
export function guardMemory<T>(step: () => T, what: { batch?: number; model?: string } = {}): T {
  try {
    return step();
  } catch (error) {
    return explainOutOfMemory(error, what);
  }
}
