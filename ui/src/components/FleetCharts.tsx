import { memo, useMemo } from 'react';
import { useNow } from '../hooks/useNow';
import { useThrottled } from '../hooks/useThrottled';
import type { Card } from '../state/fleetState';
import { durationDistributions, fleetSizeSeries, type Distribution } from '../state/fleetMetrics';
import { formatDuration } from '../state/format';
import { FleetSizePlot } from './FleetSizePlot';
import { HistogramPlot } from './HistogramPlot';

/**
 * Fleet size by status over the last hour and the launch/termination duration distributions, from
 * the client's own instances. Redrawn at most every 2 s, however fast events arrive. Drawn by uPlot on
 * canvas, each chart created in its own short task (a previous library's first render of these three
 * plots was the page's longest task). The canvas is hidden from assistive technology: the captions
 * carry the figures in text and each histogram has a table alternative.
 */
export const FleetCharts = memo(function FleetCharts({ cards }: { cards: Record<string, Card> }) {
  const throttled = useThrottled(cards, 2000);
  const tick = useNow(true, 15_000);
  const series = useMemo(() => fleetSizeSeries(throttled, Date.now()), [throttled, tick]); // eslint-disable-line react-hooks/exhaustive-deps
  const dist = useMemo(() => durationDistributions(throttled), [throttled]);
  const now = series[series.length - 1];

  return (
    <section className="plots" aria-labelledby="plots-title">
      <h2 id="plots-title" className="section-title">
        Plots
      </h2>
      <div className="plots__grid">
        <figure className="plot plot--wide">
          <figcaption>
            <strong>Fleet size by status, last hour</strong>{' '}
            <span className="muted">
              now: {now.running} running, {now.in_progress} in progress, {now.failed} failed, {now.ended} ended
            </span>
          </figcaption>
          <div className="plot__canvas" aria-hidden="true">
            <FleetSizePlot series={series} />
          </div>
        </figure>
        <DurationPlot title="Launch duration" dist={dist.launch} color="#1d4ed8" />
        <DurationPlot title="Termination duration" dist={dist.termination} color="#6b21a8" />
      </div>
    </section>
  );
});

function DurationPlot({ title, dist, color }: { title: string; dist: Distribution; color: string }) {
  const summary =
    dist.count === 0
      ? 'no durations yet'
      : `${dist.count} instances · p50 ${formatDuration(dist.p50)} · p99 ${formatDuration(dist.p99)}`;
  return (
    <figure className="plot" data-plot={title}>
      <figcaption>
        <strong>{title}</strong> <span className="muted plot__summary">{summary}</span>
      </figcaption>
      <div className="plot__canvas" aria-hidden="true">
        <HistogramPlot dist={dist} color={color} />
      </div>
      <table className="visually-hidden">
        <caption>{title} histogram</caption>
        <thead>
          <tr>
            <th scope="col">bucket</th>
            <th scope="col">instances</th>
          </tr>
        </thead>
        <tbody>
          {dist.histogram.map((b) => (
            <tr key={b.bucket}>
              <td>{b.bucket}</td>
              <td>{b.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
