import { Command } from "commander";
import { registerBench } from "./commands/bench.js";
import { registerCheck } from "./commands/check.js";
import { registerDoctor } from "./commands/doctor.js";
import { registerFmt } from "./commands/fmt.js";
import { registerLsp } from "./commands/lsp.js";
import { registerPlan } from "./commands/plan.js";
import { registerReport } from "./commands/report.js";
import { registerResults } from "./commands/results.js";
import { registerRun } from "./commands/run.js";
import { registerStatus } from "./commands/status.js";
import { runCli } from "./run-cli.js";

const program = new Command("lthc")
  .description("Lottery-ticket experiments under adversarial training: .lth sweep specs → plans → runs → reports")
  .version("0.1.0");

for (const register of [
  registerCheck,
  registerPlan,
  registerFmt,
  registerRun,
  registerStatus,
  registerResults,
  registerReport,
  registerDoctor,
  registerBench,
  registerLsp,
]) {
  register(program);
}

await runCli(program, process.argv);
