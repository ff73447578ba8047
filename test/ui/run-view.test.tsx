import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { RunView } from "../../src/cli/ui/run-view.js";
import { applyEvent, initialState, jobEta, planEta, type RunState } from "../../src/cli/ui/state.js";
import type { ExecutorEvent } from "../../src/runtime/executor-events.js";
import { finishedEvents, runningEvents } from "./events.js";

/** Applies events one second apart, starting at t = 0. */
function fold(events: ExecutorEvent[], costs?: Map<string, number>): { state: RunState; now: number } {
  let state = initialState(0, costs);
  events.forEach((event, i) => {
    state = applyEvent(state, event, i * 1000);
  });
  return { state, now: events.length * 1000 };
}

function frame(events: ExecutorEvent[], color = false): string {
  const { state, now } = fold(events);
  const { lastFrame, unmount } = render(<RunView state={state} now={now} color={color} />);
  const text = lastFrame() ?? "";
  unmount();
  return text;
}

describe("RunView", () => {
  it("shows plan counts and a running job with progress, throughput, ETA and accuracies", () => {
    const text = frame(runningEvents);
    expect(text).toContain("backend wasm · 2 workers");
    expect(text).toContain("plan: 1 done · 1 running · 2 waiting · 0 failed");
    expect(text).toContain("[w1] dense lenet pgd(linf,0.1,2) rep 1");
    expect(text).toContain("epoch 2/4 batch 5/10");
    expect(text).toContain("37.5%");
    expect(text).toContain("420 img/s");
    expect(text).toContain("clean 80.0%, pgd(linf,0.1,2) 55.0%");
    // 10 batches in 2 s → 5 batches/s; 25 left → 5 s.
    expect(text).toContain("ETA 5s");
    expect(text).toMatch(/plan ETA \d+s/);
  });

  it("logs finished and failed jobs and shows the final counts", () => {
    const text = frame(finishedEvents);
    expect(text).toContain("✓ dense lenet pgd(linf,0.1,2) rep 1 — in 1m15s, clean 90.0%, pgd(linf,0.1,2) 61.2%");
    expect(text).toContain("✗ mask magnitude 51.2% rep 1 FAILED: mask source missing");
    expect(text).toContain("plan: 2 done · 0 running · 1 waiting · 1 failed");
    expect(text).toContain("finished in 2m05s");
    expect(text).not.toContain("[w1]");
  });

  it("tells the user what a first Ctrl-C does", () => {
    const text = frame([...runningEvents, { type: "stopping", immediate: false }]);
    expect(text).toContain("stopping — saving checkpoints; Ctrl-C again to stop at once");
  });

  it("writes no colour codes when colour is off", () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI colour escapes
    expect(frame(finishedEvents, false)).not.toMatch(/\u001b\[3\dm/);
  });
});

describe("ETAs", () => {
  it("are unknown before any progress is measured", () => {
    const { state, now } = fold(runningEvents.slice(0, 3));
    expect(jobEta(state.running.get("d1-r1")!)).toBeNull();
    expect(planEta(state, now)).toBeNull();
  });

  it("count the epochs of waiting jobs at the measured rate", () => {
    const { state } = fold(runningEvents);
    // 1 epoch trained in 5 s of plan time; 2.5 epochs left on d1, 2 on s1, 0 on m1.
    expect(planEta(state, 5000)).toBeCloseTo(4.5 * 5);
  });

  it("weigh each job's epochs by their cost when the plan gives it", () => {
    // The sparse job's epochs cost 3× the dense job's: 2.5 × 1 + 2 × 3 = 8.5 units left at 0.2 units/s.
    const { state } = fold(
      runningEvents,
      new Map([
        ["d1-r1", 1],
        ["s1-r1", 3],
      ]),
    );
    expect(planEta(state, 5000)).toBeCloseTo(8.5 * 5);
  });
});
