/**
 * Training kernels the wasm backend lacks or runs slowly (tfjs-backend-wasm 4.22):
 * - Conv2DBackpropFilter is missing; it is re-expressed as one dilated XNNPACK conv
 *   with the batch moved into the channels: dW = conv(xᵀ, dyᵀ).
 * - Conv2DBackpropInput is a scalar loop; it is re-expressed as an XNNPACK conv of
 *   the zero-stuffed dy with the flipped, transposed filter.
 * Both call the wasm module's own Conv2D entry point with explicit pads, and free
 * every intermediate with backend.disposeData, like the backend's own kernels do.
 */
import { tf } from "../tf.js";

type TensorInfo = tf.TensorInfo;
type Cwrap = (name: string, ret: null, args: string[]) => (...args: number[]) => void;

/** The parts of tfjs-backend-wasm's BackendWasm that the kernels use. */
interface WasmBackend {
  wasm: { cwrap: Cwrap };
  dataIdMap: { get(dataId: object): { id: number } };
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

interface ConvGeometry {
  padTop: number;
  padRight: number;
  padBottom: number;
  padLeft: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
}

const conv2dFns = new WeakMap<WasmBackend, (...args: number[]) => void>();

function wasmConv2d(backend: WasmBackend): (...args: number[]) => void {
  let fn = conv2dFns.get(backend);
  if (!fn) {
    fn = backend.wasm.cwrap("Conv2D", null, new Array<string>(19).fill("number"));
    conv2dFns.set(backend, fn);
  }
  return fn;
}

function idOf(backend: WasmBackend, t: TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).id;
}

/** y = conv(x, filter) on XNNPACK; filter is [fh, fw, inC, outC]; every pad must be ≥ 0. */
function conv(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const [n, h, w, inC] = x.shape;
  const [fh, fw, , outC] = filter.shape;
  const effH = (fh - 1) * g.dilationH + 1;
  const effW = (fw - 1) * g.dilationW + 1;
  const outH = Math.floor((h + g.padTop + g.padBottom - effH) / g.strideH) + 1;
  const outW = Math.floor((w + g.padLeft + g.padRight - effW) / g.strideW) + 1;
  const out = backend.makeOutput([n, outH, outW, outC], "float32");
  wasmConv2d(backend)(
    idOf(backend, x),
    n,
    h,
    w,
    idOf(backend, filter),
    fh,
    fw,
    g.padTop,
    g.padRight,
    g.padBottom,
    g.padLeft,
    0,
    g.dilationH,
    g.dilationW,
    g.strideH,
    g.strideW,
    inC,
    outC,
    idOf(backend, out),
  );
  return out;
}

function run(kernelName: string, backend: WasmBackend, inputs: tf.NamedTensorInfoMap, attrs: object): TensorInfo {
  const kernel = tf.getKernel(kernelName, "wasm");
  if (!kernel) throw new Error(`wasm kernel ${kernelName} is not registered`);
  return kernel.kernelFunc({
    inputs,
    backend: backend as unknown as tf.KernelBackend,
    attrs: attrs as tf.NamedAttrMap,
  }) as TensorInfo;
}

function transpose(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return run("Transpose", backend, { x }, { perm });
}

