/**
 * YIN pitch tracker on synthetic 16 kHz signals: pure and harmonic-rich tones come back at their
 * F0, noise and silence come back unvoiced (0), a pitch change is followed frame by frame, and
 * the output has exactly the requested frame count, aligned with log-mel frames.
 */
import { describe, expect, it } from 'vitest';
import { LOG_MEL_CONFIG } from '../../server/audio/log-mel.ts';
import { trackPitch } from '../../server/audio/pitch.ts';

const SR = LOG_MEL_CONFIG.sampleRate;
const HOP = LOG_MEL_CONFIG.hopSamples;

/** Frames log-mel gives for n samples (frame t covers [t·hop, t·hop + window)). */
const melFrames = (n: number) => Math.floor((n - LOG_MEL_CONFIG.windowSamples) / HOP) + 1;

/** Sum of `harmonics` sines with 1/h amplitudes (a sawtooth-like, speech-like spectrum); f0 may change per sample. */
function tone(f0: (i: number) => number, n: number, harmonics = 1, amp = 0.3): Float32Array {
  const x = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    phase += (2 * Math.PI * f0(i)) / SR;
    let v = 0;
    for (let h = 1; h <= harmonics; h++) v += Math.sin(h * phase) / h;
    x[i] = amp * v;
  }
  return x;
}

/** Deterministic uniform white noise in [−amp, amp]. */
function whiteNoise(n: number, amp = 0.3, seed = 12345): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return amp * ((s / 2147483647) * 2 - 1);
  });
}

const voiced = (p: Float32Array) => [...p].filter((f) => f > 0);

describe('trackPitch', () => {
  for (const f of [110, 180, 250])
    for (const harmonics of [1, 8])
      it(`finds ${f} Hz in a ${harmonics === 1 ? 'pure' : 'harmonic-rich'} tone`, () => {
        const x = tone(() => f, SR, harmonics);
        const frames = melFrames(x.length);
        const p = trackPitch(x, frames);
        expect(p.length).toBe(frames);
        const v = voiced(p);
        // Only the first frame, half zero-padded, may miss.
        expect(v.length).toBeGreaterThanOrEqual(frames - 1);
        for (const hz of v) expect(Math.abs(hz - f) / f).toBeLessThan(0.02);
      });

  it('calls white noise unvoiced, loud or quiet', () => {
    for (const [amp, seed] of [
      [0.3, 12345],
      [0.3, 7],
      [0.01, 99],
    ]) {
      const x = whiteNoise(SR, amp, seed);
      expect(voiced(trackPitch(x, melFrames(x.length)))).toEqual([]);
    }
  });

  it('calls silence and near-silence unvoiced', () => {
    expect(voiced(trackPitch(new Float32Array(SR), melFrames(SR)))).toEqual([]);
    // A 150 Hz tone far below the silence gate (RMS ≈ 7e-5 < 1e-3) is not searched at all.
    expect(
      voiced(
        trackPitch(
          tone(() => 150, SR, 1, 1e-4),
          melFrames(SR),
        ),
      ),
    ).toEqual([]);
  });

  it('follows a pitch that switches halfway, frame by frame', () => {
    const n = 2 * SR;
    const x = tone((i) => (i < n / 2 ? 120 : 240), n, 4);
    const p = trackPitch(x, melFrames(n));
    // Frame t is centred on sample t·hop + window/2; frames whose analysis span straddles the switch are skipped.
    const centre = (t: number) => t * HOP + LOG_MEL_CONFIG.windowSamples / 2;
    let checked = 0;
    for (let t = 1; t < p.length; t++) {
      const c = centre(t);
      if (Math.abs(c - n / 2) < 0.04 * SR) continue;
      const want = c < n / 2 ? 120 : 240;
      expect(Math.abs(p[t] - want) / want, `frame ${t}: ${p[t]} Hz, want ${want}`).toBeLessThan(0.02);
      checked++;
    }
    expect(checked).toBeGreaterThan(180);
  });

  it('tracks a tone that starts after silence only where it sounds', () => {
    const n = SR;
    const x = tone(() => 200, n, 4);
    x.fill(0, 0, n / 2);
    const p = trackPitch(x, melFrames(n));
    const firstVoiced = p.findIndex((f) => f > 0);
    // The tone starts at frame ≈ (8000 − 200)/160 ≈ 49; the search span reaches ~17 ms either side.
    expect(firstVoiced).toBeGreaterThan(40);
    expect(firstVoiced).toBeLessThan(52);
    expect(p.slice(0, 40).every((f) => f === 0)).toBe(true);
    for (const hz of p.slice(55)) expect(Math.abs(hz - 200) / 200).toBeLessThan(0.02);
  });

  it('returns exactly the requested frame count, zeros past the end of the signal', () => {
    const x = tone(() => 150, 8000, 4);
    expect(trackPitch(x, 0).length).toBe(0);
    expect(trackPitch(x, 7).length).toBe(7);
    const p = trackPitch(x, 100);
    expect(p.length).toBe(100);
    // 8000 samples end at frame ≈ 48; frames well past it see only padding.
    expect(p.slice(60).every((f) => f === 0)).toBe(true);
    expect(Math.abs(p[20] - 150) / 150).toBeLessThan(0.02);
  });
});
