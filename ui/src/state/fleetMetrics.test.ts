import { describe, expect, it, vi } from 'vitest';
import { distribution, durationDistributions, fleetSizeSeries, groupAt, LAUNCH_BUCKETS, percentile, segments } from './fleetMetrics';
import { byKey, card } from './testCards';

describe('duration distribution', () => {
  it('nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it("counts launches into the seed's buckets 10/30/60/120/300 s and above", () => {
    const d = distribution([3, 10, 10.5, 45, 61, 299, 301, 1000], LAUNCH_BUCKETS);
    expect(d.histogram).toEqual([
      { bucket: '≤ 10 s', count: 2 },
      { bucket: '≤ 30 s', count: 1 },
      { bucket: '≤ 60 s', count: 1 },
      { bucket: '≤ 120 s', count: 1 },
      { bucket: '≤ 300 s', count: 1 },
      { bucket: '> 300 s', count: 2 },
    ]);
    expect(d).toMatchObject({ count: 8, p50: 45, p99: 1000 });
  });

  it('takes launch and termination durations from the instances', () => {
    const d = durationDistributions(byKey([
      card({ instance_id: 'a', launch_duration_seconds: 12, termination_duration_seconds: 4 }),
      card({ instance_id: 'b', launch_duration_seconds: 40 }),
      card({ instance_id: 'c' }),
    ]));
    expect(d.launch.count).toBe(2);
    expect(d.termination.histogram[0]).toEqual({ bucket: '≤ 5 s', count: 1 });
    expect(d.termination.histogram.map((b) => b.bucket)).toEqual(['≤ 5 s', '≤ 15 s', '≤ 30 s', '≤ 60 s', '≤ 180 s', '> 180 s']);
  });
});

describe('fleet size over the last hour', () => {
  const T = (m: number) => Date.parse('2025-01-01T10:00:00Z') + m * 60_000;
  const iso = (m: number) => new Date(T(m)).toISOString();
  const lifecycle = card({
    instance_id: 'a',
    status: 'terminated',
    launch_requested_at: iso(0),
    launch_confirmed_at: iso(1),
    termination_requested_at: iso(30),
    termination_confirmed_at: iso(31),
  });

  it('knows the group an instance was in at each moment', () => {
    expect(groupAt(lifecycle.instance, T(-1))).toBeNull();
    expect(groupAt(lifecycle.instance, T(0.5))).toBe('in_progress');
    expect(groupAt(lifecycle.instance, T(10))).toBe('running');
    expect(groupAt(lifecycle.instance, T(30.5))).toBe('in_progress');
    expect(groupAt(lifecycle.instance, T(40))).toBe('ended');
    expect(segments(lifecycle.instance).map((s) => s[0])).toEqual(['in_progress', 'running', 'in_progress', 'ended']);
  });

  it('samples once a minute and ends with the current counts; agrees with groupAt at every point', () => {
    const failed = card({ instance_id: 'b', status: 'launch_timed_out', launch_requested_at: iso(20) });
    const cards = byKey([lifecycle, failed]);
    const now = T(45) + 30_000;
    const series = fleetSizeSeries(cards, now);
    expect(series).toHaveLength(61);
    expect(series.at(-1)).toEqual({ at: now, in_progress: 0, running: 0, failed: 1, ended: 1 });
    for (const p of series.slice(0, -1)) {
      const expected = { in_progress: 0, running: 0, failed: 0, ended: 0 };
      for (const c of Object.values(cards)) {
        const g = groupAt(c.instance, p.at);
        if (g) expected[g]++;
      }
      expect({ in_progress: p.in_progress, running: p.running, failed: p.failed, ended: p.ended }).toEqual(expected);
    }
  });

  it('reads each timestamp once per instance, not once per point (5,000 instances stay cheap)', () => {
    const many = byKey(Array.from({ length: 5000 }, (_, i) => card({ instance_id: `i${i}`, launch_requested_at: iso(-i % 90), launch_confirmed_at: iso((-i % 90) + 1) })));
    const parse = vi.spyOn(Date, 'parse');
    const series = fleetSizeSeries(many, T(0));
    expect(parse.mock.calls.length).toBeLessThanOrEqual(4 * 5000);
    expect(series.at(-1)!.running).toBe(5000);
  });
});
