/**
 * The parts of recognizer fine-tuning below the command: model references and the output-folder
 * guard, the tolerant manifest reader, on-the-fly augmentation, the L2 pull toward the base
 * weights, the forgetting guard's share of base data, and the training loop's early stopping.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neutralFeatureConfig } from '../../scripts/bench/asr.ts';
import { snrDb } from '../../scripts/data/synth/mix.ts';
import { baseShareCount, drawBaseEntries } from '../../scripts/finetune/asr/samples.ts';
import { DEFAULT_AUDIO_LIMITS, readManifestChecked } from '../../scripts/finetune/lib/manifest-check.ts';
import {
  checkOutputFolder,
  FinetuneUsageError,
  resolveModelRef,
} from '../../scripts/finetune/lib/model-folders.ts';
import {
  type AudioAsrConfig,
  type AudioSample,
  createAudioAsrModel,
  frozenWeightNames,
} from '../../scripts/train/asr/audio-model.ts';
import { augmentWave, speedPerturb } from '../../scripts/train/asr/wave-augment.ts';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { trainLoop } from '../../scripts/train/lib/loop.ts';
import { createLstmCtc } from '../../scripts/train/lib/models/lstm-ctc.ts';
import { batchSeed, Rng } from '../../scripts/train/lib/rng.ts';
import { syntheticCtc } from '../../scripts/train/lib/synthetic.ts';
import { createVocabulary, encodeText } from '../../server/stages/asr/vocabulary.ts';
import { type FinetuneFixture, writeFinetuneFixture } from './asr-fixture.ts';

let root: string;
let fx: FinetuneFixture;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
  root = mkdtempSync(join(tmpdir(), 'tolk-ft-pieces-'));
  fx = await writeFinetuneFixture(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model folders', () => {
  it('an id names a folder in the models dir; a path is a path', () => {
    expect(resolveModelRef('asr-en', '/srv/models')).toBe('/srv/models/asr-en');
    expect(resolveModelRef('./mine/asr-x', '/srv/models')).toBe(resolve('mine/asr-x'));
    expect(resolveModelRef('/abs/asr-y', '/srv/models')).toBe('/abs/asr-y');
  });

  it('refuses the base, a folder inside it or around it, and an existing folder without force', () => {
    const base = fx.baseDir;
    expect(() => checkOutputFolder(base, base, true)).toThrow(FinetuneUsageError);
    expect(() => checkOutputFolder(join(base, 'sub'), base, true)).toThrow(/overwrite the base/);
    expect(() => checkOutputFolder(join(base, '..'), base, true)).toThrow(/overwrite the base/);
    const other = join(root, 'models', 'taken');
    mkdirSync(other, { recursive: true });
    expect(() => checkOutputFolder(other, base, false)).toThrow(/--force/);
    expect(() => checkOutputFolder(other, base, true)).not.toThrow();
    expect(() => checkOutputFolder(join(root, 'models', 'fresh'), base, false)).not.toThrow();
  });
});

describe('manifest checks', () => {
  it('keeps good lines with their audio and reports each bad one by line', () => {
    const m = join(root, 'mixed.jsonl');
    writeFileSync(
      m,
      [
        JSON.stringify({ audio_filepath: 'data/wav/train-0.wav', duration: 1, text: 'yes' }),
        'nonsense',
        JSON.stringify({ audio_filepath: 'data/wav/nope.wav', duration: 1, text: 'yes' }),
        JSON.stringify({ audio_filepath: 'data/wav/train-1.wav', duration: -1, text: 'yes' }),
        '',
        JSON.stringify({ audio_filepath: 'data/wav/train-2.wav', duration: 1, text: '' }),
      ].join('\n'),
    );
    const r = readManifestChecked(m, { ...DEFAULT_AUDIO_LIMITS, maxSeconds: 1.5 });
    expect(r.entries.map((e) => e.line)).toEqual([1]);
    expect(r.entries[0].audio.length).toBeGreaterThan(8000);
    expect(r.lines).toBe(5);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 4, 6]);
    expect(r.problems[0].reason).toBe('invalid JSON');
    expect(r.problems[1].reason).toMatch(/^missing audio file/);
    expect(r.problems[2].reason).toMatch(/^not a manifest entry \(duration/);
    expect(r.problems[3].reason).toBe('empty text');
  });

  it('draws the base share by seed, loading only what it keeps', () => {
    expect(baseShareCount(70, 0.3)).toBe(30);
    expect(baseShareCount(10, 0)).toBe(0);
    expect(() => baseShareCount(10, 1)).toThrow();
    const a = drawBaseEntries(fx.train, 3, 5, DEFAULT_AUDIO_LIMITS).manifest.entries.map((e) => e.line);
    const b = drawBaseEntries(fx.train, 3, 5, DEFAULT_AUDIO_LIMITS).manifest.entries.map((e) => e.line);
    const c = drawBaseEntries(fx.train, 3, 6, DEFAULT_AUDIO_LIMITS).manifest.entries.map((e) => e.line);
    expect(a).toHaveLength(3);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe('augmentation', () => {
  const speech = Float32Array.from(
    { length: 16000 },
    (_, i) => 0.1 * Math.sin((2 * Math.PI * 300 * i) / 16000),
  );
  const noise = Float32Array.from({ length: 8000 }, (_, i) => 0.05 * Math.sin(i * 1.7) * Math.cos(i * 0.013));

  it('speed perturbation changes the length by the factor', () => {
    expect(speedPerturb(speech, 1.1).length).toBeCloseTo(16000 / 1.1, -1);
    expect(speedPerturb(speech, 0.9).length).toBeCloseTo(16000 / 0.9, -1);
    expect(speedPerturb(speech, 1)).toBe(speech);
  });

  it('mixes noise at an SNR inside the range, leaves the input alone, and is a function of the Rng', () => {
    const copy = speech.slice();
    const cfg = { noise: { files: [], snrDb: [5, 6] as [number, number], prob: 1 }, speeds: [1] };
    const out = augmentWave(speech, new Rng(3), cfg, [noise]);
    expect(Array.from(speech)).toEqual(Array.from(copy));
    expect(out.draw.snrDb).toBeGreaterThanOrEqual(5);
    expect(out.draw.snrDb).toBeLessThanOrEqual(6);
    expect(snrDb(speech, out.audio)).toBeCloseTo(out.draw.snrDb!, 1);
    expect(Array.from(augmentWave(speech, new Rng(3), cfg, [noise]).audio)).toEqual(Array.from(out.audio));
    const vetoed = augmentWave(speech, new Rng(3), { noise: null, speeds: [1.1] }, [], () => false);
    expect(vetoed.draw.speed).toBe(1);
    expect(out.draw.gainDb).toBeNull();
    expect(batchSeed(1, [1, 2, 3])).toBe(batchSeed(1, [1, 2, 3]));
    expect(batchSeed(1, [1, 2, 3])).not.toBe(batchSeed(1, [3, 2, 1]));
  });

  it('applies a gain inside the range and limits peaks to full scale', () => {
    const cfg = { noise: null, speeds: [1], gainDb: [-12, -6] as [number, number] };
    const out = augmentWave(speech, new Rng(5), cfg, []);
    const g = out.draw.gainDb!;
    expect(g).toBeGreaterThanOrEqual(-12);
    expect(g).toBeLessThanOrEqual(-6);
    expect(out.audio[80]).toBeCloseTo(speech[80] * 10 ** (g / 20), 6);
    const loud = augmentWave(speech, new Rng(5), { noise: null, speeds: [1], gainDb: [30, 30] }, []);
    expect(Math.max(...loud.audio.map(Math.abs))).toBeCloseTo(0.99, 5);
  });
});

/** A 2×8 recognizer on the fixture's base model, no augmentation; `over` changes what a test needs. */
function tinyAudioConfig(over: Partial<AudioAsrConfig>): AudioAsrConfig {
  const vocab = createVocabulary('en');
  return {
    asr: { inputSize: 320, units: 8, layers: 2, vocab: vocab.size, melBins: 80, stack: 4, specAugment: null },
    features: neutralFeatureConfig(),
    baseDir: fx.baseDir,
    tokens: [...vocab.tokens],
    augment: { noise: null, speeds: [] },
    freezeLayers: 0,
    l2Base: 0,
    seed: 1,
    ...over,
  };
}

