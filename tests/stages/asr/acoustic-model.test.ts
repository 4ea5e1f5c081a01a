/**
 * The served acoustic model against the trained one: a tiny random recognizer (real layout,
 * 2 LSTM layers × 16 units) exported as training exports it, run through onnxruntime-node
 * chunk by chunk with carried state, must equal the whole utterance through tfjs (≤ 1e-4, the
 * issue's parity bar); streams batched in one call must equal each stream run alone; the
 * batcher must put concurrent submissions into one call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxSessionCache } from '../../../models/onnx-session.ts';
import { neutralFeatureConfig, writeRandomAsrModel } from '../../../scripts/bench/asr.ts';
import type { LstmCtcModel } from '../../../scripts/train/lib/models/lstm-ctc.ts';
import { AcousticModel, type AcousticState } from '../../../server/stages/asr/acoustic-model.ts';
import { AcousticBatcher } from '../../../server/stages/asr/batcher.ts';
import { asrFeatures } from '../../../server/stages/asr/features.ts';
import { gatedChirp } from './test-audio.ts';

const VOCAB = 29;
const DIM = 320;
let dir: string;
let tfModel: LstmCtcModel;
let cache: OnnxSessionCache;
let acoustic: AcousticModel;

/** Speech-like test audio: gated chirps plus a little seeded noise. */
const testAudio = (seconds: number, seed: number): Float32Array =>
  gatedChirp(seconds, seed, { gate: 2400 + 300 * seed, hz: 150 + 90 * seed, sweep: 500 });

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function tfLogProbs(features: Float32Array, frames: number): Float32Array {
  return tf.tidy(() => {
    const { logits } = tfModel.forward(tf.tensor3d(features, [1, frames, DIM]));
    return tf.logSoftmax(logits).dataSync() as Float32Array;
  });
}

function slice(f: Float32Array, t0: number, t1: number) {
  return { features: f.slice(t0 * DIM, t1 * DIM), frames: t1 - t0 };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tolk-acoustic-'));
  ({ model: tfModel } = await writeRandomAsrModel(dir, { units: 16, layers: 2, seed: 3 }));
  cache = new OnnxSessionCache({ executionProviders: ['cpu'], intraOpThreads: 1 });
  acoustic = await AcousticModel.load(join(dir, 'model.onnx'), cache, { inputSize: DIM, vocabSize: VOCAB });
});

