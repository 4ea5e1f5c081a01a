import { describe, expect, it } from 'vitest';
import { percentile } from '../../scripts/eval/metrics/percentile.ts';

describe('percentile (nearest rank)', () => {
  it('is the smallest value with at least the share q at or below it', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(twenty, 0.5)).toBe(10);
    expect(percentile(twenty, 0.95)).toBe(19);
    expect(percentile(twenty, 1)).toBe(20);
    expect(percentile([3, 7, 9], 0.5)).toBe(7);
    expect(percentile([42], 0.95)).toBe(42);
  });

  it('is 0 for an empty list', () => {
    expect(percentile([], 0.95)).toBe(0);
  });
});
