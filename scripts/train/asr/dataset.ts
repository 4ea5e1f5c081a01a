/**
 * Turns a NeMo manifest into CTC training samples for the recognizer: audio → shared ASR
 * features (server/stages/asr/features.ts) → character labels. Utterances whose labels cannot
 * fit their frames under CTC (too fast for 40 ms frames) are dropped and counted.
 */
import cliProgress from 'cli-progress';
import { LOG_MEL_CONFIG, logMel } from '../../../server/audio/log-mel.ts';
import { MelStatsAccumulator } from '../../../server/audio/mel-normalize.ts';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import {
  type AsrFeatureConfig,
  asrFeatures,
  DEFAULT_PRIOR_FRAMES,
  DEFAULT_STACK,
} from '../../../server/stages/asr/features.ts';
import {
  type AsrLanguage,
  type CharVocabulary,
  encodeText,
  normalizeText,
} from '../../../server/stages/asr/vocabulary.ts';
import type { ManifestEntry } from '../../data/lib/manifest.ts';
import type { CtcSample } from '../lib/models/lstm-ctc.ts';
import type { AudioSample } from './audio-model.ts';
import { speechOnsetSample } from './speech-onset.ts';

export interface AsrSample extends CtcSample {
  text: string;
  accent: string;
  snrDb: number | null;
  speaker: string;
}

function loadMono16k(path: string): Float32Array {
  const wav = readWavSync(path);
  if (wav.sampleRate !== LOG_MEL_CONFIG.sampleRate) {
    throw new Error(
      `${path}: ${wav.sampleRate} Hz, the recognizer trains on 16 kHz (resample when importing)`,
    );
  }
  return wav.samples;
}

/** Global per-band log-mel stats over (a seeded subset of) the training audio. */
export function measureFeatureStats(entries: ManifestEntry[], maxUtterances = 400): AsrFeatureConfig {
  const acc = new MelStatsAccumulator(LOG_MEL_CONFIG.numMelBins);
  const step = Math.max(1, Math.floor(entries.length / maxUtterances));
  for (let i = 0; i < entries.length; i += step) acc.add(logMel(loadMono16k(entries[i].audio_filepath)).data);
  const stats = acc.toStats();
  return {
    numMelBins: LOG_MEL_CONFIG.numMelBins,
    hopMs: (LOG_MEL_CONFIG.hopSamples / LOG_MEL_CONFIG.sampleRate) * 1000,
    stack: DEFAULT_STACK,
    priorFrames: DEFAULT_PRIOR_FRAMES,
    mean: Array.from(stats.mean, (v) => Number(v.toFixed(5))),
    variance: Array.from(stats.variance, (v) => Number(v.toFixed(5))),
  };
}

/** CTC needs one frame per label plus one blank between each repeated pair. */
export function ctcFrameNeed(labels: number[]): number {
  let need = labels.length;
  for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) need++;
  return need;
}

/** Calls `use` for each entry whose labels fit its frames; returns how many were dropped. */
function forEachUsable(
  entries: ManifestEntry[],
  cfg: AsrFeatureConfig,
  vocab: CharVocabulary,
  lang: AsrLanguage,
  label: string,
  use: (
    e: ManifestEntry,
    audio: Float32Array,
    feats: { data: Float32Array; frames: number },
    labels: number[],
    text: string,
  ) => void,
): number {
  let dropped = 0;
  const bar = new cliProgress.SingleBar(
    { format: `features ${label} {bar} {value}/{total} | ETA {eta_formatted}` },
    cliProgress.Presets.shades_classic,
  );
  bar.start(entries.length, 0);
  for (const e of entries) {
    bar.increment();
    const text = normalizeText(e.text, lang);
    const labels = encodeText(text, vocab);
    const audio = loadMono16k(e.audio_filepath);
    const feats = asrFeatures(audio, cfg);
    if (labels.length === 0 || ctcFrameNeed(labels) > feats.frames) {
      dropped++;
      continue;
    }
    use(e, audio, feats, labels, text);
  }
  bar.stop();
  return dropped;
}

/** Precomputed features: the fast path when no waveform augmentation is wanted (dev, test). */
export function loadAsrSamples(
  entries: ManifestEntry[],
  cfg: AsrFeatureConfig,
  vocab: CharVocabulary,
  lang: AsrLanguage,
  label: string,
): { samples: AsrSample[]; dropped: number } {
  const samples: AsrSample[] = [];
  const dropped = forEachUsable(entries, cfg, vocab, lang, label, (e, _audio, feats, labels, text) => {
    const extra = e as ManifestEntry & { accent?: string; snr_db?: number | null; speaker?: string };
    samples.push({
      features: feats.data,
      frames: feats.frames,
      labels,
      text,
      accent: extra.accent ?? 'unknown',
      snrDb: extra.snr_db ?? null,
      speaker: extra.speaker ?? 'unknown',
    });
  });
  return { samples, dropped };
}

/** Raw audio kept for featurizing after augmentation on every step (see audio-model.ts). */
export function loadAsrAudioSamples(
  entries: ManifestEntry[],
  cfg: AsrFeatureConfig,
  vocab: CharVocabulary,
  lang: AsrLanguage,
  label: string,
): { samples: AudioSample[]; dropped: number } {
  const samples: AudioSample[] = [];
  const dropped = forEachUsable(entries, cfg, vocab, lang, label, (_e, audio, feats, labels) => {
    samples.push({
      id: samples.length,
      audio,
      labels,
      frames: feats.frames,
      onsetSample: speechOnsetSample(audio),
    });
  });
  return { samples, dropped };
}
