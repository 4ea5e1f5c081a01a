/**
 * One voice's NeMo manifest → what the aligner and the acoustic model train on: normalised text
 * as symbol ids (exactly what serving feeds the model: normalizeText then encodeText), the
 * 80-band log-mel of server/audio/log-mel.ts (floored, see MEL_FLOOR), per-frame F0 (YIN) and
 * per-frame energy (mean log-mel over bands). After alignment, pitch and energy are averaged
 * per symbol over its frames and normalised with the voice's statistics (FastPitch).
 */
import cliProgress from 'cli-progress';
import { LOG_MEL_CONFIG, logMel } from '../../../server/audio/log-mel.ts';
import { trackPitch } from '../../../server/audio/pitch.ts';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import { encodeText } from '../../../server/stages/tts/symbols.ts';
import { type Lang, normalizeText } from '../../../server/stages/tts/text-normalize.ts';
import type { ManifestEntry } from '../../data/lib/manifest.ts';
import type { FastSpeechSample } from '../lib/models/fastspeech.ts';
import type { AlignerSample } from './aligner.ts';

/**
 * Log-mel values below this (mel power 1e-8) are raised to it: digital silence would otherwise
 * sit at ln(1e-10) = −23 and dominate an L1 loss with frames nobody hears.
 */
export const MEL_FLOOR = Math.log(1e-8);

export interface TtsUtterance {
  /** Absolute audio path: the key of the alignment cache. */
  key: string;
  text: string;
  ids: Int32Array;
  /** Log-mel [frames, bins]: raw (floored) after loading, normalised after normalizeMels. */
  mel: Float32Array;
  frames: number;
  /** Hz per frame, 0 = unvoiced. */
  f0: Float32Array;
  /** Mean log-mel over bands per frame (before normalisation). */
  energy: Float32Array;
}

export interface VoiceStats {
  melMean: number[];
  melStd: number[];
  pitchMeanHz: number;
  pitchStdHz: number;
  energyMean: number;
  energyStd: number;
}

export interface LoadReport {
  loaded: number;
  /** Utterances left out and why (no symbols, fewer frames than symbols, too long). */
  dropped: Record<string, number>;
  /** Characters encodeText could not map, with counts. */
  unknownChars: Record<string, number>;
  audioHours: number;
}

/** The words the voice says: `text_normalized` when the manifest has it, else normalizeText(text). */
export function ttsText(e: ManifestEntry, lang: Lang): string {
  const extra = e as ManifestEntry & { text_normalized?: string };
  return extra.text_normalized ?? normalizeText(e.text, lang);
}

export type FeaturizedUtterance =
  | { utterance: TtsUtterance; unknownChars: string[] }
  | { dropped: string; unknownChars: string[] };

/**
 * One utterance's training features from its 16 kHz audio, or why it cannot be used (no symbols,
 * longer than `maxFrames`, fewer frames than symbols). `unknownChars`: what encodeText dropped.
 */
export function ttsUtteranceFromAudio(
  key: string,
  text: string,
  samples: Float32Array,
  lang: Lang,
  maxFrames: number,
): FeaturizedUtterance {
  const bins = LOG_MEL_CONFIG.numMelBins;
  const enc = encodeText(text, lang);
  const unknownChars = enc.dropped;
  if (enc.ids.length < 2) return { dropped: 'no symbols', unknownChars };
  const { data: mel, frames } = logMel(samples);
  if (frames > maxFrames) return { dropped: `longer than ${maxFrames} frames`, unknownChars };
  if (frames < enc.ids.length) return { dropped: 'fewer frames than symbols', unknownChars };
  const energy = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    let s = 0;
    for (let m = 0; m < bins; m++) {
      const o = t * bins + m;
      if (mel[o] < MEL_FLOOR) mel[o] = MEL_FLOOR;
      s += mel[o];
    }
    energy[t] = s / bins;
  }
  return {
    utterance: {
      key,
      text,
      ids: Int32Array.from(enc.ids),
      mel,
      frames,
      f0: trackPitch(samples, frames),
      energy,
    },
    unknownChars,
  };
}

export function loadTtsUtterances(
  entries: ManifestEntry[],
  lang: Lang,
  opts: { label: string; maxFrames: number; progress?: boolean },
): { utterances: TtsUtterance[]; report: LoadReport } {
  const utterances: TtsUtterance[] = [];
  const dropped: Record<string, number> = {};
  const unknownChars: Record<string, number> = {};
  const bar =
    opts.progress === false
      ? undefined
      : new cliProgress.SingleBar(
          { format: `features ${opts.label} {bar} {value}/{total} | ETA {eta_formatted}` },
          cliProgress.Presets.shades_classic,
        );
  bar?.start(entries.length, 0);
  let totalFrames = 0;
  for (const e of entries) {
    bar?.increment();
    const text = ttsText(e, lang);
    const enc = encodeText(text, lang);
    for (const ch of enc.dropped) unknownChars[ch] = (unknownChars[ch] ?? 0) + 1;
    // Text without a single symbol is dropped before its audio is read.
    if (enc.ids.length < 2) {
      dropped['no symbols'] = (dropped['no symbols'] ?? 0) + 1;
      continue;
    }
    const wav = readWavSync(e.audio_filepath);
    if (wav.sampleRate !== LOG_MEL_CONFIG.sampleRate)
      throw new Error(`${e.audio_filepath}: ${wav.sampleRate} Hz; the TTS model trains on 16 kHz mono`);
    const r = ttsUtteranceFromAudio(e.audio_filepath, text, wav.samples, lang, opts.maxFrames);
    if ('dropped' in r) {
      dropped[r.dropped] = (dropped[r.dropped] ?? 0) + 1;
      continue;
    }
    totalFrames += r.utterance.frames;
    utterances.push(r.utterance);
  }
  bar?.stop();
  const hopS = LOG_MEL_CONFIG.hopSamples / LOG_MEL_CONFIG.sampleRate;
  return {
    utterances,
    report: { loaded: utterances.length, dropped, unknownChars, audioHours: (totalFrames * hopS) / 3600 },
  };
}

