import { memo, useMemo } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useNow } from '../hooks/useNow';
import { useThrottled } from '../hooks/useThrottled';
import type { Card } from '../state/fleetState';
import { durationDistributions, fleetSizeSeries, type Distribution } from '../state/fleetMetrics';
import { formatDuration } from '../state/format';
import { STATUS_GROUP_LABELS } from '../state/tableView';

const COLORS = { running: '#15803d', in_progress: '#1d4ed8', failed: '#b91c1c', ended: '#6b7280' } as const;
const HHMM = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const hhmm = (ms: number) => HHMM.format(ms);

/**
 * Fleet size by status over the last hour and the launch/termination duration distributions, from
 * the client's own instances. Redrawn at most every 2 s, however fast events arrive.
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
            <ResponsiveContainer width="100%" height={220}>
              <AreaChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
                <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} tickFormatter={hhmm} tick={{ fontSize: 12 }} />
                <YAxis allowDecimals={false} width={48} tick={{ fontSize: 12 }} />
                <Tooltip labelFormatter={(v) => hhmm(Number(v))} isAnimationActive={false} />
                <Legend />
                {(['running', 'in_progress', 'failed', 'ended'] as const).map((g) => (
                  <Area
                    key={g}
                    type="stepAfter"
                    dataKey={g}
                    name={STATUS_GROUP_LABELS[g]}
                    stackId="1"
                    stroke={COLORS[g]}
                    fill={COLORS[g]}
                    fillOpacity={0.35}
                    isAnimationActive={false}
                  />
                ))}
              </AreaChart>
            </ResponsiveContainer>
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
        <ResponsiveContainer width="100%" height={180}>
          <BarChart data={dist.histogram} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="bucket" tick={{ fontSize: 12 }} />
            <YAxis allowDecimals={false} width={40} tick={{ fontSize: 12 }} />
            <Tooltip isAnimationActive={false} />
            <Bar dataKey="count" name="instances" fill={color} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
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
