// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useNow } from './useNow';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-01-01T10:00:00Z'));
});
afterEach(() => vi.useRealTimers());

describe('useNow', () => {
  it('renders once at mount with the time of its first render, then ticks', () => {
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return useNow(true, 1000);
    });
    const mountedAt = result.current;
    expect(mountedAt).toBe(Date.parse('2025-01-01T10:00:00Z'));
    vi.setSystemTime(new Date('2025-01-01T10:00:00.300Z'));
    act(() => vi.advanceTimersByTime(0));
    expect(renders).toBe(1);
    act(() => vi.advanceTimersByTime(1000));
    expect(result.current).toBe(Date.now());
    expect(renders).toBe(2);
  });

  it('refreshes at once when turned on later, and stops while off', () => {
    const { result, rerender } = renderHook(({ on }) => useNow(on, 1000), { initialProps: { on: false } });
    const first = result.current;
    act(() => vi.advanceTimersByTime(5000));
    expect(result.current).toBe(first);
    rerender({ on: true });
    expect(result.current).toBe(first + 5000);
  });
});
