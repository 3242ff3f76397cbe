import { describe, expect, it } from 'vitest';
import { rowWindow, scrollToRow } from './virtualWindow';

describe('row window', () => {
  it('renders only the rows in view plus the overscan, with spacers for the rest', () => {
    const w = rowWindow(40 * 1000, 600, 40, 5000, 5);
    expect(w).toEqual({ start: 995, end: 1020, top: 995 * 40, bottom: (5000 - 1020) * 40 });
    expect(w.end - w.start).toBeLessThan(40);
  });

  it('clamps at both ends and for short lists', () => {
    expect(rowWindow(0, 600, 40, 5000, 5)).toMatchObject({ start: 0, end: 20, top: 0 });
    expect(rowWindow(1e9, 600, 40, 5000, 5)).toMatchObject({ end: 5000, bottom: 0 });
    expect(rowWindow(0, 600, 40, 3)).toEqual({ start: 0, end: 3, top: 0, bottom: 0 });
    expect(rowWindow(0, 600, 40, 0)).toEqual({ start: 0, end: 0, top: 0, bottom: 0 });
  });

  it('scrolls a row into view only when it is not', () => {
    expect(scrollToRow(5, 0, 400, 40)).toBe(0);
    expect(scrollToRow(20, 0, 400, 40)).toBe(21 * 40 - 400);
    expect(scrollToRow(2, 400, 400, 40)).toBe(80);
  });
});