describe('forgetting guard: L2 pull toward the base weights', () => {
  it('adds (λ/2)·Σ(w − w_base)² to the loss, over the trainable weights only', async () => {
    const vocab = createVocabulary('en');
    const config = (l2Base: number, freezeLayers: number) => tinyAudioConfig({ l2Base, freezeLayers });
    const plain = await createAudioAsrModel(config(0, 0));
    const pulled = await createAudioAsrModel(config(2, 1));
    expect(pulled.distanceToBase().dataSync()[0]).toBe(0);
    expect(frozenWeightNames(1)).toEqual(['lstm0/kernel', 'lstm0/recurrent_kernel', 'lstm0/bias']);
    // Move one trainable and one frozen weight away from the base, in both models.
    for (const m of [plain, pulled])
      for (const name of ['lstm1/bias', 'lstm0/bias']) {
        const v = m.params.get(name);
        v.assign(tf.add(v, 0.1));
      }
    const units = 8;
    const expected = 0.5 * 4 * units * 0.01; // only lstm1/bias counts: lstm0 is frozen
    expect(pulled.distanceToBase().dataSync()[0]).toBeCloseTo(expected, 5);
    const audio = new Float32Array(16000).map((_, i) => 0.1 * Math.sin(i / 7));
    const sample: AudioSample = { id: 0, audio, labels: encodeText('yes', vocab), frames: 25 };
    const diff = pulled.loss([sample]).dataSync()[0] - plain.loss([sample]).dataSync()[0];
    expect(diff).toBeCloseTo(2 * expected, 4);
    expect(pulled.params.get('lstm0/kernel').trainable).toBe(false);
    plain.dispose();
    pulled.dispose();
  });

  it('starts from fresh weights without a base, and refuses to freeze or pull toward none', async () => {
    const fresh = (freezeLayers: number, l2Base: number) =>
      tinyAudioConfig({ baseDir: null, freezeLayers, l2Base });
    const model = await createAudioAsrModel(fresh(0, 0));
    const base = await createAudioAsrModel({ ...fresh(0, 0), baseDir: fx.baseDir });
    const w = (m: typeof model) => Array.from(m.params.get('lstm1/kernel').dataSync());
    expect(w(model)).not.toEqual(w(base));
    expect(model.params.get('lstm0/kernel').trainable).toBe(true);
    model.dispose();
    base.dispose();
    await expect(createAudioAsrModel(fresh(1, 0))).rejects.toThrow(/needs a base model/);
    await expect(createAudioAsrModel(fresh(0, 1))).rejects.toThrow(/needs a base model/);
  });
});

