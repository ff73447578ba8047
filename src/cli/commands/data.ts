/** `lthc data get NAME`: fetch a dataset's official archive, verify its checksum, unpack it where lthc looks. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../core/user-error.js";
import { type Downloadable, getDataset, SOURCES } from "../../runtime/data/download.js";
import { dataHome } from "../../runtime/data/locate.js";

interface GetOptions {
  dir?: string;
  baseUrl?: string;
}

function parseName(name: string): Downloadable {
  if (name in SOURCES) return name as Downloadable;
  throw new UserError(
    `lthc data get knows no dataset '${name}'`,
    `one of: ${Object.keys(SOURCES).join(", ")} (synthetic needs no files)`,
  );
}

export async function dataGetCommand(name: string, options: GetOptions): Promise<void> {
  const dataset = parseName(name);
  const dir = options.dir ? resolve(options.dir) : dataHome();
  if (dir === null) {
    throw new UserError("no data home: neither $LTHC_DATA_HOME, $XDG_DATA_HOME nor $HOME is set", "pass --dir DIR");
  }
  const result = await getDataset(dataset, {
    dir,
    baseUrl: options.baseUrl,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const where = options.dir
    ? `pass --data-dir ${options.dir} (or set LTHC_DATA_DIR=${dir}) and lthc finds it`
    : "lthc looks there by default";
  process.stdout.write(
    result.alreadyThere
      ? `${dataset}: already in ${result.path}; nothing fetched (${where})\n`
      : `${dataset}: ${result.verified.length} file(s) verified against the published MD5, unpacked to ${result.path} (${where})\n`,
  );
}

export function registerData(program: Command): void {
  const data = program.command("data").description("Datasets: fetch the official files to where lthc looks");
  data
    .command("get")
    .description("Fetch a dataset's official archive, check its published checksum and unpack it where lthc looks")
    .argument("<name>", `dataset: ${Object.keys(SOURCES).join(", ")}`)
    .option(
      "--dir <dir>",
      "unpack under this directory, laid out like --data-dir (default: the data home, see docs/datasets.md)",
    )
    .option("--base-url <url>", "fetch from this URL instead of the official host (a mirror)")
    .action(async (name: string, options: GetOptions) => dataGetCommand(name, options));
}
