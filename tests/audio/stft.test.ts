import { describe, expect, it } from 'vitest';
import { LOG_MEL_CONFIG, logMel } from '../../server/audio/log-mel.ts';
import { createMelFilterbank } from '../../server/audio/mel-filterbank.ts';
import {
  istft,
  istftLength,
  magnitudeOf,
  type StftConfig,
  StreamingIstft,
  stft,
  stftFrameCount,
  TTS_STFT_CONFIG,
} from '../../server/audio/stft.ts';

function testSignal(n: number, seed = 1): Float32Array {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 220 * i) / 16000) + 0.1 * rnd();
  return x;
}

function maxAbsDiff(a: Float32Array, b: Float32Array, from = 0, to = Math.min(a.length, b.length)): number {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const CENTERED: StftConfig = { ...TTS_STFT_CONFIG, center: true };
const HOP256: StftConfig = {
  sampleRate: 22050,
  fftSize: 1024,
  windowSamples: 1024,
  hopSamples: 256,
  center: true,
};

describe('STFT / iSTFT', () => {
  it('reconstructs a centred signal perfectly, ends included', () => {
    for (const cfg of [CENTERED, HOP256]) {
      const x = testSignal(12_345);
      const y = istft(stft(x, cfg), cfg, { length: x.length });
      expect(maxAbsDiff(x, y)).toBeLessThan(1e-4);
    }
  });

  it('reconstructs the log-mel framing everywhere a full overlap covers', () => {
    const x = testSignal(16_000);
    const spec = stft(x);
    expect(spec.frames).toBe(stftFrameCount(x.length));
    const y = istft(spec, TTS_STFT_CONFIG, { length: x.length });
    const win = TTS_STFT_CONFIG.windowSamples;
    expect(maxAbsDiff(x, y, win, x.length - win)).toBeLessThan(1e-4);
    // The outer edge fades (window-sum floor) instead of blowing up.
    expect(maxAbsDiff(x, y)).toBeLessThan(1);
  });

  it('matches the log-mel front-end frame for frame', () => {
    const x = testSignal(8000);
    const mel = logMel(x);
    const power = magnitudeOf(stft(x));
    const bands = createMelFilterbank(LOG_MEL_CONFIG);
    const bins = TTS_STFT_CONFIG.fftSize / 2 + 1;
    for (const t of [0, 7, mel.frames - 1]) {
      for (const m of [3, 40, 79]) {
        const { startBin, weights } = bands[m];
        let e = 0;
        for (let j = 0; j < weights.length; j++) e += weights[j] * power[t * bins + startBin + j] ** 2;
        expect(Math.log(Math.max(e, 1e-10))).toBeCloseTo(mel.data[t * 80 + m], 3);
      }
    }
  });

  it('finds a pure tone in the right bin', () => {
    const x = new Float32Array(4000);
    const bin = 32; // 1 kHz at 16 kHz / 512
    for (let i = 0; i < x.length; i++) x[i] = Math.sin((2 * Math.PI * bin * i) / 512);
    const spec = stft(x);
    const mag = magnitudeOf(spec);
    const frame = mag.subarray(5 * spec.bins, 6 * spec.bins);
    expect(frame.indexOf(Math.max(...frame))).toBe(bin);
  });
});

describe('StreamingIstft', () => {
  for (const [name, cfg] of [
    ['log-mel framing', TTS_STFT_CONFIG],
    ['centred', CENTERED],
    ['hop 256', HOP256],
  ] as const) {
    it(`equals the whole-utterance iSTFT at every seam (${name})`, () => {
      const x = testSignal(9_999, 7);
      const spec = stft(x, cfg);
      const whole = istft(spec, cfg);
      const stream = new StreamingIstft(cfg);
      const parts: Float32Array[] = [];
      for (let t = 0; t < spec.frames; t++) parts.push(stream.push(spec.re, spec.im, t * spec.bins));
      parts.push(stream.flush());
      const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        joined.set(p, o);
        o += p.length;
      }
      expect(joined.length).toBe(istftLength(spec.frames, cfg));
      expect(maxAbsDiff(joined, whole)).toBeLessThan(1e-6);
      // Steady state: each frame completes exactly one hop.
      expect(parts[Math.floor(spec.frames / 2)].length).toBe(cfg.hopSamples);
    });
  }

  it('accepts magnitude + phase frames (Vocos-style heads)', () => {
    const x = testSignal(4000, 3);
    const spec = stft(x);
    const stream = new StreamingIstft();
    const parts: Float32Array[] = [];
    for (let t = 0; t < spec.frames; t++) {
      const mag = new Float32Array(spec.bins);
      const phase = new Float32Array(spec.bins);
      for (let k = 0; k < spec.bins; k++) {
        const re = spec.re[t * spec.bins + k];
        const im = spec.im[t * spec.bins + k];
        mag[k] = Math.hypot(re, im);
        phase[k] = Math.atan2(im, re);
      }
      parts.push(stream.pushPolar(mag, phase));
    }
    parts.push(stream.flush(x.length));
    const y = new Float32Array(x.length);
    let o = 0;
    for (const p of parts) {
      y.set(p, o);
      o += p.length;
    }
    expect(maxAbsDiff(x, y, 400, x.length - 400)).toBeLessThan(1e-4);
  });
});