describe('early stopping', () => {
  it('ends the run after `patience` evaluations without a better metric, and a resume stays stopped', async () => {
    const data = syntheticCtc({ count: 12, dim: 4, vocab: 3, seed: 2, maxLabels: 2 });
    const outDir = join(root, 'patience');
    const scores = [0.5, 0.4, 0.45, 0.41, 0.6, 0.3];
    let calls = 0;
    const opts = {
      model: createLstmCtc({ inputSize: 4, units: 6, layers: 1, vocab: 3, seed: 1 }),
      train: data,
      lengthOf: (s: (typeof data)[number]) => s.frames,
      batching: { batchSize: 4 },
      steps: 20,
      optimizer: { kind: 'adam' as const },
      schedule: { lr: 0.01 },
      outDir,
      evalEvery: 2,
      patience: 3,
      progress: false,
      summary: false,
      metric: 'wer',
      evaluate: () => ({ wer: scores[calls++] }),
    };
    const r = await trainLoop(opts);
    // Best 0.4 at step 4; 0.45, 0.41, 0.6 do not beat it → stop at step 10 (0.3 never seen).
    expect(r.steps).toBe(10);
    expect(r.best).toEqual({ metric: 0.4, step: 4 });
    expect(r.stoppedEarly).toEqual({ step: 10, evalsWithoutImprovement: 3 });
    const again = await trainLoop({ ...opts, resume: true });
    expect(again.steps).toBe(10);
    expect(calls).toBe(5);
  });
});
