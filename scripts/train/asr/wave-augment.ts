/**
 * On-the-fly waveform augmentation for recognizer training and fine-tuning: speed perturbation
 * (Kaldi-style resampling, which shifts tempo and pitch together), noise mixing from a bank
 * of noise recordings at an SNR drawn from a range, and a gain drawn from a range (microphones
 * differ by tens of dB; a model on globally normalized features must not care). Every draw comes from the Rng it is given,
 * so the caller decides what the augmentation is a function of (see audio-model.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resample } from '../../../server/audio/resample.ts';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import { addNoiseAtSnr, meanSquare } from '../../data/synth/mix.ts';
import { noisesOf } from '../../data/synth/noise-bank.ts';
import type { Rng } from '../lib/rng.ts';

const SAMPLE_RATE = 16000;

export interface NoiseMixConfig {
  /** WAV files to draw noise from (any rate, downmixed to mono and resampled to 16 kHz). */
  files: string[];
  /** SNR range in dB, drawn uniformly. */
  snrDb: [number, number];
  /** Share of training utterances that get noise added. */
  prob: number;
}

export interface WaveAugmentConfig {
  noise: NoiseMixConfig | null;
  /** Speed factors drawn uniformly per utterance (1 = unchanged); [] or [1] = off. */
  speeds: number[];
  /** Gain range in dB drawn uniformly per utterance (peaks limited to full scale); absent = off. */
  gainDb?: [number, number] | null;
}

export interface AugmentDraw {
  speed: number;
  /** null when no noise was added. */
  snrDb: number | null;
  noise: number | null;
  /** null when no gain was applied. */
  gainDb: number | null;
}

/** One line for logs: what is drawn on every step. */
export function describeWaveAugment(cfg: WaveAugmentConfig): string {
  const speed = cfg.speeds.length > 1 ? `speed ${cfg.speeds.join('/')}` : 'no speed perturbation';
  const n = cfg.noise;
  const noise = n
    ? `noise from ${n.files.length} recording(s) at ${n.snrDb[0]}…${n.snrDb[1]} dB on ${Math.round(n.prob * 100)}% of utterances`
    : 'no noise mixing';
  const gain = cfg.gainDb ? `; gain ${cfg.gainDb[0]}…${cfg.gainDb[1]} dB` : '';
  return `${speed}; ${noise}${gain}`;
}

/** "MIN:MAX" in dB → [min, max]; throws with the flag's usage on anything else. */
export function parseDbRange(text: string, flag = '--snr', example = '0:20'): [number, number] {
  const v = text.split(':').map(Number);
  if (v.length !== 2 || v.some((x) => !Number.isFinite(x)) || v[0] > v[1])
    throw new Error(`${flag} ${text}: expected MIN:MAX in dB, e.g. ${example}`);
  return [v[0], v[1]];
}

export const parseSnrRange = (text: string): [number, number] => parseDbRange(text);

/** "0.9,1,1.1" → speed factors; each must lie in [0.5, 2]. */
export function parseSpeeds(text: string): number[] {
  const v = text.split(',').map(Number);
  if (v.some((x) => !(x >= 0.5 && x <= 2)))
    throw new Error(`--speed ${text}: factors between 0.5 and 2, comma-separated`);
  return v;
}

/** The WAV files of a folder (sorted, so the bank's order does not depend on the file system). */
export function noiseFilesIn(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`noise folder ${dir} does not exist`);
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.wav'))
    .sort()
    .map((f) => join(dir, f));
  if (files.length === 0) throw new Error(`noise folder ${dir} holds no .wav files`);
  return files;
}

/**
 * The base corpus's training noises (`<data>/noise/<id>.wav` for the train-split noises of
 * scripts/data/synth/noise-bank.ts), for when the customer brings no noise of their own.
 */
export function baseTrainNoiseFiles(dataDir: string): string[] {
  return noisesOf('train')
    .map((n) => join(dataDir, 'noise', `${n.id}.wav`))
    .filter((p) => existsSync(p));
}

export function loadNoiseBank(files: readonly string[]): Float32Array[] {
  return files.map((f) => {
    const wav = readWavSync(f);
    const x =
      wav.sampleRate === SAMPLE_RATE ? wav.samples : resample(wav.samples, wav.sampleRate, SAMPLE_RATE);
    if (x.length < SAMPLE_RATE / 10) throw new Error(`noise file ${f} is shorter than 0.1 s`);
    return x;
  });
}

/** Plays `audio` `factor` times faster (shorter and higher for factor > 1). */
export function speedPerturb(audio: Float32Array, factor: number): Float32Array {
  if (factor === 1) return audio;
  return resample(audio, SAMPLE_RATE, Math.round(SAMPLE_RATE / factor));
}

/**
 * One augmented copy of `audio` (the input is never modified). `canUseSpeed(factor)` lets the
 * caller veto a speed that would make the labels no longer fit the frames.
 */
export function augmentWave(
  audio: Float32Array,
  rng: Rng,
  cfg: WaveAugmentConfig,
  bank: readonly Float32Array[],
  canUseSpeed: (factor: number) => boolean = () => true,
): { audio: Float32Array; draw: AugmentDraw } {
  let speed = cfg.speeds.length ? cfg.speeds[rng.int(cfg.speeds.length)] : 1;
  if (!canUseSpeed(speed)) speed = 1;
  let out = speedPerturb(audio, speed);
  let snrDb: number | null = null;
  let noise: number | null = null;
  let gainDb: number | null = null;
  const n = cfg.noise;
  if (n && bank.length && rng.next() < n.prob) {
    noise = rng.int(bank.length);
    snrDb = n.snrDb[0] + rng.next() * (n.snrDb[1] - n.snrDb[0]);
    const source = bank[noise];
    if (out === audio) out = audio.slice();
    addNoiseAtSnr(out, meanSquare(out), source, snrDb, rng.int(source.length));
    // Keep the mixture in range: a loud noise could push peaks past full scale.
    limitPeak(out);
  }
  if (cfg.gainDb) {
    gainDb = cfg.gainDb[0] + rng.next() * (cfg.gainDb[1] - cfg.gainDb[0]);
    if (out === audio) out = audio.slice();
    const g = 10 ** (gainDb / 20);
    for (let i = 0; i < out.length; i++) out[i] *= g;
    limitPeak(out);
  }
  return { audio: out, draw: { speed, snrDb, noise, gainDb } };
}

/** Scales `x` down in place so no sample exceeds 0.99 (a limiter, not a clipper: no distortion). */
function limitPeak(x: Float32Array): void {
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i]));
  if (peak > 0.99) for (let i = 0; i < x.length; i++) x[i] *= 0.99 / peak;
}
