/**
 * The TTS acoustic model's ONNX export and server runner, on a tiny random model built here:
 * tfjs vs ORT parity for the encoder and decoder graphs (batch 2), the MelGenerator pipeline
 * (frames = Σ durations, same mel as tfjs with the same durations, speed, frame budget, empty
 * text) and the model.json round trip.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float32Tensor, int64Tensor, loadOnnxModel } from '../../../models/onnx-session.ts';
import { initBackend } from '../../../scripts/train/lib/backend.ts';
import {
  createFastSpeech,
  type FastSpeechConfig,
  progressTensor,
} from '../../../scripts/train/lib/models/fastspeech.ts';
import { Rng } from '../../../scripts/train/lib/rng.ts';
import {
  buildTtsDecoderGraph,
  buildTtsEncoderGraph,
  exportTtsModel,
  exportWeightMap,
  type TtsCardInput,
} from '../../../scripts/train/tts/export-tts.ts';
import {
  expandByDurations,
  FRAME_PROGRESS_DIM,
  frameProgress,
  framesFromLogDurations,
} from '../../../server/stages/tts/acoustic/length-regulator.ts';
import { loadMelGenerator, readTtsCard } from '../../../server/stages/tts/acoustic/mel-generator-onnx.ts';
import { encodeText, symbolSet } from '../../../server/stages/tts/symbols.ts';

const BINS = 80;
const D = 16;
const rng = new Rng(11);
const cfg: FastSpeechConfig = {
  vocab: symbolSet('es').symbols.length,
  dModel: D,
  heads: 2,
  ffnSize: 32,
  encoderLayers: 2,
  decoderLayers: 2,
  predictorUnits: 12,
  predictorKernel: 3,
  reduction: 2,
  numMelBins: BINS,
  melMean: Array.from({ length: BINS }, () => -5 + rng.normal()),
  melStd: Array.from({ length: BINS }, () => 0.5 + rng.next()),
  seed: 4,
};
const model = createFastSpeech(cfg);
/** Same shapes, one frame per decoder step. */
const model1 = createFastSpeech({ ...cfg, reduction: 1, seed: 8 });
/** Same shapes, and the decoder sees each frame's place inside its symbol. */
const modelP = createFastSpeech({ ...cfg, frameProgress: true, seed: 12 });
const dir = mkdtempSync(join(tmpdir(), 'tolk-tts-export-'));

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
  // Every weight random (LayerNorm and biases too, so the export of each is exercised).
  const r = new Rng(99);
  for (const [name, v] of [
    ...model.params.entries(),
    ...model1.params.entries(),
    ...modelP.params.entries(),
  ]) {
    const data = Float32Array.from(
      { length: v.size },
      () => r.normal() * 0.3 + (name.endsWith('/gamma') ? 1 : 0),
    );
    if (name === 'duration_predictor/proj/bias') data[0] = 1.6; // ≈ 4 frames per symbol
    v.assign(tf.tensor(data, v.shape));
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

async function session(bytes: Uint8Array, name: string) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return loadOnnxModel(path, { executionProviders: ['cpu'], intraOpThreads: 1 });
}

function card(): TtsCardInput {
  return {
    id: 'tts-es-test',
    kind: 'tts',
    version: 'test',
    languages: ['es'],
    symbols: [...symbolSet('es').symbols],
    audio: { sampleRate: 16000, hopSamples: 160, numMelBins: BINS },
    durations: { target: 'log1p-frames' },
    prosody: { pitchMeanHz: 120, pitchStdHz: 20, energyMean: -4, energyStd: 2 },
    vocoder: { kind: 'griffin-lim' },
    training: { command: 'test' },
    evaluation: {},
  };
}

