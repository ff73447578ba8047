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
  TF_ATTR_INT: number;
}

interface OpAttr {
  name: string;
  type: number;
  value: number | boolean | string | number[] | string[];
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
export const CONV_BN_INFERENCE = "lthc.FusedConvBnInference";
export const CONV_BN_ADD_INFERENCE = "lthc.FusedConvBnAddInference";

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
  registerFusedConvKernels();
}

/**
 * Attributes of oneDNN's fused convolution (`_MklNativeFusedConv2D`, the kernel TensorFlow's
 * own graph optimiser substitutes for Conv2D + BatchNorm/BiasAdd (+ Add) (+ Relu) on CPU). It
 * is an internal op: the `_kernel` label selects oneDNN's registration, and its list
 * attributes need the list support that `lthc setup native` adds to tfjs-node's binding.
 */
function fusedConvAttrs(
  b: TensorflowBackend,
  fusedOps: string[],
  numArgs: number,
  stride: number,
  eps: number,
): OpAttr[] {
  return [
    floatType(b, "T"),
    { name: "TArgs", type: b.binding.TF_ATTR_TYPE, value: new Array<number>(numArgs).fill(b.binding.TF_FLOAT) },
    { name: "num_args", type: b.binding.TF_ATTR_INT, value: numArgs },
    { name: "strides", type: b.binding.TF_ATTR_INT, value: [1, stride, stride, 1] },
    { name: "padding", type: b.binding.TF_ATTR_STRING, value: "SAME" },
    { name: "data_format", type: b.binding.TF_ATTR_STRING, value: "NHWC" },
    { name: "dilations", type: b.binding.TF_ATTR_INT, value: [1, 1, 1, 1] },
    { name: "fused_ops", type: b.binding.TF_ATTR_STRING, value: fusedOps },
    { name: "epsilon", type: b.binding.TF_ATTR_FLOAT, value: eps },
    { name: "_kernel", type: b.binding.TF_ATTR_STRING, value: "MklNameChangeOp" },
  ];
}

interface ConvBnAttrs {
  stride: number;
  relu: boolean;
  epsilon: number;
}

function convBnAttrs(attrs: tf.NamedAttrMap | undefined): ConvBnAttrs {
  const stride = attrs?.stride;
  if (typeof stride !== "number") throw new Error("fused conv kernel called without a numeric stride");
  return { stride, relu: attrs?.relu === true, epsilon: epsilonOf(attrs) };
}

/** 1/√(σ²+ε) per channel. */
function invStd(variance: tf.Tensor, eps: number): tf.Tensor {
  return tf.rsqrt(tf.add(variance, eps));
}

/** BN with running statistics as a per-output-channel scale s = γ/√(σ²+ε) and shift β − μ·s. */
function foldedBatchNorm(
  scale: tf.Tensor,
  offset: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  eps: number,
): { s: tf.Tensor; shift: tf.Tensor } {
  const s = tf.mul(scale, invStd(variance, eps));
  return { s, shift: tf.sub(offset, tf.mul(mean, s)) };
}

/**
 * Gradients of y = [relu](BN(z) [+ residual]), z = conv(x, W), BN with running statistics
 * (μ, σ², γ, β): with g = ReluGrad(dy, y) (or dy), r = 1/√(σ²+ε), s = γ·r, sums over N·H·W:
 *   d residual = g;  dx = conv_transpose(g, W·s) (BN contributes dBN/dz = s per channel);
 *   dW = conv_backprop_filter(x, g·s);  dβ = Σg;  dγ = Σg·(z−μ)·r;  dμ = −Σg·s;
 *   dσ² = −½·Σg·(z−μ)·γ·r³.
 * Each is computed only if asked for (PGD asks for x alone); z is recomputed for dγ and dσ².
 * (tfjs cannot nest tf.grad inside a gradient, so these are written out.)
 */
function convBnGradient(
  dy: tf.Tensor,
  saved: tf.Tensor[],
  attrs: tf.NamedAttrMap,
  withResidual: boolean,
): Record<string, () => tf.Tensor> {
  const a = convBnAttrs(attrs);
  const [x, filter, scale, mean, variance, y] = saved as [
    tf.Tensor4D,
    tf.Tensor4D,
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor1D,
    tf.Tensor4D,
  ];
  const g = (a.relu ? tf.engine().runKernel(RELU_GRAD, { dy, y }) : dy) as tf.Tensor4D;
  const r = () => invStd(variance, a.epsilon);
  const s = () => tf.mul(scale, r());
  const centred = () => tf.sub(tf.conv2d(x, filter, a.stride, "same"), mean);
  const channelSum = (t: tf.Tensor) => tf.sum(t, [0, 1, 2]);
  const grads: Record<string, () => tf.Tensor> = {
    x: () => tf.conv2dTranspose(g, tf.mul(filter, s()) as tf.Tensor4D, x.shape, a.stride, "same"),
    filter: () =>
      tf
        .engine()
        .runKernel(
          "Conv2DBackpropFilter",
          { x, dy: tf.mul(g, s()) },
          { strides: a.stride, pad: "same", dataFormat: "NHWC", filterShape: filter.shape },
        ) as tf.Tensor,
    offset: () => channelSum(g),
    scale: () => tf.mul(channelSum(tf.mul(g, centred())), r()),
    mean: () => tf.neg(tf.mul(channelSum(g), s())),
    variance: () => tf.mul(channelSum(tf.mul(g, centred())), tf.mul(tf.mul(scale, tf.pow(r(), 3)), -0.5)),
  };
  if (withResidual) grads.residual = () => tf.clone(g);
  return grads;
}

