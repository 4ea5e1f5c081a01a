import { describe, expect, it } from 'vitest';
import { parseCommonTrainArgs } from '../../scripts/train/lib/args.ts';

describe('parseCommonTrainArgs --out', () => {
  it('takes --out DIR and --out=DIR alike, and says it was given', () => {
    for (const args of [['--out', 'runs/a'], ['--out=runs/a']]) {
      const parsed = parseCommonTrainArgs(args, {}, {});
      expect(parsed.out).toBe('runs/a');
      expect(parsed.outGiven).toBe(true);
    }
  });

  it('falls back to the default and reports --out as absent', () => {
    const parsed = parseCommonTrainArgs(['--steps', '5'], { out: 'out/train/x' });
    expect(parsed.out).toBe('out/train/x');
    expect(parsed.outGiven).toBe(false);
  });
});
