/** Corpus sizes. Audio counts are utterances; measured hours are in README/docs (report.json). */

import type { Lang } from '../synth/voices.ts';
import type { Split } from '../text/picker.ts';

export type SizeName = 'small' | 'medium' | 'full';

export interface SizeSpec {
  text: Record<Split, number>;
  audio: Record<Lang, Record<Split, number>>;
}

export const SIZES: Record<SizeName, SizeSpec> = {
  small: {
    text: { train: 20000, dev: 1000, test: 2000 },
    audio: { en: { train: 700, dev: 80, test: 150 }, es: { train: 350, dev: 50, test: 80 } },
  },
  /** what the shipped recognizers train on: ~6 h English, ~3 h Spanish (seed 1) */
  medium: {
    text: { train: 20000, dev: 1000, test: 2000 },
    audio: { en: { train: 6000, dev: 150, test: 300 }, es: { train: 3000, dev: 100, test: 200 } },
  },
  full: {
    text: { train: 60000, dev: 3000, test: 5000 },
    audio: { en: { train: 21000, dev: 800, test: 1500 }, es: { train: 11000, dev: 500, test: 900 } },
  },
};
