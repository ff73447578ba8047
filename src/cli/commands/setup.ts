/**
 * `lthc setup native` / `lthc setup gpu`: build the native TensorFlow backend from
 * the TensorFlow wheel pip provides (see src/runtime/setup/native.ts).
 */
import type { Command } from "commander";
import { defaultCacheRoot, setupNative } from "../../runtime/setup/native.js";
import type { NativeVariant } from "../../runtime/setup/variants.js";

interface SetupOptions {
  cacheDir?: string;
  wheelDir?: string;
  force?: boolean;
  json?: boolean;
}

async function runSetup(variant: NativeVariant, options: SetupOptions): Promise<void> {
  const start = performance.now();
  const log = options.json ? () => {} : (line: string) => process.stdout.write(`${line}\n`);
  const result = await setupNative({
    variant,
    cacheRoot: options.cacheDir,
    wheelDir: options.wheelDir,
    force: options.force,
    log: (line) => {
      if (!line.endsWith(" …")) log(line);
    },
  });
  const seconds = (performance.now() - start) / 1000;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...result, seconds }, null, 2)}\n`);
    return;
  }
  const r = result.record;
  log(
    `\n${r.package}@${r.packageVersion} runs on libtensorflow ${r.tensorflowVersion} (from ${r.wheels.map((w) => w.file).join(", ")}) — set up in ${seconds.toFixed(1)} s.`,
  );
  log(
    `lthc run now picks it by default; lthc doctor shows it. After npm ci, run lthc setup ${variant === "cpu" ? "native" : "gpu"} again (seconds: it is cached).`,
  );
}

export function registerSetup(program: Command): void {
  const setup = program
    .command("setup")
    .description("Set up an optional component: the native TensorFlow backend (native) or its CUDA 12 build (gpu)");
  const common = (cmd: Command) =>
    cmd
      .option("--cache-dir <dir>", `where built libraries are kept, shared by clones (default: ${defaultCacheRoot()})`)
      .option("--wheel-dir <dir>", "take the wheels from this directory instead of asking pip")
      .option("--force", "rebuild the libraries and the binding even when cached")
      .option("--json", "print one JSON object");
  common(
    setup
      .command("native")
      .description(
        "tfjs-node on libtensorflow from the tensorflow-cpu 2.21.0 wheel (needs pip, python3, a C++ compiler, make)",
      ),
  ).action((options: SetupOptions) => runSetup("cpu", options));
  common(
    setup
      .command("gpu")
      .description(
        "tfjs-node-gpu on the tensorflow 2.21.0 wheel with CUDA 12 / cuDNN 9 from nvidia-*-cu12 wheels (needs an NVIDIA driver)",
      ),
  ).action((options: SetupOptions) => runSetup("gpu", options));
}
