import { describe, expect, it } from 'vitest';
import { distribution, type SizePoint } from '../state/fleetMetrics';
import { histogramData, niceCeiling, stackedSizeData } from './plotData';

describe('plot data', () => {
  it('rounds the y axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 12, 4999, 5001].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 5000, 10000]);
  });

  it('stacks the groups bottom to top as running totals, x in seconds', () => {
    const series: SizePoint[] = [
      { at: 60_000, running: 1, in_progress: 2, failed: 0, ended: 0 },
      { at: 120_000, running: 3, in_progress: 0, failed: 1, ended: 2 },
    ];
    expect(stackedSizeData(series)).toEqual([
      [60, 120],
      [1, 3],
      [3, 3],
      [3, 4],
      [3, 6],
    ]);
  });

  it('gives one bar per bucket, indexed from 0', () => {
    expect(histogramData(distribution([5, 25, 400], [10, 30]))).toEqual([
      [0, 1, 2],
      [1, 1, 1],
    ]);
  });
});
