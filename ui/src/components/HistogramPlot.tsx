import { memo } from 'react';
import type { Distribution } from '../state/fleetMetrics';
import { niceCeiling } from './FleetSizePlot';

const WIDTH = 400;
const HEIGHT = 180;
const PAD = { top: 8, right: 8, bottom: 22, left: 40 };

/** A duration histogram as plain SVG bars; each bar's count is in its native tooltip (`<title>`). */
export const HistogramPlot = memo(function HistogramPlot({ dist, color }: { dist: Distribution; color: string }) {
  const bars = dist.histogram;
  const max = niceCeiling(Math.max(0, ...bars.map((b) => b.count)));
  const slot = (WIDTH - PAD.left - PAD.right) / Math.max(1, bars.length);
  const y = (n: number) => HEIGHT - PAD.bottom - (n / max) * (HEIGHT - PAD.top - PAD.bottom);
  const valueTicks = [0, max / 2, max];
  return (
    <svg className="size-plot" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="presentation" focusable="false">
      {valueTicks.map((v) => (
        <g key={v}>
          <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(v)} y2={y(v)} stroke="#e5e7eb" strokeDasharray="3 3" />
          <text x={PAD.left - 6} y={y(v)} dy={4} textAnchor="end" fontSize={12} fill="#6b7280">
            {Number.isInteger(v) ? v : v.toFixed(1)}
          </text>
        </g>
      ))}
      {bars.map((b, i) => (
        <g key={b.bucket}>
          <rect x={PAD.left + i * slot + slot * 0.15} y={y(b.count)} width={slot * 0.7} height={y(0) - y(b.count)} fill={color}>
            <title>{`${b.bucket}: ${b.count}`}</title>
          </rect>
          <text x={PAD.left + (i + 0.5) * slot} y={HEIGHT - PAD.bottom} dy={16} textAnchor="middle" fontSize={12} fill="#6b7280">
            {b.bucket}
          </text>
        </g>
      ))}
    </svg>
  );
});
