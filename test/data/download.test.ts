/**
 * Fault 12 of issue 11: `lthc data get` fetches the official archive, checks the published
 * checksum and unpacks it where lthc looks. The host is a local HTTP server (127.0.0.1 only)
 * serving archives made here in the official formats: these machines cannot reach the real one.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { create } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/core/user-error.js";
import { type DatasetSource, getDataset, SOURCES } from "../../src/runtime/data/download.js";
import { loadFullDataset } from "../../src/runtime/data/load.js";
import { locateDataset } from "../../src/runtime/data/locate.js";
import { tempDir, writeCifarDataset, writeIdxDataset } from "./fixtures.js";

let served: string;
let server: Server;
let baseUrl: string;
let requests: string[] = [];

const md5 = (file: string) => createHash("md5").update(readFileSync(file)).digest("hex");

beforeAll(async () => {
  served = tempDir();
  // CIFAR-10's archive: cifar-10-batches-bin/ with the six batches (2 records each) and the meta file.
  const build = tempDir();
  writeCifarDataset(join(build, "cifar-10-batches-bin"), 2);
  await create({ gzip: true, file: join(served, "cifar-10-binary.tar.gz"), cwd: build }, ["cifar-10-batches-bin"]);
  // Fashion-MNIST's four gzipped idx files.
  writeIdxDataset(served, 6, 3, true);
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const file = join(served, (req.url ?? "/").slice(1));
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((ok) => server.close(ok));
});

/** The official source table with this server's files' MD5s standing in for the published ones. */
function localSources(): Record<keyof typeof SOURCES, DatasetSource> {
  const withLocal = (s: DatasetSource): DatasetSource => ({
    ...s,
    files: s.files.map((f) => ({ ...f, md5: md5(join(served, f.name)) })),
  });
  return {
    cifar10: withLocal(SOURCES.cifar10),
    mnist: withLocal(SOURCES.mnist),
    "fashion-mnist": withLocal(SOURCES["fashion-mnist"]),
  };
}

describe("lthc data get", () => {
  it("fetches CIFAR-10, verifies it, unpacks it where lthc looks, and lthc loads it", async () => {
    const home = tempDir();
    requests = [];
    const result = await getDataset("cifar10", { dir: home, baseUrl, sources: localSources() });
    expect(requests).toEqual(["/cifar-10-binary.tar.gz"]);
    expect(result.path).toBe(join(home, "cifar-10-batches-bin"));
    expect(result.verified).toHaveLength(1);
    const found = locateDataset("cifar10", { env: { LTHC_DATA_HOME: home } });
    expect(found).toMatchObject({ found: true, source: "downloaded", dir: join(home, "cifar-10-batches-bin") });
    const ds = await loadFullDataset("cifar10", { env: { LTHC_DATA_HOME: home } });
    expect([ds.train.count, ds.test.count]).toEqual([10, 2]);
    // A second call finds it there and fetches nothing.
    requests = [];
    expect((await getDataset("cifar10", { dir: home, baseUrl, sources: localSources() })).alreadyThere).toBe(true);
    expect(requests).toEqual([]);
  });

  it("fetches the four Fashion-MNIST files into <dir>/fashion-mnist", async () => {
    const home = tempDir();
    const result = await getDataset("fashion-mnist", { dir: home, baseUrl, sources: localSources() });
    expect(readdirSync(result.path).sort()).toEqual(SOURCES["fashion-mnist"].files.map((f) => f.name).sort());
    const ds = await loadFullDataset("fashion-mnist", { env: { LTHC_DATA_HOME: home }, systemDir: "/nonexistent" });
    expect([ds.train.count, ds.test.count]).toEqual([6, 3]);
  });

  it("refuses a file whose MD5 is not the published one, and leaves nothing behind", async () => {
    const home = tempDir();
    // Official table: the published MD5 of the real archive, which this server's archive is not.
    const error = await getDataset("cifar10", { dir: home, baseUrl }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(
      /^checksum mismatch for http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz: MD5 [0-9a-f]{32}, the published one is c32a1d4ab5d03f1284b67883e8d87530/,
    );
    expect(readdirSync(home)).toEqual([]);
  });

  it("says which file could not be fetched", async () => {
    const error = await getDataset("mnist", { dir: tempDir(), baseUrl: `${baseUrl}missing/` }).catch((e: unknown) => e);
    expect((error as UserError).message).toMatch(/^cannot fetch .*missing\/train-images-idx3-ubyte\.gz: HTTP 404/);
  });

  it("from the CLI: fetches from --base-url, checks the published checksum, exits 1 without a stack trace", async () => {
    const home = tempDir();
    // Asynchronously: this process serves the files, so it must not block while the CLI fetches.
    const result = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const args = [join(process.cwd(), "bin/lthc.js"), "data", "get", "cifar10", "--base-url", baseUrl, "--dir", home];
      const child = execFile("node", args, { encoding: "utf8" }, (_error, _stdout, stderr) =>
        done({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`fetching ${baseUrl}cifar-10-binary.tar.gz`);
    expect(result.stderr).toContain("error: checksum mismatch");
    expect(result.stderr).not.toContain("    at ");
  });
});
