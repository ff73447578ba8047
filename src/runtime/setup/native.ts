/**
 * `lthc setup native` / `lthc setup gpu`: make tfjs-node (-gpu) 4.22 usable where
 * its own install script cannot download libtensorflow.
 *
 * 1. libtensorflow: pip downloads the pinned TensorFlow wheel (and, for the GPU,
 *    the CUDA 12 / cuDNN 9 wheels); its SHA-256 is checked; the two libraries and
 *    the C headers the binding needs are extracted, stripped, and kept in a cache
 *    shared by every clone (`~/.cache/lthc/native/<key>`).
 * 2. The package files: `npm install --no-save --ignore-scripts` of the package
 *    (npm ci leaves the optional dependency out when its install script fails).
 * 3. The N-API binding, built once per cache with node-gyp against the wheel's
 *    headers and libraries (its source patched for list attributes first, see
 *    binding-patch.ts), copied into the package's `lib/napi-v<N>/`; the
 *    package's `deps/lib` links to the cached libraries (the binding's rpath is
 *    `$ORIGIN/../../deps/lib`).
 * 4. A child process loads the package and reports TF_Version; only then is the
 *    setup record written, so a package without a record was never verified.
 *
 * Every step is skipped when its result is already there: a second run (or a
 * second clone) takes seconds. Nothing is written to the repository's tracked files.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { UserError } from "../../core/user-error.js";
import { writeFileAtomic } from "../atomic.js";
import { BINDING_PATCH_REVISION, patchBindingSource } from "./binding-patch.js";
import {
  bindingPath,
  lthcRoot,
  napiBuildVersion,
  nativeProcessEnv,
  packageDir,
  RECORD_FILE,
  readSetupRecord,
  type SetupRecord,
} from "./installed.js";
import {
  type NativeVariant,
  VARIANTS,
  type VariantSpec,
  WHEEL_PLATFORMS,
  WHEEL_PYTHON,
  type WheelPin,
} from "./variants.js";

/** Runs a program; tests substitute one. */
export type Exec = (
  command: string,
  args: string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv },
) => SpawnSyncReturns<string>;

const defaultExec: Exec = (command, args, options = {}) =>
  spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });

export interface SetupOptions {
  variant: NativeVariant;
  /** lthc's package root (default: this installation's). */
  root?: string;
  /** Cache root (default: $LTHC_CACHE_DIR, else $XDG_CACHE_HOME/lthc, else ~/.cache/lthc). */
  cacheRoot?: string;
  /** Use the wheels in this directory instead of asking pip (offline machines, tests). */
  wheelDir?: string;
  /** Rebuild libraries and binding even when cached. */
  force?: boolean;
  exec?: Exec;
  env?: NodeJS.ProcessEnv;
  /** One line per step. */
  log?: (line: string) => void;
}

export interface SetupResult {
  record: SetupRecord;
  /** What each step did: "cached", "done", or "skipped: …". */
  steps: { step: string; outcome: string; seconds: number }[];
}

/** Default cache root. */
export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LTHC_CACHE_DIR) return env.LTHC_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "lthc");
}

/** Where the libraries of one variant are cached. */
export function variantCacheDir(spec: VariantSpec, cacheRoot: string): string {
  return join(cacheRoot, "native", spec.cacheKey);
}

/**
 * Wheel members the binding needs, as zip path patterns: the two libraries and
 * the headers c_api.h and eager/c_api.h include (tensorflow/c/…, ctstring, tsl_status).
 * For the CUDA wheels, their shared libraries.
 */
export const TENSORFLOW_MEMBERS = [
  "tensorflow/libtensorflow_cc.so.2",
  "tensorflow/libtensorflow_framework.so.2",
  "tensorflow/include/tensorflow/c/*",
  "tensorflow/include/tensorflow/core/platform/ctstring*",
  "tensorflow/include/tsl/platform/ctstring*",
  "tensorflow/include/xla/tsl/c/*",
];
export const CUDA_MEMBERS = ["nvidia/*/lib/*"];

/** Names tfjs-node's binding.gyp and install script look for in deps/lib, and what each points to. */
export const LIBRARY_LINKS: Record<string, string> = {
  "libtensorflow.so": "libtensorflow_cc.so.2",
  "libtensorflow_framework.so": "libtensorflow_framework.so.2",
  // tfjs-node's install script skips its download when this file exists (an `npm rebuild` stays offline).
  "libtensorflow.so.2.9.1": "libtensorflow_cc.so.2",
};

