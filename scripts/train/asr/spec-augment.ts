/**
 * SpecAugment on stacked features (frame-major [frames, stack·bins]): a few frequency masks
 * (the same mel bands in every stacked sub-frame) and time masks, filled with 0 — the
 * normalized mean. Applied to a copy on every training step, so each epoch sees new masks.
 */
import type { Rng } from '../lib/rng.ts';

export interface SpecAugmentConfig {
  freqMasks: number;
  maxFreqWidth: number;
  timeMasks: number;
  /** Max masked share of an utterance's frames per time mask. */
  maxTimeShare: number;
}

export const DEFAULT_SPEC_AUGMENT: SpecAugmentConfig = {
  freqMasks: 2,
  maxFreqWidth: 12,
  timeMasks: 2,
  maxTimeShare: 0.05,
};

export function specAugment(
  features: Float32Array,
  frames: number,
  bins: number,
  stack: number,
  rng: Rng,
  cfg: SpecAugmentConfig = DEFAULT_SPEC_AUGMENT,
): Float32Array {
  const out = features.slice();
  const dim = bins * stack;
  for (let k = 0; k < cfg.freqMasks; k++) {
    const width = rng.int(cfg.maxFreqWidth + 1);
    const start = rng.int(Math.max(1, bins - width));
    for (let t = 0; t < frames; t++)
      for (let s = 0; s < stack; s++)
        out.fill(0, t * dim + s * bins + start, t * dim + s * bins + start + width);
  }
  const maxWidth = Math.max(1, Math.floor(frames * cfg.maxTimeShare));
  for (let k = 0; k < cfg.timeMasks; k++) {
    const width = rng.int(maxWidth + 1);
    const start = rng.int(Math.max(1, frames - width));
    out.fill(0, start * dim, (start + width) * dim);
  }
  return out;
}
