/**
 * The training toolkit's differentiable STFT / iSTFT (scripts/train/lib/spectral.ts) against the
 * server's FFT-based ones (server/audio/stft.ts): same frames, same overlap-add and window-sum
 * normalisation, so a vocoder trained through it is inverted identically when served.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import {
  createVocos,
  DEFAULT_STFT_RESOLUTIONS,
  type VocosConfig,
} from '../../scripts/train/lib/models/vocos.ts';
import { Rng } from '../../scripts/train/lib/rng.ts';
import { framesIn, SpectralOps, samplesOf } from '../../scripts/train/lib/spectral.ts';
import { LOG_MEL_CONFIG, logMel } from '../../server/audio/log-mel.ts';
import { istft, StftEngine, TTS_STFT_CONFIG } from '../../server/audio/stft.ts';
import { speechLike } from '../stages/tts/synthetic-speech.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('differentiable STFT / iSTFT', () => {
  const ops = new SpectralOps(TTS_STFT_CONFIG);
  const bins = ops.bins;

  it('stft matches StftEngine.forward frame by frame (uncentred, no padding)', () => {
    const audio = speechLike(300, 1);
    const frames = framesIn(audio.length, TTS_STFT_CONFIG);
    const engine = new StftEngine(TTS_STFT_CONFIG);
    const re = new Float32Array(frames * bins);
    const im = new Float32Array(frames * bins);
    for (let t = 0; t < frames; t++) engine.forward(audio, t * 160, re, im, t * bins);
    const got = tf.tidy(() => {
      const s = ops.stft(tf.tensor2d(audio, [1, audio.length]));
      return { re: s.re.dataSync().slice(), im: s.im.dataSync().slice(), shape: s.re.shape };
    });
    expect(got.shape).toEqual([1, frames, bins]);
    expect(maxAbs(got.re, re)).toBeLessThan(2e-4);
    expect(maxAbs(got.im, im)).toBeLessThan(2e-4);
  });

  it('istft of any spectrum equals the server istft, edges included', () => {
    const rng = new Rng(3);
    const frames = 12;
    const re = Float32Array.from({ length: frames * bins }, () => rng.normal());
    const im = Float32Array.from({ length: frames * bins }, () => rng.normal());
    const ref = istft({ frames, bins, re, im }, TTS_STFT_CONFIG);
    const got = tf.tidy(() =>
      ops
        .istft(tf.tensor3d(re, [1, frames, bins]), tf.tensor3d(im, [1, frames, bins]))
        .dataSync()
        .slice(),
    );
    expect(got.length).toBe(samplesOf(frames, TTS_STFT_CONFIG));
    expect(maxAbs(got, ref)).toBeLessThan(1e-4);
  });

  it('istft(stft(x)) reproduces x, and the log-mel of the result is the input log-mel', () => {
    const audio = speechLike(250, 2);
    const frames = framesIn(audio.length, TTS_STFT_CONFIG);
    const y = tf.tidy(() => {
      const s = ops.stft(tf.tensor2d(audio, [1, audio.length]));
      return ops.istft(s.re, s.im).dataSync().slice();
    });
    // Away from the outermost samples (where the window sum is floored) the round trip is exact.
    const span = samplesOf(frames, TTS_STFT_CONFIG);
    expect(maxAbs(y.subarray(40, span - 40), audio.subarray(40, span - 40))).toBeLessThan(1e-3);
    const a = logMel(audio.subarray(0, span));
    const b = logMel(Float32Array.from(y));
    expect(b.frames).toBe(frames);
    // The two outer frames see the floored edge samples; every frame between is reproduced.
    let worst = 0;
    for (let i = 80; i < a.data.length - 80; i++)
      if (a.data[i] > -12) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    expect(worst).toBeLessThan(0.01);
  });
});

describe('Vocos training loss', () => {
  const cfg: VocosConfig = {
    sampleRate: 16000,
    numMelBins: 80,
    fftSize: LOG_MEL_CONFIG.fftSize,
    windowSamples: LOG_MEL_CONFIG.windowSamples,
    hopSamples: LOG_MEL_CONFIG.hopSamples,
    dim: 16,
    intermediate: 32,
    layers: 2,
    kernelSize: 7,
    embedKernel: 7,
    melFloor: Math.log(1e-8),
    melMean: new Array(80).fill(-8),
    melStd: new Array(80).fill(3),
    logMagMax: Math.log(1e3),
    segmentFrames: 16,
    stftResolutions: DEFAULT_STFT_RESOLUTIONS,
    lossWeights: { mel: 1, stft: 1, magnitude: 1, phase: 1 },
    seed: 2,
  };

  it('every term is finite and positive, gradients reach every weight, crops replay from the ids', () => {
    const model = createVocos(cfg);
    const samples = [0, 1].map((id) => {
      const audio = speechLike(400 + 100 * id, id);
      return { id, audio, frames: framesIn(audio.length, TTS_STFT_CONFIG) };
    });
    const terms = tf.tidy(() => {
      const l = model.losses(samples);
      return Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.dataSync()[0]]));
    });
    for (const v of Object.values(terms)) {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
    }
    const { grads } = tf.variableGrads(() => model.loss(samples), model.params.variables());
    for (const [name, v] of model.params.entries()) {
      const g = grads[v.name];
      expect(g, name).toBeDefined();
      expect(tf.sum(tf.abs(g)).dataSync()[0], name).toBeGreaterThan(0);
    }
    // Same batch → same crops (resume is exact); the crop is the log-mel of its own audio.
    const a = model.crops(samples);
    const b = model.crops(samples);
    expect(a.mel).toEqual(b.mel);
    expect(a.audio[0].length).toBe(samplesOf(cfg.segmentFrames, cfg));
    const own = logMel(a.audio[1]);
    expect(own.frames).toBe(cfg.segmentFrames);
    for (let i = 0; i < own.data.length; i++)
      expect(a.mel[cfg.segmentFrames * 80 + i]).toBeCloseTo(Math.max(own.data[i], cfg.melFloor), 5);
  });
});
