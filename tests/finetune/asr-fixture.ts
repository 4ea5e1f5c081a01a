/**
 * What the fine-tune tests share: a tiny random recognizer exported as training exports one
 * (tests/train/asr-init-from.test.ts does the same), a few seconds of synthetic 16 kHz audio
 * with short transcripts, a noise recording, and manifests that point at them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeRandomAsrModel } from '../../scripts/bench/asr.ts';
import { writePcm16WavAtomic } from '../../scripts/data/lib/pcm16-wav.ts';
import { Rng } from '../../scripts/train/lib/rng.ts';

const WORDS = ['yes', 'no', 'room', 'key', 'bus', 'tea'];

/** Tone bursts in noise, one per word, so utterances differ in length and content. */
function utterance(rng: Rng, words: number): Float32Array {
  const seconds = 0.4 + 0.35 * words;
  const x = new Float32Array(Math.round(seconds * 16000));
  for (let i = 0; i < x.length; i++) x[i] = 0.01 * rng.normal();
  for (let w = 0; w < words; w++) {
    const f = 200 + 150 * rng.int(8);
    const start = Math.round((0.2 + 0.35 * w) * 16000);
    for (let i = 0; i < 0.25 * 16000; i++) x[start + i] += 0.3 * Math.sin((2 * Math.PI * f * i) / 16000);
  }
  return x;
}

export interface FinetuneFixture {
  baseDir: string;
  train: string;
  dev: string;
  noiseDir: string;
}

/** Writes the base model and data under `root`; `bad` extra lines go into the train manifest. */
export async function writeFinetuneFixture(
  root: string,
  badTrainLines: string[] = [],
): Promise<FinetuneFixture> {
  const baseDir = join(root, 'models', 'asr-en');
  const { model } = await writeRandomAsrModel(baseDir, { units: 8, layers: 2, seed: 3 });
  model.params.dispose();
  const wav = join(root, 'data', 'wav');
  mkdirSync(wav, { recursive: true });
  const rng = new Rng(42);
  const rows = (split: string, n: number) =>
    Array.from({ length: n }, (_, i) => {
      const words = 1 + (i % 3);
      const path = join(wav, `${split}-${i}.wav`);
      writePcm16WavAtomic(path, utterance(rng, words), 16000);
      const text = Array.from({ length: words }, (_, k) => WORDS[(i + k) % WORDS.length]).join(' ');
      const accent = i % 2 ? 'caribbean' : 'us';
      return JSON.stringify({
        audio_filepath: `wav/${split}-${i}.wav`,
        duration: 1,
        text,
        accent,
        snr_db: i % 2 ? 5 : null,
      });
    });
  const train = join(root, 'data', 'train.jsonl');
  const dev = join(root, 'data', 'dev.jsonl');
  writeFileSync(train, `${[...rows('train', 8), ...badTrainLines].join('\n')}\n`);
  writeFileSync(dev, `${rows('dev', 4).join('\n')}\n`);
  const noiseDir = join(root, 'noise');
  mkdirSync(noiseDir, { recursive: true });
  const hum = new Float32Array(16000 * 2).map(
    (_, i) => 0.2 * Math.sin((2 * Math.PI * 60 * i) / 16000) + 0.05 * rng.normal(),
  );
  writePcm16WavAtomic(join(noiseDir, 'lobby.wav'), hum, 16000);
  return { baseDir, train, dev, noiseDir };
}
