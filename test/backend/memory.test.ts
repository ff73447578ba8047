import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/user-error.js";
import { explainOutOfMemory, guardMemory, isOutOfMemory } from "../../src/runtime/backend/memory.js";

describe("out-of-memory explanation", () => {
  it("recognises emscripten aborts and turns them into a UserError with a batch hint", () => {
    const abort = new Error("Aborted(Cannot enlarge memory arrays to size 4294967296 bytes (OOM).)");
    expect(isOutOfMemory(abort)).toBe(true);
    try {
      explainOutOfMemory(abort, { batch: 256, model: "wrn(20,2)" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toContain("wrn(20,2) at batch 256");
      expect((e as UserError).hint).toContain("128");
    }
  });

  it("passes other errors through unchanged", () => {
    const other = new TypeError("x is undefined");
    expect(() =>
      guardMemory(() => {
        throw other;
      }),
    ).toThrow(other);
    expect(guardMemory(() => 7)).toBe(7);
  });
});
