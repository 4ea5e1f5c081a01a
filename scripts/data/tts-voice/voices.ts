/**
 * Voices a single-speaker TTS set can be rendered with: the corpus catalog (synth/voices.ts) plus
 * the plain espeak-ng language voices without a variant, which the catalog leaves out because the
 * ASR corpus wants variety. Defaults: Spanish espeak-ng `es`, English the most natural voice
 * installed (festival's slt HTS, else flite slt).
 */
import { hasTool } from '../lib/tools.ts';
import type { Prosody } from '../synth/synthesize.ts';
import { type Lang, type Voice, voiceCatalog } from '../synth/voices.ts';

const PLAIN_ESPEAK: Voice[] = [
  {
    id: 'espeak:es',
    lang: 'es',
    generator: 'espeak-ng',
    accent: 'es-spain',
    gender: 'm',
    split: 'train',
    voice: 'es',
  },
  {
    id: 'espeak:es-419',
    lang: 'es',
    generator: 'espeak-ng',
    accent: 'es-latam',
    gender: 'm',
    split: 'train',
    voice: 'es-419',
  },
  {
    id: 'espeak:en-us',
    lang: 'en',
    generator: 'espeak-ng',
    accent: 'us',
    gender: 'm',
    split: 'train',
    voice: 'en-us',
  },
];

/** The generator's own rate and pitch: sox `tempo 1 pitch 0` is a byte-exact no-op (checked). */
export const NEUTRAL_PROSODY: Prosody = { wpm: 175, pitch: 50, tempo: 1, pitchCents: 0 };

export function ttsVoices(): Voice[] {
  return [...PLAIN_ESPEAK, ...voiceCatalog()];
}

/** The binaries a voice needs besides sox. */
export function toolsFor(voice: Voice): string[] {
  return [voice.generator === 'festival' ? 'text2wave' : voice.generator];
}

export function defaultVoiceId(lang: Lang, have: (tool: string) => boolean = hasTool): string {
  if (lang === 'es') return 'espeak:es';
  return have('text2wave') ? 'festival:cmu_us_slt_arctic_hts' : 'flite:slt';
}

export function resolveVoice(id: string, lang: Lang): Voice {
  const voice = ttsVoices().find((v) => v.id === id);
  if (!voice) {
    const ids = ttsVoices()
      .filter((v) => v.lang === lang)
      .map((v) => v.id);
    throw new Error(`unknown voice "${id}" for ${lang}; e.g. ${ids.slice(0, 8).join(', ')} …`);
  }
  if (voice.lang !== lang) throw new Error(`voice ${id} speaks ${voice.lang}, not ${lang}`);
  return voice;
}