/** The CUDA/cuDNN library directories in an extracted site directory (`nvidia/<pkg>/lib`), sorted. */
export function cudaLibraryDirs(site: string): string[] {
  const nvidia = join(site, "nvidia");
  if (!existsSync(nvidia)) return [];
  return readdirSync(nvidia)
    .map((name) => join(nvidia, name, "lib"))
    .filter((dir) => existsSync(dir) && statSync(dir).isDirectory())
    .sort();
}

function which(exec: Exec, command: string, args = ["--version"]): boolean {
  const r = exec(command, args);
  return !r.error && r.status === 0;
}

/** What each prerequisite is for, and what to install when it is missing (Debian/Ubuntu names). */
function requirePython(exec: Exec): string {
  for (const python of ["python3", "python"]) {
    const r = exec(python, ["-c", "import sys; print(sys.version_info[0])"]);
    if (!r.error && r.status === 0 && r.stdout.trim() === "3") return python;
  }
  throw new UserError(
    "Python 3 is needed to unpack the TensorFlow wheel and by node-gyp, and none was found",
    "install Python 3 (e.g. apt-get install python3) and run lthc setup again",
  );
}

function requirePip(exec: Exec, python: string): void {
  if (!which(exec, python, ["-m", "pip", "--version"])) {
    throw new UserError(
      `pip is needed to download the TensorFlow wheel, and '${python} -m pip' does not work`,
      "install pip (e.g. apt-get install python3-pip), or pass --wheel-dir with the wheels already downloaded",
    );
  }
}

export function requireCompiler(exec: Exec, env: NodeJS.ProcessEnv): void {
  const cxx = env.CXX || "c++";
  if (!which(exec, cxx) && !which(exec, "g++")) {
    throw new UserError(
      "a C++ compiler is needed to build tfjs-node's binding, and none was found",
      "install one (e.g. apt-get install g++ make) and run lthc setup again",
    );
  }
  if (!which(exec, "make")) {
    throw new UserError(
      "make is needed (by node-gyp) to build tfjs-node's binding, and it was not found",
      "install it (e.g. apt-get install make) and run lthc setup again",
    );
  }
}

