import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

/** Axis text and grid as the rest of the page: muted grey labels, light dashed grid lines. */
export const AXIS: uPlot.Axis = {
  stroke: '#4b5563',
  font: '12px system-ui, -apple-system, "Segoe UI", sans-serif',
  grid: { stroke: '#e5e7eb', width: 1, dash: [3, 3] },
  ticks: { show: false },
  gap: 4,
};

/**
 * One uPlot chart (canvas) filling its container's width. The chart is created in a task of its own
 * (a timeout after React's commit), so the three plots mount as three short tasks instead of one long
 * one; new data is handed to the existing chart (`setData`), never a new chart. The canvas is not
 * readable: callers put it in an `aria-hidden` box and give a text summary or a table beside it.
 */
export const UPlotChart = memo(function UPlotChart({
  options,
  data,
  height,
}: {
  /** Stable (memoised) options: a change recreates the chart. */
  options: ChartOptions;
  data: uPlot.AlignedData;
  height: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    let u: uPlot | null = null;
    const timer = setTimeout(() => {
      u = new uPlot({ ...options, width: Math.max(200, el.clientWidth), height }, latest.current, el);
      chart.current = u;
    }, 0);
    const resize =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            const width = Math.floor(entries[0].contentRect.width);
            if (u && width > 0 && width !== u.width) u.setSize({ width, height });
          });
    resize?.observe(el);
    return () => {
      clearTimeout(timer);
      resize?.disconnect();
      u?.destroy();
      chart.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  return <div ref={host} className="plot__chart" />;
});
