/**
 * The voice catalog: every synthetic speaker, its accent, generator and split. Whole accents
 * and whole voices are held out: a test speaker never appears in train or dev.
 *
 * English (espeak-ng): 8 accents × the espeak-ng variants below; en-us-nyc is dev-only, en-029
 * (Caribbean) and en-gb-x-gbcwmd (West Midlands) are test-only, and some variants are dev/test
 * only whatever the accent. flite: kal, kal16, slt train; awb dev; rms test. festival: kal
 * diphone and slt HTS train; ked diphone test. Spanish (espeak-ng es, es-419): split by variant.
 */
import type { Split } from '../text/picker.ts';

export type Generator = 'espeak-ng' | 'flite' | 'festival';
export type Lang = 'en' | 'es';

export interface Voice {
  /** speaker id, unique across the corpus */
  id: string;
  lang: Lang;
  generator: Generator;
  accent: string;
  gender: 'm' | 'f';
  split: Split;
  /** generator-specific voice name (espeak "en-us+m3", flite "slt", festival "voice_kal_diphone") */
  voice: string;
}

/** espeak-ng variants: [file name, gender, split]. Odd ones (whisper, robots, croak) are left out. */
const VARIANTS: [string, 'm' | 'f', Split][] = [
  ['m1', 'm', 'train'],
  ['m2', 'm', 'train'],
  ['m3', 'm', 'train'],
  ['m6', 'm', 'train'],
  ['m7', 'm', 'train'],
  ['m8', 'm', 'train'],
  ['f1', 'f', 'train'],
  ['f2', 'f', 'train'],
  ['f5', 'f', 'train'],
  ['klatt', 'm', 'train'],
  ['klatt2', 'm', 'train'],
  ['klatt4', 'm', 'train'],
  ['adam', 'm', 'train'],
  ['Alex', 'm', 'train'],
  ['Andy', 'm', 'train'],
  ['Annie', 'f', 'train'],
  ['belinda', 'f', 'train'],
  ['benjamin', 'm', 'train'],
  ['david', 'm', 'train'],
  ['edward', 'm', 'train'],
  ['linda', 'f', 'train'],
  ['max', 'm', 'train'],
  ['michel', 'm', 'train'],
  ['paul', 'm', 'train'],
  ['quincy', 'm', 'train'],
  ['rob', 'm', 'train'],
  ['robert', 'm', 'train'],
  ['steph', 'f', 'train'],
  ['steph2', 'f', 'train'],
  ['travis', 'm', 'train'],
  ['victor', 'm', 'train'],
  ['norbert', 'm', 'train'],
  ['shelby', 'f', 'train'],
  ['iven', 'm', 'train'],
  ['sandro', 'm', 'train'],
  ['grandma', 'f', 'train'],
  ['Gene', 'm', 'train'],
  ['marcelo', 'm', 'train'],
  ['miguel', 'm', 'train'],
  ['pablo', 'm', 'train'],
  ['m4', 'm', 'dev'],
  ['f3', 'f', 'dev'],
  ['Alicia', 'f', 'dev'],
  ['john', 'm', 'dev'],
  ['pedro', 'm', 'dev'],
  ['m5', 'm', 'test'],
  ['f4', 'f', 'test'],
  ['klatt3', 'm', 'test'],
  ['aunty', 'f', 'test'],
  ['Andrea', 'f', 'test'],
  ['Lee', 'm', 'test'],
  ['zac', 'm', 'test'],
  ['anika', 'f', 'test'],
  ['Mario', 'm', 'test'],
];

const EN_ACCENTS: [string, string, Split][] = [
  ['en-us', 'us', 'train'],
  // plain "en" is espeak-ng's British English; the "en-gb" alias ignores +variants
  ['en', 'gb', 'train'],
  ['en-gb-x-rp', 'gb-rp', 'train'],
  ['en-gb-scotland', 'scottish', 'train'],
  ['en-gb-x-gbclan', 'lancashire', 'train'],
  ['en-us-nyc', 'us-nyc', 'dev'],
  ['en-029', 'caribbean', 'test'],
  ['en-gb-x-gbcwmd', 'west-midlands', 'test'],
];

const ES_ACCENTS: [string, string][] = [
  ['es', 'es-spain'],
  ['es-419', 'es-latam'],
];

/** A speaker is held out if its accent or its variant is (test wins over dev). */
function combine(a: Split, b: Split): Split {
  if (a === 'test' || b === 'test') return 'test';
  if (a === 'dev' || b === 'dev') return 'dev';
  return 'train';
}

function uniqueVariants(): [string, 'm' | 'f', Split][] {
  const names = VARIANTS.map(([name]) => name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`espeak variant listed twice: ${dup}`);
  return VARIANTS;
}

export function voiceCatalog(): Voice[] {
  const voices: Voice[] = [];
  for (const [code, accent, accentSplit] of EN_ACCENTS) {
    for (const [variant, gender, variantSplit] of uniqueVariants()) {
      voices.push({
        id: `espeak:${code}+${variant}`,
        lang: 'en',
        generator: 'espeak-ng',
        accent,
        gender,
        split: combine(accentSplit, variantSplit),
        voice: `${code}+${variant}`,
      });
    }
  }
  for (const [code, accent] of ES_ACCENTS) {
    for (const [variant, gender, split] of uniqueVariants()) {
      voices.push({
        id: `espeak:${code}+${variant}`,
        lang: 'es',
        generator: 'espeak-ng',
        accent,
        gender,
        split,
        voice: `${code}+${variant}`,
      });
    }
  }
  const flite: [string, string, 'm' | 'f', Split][] = [
    ['kal', 'us', 'm', 'train'],
    ['kal16', 'us', 'm', 'train'],
    ['slt', 'us', 'f', 'train'],
    ['awb', 'scottish', 'm', 'dev'],
    ['rms', 'us', 'm', 'test'],
  ];
  for (const [name, accent, gender, split] of flite) {
    voices.push({ id: `flite:${name}`, lang: 'en', generator: 'flite', accent, gender, split, voice: name });
  }
  const festival: [string, string, 'm' | 'f', Split][] = [
    ['voice_kal_diphone', 'us', 'm', 'train'],
    ['voice_cmu_us_slt_arctic_hts', 'us', 'f', 'train'],
    ['voice_ked_diphone', 'us', 'm', 'test'],
  ];
  for (const [name, accent, gender, split] of festival) {
    voices.push({
      id: `festival:${name.replace(/^voice_/, '')}`,
      lang: 'en',
      generator: 'festival',
      accent,
      gender,
      split,
      voice: name,
    });
  }
  return voices;
}

/** Share of utterances per generator (English); Spanish is espeak-ng only. */
export const GENERATOR_SHARE: Record<Generator, number> = { 'espeak-ng': 0.55, flite: 0.25, festival: 0.2 };
