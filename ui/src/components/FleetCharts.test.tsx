// @vitest-environment jsdom
// Smoke test: the plots mount with a stubbed uPlot (jsdom has no canvas), one chart per plot, each
// created after the commit, with the text summaries and the table alternative beside the canvas.
import { act, cleanup, render, screen } from '@testing-library/react';
import uPlot from 'uplot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byKey, card } from '../state/testCards';
import { FleetCharts } from './FleetCharts';

type Stub = { instances: { data: unknown[]; destroyed: boolean; target: HTMLElement }[] };
const stub = uPlot as unknown as Stub;

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  stub.instances.length = 0;
});

describe('FleetCharts', () => {
  it('mounts three uPlot charts in hidden boxes, beside text summaries and tables', () => {
    vi.useFakeTimers();
    const now = new Date().toISOString();
    const cards = byKey([
      card({ instance_id: 'a', launch_requested_at: now, launch_duration_seconds: 20 }),
      card({ instance_id: 'b', launch_requested_at: now, launch_duration_seconds: 400 }),
    ]);
    const { unmount } = render(<FleetCharts cards={cards} />);
    expect(stub.instances).toHaveLength(0); // created in tasks of their own, after the commit
    act(() => vi.advanceTimersByTime(10));
    expect(stub.instances).toHaveLength(3);
    for (const chart of stub.instances) expect(chart.target.closest('[aria-hidden="true"]')).not.toBeNull();
    // The launch histogram: buckets ≤ 10, 30, 60, 120, 300 s and > 300 s.
    expect(stub.instances[1].data).toEqual([
      [0, 1, 2, 3, 4, 5],
      [0, 1, 0, 0, 0, 1],
    ]);
    expect(screen.getByRole('region', { name: 'Plots' })).toBeTruthy();
    expect(screen.getByText(/2 instances · p50 20.0 s · p99 6 min 40 s/)).toBeTruthy();
    expect(screen.getByRole('table', { name: 'Launch duration histogram' })).toBeTruthy();
    unmount();
    expect(stub.instances.every((c) => c.destroyed)).toBe(true);
  });
});
