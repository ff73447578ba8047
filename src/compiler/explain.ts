/**
 * Human-readable views of a plan: the summary `lthc plan` prints and a point's fully
 * resolved configuration (`lthc plan --explain`), so that no default stays hidden.
 */
import type { AdversaryConfig, DatasetConfig, ModelConfig, ScheduleConfig } from "../core/config.js";
import { formatTime } from "../core/labels.js";
import type { Plan } from "../core/plan-types.js";
import type { Point } from "../core/points.js";

export function formatAdversary(adversary: AdversaryConfig): string {
  if (adversary.kind === "none") return "none (clean)";
  const start = adversary.randomStart ? "random start" : "no random start";
  const labels = adversary.labels === "predicted" ? "predicted labels" : "true labels";
  return (
    `pgd(${adversary.norm}, eps=${adversary.eps}, steps=${adversary.steps}, step size=${adversary.stepSize}, ` +
    `${start}, ${labels}, BN ${adversary.bn} mode)`
  );
}

export function formatModel(model: ModelConfig): string {
  switch (model.kind) {
    case "resnet":
      return model.width === 1
        ? `resnet(${model.depth}) — ResNet-${model.depth} v1, width 1`
        : `wrn(${model.depth},${model.width}) — WideResNet-${model.depth}-${model.width}`;
    case "lenet":
      return `lenet(${model.hidden.join(",")}) — fully connected, hidden ${model.hidden.join("-")}`;
    case "convnet":
      return `convnet — conv channels [${model.channels.join(", ")}], dense hidden ${model.hidden}`;
  }
}

export function formatDataset(dataset: DatasetConfig): string {
  const augment = [dataset.flip ? "flip" : null, dataset.crop > 0 ? `crop(pad ${dataset.crop})` : null].filter(
    (part) => part !== null,
  );
  const subset = (n: number | null) => (n === null ? "all" : `first ${n}`);
  return (
    `${dataset.name}, augmentation: ${augment.length > 0 ? augment.join(" + ") : "none"}, ` +
    `train: ${subset(dataset.trainSubset)}, test: ${subset(dataset.testSubset)}`
  );
}

export function formatSchedule(schedule: ScheduleConfig): string {
  const epochs = `epoch${schedule.milestones.length === 1 ? "" : "s"} ${schedule.milestones.join(", ")}`;
  const decay = schedule.milestones.length === 0 ? "constant lr" : `lr ×${schedule.gamma} at ${epochs}`;
  return (
    `${schedule.epochs} epochs, batch ${schedule.batch}, ${schedule.optimizer} lr ${schedule.lr} ` +
    `momentum ${schedule.momentum}${schedule.nesterov ? " (nesterov)" : ""}, weight decay ${schedule.weightDecay}, ` +
    decay
  );
}

function formatParams(params: Record<string, string | number>): string {
  const entries = Object.entries(params);
  return entries.length === 0 ? "(none)" : entries.map(([name, value]) => `${name}=${value}`).join(", ");
}

/** Point `index` (0-based) of the plan, every resolved setting and the jobs that answer it. */
export function explainPoint(plan: Plan, points: readonly Point[], index: number): string {
  const point = points[index];
  const planned = plan.points[index];
  if (!point || !planned) throw new RangeError(`no point ${index}`);
  const { train, prune } = point;
  const lines = [
    `point ${index + 1} of ${points.length} — sweep ${point.sweep}`,
    `  params          ${formatParams(point.params)}`,
    `  dataset         ${formatDataset(train.dataset)}`,
    `  model           ${formatModel(train.model)}`,
    `  adversary       ${train.adversary.kind === "none" ? "none (standard training)" : formatAdversary(train.adversary)}`,
    `  schedule        ${formatSchedule(train.schedule)}`,
    `  test every epoch`,
    ...train.testAdversaries.map((adversary) => `                  ${formatAdversary(adversary)}`),
  ];
  if (prune === null) {
    lines.push("  pruning         none (dense run only)");
  } else {
    const method = prune.method === "iterative" ? `iterative (IMP, ${prune.fraction * 100}% per level)` : "one-shot";
    const counts =
      prune.strategy === "random" && prune.scope === "layerwise"
        ? ` (per-layer counts of the ${prune.counts ?? "global"} magnitude mask: its baseline)`
        : "";
    lines.push(
      `  pruning         ${prune.strategy}, ${prune.scope}${counts}, ${method}, density ${prune.density}`,
      `  rewind          ${formatTime(prune.rewind)}`,
    );
  }
  lines.push(
    `  replicate       ${point.replicate}`,
    `  tolerance       ${point.tolerance} accuracy points`,
    `  judged on       ${point.judge ?? "the training adversary"} (report only)`,
    `  dense job       ${planned.dense}`,
    `  sparse job      ${planned.sparse ?? "(none)"}`,
  );
  return `${lines.join("\n")}\n`;
}

/** 1234567 → "1,234,567"; 2.4e10 → "24.7 G". */
export function formatCount(n: number): string {
  const units: [number, string][] = [
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
  ];
  for (const [size, unit] of units) if (n >= size) return `${(n / size).toFixed(1)} ${unit}`;
  return withThousands(Math.round(n));
}

const grouped = new Intl.NumberFormat("en-US");

/** 75520 → `75,520`. One formatter for all: `toLocaleString` builds one per call, which shows in an editor's hovers. */
export function withThousands(n: number): string {
  return grouped.format(n);
}

export function plural(n: number, word: string): string {
  return `${withThousands(n)} ${word}${n === 1 ? "" : "s"}`;
}

function ratio(naive: number, shared: number): string {
  return shared > 0 ? `${(naive / shared).toFixed(2)}×` : "n/a";
}

/** The readable summary `lthc plan` prints. */
export function formatPlanSummary(plan: Plan, file: string): string {
  const s = plan.summary;
  const perSweep = new Map<string, number>();
  for (const point of plan.points) perSweep.set(point.sweep, (perSweep.get(point.sweep) ?? 0) + 1);
  const width = Math.max(...[...perSweep.keys()].map((name) => name.length), 5);
  const lines = [
    `plan for ${file}`,
    `  ${plural(s.points, "point")} in ${plural(perSweep.size, "sweep")}`,
    ...[...perSweep].map(([name, count]) => `    ${name.padEnd(width)}  ${plural(count, "point")}`),
    `  jobs: ${plural(s.denseRuns, "dense run")}, ${plural(s.maskJobs, "mask job")}, ` +
      `${plural(s.sparseRuns, "sparse run")} (${plan.jobs.length} in all)`,
    `  epochs trained: ${withThousands(s.trainEpochs)} with sharing, ` +
      `${withThousands(s.naiveTrainEpochs)} without (${ratio(s.naiveTrainEpochs, s.trainEpochs)} less work)`,
    `  image passes (forward+backward, estimated): ${formatCount(s.imagePasses)} with sharing, ` +
      `${formatCount(s.naiveImagePasses)} without (${ratio(s.naiveImagePasses, s.imagePasses)})`,
  ];
  return `${lines.join("\n")}\n`;
}
