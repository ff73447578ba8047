/**
 * Test-set evaluation: clean and under each test adversary. Predictions use BN running
 * statistics (a test-time model is in eval mode, so a prediction never depends on the batch
 * it arrives in); each attack's own forward passes follow its `bn` option, exactly as in
 * training (`bn=eval`, the default: running statistics; `bn=train`: the batch's statistics,
 * never written back).
 */
import type { AdversaryConfig } from "../../core/config.js";
import { adversaryKey, legacyAdversaryKey } from "../../core/labels.js";
import { crossEntropyPerExample } from "../attack/loss.js";
import { isAttack, pgdAttack } from "../attack/pgd.js";
import type { EpochMetric } from "../job-api.js";
import type { Model } from "../models/model.js";
import { tf } from "../tf.js";

export interface LabelledBatch {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
}

export interface EvalResult {
  adversary: string;
  accuracy: number;
  loss: number;
}

/** Clean first, then each distinct non-clean adversary (by `adversaryKey`, which is complete). */
export function evaluationAdversaries(list: readonly AdversaryConfig[]): AdversaryConfig[] {
  return distinctBy(list, adversaryKey);
}

function distinctBy(list: readonly AdversaryConfig[], key: (a: AdversaryConfig) => string): AdversaryConfig[] {
  const out: AdversaryConfig[] = [{ kind: "none" }];
  const seen = new Set(["clean"]);
  for (const a of list) {
    const name = key(a);
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(a);
  }
  return out;
}

/**
 * Reads metrics written by earlier releases, which filed each adversary under
 * `legacyAdversaryKey` and evaluated only the first adversary of each such name (in
 * `testAdversaries` order), always attacking with BN running statistics. An epoch whose names
 * are exactly that legacy set, and not the complete keys' set, is re-filed under the complete
 * key of what was really computed: that adversary with `bn=eval`. The adversaries it skipped
 * stay absent. Current metrics pass unchanged.
 */
export function rekeyLegacyMetrics(testAdversaries: readonly AdversaryConfig[], metrics: EpochMetric[]): EpochMetric[] {
  const current = new Set(evaluationAdversaries(testAdversaries).map(adversaryKey));
  const legacy = new Map(distinctBy(testAdversaries, legacyAdversaryKey).map((a) => [legacyAdversaryKey(a), a]));
  const byEpoch = new Map<number, EpochMetric[]>();
  for (const m of metrics) byEpoch.set(m.epoch, [...(byEpoch.get(m.epoch) ?? []), m]);
  const sameSet = (names: Set<string>, keys: Iterable<string>) => {
    const list = [...keys];
    return list.length === names.size && list.every((k) => names.has(k));
  };
  return metrics.map((m) => {
    const names = new Set((byEpoch.get(m.epoch) ?? []).map((e) => e.adversary));
    if (sameSet(names, current) || !sameSet(names, legacy.keys())) return m;
    const evaluated = legacy.get(m.adversary);
    if (!evaluated) return m;
    return { ...m, adversary: adversaryKey(evaluated.kind === "pgd" ? { ...evaluated, bn: "eval" } : evaluated) };
  });
}

/** Sum of losses and count of correct predictions on one batch under one adversary. */
function scoreBatch(model: Model, b: LabelledBatch, adv: AdversaryConfig, seed: number): [number, number] {
  const input = !isAttack(adv) ? b.x : pgdAttack(model, b.x, b.y, adv, { seed });
  try {
    const [lossSum, correct] = tf.tidy(() => {
      const logits = model.forward(input, "running").logits;
      const loss = tf.sum(crossEntropyPerExample(logits, b.y));
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(b.y, "int32")), "float32"));
      return [loss, hits];
    });
    const values = [lossSum.dataSync()[0], correct.dataSync()[0]] as [number, number];
    tf.dispose([lossSum, correct]);
    return values;
  } finally {
    if (input !== b.x) input.dispose();
  }
}

/**
 * Accuracy (fraction in [0,1]) and mean loss per adversary over the batches.
 * `batches` is called once per adversary and must yield the same data each time;
 * evaluate disposes each yielded batch after scoring it;
 * `seedOf(batchIndex, adversaryIndex)` seeds the PGD random starts.
 */
export function evaluate(
  model: Model,
  batches: () => Iterable<LabelledBatch>,
  adversaries: readonly AdversaryConfig[],
  seedOf: (batch: number, adversary: number) => number,
): EvalResult[] {
  return evaluationAdversaries(adversaries).map((adv, ai) => {
    let loss = 0;
    let correct = 0;
    let count = 0;
    let bi = 0;
    for (const b of batches()) {
      const [l, c] = scoreBatch(model, b, adv, seedOf(bi, ai));
      loss += l;
      correct += c;
      count += b.y.shape[0];
      bi += 1;
      tf.dispose([b.x, b.y]);
    }
    return {
      adversary: adversaryKey(adv),
      accuracy: count === 0 ? 0 : correct / count,
      loss: count === 0 ? 0 : loss / count,
    };
  });
}
