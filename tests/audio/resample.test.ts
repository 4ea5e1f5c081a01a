import { describe, expect, it } from 'vitest';
import { resample, StreamingResampler } from '../../server/audio/resample.ts';

function tone(freqHz: number, sampleRate: number, n: number, amplitude = 0.5): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate);
  return x;
}

/** Amplitude of the component at freqHz over the middle of the signal (edges excluded). */
function amplitudeAt(x: Float32Array, freqHz: number, sampleRate: number): number {
  const a = Math.floor(x.length * 0.2);
  const b = Math.floor(x.length * 0.8);
  let re = 0;
  let im = 0;
  for (let i = a; i < b; i++) {
    const w = (2 * Math.PI * freqHz * i) / sampleRate;
    re += x[i] * Math.cos(w);
    im += x[i] * Math.sin(w);
  }
  return (2 * Math.hypot(re, im)) / (b - a);
}

const db = (ratio: number) => 20 * Math.log10(ratio);

describe('resample', () => {
  const pairs: [number, number][] = [
    [16000, 48000],
    [48000, 16000],
    [44100, 48000],
    [8000, 16000],
    [44100, 16000],
    [22050, 16000],
    [44056, 16000], // odd rate: interpolated phase table
  ];

  it.each(pairs)('%i → %i keeps a 1 kHz sine: frequency, amplitude, length', (from, to) => {
    const y = resample(tone(1000, from, from), from, to);
    expect(y.length).toBe(to);
    expect(amplitudeAt(y, 1000, to)).toBeCloseTo(0.5, 3);
    // Energy elsewhere (distortion, images) is tiny: the residual after removing the tone.
    const ref = tone(1000, to, to);
    let err = 0;
    let sig = 0;
    for (let i = Math.floor(to * 0.2); i < Math.floor(to * 0.8); i++) {
      err += (y[i] - ref[i]) ** 2;
      sig += ref[i] ** 2;
    }
    expect(10 * Math.log10(err / sig)).toBeLessThan(-60);
  });

  it('rejects aliases when decimating 48 → 16 kHz by more than 70 dB', () => {
    // 8.7 kHz cannot exist at 16 kHz; a naive decimator would fold it to 7.3 kHz.
    const y = resample(tone(8700, 48000, 48000), 48000, 16000);
    expect(db(amplitudeAt(y, 7300, 16000) / 0.5)).toBeLessThan(-70);
  });

  it('suppresses images when interpolating 16 → 48 kHz by more than 70 dB', () => {
    const y = resample(tone(1000, 16000, 16000), 16000, 48000);
    expect(db(amplitudeAt(y, 15000, 48000) / 0.5)).toBeLessThan(-70);
    expect(db(amplitudeAt(y, 17000, 48000) / 0.5)).toBeLessThan(-70);
  });

  it('keeps the passband flat to 6 kHz (within 0.1 dB) when going to 16 kHz', () => {
    for (const f of [100, 3000, 6000]) {
      const y = resample(tone(f, 48000, 48000), 48000, 16000);
      expect(Math.abs(db(amplitudeAt(y, f, 16000) / 0.5))).toBeLessThan(0.1);
    }
  });

  it('is time-aligned: an impulse lands at the same time after conversion', () => {
    const x = new Float32Array(4800);
    x[2400] = 1; // 50 ms at 48 kHz
    const y = resample(x, 48000, 16000);
    let peak = 0;
    for (let i = 1; i < y.length; i++) if (Math.abs(y[i]) > Math.abs(y[peak])) peak = i;
    expect(peak).toBe(800); // 50 ms at 16 kHz
  });

  it('streams in any chunking to the same samples as one-shot', () => {
    const x = tone(440, 44100, 9000);
    const whole = resample(x, 44100, 16000);
    const r = new StreamingResampler(44100, 16000);
    const parts: number[] = [];
    let i = 0;
    for (const size of [1, 7, 100, 441, 3000, 13]) {
      parts.push(...r.push(x.subarray(i, i + size)));
      i += size;
    }
    parts.push(...r.push(x.subarray(i)));
    parts.push(...r.flush());
    expect(parts.length).toBe(whole.length);
    for (let k = 0; k < whole.length; k++) expect(parts[k]).toBe(whole[k]);
  });

  it.each([
    [16000, 48000],
    [8000, 48000],
    [48000, 16000],
    [48000, 8000],
  ])(
    'integer ratio %i → %i: the dedicated loop streams like one-shot and matches the generic loop',
    (from, to) => {
      const x = tone(440, from, 3 * from).map((v, i) => v + 0.1 * Math.sin(i * 1.3));
      const whole = resample(x, from, to);
      const fast = new StreamingResampler(from, to);
      const generic = new StreamingResampler(from, to, undefined, { integerFastPaths: false });
      const a: number[] = [];
      const b: number[] = [];
      let i = 0;
      for (const size of [1, 5, 480, 7, 960, 3, 320]) {
        a.push(...fast.push(x.subarray(i, i + size)));
        b.push(...generic.push(x.subarray(i, i + size)));
        i += size;
      }
      // Element by element (spreading ~144 000 samples overflows the call stack), and each view
      // is read before the next call reuses the buffer.
      const append = (to: number[], part: Float32Array) => {
        for (const v of part) to.push(v);
      };
      append(a, fast.push(x.subarray(i)));
      append(a, fast.flush());
      append(b, generic.push(x.subarray(i)));
      append(b, generic.flush());
      expect(a.length).toBe(whole.length);
      expect(b.length).toBe(whole.length);
      let mismatches = 0;
      let maxDiff = 0;
      for (let k = 0; k < whole.length; k++) {
        if (a[k] !== whole[k]) mismatches++;
        maxDiff = Math.max(maxDiff, Math.abs(a[k] - b[k]));
      }
      expect(mismatches).toBe(0);
      expect(maxDiff).toBeLessThan(1e-6);
    },
  );

  it('passes audio through unchanged at equal rates', () => {
    const x = tone(440, 16000, 100);
    expect(Array.from(resample(x, 16000, 16000))).toEqual(Array.from(x));
  });
});
