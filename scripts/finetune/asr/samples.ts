/**
 * Training samples for recognizer fine-tuning: checked manifest entries (audio already loaded)
 * → raw-audio samples with character labels; and the forgetting guard's share of the base
 * training data, drawn by the seed from the base manifest.
 */
import { type AsrFeatureConfig, asrFeatures } from '../../../server/stages/asr/features.ts';
import {
  type AsrLanguage,
  type CharVocabulary,
  encodeText,
  normalizeText,
} from '../../../server/stages/asr/vocabulary.ts';
import type { AudioSample } from '../../train/asr/audio-model.ts';
import { ctcFrameNeed } from '../../train/asr/dataset.ts';
import { Rng } from '../../train/lib/rng.ts';
import {
  type AudioLimits,
  type CheckedManifest,
  loadCheckedAudio,
  type ManifestProblem,
  parseManifestLines,
} from '../lib/manifest-check.ts';

export interface TrainSet {
  samples: AudioSample[];
  problems: ManifestProblem[];
  seconds: number;
}

/**
 * Labels and frame counts for checked entries; an entry whose text has no letter of the
 * alphabet, or whose labels cannot fit its frames under CTC, becomes a problem. Ids start at
 * `firstId` so several sets can be joined.
 */
export function toAudioSamples(
  entries: CheckedManifest['entries'],
  features: AsrFeatureConfig,
  vocab: CharVocabulary,
  lang: AsrLanguage,
  firstId = 0,
): TrainSet {
  const samples: AudioSample[] = [];
  const problems: ManifestProblem[] = [];
  let seconds = 0;
  for (const e of entries) {
    const labels = encodeText(normalizeText(e.text, lang), vocab);
    if (labels.length === 0) {
      problems.push({ line: e.line, reason: `text has no ${lang} letters: ${JSON.stringify(e.text)}` });
      continue;
    }
    const frames = asrFeatures(e.audio, features).frames;
    if (ctcFrameNeed(labels) > frames) {
      problems.push({
        line: e.line,
        reason: `text too long for the audio (${labels.length} characters in ${frames} frames)`,
      });
      continue;
    }
    samples.push({ id: firstId + samples.length, audio: e.audio, labels, frames });
    seconds += e.audio.length / 16000;
  }
  return { samples, problems, seconds };
}

/** How many base utterances make up `share` of the joined training set. */
export function baseShareCount(customerCount: number, share: number): number {
  if (!(share >= 0 && share < 1)) throw new Error(`--mix-share ${share}: must be in [0, 1)`);
  return Math.round((customerCount * share) / (1 - share));
}

/**
 * Draws up to `count` usable entries from the base manifest in a seeded order, loading audio
 * only for the drawn ones; bad lines met on the way are reported like the customer's.
 */
export function drawBaseEntries(
  manifest: string,
  count: number,
  seed: number,
  limits: AudioLimits,
): { manifest: CheckedManifest; available: number } {
  const { rows, problems } = parseManifestLines(manifest);
  const lines = rows.length + problems.length;
  const order = new Rng(seed * 31337 + 7).shuffle(rows.map((_, i) => i));
  const entries: CheckedManifest['entries'] = [];
  for (const i of order) {
    if (entries.length >= count) break;
    const r = loadCheckedAudio(rows[i], limits);
    if ('problem' in r) problems.push(r.problem);
    else entries.push({ ...rows[i].entry, audio: r.audio, line: rows[i].line });
  }
  return {
    manifest: { path: manifest, entries, problems, lines },
    available: rows.length,
  };
}
