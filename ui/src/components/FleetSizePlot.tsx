import { memo } from 'react';
import type { SizePoint } from '../state/fleetMetrics';
import { STATUS_GROUP_LABELS, type StatusGroup } from '../state/tableView';

export const GROUP_COLORS: Record<StatusGroup, string> = {
  running: '#15803d',
  in_progress: '#1d4ed8',
  failed: '#b91c1c',
  ended: '#6b7280',
};
/** Bottom to top. */
const STACK: readonly StatusGroup[] = ['running', 'in_progress', 'failed', 'ended'];
const WIDTH = 800;
const HEIGHT = 220;
const PAD = { top: 8, right: 16, bottom: 22, left: 48 };
const TEN_MINUTES = 600_000;
const HHMM = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** A round upper bound for the y axis: 1, 2, 5 × 10^k. */
export function niceCeiling(value: number): number {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Fleet size by status over the last hour as stacked steps, drawn as plain SVG. A charting library's
 * version of this one plot took a task of half a second to mount on a busy machine (it measures every
 * label and runs its store's selectors once per registered element); this takes a few milliseconds.
 */
export const FleetSizePlot = memo(function FleetSizePlot({ series }: { series: SizePoint[] }) {
  if (series.length === 0) return null;
  const first = series[0].at;
  const last = series[series.length - 1].at;
  const span = Math.max(1, last - first);
  const max = niceCeiling(Math.max(...series.map((p) => p.running + p.in_progress + p.failed + p.ended)));
  const x = (at: number) => PAD.left + ((at - first) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (n: number) => HEIGHT - PAD.bottom - (n / max) * (HEIGHT - PAD.top - PAD.bottom);

  const below = new Array<number>(series.length).fill(0);
  const areas = STACK.map((group) => {
    const lower = below.slice();
    series.forEach((p, k) => (below[k] += p[group]));
    return { group, d: stepArea(series.map((p) => x(p.at)), lower.map(y), below.map(y)) };
  });
  const timeTicks: number[] = [];
  for (let at = Math.ceil(first / TEN_MINUTES) * TEN_MINUTES; at <= last; at += TEN_MINUTES) timeTicks.push(at);
  const valueTicks = [0, max / 4, max / 2, (3 * max) / 4, max];

  return (
    <>
      <svg className="size-plot" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="presentation" focusable="false">
        {valueTicks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} stroke="#e5e7eb" strokeDasharray="3 3" />
            <text x={PAD.left - 6} y={y(v)} dy={4} textAnchor="end" fontSize={12} fill="#6b7280">
              {Number.isInteger(v) ? v : v.toFixed(1)}
            </text>
          </g>
        ))}
        {areas.map(({ group, d }) => (
          <path key={group} d={d} fill={GROUP_COLORS[group]} fillOpacity={0.35} stroke={GROUP_COLORS[group]} strokeWidth={1} />
        ))}
        {timeTicks.map((at) => (
          <text key={at} x={x(at)} y={HEIGHT - PAD.bottom} dy={16} textAnchor="middle" fontSize={12} fill="#6b7280">
            {HHMM.format(at)}
          </text>
        ))}
      </svg>
      <ul className="plot__legend">
        {STACK.map((g) => (
          <li key={g}>
            <span className="plot__swatch" style={{ background: GROUP_COLORS[g] }} /> {STATUS_GROUP_LABELS[g]}
          </li>
        ))}
      </ul>
    </>
  );
});

/** The closed outline between two step-after lines sharing the same x positions. */
export function stepArea(xs: number[], lower: number[], upper: number[]): string {
  const n = xs.length;
  if (n === 0) return '';
  let d = `M${xs[0]},${upper[0]}`;
  for (let k = 1; k < n; k++) d += `H${xs[k]}V${upper[k]}`;
  d += `V${lower[n - 1]}`;
  for (let k = n - 1; k >= 1; k--) d += `V${lower[k - 1]}H${xs[k - 1]}`;
  return `${d}Z`;
}
