import "@tensorflow/tfjs-backend-cpu";
import { tf } from "../../src/runtime/tf.js";

/** The tests of the training engine run on the pure-JS cpu backend: deterministic and always present. */
export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}