let fusedConv: boolean | null = null;

/**
 * LTHC_FUSED_CONV=0 (or false, off, no) in the environment: use the separate ops. An escape
 * hatch for comparing numerics, and the reference in tests.
 */
export function fusedConvDisabled(): boolean {
  return ["0", "false", "off", "no"].includes((process.env.LTHC_FUSED_CONV ?? "").trim().toLowerCase());
}

/**
 * Whether oneDNN's fused convolution can be called here: libtensorflow built with oneDNN
 * (the CPU wheel; the GPU build has no such kernel) and a binding with list attributes.
 * Probed once per process on a tiny input; any failure means the unfused path, as does
 * LTHC_FUSED_CONV=0 in the environment.
 */
export function fusedConvAvailable(): boolean {
  if (!onTensorflowBackend()) return false;
  if (fusedConvDisabled()) return false;
  if (fusedConv === null) {
    try {
      tf.tidy(() => {
        const one = tf.ones([1]);
        const x = tf.ones([1, 2, 2, 1]);
        const inputs = { x, filter: tf.ones([1, 1, 1, 1]), scale: one, offset: one, mean: one, variance: one };
        // Every fusion the model uses: BN + ReLU, BN alone (projection shortcuts), BN + Add + ReLU.
        for (const relu of [true, false]) {
          tf.engine().runKernel(CONV_BN_INFERENCE, inputs, { stride: 1, relu, epsilon: 1e-5 });
        }
        tf.engine().runKernel(
          CONV_BN_ADD_INFERENCE,
          { ...inputs, residual: x },
          { stride: 1, relu: true, epsilon: 1e-5 },
        );
      });
      fusedConv = true;
    } catch {
      fusedConv = false;
    }
  }
  return fusedConv;
}

function registerFusedConvKernels(): void {
  tf.registerKernel({
    kernelName: CONV_BN_INFERENCE,
    backendName: "tensorflow",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = asTensorflow(backend);
      const a = convBnAttrs(attrs);
      return b.executeSingleOutput(
        "_MklNativeFusedConv2D",
        fusedConvAttrs(b, a.relu ? ["FusedBatchNorm", "Relu"] : ["FusedBatchNorm"], 4, a.stride, a.epsilon),
        ordered(inputs, ["x", "filter", "scale", "offset", "mean", "variance"]),
      );
    },
  });
  tf.registerKernel({
    kernelName: CONV_BN_ADD_INFERENCE,
    backendName: "tensorflow",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = asTensorflow(backend);
      const a = convBnAttrs(attrs);
      const [x, filter, scale, offset, mean, variance, residual] = ordered(inputs, [
        "x",
        "filter",
        "scale",
        "offset",
        "mean",
        "variance",
        "residual",
      ]) as tf.Tensor[];
      // oneDNN fuses a residual add only after a bias: BN with running statistics is folded
      // into the filter (W·s) and a bias (β − μ·s), as TensorFlow's graph optimiser does.
      return tf.tidy(() => {
        const { s, shift } = foldedBatchNorm(scale, offset, mean, variance, a.epsilon);
        return b.executeSingleOutput(
          "_MklNativeFusedConv2D",
          fusedConvAttrs(b, a.relu ? ["BiasAdd", "Add", "Relu"] : ["BiasAdd", "Add"], 2, a.stride, a.epsilon),
          [x, tf.mul(filter, s), shift, residual],
        );
      });
    },
  });
  // β is not needed by any gradient (dβ = Σg).
  const saveAll = ["x", "filter", "scale", "mean", "variance"];
  tf.registerGradient({
    kernelName: CONV_BN_INFERENCE,
    inputsToSave: saveAll,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => convBnGradient(dy as tf.Tensor, saved, attrs, false),
  });
  tf.registerGradient({
    kernelName: CONV_BN_ADD_INFERENCE,
    inputsToSave: saveAll,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => convBnGradient(dy as tf.Tensor, saved, attrs, true),
  });
}
