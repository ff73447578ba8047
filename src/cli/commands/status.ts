/** `lthc status FILE`: what of a spec's plan is done, running, failed and left in a store; runs nothing. */
import type { Command } from "commander";
import { DEFAULT_STORE } from "../../runtime/store/layout.js";
import { type Counts, type PlanProgress, planProgress } from "../../runtime/store/progress.js";
import { openStore } from "../../runtime/store/store.js";
import { loadPlan, shownPath } from "./load-plan.js";
import { storeError } from "./run.js";

interface StatusOptions {
  store: string;
  json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("Show what of a spec's plan is done, running, failed and left in the run store (runs nothing)")
    .argument("<file>", "the .lth spec")
    .option("--store <dir>", "run store directory", DEFAULT_STORE)
    .option("--json", "print machine-readable JSON")
    .action(async (file: string, options: StatusOptions) => {
      const { plan } = await loadPlan(file);
      let progress: PlanProgress;
      try {
        progress = await planProgress(openStore(options.store), plan);
      } catch (error) {
        throw storeError(error, options.store);
      }
      process.stdout.write(options.json ? `${JSON.stringify(progress, null, 2)}\n` : formatProgress(progress));
    });
}

const COLUMNS = ["done", "running", "failed", "left", "total"] as const;

function row(name: string, c: Counts, width: number): string {
  return `${name.padEnd(width)}${COLUMNS.map((k) => String(c[k]).padStart(9)).join("")}`;
}

export function formatProgress(p: PlanProgress): string {
  const rows: [string, Counts][] = [
    ...Object.entries(p.byKind)
      .filter(([, c]) => c.total > 0)
      .map(([kind, c]): [string, Counts] => [kind, c]),
    ["all", p.total],
    ...Object.entries(p.bySweep).map(([sweep, c]): [string, Counts] => [`sweep ${sweep}`, c]),
  ];
  const width = Math.max(8, ...rows.map(([name]) => name.length + 2));
  const lines = [
    `store: ${shownPath(p.store)}`,
    `${"".padEnd(width)}${COLUMNS.map((k) => k.padStart(9)).join("")}`,
    ...rows.map(([name, c]) => row(name, c, width)),
  ];
  const section = (title: string, state: string, text: (j: PlanProgress["jobs"][number]) => string) => {
    const jobs = p.jobs.filter((j) => j.state === state);
    if (jobs.length === 0) return;
    lines.push("", `${title}:`);
    for (const j of jobs) lines.push(`  ${j.label} [${j.id}] ${text(j)}`.trimEnd());
  };
  const epochs = (j: PlanProgress["jobs"][number]) => (j.epochs > 0 ? `epoch ${j.epochsDone}/${j.epochs}` : "");
  section("running", "running", (j) => `${epochs(j)} (${j.detail})`);
  section("failed", "failed", (j) => `— ${j.detail ?? "no reason recorded"}`);
  section("left", "left", (j) => {
    if (j.detail) return `— ${j.detail}`;
    return j.epochsDone > 0 ? `${epochs(j)}, resumes on the next run` : "";
  });
  const damaged = p.jobs.filter((j) => j.problems.length > 0);
  if (damaged.length > 0) {
    lines.push("", "damaged files (the next run redoes these jobs from their last good checkpoint):");
    for (const j of damaged) for (const problem of j.problems) lines.push(`  ${j.id}: ${problem}`);
  }
  return `${lines.join("\n")}\n`;
}
