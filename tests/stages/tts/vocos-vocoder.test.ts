/**
 * The Vocos-style vocoder on a tiny random model built here: ONNX export parity with tfjs
 * (batch 2), the served VocosVocoder streaming block by block equal to one whole-utterance run
 * + iSTFT (seams included), a shorter context staying close, and the per-voice choice between
 * the neural vocoder and Griffin-Lim (TOLK_TTS_VOCODER) over a real registry folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float32Tensor, loadOnnxModel } from '../../../models/onnx-session.ts';
import { ModelRegistry } from '../../../models/registry.ts';
import { initBackend } from '../../../scripts/train/lib/backend.ts';
import {
  createVocos,
  DEFAULT_STFT_RESOLUTIONS,
  receptiveFieldFrames,
  type VocosConfig,
} from '../../../scripts/train/lib/models/vocos.ts';
import { Rng } from '../../../scripts/train/lib/rng.ts';
import {
  buildVocoderGraph,
  exportVocoder,
  exportWeightMap,
} from '../../../scripts/train/vocoder/export-vocoder.ts';
import { concatSamples } from '../../../server/audio/concat.ts';
import { LOG_MEL_CONFIG, logMel } from '../../../server/audio/log-mel.ts';
import { istft, istftLength } from '../../../server/audio/stft.ts';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { loadEngines } from '../../../server/session/load-engines.ts';
import { chooseVocoder } from '../../../server/stages/tts/choose-vocoder.ts';
import type { ModelSynthesizer } from '../../../server/stages/tts/model-synthesizer.ts';
import { griffinLimVocoder, vocodeAll } from '../../../server/stages/tts/vocoder.ts';
import { loadVocosVocoder, VocosVocoder } from '../../../server/stages/tts/vocos-vocoder.ts';
import { SpeechLikeMelGenerator } from './model-synthesizer-doubles.ts';
import { speechLike } from './synthetic-speech.ts';

const BINS = 80;
const F = LOG_MEL_CONFIG.fftSize / 2 + 1;
const cfg: VocosConfig = {
  sampleRate: 16000,
  numMelBins: BINS,
  fftSize: LOG_MEL_CONFIG.fftSize,
  windowSamples: LOG_MEL_CONFIG.windowSamples,
  hopSamples: LOG_MEL_CONFIG.hopSamples,
  dim: 16,
  intermediate: 32,
  layers: 2,
  kernelSize: 7,
  embedKernel: 7,
  melFloor: Math.log(1e-8),
  melMean: Array.from({ length: BINS }, (_, m) => -6 - m / 40),
  melStd: Array.from({ length: BINS }, (_, m) => 2 + m / 80),
  logMagMax: Math.log(1e3),
  segmentFrames: 16,
  stftResolutions: DEFAULT_STFT_RESOLUTIONS,
  lossWeights: { mel: 1, stft: 1, magnitude: 1, phase: 1 },
  seed: 5,
};
const model = createVocos(cfg);
const root = mkdtempSync(join(tmpdir(), 'tolk-vocos-'));
const modelsDir = join(root, 'models');
const vocoderDir = join(modelsDir, 'vocoder-es');

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
  // Every weight random (LayerNorms, biases and layer scales too), small enough that the
  // log-magnitude stays below its clamp, where tfjs and ONNX agree to float precision.
  const r = new Rng(21);
  for (const [name, v] of model.params.entries()) {
    const base = name.endsWith('/gamma') ? 1 : 0;
    const data = Float32Array.from({ length: v.size }, () => base + 0.2 * r.normal());
    v.assign(tf.tensor(data, v.shape));
  }
  await exportVocoder(vocoderDir, model.params.getWeights(), cfg, {
    id: 'vocoder-es',
    version: 'test',
    languages: ['es'],
    training: { command: 'test' },
    evaluation: {},
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/** Speech-like log-mel (with stretches below the floor, as silence gives). */
function testMel(ms: number, seed: number): { mel: Float32Array; frames: number } {
  const audio = speechLike(ms, seed);
  for (let i = 0; i < 1200; i++) audio[i] = 0;
  const { data, frames } = logMel(audio);
  return { mel: data, frames };
}

describe('Vocos ONNX export', () => {
  it('real/imag match tfjs within 1e-4 (batch 2, frames below the mel floor included)', async () => {
    const a = testMel(400, 1);
    const b = testMel(400, 2);
    const T = Math.min(a.frames, b.frames);
    const mel = new Float32Array(2 * T * BINS);
    mel.set(a.mel.subarray(0, T * BINS));
    mel.set(b.mel.subarray(0, T * BINS), T * BINS);
    const ref = tf.tidy(() => {
      const s = model.spectrum(tf.tensor3d(mel, [2, T, BINS]));
      return { re: s.re.dataSync().slice(), im: s.im.dataSync().slice() };
    });
    const path = join(root, 'parity.onnx');
    writeFileSync(path, buildVocoderGraph(cfg, exportWeightMap(model.params.getWeights())));
    const s = await loadOnnxModel(path, { executionProviders: ['cpu'], intraOpThreads: 1 });
    const out = await s.run({ mel: float32Tensor(mel, [2, T, BINS]) });
    expect(out.real.dims).toEqual([2, T, F]);
    const scale = Math.max(...ref.re.map(Math.abs), 1);
    expect(maxAbsDiff(out.real.data as Float32Array, ref.re) / scale).toBeLessThanOrEqual(1e-4);
    expect(maxAbsDiff(out.imag.data as Float32Array, ref.im) / scale).toBeLessThanOrEqual(1e-4);
    await s.release();
  });
});

