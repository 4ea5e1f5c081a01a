import { describe, expect, it } from 'vitest';
import { concatSamples } from '../../server/audio/concat.ts';
import {
  frameCount,
  hannWindow,
  LOG_MEL_CONFIG,
  LogMelFrameComputer,
  logMel,
  StreamingLogMel,
} from '../../server/audio/log-mel.ts';
import { createMelFilterbank, hzFromMel, melEdgesHz, melFromHz } from '../../server/audio/mel-filterbank.ts';
import { CausalNormalizer, GlobalNormalizer, MelStatsAccumulator } from '../../server/audio/mel-normalize.ts';

const SR = 16000;

function noise(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 0.5;
  }
  return out;
}

function tone(hz: number, n: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * hz * i) / SR));
}

describe('mel filterbank vs the analytic Slaney scale', () => {
  it('round-trips Hz ↔ mel and is linear below 1 kHz', () => {
    for (const hz of [0, 100, 500, 999, 1000, 2500, 8000])
      expect(hzFromMel(melFromHz(hz))).toBeCloseTo(hz, 6);
    expect(melFromHz(1000)).toBeCloseTo(15, 9);
    expect(melFromHz(6400)).toBeCloseTo(15 + 27, 9);
  });

  it('puts band edges and centers where the formula says, peak 1, zero at the edges', () => {
    const bands = createMelFilterbank(LOG_MEL_CONFIG);
    const edges = melEdgesHz(LOG_MEL_CONFIG);
    expect(bands).toHaveLength(80);
    expect(edges[0]).toBe(0);
    expect(edges[81]).toBeCloseTo(8000, 6);
    const step = (melFromHz(8000) - melFromHz(0)) / 81;
    const binHz = SR / 512;
    bands.forEach((b, m) => {
      expect(melFromHz(b.centerHz)).toBeCloseTo(step * (m + 1), 9);
      expect(b.weights.length).toBeGreaterThan(0);
      // every weighted bin lies strictly inside (left, right)
      expect(b.startBin * binHz).toBeGreaterThan(b.leftHz);
      expect((b.startBin + b.weights.length - 1) * binHz).toBeLessThan(b.rightHz);
      for (const w of b.weights) expect(w).toBeLessThanOrEqual(1);
    });
  });
});

describe('log-mel vs an independent reference', () => {
  it('matches a naive DFT + directly evaluated triangles', () => {
    const x = noise(1200, 7);
    const ours = logMel(x);
    const win = hannWindow(400);
    const edges = melEdgesHz(LOG_MEL_CONFIG);
    for (const t of [0, 3, ours.frames - 1]) {
      const power: number[] = [];
      for (let k = 0; k <= 256; k++) {
        let re = 0;
        let im = 0;
        for (let n = 0; n < 400; n++) {
          const v = x[t * 160 + n] * win[n];
          re += v * Math.cos((2 * Math.PI * k * n) / 512);
          im -= v * Math.sin((2 * Math.PI * k * n) / 512);
        }
        power.push(re * re + im * im);
      }
      for (let m = 0; m < 80; m++) {
        let e = 0;
        for (let k = 0; k <= 256; k++) {
          const hz = (k * SR) / 512;
          const [l, c, r] = [edges[m], edges[m + 1], edges[m + 2]];
          const w = hz <= l || hz >= r ? 0 : hz <= c ? (hz - l) / (c - l) : (r - hz) / (r - c);
          e += w * power[k];
        }
        expect(ours.data[t * 80 + m]).toBeCloseTo(Math.log(Math.max(e, 1e-10)), 3);
      }
    }
  });

  it('satisfies Parseval for a pure tone and peaks in the band centered nearest the tone', () => {
    const computer = new LogMelFrameComputer();
    const bands = computer.bands;
    for (const hz of [300, 1000, 2500, 5000]) {
      const amp = 0.5;
      const x = tone(hz, 4000, amp);
      const power = computer.powerSpectrum(x, 1600);
      // one-sided energy ≈ fftSize · Σ(x·w)² / 2 and Σ(x·w)² ≈ amp²/2 · Σw² (Σw² = 3N/8 for Hann)
      const oneSided = power.reduce((a, p, k) => a + (k === 0 || k === 256 ? p : 2 * p), 0) / 2;
      const expected = (((512 * (amp * amp)) / 2) * (3 * 400)) / 8 / 2;
      expect(Math.abs(oneSided - expected) / expected).toBeLessThan(0.02);
      const feats = logMel(x);
      const row = Array.from(feats.data.subarray(10 * 80, 11 * 80));
      const peak = row.indexOf(Math.max(...row));
      const nearest = bands.reduce(
        (best, b, m) => (Math.abs(b.centerHz - hz) < Math.abs(bands[best].centerHz - hz) ? m : best),
        0,
      );
      expect(Math.abs(peak - nearest)).toBeLessThanOrEqual(1);
      expect(bands[peak].leftHz).toBeLessThan(hz);
      expect(bands[peak].rightHz).toBeGreaterThan(hz);
    }
  });

  it('counts frames as documented', () => {
    expect(frameCount(399)).toBe(0);
    expect(frameCount(400)).toBe(1);
    expect(frameCount(560)).toBe(2);
    expect(frameCount(16000)).toBe(98);
    expect(frameCount(401, LOG_MEL_CONFIG, true)).toBe(2);
    expect(frameCount(16000, LOG_MEL_CONFIG, true)).toBe(99);
  });
});

describe('streaming == batch', () => {
  it('gives bit-identical frames for any chunking, including the padded tail', () => {
    const x = concatSamples([noise(9000, 3), tone(440, 7777)]);
    const batch = logMel(x, { padEnd: true });
    for (const chunk of [1, 37, 160, 400, 1024, 5000]) {
      const s = new StreamingLogMel();
      const parts: Float32Array[] = [];
      for (let i = 0; i < x.length; i += chunk) parts.push(s.push(x.subarray(i, i + chunk)).data);
      const beforeFlush = concatSamples(parts);
      expect(beforeFlush).toEqual(logMel(x).data);
      parts.push(s.flush().data);
      expect(concatSamples(parts)).toEqual(batch.data);
    }
  });

  it('causal normalization: streaming equals batch, and warm-up leans on the prior', () => {
    const x = concatSamples([noise(20000, 5), tone(1000, 12000, 0.3)]);
    const feats = logMel(x);
    const acc = new MelStatsAccumulator(80);
    acc.add(logMel(noise(32000, 9)).data);
    const prior = acc.toStats();
    const batch = new CausalNormalizer(prior, 100).apply(feats.data.slice());
    const stream = new CausalNormalizer(prior, 100);
    const parts: Float32Array[] = [];
    for (let t = 0; t < feats.frames; t += 7)
      parts.push(stream.apply(feats.data.slice(t * 80, (t + 7) * 80)));
    expect(concatSamples(parts)).toEqual(batch);
    // with a huge prior weight the causal normalizer is the global normalizer
    const heavy = new CausalNormalizer(prior, 1e12).apply(feats.data.slice());
    const global = new GlobalNormalizer(prior).apply(feats.data.slice());
    for (let i = 0; i < heavy.length; i += 97) expect(heavy[i]).toBeCloseTo(global[i], 3);
  });
});
