// The numbers behind the plots, computed from the instances' own timestamps (the list and the
// stream carry them), so they need no extra endpoint and follow the stream live:
// - fleet size by status group over the last hour, sampled once a minute;
// - launch and termination durations: p50, p99 and a histogram over the seed's buckets.

import type { Instance } from '../api/types';
import type { Card } from './fleetState';
import { statusGroup, type StatusGroup } from './tableView';

export const LAUNCH_BUCKETS = [10, 30, 60, 120, 300] as const;
export const TERMINATION_BUCKETS = [5, 15, 30, 60, 180] as const;

export interface Distribution {
  count: number;
  p50: number | null;
  p99: number | null;
  /** One bar per bucket "≤ b s", plus a last one "> last b". */
  histogram: { bucket: string; count: number }[];
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function distribution(values: number[], buckets: readonly number[]): Distribution {
  const sorted = values.filter((v) => Number.isFinite(v) && v >= 0).sort((a, b) => a - b);
  const counts = new Array(buckets.length + 1).fill(0) as number[];
  for (const v of sorted) {
    const i = buckets.findIndex((b) => v <= b);
    counts[i === -1 ? buckets.length : i]++;
  }
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    histogram: counts.map((count, i) => ({
      bucket: i < buckets.length ? `≤ ${buckets[i]} s` : `> ${buckets[buckets.length - 1]} s`,
      count,
    })),
  };
}

export function durationDistributions(cards: Record<string, Card>): { launch: Distribution; termination: Distribution } {
  const launch: number[] = [];
  const termination: number[] = [];
  for (const { instance } of Object.values(cards)) {
    if (typeof instance.launch_duration_seconds === 'number') launch.push(instance.launch_duration_seconds);
    if (typeof instance.termination_duration_seconds === 'number') termination.push(instance.termination_duration_seconds);
  }
  return { launch: distribution(launch, LAUNCH_BUCKETS), termination: distribution(termination, TERMINATION_BUCKETS) };
}

const t = (iso: string | null | undefined) => (iso ? Date.parse(iso) : Number.NaN);

/**
 * The status group an instance was in at `at` (ms), from its timestamps; null before it existed.
 * A failure has no timestamp of its own: it counts from the last timestamp before it (a launch
 * timeout from the launch request), an approximation good enough for a one-hour plot.
 */
export function groupAt(instance: Instance, at: number): StatusGroup | null {
  const requested = t(instance.launch_requested_at);
  if (Number.isNaN(requested) || at < requested) return null;
  const confirmed = t(instance.launch_confirmed_at);
  const termRequested = t(instance.termination_requested_at);
  const termConfirmed = t(instance.termination_confirmed_at);
  if (!Number.isNaN(termConfirmed) && at >= termConfirmed) return 'ended';
  if (!Number.isNaN(termRequested) && at >= termRequested) {
    return instance.status === 'termination_failed' || instance.status === 'termination_timed_out' ? 'failed' : 'in_progress';
  }
  if (!Number.isNaN(confirmed) && at >= confirmed) return 'running';
  if (Number.isNaN(confirmed) && Number.isNaN(termRequested)) {
    // Never confirmed: launching until now, unless it already failed.
    return statusGroup(instance.status) === 'failed' ? (at >= requested ? 'failed' : null) : 'in_progress';
  }
  return 'in_progress';
}

export interface SizePoint {
  /** ms since epoch */
  at: number;
  in_progress: number;
  running: number;
  failed: number;
  ended: number;
}

/**
 * One point a minute over the window, the last one at `now` (the current statuses). O(instances +
 * points): each instance adds its few segments to per-group difference arrays, so 5,000 instances
 * cost about a millisecond, not one `Date.parse` per instance per point.
 */
