/**
 * libtensorflow's own fused training kernels, registered as tfjs kernels of the
 * 'tensorflow' backend (tfjs-node and tfjs-node-gpu) with their gradients.
 *
 * tfjs-node runs every tfjs kernel as one or more eager TensorFlow ops, and some of
 * tfjs's generic gradients become long chains there: ReLU's gradient is
 * `dy · step(x)`, and tfjs-node's Step is IsNan, Greater, OnesLike, Fill and two
 * Selects over the whole activation (six full-size passes where TensorFlow has
 * one `ReluGrad`); a BatchNorm written from tfjs ops costs a dozen passes where
 * TensorFlow has `FusedBatchNormV3` forward and `FusedBatchNormGradV3` backward,
 * each one oneDNN (or cuDNN) kernel. Profiled on ResNet-20 these chains were about
 * half of a training step's kernel time (docs/performance.md).
 *
 * The kernels call TensorFlow ops by name through the backend's
 * `executeSingleOutput`/`executeMultipleOutputs`, as tfjs-node's own kernels do.
 * They exist only for the 'tensorflow' backend; the ops in `relu.ts` and
 * `batch-norm.ts` use them there and tfjs's portable forms elsewhere.
 */
import { tf } from "../tf.js";

/** The numeric codes of tfjs-node's binding that the kernels need. */
interface TensorflowBinding {
  TF_FLOAT: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_STRING: number;
}

interface OpAttr {
  name: string;
  type: number;
  value: number | boolean | string;
}

/** The parts of tfjs-node's NodeJSKernelBackend that the kernels use. */
interface TensorflowBackend {
  binding: TensorflowBinding;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
}

/**
 * True when the active backend is tfjs-node's, whose kernels run libtensorflow ops; the
 * kernels below are then registered (once), whoever activated the backend.
 */
export function onTensorflowBackend(): boolean {
  if (tf.getBackend() !== "tensorflow") return false;
  registerTensorflowKernels();
  return true;
}

function asTensorflow(backend: unknown): TensorflowBackend {
  const b = backend as Partial<TensorflowBackend>;
  if (typeof b.executeMultipleOutputs !== "function" || b.binding === undefined) {
    throw new Error("lthc's libtensorflow kernels ran on a backend that is not tfjs-node's");
  }
  return b as TensorflowBackend;
}

/** The named inputs of a kernel call, in TensorFlow's argument order. */
function ordered(inputs: tf.NamedTensorInfoMap, names: readonly string[]): tf.TensorInfo[] {
  return names.map((name) => {
    const t = inputs[name];
    if (t === undefined) throw new Error(`kernel input '${name}' is missing`);
    return t;
  });
}

function epsilonOf(attrs: tf.NamedAttrMap | undefined): number {
  const eps = attrs?.epsilon;
  if (typeof eps !== "number") throw new Error("BatchNorm kernel called without a numeric epsilon");
  return eps;
}

function floatType(b: TensorflowBackend, name: string): OpAttr {
  return { name, type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT };
}

/** Kernel names; the "lthc." prefix keeps them apart from tfjs's own. */
export const RELU = "lthc.Relu";
const RELU_GRAD = "lthc.ReluGrad";
export const BATCH_NORM_TRAIN = "lthc.FusedBatchNormTrain";
export const BATCH_NORM_INFERENCE = "lthc.FusedBatchNormInference";
const BATCH_NORM_GRAD = "lthc.FusedBatchNormGrad";

/** Attributes of FusedBatchNormV3 and FusedBatchNormGradV3 (NHWC, float32 throughout). */
function batchNormAttrs(b: TensorflowBackend, epsilon: number, training: boolean): OpAttr[] {
  return [
    floatType(b, "T"),
    floatType(b, "U"),
    { name: "epsilon", type: b.binding.TF_ATTR_FLOAT, value: epsilon },
    { name: "data_format", type: b.binding.TF_ATTR_STRING, value: "NHWC" },
    { name: "is_training", type: b.binding.TF_ATTR_BOOL, value: training },
  ];
}

let registered = false;

