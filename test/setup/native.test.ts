import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/core/user-error.js";
import { cudaVersions, gpuWorkerEnv, listGpus, selectGpus } from "../../src/runtime/setup/gpu.js";
import { nativeProcessEnv, type SetupRecord } from "../../src/runtime/setup/installed.js";
import {
  type Exec,
  ensureLibraries,
  installBinding,
  pipDownloadArgs,
  requireCompiler,
  setupNative,
  wheelFor,
} from "../../src/runtime/setup/native.js";
import { CUDA12_WHEELS, VARIANTS } from "../../src/runtime/setup/variants.js";

const realExec: Exec = (command, args, options = {}) => spawnSync(command, args, { encoding: "utf8", ...options });
/** The real programs, except `strip`, which the fake (text) libraries would make fail. */
const noStrip: Exec = (command, args, options) =>
  command === "strip"
    ? ({ error: new Error("spawnSync strip ENOENT"), status: null, stdout: "", stderr: "" } as ReturnType<Exec>)
    : realExec(command, args, options);

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "lthc-setup-"));
}

/** A wheel (a zip) holding `files`, made with Python's zipfile as pip's would be. */
function makeWheel(dir: string, name: string, files: string[]): string {
  const path = join(dir, name);
  const script =
    "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    for f in sys.argv[2:]: z.writestr(f, 'fake ' + f)";
  const r = spawnSync("python3", ["-c", script, path, ...files], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return path;
}

const TF_FILES = [
  "tensorflow/libtensorflow_cc.so.2",
  "tensorflow/libtensorflow_framework.so.2",
  "tensorflow/include/tensorflow/c/c_api.h",
  "tensorflow/include/tensorflow/c/eager/c_api.h",
  "tensorflow/include/tsl/platform/ctstring.h",
  "tensorflow/include/xla/tsl/c/tsl_status.h",
  "tensorflow/include/tensorflow/core/framework/tensor.h",
  "tensorflow/python/_pywrap_tensorflow_internal.so",
];

/** A GPU wheel directory: tensorflow 2.21.0 and one wheel per nvidia-*-cu12 requirement. */
function fakeGpuWheels(): string {
  const dir = tmp();
  makeWheel(dir, "tensorflow-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl", TF_FILES);
  for (const pin of CUDA12_WHEELS) {
    const name = pin.requirement.match(/^[\w-]+/)?.[0] ?? "";
    const pkg = name
      .replace(/^nvidia-/, "")
      .replace(/-cu12$/, "")
      .replace(/-/g, "_");
    const version = pin.requirement.match(/>=([\d.]+)/)?.[1];
    makeWheel(dir, `${name.replace(/-/g, "_")}-${version}-py3-none-manylinux_2_27_x86_64.whl`, [
      `nvidia/${pkg}/lib/lib${pkg}.so.12`,
      `nvidia/${pkg}/include/${pkg}.h`,
    ]);
  }
  return dir;
}

describe("pip download arguments", () => {
  it("pin the wheel, skip its Python dependencies, and give up on an unreachable index quickly", () => {
    const args = pipDownloadArgs(["tensorflow-cpu==2.21.0"], "/d");
    expect(args.slice(0, 4)).toEqual(["-m", "pip", "download", "--no-deps"]);
    expect(args).toContain("--only-binary=:all:");
    expect(args[args.indexOf("--python-version") + 1]).toBe("3.11");
    expect(args[args.indexOf("--retries") + 1]).toBe("1");
    expect(Number(args[args.indexOf("--timeout") + 1])).toBeLessThanOrEqual(30);
    expect(args.at(-1)).toBe("tensorflow-cpu==2.21.0");
  });

  it("find the wheel a requirement names", () => {
    const dir = tmp();
    makeWheel(dir, "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl", []);
    makeWheel(dir, "nvidia_cudnn_cu12-9.3.0.75-py3-none-manylinux2014_x86_64.whl", []);
    expect(wheelFor(VARIANTS.cpu.tensorflow, dir)).toMatch(/tensorflow_cpu-2\.21\.0-/);
    expect(wheelFor({ requirement: "tensorflow-cpu==2.20.0", sha256: null }, dir)).toBeNull();
    expect(wheelFor({ requirement: "nvidia-cudnn-cu12>=9.3.0.75,<10.0", sha256: null }, dir)).toMatch(/cudnn/);
  });
});

describe("the GPU libraries (fake wheels)", () => {
  it("go to the cache in the wheels' layout; the CUDA library directories are recorded", async () => {
    const cache = join(tmp(), "tensorflow-2.21.0-cuda12");
    const { manifest } = await ensureLibraries(VARIANTS.gpu, cache, {
      exec: noStrip,
      env: process.env,
      log: () => {},
      wheelDir: fakeGpuWheels(),
      force: false,
    });
    const lib = join(cache, "site", "tensorflow");
    expect(readFileSync(join(lib, "libtensorflow_cc.so.2"), "utf8")).toBe("fake tensorflow/libtensorflow_cc.so.2");
    expect(existsSync(join(lib, "include", "tensorflow", "c", "eager", "c_api.h"))).toBe(true);
    expect(existsSync(join(lib, "include", "xla", "tsl", "c", "tsl_status.h"))).toBe(true);
    // Only what the binding needs: no Python extension, no unrelated header.
    expect(existsSync(join(lib, "python"))).toBe(false);
    expect(existsSync(join(lib, "include", "tensorflow", "core", "framework"))).toBe(false);
    expect(readlinkSync(join(lib, "libtensorflow.so"))).toBe("libtensorflow_cc.so.2");
    expect(readlinkSync(join(lib, "libtensorflow_framework.so"))).toBe("libtensorflow_framework.so.2");
    expect(readlinkSync(join(lib, "libtensorflow.so.2.9.1"))).toBe("libtensorflow_cc.so.2");
    // libtensorflow's rpath looks for CUDA in $ORIGIN/../nvidia/<pkg>/lib: the same layout.
    expect(existsSync(join(cache, "site", "nvidia", "cudnn", "lib", "libcudnn.so.12"))).toBe(true);
    expect(existsSync(join(cache, "site", "nvidia", "cudnn", "include"))).toBe(false);
    expect(manifest.libraryDirs).toHaveLength(CUDA12_WHEELS.length);
    expect(manifest.libraryDirs).toContain(join(cache, "site", "nvidia", "cuda_runtime", "lib"));
    for (const d of manifest.libraryDirs) expect(existsSync(d)).toBe(true);
    expect(manifest.wheels).toHaveLength(1 + CUDA12_WHEELS.length);
    expect(manifest.wheels[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.stripped).toBe(false);
    expect(existsSync(`${cache}.tmp-${process.pid}`)).toBe(false);

    const again = await ensureLibraries(VARIANTS.gpu, cache, {
      exec: () => {
        throw new Error("a cached step must run nothing");
      },
      env: process.env,
      log: () => {},
      force: false,
    });
    expect(again.outcome).toBe("cached");

    const record: SetupRecord = {
      variant: "gpu",
      package: VARIANTS.gpu.package,
      packageVersion: "4.22.0",
      tensorflowVersion: "2.21.0",
      wheels: manifest.wheels,
      cacheDir: cache,
      libraryDirs: manifest.libraryDirs,
      binding: "/x",
      setUpAt: "2026-01-01T00:00:00Z",
    };
    expect(cudaVersions(record)).toEqual({ cuda: "12.5.82", cudnn: "9.3.0.75" });
    const env = nativeProcessEnv({ LD_LIBRARY_PATH: "/usr/local/lib" }, record);
    expect(env.LD_LIBRARY_PATH.split(":")).toEqual([...manifest.libraryDirs, "/usr/local/lib"]);
    expect(env.TF_FORCE_GPU_ALLOW_GROWTH).toBe("true");
    expect(env.TF_CPP_MIN_LOG_LEVEL).toBe("2");
  });

  it("are linked into the package: binding in lib/napi-vN, deps/lib pointing at the cached wheel layout", async () => {
    const cache = join(tmp(), "c");
    await ensureLibraries(VARIANTS.gpu, cache, {
      exec: noStrip,
      env: process.env,
      log: () => {},
      wheelDir: fakeGpuWheels(),
      force: false,
    });
    const pkg = tmp();
    const built = join(tmp(), "tfjs_binding.node");
    writeFileSync(built, "binding");
    const target = installBinding(pkg, cache, built, 8);
    expect(target).toBe(join(pkg, "lib", "napi-v8", "tfjs_binding.node"));
    expect(readFileSync(target, "utf8")).toBe("binding");
    // The binding's rpath is $ORIGIN/../../deps/lib; through the link, ../nvidia is the cached CUDA.
    // (realpath(3) resolves the link before "..", as the kernel does for the dynamic loader; path.join would not.)
    expect(realpathSync.native(`${join(pkg, "deps", "lib")}/../nvidia/cudnn/lib`)).toBe(
      realpathSync(join(cache, "site", "nvidia", "cudnn", "lib")),
    );
  });

  it("a CPU setup leaves the library search path alone", () => {
    const env = nativeProcessEnv({ LD_LIBRARY_PATH: "/a" }, null);
    expect(env.LD_LIBRARY_PATH).toBeUndefined();
    expect(env.TF_FORCE_GPU_ALLOW_GROWTH).toBeUndefined();
    expect(nativeProcessEnv({ TF_CPP_MIN_LOG_LEVEL: "0" }, null).TF_CPP_MIN_LOG_LEVEL).toBe("0");
  });
});

describe("a wheel that is not the pinned one", () => {
  it("is refused with both hashes", async () => {
    const dir = tmp();
    makeWheel(dir, "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl", TF_FILES);
    const cache = join(tmp(), "cpu");
    await expect(
      ensureLibraries(VARIANTS.cpu, cache, {
        exec: noStrip,
        env: process.env,
        log: () => {},
        wheelDir: dir,
        force: false,
      }),
    ).rejects.toThrow(/has SHA-256 [0-9a-f]{64}, not the pinned 2b847d21/);
    expect(existsSync(cache)).toBe(false);
  });
});

describe("missing prerequisites", () => {
  const missing =
    (names: string[]): Exec =>
    (command, args, options) =>
      names.includes(command) || (names.includes("pip") && args.includes("pip"))
        ? ({
            error: new Error(`spawnSync ${command} ENOENT`),
            status: null,
            stdout: "",
            stderr: "",
          } as ReturnType<Exec>)
        : realExec(command, args, options);

  async function setupError(exec: Exec): Promise<UserError> {
    const root = tmp();
    mkdirSync(join(root, "node_modules"));
    try {
      await setupNative({ variant: "cpu", root, cacheRoot: tmp(), exec, log: () => {} });
    } catch (e) {
      return e as UserError;
    }
    throw new Error("setup did not fail");
  }

  it("each is one UserError naming what to install", async () => {
    const python = await setupError(missing(["python3", "python"]));
    expect(python).toBeInstanceOf(UserError);
    expect(python.message).toMatch(/Python 3 is needed/);
    expect(python.hint).toMatch(/apt-get install python3/);
    const pip = await setupError(missing(["pip"]));
    expect(pip).toBeInstanceOf(UserError);
    expect(pip.hint).toMatch(/python3-pip/);
    expect(() => requireCompiler(missing(["c++", "g++"]), {})).toThrow(/C\+\+ compiler is needed/);
    expect(() => requireCompiler(missing(["make"]), {})).toThrow(/make is needed/);
  });
});

describe("--gpus", () => {
  const smi = (out: string | null) => () => out;
  const two = "0, NVIDIA H100 80GB HBM3, 81559, 550.54\n1, NVIDIA H100 80GB HBM3, 81559, 550.54\n";

  it("reads each GPU's index, name, memory and driver for lthc doctor", () => {
    expect(listGpus(smi(two))).toEqual([
      { index: "0", name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559, driver: "550.54" },
      { index: "1", name: "NVIDIA H100 80GB HBM3", memoryMiB: 81559, driver: "550.54" },
    ]);
    expect(listGpus(smi(null))).toEqual([]);
  });

  it("defaults to every visible GPU, honours CUDA_VISIBLE_DEVICES and rejects an invisible one", () => {
    expect(selectGpus(undefined, {}, smi(two))).toEqual(["0", "1"]);
    expect(selectGpus("1", {}, smi(two))).toEqual(["1"]);
    expect(selectGpus(undefined, { CUDA_VISIBLE_DEVICES: "2,3" }, smi(two))).toEqual(["2", "3"]);
    expect(selectGpus(undefined, {}, smi(null))).toEqual([]);
    expect(() => selectGpus("4", {}, smi(two))).toThrow(/GPU 4 is not visible/);
  });

  it("pins worker slots round-robin with memory growth on", () => {
    expect(gpuWorkerEnv(["0", "1"], 0)).toEqual({ CUDA_VISIBLE_DEVICES: "0", TF_FORCE_GPU_ALLOW_GROWTH: "true" });
    expect(gpuWorkerEnv(["0", "1"], 3).CUDA_VISIBLE_DEVICES).toBe("1");
    expect(gpuWorkerEnv([], 0)).toEqual({});
  });
});
