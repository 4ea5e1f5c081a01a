import { describe, expect, it } from 'vitest';
import { dtwMcd, mcd, melCepstra } from '../../scripts/eval/metrics/mcd.ts';
import { speechLike } from '../stages/tts/synthetic-speech.ts';

function withNoise(x: Float32Array, snrDb: number, seed = 5): Float32Array {
  let s = seed;
  const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  let p = 0;
  for (const v of x) p += v * v;
  p /= x.length;
  const noiseRms = Math.sqrt(p / 10 ** (snrDb / 10));
  return x.map((v) => v + noiseRms * Math.sqrt(3) * rnd());
}

describe('mel-cepstral distortion', () => {
  // Recordings have a noise floor; a band-limited synthetic signal alone would leave the
  // upper mel bands at the log floor, which no real reference does.
  const ref = withNoise(speechLike(1000, 2), 45, 11);

  it('is zero for identical audio', () => {
    expect(mcd(ref, ref).mcdDb).toBeCloseTo(0, 9);
  });

  it('ignores overall gain (c0 is excluded)', () => {
    expect(
      mcd(
        ref,
        ref.map((v) => 0.5 * v),
      ).mcdDb,
    ).toBeLessThan(1e-3);
  });

  it('grows monotonically as noise increases', () => {
    const values = [40, 30, 20, 10, 0].map((snr) => mcd(ref, withNoise(ref, snr)).mcdDb);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    expect(values[0]).toBeGreaterThan(0);
  });

  it('is small for the same content at a different timing (DTW), large for different content', () => {
    // Same signal with a 150 ms hold inserted: a pure timing change.
    const cut = 8000;
    const stretched = new Float32Array(ref.length + 2400);
    stretched.set(ref.subarray(0, cut));
    for (let i = 0; i < 2400; i++) stretched[cut + i] = ref[cut - 160 + (i % 160)];
    stretched.set(ref.subarray(cut), cut + 2400);
    const timing = mcd(ref, stretched).mcdDb;
    const other = mcd(ref, speechLike(1000, 4)).mcdDb;
    const noisy = mcd(ref, withNoise(ref, 10)).mcdDb;
    expect(timing).toBeLessThan(noisy);
    expect(other).toBeGreaterThan(2 * timing);
  });

  it('uses the documented formula on a hand-made pair', () => {
    // One frame each, c differs by 1 in one coefficient: MCD = 10/ln10 · sqrt(2) ≈ 6.1418 dB.
    const a = { data: Float64Array.from([0, 0, 0]), frames: 1 };
    const b = { data: Float64Array.from([1, 0, 0]), frames: 1 };
    expect(dtwMcd(a, b, 3).mcdDb).toBeCloseTo((10 / Math.LN10) * Math.SQRT2, 9);
  });

  it('trims silent ends', () => {
    const padded = new Float32Array(ref.length + 16000);
    padded.set(ref, 8000);
    expect(melCepstra(padded).frames).toBeLessThan(melCepstra(ref).frames + 6);
    const trimmed = mcd(ref, padded).mcdDb;
    const untrimmed = mcd(ref, padded, { trimDb: Number.POSITIVE_INFINITY }).mcdDb;
    // Only the frames straddling the onset remain different.
    expect(trimmed).toBeLessThan(0.25 * untrimmed);
    expect(trimmed).toBeLessThan(mcd(ref, withNoise(ref, 20)).mcdDb);
  });
});
