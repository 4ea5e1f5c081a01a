import { describe, expect, it } from 'vitest';
import { frameCount, LOG_MEL_CONFIG } from '../../../server/audio/log-mel.ts';
import {
  type AsrFeatureConfig,
  AsrFeatureStream,
  acousticFrameMs,
  asrFeatures,
  stackedDim,
} from '../../../server/stages/asr/features.ts';

const cfg: AsrFeatureConfig = {
  numMelBins: 80,
  hopMs: 10,
  stack: 4,
  priorFrames: 100,
  mean: new Array(80).fill(-8),
  variance: new Array(80).fill(4),
};

function chirp(seconds: number): Float32Array {
  const n = Math.round(seconds * 16000);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    x[i] = 0.3 * Math.sin(2 * Math.PI * (200 + 900 * t) * t) + 0.01 * Math.sin(i * 1.7);
  }
  return x;
}

describe('ASR features', () => {
  it('stacks 4 log-mel frames into one 40 ms acoustic frame of 320 values', () => {
    expect(stackedDim(cfg)).toBe(320);
    expect(acousticFrameMs(cfg)).toBe(40);
    const f = asrFeatures(chirp(1), cfg);
    // 1 s padded at the end → 99 log-mel frames (25 ms window, 10 ms hop) → 24 whole stacks
    expect(f.frames).toBe(Math.floor(frameCount(16000, LOG_MEL_CONFIG, true) / 4));
    expect(f.frames).toBe(24);
    expect(f.data.length).toBe(24 * 320);
    expect(f.data.every(Number.isFinite)).toBe(true);
  });

  it('streaming output equals the whole-utterance output for any push sizes', () => {
    const audio = chirp(1.37);
    const whole = asrFeatures(audio, cfg);
    for (const size of [1, 97, 160, 641, 3000]) {
      const stream = new AsrFeatureStream(cfg);
      const parts: Float32Array[] = [];
      for (let i = 0; i < audio.length; i += size) parts.push(stream.push(audio.subarray(i, i + size)).data);
      parts.push(stream.flush().data);
      const joined = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
      let o = 0;
      for (const p of parts) {
        joined.set(p, o);
        o += p.length;
      }
      expect(joined.length).toBe(whole.data.length);
      let maxDiff = 0;
      for (let i = 0; i < joined.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(joined[i] - whole.data[i]));
      expect(maxDiff).toBe(0);
    }
  });

  it('resets per utterance: a second utterance on the same stream equals a fresh stream', () => {
    const stream = new AsrFeatureStream(cfg);
    stream.push(chirp(0.8));
    stream.flush();
    const again = stream.push(chirp(0.5));
    const fresh = new AsrFeatureStream(cfg).push(chirp(0.5));
    expect(Array.from(again.data)).toEqual(Array.from(fresh.data));
  });

  it('global normalization ignores what came before: silence ahead of speech leaves its frames as they were', () => {
    const speech = chirp(1);
    // 0.48 s = 12 whole acoustic frames, so the speech frames line up after the silence.
    const withSilence = new Float32Array(7680 + speech.length);
    withSilence.set(speech, 7680);
    const global = { ...cfg, normalization: 'global' as const };
    const alone = asrFeatures(speech, global);
    const after = asrFeatures(withSilence, global);
    const skip = 12 * 320;
    // Frames whose 25 ms window straddles the silence edge differ; compare from the second stack on.
    let maxDiff = 0;
    for (let i = 320; i < alone.data.length - 320; i++)
      maxDiff = Math.max(maxDiff, Math.abs(after.data[skip + i] - alone.data[i]));
    expect(maxDiff).toBeLessThan(1e-4);
    // The causal normalizer, by design, carries the silence into the stats of the speech frames.
    const causalAlone = asrFeatures(speech, cfg);
    const causalAfter = asrFeatures(withSilence, cfg);
    let causalDiff = 0;
    for (let i = 320; i < causalAlone.data.length - 320; i++)
      causalDiff = Math.max(causalDiff, Math.abs(causalAfter.data[skip + i] - causalAlone.data[i]));
    expect(causalDiff).toBeGreaterThan(0.1);
  });
});
