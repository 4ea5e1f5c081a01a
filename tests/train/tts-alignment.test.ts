/**
 * TTS alignment: Viterbi MAS on hand-made matrices, the beta-binomial prior, and the
 * forward-sum aligner learning a planted alignment on a toy problem (loss falls, MAS recovers
 * most frames' symbols).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { trainLoop } from '../../scripts/train/lib/loop.ts';
import { Rng } from '../../scripts/train/lib/rng.ts';
import { type AlignerSample, createAligner, DEFAULT_ALIGNER } from '../../scripts/train/tts/aligner.ts';
import { betaBinomialLogPrior, logGamma, monotonicAlignment } from '../../scripts/train/tts/mas.ts';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});

/** A log-prob matrix that strongly prefers symbol `path[t]` at frame t. */
function planted(path: number[], N: number, noise = 0, seed = 1): Float32Array {
  const rng = new Rng(seed);
  const m = new Float32Array(path.length * N);
  path.forEach((n, t) => {
    for (let k = 0; k < N; k++) m[t * N + k] = (k === n ? 0 : -5) + noise * rng.normal();
  });
  return m;
}

describe('monotonic alignment search', () => {
  it('recovers a hand-made alignment', () => {
    // frames → symbols 0 0 1 2 2 2 3
    const d = monotonicAlignment(planted([0, 0, 1, 2, 2, 2, 3], 4), 7, 4);
    expect([...d]).toEqual([2, 1, 3, 1]);
  });

  it('stays monotonic and gives every symbol a frame even when the scores disagree', () => {
    // A matrix that would like symbol 2 first and symbol 0 last: MAS still starts at 0, ends at N−1.
    const T = 5;
    const N = 3;
    const m = new Float32Array(T * N);
    for (let t = 0; t < T; t++) {
      m[t * N + 0] = t === T - 1 ? 0 : -9;
      m[t * N + 2] = t === 0 ? 0 : -9;
      m[t * N + 1] = -1;
    }
    const d = monotonicAlignment(m, T, N);
    expect([...d].every((x) => x >= 1)).toBe(true);
    expect(d.reduce((a, b) => a + b, 0)).toBe(T);
    expect([...d]).toEqual([1, 3, 1]);
  });

  it('handles T = N (one frame each) and rejects T < N', () => {
    expect([...monotonicAlignment(new Float32Array(9), 3, 3)]).toEqual([1, 1, 1]);
    expect(() => monotonicAlignment(new Float32Array(6), 2, 3)).toThrow(/cannot give/);
  });

  it('durations always sum to the frame count on random matrices', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const N = 1 + Math.floor(rng.next() * 12);
      const T = N + Math.floor(rng.next() * 40);
      const m = Float32Array.from({ length: T * N }, () => rng.normal() * 3);
      const d = monotonicAlignment(m, T, N);
      expect(d.length).toBe(N);
      expect(d.reduce((a, b) => a + b, 0)).toBe(T);
      expect(Math.min(...d)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('beta-binomial prior', () => {
  it('log-gamma matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 10);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 10);
  });

  it('rows are distributions whose mode moves along the diagonal', () => {
    const T = 30;
    const N = 10;
    const p = betaBinomialLogPrior(T, N);
    let lastMode = -1;
    for (let t = 0; t < T; t++) {
      const row = Array.from(p.subarray(t * N, (t + 1) * N));
      expect(row.reduce((a, b) => a + Math.exp(b), 0)).toBeCloseTo(1, 4);
      const mode = row.indexOf(Math.max(...row));
      expect(mode).toBeGreaterThanOrEqual(lastMode);
      lastMode = mode;
    }
    expect(lastMode).toBe(N - 1);
  });
});

/** Toy speech: each symbol has its own 16-band spectrum; frames repeat it for 2–6 frames. */
function toyCorpus(count: number, vocab: number, bins: number, seed: number) {
  const rng = new Rng(seed);
  const patterns = Array.from({ length: vocab }, () =>
    Float32Array.from({ length: bins }, () => rng.normal()),
  );
  const samples: (AlignerSample & { durations: number[] })[] = [];
  for (let i = 0; i < count; i++) {
    const N = 4 + Math.floor(rng.next() * 5);
    const ids = Int32Array.from({ length: N }, () => 2 + Math.floor(rng.next() * (vocab - 2)));
    const durations = Array.from(ids, () => 2 + Math.floor(rng.next() * 5));
    const frames = durations.reduce((a, b) => a + b, 0);
    const mel = new Float32Array(frames * bins);
    let t = 0;
    ids.forEach((id, n) => {
      for (let k = 0; k < durations[n]; k++, t++)
        for (let j = 0; j < bins; j++) mel[t * bins + j] = patterns[id][j] + 0.2 * rng.normal();
    });
    samples.push({ ids, mel, frames, durations });
  }
  return samples;
}

describe('forward-sum aligner', () => {
  it('loss falls on a toy problem and MAS recovers the planted durations', async () => {
    const bins = 16;
    const vocab = 10;
    const train = toyCorpus(48, vocab, bins, 3);
    const model = createAligner({
      ...DEFAULT_ALIGNER,
      hidden: 32,
      attnDim: 16,
      vocab,
      numMelBins: bins,
      seed: 5,
    });
    const accuracy = () => {
      let right = 0;
      let total = 0;
      const got = model.align(train);
      train.forEach((s, i) => {
        const truth = s.durations.flatMap((d, n) => Array(d).fill(n));
        const hyp = [...got[i]].flatMap((d, n) => Array(d).fill(n));
        expect(hyp.length).toBe(s.frames);
        truth.forEach((n, t) => {
          right += n === hyp[t] ? 1 : 0;
          total++;
        });
      });
      return right / total;
    };
    const before = accuracy();
    const out = mkdtempSync(join(tmpdir(), 'tolk-aligner-'));
    try {
      const res = await trainLoop({
        model,
        train,
        lengthOf: (s) => s.frames,
        batching: { batchSize: 8 },
        steps: 60,
        optimizer: { kind: 'adam' },
        schedule: { lr: 1e-2, warmupSteps: 0, decay: 'constant', totalSteps: 60, minLr: 1e-2 },
        outDir: out,
        progress: false,
        summary: false,
      });
      const first = res.history.slice(0, 5).reduce((a, r) => a + r.loss, 0) / 5;
      const last = res.history.slice(-5).reduce((a, r) => a + r.loss, 0) / 5;
      expect(last).toBeLessThan(first * 0.8);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const after = accuracy();
    expect(after).toBeGreaterThan(0.85);
    expect(after).toBeGreaterThan(before);
  }, 60_000);
});