/**
 * Register the kernels and their gradients (idempotent). Called when the 'tensorflow'
 * backend is activated; registering for a backend that never loads is harmless.
 */
export function registerTensorflowKernels(): void {
  if (registered) return;
  registered = true;

  tf.registerKernel({
    kernelName: RELU,
    backendName: "tensorflow",
    kernelFunc: ({ inputs, backend }) => {
      const b = asTensorflow(backend);
      return b.executeSingleOutput("Relu", [floatType(b, "T")], ordered(inputs, ["x"]));
    },
  });
  tf.registerKernel({
    kernelName: RELU_GRAD,
    backendName: "tensorflow",
    kernelFunc: ({ inputs, backend }) => {
      const b = asTensorflow(backend);
      // ReluGrad(gradients, features): dy where features > 0; y > 0 exactly where x > 0.
      return b.executeSingleOutput("ReluGrad", [floatType(b, "T")], ordered(inputs, ["dy", "y"]));
    },
  });
  tf.registerGradient({
    kernelName: RELU,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved;
      return { x: () => tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, y }) as tf.Tensor };
    },
  });

  // FusedBatchNormV3 outputs: y, batch mean, batch variance (Bessel-corrected, TensorFlow's
  // documented contract), and three reserve spaces whose layout is the kernel's own
  // (oneDNN's and cuDNN's differ); the gradient op takes the reserve spaces back as they are.
  tf.registerKernel({
    kernelName: BATCH_NORM_TRAIN,
    backendName: "tensorflow",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = asTensorflow(backend);
      const empty = tf.tensor1d([]);
      try {
        return b.executeMultipleOutputs(
          "FusedBatchNormV3",
          batchNormAttrs(b, epsilonOf(attrs), true),
          [...ordered(inputs, ["x", "scale", "offset"]), empty, empty],
          6,
        );
      } finally {
        empty.dispose();
      }
    },
  });
  tf.registerKernel({
    kernelName: BATCH_NORM_INFERENCE,
    backendName: "tensorflow",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = asTensorflow(backend);
      return b.executeMultipleOutputs(
        "FusedBatchNormV3",
        batchNormAttrs(b, epsilonOf(attrs), false),
        ordered(inputs, ["x", "scale", "offset", "mean", "variance"]),
        6,
      );
    },
  });
  tf.registerKernel({
    kernelName: BATCH_NORM_GRAD,
    backendName: "tensorflow",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = asTensorflow(backend);
      const outs = b.executeMultipleOutputs(
        "FusedBatchNormGradV3",
        batchNormAttrs(b, epsilonOf(attrs), attrs?.training === true),
        ordered(inputs, ["dy", "x", "scale", "reserve1", "reserve2", "reserve3"]),
        5,
      );
      // Outputs 3 and 4 are placeholders for the reserve spaces of a second-order gradient.
      tf.dispose(outs.slice(3));
      return outs.slice(0, 3);
    },
  });
  const gradOf =
    (training: boolean) =>
    (dys: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap): Record<string, () => tf.Tensor> => {
      // Only y carries a gradient: the moments are for the running statistics.
      const dy = (Array.isArray(dys) ? dys[0] : dys) as tf.Tensor;
      // Training saves x, scale and the three reserve spaces; inference saves x, scale, the
      // running mean and variance (the reserve spaces 1 and 2 the gradient op expects then) and
      // reserve space 3.
      const [x, scale, reserve1, reserve2, reserve3] = saved;
      const [dx, dScale, dOffset] = tf
        .engine()
        .runKernel(
          BATCH_NORM_GRAD,
          { dy, x, scale, reserve1, reserve2, reserve3 },
          { epsilon: attrs.epsilon, training },
        ) as tf.Tensor[];
      return { x: () => dx, scale: () => dScale, offset: () => dOffset };
    };
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ["x", "scale"],
    outputsToSave: [false, false, false, true, true, true],
    gradFunc: gradOf(true),
  });
  tf.registerGradient({
    kernelName: BATCH_NORM_INFERENCE,
    inputsToSave: ["x", "scale", "mean", "variance"],
    outputsToSave: [false, false, false, false, false, true],
    gradFunc: gradOf(false),
  });
}
