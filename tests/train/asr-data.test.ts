import { describe, expect, it } from 'vitest';
import { ctcFrameNeed } from '../../scripts/train/asr/dataset.ts';
import { specAugment } from '../../scripts/train/asr/spec-augment.ts';
import { Rng } from '../../scripts/train/lib/rng.ts';

describe('ASR training data', () => {
  it('counts the frames CTC needs: one per label plus a blank between repeats', () => {
    expect(ctcFrameNeed([])).toBe(0);
    expect(ctcFrameNeed([3, 4, 5])).toBe(3);
    expect(ctcFrameNeed([3, 3, 4, 4, 4])).toBe(8);
  });

  it('SpecAugment masks whole bands in every stacked sub-frame and leaves the input untouched', () => {
    const frames = 50;
    const bins = 8;
    const stack = 2;
    const x = new Float32Array(frames * bins * stack).fill(1);
    const y = specAugment(x, frames, bins, stack, new Rng(3), {
      freqMasks: 1,
      maxFreqWidth: 3,
      timeMasks: 1,
      maxTimeShare: 0.2,
    });
    expect(x.every((v) => v === 1)).toBe(true);
    const zeros = y.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
    expect(zeros).toBeGreaterThan(0);
    // a frequency mask hits the same band of both stacked sub-frames
    for (let t = 0; t < frames; t++) {
      for (let m = 0; m < bins; m++) {
        const a = y[t * bins * stack + m];
        const b = y[t * bins * stack + bins + m];
        const wholeFrameMasked = y.subarray(t * bins * stack, (t + 1) * bins * stack).every((v) => v === 0);
        if (!wholeFrameMasked) expect(a === 0).toBe(b === 0);
      }
    }
  });
});
