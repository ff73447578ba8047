/**
 * Ctrl-C (SIGINT) on a real `lthc run`: it stops cleanly and the next run resumes.
 * (A second Ctrl-C is tested on the executor: two signals sent at once may arrive as one.)
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore, type RunStore } from "../../src/runtime/store/store.js";

const SPEC = "test/crash/fixtures/crash.lth";
const ARGS = ["--plain", "--jobs", "1", "--backend", "cpu", "--no-report"];

function start(store: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["bin/lthc.js", "run", SPEC, "--store", store, ...ARGS], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding("utf8").on("data", (c: string) => {
    out += c;
  });
  return { child, output: () => out };
}

function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

async function whenRunning(store: RunStore, output: () => string): Promise<string> {
  for (let i = 0; i < 6000; i++) {
    const id = /^start dense .*\[(dense-[^\]]+)\]/m.exec(output())?.[1];
    if (id && existsSync(store.paths(id).metrics)) return id;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the dense run never got going:\n${output()}`);
}

describe("Ctrl-C", { timeout: 240_000 }, () => {
  it("once: checkpoints, exits 130, and the next run resumes and finishes", async () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), "lthc-int-")), "store"));
    const run = start(store.dir);
    const dense = await whenRunning(store, run.output);
    run.child.kill("SIGINT");
    expect(await exitCode(run.child)).toBe(130);
    expect(run.output()).toContain("stopping — saving checkpoints");
    expect(run.output()).toMatch(/^interrupted dense /m);
    // The command to resume names the same store, not the default one.
    expect(run.output()).toContain(`interrupted; \`lthc run ${SPEC} --store ${store.dir}\` resumes`);
    expect((await store.readJobRecord(dense)).status?.state).toBe("interrupted");
    expect((await store.lockState(dense)).held).toBe(false);

    const again = spawnSync(process.execPath, ["bin/lthc.js", "run", SPEC, "--store", store.dir, ...ARGS], {
      encoding: "utf8",
    });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/finished in \d+s: 9 done, 0 failed/);
    expect((await store.readJobRecord(dense)).status).toMatchObject({ state: "done", attempts: 2 });
  });

  it("a damaged checkpoint left behind is set aside and the job redone", async () => {
    const store = openStore(join(mkdtempSync(join(tmpdir(), "lthc-int-")), "store"));
    const run = start(store.dir);
    const dense = await whenRunning(store, run.output);
    run.child.kill("SIGINT");
    expect(await exitCode(run.child)).toBe(130);
    const resume = join(store.paths(dense).checkpoints, "resume");
    expect(existsSync(resume)).toBe(true);
    writeFileSync(resume, "not a checkpoint at all");

    const again = spawnSync(process.execPath, ["bin/lthc.js", "run", SPEC, "--store", store.dir, ...ARGS], {
      encoding: "utf8",
    });
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/^log dense .*checkpoint.*moved it to .*resume\.corrupt-/m);
    expect(again.stdout).toMatch(/finished in \d+s: 9 done, 0 failed/);
    expect((await store.readJobRecord(dense)).status).toMatchObject({ state: "done", attempts: 3 });
  });
});
