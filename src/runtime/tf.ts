/**
 * The one place that loads TensorFlow.js. tfjs-core registers no gradients by
 * itself; tfjs-layers' side effect registers them all (the ESM path
 * tfjs-core/dist/register_all_gradients does not resolve under Node).
 * Chained ops (x.sum()) are not registered: use the functional forms (tf.sum(x)).
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-layers";

export { tf };
