/** What `lthc run` does once every job is done: say where the results are and write the report. */

import { join } from "node:path";
import type { Plan } from "../../core/plan-types.js";
import { defaultReportDir, writeReportForPlan } from "../../runtime/report/write-report.js";
import type { RunStore } from "../../runtime/store/store.js";
import { lthcHint } from "./hint.js";
import { shownPath } from "./load-plan.js";

export interface AfterRun {
  file: string;
  text: string;
  plan: Plan;
  store: RunStore;
  out: NodeJS.WritableStream;
  report: boolean;
}

export async function afterRun(options: AfterRun): Promise<void> {
  const { out, file } = options;
  const storeArg = shownPath(options.store.dir);
  out.write(`results: ${storeArg} (${lthcHint("results", file, { store: options.store.dir })})\n`);
  if (!options.report || options.plan.points.length === 0) return;
  const outDir = defaultReportDir(options.store.dir);
  const written = await writeReportForPlan({ plan: options.plan, specFile: file, store: options.store.dir, outDir });
  for (const problem of written.problems) out.write(`warning: ${problem}\n`);
  out.write(`report: ${shownPath(join(outDir, "report.md"))}\n`);
}
