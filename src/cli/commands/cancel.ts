/** `lthc cancel FILE`: cancel the Slurm jobs of a spec's plan (what `lthc run --on slurm` submitted for this store). */
import type { Command } from "commander";
import { UserError } from "../../core/user-error.js";
import { jobLabel } from "../../runtime/job-labels.js";
import { isActive, jobStates, scancel } from "../../runtime/slurm/commands.js";
import { readRecord } from "../../runtime/slurm/record.js";
import { DEFAULT_STORE } from "../../runtime/store/layout.js";
import { openStore } from "../../runtime/store/store.js";
import { lthcHint } from "./hint.js";
import { loadPlan, shownPath } from "./load-plan.js";

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
      if (held.length === 0) {
        // Most often the store is not the one the jobs were submitted with: "0 cancelled"
        // would read as success while the jobs go on.
        throw new UserError(
          `no Slurm jobs of this plan are recorded in store ${shownPath(store.dir)}; nothing was cancelled`,
          "did you mean --store? pass the --store that `lthc run --on slurm` was given " +
            "(squeue --me lists your Slurm jobs, named lthc:<sweep>:…)",
        );
      }
      const states = await jobStates(held.map((h) => h.id));
      const active = held.filter((h) => isActive(states.get(h.id)));
      await scancel(active.map((h) => h.id));
      for (const h of active) process.stdout.write(`cancelled ${h.id} ${h.label}\n`);
      if (active.length === 0) {
        process.stdout.write(
          `none of the ${held.length} Slurm job(s) recorded in store ${shownPath(store.dir)} is queued or running; ` +
            "nothing to cancel\n",
        );
        return;
      }
      process.stdout.write(
        `${active.length} Slurm job(s) cancelled; ${lthcHint("run", file, { store: options.store, slurm: true })} resumes them\n`,
      );
    });
}
