/**
 * Pruning-accuracy plots like the thesis's Figure 4-1: density on a reversed log
 * axis (dense on the left), mean accuracy with ±1 std bands over replicates for
 * pruning with rewinding (blue) and the random baseline (red), the dense accuracy
 * dashed. Vega-Lite describes the chart; Vega renders SVG; resvg rasterises PNG
 * with a font shipped in data/fonts so text renders on machines without fonts.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { GroupAnalysis, Stat } from "./analysis.js";

export const SERIES = {
  magnitude: "pruning with rewinding (magnitude)",
  random: "random pruning (baseline)",
  dense: "dense (mean)",
} as const;

const COLORS = { magnitude: "#1f77b4", random: "#d62728", dense: "#444444" };
const FONT_FAMILY = "DejaVu Sans";
const FONT_FILE = "DejaVuSans.ttf";

interface Datum {
  series: string;
  density: number;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

function datum(series: string, density: number, s: Stat): Datum {
  return { series, density, mean: s.mean * 100, lo: (s.mean - s.std) * 100, hi: (s.mean + s.std) * 100, n: s.n };
}

export function plotTitle(group: GroupAnalysis): string {
  const training =
    group.trainAdversary === "clean" ? "standard training" : `adversarial training ${group.trainAdversary}`;
  const rewind = group.rewind ? ` · rewind ${group.rewind}` : "";
  const scope = group.scope === "layerwise" ? " · layerwise pruning" : "";
  const method = group.method === "iterative" ? " · IMP" : "";
  return `${group.model} · ${training} · ${group.dataset}${rewind}${scope}${method}`;
}

function plotData(group: GroupAnalysis): Datum[] {
  const data: Datum[] = [];
  for (const d of group.densities) {
    if (d.magnitude) data.push(datum(SERIES.magnitude, d.density, d.magnitude));
    if (d.random) data.push(datum(SERIES.random, d.density, d.random));
  }
  if (group.dense) data.push(datum(SERIES.dense, 1, group.dense));
  return data;
}

const LEGEND = {
  orient: "bottom" as const,
  direction: "vertical" as const,
  labelLimit: 480,
  symbolType: "stroke",
  symbolStrokeWidth: 3,
};

function channels(densities: number[], yTitle: string) {
  const sparsest = Math.min(1, ...densities);
  const domain = [SERIES.magnitude, SERIES.random, SERIES.dense];
  const color = {
    field: "series",
    type: "nominal" as const,
    title: null,
    scale: { domain, range: [COLORS.magnitude, COLORS.random, COLORS.dense] },
    legend: LEGEND,
  };
  const x = {
    field: "density",
    type: "quantitative" as const,
    title: "density (fraction of weights kept, log scale)",
    scale: { type: "log" as const, reverse: true, domain: [sparsest, 1], nice: false },
    // Three significant digits, as in the tables: "51.2%", "2.81%".
    axis: {
      values: [...new Set([1, ...densities])],
      labelExpr: "format(datum.value * 100, '.3~r') + '%'",
      labelAngle: -45,
      grid: true,
    },
  };
  const y = { field: "mean", type: "quantitative" as const, title: yTitle, scale: { zero: false } };
  return { x, y, color };
}

function layers({ x, y, color }: ReturnType<typeof channels>) {
  return [
    // One band per strategy in a constant colour: a colour-encoded band would switch the legend off.
    ...(["magnitude", "random"] as const).map((strategy) => ({
      transform: [{ filter: `datum.series === '${SERIES[strategy]}'` }],
      mark: { type: "area" as const, opacity: 0.18, color: COLORS[strategy] },
      encoding: { x, y: { ...y, field: "lo" }, y2: { field: "hi" } },
    })),
    {
      transform: [{ filter: `datum.series !== '${SERIES.dense}'` }],
      mark: { type: "line" as const, point: { filled: true, size: 30 }, strokeWidth: 2 },
      encoding: { x, y, color },
    },
    {
      // The dense accuracy spans the whole axis, dashed.
      transform: [{ filter: `datum.series === '${SERIES.dense}'` }],
      mark: { type: "rule" as const, strokeDash: [6, 4], strokeWidth: 2 },
      encoding: { y, color },
    },
  ];
}

function yTitleOf(group: GroupAnalysis): string {
  return group.judge === "clean" ? "clean test accuracy (%)" : `test accuracy under ${group.judge} (%)`;
}

/** The Vega-Lite specification of one group's plot. */
export function plotSpec(group: GroupAnalysis): TopLevelSpec {
  const densities = group.densities.map((d) => d.density);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: plotTitle(group), fontSize: 13 },
    width: 560,
    height: 320,
    data: { values: plotData(group) },
    config: { font: FONT_FAMILY, background: "white" },
    layer: layers(channels(densities, yTitleOf(group))),
  };
}

/** A panel's name in an overview: the training it shows. */
export function trainingName(group: GroupAnalysis): string {
  return group.trainAdversary === "clean" ? "standard training" : group.trainAdversary;
}

/**
 * Figure 4-1 proper: one panel per training adversary of a model, each on its own y
 * axis, every panel tested against the adversary it trained on.
 */
export function overviewSpec(title: string, groups: GroupAnalysis[]): TopLevelSpec {
  const densities = groups.flatMap((g) => g.densities.map((d) => d.density));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, fontSize: 14, anchor: "start" },
    config: { font: FONT_FAMILY, background: "white" },
    columns: 3,
    // Concatenated, not faceted, so that every panel keeps its own y axis and layers.
    concat: groups.map((g) => ({
      title: { text: trainingName(g), fontSize: 12 },
      width: 300,
      height: 200,
      data: { values: plotData(g) },
      // A short y title: with long rotated titles Vega's headless layout misplaces the panel titles.
      layer: layers(channels(densities, "accuracy (%)")),
    })),
    resolve: { scale: { y: "independent" } },
  };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** data/fonts/DejaVuSans.ttf in the lthc package, found from this module (src/ or dist/src/). */
export function fontFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "data", "fonts", FONT_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`lthc: data/fonts/${FONT_FILE} not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export function renderPng(svg: string, scale = 2): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: {
      loadSystemFonts: false,
      fontFiles: [fontFile()],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}
