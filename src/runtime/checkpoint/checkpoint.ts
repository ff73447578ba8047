/** Saving and loading checkpoints, and moving weights between a checkpoint and a Model. */
import { readFile } from "node:fs/promises";
import { UserError } from "../../core/user-error.js";
import { writeFileAtomic } from "../atomic.js";
import type { Model, ModelParam } from "../models/model.js";
import { tf } from "../tf.js";
import { type CheckpointContents, decodeCheckpoint, encodeCheckpoint, type NamedArray } from "./format.js";

export interface TensorShape {
  name: string;
  shape: number[];
}

/** What a checkpoint must contain to be loaded into a given model. */
export interface CheckpointExpectation {
  model?: string;
  params?: TensorShape[];
  state?: TensorShape[];
}

/** Write atomically: a crash mid-write leaves the previous file, never a torn one. */
export async function saveCheckpoint(path: string, contents: CheckpointContents): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(contents));
}

/** Read and validate a checkpoint; any problem is one UserError naming the file. */
export async function loadCheckpoint(
  path: string,
  expected?: CheckpointExpectation,
): Promise<CheckpointContents & { savedAt: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new UserError(`cannot read checkpoint ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const ckpt = decodeCheckpoint(bytes, path);
  if (expected !== undefined) checkMatches(ckpt, expected, path);
  return ckpt;
}

function compare(kind: string, found: TensorShape[], want: TensorShape[]): string | null {
  const byName = new Map(found.map((t) => [t.name, t]));
  for (const w of want) {
    const f = byName.get(w.name);
    if (f === undefined) return `${kind} ${w.name} is missing from the checkpoint`;
    if (f.shape.join(",") !== w.shape.join(",")) {
      return `${kind} ${w.name} has shape [${f.shape}] in the checkpoint but [${w.shape}] in the model`;
    }
  }
  if (found.length !== want.length) {
    const extra = found.find((f) => !want.some((w) => w.name === f.name));
    return `the checkpoint has ${found.length} ${kind}s, the model ${want.length}${extra ? ` (e.g. ${extra.name} is not in the model)` : ""}`;
  }
  return null;
}

export function checkMatches(ckpt: CheckpointContents, expected: CheckpointExpectation, path: string): void {
  const problems: string[] = [];
  if (expected.model !== undefined && expected.model !== ckpt.model) {
    problems.push(`it holds ${ckpt.model}, expected ${expected.model}`);
  }
  if (expected.params) problems.push(compare("parameter", ckpt.params, expected.params) ?? "");
  if (expected.state) problems.push(compare("state tensor", ckpt.state, expected.state) ?? "");
  const real = problems.filter((p) => p !== "");
  if (real.length > 0) {
    throw new UserError(
      `checkpoint ${path} is for a different model: ${real.join("; ")}`,
      "the run store may hold results of an older lthc or another spec; remove that job's directory to retrain it",
    );
  }
}

/** The names and shapes a checkpoint must have for this model. */
export function expectationFor(model: Model): CheckpointExpectation {
  const shapes = (list: ModelParam[]) => list.map((p) => ({ name: p.name, shape: [...p.variable.shape] }));
  return { model: model.description, params: shapes(model.params), state: shapes(model.state) };
}

async function readAll(list: ModelParam[]): Promise<NamedArray[]> {
  return Promise.all(
    list.map(async (p) => ({
      name: p.name,
      shape: [...p.variable.shape],
      data: (await p.variable.data()) as Float32Array,
    })),
  );
}

/** The model's parameters and BN state as plain arrays, ready for saveCheckpoint. */
export async function readModelWeights(model: Model): Promise<{ params: NamedArray[]; state: NamedArray[] }> {
  return { params: await readAll(model.params), state: await readAll(model.state) };
}

/**
 * Assign a checkpoint's parameters (and BN state, unless `paramsOnly`) to the
 * model, after checking that it is for this model.
 */
export function restoreModelWeights(
  model: Model,
  ckpt: CheckpointContents,
  path: string,
  options: { paramsOnly?: boolean } = {},
): void {
  const expected = expectationFor(model);
  checkMatches(ckpt, options.paramsOnly ? { ...expected, state: undefined } : expected, path);
  const assign = (list: ModelParam[], from: NamedArray[]) => {
    const byName = new Map(from.map((t) => [t.name, t]));
    for (const p of list) {
      const value = tf.tensor((byName.get(p.name) as NamedArray).data, p.variable.shape, "float32");
      p.variable.assign(value);
      value.dispose();
    }
  };
  assign(model.params, ckpt.params);
  if (!options.paramsOnly) assign(model.state, ckpt.state);
}
