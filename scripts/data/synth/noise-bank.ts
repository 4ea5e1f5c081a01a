/**
 * Noise recordings made here: sox colored noise, JS hum, and babble from synthetic talkers.
 * Each noise belongs to one split; test noises (mains buzz at 60 Hz, café, fan, test babble)
 * are never mixed into train or dev.
 */
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/exec.ts';
import { readPcm16Wav, writePcm16WavAtomic } from '../lib/pcm16-wav.ts';
import type { Split } from '../text/picker.ts';
import { deriveRng, pickOne, type Rng } from '../text/prng.ts';
import { meanSquare } from './mix.ts';
import type { Voice } from './voices.ts';

export interface NoiseSpec {
  id: string;
  split: Split;
  kind: 'sox' | 'hum' | 'babble' | 'mixture';
  /** sox synth arguments after `synth <seconds>` plus extra effects */
  sox?: string[];
  humHz?: number;
  /** for mixtures: ids of noises to sum */
  parts?: string[];
  talkers?: number;
}

export const NOISE_SECONDS = 60;

export const NOISES: NoiseSpec[] = [
  { id: 'white', split: 'train', kind: 'sox', sox: ['whitenoise'] },
  { id: 'pink', split: 'train', kind: 'sox', sox: ['pinknoise'] },
  { id: 'brown', split: 'train', kind: 'sox', sox: ['brownnoise'] },
  {
    id: 'traffic',
    split: 'train',
    kind: 'sox',
    sox: ['brownnoise', 'lowpass', '500', 'tremolo', '0.2', '40'],
  },
  { id: 'hum-50', split: 'train', kind: 'hum', humHz: 50 },
  { id: 'babble-train', split: 'train', kind: 'babble', talkers: 6 },
  { id: 'pink-hiss', split: 'dev', kind: 'sox', sox: ['pinknoise', 'highpass', '1000'] },
  { id: 'babble-dev', split: 'dev', kind: 'babble', talkers: 5 },
  { id: 'buzz-60', split: 'test', kind: 'hum', humHz: 60 },
  { id: 'fan', split: 'test', kind: 'sox', sox: ['whitenoise', 'bandpass', '400', '300', 'lowpass', '1500'] },
  { id: 'babble-test', split: 'test', kind: 'babble', talkers: 7 },
  { id: 'cafe', split: 'test', kind: 'mixture', parts: ['babble-test', 'fan'] },
];

function normalize(x: Float32Array): Float32Array {
  const rms = Math.sqrt(meanSquare(x));
  const g = rms > 0 ? 0.1 / rms : 1;
  let peak = 0;
  for (let i = 0; i < x.length; i++) peak = Math.max(peak, Math.abs(x[i] * g));
  const k = peak > 0.99 ? (g * 0.99) / peak : g;
  return x.map((v) => v * k);
}

/** Mains hum: fundamental plus decaying odd/even harmonics, slowly wobbling in level. */
function hum(hz: number, rng: Rng): Float32Array {
  const n = NOISE_SECONDS * 16000;
  const out = new Float32Array(n);
  const phases = Array.from({ length: 8 }, () => rng() * 2 * Math.PI);
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    let v = 0;
    for (let h = 1; h <= 8; h++)
      v += Math.sin(2 * Math.PI * hz * h * t + phases[h - 1]) / h ** (hz === 60 ? 0.6 : 1.2);
    out[i] = v * (1 + 0.1 * Math.sin(2 * Math.PI * 0.3 * t));
  }
  return out;
}

async function babble(
  spec: NoiseSpec,
  voices: Voice[],
  sentences: string[],
  dir: string,
  rng: Rng,
): Promise<Float32Array> {
  const n = NOISE_SECONDS * 16000;
  const out = new Float32Array(n);
  for (let k = 0; k < (spec.talkers ?? 6); k++) {
    const voice = pickOne(rng, voices);
    const text = Array.from({ length: 14 }, () => pickOne(rng, sentences)).join(' ');
    const raw = join(dir, `${spec.id}-talker${k}.raw.wav`);
    const wav = join(dir, `${spec.id}-talker${k}.wav`);
    await run('espeak-ng', ['-v', voice.voice, '-s', String(140 + Math.round(rng() * 50)), '-w', raw, text]);
    await run('sox', ['-R', '-D', raw, '-r', '16000', '-c', '1', '-b', '16', wav]);
    const talker = normalize(readPcm16Wav(wav).samples);
    unlinkSync(raw);
    unlinkSync(wav);
    const offset = Math.floor(rng() * talker.length);
    for (let i = 0; i < n; i++) out[i] += talker[(offset + i) % talker.length];
  }
  return out;
}

/**
 * Builds (or reuses) every noise file under `dir`. `voicesFor(split)` gives espeak voices of
 * that split for babble, `sentencesFor(split)` text of that split.
 */
export async function buildNoiseBank(
  dir: string,
  seed: number,
  voicesFor: (split: Split) => Voice[],
  sentencesFor: (split: Split) => string[],
): Promise<Map<string, { spec: NoiseSpec; path: string }>> {
  mkdirSync(dir, { recursive: true });
  const bank = new Map<string, { spec: NoiseSpec; path: string }>();
  for (const spec of NOISES) {
    const path = join(dir, `${spec.id}.wav`);
    bank.set(spec.id, { spec, path });
    if (existsSync(path)) continue;
    const rng = deriveRng(seed, `noise:${spec.id}`);
    let samples: Float32Array;
    if (spec.kind === 'sox') {
      const tmp = `${path}.sox.wav`;
      await run('sox', [
        '-R',
        '-D',
        '-n',
        '-r',
        '16000',
        '-c',
        '1',
        '-b',
        '16',
        tmp,
        'synth',
        String(NOISE_SECONDS),
        ...(spec.sox ?? []),
      ]);
      samples = readPcm16Wav(tmp).samples;
      unlinkSync(tmp);
    } else if (spec.kind === 'hum') {
      samples = hum(spec.humHz ?? 50, rng);
    } else if (spec.kind === 'babble') {
      samples = await babble(spec, voicesFor(spec.split), sentencesFor(spec.split), dir, rng);
    } else {
      samples = new Float32Array(NOISE_SECONDS * 16000);
      for (const part of spec.parts ?? []) {
        const p = bank.get(part);
        if (!p) throw new Error(`noise ${spec.id}: part ${part} must be listed earlier`);
        const x = normalize(readPcm16Wav(p.path).samples);
        for (let i = 0; i < samples.length; i++) samples[i] += x[i % x.length];
      }
    }
    writePcm16WavAtomic(path, normalize(samples), 16000);
  }
  return bank;
}

export function noisesOf(split: Split): NoiseSpec[] {
  return NOISES.filter((n) => n.split === split);
}