/** Per-band mel mean/std, voiced-F0 mean/std and frame-energy mean/std over the training set. */
export function measureVoiceStats(utts: TtsUtterance[]): VoiceStats {
  const bins = LOG_MEL_CONFIG.numMelBins;
  const sum = new Float64Array(bins);
  const sq = new Float64Array(bins);
  let n = 0;
  let pS = 0;
  let pQ = 0;
  let pN = 0;
  let eS = 0;
  let eQ = 0;
  for (const u of utts) {
    for (let t = 0; t < u.frames; t++) {
      for (let m = 0; m < bins; m++) {
        const v = u.mel[t * bins + m];
        sum[m] += v;
        sq[m] += v * v;
      }
      if (u.f0[t] > 0) {
        pS += u.f0[t];
        pQ += u.f0[t] * u.f0[t];
        pN++;
      }
      eS += u.energy[t];
      eQ += u.energy[t] * u.energy[t];
    }
    n += u.frames;
  }
  const std = (s: number, q: number, k: number) => Math.sqrt(Math.max(q / k - (s / k) ** 2, 1e-8));
  const r = (x: number) => Number(x.toFixed(5));
  return {
    melMean: Array.from(sum, (s) => r(s / n)),
    melStd: Array.from(sum, (s, m) => r(Math.max(std(s, sq[m], n), 1e-2))),
    pitchMeanHz: r(pN ? pS / pN : 0),
    pitchStdHz: r(pN ? Math.max(std(pS, pQ, pN), 1) : 1),
    energyMean: r(eS / n),
    energyStd: r(std(eS, eQ, n)),
  };
}

/** Normalises every utterance's mel in place with the voice's per-band stats (do it once). */
export function normalizeMels(utts: TtsUtterance[], stats: VoiceStats): void {
  const bins = stats.melMean.length;
  for (const u of utts)
    for (let i = 0; i < u.mel.length; i++) {
      const m = i % bins;
      u.mel[i] = (u.mel[i] - stats.melMean[m]) / stats.melStd[m];
    }
}

export function toAlignerSample(u: TtsUtterance): AlignerSample {
  return { ids: u.ids, mel: u.mel, frames: u.frames };
}

/**
 * Raw per-symbol values over each symbol's frames: mean F0 of its voiced frames (0 when it has
 * none) and mean frame energy.
 */
export function perSymbolProsody(
  durations: ArrayLike<number>,
  f0: Float32Array,
  energy: Float32Array,
): { pitchHz: Float32Array; energy: Float32Array } {
  const N = durations.length;
  const pitchHz = new Float32Array(N);
  const en = new Float32Array(N);
  let t = 0;
  for (let n = 0; n < N; n++) {
    let pS = 0;
    let pN = 0;
    let eS = 0;
    for (let k = 0; k < durations[n]; k++, t++) {
      if (f0[t] > 0) {
        pS += f0[t];
        pN++;
      }
      eS += energy[t];
    }
    pitchHz[n] = pN ? pS / pN : 0;
    en[n] = durations[n] ? eS / durations[n] : 0;
  }
  return { pitchHz, energy: en };
}

/** Voiced symbols → (Hz − mean)/std, unvoiced stay 0 (FastPitch); energy → (e − mean)/std. */
export function normalizeProsody(
  raw: { pitchHz: ArrayLike<number>; energy: ArrayLike<number> },
  stats: VoiceStats,
): { pitch: Float32Array; energy: Float32Array } {
  return {
    pitch: Float32Array.from(raw.pitchHz, (p) => (p > 0 ? (p - stats.pitchMeanHz) / stats.pitchStdHz : 0)),
    energy: Float32Array.from(raw.energy, (e) => (e - stats.energyMean) / stats.energyStd),
  };
}

export interface CachedAlignment {
  durations: number[];
  pitchHz: number[];
  energy: number[];
}

export function toFastSpeechSample(u: TtsUtterance, a: CachedAlignment, stats: VoiceStats): FastSpeechSample {
  const { pitch, energy } = normalizeProsody(a, stats);
  return { ids: u.ids, durations: Int32Array.from(a.durations), pitch, energy, mel: u.mel, frames: u.frames };
}