describe('VocosVocoder (served, streaming)', () => {
  it('block-by-block audio equals one whole-utterance run + iSTFT, seams included', async () => {
    const v = await loadVocosVocoder(vocoderDir, { firstBlockFrames: 5, blockFrames: 9 });
    expect(v.contextFrames).toBe(receptiveFieldFrames(cfg));
    expect([v.sampleRate, v.hopSamples, v.numMelBins]).toEqual([16000, 160, 80]);
    const { mel, frames } = testMel(900, 3);
    const whole = await v.run(mel, frames);
    const ref = istft({ frames, bins: F, re: whole.real, im: whole.imag });
    // Uneven pushes, as the synthesizer may make them.
    const stream = v.createStream();
    const pieces: Float32Array[] = [];
    const rng = new Rng(4);
    for (let t = 0; t < frames; ) {
      const n = Math.min(frames - t, 1 + rng.int(13));
      pieces.push(await stream.push(mel.subarray(t * BINS, (t + n) * BINS), n));
      t += n;
    }
    pieces.push(await stream.flush());
    expect(pieces.filter((p) => p.length).length).toBeGreaterThan(5);
    const chunked = concatSamples(pieces);
    expect(chunked.length).toBe(istftLength(frames));
    const peak = Math.max(...ref.map(Math.abs));
    expect(maxAbsDiff(chunked, ref) / peak).toBeLessThan(1e-5);
    // The stream is reusable after flush: a second utterance through it is the same again.
    expect(maxAbsDiff(await vocodeAll(v, mel, frames), ref) / peak).toBeLessThan(1e-5);
    await v.dispose();
  });

  it('a context shorter than the receptive field stays close to the whole-utterance audio', async () => {
    const full = await loadVocosVocoder(vocoderDir);
    const short = await loadVocosVocoder(vocoderDir, {
      firstBlockFrames: 6,
      blockFrames: 10,
      contextFrames: 4,
    });
    expect(short.contextFrames).toBe(4);
    const { mel, frames } = testMel(700, 5);
    const whole = await full.run(mel, frames);
    const ref = istft({ frames, bins: F, re: whole.real, im: whole.imag });
    const got = await vocodeAll(short, mel, frames);
    let err = 0;
    let energy = 0;
    for (let i = 0; i < ref.length; i++) {
      err += (got[i] - ref[i]) ** 2;
      energy += ref[i] ** 2;
    }
    expect(got.length).toBe(ref.length);
    expect(err / energy).toBeLessThan(0.01);
    await full.dispose();
    await short.dispose();
  });
});

describe('choosing the vocoder per voice', () => {
  it('auto/neural pick models/vocoder-<lang>; griffin-lim, another language or a broken folder fall back', async () => {
    const broken = join(modelsDir, 'vocoder-en');
    mkdirSync(broken, { recursive: true });
    writeFileSync(
      join(broken, 'model.json'),
      JSON.stringify({ id: 'vocoder-en', kind: 'vocoder', languages: ['en'], version: 1 }),
    );
    const registry = new ModelRegistry(modelsDir);
    await registry.load();
    const entries = registry.snapshot().models;
    const gl = griffinLimVocoder({ iterations: 4 });
    const load = (dir: string) => loadVocosVocoder(dir);

    const auto = await chooseVocoder(entries, 'es', 'auto', gl, load);
    expect(auto.vocoder).toBeInstanceOf(VocosVocoder);
    expect(auto.note).toBeUndefined();
    expect((await chooseVocoder(entries, 'es', 'griffin-lim', gl, load)).vocoder).toBe(gl);
    expect(await chooseVocoder(entries, 'fr', 'auto', gl, load)).toEqual({ vocoder: gl });
    const missing = await chooseVocoder(entries, 'fr', 'neural', gl, load);
    expect(missing.vocoder).toBe(gl);
    expect(missing.note).toMatch(/TOLK_TTS_VOCODER=neural but no vocoder model speaks fr/);
    const bad = await chooseVocoder(entries, 'en', 'auto', gl, load);
    expect(bad.vocoder).toBe(gl);
    expect(bad.note).toMatch(/vocoder vocoder-en not loaded .*invalid model\.json/);
  });

  it('the server gives a voice the neural vocoder under TOLK_TTS_VOCODER=auto, Griffin-Lim when told', async () => {
    const ttsDir = join(modelsDir, 'tts-es');
    mkdirSync(ttsDir, { recursive: true });
    writeFileSync(
      join(ttsDir, 'model.json'),
      JSON.stringify({ id: 'tts-es', kind: 'tts', languages: ['es'] }),
    );
    const registry = new ModelRegistry(modelsDir);
    await registry.load();
    for (const [choice, name] of [
      ['auto', 'vocos-vocoder-es'],
      ['griffin-lim', 'griffin-lim-4'],
    ]) {
      const gen = new SpeechLikeMelGenerator('es');
      const engines = await loadEngines(
        loadConfig({
          TOLK_MODELS_DIR: modelsDir,
          LOG_LEVEL: 'silent',
          TOLK_TTS_GL_ITERS: '4',
          TOLK_TTS_VOCODER: choice,
        }),
        registry,
        createLogger('silent'),
        new Registry(),
        { asr: new Map(), mt: null, loadMelGenerator: async () => gen },
      );
      try {
        const voice = engines.tts.get('es') as ModelSynthesizer;
        expect(voice.vocoder.name).toBe(name);
        const pieces: Float32Array[] = [];
        for await (const p of voice.synthesizeChunks('hola mundo', new AbortController().signal))
          pieces.push(p);
        const { frames } = await gen.generate('hola mundo');
        expect(concatSamples(pieces).length).toBe(istftLength(frames));
        if (choice === 'auto') expect(pieces.length).toBeGreaterThan(1);
      } finally {
        await engines.close();
      }
    }
  });
});
