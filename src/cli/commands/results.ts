/** `lthc results FILE`: one row per (job, epoch, test adversary) of a spec's plan, as CSV or JSON. */

import { relative } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/user-error.js";
import { loadResults } from "../../runtime/report/load.js";
import { toCsv, toJson } from "../../runtime/report/table.js";
import { DEFAULT_STORE } from "../../runtime/store/layout.js";
import { lthcHint } from "./hint.js";
import { loadPlan } from "./load-plan.js";

interface ResultsOptions {
  store: string;
  format: string;
}

const FORMATS = ["csv", "json"] as const;
type Format = (typeof FORMATS)[number];

function parseFormat(text: string): Format {
  if ((FORMATS as readonly string[]).includes(text)) return text as Format;
  throw new UserError(`--format must be csv or json, not '${text}'`);
}

export async function resultsCommand(file: string, options: ResultsOptions): Promise<void> {
  const format = parseFormat(options.format);
  const { plan } = await loadPlan(file, null);
  const { rows, problems } = await loadResults(plan, options.store);
  for (const problem of problems) process.stderr.write(`warning: ${problem}\n`);
  if (rows.length === 0) {
    const store = relative(process.cwd(), options.store) || ".";
    process.stderr.write(
      `no results for ${file} in ${store} yet (${lthcHint("run", file, { store: options.store })} produces them)\n`,
    );
  }
  process.stdout.write(format === "csv" ? toCsv(rows) : toJson(rows));
}

export function registerResults(program: Command): void {
  program
    .command("results")
    .description("Print a spec's results: one row per (job, epoch, test adversary); schema in docs/report.md")
    .argument("<file>", "the .lth spec")
    .option("--store <dir>", "run store directory", DEFAULT_STORE)
    .option("--format <format>", "csv or json", "csv")
    .action(async (file: string, options: ResultsOptions) => resultsCommand(file, options));
}
