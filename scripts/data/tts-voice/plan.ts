/**
 * Which sentences a single-voice TTS set renders. Sentences come from the corpus text splits
 * (held-out sentences stay held out), de-duplicated by what is spoken, and are drawn by the
 * seed. The voice reads `normalizeText(written)`, exactly the string the acoustic model will be
 * given at serving time, so audio and `text_normalized` agree.
 */
import { normalizeText } from '../../../server/stages/tts/text-normalize.ts';
import type { Lang, Voice } from '../synth/voices.ts';
import type { TextPair } from '../text/generate-pairs.ts';
import type { Split } from '../text/picker.ts';
import { deriveRng, hash32, shuffle } from '../text/prng.ts';

export interface TtsUtterancePlan {
  id: string;
  split: Split;
  lang: Lang;
  pairId: string;
  /** written form (digits, punctuation) as MT would produce it */
  text: string;
  /** normalizeText(text): what the voice reads and the model sees */
  textNormalized: string;
  domain: string;
  voice: Voice;
  /** relative to the output directory */
  audioRel: string;
}

/** Sentences shorter or longer than this (normalised characters) are left out: too little to
 * learn from, or longer than one training window. */
export const MIN_CHARS = 8;
export const MAX_CHARS = 220;

export function planTtsSplit(
  seed: number,
  lang: Lang,
  split: Split,
  count: number,
  pairs: readonly TextPair[],
  voice: Voice,
): TtsUtterancePlan[] {
  const seen = new Set<string>();
  const candidates: { pair: TextPair; text: string; norm: string }[] = [];
  for (const pair of pairs) {
    const text = lang === 'en' ? pair.src : pair.tgt;
    const norm = normalizeText(text, lang);
    if (norm.length < MIN_CHARS || norm.length > MAX_CHARS || seen.has(norm)) continue;
    seen.add(norm);
    candidates.push({ pair, text, norm });
  }
  if (candidates.length < count) {
    throw new Error(
      `${split}: asked for ${count} sentences, the text split has ${candidates.length} distinct`,
    );
  }
  const rng = deriveRng(seed, `tts-voice:${lang}:${split}`);
  const order = shuffle(
    rng,
    candidates.map((_, i) => i),
  );
  return order.slice(0, count).map((k, i) => {
    const { pair, text, norm } = candidates[k];
    const id = `${lang}-${split}-${String(i).padStart(5, '0')}`;
    // the name carries a hash of what shapes the audio, so a resume never reuses a stale file
    const tag = hash32(JSON.stringify([voice.id, norm]))
      .toString(16)
      .padStart(8, '0');
    return {
      id,
      split,
      lang,
      pairId: pair.id,
      text,
      textNormalized: norm,
      domain: pair.domain,
      voice,
      audioRel: `wav/${split}/${id}-${tag}.wav`,
    };
  });
}