export function fleetSizeSeries(cards: Record<string, Card>, now: number, windowMs = 3_600_000, stepMs = 60_000): SizePoint[] {
  const start = Math.ceil((now - windowMs) / stepMs) * stepMs;
  // Regular points strictly before `now`; the last point is `now` itself.
  const n = Math.max(0, Math.ceil((now - start) / stepMs));
  const diff: Record<StatusGroup, Int32Array> = {
    in_progress: new Int32Array(n + 1),
    running: new Int32Array(n + 1),
    failed: new Int32Array(n + 1),
    ended: new Int32Array(n + 1),
  };
  // The first regular point at or after `at`.
  const index = (at: number) => Math.min(n, Math.max(0, Math.ceil((at - start) / stepMs)));
  const add = (group: StatusGroup, from: number, to: number) => {
    const a = index(from);
    const b = Number.isFinite(to) ? index(to) : n;
    if (b > a) {
      diff[group][a]++;
      diff[group][b]--;
    }
  };
  const last: SizePoint = { at: now, in_progress: 0, running: 0, failed: 0, ended: 0 };
  for (const key in cards) {
    const card = cards[key];
    if (card.optimistic) continue;
    last[statusGroup(card.instance.status)]++;
    forEachSegment(card.instance, add);
  }
  const points: SizePoint[] = [];
  const acc = { in_progress: 0, running: 0, failed: 0, ended: 0 };
  for (let k = 0; k < n; k++) {
    acc.in_progress += diff.in_progress[k];
    acc.running += diff.running[k];
    acc.failed += diff.failed[k];
    acc.ended += diff.ended[k];
    points.push({ at: start + k * stepMs, ...acc });
  }
  points.push(last);
  return points;
}

type Segment = [StatusGroup, number, number];

interface Times {
  requested: number;
  confirmed: number;
  termRequested: number;
  termConfirmed: number;
}

// Instances are replaced, never changed, when their state moves on: their parsed timestamps can be
// kept for as long as the instance object lives, so a redraw parses only the instances that changed.
const parsedTimes = new WeakMap<Instance, Times>();

function timesOf(instance: Instance): Times {
  let times = parsedTimes.get(instance);
  if (!times) {
    times = {
      requested: t(instance.launch_requested_at),
      confirmed: t(instance.launch_confirmed_at),
      termRequested: t(instance.termination_requested_at),
      termConfirmed: t(instance.termination_confirmed_at),
    };
    parsedTimes.set(instance, times);
  }
  return times;
}

const INF = Number.POSITIVE_INFINITY;
/** The first of the times that is known, else never. */
const firstKnown = (a: number, b = Number.NaN, c = Number.NaN) => (!Number.isNaN(a) ? a : !Number.isNaN(b) ? b : !Number.isNaN(c) ? c : INF);

/** The periods an instance spent in each group, from its timestamps (see groupAt). */
export function segments(instance: Instance): Segment[] {
  const out: Segment[] = [];
  forEachSegment(instance, (group, from, to) => out.push([group, from, to]));
  return out;
}

function forEachSegment(instance: Instance, visit: (group: StatusGroup, from: number, to: number) => void): void {
  const { requested, confirmed, termRequested, termConfirmed } = timesOf(instance);
  if (Number.isNaN(requested)) return;
  if (Number.isNaN(confirmed) && Number.isNaN(termRequested) && Number.isNaN(termConfirmed)) {
    visit(statusGroup(instance.status) === 'failed' ? 'failed' : 'in_progress', requested, INF);
    return;
  }
  visit('in_progress', requested, firstKnown(confirmed, termRequested, termConfirmed));
  if (!Number.isNaN(confirmed)) visit('running', confirmed, firstKnown(termRequested, termConfirmed));
  if (!Number.isNaN(termRequested)) {
    const stuck = instance.status === 'termination_failed' || instance.status === 'termination_timed_out';
    visit(stuck && Number.isNaN(termConfirmed) ? 'failed' : 'in_progress', termRequested, firstKnown(termConfirmed));
  }
  if (!Number.isNaN(termConfirmed)) visit('ended', termConfirmed, INF);
}
