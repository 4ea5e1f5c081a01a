/**
 * The build plan: every utterance with its sentence, voice, prosody, channel, noise and SNR,
 * drawn from the seed. Planning is pure, so a rerun (or resume) plans the same corpus.
 */
import { type Channel, channelEffects, pickChannel } from '../synth/channel.ts';
import { noisesOf } from '../synth/noise-bank.ts';
import type { Prosody } from '../synth/synthesize.ts';
import { GENERATOR_SHARE, type Generator, type Lang, type Voice } from '../synth/voices.ts';
import type { TextPair } from '../text/generate-pairs.ts';
import type { Split } from '../text/picker.ts';
import { deriveRng, hash32, pickOne, type Rng, shuffle } from '../text/prng.ts';

export interface UtterancePlan {
  id: string;
  lang: Lang;
  split: Split;
  pairId: string;
  /** transcript: lowercase, no punctuation, numbers as words */
  text: string;
  /** written form with digits and punctuation */
  textDisplay: string;
  /** what the voice reads */
  say: string;
  domain: string;
  template: string;
  voice: Voice;
  prosody: Prosody;
  channel: Channel;
  channelEffects: string[];
  noise: string | null;
  snrDb: number | null;
  noiseOffset: number;
  padStartSamples: number;
  padEndSamples: number;
  levelDbfs: number;
  /** relative to <out>/<lang>/ */
  audioRel: string;
}

export const CLEAN_SHARE = 0.2;

function pickSnrDb(rng: Rng): number {
  const snr = rng() < 0.15 ? -5 + rng() * 10 : 5 + rng() * 25;
  return Math.round(snr * 10) / 10;
}

function pickVoice(rng: Rng, voices: Voice[], lang: Lang): Voice {
  if (lang === 'es') return pickOne(rng, voices);
  const generators = (Object.keys(GENERATOR_SHARE) as Generator[]).filter((g) =>
    voices.some((v) => v.generator === g),
  );
  const total = generators.reduce((a, g) => a + GENERATOR_SHARE[g], 0);
  let r = rng() * total;
  let chosen = generators[generators.length - 1];
  for (const g of generators) {
    if (r < GENERATOR_SHARE[g]) {
      chosen = g;
      break;
    }
    r -= GENERATOR_SHARE[g];
  }
  return pickOne(
    rng,
    voices.filter((v) => v.generator === chosen),
  );
}

/**
 * What a derived set (e.g. `npm run data -- customer`) changes about the corpus draw; every
 * field left out keeps the corpus behaviour, draw for draw.
 */
export interface PlanChoices {
  /** Seed label and id prefix (default `audio:<lang>:<split>` and `<lang>-<split>`). */
  tag?: { rng: string; id: string };
  /** Noise ids to draw from (default: the split's noises). */
  noises?: string[];
  /** Share of utterances left clean (default CLEAN_SHARE). */
  cleanShare?: number;
  /** SNR draw in dB (default: the corpus mix, 15% of it below 5 dB). */
  snrDb?: (rng: Rng) => number;
}

export function planUtterances(
  seed: number,
  lang: Lang,
  split: Split,
  count: number,
  pairs: TextPair[],
  voices: Voice[],
  choices: PlanChoices = {},
): UtterancePlan[] {
  const rng = deriveRng(seed, choices.tag?.rng ?? `audio:${lang}:${split}`);
  const splitVoices = voices.filter((v) => v.lang === lang && v.split === split);
  if (splitVoices.length === 0) throw new Error(`no ${lang} voices for ${split}`);
  const noises = choices.noises ?? noisesOf(split).map((n) => n.id);
  const cleanShare = choices.cleanShare ?? CLEAN_SHARE;
  const drawSnr = choices.snrDb ?? pickSnrDb;
  const order = shuffle(
    rng,
    pairs.map((_, i) => i),
  );
  const plans: UtterancePlan[] = [];
  for (let i = 0; i < count; i++) {
    const pair = pairs[order[i % order.length]];
    const voice = pickVoice(rng, splitVoices, lang);
    const prosody: Prosody = {
      wpm: 130 + Math.round(rng() * 60),
      pitch: 25 + Math.round(rng() * 50),
      tempo: 0.88 + rng() * 0.27,
      pitchCents: -200 + rng() * 400,
    };
    const channel = pickChannel(rng);
    const effects = channelEffects(channel, rng);
    const clean = rng() < cleanShare;
    const noise = clean ? null : pickOne(rng, noises);
    const snrDb = clean ? null : drawSnr(rng);
    const id = `${choices.tag?.id ?? `${lang}-${split}`}-${String(i).padStart(6, '0')}`;
    const noiseOffset = Math.floor(rng() * 16000 * 50);
    const padStartSamples = Math.round((0.1 + rng() * 0.4) * 16000);
    const padEndSamples = Math.round((0.1 + rng() * 0.4) * 16000);
    const levelDbfs = Math.round((-32 + rng() * 16) * 10) / 10;
    // the file name carries a hash of everything that shapes the audio, so a resumed build
    // never reuses a file made from a different plan (after a code or seed change)
    const recipe = JSON.stringify([
      pair.id,
      voice.id,
      prosody,
      effects,
      noise,
      snrDb,
      noiseOffset,
      padStartSamples,
      padEndSamples,
      levelDbfs,
    ]);
    const tag = hash32(recipe).toString(16).padStart(8, '0');
    plans.push({
      id,
      lang,
      split,
      pairId: pair.id,
      text: lang === 'en' ? pair.src_spoken : pair.tgt_spoken,
      textDisplay: lang === 'en' ? pair.src : pair.tgt,
      say: lang === 'en' ? pair.src_say : pair.tgt_say,
      domain: pair.domain,
      template: pair.template,
      voice,
      prosody,
      channel,
      channelEffects: effects,
      noise,
      snrDb,
      noiseOffset,
      padStartSamples,
      padEndSamples,
      levelDbfs,
      audioRel: `wav/${split}/${id}-${tag}.wav`,
    });
  }
  return plans;
}
