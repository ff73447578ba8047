/**
 * max(x, 0). On the 'tensorflow' backend its gradient is libtensorflow's one
 * `ReluGrad` op instead of tfjs's `dy · step(x)`, which tfjs-node runs as six
 * full-size ops (see tensorflow-kernels.ts); elsewhere it is `tf.relu`.
 */
import { tf } from "../tf.js";
import { onTensorflowBackend, RELU } from "./tensorflow-kernels.js";

/** Elementwise max(x, 0), any shape; the gradient is dy where x > 0 and 0 elsewhere. */
export function relu<T extends tf.Tensor>(x: T): T {
  if (!onTensorflowBackend()) return tf.relu(x);
  return tf.engine().runKernel(RELU, { x }) as T;
}
