/** `lthc report FILE`: pruning-accuracy plots (SVG, PNG), results.csv and report.md for a spec's results. */

import { join, relative } from "node:path";
import type { Command } from "commander";
import { defaultReportDir, writeReportForPlan } from "../../runtime/report/write-report.js";
import { DEFAULT_STORE } from "../../runtime/store/layout.js";
import { lthcHint } from "./hint.js";
import { loadPlan } from "./load-plan.js";

interface ReportOptions {
  store: string;
  out?: string;
  judge?: string;
}

export async function reportCommand(file: string, options: ReportOptions): Promise<void> {
  const outDir = options.out ?? defaultReportDir(options.store);
  const { plan } = await loadPlan(file, null);
  const written = await writeReportForPlan({
    plan,
    specFile: file,
    store: options.store,
    outDir,
    judge: options.judge,
  });
  for (const problem of written.problems) process.stderr.write(`warning: ${problem}\n`);
  const plots = written.files.filter((f) => f.endsWith(".png")).length;
  const shown = (path: string) => relative(process.cwd(), path) || ".";
  if (written.finishedJobs < written.totalJobs) {
    const store = shown(options.store);
    process.stderr.write(
      `note: ${written.finishedJobs} of ${written.totalJobs} jobs have finished in ${store}; ` +
        `the report shows what there is (${lthcHint("run", file, { store: options.store })} does the rest)\n`,
    );
  }
  process.stdout.write(`report: ${shown(join(outDir, "report.md"))} (${plots} plot${plots === 1 ? "" : "s"})\n`);
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description("Write pruning-accuracy plots and a Markdown report answering the matching-subnetwork questions")
    .argument("<file>", "the .lth spec")
    .option("--store <dir>", "run store directory", DEFAULT_STORE)
    .option("--out <dir>", "output directory (default: <store>/report)")
    .option(
      "--judge <adversary>",
      "judge the three questions on this adversary, as `lthc results` names it (e.g. 'pgd(linf,0.3,10)' or clean); default: the spec's `judge`, else the training adversary",
    )
    .action(async (file: string, options: ReportOptions) => reportCommand(file, options));
}