describe('TTS acoustic export parity (tfjs vs ONNX)', () => {
  it('encoder: hidden, log_durations, pitch, energy within 1e-4 (batch 2)', async () => {
    const B = 2;
    const N = 9;
    const ids = Int32Array.from({ length: B * N }, () => 2 + Math.floor(rng.next() * (cfg.vocab - 2)));
    const ref = tf.tidy(() => {
      const r = model.encode(tf.tensor2d(ids, [B, N], 'int32'));
      return {
        hidden: r.hidden.dataSync().slice(),
        logDurations: r.logDurations.dataSync().slice(),
        pitch: r.pitch.dataSync().slice(),
        energy: r.energy.dataSync().slice(),
      };
    });
    const s = await session(
      buildTtsEncoderGraph(cfg, exportWeightMap(model.params.getWeights())),
      'enc.onnx',
    );
    const out = await s.run({ symbols: int64Tensor(Array.from(ids), [B, N]) });
    expect(out.hidden.dims).toEqual([B, N, D]);
    expect(maxAbsDiff(out.hidden.data as Float32Array, ref.hidden)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(out.log_durations.data as Float32Array, ref.logDurations)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(out.pitch.data as Float32Array, ref.pitch)).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(out.energy.data as Float32Array, ref.energy)).toBeLessThanOrEqual(1e-4);
    await s.release();
  });

  for (const [r, m] of [
    [2, model],
    [1, model1],
  ] as const) {
    it(`decoder (reduction ${r}): mel within 1e-4 (batch 2, positions computed in the graph)`, async () => {
      const B = 2;
      const T = 38;
      const frames = Float32Array.from({ length: B * T * D }, () => rng.normal());
      const ref = tf.tidy(() =>
        m
          .decode(tf.tensor3d(frames, [B, T, D]))
          .dataSync()
          .slice(),
      );
      const s = await session(
        buildTtsDecoderGraph(m.config, exportWeightMap(m.params.getWeights())),
        `dec${r}.onnx`,
      );
      const out = await s.run({ frames: float32Tensor(frames, [B, T, D]) });
      expect(out.mel.dims).toEqual([B, T, BINS]);
      expect(maxAbsDiff(out.mel.data as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
      await s.release();
    });
  }

  it('decoder with frame progress: a second input, mel within 1e-4 (batch 2)', async () => {
    const B = 2;
    const T = 38;
    const frames = Float32Array.from({ length: B * T * D }, () => rng.normal());
    const durations = [Int32Array.of(5, 9, 1, 12, 11), Int32Array.of(3, 3, 20, 7, 4)];
    const ref = tf.tidy(() =>
      modelP
        .decode(tf.tensor3d(frames, [B, T, D]), progressTensor(durations, T, 2))
        .dataSync()
        .slice(),
    );
    const progress = new Float32Array(B * T * FRAME_PROGRESS_DIM);
    durations.forEach((d, b) => {
      progress.set(frameProgress(d, T), b * T * FRAME_PROGRESS_DIM);
    });
    const s = await session(
      buildTtsDecoderGraph(modelP.config, exportWeightMap(modelP.params.getWeights())),
      'decP.onnx',
    );
    expect(s.inputNames).toContain('progress');
    const out = await s.run({
      frames: float32Tensor(frames, [B, T, D]),
      progress: float32Tensor(progress, [B, T, FRAME_PROGRESS_DIM]),
    });
    expect(maxAbsDiff(out.mel.data as Float32Array, ref)).toBeLessThanOrEqual(1e-4);
    await s.release();
  });
});

describe('frame progress', () => {
  it('places each frame inside its symbol and continues the last symbol over padding', () => {
    const p = frameProgress([2, 1], 4);
    const rows = Array.from({ length: 4 }, (_, t) => Array.from(p.subarray(t * 3, t * 3 + 3)));
    expect(rows[0][0]).toBeCloseTo(0.25);
    expect(rows[1][0]).toBeCloseTo(0.75);
    expect(rows[0][1]).toBeCloseTo(0.75); // 4p(1 − p) at p = ¼
    expect(rows[0][2]).toBeCloseTo(Math.log1p(2) / 3);
    expect(rows[2][0]).toBeCloseTo(0.5);
    expect(rows[2][1]).toBeCloseTo(1);
    expect(rows[3]).toEqual([1, 0, Math.fround(Math.log1p(1) / 3)]);
  });
});

describe('MelGenerator over the exported folder', () => {
  it('model.json round-trips and the runner matches the tfjs pipeline; frames = Σ durations', async () => {
    const modelDir = join(dir, 'tts-es');
    const written = await exportTtsModel(modelDir, model.params.getWeights(), cfg, card());
    expect(await readTtsCard(modelDir)).toEqual(
      JSON.parse(readFileSync(join(modelDir, 'model.json'), 'utf8')),
    );
    expect(written.graphs).toEqual({ encoder: 'encoder.onnx', decoder: 'decoder.onnx' });
    expect(written.model.parameters).toBe(model.params.size());

    const gen = await loadMelGenerator(modelDir, {
      runtime: { executionProviders: ['cpu'], intraOpThreads: 1 },
    });
    expect([gen.sampleRate, gen.hopSamples, gen.numMelBins, gen.lang]).toEqual([16000, 160, BINS, 'es']);
    const words = '¿dónde está la estación de tren?';
    const res = await gen.generate(words);
    const ids = encodeText(words, 'es').ids;
    expect(res.durations.length).toBe(ids.length);
    expect(res.durations.every((d) => Number.isInteger(d) && d >= 1)).toBe(true);
    expect(res.frames).toBe(res.durations.reduce((a, b) => a + b, 0));
    expect(res.mel.length).toBe(res.frames * BINS);

    const ref = tf.tidy(() => {
      const enc = model.encode(tf.tensor2d(ids, [1, ids.length], 'int32'));
      const durations = framesFromLogDurations(enc.logDurations.dataSync());
      const T = durations.reduce((a, b) => a + b, 0);
      const padded = Math.ceil(T / 2) * 2; // reduction 2: pad with the last symbol, as training does
      const expanded = expandByDurations(enc.hidden.dataSync() as Float32Array, D, durations, padded);
      return {
        durations: [...durations],
        mel: model
          .decode(tf.tensor3d(expanded, [1, padded, D]))
          .dataSync()
          .slice(0, T * BINS),
      };
    });
    expect(res.durations).toEqual(ref.durations);
    expect(maxAbsDiff(res.mel, ref.mel)).toBeLessThanOrEqual(1e-4);

    const fast = await gen.generate(words, { speed: 2 });
    expect(fast.frames).toBeLessThan(res.frames);
    expect(fast.frames).toBe(fast.durations.reduce((a, b) => a + b, 0));
    await expect(gen.generate('   ')).rejects.toMatchObject({ code: 'empty_text' });
    await gen.dispose();

    const progressDir = join(dir, 'tts-es-progress');
    const withProgress = await exportTtsModel(progressDir, modelP.params.getWeights(), modelP.config, card());
    expect(withProgress.model.frameProgress).toBe(true);
    const genP = await loadMelGenerator(progressDir, {
      runtime: { executionProviders: ['cpu'], intraOpThreads: 1 },
    });
    const resP = await genP.generate(words);
    const refP = tf.tidy(() => {
      const enc = modelP.encode(tf.tensor2d(ids, [1, ids.length], 'int32'));
      const durations = framesFromLogDurations(enc.logDurations.dataSync());
      const T = durations.reduce((a, b) => a + b, 0);
      const padded = Math.ceil(T / 2) * 2;
      const expanded = expandByDurations(enc.hidden.dataSync() as Float32Array, D, durations, padded);
      return modelP
        .decode(tf.tensor3d(expanded, [1, padded, D]), progressTensor([durations], padded, 2))
        .dataSync()
        .slice(0, T * BINS);
    });
    expect(maxAbsDiff(resP.mel, refP)).toBeLessThanOrEqual(1e-4);
    await genP.dispose();

    const tight = await loadMelGenerator(modelDir, { maxFrames: res.frames - 1 });
    await expect(tight.generate(words)).rejects.toMatchObject({ code: 'text_too_long' });
    await tight.dispose();
  });

  it('refuses a card whose symbols differ from the language symbol set', async () => {
    const modelDir = join(dir, 'tts-bad');
    const c = card();
    await exportTtsModel(modelDir, model.params.getWeights(), cfg, {
      ...c,
      symbols: [...c.symbols].reverse(),
    });
    await expect(loadMelGenerator(modelDir)).rejects.toMatchObject({ code: 'model_load_failed' });
  });
});

describe('length regulator', () => {
  it('rounds ln(1+d) back to frames, at least one each, divided by the speed', () => {
    expect([...framesFromLogDurations([Math.log1p(3), Math.log1p(0.2), -2, Math.log1p(10)])]).toEqual([
      3, 1, 1, 10,
    ]);
    expect([...framesFromLogDurations([Math.log1p(8)], 2)]).toEqual([4]);
    expect(() => framesFromLogDurations([1], 0)).toThrow(RangeError);
    const out = expandByDurations(Float32Array.of(1, 2, 3, 4), 2, [2, 1]);
    expect([...out]).toEqual([1, 2, 1, 2, 3, 4]);
    expect([...expandByDurations(Float32Array.of(1, 2, 3, 4), 2, [2, 1], 4)]).toEqual([
      1, 2, 1, 2, 3, 4, 3, 4,
    ]);
  });
});
