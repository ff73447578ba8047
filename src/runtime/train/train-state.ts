/**
 * What a training run needs to continue exactly where it stopped: the time
 * (epoch, step), weights, BN running statistics, momentum buffers and the
 * metrics so far. Data order, augmentation and PGD starts are pure functions of
 * (job seed, epoch, step), so no RNG state needs saving beyond the time.
 *
 * File: "LTHCKPT1" · uint32 LE header length · JSON header
 * {version, time, metrics, tensors:[{group, name, shape}], sha256} · float32 LE
 * body with the tensors in header order. sha256 covers the body.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { TrainTime } from "../../compiler/config.js";
import { writeFileAtomic } from "../atomic.js";
import type { EpochMetric } from "../job-api.js";
import type { Model, ModelParam } from "../models/model.js";
import { tf } from "../tf.js";
import { UserError } from "../user-error.js";

const MAGIC = "LTHCKPT1";

export type Group = "param" | "state" | "momentum";

export interface TrainState {
  time: TrainTime;
  params: Map<string, Float32Array>;
  state: Map<string, Float32Array>;
  /** null: a fresh optimiser (e.g. a dense checkpoint used only for its weights). */
  momentum: Map<string, Float32Array> | null;
  metrics: EpochMetric[];
}

interface Header {
  version: 1;
  time: TrainTime;
  metrics: EpochMetric[];
  tensors: { group: Group; name: string; shape: number[] }[];
  sha256: string;
}

async function values(list: readonly ModelParam[]): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const p of list) out.set(p.name, Float32Array.from((await p.variable.data()) as Float32Array));
  return out;
}

export async function captureModel(model: Model): Promise<Pick<TrainState, "params" | "state">> {
  return { params: await values(model.params), state: await values(model.state) };
}

/** Assign saved weights and statistics to the model; shapes and names must match. */
export function restoreModel(model: Model, saved: Pick<TrainState, "params" | "state">, source: string): void {
  const assign = (list: readonly ModelParam[], from: Map<string, Float32Array>) => {
    for (const p of list) {
      const v = from.get(p.name);
      if (v === undefined || v.length !== p.variable.size) {
        throw new UserError(
          `checkpoint ${source} does not match model ${model.description} at ${p.name}`,
          "the checkpoint was written for a different model; delete the job's directory to recompute it",
        );
      }
      tf.tidy(() => p.variable.assign(tf.tensor(v, p.variable.shape)));
    }
  };
  assign(model.params, saved.params);
  assign(model.state, saved.state);
}

export function encodeTrainState(s: TrainState, shapes: Map<string, number[]>): Uint8Array {
  const tensors: Header["tensors"] = [];
  const chunks: Float32Array[] = [];
  const add = (group: Group, m: Map<string, Float32Array> | null) => {
    if (m === null) return;
    for (const [name, v] of m) {
      tensors.push({ group, name, shape: shapes.get(name) ?? [v.length] });
      chunks.push(v);
    }
  };
  add("param", s.params);
  add("state", s.state);
  add("momentum", s.momentum);
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const body = new Float32Array(total);
  let off = 0;
  for (const c of chunks) {
    body.set(c, off);
    off += c.length;
  }
  const bodyBytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const header: Header = {
    version: 1,
    time: s.time,
    metrics: s.metrics,
    tensors,
    sha256: createHash("sha256").update(bodyBytes).digest("hex"),
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  return Buffer.concat([Buffer.from(MAGIC, "ascii"), len, json, bodyBytes]);
}

export function decodeTrainState(bytes: Uint8Array, source: string): TrainState {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (why: string) =>
    new UserError(`corrupt checkpoint ${source}: ${why}`, "delete it; the job restarts from its previous checkpoint");
  if (buf.length < 12 || buf.toString("ascii", 0, 8) !== MAGIC) throw corrupt("bad magic");
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw corrupt("truncated header");
  let header: Header;
  try {
    header = JSON.parse(buf.toString("utf8", 12, 12 + hlen)) as Header;
  } catch {
    throw corrupt("unreadable header");
  }
  const bodyBytes = buf.subarray(12 + hlen);
  if (createHash("sha256").update(bodyBytes).digest("hex") !== header.sha256) throw corrupt("checksum mismatch");
  // Copy: the body may not be 4-byte aligned inside the file buffer.
  const body = new Float32Array(new Uint8Array(bodyBytes).buffer);
  const out: TrainState = {
    time: header.time,
    params: new Map(),
    state: new Map(),
    momentum: null,
    metrics: header.metrics,
  };
  let off = 0;
  for (const t of header.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (off + n > body.length) throw corrupt("truncated body");
    const v = body.slice(off, off + n);
    off += n;
    if (t.group === "momentum") {
      out.momentum ??= new Map();
      out.momentum.set(t.name, v);
    } else out[t.group === "param" ? "params" : "state"].set(t.name, v);
  }
  if (off !== body.length) throw corrupt("trailing bytes");
  return out;
}

export function modelShapes(model: Model): Map<string, number[]> {
  return new Map([...model.params, ...model.state].map((p) => [p.name, [...p.variable.shape]]));
}

export async function writeTrainState(path: string, s: TrainState, model: Model): Promise<void> {
  await writeFileAtomic(path, encodeTrainState(s, modelShapes(model)));
}

/** The saved state, or null when the file does not exist. */
export async function readTrainState(path: string): Promise<TrainState | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  return decodeTrainState(bytes, path);
}
