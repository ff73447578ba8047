/** The live terminal view of a run: plan counts, one row per running job, a log of finished jobs. */
import { Box, Static, Text } from "ink";
import type { JobState } from "../../runtime/executor-events.js";
import { bar, duration, metricsText, outcomeText, percent, STOPPING_MESSAGE, STOPPING_NOW_MESSAGE } from "./format.js";
import { countStates, jobEta, jobFraction, type LogEntry, planEta, type RunningJob, type RunState } from "./state.js";

export interface RunViewProps {
  state: RunState;
  now: number;
  color: boolean;
}

const BAR_WIDTH = 20;

export function RunView({ state, now, color }: RunViewProps) {
  return (
    <>
      <Static items={state.log}>{(entry) => <LogLine key={entry.jobId} entry={entry} color={color} />}</Static>
      <Box flexDirection="column">
        <Header state={state} now={now} />
        <Counts counts={state.finished?.counts ?? countStates(state)} color={color} />
        {[...state.running.values()].map((job) => (
          <JobRow key={job.summary.id} job={job} color={color} />
        ))}
        {state.stopping && !state.finished ? (
          <Text color={color ? "yellow" : undefined}>
            {state.stopping.immediate ? STOPPING_NOW_MESSAGE : STOPPING_MESSAGE}
          </Text>
        ) : null}
        {state.finished ? <Text bold>finished in {duration(state.finished.seconds)}</Text> : null}
      </Box>
    </>
  );
}

function Header({ state, now }: { state: RunState; now: number }) {
  const elapsed = duration((now - state.startedAt) / 1000);
  const eta = state.finished ? null : `plan ETA ${duration(planEta(state, now))}`;
  const parts = [`lthc run`, `backend ${state.backend ?? "?"}`, `${state.workers} workers`, `elapsed ${elapsed}`];
  if (eta) parts.push(eta);
  return <Text>{parts.join(" · ")}</Text>;
}

const STATE_COLORS: Record<JobState, string> = {
  done: "green",
  running: "cyan",
  waiting: "gray",
  failed: "red",
  interrupted: "yellow",
};

function Counts({ counts, color }: { counts: Record<JobState, number>; color: boolean }) {
  const order: JobState[] = ["done", "running", "waiting", "failed", "interrupted"];
  const shown = order.filter((s) => counts[s] > 0 || s !== "interrupted");
  return (
    <Text>
      plan:{" "}
      {shown.map((s, i) => (
        <Text key={s} color={color ? STATE_COLORS[s] : undefined}>
          {i > 0 ? " · " : ""}
          {counts[s]} {s}
        </Text>
      ))}
    </Text>
  );
}

function JobRow({ job, color }: { job: RunningJob; color: boolean }) {
  const fraction = jobFraction(job);
  const position = positionText(job);
  const parts = [position];
  if (job.imagesPerSec !== null) parts.push(`${Math.round(job.imagesPerSec)} img/s`);
  parts.push(`ETA ${duration(jobEta(job))}`);
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={color ? "cyan" : undefined}>[w{job.worker}]</Text> {job.summary.label}
        {job.resumedFrom ? ` (from ${job.resumedFrom})` : ""}
        {job.metrics.length > 0 ? ` · ${metricsText(job.metrics)}` : ""}
      </Text>
      <Text>
        {"     "}
        <Text color={color ? "cyan" : undefined}>{bar(fraction, BAR_WIDTH)}</Text> {percent(fraction)}{" "}
        {parts.join(" · ")}
      </Text>
    </Box>
  );
}

/** "epoch 2/4 batch 5/10"; after the last epoch, its last batch rather than "epoch 5/4". */
function positionText(job: RunningJob): string {
  if (job.batchesPerEpoch <= 0 || job.epoch === 0) return "starting";
  if (job.epoch > job.epochs)
    return `epoch ${job.epochs}/${job.epochs} batch ${job.batchesPerEpoch}/${job.batchesPerEpoch}`;
  return `epoch ${job.epoch}/${job.epochs} batch ${job.batch}/${job.batchesPerEpoch}`;
}

const MARKS: Record<LogEntry["outcome"]["status"], { mark: string; color: string }> = {
  done: { mark: "✓", color: "green" },
  failed: { mark: "✗", color: "red" },
  interrupted: { mark: "…", color: "yellow" },
};

function LogLine({ entry, color }: { entry: LogEntry; color: boolean }) {
  const { mark, color: markColor } = MARKS[entry.outcome.status];
  return (
    <Text>
      <Text color={color ? markColor : undefined}>{mark}</Text> {entry.label}
      {entry.outcome.status === "failed" ? " FAILED: " : " — "}
      {outcomeText(entry.outcome)}
    </Text>
  );
}
