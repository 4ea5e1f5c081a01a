/**
 * `npm run train -- asr` end to end on a tiny corpus: with waveform augmentation (the default)
 * it trains on raw audio with speed and noise draws from the corpus's training noises and
 * records them on the card; `--no-wave-augment` trains on features computed once; bad
 * augmentation flags fail before any training.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePcm16WavAtomic } from '../../scripts/data/lib/pcm16-wav.ts';
import { main as trainAsr } from '../../scripts/train/asr.ts';
import { writeFinetuneFixture } from '../finetune/asr-fixture.ts';

let root: string;
let dataDir: string;

/** The fixture's manifest with absolute audio paths, so it can live under <data>/en/. */
function relocate(manifest: string, to: string): void {
  const base = resolve(manifest, '..');
  const rows = readFileSync(manifest, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const row = JSON.parse(line) as { audio_filepath: string };
      return JSON.stringify({ ...row, audio_filepath: resolve(base, row.audio_filepath) });
    });
  writeFileSync(to, `${rows.join('\n')}\n`);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'tolk-train-asr-'));
  const fx = await writeFinetuneFixture(root);
  dataDir = join(root, 'corpus');
  mkdirSync(join(dataDir, 'en'), { recursive: true });
  mkdirSync(join(dataDir, 'text'), { recursive: true });
  mkdirSync(join(dataDir, 'noise'), { recursive: true });
  relocate(fx.train, join(dataDir, 'en', 'train.jsonl'));
  relocate(fx.dev, join(dataDir, 'en', 'dev.jsonl'));
  const pairs = ['yes room key', 'no bus tea'].map((s) => JSON.stringify({ src_spoken: s, tgt_spoken: s }));
  writeFileSync(join(dataDir, 'text', 'train.jsonl'), `${pairs.join('\n')}\n`);
  // One of the corpus's training noises (scripts/data/synth/noise-bank.ts names them).
  const hiss = new Float32Array(16000).map((_, i) => 0.1 * Math.sin(i * 1.7) * Math.cos(i * 0.013));
  writePcm16WavAtomic(join(dataDir, 'noise', 'pink.wav'), hiss, 16000);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const tinyRun = (name: string, extra: string[]) => [
  '--data',
  dataDir,
  '--lang',
  'en',
  '--units',
  '8',
  '--layers',
  '1',
  '--steps',
  '3',
  '--batch',
  '4',
  '--eval-every',
  '3',
  '--threads',
  '1',
  '--no-progress',
  '--out',
  join(root, 'runs', name),
  '--model-out',
  join(root, 'models', name),
  ...extra,
];

interface Card {
  training: {
    steps: number;
    trainUtterances: number;
    waveAugment: {
      speeds: number[];
      noise: { files: string[]; snrDb: number[]; prob: number } | null;
    } | null;
  };
  model: { parameters: number };
}

const cardOf = (name: string) =>
  JSON.parse(readFileSync(join(root, 'models', name, 'model.json'), 'utf8')) as Card;

describe('train asr', () => {
  it('draws speed and the corpus training noise on the fly and records it on the card', async () => {
    await trainAsr(tinyRun('wave', ['--speed', '0.9,1.1', '--noise-prob', '1', '--snr', '5:10']));
    const card = cardOf('wave');
    expect(card.training.steps).toBe(3);
    expect(card.training.trainUtterances).toBe(8);
    expect(card.training.waveAugment?.speeds).toEqual([0.9, 1.1]);
    expect(card.training.waveAugment?.noise?.files).toEqual([join(dataDir, 'noise', 'pink.wav')]);
    expect(card.training.waveAugment?.noise?.snrDb).toEqual([5, 10]);
    expect(card.training.waveAugment?.noise?.prob).toBe(1);
    expect(existsSync(join(root, 'models', 'wave', 'model.onnx'))).toBe(true);
  }, 120_000);

  it('trains on precomputed features with --no-wave-augment', async () => {
    await trainAsr(tinyRun('plain', ['--no-wave-augment']));
    const card = cardOf('plain');
    expect(card.training.steps).toBe(3);
    expect(card.training.waveAugment).toBeNull();
    expect(card.model.parameters).toBe(cardOf('wave').model.parameters);
  }, 120_000);

  it('rejects bad augmentation flags before training', async () => {
    await expect(trainAsr(tinyRun('bad-speed', ['--speed', '3']))).rejects.toThrow(/--speed 3/);
    await expect(trainAsr(tinyRun('bad-snr', ['--snr', '10']))).rejects.toThrow(/--snr 10/);
    await expect(trainAsr(tinyRun('bad-prob', ['--noise-prob', '2']))).rejects.toThrow(/--noise-prob 2/);
    expect(existsSync(join(root, 'runs', 'bad-speed', 'last'))).toBe(false);
  });
});
