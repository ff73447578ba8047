/**
 * mask.bin: "LTHMASK1" (8 bytes) · uint32 LE header length · UTF-8 JSON header
 * {version:1, density, layers:[{name, shape}], sha256} · one byte (0/1) per
 * weight, layers concatenated in header order. sha256 is over the body bytes.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { UserError } from "../../core/user-error.js";
import { writeFileAtomic } from "../atomic.js";
import { DamagedFile } from "../damaged-file.js";
import { achievedDensity, type Mask } from "./mask.js";

const MAGIC = "LTHMASK1";

interface Header {
  version: 1;
  density: number;
  layers: { name: string; shape: number[] }[];
  sha256: string;
}

export function encodeMask(mask: Mask): Uint8Array {
  const total = mask.layers.reduce((a, l) => a + l.keep.length, 0);
  const body = new Uint8Array(total);
  let off = 0;
  for (const l of mask.layers) {
    body.set(l.keep, off);
    off += l.keep.length;
  }
  const header: Header = {
    version: 1,
    density: achievedDensity(mask),
    layers: mask.layers.map((l) => ({ name: l.name, shape: l.shape })),
    sha256: createHash("sha256").update(body).digest("hex"),
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  return Buffer.concat([Buffer.from(MAGIC, "ascii"), len, json, body]);
}

export function decodeMask(bytes: Uint8Array, source = "mask"): Mask {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (why: string) =>
    new DamagedFile(
      `corrupt mask file ${source}: ${why}`,
      source,
      "delete the mask job's directory so lthc recomputes it",
    );
  if (buf.length < 12 || buf.toString("ascii", 0, 8) !== MAGIC) throw corrupt("bad magic");
  const hlen = buf.readUInt32LE(8);
  if (12 + hlen > buf.length) throw corrupt("truncated header");
  let header: Header;
  try {
    header = JSON.parse(buf.toString("utf8", 12, 12 + hlen)) as Header;
  } catch {
    throw corrupt("unreadable header");
  }
  const body = buf.subarray(12 + hlen);
  if (createHash("sha256").update(body).digest("hex") !== header.sha256) throw corrupt("checksum mismatch");
  const layers = [];
  let off = 0;
  for (const l of header.layers) {
    const n = l.shape.reduce((a, b) => a * b, 1);
    if (off + n > body.length) throw corrupt("truncated body");
    layers.push({ name: l.name, shape: l.shape, keep: new Uint8Array(body.subarray(off, off + n)) });
    off += n;
  }
  if (off !== body.length) throw corrupt("trailing bytes");
  return { layers };
}

export async function writeMask(path: string, mask: Mask): Promise<void> {
  await writeFileAtomic(path, encodeMask(mask));
}

export async function readMask(path: string): Promise<Mask> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new UserError(`mask file not found: ${path}`, "run the mask job that produces it first");
  }
  return decodeMask(bytes, path);
}
