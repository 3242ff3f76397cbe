import { memo, useMemo } from 'react';
import uPlot from 'uplot';
import type { Distribution } from '../state/fleetMetrics';
import { histogramData, niceCeiling } from './plotData';
import { AXIS, UPlotChart, type ChartOptions } from './UPlotChart';

const bars = uPlot.paths.bars?.({ size: [0.7, Infinity], align: 0 });

function histogramOptions(labels: string[], color: string): ChartOptions {
  return {
    legend: { show: false },
    cursor: { show: false },
    padding: [16, 8, 0, 0],
    scales: {
      x: { time: false, range: [-0.5, labels.length - 0.5] },
      y: { range: (_u, _min, max) => [0, niceCeiling(max ?? 0)] },
    },
    axes: [
      {
        ...AXIS,
        grid: { show: false },
        splits: () => labels.map((_, i) => i),
        values: (_u, splits) => splits.map((i) => labels[i] ?? ''),
      },
      { ...AXIS, size: 40, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000] },
    ],
    series: [{}, { label: 'instances', stroke: color, fill: color, width: 0, points: { show: false }, paths: bars }],
    hooks: {
      // Each bar's count above it (the SVG version had it in a tooltip).
      draw: [
        (u) => {
          const { ctx } = u;
          const ys = u.data[1];
          ctx.save();
          ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
          ctx.fillStyle = '#374151';
          ctx.textAlign = 'center';
          ctx.textBaseline = 'bottom';
          ys.forEach((count, i) => {
            if (count == null) return;
            ctx.fillText(String(count), u.valToPos(i, 'x', true), u.valToPos(count, 'y', true) - 2 * devicePixelRatio);
          });
          ctx.restore();
        },
      ],
    },
  };
}

/** A duration histogram over its buckets: uPlot's bars path builder on a canvas. */
export const HistogramPlot = memo(function HistogramPlot({ dist, color }: { dist: Distribution; color: string }) {
  const key = dist.histogram.map((b) => b.bucket).join('|');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const options = useMemo(() => histogramOptions(key.split('|'), color), [key, color]);
  const data = useMemo(() => histogramData(dist), [dist]);
  return <UPlotChart options={options} data={data} height={180} />;
});
