/**
 * `lthc data get`: fetch a dataset's official archive, check the checksum its publisher
 * gives, and unpack it where lthc looks (the data home, or --dir), as torchvision's
 * `download=True` does. MD5s: the CIFAR-10 page (https://www.cs.toronto.edu/~kriz/cifar.html)
 * publishes the archive's; MNIST's and Fashion-MNIST's are those torchvision and the
 * Fashion-MNIST repository (README, "Get the Data") publish for each file.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { extract } from "tar";
import type { DatasetName } from "../../core/config.js";
import { UserError } from "../../core/user-error.js";
import { datasetSubdir, missingFiles } from "./locate.js";

export type Downloadable = Exclude<DatasetName, "synthetic">;

export interface ArchiveFile {
  /** File name on the host, appended to the base URL. */
  name: string;
  /** Published MD5 of the file, lowercase hex. */
  md5: string;
}

export interface DatasetSource {
  /** Official host; `--base-url` replaces it (a mirror, or a local server in tests). */
  baseUrl: string;
  files: ArchiveFile[];
  /** "tar.gz": one archive unpacked under the target directory; "files": stored as they are (.gz idx files). */
  format: "tar.gz" | "files";
}

export const SOURCES: Record<Downloadable, DatasetSource> = {
  cifar10: {
    baseUrl: "https://www.cs.toronto.edu/~kriz/",
    files: [{ name: "cifar-10-binary.tar.gz", md5: "c32a1d4ab5d03f1284b67883e8d87530" }],
    format: "tar.gz",
  },
  mnist: {
    // The original host (yann.lecun.com/exdb/mnist/) now refuses scripted downloads; this is
    // the mirror torchvision uses, serving the same files (same MD5s).
    baseUrl: "https://ossci-datasets.s3.amazonaws.com/mnist/",
    files: [
      { name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873" },
      { name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432" },
      { name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3" },
      { name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c" },
    ],
    format: "files",
  },
  "fashion-mnist": {
    baseUrl: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    files: [
      { name: "train-images-idx3-ubyte.gz", md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d" },
      { name: "train-labels-idx1-ubyte.gz", md5: "25c81989df183df01b3e8a0aad5dffbe" },
      { name: "t10k-images-idx3-ubyte.gz", md5: "bef4ecab320f06d8554ea6380940ec79" },
      { name: "t10k-labels-idx1-ubyte.gz", md5: "bb300cfdad3c16e7a12a480ee83cd310" },
    ],
    format: "files",
  },
};

export interface GetOptions {
  /** Directory laid out like --data-dir; the dataset goes to <dir>/<subdir>. */
  dir: string;
  /** Replaces the official host; must end the way file names can be appended ("/" added if missing). */
  baseUrl?: string;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
  /** The source table; tests give archives of their own making. Default: SOURCES. */
  sources?: Record<Downloadable, DatasetSource>;
}

export interface GetResult {
  name: Downloadable;
  /** Where the dataset's files are now: what lthc finds. */
  path: string;
  /** Each file fetched with its verified MD5. */
  verified: { url: string; md5: string; bytes: number }[];
  /** True when the files were already there and nothing was fetched. */
  alreadyThere: boolean;
}

function fileUrl(base: string, name: string): string {
  return `${base.endsWith("/") ? base : `${base}/`}${name}`;
}

/** Streams `url` to `path`, returning its MD5 and size. Network and HTTP failures are user errors. */
async function download(url: string, path: string): Promise<{ md5: string; bytes: number }> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    throw new UserError(
      `cannot fetch ${url}: ${cause}`,
      "check the network, or fetch the files elsewhere and give `lthc data get --base-url` a mirror (or put them in place, see docs/datasets.md)",
    );
  }
  if (!response.ok || response.body === null) {
    throw new UserError(
      `cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`,
      "try --base-url with a mirror",
    );
  }
  const hash = createHash("md5");
  let bytes = 0;
  const body = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  await pipeline(body, createWriteStream(path));
  return { md5: hash.digest("hex"), bytes };
}

/**
 * Fetches, verifies and unpacks one dataset into `options.dir`. Files go to a temporary
 * directory beside the target and are moved into place only after every checksum matched, so
 * a failed or interrupted download never leaves a half dataset where lthc looks.
 * Throws UserError on a network failure or a checksum mismatch.
 */
export async function getDataset(name: Downloadable, options: GetOptions): Promise<GetResult> {
  const source = (options.sources ?? SOURCES)[name];
  const base = options.baseUrl ?? source.baseUrl;
  const target = join(options.dir, datasetSubdir(name));
  const log = options.log ?? (() => {});
  if ((await exists(target)) && missingFiles(name, target).length === 0) {
    return { name, path: target, verified: [], alreadyThere: true };
  }
  await mkdir(options.dir, { recursive: true });
  const work = await mkdtemp(join(options.dir, `.lthc-get-${name}-`));
  try {
    const verified: GetResult["verified"] = [];
    for (const file of source.files) {
      const url = fileUrl(base, file.name);
      log(`fetching ${url}`);
      const got = await download(url, join(work, file.name));
      if (got.md5 !== file.md5) {
        throw new UserError(
          `checksum mismatch for ${url}: MD5 ${got.md5}, the published one is ${file.md5} (${got.bytes} bytes received)`,
          "the file is damaged or not the official one; nothing was unpacked. Try again, or another --base-url",
        );
      }
      log(`verified MD5 ${got.md5} (${got.bytes} bytes)`);
      verified.push({ url, md5: got.md5, bytes: got.bytes });
    }
    const staged = join(work, "unpacked");
    await mkdir(staged);
    if (source.format === "tar.gz") {
      // The archive holds cifar-10-batches-bin/…; tar refuses absolute paths and "..".
      await extract({ file: join(work, source.files[0].name), cwd: staged });
    } else {
      await mkdir(join(staged, datasetSubdir(name)));
      for (const file of source.files)
        await rename(join(work, file.name), join(staged, datasetSubdir(name), file.name));
    }
    const unpacked = join(staged, datasetSubdir(name));
    const missing = (await exists(unpacked)) ? missingFiles(name, unpacked) : ["the whole directory"];
    if (missing.length > 0) {
      throw new UserError(
        `the archive for ${name} does not hold ${datasetSubdir(name)}/ as expected (missing ${missing.join(", ")})`,
        "it is not the official archive; try another --base-url",
      );
    }
    await rm(target, { recursive: true, force: true });
    await rename(unpacked, target);
    return { name, path: target, verified, alreadyThere: false };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
