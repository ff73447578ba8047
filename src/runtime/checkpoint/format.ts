/**
 * The checkpoint file format (docs/checkpoints.md):
 *
 *   "LTHCKPT1"            8 bytes, ASCII magic
 *   H                     uint32 little-endian: byte length of the header
 *   header                H bytes of UTF-8 JSON (space-padded so the data starts at a multiple of 8)
 *   data                  every tensor's float32 values, little-endian, in header order
 *   sha256                32 bytes: SHA-256 of everything before it
 */
import { createHash } from "node:crypto";
import { endianness } from "node:os";
import type { TrainTime } from "../../core/config.js";
import { UserError } from "../../core/user-error.js";
import { DamagedFile } from "../damaged-file.js";
import type { RngState } from "../rng.js";

export const CHECKPOINT_MAGIC = "LTHCKPT1";
export const CHECKPOINT_FORMAT = 1;
const PREFIX = 12;
const DIGEST = 32;

export type TensorGroup = "param" | "state" | "optimizer";

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface CheckpointContents {
  jobId: string;
  /** The model's description (e.g. "resnet-20 (32x32x3 -> 10)"). */
  model: string;
  /** Training time the weights are at. */
  time: TrainTime;
  params: NamedArray[];
  state: NamedArray[];
  /** Optimiser slots, e.g. momentum buffers, named by the optimiser ("momentum/<param>"). */
  optimizer: NamedArray[];
  /** Named RNG streams' states, restored on resume. */
  rng: Record<string, RngState>;
  /** Anything else JSON-serialisable the runner wants back (elapsed seconds, lr, ...). */
  meta: Record<string, unknown>;
}

export interface TensorEntry {
  name: string;
  group: TensorGroup;
  shape: number[];
  dtype: "float32";
  /** Byte offset from the start of the data section. */
  offset: number;
  /** Number of values. */
  length: number;
}

export interface CheckpointHeader {
  format: number;
  jobId: string;
  model: string;
  time: TrainTime;
  tensors: TensorEntry[];
  rng: Record<string, RngState>;
  meta: Record<string, unknown>;
  savedAt: string;
}

const GROUPS: [TensorGroup, keyof Pick<CheckpointContents, "params" | "state" | "optimizer">][] = [
  ["param", "params"],
  ["state", "state"],
  ["optimizer", "optimizer"],
];

export function encodeCheckpoint(c: CheckpointContents, savedAt = new Date()): Uint8Array {
  // Float32Array bytes are written as they lie in memory, which the format requires to be little-endian.
  if (endianness() !== "LE") throw new Error("checkpoints can only be written on little-endian machines");
  const tensors: TensorEntry[] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  for (const [group, key] of GROUPS) {
    for (const t of c[key]) {
      const length = t.shape.reduce((a, b) => a * b, 1);
      if (length !== t.data.length) {
        throw new Error(`checkpoint tensor ${t.name}: shape [${t.shape}] needs ${length} values, got ${t.data.length}`);
      }
      tensors.push({ name: t.name, group, shape: [...t.shape], dtype: "float32", offset, length });
      arrays.push(t.data);
      offset += length * 4;
    }
  }
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    jobId: c.jobId,
    model: c.model,
    time: c.time,
    tensors,
    rng: c.rng,
    meta: c.meta,
    savedAt: savedAt.toISOString(),
  };
  let json = Buffer.from(JSON.stringify(header), "utf8");
  const pad = (8 - ((PREFIX + json.length) % 8)) % 8;
  json = Buffer.concat([json, Buffer.alloc(pad, 0x20)]);
  const out = Buffer.alloc(PREFIX + json.length + offset + DIGEST);
  out.write(CHECKPOINT_MAGIC, 0, "ascii");
  out.writeUInt32LE(json.length, 8);
  json.copy(out, PREFIX);
  let at = PREFIX + json.length;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  createHash("sha256").update(out.subarray(0, at)).digest().copy(out, at);
  return out;
}

function corrupt(path: string, why: string): DamagedFile {
  return new DamagedFile(
    `corrupt checkpoint ${path} (${why})`,
    path,
    "delete it to retrain from the previous checkpoint or from scratch",
  );
}

export function decodeCheckpoint(bytes: Uint8Array, path: string): CheckpointContents & { savedAt: string } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < CHECKPOINT_MAGIC.length || buf.toString("ascii", 0, 8) !== CHECKPOINT_MAGIC) {
    throw new DamagedFile(`${path} is not an lthc checkpoint (bad magic, expected "${CHECKPOINT_MAGIC}")`, path);
  }
  if (buf.length < PREFIX + DIGEST) throw corrupt(path, "truncated");
  const body = buf.subarray(0, buf.length - DIGEST);
  const digest = createHash("sha256").update(body).digest();
  if (!digest.equals(buf.subarray(buf.length - DIGEST))) throw corrupt(path, "checksum mismatch");
  const headerLength = buf.readUInt32LE(8);
  if (PREFIX + headerLength > body.length) throw corrupt(path, "header runs past the end");
  let header: CheckpointHeader;
  try {
    header = JSON.parse(buf.toString("utf8", PREFIX, PREFIX + headerLength)) as CheckpointHeader;
  } catch {
    throw corrupt(path, "unreadable header");
  }
  if (header.format !== CHECKPOINT_FORMAT) {
    throw new UserError(`checkpoint ${path} has format ${header.format}; this lthc reads format ${CHECKPOINT_FORMAT}`);
  }
  const dataStart = PREFIX + headerLength;
  const out: CheckpointContents & { savedAt: string } = {
    jobId: header.jobId,
    model: header.model,
    time: header.time,
    params: [],
    state: [],
    optimizer: [],
    rng: header.rng,
    meta: header.meta,
    savedAt: header.savedAt,
  };
  for (const t of header.tensors) {
    const start = dataStart + t.offset;
    const end = start + t.length * 4;
    if (end > body.length) throw corrupt(path, `tensor ${t.name} runs past the end`);
    // A copy: the file buffer's offset need not be 4-byte aligned.
    const data = new Float32Array(t.length);
    new Uint8Array(data.buffer).set(body.subarray(start, end));
    const key = GROUPS.find(([g]) => g === t.group)?.[1];
    if (key === undefined) throw corrupt(path, `tensor ${t.name} has unknown group ${t.group}`);
    out[key].push({ name: t.name, shape: t.shape, data });
  }
  return out;
}
