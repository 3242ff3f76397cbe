// The plots' data in the shape uPlot draws (pure, no uPlot import, so it is tested in Node).
import type { Distribution, SizePoint } from '../state/fleetMetrics';
import type { StatusGroup } from '../state/tableView';

export const GROUP_COLORS: Record<StatusGroup, string> = {
  running: '#15803d',
  in_progress: '#1d4ed8',
  failed: '#b91c1c',
  ended: '#6b7280',
};
/** Bottom to top. */
export const STACK: readonly StatusGroup[] = ['running', 'in_progress', 'failed', 'ended'];

/** A round upper bound for the y axis: 1, 2, 5 × 10^k. */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/**
 * uPlot's aligned data for the stacked fleet-size plot: x in seconds, then one series per group of
 * STACK holding the running total up to and including that group (uPlot does not stack by itself;
 * the bands between consecutive totals are filled in the group's colour).
 */
export function stackedSizeData(series: SizePoint[]): [number[], ...number[][]] {
  const xs = series.map((p) => p.at / 1000);
  const below = new Array<number>(series.length).fill(0);
  const totals = STACK.map((group) => series.map((p, k) => (below[k] += p[group])));
  return [xs, ...totals];
}

/** uPlot's aligned data for a histogram: x is the bucket's index, y its count. */
export function histogramData(dist: Distribution): [number[], number[]] {
  return [dist.histogram.map((_, i) => i), dist.histogram.map((b) => b.count)];
}
