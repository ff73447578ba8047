import { tf } from "../tf.js";

/** Per-example cross-entropy of integer labels, shape [batch]. */
export function crossEntropyPerExample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  const oneHot = tf.oneHot(tf.cast(labels, "int32"), logits.shape[1]);
  return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as tf.Tensor1D;
}

/** Mean cross-entropy over the batch: the training loss. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.mean(crossEntropyPerExample(logits, labels)) as tf.Scalar;
}
