/**
 * sign(x) that is exact on every backend. tfjs-backend-wasm 4.22's `Sign` kernel returns 0
 * for |x| below about 1.2e-7 (`tf.sign([1e-6, 1e-7, 1e-8])` is [1, 0, 0] on wasm, [1, 1, 1]
 * on cpu), and the input gradients of a confidently classified example are that small, so
 * an ℓ∞ PGD step built on `tf.sign` leaves such examples unmoved on wasm. Comparisons with
 * zero are exact on every backend, so the sign is built from them.
 */
import { tf } from "../tf.js";

/**
 * Elementwise sign: 1 where x > 0, −1 where x < 0, 0 where x is ±0 (NaN gives 0), float32,
 * the shape of x. Carries no gradient (PGD never differentiates through its step direction).
 */
export function exactSign<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.sub(tf.cast(tf.greater(x, 0), "float32"), tf.cast(tf.less(x, 0), "float32")) as T);
}