afterAll(async () => {
  await cache.dispose();
  tfModel.params.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('AcousticModel', () => {
  it('finds the LSTM states of the graph', () => {
    expect(acoustic.stateUnits).toEqual([16, 16, 16, 16]);
    expect(acoustic.initialState().every((s) => s.length === 16 && s.every((v) => v === 0))).toBe(true);
  });

  it('chunked streaming through ORT equals the whole utterance through tfjs (≤ 1e-4)', async () => {
    const f = asrFeatures(testAudio(1.3, 1), neutralFeatureConfig());
    expect(f.frames).toBeGreaterThan(20);
    const reference = tfLogProbs(f.data, f.frames);
    // 4-frame chunks (160 ms) with a short final flush, state carried between calls.
    const streamed = new Float32Array(f.frames * VOCAB);
    let state: AcousticState = acoustic.initialState();
    for (let t = 0; t < f.frames; t += 4) {
      const end = Math.min(f.frames, t + 4);
      const out = await acoustic.run([slice(f.data, t, end)], [state]);
      state = out.states[0];
      streamed.set(out.logProbs[0].data, t * VOCAB);
    }
    const diff = maxAbsDiff(streamed, reference);
    expect(diff).toBeLessThanOrEqual(1e-4);
    const whole = await acoustic.run([{ features: f.data, frames: f.frames }], [acoustic.initialState()]);
    expect(maxAbsDiff(whole.logProbs[0].data, reference)).toBeLessThanOrEqual(1e-4);
    // Log-probs: every row sums to 1 in probability.
    const row = Array.from(streamed.subarray(0, VOCAB), Math.exp).reduce((a, b) => a + b, 0);
    expect(row).toBeCloseTo(1, 5);
  });

  it('a batch of streams (equal and unequal chunk lengths) equals each stream run alone', async () => {
    const feats = [1, 2, 3, 4].map((seed) => asrFeatures(testAudio(0.8, seed), neutralFeatureConfig()));
    // Two ticks: first 4 frames each; then 4, 4, 2 and 0 frames (a flush and an idle stream).
    const second = [4, 4, 2, 0];
    const alone: AcousticState[] = feats.map(() => acoustic.initialState());
    let batched: AcousticState[] = feats.map(() => acoustic.initialState());
    for (const [tick, lens] of [
      [0, [4, 4, 4, 4]],
      [4, second],
    ] as const) {
      const chunks = feats.map((f, i) => slice(f.data, tick, tick + lens[i]));
      const together = await acoustic.run(chunks, batched);
      for (let i = 0; i < chunks.length; i++) {
        const one = await acoustic.run([chunks[i]], [alone[i]]);
        expect(together.logProbs[i].frames).toBe(lens[i]);
        expect(maxAbsDiff(together.logProbs[i].data, one.logProbs[0].data)).toBeLessThanOrEqual(1e-5);
        alone[i] = one.states[0];
      }
      batched = together.states;
    }
    for (let i = 0; i < feats.length; i++)
      for (let k = 0; k < 4; k++) expect(maxAbsDiff(batched[i][k], alone[i][k])).toBeLessThanOrEqual(1e-5);
  });

  it('rejects a graph whose output does not match the vocabulary', async () => {
    await expect(
      AcousticModel.load(join(dir, 'model.onnx'), cache, { inputSize: DIM, vocabSize: 36 }),
    ).rejects.toMatchObject({ code: 'model_load_failed' });
  });
});

describe('AcousticBatcher', () => {
  it('runs concurrent submissions in one call and gives each stream its own result', async () => {
    const chunks = [5, 6, 7, 8, 9].map((seed) =>
      slice(asrFeatures(testAudio(0.4, seed), neutralFeatureConfig()).data, 0, 4),
    );
    const batcher = new AcousticBatcher(acoustic, {
      maxBatch: 50,
      maxWaitMs: 1000,
      expectedSubmitters: () => 5,
    });
    const t0 = performance.now();
    const results = await Promise.all(chunks.map((c) => batcher.submit(c, acoustic.initialState())));
    // All five expected streams submitted: no waiting for the 1 s timer.
    expect(performance.now() - t0).toBeLessThan(900);
    expect(batcher.stats).toEqual({ runs: 1, chunks: 5, maxBatchSeen: 5 });
    for (let i = 0; i < chunks.length; i++) {
      const alone = await acoustic.run([chunks[i]], [acoustic.initialState()]);
      expect(maxAbsDiff(results[i].logProbs.data, alone.logProbs[0].data)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('flushes on the timer when fewer streams than expected submit, and splits at maxBatch', async () => {
    const c = slice(asrFeatures(testAudio(0.4, 1), neutralFeatureConfig()).data, 0, 4);
    const batcher = new AcousticBatcher(acoustic, {
      maxBatch: 2,
      maxWaitMs: 5,
      expectedSubmitters: () => 10,
    });
    await Promise.all([1, 2, 3].map(() => batcher.submit(c, acoustic.initialState())));
    expect(batcher.stats.runs).toBe(2);
    expect(batcher.stats.maxBatchSeen).toBe(2);
    const closed = new AcousticBatcher(acoustic, { maxBatch: 4, maxWaitMs: 1000 });
    const pending = closed.submit(c, acoustic.initialState());
    closed.close();
    await expect(pending).rejects.toThrow(/closed/);
    await expect(closed.submit(c, acoustic.initialState())).rejects.toThrow(/closed/);
  });
});