/** Same data, new shape: no copy, no reference counting (the caller still owns x). */
function view(x: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

function convInfo(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap) {
  const { strides, pad, dimRoundingMode, dataFormat } = attrs as unknown as {
    strides: [number, number] | number;
    pad: "valid" | "same" | number | tf.backend_util.ExplicitPadding;
    dimRoundingMode?: "floor" | "round" | "ceil";
    dataFormat: "NHWC" | "NCHW";
  };
  if (dataFormat === "NCHW") return null;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
}

/**
 * dW[i,j,ci,co] = Σ_{n,y,x} xpad[n, y·s+i, x·s+j, ci] · dy[n,y,x,co]: a conv whose
 * "batch" is ci, "channels" are n and whose filter is dy, dilated by the stride.
 */
function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const backend = args.backend as WasmBackend;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs ?? {};
  const filterShape = attrs.filterShape as number[];
  const info = convInfo(x.shape, filterShape, attrs);
  if (!info) throw new Error("Conv2DBackpropFilter on wasm supports only NHWC (channelsLast) data");
  const [kh, kw] = filterShape;
  const { strideHeight: sH, strideWidth: sW, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Pads that make the output exactly kh×kw; negative means trailing input is never read.
  const padBottom = kh + (oh - 1) * sH - h - padTop;
  const padRight = kw + (ow - 1) * sW - w - padLeft;
  const xt = transpose(backend, x, [3, 1, 2, 0]);
  const dyt = transpose(backend, dy, [1, 2, 0, 3]);
  const raw = conv(backend, xt, dyt, {
    padTop,
    padLeft,
    padBottom: Math.max(padBottom, 0),
    padRight: Math.max(padRight, 0),
    strideH: 1,
    strideW: 1,
    dilationH: sH,
    dilationW: sW,
  });
  backend.disposeData(xt.dataId);
  backend.disposeData(dyt.dataId);
  let cropped = raw;
  if (raw.shape[1] !== kh || raw.shape[2] !== kw) {
    cropped = run("Slice", backend, { x: raw }, { begin: [0, 0, 0, 0], size: [raw.shape[0], kh, kw, raw.shape[3]] });
    backend.disposeData(raw.dataId);
  }
  const out = transpose(backend, cropped, [1, 2, 0, 3]);
  backend.disposeData(cropped.dataId);
  return out;
}

let originalBackpropInput: tf.KernelConfig | undefined;
const originalSetUp = new WeakSet<WasmBackend>();

/** The stock kernel, for geometries the fast path does not cover (NCHW, pads larger than the filter). */
function fallbackBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const backend = args.backend as WasmBackend;
  const original = originalBackpropInput;
  if (!original) throw new Error("Conv2DBackpropInput: no wasm kernel to fall back on");
  if (original.setupFunc && !originalSetUp.has(backend)) {
    original.setupFunc(backend as unknown as tf.KernelBackend);
    originalSetUp.add(backend);
  }
  return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
}

/** Zero-stuff dy by the stride: [n,oh,ow,c] → [n, oh·sH, ow·sW, c] with dy at multiples of the stride. */
function stuff(backend: WasmBackend, dy: TensorInfo, sH: number, sW: number): TensorInfo {
  const [n, oh, ow, c] = dy.shape;
  const padded = run(
    "PadV2",
    backend,
    { x: view(dy, [n * oh, 1, ow, 1, c]) },
    {
      paddings: [
        [0, 0],
        [0, sH - 1],
        [0, 0],
        [0, sW - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  return view(padded, [n, oh * sH, ow * sW, c]);
}

/** dx = conv(stuffed dy, flip(W)ᵀ) with pads k−1−p: the transposed convolution. */
function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) {
  const backend = args.backend as WasmBackend;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs ?? {};
  const inputShape = attrs.inputShape as number[];
  const info = convInfo(inputShape, filter.shape, attrs);
  if (!info) return fallbackBackpropInput(args);
  const [kh, kw] = filter.shape;
  const { strideHeight: sH, strideWidth: sW, inHeight: h, inWidth: w } = info;
  const padTop = kh - 1 - info.padInfo.top;
  const padLeft = kw - 1 - info.padInfo.left;
  const stuffedH = dy.shape[1] * sH;
  const stuffedW = dy.shape[2] * sW;
  const padBottom = h - stuffedH + kh - 1 - padTop;
  const padRight = w - stuffedW + kw - 1 - padLeft;
  if (Math.min(padTop, padLeft, padBottom, padRight) < 0) return fallbackBackpropInput(args);
  const flipped = run("Reverse", backend, { x: filter }, { dims: [0, 1] });
  const wt = transpose(backend, flipped, [0, 1, 3, 2]);
  backend.disposeData(flipped.dataId);
  const strided = sH > 1 || sW > 1;
  const input = strided ? stuff(backend, dy, sH, sW) : dy;
  const out = conv(backend, input, wt, {
    padTop,
    padLeft,
    padBottom,
    padRight,
    strideH: 1,
    strideW: 1,
    dilationH: 1,
    dilationW: 1,
  });
  if (strided) backend.disposeData(input.dataId);
  backend.disposeData(wt.dataId);
  return out;
}

let registered = false;

/** Register (once) the wasm training kernels; safe to call before or after the backend starts. */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const stock = tf.getKernel("Conv2DBackpropInput", "wasm");
  if (stock) {
    originalBackpropInput = stock;
    tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  }
  tf.registerKernel({ kernelName: "Conv2DBackpropInput", backendName: "wasm", kernelFunc: conv2DBackpropInput });
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
  tf.registerKernel({ kernelName: "Conv2DBackpropFilter", backendName: "wasm", kernelFunc: conv2DBackpropFilter });
}
