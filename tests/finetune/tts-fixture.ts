/**
 * What the voice fine-tune tests share: a tiny random acoustic model exported as training
 * exports one (every weight random, LayerNorms and biases included, so each one's round trip
 * is exercised; durations biased to ~4 frames a symbol so synthesis makes audio), and a
 * "new speaker": short gated tones over faint noise with English transcripts, in train / dev /
 * test manifests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writePcm16WavAtomic } from '../../scripts/data/lib/pcm16-wav.ts';
import {
  createFastSpeech,
  type FastSpeechConfig,
  type FastSpeechModel,
} from '../../scripts/train/lib/models/fastspeech.ts';
import { Rng } from '../../scripts/train/lib/rng.ts';
import { exportTtsModel } from '../../scripts/train/tts/export-tts.ts';
import { symbolSet } from '../../server/stages/tts/symbols.ts';

const BINS = 80;

export function tinyTtsConfig(seed = 4): FastSpeechConfig {
  const rng = new Rng(seed);
  return {
    vocab: symbolSet('en').symbols.length,
    dModel: 16,
    heads: 2,
    ffnSize: 32,
    encoderLayers: 1,
    decoderLayers: 2,
    predictorUnits: 12,
    predictorKernel: 3,
    reduction: 2,
    numMelBins: BINS,
    melMean: Array.from({ length: BINS }, () => -6 + rng.normal()),
    melStd: Array.from({ length: BINS }, () => 0.5 + rng.next()),
    seed,
  };
}

/** Exports a random tiny English voice to `dir`; returns the model (caller disposes its params). */
export async function writeRandomTtsModel(dir: string, seed = 4): Promise<FastSpeechModel> {
  const cfg = tinyTtsConfig(seed);
  const model = createFastSpeech(cfg);
  const r = new Rng(seed + 1);
  for (const [name, v] of model.params.entries()) {
    const data = Float32Array.from(
      { length: v.size },
      () => r.normal() * 0.3 + (name.endsWith('/gamma') ? 1 : 0),
    );
    if (name === 'duration_predictor/proj/bias') data[0] = 1.6;
    const t = tf.tensor(data, v.shape);
    v.assign(t);
    t.dispose();
  }
  await exportTtsModel(dir, model.params.getWeights(), cfg, {
    id: basename(dir),
    kind: 'tts',
    version: 'test',
    languages: ['en'],
    symbols: [...symbolSet('en').symbols],
    audio: { sampleRate: 16000, hopSamples: 160, numMelBins: BINS },
    durations: { target: 'log1p-frames' },
    prosody: { pitchMeanHz: 150, pitchStdHz: 30, energyMean: -5, energyStd: 2 },
    vocoder: { kind: 'griffin-lim' },
    training: { command: 'npm run train -- tts (test fixture)' },
    evaluation: {},
  });
  return model;
}

const TEXTS = [
  'yes',
  'no thanks',
  'hello there',
  'good day',
  'the room',
  'a key',
  'one bus',
  'green tea',
  'thank you',
  'see you',
  'good night',
  'all right',
  'well done',
];

/** 0.3–0.6 s: a gated tone (a different F0 per utterance) over faint noise. */
export function speakerUtterance(i: number, seconds = 0.3 + 0.1 * (i % 4)): Float32Array {
  const n = Math.round(seconds * 16000);
  const hz = 180 + 15 * i;
  const x = new Float32Array(n);
  const rng = new Rng(100 + i);
  for (let k = 0; k < n; k++) {
    const gate = k % 1600 < 1100 ? 1 : 0;
    x[k] = 0.25 * gate * Math.sin((2 * Math.PI * hz * k) / 16000) + 0.02 * (rng.next() - 0.5);
  }
  return x;
}

export interface SpeakerData {
  train: string;
  dev: string;
  test: string;
}

/** 8 train, 3 dev, 2 test utterances under `root`; `badTrainLines` are appended to train. */
export function writeSpeakerData(root: string, badTrainLines: string[] = []): SpeakerData {
  mkdirSync(join(root, 'wav'), { recursive: true });
  const rows = TEXTS.map((text, i) => {
    writePcm16WavAtomic(join(root, 'wav', `${i}.wav`), speakerUtterance(i), 16000);
    return JSON.stringify({ audio_filepath: `wav/${i}.wav`, duration: 0.5, text, speaker: 'new' });
  });
  const write = (name: string, lines: string[]) => {
    const path = join(root, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  return {
    train: write('train.jsonl', [...rows.slice(0, 8), ...badTrainLines]),
    dev: write('dev.jsonl', rows.slice(8, 11)),
    test: write('test.jsonl', rows.slice(11)),
  };
}
