/** `lthc status FILE`: what of a spec's plan is done, running, failed and left in a store; runs nothing. */
import type { Command } from "commander";
import { type SlurmView, slurmViews, slurmViewText } from "../../runtime/slurm/observe.js";
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
      let slurm: Map<string, SlurmView>;
      try {
        const store = openStore(options.store);
        progress = await planProgress(store, plan);
        slurm = await slurmViews(store, plan.jobs);
      } catch (error) {
        throw storeError(error, options.store);
      }
      if (options.json) {
        const jobs = progress.jobs.map((j) => ({ ...j, ...(slurm.has(j.id) ? { slurm: slurm.get(j.id) } : {}) }));
        process.stdout.write(`${JSON.stringify({ ...progress, jobs }, null, 2)}\n`);
      } else {
        process.stdout.write(formatProgress(progress, slurm));
      }
    });
}

const COLUMNS = ["done", "running", "failed", "left", "total"] as const;

function row(name: string, c: Counts, width: number): string {
  return `${name.padEnd(width)}${COLUMNS.map((k) => String(c[k]).padStart(9)).join("")}`;
}

/** The store's view of a plan, and where jobs were submitted to Slurm, Slurm's view beside each. */
export function formatProgress(p: PlanProgress, slurm: ReadonlyMap<string, SlurmView> = new Map()): string {
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
    for (const j of jobs) {
      const view = slurm.get(j.id);
      const inSlurm = view === undefined ? "" : `— ${slurmViewText(view)}`;
      lines.push(`  ${[`${j.label} [${j.id}]`, text(j), inSlurm].filter((part) => part !== "").join(" ")}`);
    }
  };
  const epochs = (j: PlanProgress["jobs"][number]) => (j.epochs > 0 ? `epoch ${j.epochsDone}/${j.epochs}` : "");
  section("running", "running", (j) => `${epochs(j)} (${j.detail})`);
  section("failed", "failed", (j) => `— ${j.detail ?? "no reason recorded"}`);
  section("left", "left", (j) => {
    if (j.detail) return `— ${j.detail}`;
    if (j.epochsDone === 0) return "";
    // Slurm holds its next part (or its requeue): it goes on by itself, no run needed.
    return slurm.get(j.id)?.active ? `${epochs(j)} so far` : `${epochs(j)}, resumes on the next run`;
  });
  const damaged = p.jobs.filter((j) => j.problems.length > 0);
  if (damaged.length > 0) {
    lines.push("", "damaged files (the next run redoes these jobs from their last good checkpoint):");
    for (const j of damaged) for (const problem of j.problems) lines.push(`  ${j.id}: ${problem}`);
  }
  return `${lines.join("\n")}\n`;
}