/** node-gyp: the one bundled with npm next to this Node, else one on PATH. */
export function findNodeGyp(exec: Exec, env: NodeJS.ProcessEnv = process.env): string[] {
  const candidates = [
    env.LTHC_NODE_GYP,
    env.npm_execpath ? join(dirname(env.npm_execpath), "..", "node_modules", "node-gyp", "bin", "node-gyp.js") : null,
    join(
      dirname(process.execPath),
      "..",
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
  ];
  for (const c of candidates) if (c && existsSync(c)) return [process.execPath, c];
  if (which(exec, "node-gyp")) return ["node-gyp"];
  throw new UserError(
    "node-gyp is needed to build tfjs-node's binding, and neither npm's copy nor one on PATH was found",
    "install it with npm install -g node-gyp and run lthc setup again",
  );
}

function tail(text: string | null | undefined, lines = 15): string {
  return (text ?? "").trim().split("\n").slice(-lines).join("\n");
}

function runOrFail(
  exec: Exec,
  what: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const r = exec(command, args, options);
  if (r.error || r.status !== 0) {
    throw new UserError(
      `${what} failed (${command} ${args.slice(0, 4).join(" ")} …): ${r.error?.message ?? `exit ${r.status}`}\n${tail(r.stderr || r.stdout)}`,
      "fix the cause above and run lthc setup again; finished steps are kept",
    );
  }
  return r;
}

/** SHA-256 of a file, hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** pip's arguments to download pinned wheels for any Python/host: the libraries inside do not depend on either. */
export function pipDownloadArgs(requirements: string[], dest: string): string[] {
  return [
    "-m",
    "pip",
    "download",
    "--no-deps",
    "--only-binary=:all:",
    "--python-version",
    WHEEL_PYTHON,
    ...WHEEL_PLATFORMS.flatMap((p) => ["--platform", p]),
    "--dest",
    dest,
    // pip's defaults retry an unreachable index for minutes; a reachable one answers in seconds.
    "--timeout",
    "20",
    "--retries",
    "1",
    "--progress-bar",
    "off",
    ...requirements,
  ];
}

/** The wheel in `dir` that satisfies a `name==version` / `name>=…` requirement (by file name). */
export function wheelFor(pin: WheelPin, dir: string): string | null {
  const m = pin.requirement.match(/^([A-Za-z0-9_.-]+?)\s*(?:==\s*([\w.]+))?\s*(?:[<>=!~].*)?$/);
  if (!m) return null;
  const name = m[1].replace(/[-.]+/g, "_").toLowerCase();
  const version = m[2];
  const hit = readdirSync(dir).find((f) => {
    if (!f.endsWith(".whl")) return false;
    const [fname, fversion] = f.split("-");
    return fname.toLowerCase() === name && (!version || fversion === version);
  });
  return hit ? join(dir, hit) : null;
}

const EXTRACT_SCRIPT = `
import fnmatch, json, sys, zipfile
wheel, dest, patterns = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
n = 0
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if not info.is_dir() and any(fnmatch.fnmatch(info.filename, p) for p in patterns):
            z.extract(info, dest)
            n += 1
print(n)
`;

/** Point `path` at `target`, replacing a link atomically so that a process loading the backend meanwhile never misses it. */
function linkFresh(target: string, path: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  try {
    renameSync(tmp, path);
  } catch {
    // A real directory (an earlier install's deps/lib) cannot be renamed over.
    rmSync(path, { recursive: true, force: true });
    renameSync(tmp, path);
  }
}

interface LibsManifest {
  tensorflowVersion: string;
  wheels: { file: string; sha256: string }[];
  stripped: boolean;
  libraryDirs: string[];
}

/** Steps 1: the libraries in the cache. Returns the manifest of what is there. */
export async function ensureLibraries(
  spec: VariantSpec,
  cacheDir: string,
  o: Required<Pick<SetupOptions, "exec" | "env" | "log">> & { wheelDir?: string; force: boolean },
): Promise<{ manifest: LibsManifest; outcome: string }> {
  const manifestFile = join(cacheDir, "libs.json");
  if (!o.force && existsSync(manifestFile)) {
    return { manifest: JSON.parse(readFileSync(manifestFile, "utf8")) as LibsManifest, outcome: "cached" };
  }
  const python = requirePython(o.exec);
  const tmp = `${cacheDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const pins = [spec.tensorflow, ...spec.runtime];
    let wheelDir = o.wheelDir;
    if (!wheelDir) {
      requirePip(o.exec, python);
      wheelDir = join(tmp, "wheels");
      mkdirSync(wheelDir);
      o.log(`  pip download ${pins.map((p) => p.requirement).join(" ")}`);
      runOrFail(
        o.exec,
        "pip download",
        python,
        pipDownloadArgs(
          pins.map((p) => p.requirement),
          wheelDir,
        ),
        { env: o.env },
      );
    }
    const wheels: LibsManifest["wheels"] = [];
    const site = join(tmp, "site");
    for (const pin of pins) {
      const wheel = wheelFor(pin, wheelDir);
      if (!wheel) {
        throw new UserError(
          `no wheel for ${pin.requirement} in ${wheelDir}`,
          o.wheelDir ? "put the wheel there (pip download --no-deps …) or leave --wheel-dir out" : "check pip's index",
        );
      }
      const sha256 = await sha256File(wheel);
      if (pin.sha256 && sha256 !== pin.sha256) {
        throw new UserError(
          `${basename(wheel)} has SHA-256 ${sha256}, not the pinned ${pin.sha256}`,
          "the index served a different file than lthc was tested with; remove it and check where it came from",
        );
      }
      wheels.push({ file: basename(wheel), sha256 });
      const patterns = pin === spec.tensorflow ? TENSORFLOW_MEMBERS : CUDA_MEMBERS;
      o.log(`  unpack ${basename(wheel)}`);
      runOrFail(o.exec, `unpacking ${basename(wheel)}`, python, [
        "-c",
        EXTRACT_SCRIPT,
        wheel,
        site,
        JSON.stringify(patterns),
      ]);
    }
    const libDir = join(site, "tensorflow");
    const libs = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"].map((f) => join(libDir, f));
    for (const lib of libs)
      if (!existsSync(lib)) throw new UserError(`${basename(wheels[0].file)} holds no ${basename(lib)}`);
    // Stripping takes the two libraries from 853 MB to 634 MB; without strip they only take more disk.
    const stripped = which(o.exec, "strip");
    if (stripped) runOrFail(o.exec, "strip", "strip", ["--strip-unneeded", ...libs]);
    for (const [name, target] of Object.entries(LIBRARY_LINKS)) linkFresh(target, join(libDir, name));
    const manifest: LibsManifest = {
      tensorflowVersion: spec.tensorflowVersion,
      wheels,
      stripped,
      libraryDirs: cudaLibraryDirs(site).map((d) => d.replace(tmp, cacheDir)),
    };
    writeFileSync(join(tmp, "libs.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    rmSync(join(tmp, "wheels"), { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
    mkdirSync(dirname(cacheDir), { recursive: true });
    renameSync(tmp, cacheDir);
    return {
      manifest,
      outcome: `done (${wheels.map((w) => w.file).join(", ")}${stripped ? ", stripped" : ", strip not found: unstripped"})`,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Step 2: the package files (and their dependencies) in lthc's node_modules. */
function ensurePackage(spec: VariantSpec, root: string, o: { exec: Exec; env: NodeJS.ProcessEnv }): string {
  const dir = packageDir(spec.package, root);
  const installed = (() => {
    try {
      const version = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string }).version;
      return version === spec.packageVersion && existsSync(packageDir("@tensorflow/tfjs", root));
    } catch {
      return false;
    }
  })();
  if (installed) return "cached";
  const npm = o.env.npm_execpath?.endsWith(".js") ? [process.execPath, o.env.npm_execpath] : ["npm"];
  runOrFail(
    o.exec,
    `npm install ${spec.package}`,
    npm[0],
    [
      ...npm.slice(1),
      "install",
      "--no-save",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
      `${spec.package}@${spec.packageVersion}`,
    ],
    { cwd: root, env: o.env },
  );
  return "done";
}

/** Step 3: the binding, built once per cache and N-API version. Returns its cached path. */
function ensureBinding(
  spec: VariantSpec,
  pkgDir: string,
  cacheDir: string,
  napi: number,
  o: { exec: Exec; env: NodeJS.ProcessEnv; force: boolean },
): { file: string; outcome: string } {
  const file = join(
    cacheDir,
    "bindings",
    `${spec.package.replace("@tensorflow/", "")}-${spec.packageVersion}-lthc${BINDING_PATCH_REVISION}-napi-v${napi}-${process.platform}-${process.arch}`,
    "tfjs_binding.node",
  );
  if (!o.force && existsSync(file)) return { file, outcome: "cached" };
  requirePython(o.exec);
  requireCompiler(o.exec, o.env);
  const gyp = findNodeGyp(o.exec, o.env);
  const build = join(cacheDir, `build-${process.pid}`);
  rmSync(build, { recursive: true, force: true });
  mkdirSync(join(build, "deps"), { recursive: true });
  try {
    cpSync(join(pkgDir, "binding.gyp"), join(build, "binding.gyp"));
    cpSync(join(pkgDir, "binding"), join(build, "binding"), { recursive: true });
    const source = join(build, "binding", "tfjs_backend.cc");
    writeFileSync(source, patchBindingSource(readFileSync(source, "utf8")));
    symlinkSync(join(cacheDir, "site", "tensorflow", "include"), join(build, "deps", "include"));
    symlinkSync(join(cacheDir, "site", "tensorflow"), join(build, "deps", "lib"));
    const nodeHeaders = join(dirname(process.execPath), "..", "include", "node", "node_api.h");
    const out = join(build, "out");
    runOrFail(
      o.exec,
      "building tfjs-node's binding (node-gyp)",
      gyp[0],
      [
        ...gyp.slice(1),
        "rebuild",
        // Build against this Node's own headers when it has them, so no download is needed.
        ...(existsSync(nodeHeaders) ? [`--nodedir=${join(dirname(process.execPath), "..")}`] : []),
        "--module_name=tfjs_binding",
        `--module_path=${out}`,
        `--napi_build_version=${napi}`,
      ],
      { cwd: build, env: o.env },
    );
    mkdirSync(dirname(file), { recursive: true });
    cpSync(join(out, "tfjs_binding.node"), `${file}.tmp`);
    renameSync(`${file}.tmp`, file);
    return { file, outcome: "done" };
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}

/** The package, wired to the cache: binding copied in, deps/lib linked to the cached libraries. */
export function installBinding(pkgDir: string, cacheDir: string, built: string, napi: number): string {
  const target = bindingPath(pkgDir, napi);
  mkdirSync(dirname(target), { recursive: true });
  cpSync(built, `${target}.tmp`);
  renameSync(`${target}.tmp`, target);
  mkdirSync(join(pkgDir, "deps"), { recursive: true });
  // A directory link keeps the wheel's layout behind deps/lib, so libtensorflow's own
  // rpath ($ORIGIN/../nvidia/*/lib for the GPU wheel) still finds the CUDA libraries.
  linkFresh(join(cacheDir, "site", "tensorflow"), join(pkgDir, "deps", "lib"));
  return target;
}

/** Step 4: load the package in a child process and read TF_Version (a crash there cannot take lthc down). */
export function verifyNative(
  pkgDir: string,
  binding: string,
  env: NodeJS.ProcessEnv,
  exec: Exec = defaultExec,
): { tensorflowVersion: string; gpu: boolean } {
  const script = `
const tf = require(${JSON.stringify(pkgDir)});
const b = require(${JSON.stringify(binding)});
if (tf.getBackend() !== "tensorflow") throw new Error("backend is " + tf.getBackend());
const y = tf.sum(tf.mul(tf.tensor1d([1, 2, 3]), tf.tensor1d([4, 5, 6]))).dataSync()[0];
if (y !== 32) throw new Error("1·4+2·5+3·6 gave " + y);
process.stdout.write(JSON.stringify({ version: b.TF_Version, gpu: b.isUsingGpuDevice() }));`;
  const r = exec(process.execPath, ["-e", script], { env });
  if (r.error || r.status !== 0) {
    throw new UserError(
      `the built backend does not load: ${tail(r.stderr, 8) || r.error?.message}`,
      "run lthc setup again with --force; if it fails the same way, report the message above",
    );
  }
  const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { version: string; gpu: boolean };
  return { tensorflowVersion: out.version, gpu: out.gpu };
}

/** Set up a native backend; see the module comment. Throws UserError naming what to install or fix. */
export async function setupNative(options: SetupOptions): Promise<SetupResult> {
  const spec = VARIANTS[options.variant];
  const exec = options.exec ?? defaultExec;
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const root = options.root ?? lthcRoot();
  const cacheDir = variantCacheDir(spec, options.cacheRoot ?? defaultCacheRoot(env));
  const force = options.force ?? false;
  const steps: SetupResult["steps"] = [];
  const step = async <T>(name: string, body: () => Promise<[T, string]> | [T, string]): Promise<T> => {
    const start = performance.now();
    log(`${name} …`);
    const [value, outcome] = await body();
    const seconds = (performance.now() - start) / 1000;
    steps.push({ step: name, outcome, seconds });
    log(`${name}: ${outcome} (${seconds.toFixed(1)} s)`);
    return value;
  };

  const manifest = await step(`libtensorflow ${spec.tensorflowVersion} in ${cacheDir}`, async () => {
    const r = await ensureLibraries(spec, cacheDir, { exec, env, log, wheelDir: options.wheelDir, force });
    return [r.manifest, r.outcome];
  });
  const pkgDir = packageDir(spec.package, root);
  rmSync(join(pkgDir, RECORD_FILE), { force: true });
  await step(`${spec.package}@${spec.packageVersion} package files`, () => [
    null,
    ensurePackage(spec, root, { exec, env }),
  ]);
  const napi = napiBuildVersion(pkgDir);
  const built = await step(`N-API v${napi} binding`, () => {
    const r = ensureBinding(spec, pkgDir, cacheDir, napi, { exec, env, force });
    return [r.file, r.outcome];
  });
  const binding = installBinding(pkgDir, cacheDir, built, napi);
  const candidate: SetupRecord = {
    variant: spec.variant,
    package: spec.package,
    packageVersion: spec.packageVersion,
    tensorflowVersion: spec.tensorflowVersion,
    wheels: manifest.wheels,
    cacheDir,
    libraryDirs: manifest.libraryDirs,
    binding,
    bindingPatchRevision: BINDING_PATCH_REVISION,
    setUpAt: new Date().toISOString(),
  };
  const loaded = await step("load check", () => {
    const childEnv = { ...env, ...nativeProcessEnv(env, spec.variant === "gpu" ? candidate : null) };
    const v = verifyNative(pkgDir, binding, childEnv, exec);
    if (v.tensorflowVersion !== spec.tensorflowVersion) {
      throw new UserError(`the binding reports TensorFlow ${v.tensorflowVersion}, expected ${spec.tensorflowVersion}`);
    }
    return [
      v,
      `TF_Version ${v.tensorflowVersion}${spec.variant === "gpu" ? `, GPU ${v.gpu ? "in use" : "not in use"}` : ""}`,
    ];
  });
  const record: SetupRecord = { ...candidate, tensorflowVersion: loaded.tensorflowVersion };
  await writeFileAtomic(join(pkgDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  if (readSetupRecord(spec.variant, root) === null) throw new Error(`setup record in ${pkgDir} did not read back`);
  return { record, steps };
}
