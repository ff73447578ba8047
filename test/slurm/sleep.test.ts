/** follow.ts's sleep: one --wait sleeps hundreds of times on one AbortSignal without piling up listeners. */
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { sleep } from "../../src/runtime/slurm/follow.js";

describe("sleep", () => {
  it("leaves no abort listener behind once its time is up", async () => {
    const stop = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, stop.signal);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("ends early when the signal aborts, and at once when it already has", async () => {
    const stop = new AbortController();
    const started = Date.now();
    const waiting = sleep(60_000, stop.signal);
    stop.abort();
    await waiting;
    await sleep(60_000, stop.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });
});
