/**
 * A "customer" set for the fine-tune demo: callers with one accent in one noisy place. The
 * accent's speakers are split into customer train/dev/test speakers (a test caller is never a
 * training caller), and the noise recording into two halves: train and dev are mixed with the
 * first half, test with the second, so the test never hears the exact noise the model trained on.
 */

import type { Lang, Voice } from '../synth/voices.ts';
import type { Split } from '../text/picker.ts';
import { deriveRng, shuffle } from '../text/prng.ts';

/** Share of the accent's speakers kept for customer test and dev. */
export const TEST_SPEAKER_SHARE = 0.25;
export const DEV_SPEAKER_SHARE = 0.1;

/** The accent's voices, re-labelled with their customer split (for planUtterances). */
export function customerVoices(catalog: readonly Voice[], lang: Lang, accent: string, seed: number): Voice[] {
  const mine = catalog
    .filter((v) => v.lang === lang && v.accent === accent)
    .sort((a, b) => a.id.localeCompare(b.id));
  if (mine.length < 3) {
    const known = [...new Set(catalog.filter((v) => v.lang === lang).map((v) => v.accent))].sort().join(', ');
    throw new Error(
      `accent ${accent}: need at least 3 ${lang} voices, found ${mine.length} (accents: ${known})`,
    );
  }
  const order = shuffle(deriveRng(seed, `customer:voices:${accent}`), [...mine]);
  const nTest = Math.max(1, Math.round(mine.length * TEST_SPEAKER_SHARE));
  const nDev = Math.max(1, Math.round(mine.length * DEV_SPEAKER_SHARE));
  return order.map((v, i) => ({
    ...v,
    split: (i < nTest ? 'test' : i < nTest + nDev ? 'dev' : 'train') as Split,
  }));
}

/** Whether the base corpus kept this accent and noise out of its training split. */
export function heldOutOfBase(
  catalog: readonly Voice[],
  lang: Lang,
  accent: string,
  noiseSplit: Split | undefined,
): { accent: boolean; noise: boolean } {
  return {
    accent: !catalog.some((v) => v.lang === lang && v.accent === accent && v.split === 'train'),
    noise: noiseSplit !== undefined && noiseSplit !== 'train',
  };
}

/** First half for train and dev, second half for test. */
export function noiseHalves(noise: Float32Array): Record<Split, Float32Array> {
  const half = Math.floor(noise.length / 2);
  const first = noise.subarray(0, half);
  return { train: first, dev: first, test: noise.subarray(half) };
}
