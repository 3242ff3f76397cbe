// @vitest-environment jsdom
import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, selectRows, sortedRows, type TableQuery } from '../state/tableView';
import { byKey, card } from '../state/testCards';
import { useRows } from './useRows';

const cards = byKey([
  card({ instance_id: 'a', status: 'running_primary', launch_requested_at: '2025-01-01T10:00:00Z' }),
  card({ instance_id: 'b', status: 'launching', launch_requested_at: '2025-01-01T10:05:00Z' }),
  card({ instance_id: 'c', status: 'terminated', launch_requested_at: '2025-01-01T09:00:00Z' }),
]);

describe('useRows', () => {
  it('takes rows sorted ahead for the same cards and query as they are, without sorting again', () => {
    const seed = sortedRows(cards, DEFAULT_QUERY);
    const { result } = renderHook(() => useRows(cards, DEFAULT_QUERY, seed));
    // The very array sorted ahead: selectRows would have made a new one.
    expect(result.current).toBe(seed.rows);
  });

  it('sorts itself when the seed is for other cards or another query, and goes on from it as cards change', () => {
    const byType: TableQuery = { ...DEFAULT_QUERY, sort: 'status' };
    const seed = sortedRows(cards, DEFAULT_QUERY);
    const { result, rerender } = renderHook(({ c, q }) => useRows(c, q, seed), { initialProps: { c: cards, q: byType } });
    expect(result.current).toEqual(selectRows(cards, byType));
    expect(result.current).not.toBe(seed.rows);

    const other = { ...cards };
    delete other.b;
    rerender({ c: other, q: DEFAULT_QUERY });
    expect(result.current.map((r) => r.key)).toEqual(selectRows(other, DEFAULT_QUERY).map((r) => r.key));

    // A seed for the cards shown now is taken even after the hook has rows of its own (a freshly listed fleet).
    const fresh = byKey([card({ instance_id: 'z', status: 'running_primary' })]);
    const freshSeed = sortedRows(fresh, DEFAULT_QUERY);
    const { result: again, rerender: rerenderAgain } = renderHook(({ c, s }) => useRows(c, DEFAULT_QUERY, s), {
      initialProps: { c: {} as typeof fresh, s: null as typeof freshSeed | null },
    });
    expect(again.current).toEqual([]);
    rerenderAgain({ c: fresh, s: freshSeed });
    expect(again.current).toBe(freshSeed.rows);
  });
});
