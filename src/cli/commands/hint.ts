/**
 * Commands that lthc's messages tell the user to type. They carry the options that
 * decide which run they act on (--store when not the default, --data-dir, --on slurm),
 * so that copying one acts on the same run, not on the default store.
 */
import { resolve } from "node:path";
import { DEFAULT_STORE } from "../../runtime/store/layout.js";
import { shownPath } from "./load-plan.js";

export interface HintOptions {
  /** --store as given (the default is left out). */
  store: string;
  /** --data-dir as given. */
  dataDir?: string;
  /** The run went to Slurm: `lthc run` gets --on slurm. */
  slurm?: boolean;
}

/** A shell word: quoted when it holds anything a shell would split or expand. */
function word(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * `lthc <verb> FILE …` with the options of the run it is about. Only `run` takes
 * --data-dir and --on; every verb takes --store. `extra` is appended as is.
 */
export function lthcHint(
  verb: "run" | "status" | "cancel" | "results" | "report",
  file: string,
  options: HintOptions,
  extra: readonly string[] = [],
): string {
  const args = ["lthc", verb, file];
  if (verb === "run" && options.slurm) args.push("--on", "slurm");
  if (resolve(options.store) !== resolve(DEFAULT_STORE)) args.push("--store", shownPath(resolve(options.store)));
  if (verb === "run" && options.dataDir !== undefined) args.push("--data-dir", shownPath(resolve(options.dataDir)));
  args.push(...extra);
  return `\`${args.map(word).join(" ")}\``;
}
