import { describe, expect, it } from 'vitest';
import { niceCeiling, stepArea } from './FleetSizePlot';

describe('fleet size plot geometry', () => {
  it('rounds the y axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 12, 4999, 5001].map(niceCeiling)).toEqual([1, 1, 5, 10, 20, 5000, 10000]);
  });

  it('outlines the band between two step-after lines', () => {
    expect(stepArea([0, 10, 20], [100, 100, 90], [80, 70, 60])).toBe('M0,80H10V70H20V60V90V100H10V100H0Z');
  });
});
