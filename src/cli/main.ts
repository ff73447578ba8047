import { Command } from "commander";
import { runCli } from "./run-cli.js";

type Register = (program: Command) => void;

/**
 * Each command's module is loaded only when that command runs: `lthc check` and
 * `lthc lsp` must not pay for loading TensorFlow.js, and a broken runtime module
 * must not take the compiler commands down with it.
 */
const commands: Record<string, () => Promise<Register>> = {
  check: async () => (await import("./commands/check.js")).registerCheck,
  plan: async () => (await import("./commands/plan.js")).registerPlan,
  fmt: async () => (await import("./commands/fmt.js")).registerFmt,
  run: async () => (await import("./commands/run.js")).registerRun,
  status: async () => (await import("./commands/status.js")).registerStatus,
  cancel: async () => (await import("./commands/cancel.js")).registerCancel,
  "slurm-job": async () => (await import("./commands/slurm-job.js")).registerSlurmJob,
  results: async () => (await import("./commands/results.js")).registerResults,
  report: async () => (await import("./commands/report.js")).registerReport,
  doctor: async () => (await import("./commands/doctor.js")).registerDoctor,
  data: async () => (await import("./commands/data.js")).registerData,
  bench: async () => (await import("./commands/bench.js")).registerBench,
  lsp: async () => (await import("./commands/lsp.js")).registerLsp,
  setup: async () => (await import("./commands/setup.js")).registerSetup,
};

const program = new Command("lthc")
  .description("Lottery-ticket experiments under adversarial training: .lth sweep specs → plans → runs → reports")
  .version("0.1.0");

const requested = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
const toLoad = requested && requested in commands ? [requested] : Object.keys(commands);
for (const name of toLoad) {
  (await commands[name]())(program);
}

await runCli(program, process.argv);
