import { describe, expect, it } from 'vitest';
import { addNoiseAtSnr, meanSquare, mixAtSnr, scaleToLevel } from '../../scripts/data/synth/mix.ts';

function sine(n: number, hz: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * hz * i) / 16000));
}

function noise(n: number): Float32Array {
  let s = 99;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

describe('noise mixing', () => {
  it('adds noise at the requested SNR', () => {
    for (const snr of [-5, 0, 10, 30]) {
      const clean = sine(16000, 440);
      const noisy = clean.slice();
      addNoiseAtSnr(noisy, meanSquare(clean), noise(5000), snr, 1234);
      const diff = noisy.map((v, i) => v - clean[i]);
      expect(10 * Math.log10(meanSquare(clean) / meanSquare(diff))).toBeCloseTo(snr, 6);
    }
  });

  it('pads, sets the level and never clips', () => {
    const out = mixAtSnr(sine(8000, 300), noise(3000), {
      snrDb: 5,
      noiseOffset: 0,
      padStartSamples: 1600,
      padEndSamples: 800,
      levelDbfs: -20,
    });
    expect(out.length).toBe(10400);
    expect(20 * Math.log10(Math.sqrt(meanSquare(out)))).toBeCloseTo(-20, 6);
    expect(meanSquare(out.subarray(0, 1600))).toBeGreaterThan(0); // noise covers the padding
    const loud = sine(1000, 100).map((v) => v * 3);
    scaleToLevel(loud, 0);
    expect(Math.max(...loud.map(Math.abs))).toBeLessThanOrEqual(0.98 + 1e-6);
  });
});
