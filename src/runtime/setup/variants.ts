/**
 * What `lthc setup native` and `lthc setup gpu` install: tfjs-node (or
 * tfjs-node-gpu) 4.22.0 whose N-API binding is built against libtensorflow taken
 * from a TensorFlow wheel that pip provides. tfjs-node's own install script
 * downloads libtensorflow 2.9.1 from a Google bucket and, for the GPU package,
 * needs a system CUDA 11.2 / cuDNN 8.1; the wheels need neither.
 *
 * Why these wheels work: tensorflow 2.21's `libtensorflow_cc.so.2` and
 * `libtensorflow_framework.so.2` export every C and eager C API function the
 * tfjs-node 4.22 binding calls, and the binding compiles unchanged against the
 * wheel's headers (docs/backends.md).
 */

/** Which native backend: the CPU build (`lthc setup native`) or the CUDA 12 build (`lthc setup gpu`). */
export type NativeVariant = "cpu" | "gpu";

/** One wheel pip fetches. */
export interface WheelPin {
  /** pip requirement, e.g. `tensorflow-cpu==2.21.0`. */
  requirement: string;
  /** SHA-256 of the wheel file, when known; setup refuses a wheel that does not match. */
  sha256: string | null;
}

export interface VariantSpec {
  variant: NativeVariant;
  /** The npm package whose binding is built. */
  package: "@tensorflow/tfjs-node" | "@tensorflow/tfjs-node-gpu";
  packageVersion: string;
  /** TensorFlow version the wheel carries; the binding must report it as TF_Version. */
  tensorflowVersion: string;
  /** The wheel with libtensorflow and its C headers. */
  tensorflow: WheelPin;
  /** Runtime libraries the TensorFlow libraries load (GPU: CUDA 12 and cuDNN 9 from nvidia-*-cu12 wheels). */
  runtime: WheelPin[];
  /** Cache directory name: one per build of libtensorflow. */
  cacheKey: string;
}

/** Python ABI and platforms pip is asked for: the libraries do not depend on Python, so one wheel fits every machine. */
export const WHEEL_PYTHON = "3.11";
export const WHEEL_PLATFORMS = ["manylinux_2_27_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"];

/** The `and-cuda` extra of tensorflow 2.21.0 (its METADATA), which a CUDA-less driver-only machine needs. */
export const CUDA12_WHEELS: WheelPin[] = [
  "nvidia-cublas-cu12>=12.5.3.2,<13.0",
  "nvidia-cuda-cupti-cu12>=12.5.82,<13.0",
  "nvidia-cuda-nvcc-cu12>=12.5.82,<13.0",
  "nvidia-cuda-nvrtc-cu12>=12.5.82,<13.0",
  "nvidia-cuda-runtime-cu12>=12.5.82,<13.0",
  "nvidia-cudnn-cu12>=9.3.0.75,<10.0",
  "nvidia-cufft-cu12>=11.2.3.61,<12.0",
  "nvidia-curand-cu12>=10.3.6.82,<11.0",
  "nvidia-cusolver-cu12>=11.6.3.83,<12.0",
  "nvidia-cusparse-cu12>=12.5.1.3,<13.0",
  "nvidia-nccl-cu12>=2.27.7,<3.0",
  "nvidia-nvjitlink-cu12>=12.5.82,<13.0",
].map((requirement) => ({ requirement, sha256: null }));

export const VARIANTS: Record<NativeVariant, VariantSpec> = {
  cpu: {
    variant: "cpu",
    package: "@tensorflow/tfjs-node",
    packageVersion: "4.22.0",
    tensorflowVersion: "2.21.0",
    tensorflow: {
      requirement: "tensorflow-cpu==2.21.0",
      // tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl
      sha256: "2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c",
    },
    runtime: [],
    cacheKey: "tensorflow-cpu-2.21.0",
  },
  gpu: {
    variant: "gpu",
    package: "@tensorflow/tfjs-node-gpu",
    packageVersion: "4.22.0",
    tensorflowVersion: "2.21.0",
    // Not offered by the pip index of the machines lthc is developed on, so its hash could not be pinned.
    tensorflow: { requirement: "tensorflow==2.21.0", sha256: null },
    runtime: CUDA12_WHEELS,
    cacheKey: "tensorflow-2.21.0-cuda12",
  },
};

/** The variant that provides an npm package, if any. */
export function variantOfPackage(name: string): NativeVariant | null {
  for (const spec of Object.values(VARIANTS)) if (spec.package === name) return spec.variant;
  return null;
}
