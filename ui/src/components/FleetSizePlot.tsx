import { memo, useMemo } from 'react';
import uPlot from 'uplot';
import type { SizePoint } from '../state/fleetMetrics';
import { STATUS_GROUP_LABELS } from '../state/tableView';
import { GROUP_COLORS, STACK, niceCeiling, stackedSizeData } from './plotData';
import { AXIS, UPlotChart, type ChartOptions } from './UPlotChart';

/** 0.35 opacity as a hex alpha, as the SVG version's fill-opacity. */
const FILL_ALPHA = '59';

const OPTIONS: ChartOptions = {
  legend: { show: false },
  cursor: { show: false },
  padding: [8, 16, 0, 0],
  scales: {
    x: { time: true },
    y: { range: (_u, _min, max) => [0, niceCeiling(max ?? 0)] },
  },
  axes: [
    { ...AXIS, space: 80 },
    { ...AXIS, size: 48, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000] },
  ],
  series: [
    {},
    ...STACK.map((group) => ({
      label: STATUS_GROUP_LABELS[group],
      stroke: GROUP_COLORS[group],
      fill: GROUP_COLORS[group] + FILL_ALPHA,
      width: 1,
      points: { show: false },
      // Step-after: a count holds until the next sample.
      paths: uPlot.paths.stepped?.({ align: 1 }),
    })),
  ],
  // Each running total is filled down to the one below it, not to zero: stacked bands.
  bands: STACK.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] })),
};

/** Fleet size by status over the last hour as stacked steps (uPlot, canvas) with its legend. */
export const FleetSizePlot = memo(function FleetSizePlot({ series }: { series: SizePoint[] }) {
  const data = useMemo(() => stackedSizeData(series), [series]);
  if (series.length === 0) return null;
  return (
    <>
      <UPlotChart options={OPTIONS} data={data} height={220} />
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
