/**
 * One voice's NeMo manifest → what the vocoder trains on: the 16 kHz recordings themselves
 * (crops and their log-mel are cut per batch by the model, see lib/models/vocos.ts), plus the
 * per-band log-mel statistics the model normalises its input with. Recordings shorter than one
 * training crop are zero-padded to it (silence is also what the acoustic model ends on).
 */
import { LOG_MEL_CONFIG, logMel } from '../../../server/audio/log-mel.ts';
import { MelStatsAccumulator } from '../../../server/audio/mel-normalize.ts';
import { StftEngine, TTS_STFT_CONFIG } from '../../../server/audio/stft.ts';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import type { ManifestEntry } from '../../data/lib/manifest.ts';
import type { VocoderSample } from '../lib/models/vocos.ts';
import { framesIn, samplesOf } from '../lib/spectral.ts';

const FRAMING = LOG_MEL_CONFIG;

export interface VocoderUtterance extends VocoderSample {
  path: string;
}

export interface VocoderData {
  utterances: VocoderUtterance[];
  audioHours: number;
  /** Recordings shorter than a crop that were zero-padded. */
  padded: number;
}

/** Reads the recordings (16 kHz mono); each at least `minFrames` log-mel frames long. */
export function loadVocoderAudio(entries: readonly ManifestEntry[], minFrames: number): VocoderData {
  const minSamples = samplesOf(minFrames, FRAMING);
  let samples = 0;
  let padded = 0;
  const utterances = entries.map((e, id) => {
    const wav = readWavSync(e.audio_filepath);
    if (wav.sampleRate !== FRAMING.sampleRate)
      throw new Error(`${e.audio_filepath}: ${wav.sampleRate} Hz; the vocoder trains on 16 kHz mono`);
    samples += wav.samples.length;
    let audio = wav.samples;
    if (audio.length < minSamples) {
      audio = new Float32Array(minSamples);
      audio.set(wav.samples);
      padded++;
    }
    return { id, path: e.audio_filepath, audio, frames: framesIn(audio.length, FRAMING) };
  });
  return { utterances, audioHours: samples / FRAMING.sampleRate / 3600, padded };
}

/**
 * Per-band mean/std of the floored log-mel (the model's input normalisation) and the per-bin
 * mean log-magnitude of the STFT (the head's initial log-magnitude bias: training then starts
 * from the voice's average spectrum instead of spending thousands of steps getting there).
 */
export function voiceStatsOf(
  utterances: readonly VocoderSample[],
  melFloor: number,
): { melMean: number[]; melStd: number[]; logMagInit: number[] } {
  const acc = new MelStatsAccumulator(FRAMING.numMelBins);
  const engine = new StftEngine({ ...TTS_STFT_CONFIG, ...FRAMING, center: false });
  const bins = engine.bins;
  const logMag = new Float64Array(bins);
  const re = new Float32Array(bins);
  const im = new Float32Array(bins);
  let frames = 0;
  for (const u of utterances) {
    const { data, frames: n } = logMel(u.audio);
    for (let i = 0; i < data.length; i++) if (data[i] < melFloor) data[i] = melFloor;
    acc.add(data);
    for (let t = 0; t < n; t++) {
      engine.forward(u.audio, t * FRAMING.hopSamples, re, im, 0);
      for (let k = 0; k < bins; k++)
        logMag[k] += Math.log(Math.max(Math.sqrt(re[k] * re[k] + im[k] * im[k]), 1e-5));
    }
    frames += n;
  }
  const stats = acc.toStats();
  return {
    melMean: Array.from(stats.mean),
    melStd: Array.from(stats.variance, (v) => Math.sqrt(v)),
    logMagInit: Array.from(logMag, (s) => s / Math.max(1, frames)),
  };
}
