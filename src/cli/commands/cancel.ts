/** `lthc cancel FILE`: cancel the Slurm jobs of a spec's plan (what `lthc run --on slurm` submitted for this store). */
import type { Command } from "commander";
import { jobLabel } from "../../runtime/job-labels.js";
import { isActive, jobStates, scancel } from "../../runtime/slurm/commands.js";
import { readRecord } from "../../runtime/slurm/record.js";
import { DEFAULT_STORE } from "../../runtime/store/layout.js";
import { openStore } from "../../runtime/store/store.js";
import { loadPlan } from "./load-plan.js";

interface CancelOptions {
  store: string;
}

export function registerCancel(program: Command): void {
  program
    .command("cancel")
    .description("Cancel this plan's Slurm jobs (running jobs save a checkpoint; `lthc run --on slurm` resumes)")
    .argument("<file>", "the .lth spec")
    .option("--store <dir>", "run store directory", DEFAULT_STORE)
    .action(async (file: string, options: CancelOptions) => {
      const { plan } = await loadPlan(file);
      const store = openStore(options.store);
      const held: { id: string; label: string }[] = [];
      for (const job of plan.jobs) {
        const record = await readRecord(store.paths(job.id).dir);
        for (const part of record?.parts ?? []) held.push({ id: part.slurmId, label: jobLabel(job) });
      }
      const states = await jobStates(held.map((h) => h.id));
      const active = held.filter((h) => isActive(states.get(h.id)));
      await scancel(active.map((h) => h.id));
      for (const h of active) process.stdout.write(`cancelled ${h.id} ${h.label}\n`);
      process.stdout.write(`${active.length} Slurm job(s) cancelled\n`);
    });
}
