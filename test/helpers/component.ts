/**
 * Tests that need a component npm cannot install (the native TensorFlow backend, a
 * local Slurm cluster) run where it is present. On a developer's machine without it
 * they are skipped with the reason in their name; where `LTHC_REQUIRE` lists the
 * component (CI sets `LTHC_REQUIRE=native,slurm`) a missing component is a failure,
 * so CI can never pass without running them.
 */
import { describe, it } from "vitest";

/** Components a test suite may need; `LTHC_REQUIRE` is a comma-separated list of them. */
export type Component = "native" | "slurm";

/** Whether the environment demands `component` (CI does). */
export function isRequired(component: Component, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.LTHC_REQUIRE ?? "")
    .split(",")
    .map((s) => s.trim())
    .includes(component);
}

/**
 * `describe` that runs when `missing` is null. Otherwise, when the component is
 * required, one failing test says what is missing; when it is not, the block is
 * skipped and its name carries `skipped: <missing>`.
 *
 * @param missing why the component is unavailable (with the command that sets it
 *   up), or null when it is available.
 */
export function describeWith(component: Component, missing: string | null, name: string, body: () => void): void {
  if (missing === null) {
    describe(name, body);
  } else if (isRequired(component)) {
    describe(name, () => {
      it(`needs ${component}`, () => {
        throw new Error(`${component} is required here (LTHC_REQUIRE) but missing: ${missing}`);
      });
    });
  } else {
    describe.skip(`${name} — skipped: ${missing}`, body);
  }
}
