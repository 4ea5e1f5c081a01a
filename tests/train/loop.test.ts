import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../scripts/train/lib/backend.ts';
import { epochPlan } from '../../scripts/train/lib/batching.ts';
import { ctcGreedyDecode } from '../../scripts/train/lib/ctc.ts';
import { trainLoop } from '../../scripts/train/lib/loop.ts';
import { collateCtc, createLstmCtc, type LstmCtcConfig } from '../../scripts/train/lib/models/lstm-ctc.ts';
import { clipByGlobalNorm, learningRate, Optimizer } from '../../scripts/train/lib/optim.ts';
import { ParamStore } from '../../scripts/train/lib/params.ts';
import { syntheticCtc } from '../../scripts/train/lib/synthetic.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'tolk-train-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', announce: false });
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('optimizer pieces', () => {
  it('clipping bounds the global norm and keeps direction', () => {
    const grads = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([3, 4])],
      ['b', tf.tensor2d([[12]])],
    ]);
    const { grads: c, norm } = clipByGlobalNorm(grads, 5);
    expect(norm).toBeCloseTo(13, 5);
    const sq = [...c.values()].reduce((s, t) => s + tf.sum(tf.square(t)).dataSync()[0], 0);
    expect(Math.sqrt(sq)).toBeCloseTo(5, 4);
    expect(c.get('a')!.dataSync()[0] / c.get('a')!.dataSync()[1]).toBeCloseTo(0.75, 5);
    const small = clipByGlobalNorm(new Map([['a', tf.tensor1d([0.3, 0.4])]]), 5);
    expect(small.grads.get('a')!.dataSync()[1]).toBeCloseTo(0.4, 6);
  });

  it('SGD with momentum and Adam follow their update rules; state round-trips', () => {
    const params = new ParamStore();
    params.add('w', tf.tensor1d([1, -2]));
    const sgd = new Optimizer(params, { kind: 'sgd', momentum: 0.5 });
    const g = new Map<string, tf.Tensor>([['w', tf.tensor1d([0.2, 0.4])]]);
    sgd.apply(g, 0.1); // buf = g; w -= 0.1·g
    sgd.apply(g, 0.1); // buf = 0.5·g + g; w -= 0.1·1.5·g
    const w = params.get('w').dataSync();
    expect(w[0]).toBeCloseTo(1 - 0.1 * 0.2 * 2.5, 6);
    expect(w[1]).toBeCloseTo(-2 - 0.1 * 0.4 * 2.5, 6);
    const adamParams = new ParamStore();
    adamParams.add('w', tf.tensor1d([1, 1]));
    const adam = new Optimizer(adamParams, { kind: 'adam' });
    adam.apply(new Map([['w', tf.tensor1d([3, -0.01])]]), 0.01);
    // First bias-corrected Adam step moves every weight by ≈ lr·sign(g).
    const a = adamParams.get('w').dataSync();
    expect(a[0]).toBeCloseTo(0.99, 4);
    expect(a[1]).toBeCloseTo(1.01, 4);
    const state = adam.getState();
    const copy = new Optimizer(adamParams, { kind: 'adam' });
    copy.setState(state);
    expect(copy.getState().updates).toBe(1);
    expect(Array.from(copy.getState().slots.get('w/v')!.data)).toEqual(
      Array.from(state.slots.get('w/v')!.data),
    );
    for (const o of [sgd, adam, copy]) o.dispose();
    params.dispose();
    adamParams.dispose();
  });

  it('warm-up rises linearly to the peak, then decays to minLr', () => {
    const s = { lr: 1e-3, warmupSteps: 10, decay: 'cosine' as const, totalSteps: 110, minLr: 1e-5 };
    expect(learningRate(s, 0)).toBeCloseTo(1e-4, 10);
    expect(learningRate(s, 9)).toBeCloseTo(1e-3, 10);
    expect(learningRate(s, 60)).toBeCloseTo((1e-3 + 1e-5) / 2, 8);
    expect(learningRate(s, 110)).toBeCloseTo(1e-5, 10);
  });

  it('bucketed plans cover every sample once per epoch and depend only on (seed, epoch)', () => {
    const lengths = Array.from({ length: 50 }, (_, i) => (i * 37) % 23);
    const p = epochPlan(lengths, 3, { batchSize: 4, seed: 9, buckets: 6 });
    expect(
      p
        .flat()
        .sort((a, b) => a - b)
        .join(),
    ).toBe(lengths.map((_, i) => i).join());
    expect(epochPlan(lengths, 3, { batchSize: 4, seed: 9, buckets: 6 })).toEqual(p);
    expect(epochPlan(lengths, 4, { batchSize: 4, seed: 9, buckets: 6 })).not.toEqual(p);
    // Bucketing keeps lengths within a batch close.
    const spread = p.map(
      (b) => Math.max(...b.map((i) => lengths[i])) - Math.min(...b.map((i) => lengths[i])),
    );
    expect(Math.max(...spread)).toBeLessThan(8);
  });
});

const cfg: LstmCtcConfig = { inputSize: 6, units: 24, layers: 1, vocab: 4, seed: 2 };
const data = syntheticCtc({ count: 24, dim: 6, vocab: 4, seed: 5, maxLabels: 3 });

function baseOptions(outDir: string) {
  return {
    model: createLstmCtc(cfg),
    train: data,
    lengthOf: (s: (typeof data)[number]) => s.frames,
    batching: { batchSize: 6 },
    steps: 12,
    optimizer: { kind: 'adam' as const },
    schedule: { lr: 0.02, warmupSteps: 3, decay: 'linear' as const, totalSteps: 12 },
    outDir,
    progress: false,
    summary: false,
    checkpointEvery: 5,
    seed: 3,
  };
}

describe('training loop', () => {
  it('a resumed run continues exactly: same losses as an uninterrupted run', async () => {
    const full = await trainLoop(baseOptions(tmp()));
    const dir = tmp();
    const first = await trainLoop({ ...baseOptions(dir), stopAtStep: 7 });
    expect(first.steps).toBe(7);
    // A fresh model object (different initial weights would be overwritten by the checkpoint).
    const resumed = await trainLoop({
      ...baseOptions(dir),
      resume: true,
      model: createLstmCtc({ ...cfg, seed: 99 }),
    });
    expect(resumed.steps).toBe(12);
    expect(resumed.history.map((r) => r.loss)).toEqual(full.history.map((r) => r.loss));
    const log = readFileSync(join(dir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.filter((r) => r.event === 'step')).toHaveLength(12);
    expect(readFileSync(join(dir, 'loss.html'), 'utf8')).toContain('<svg');
  });

  it('end to end: a tiny LSTM-CTC model learns synthetic sequences and greedy decoding gives the labels', async () => {
    const model = createLstmCtc({ inputSize: 6, units: 32, layers: 1, vocab: 4, seed: 4 });
    const dev = data.slice(0, 8);
    const decodeAll = () =>
      tf.tidy(() => {
        const c = collateCtc(dev, 6);
        return ctcGreedyDecode(model.forward(c.x).logits, c.inputLengths);
      });
    const res = await trainLoop({
      ...baseOptions(tmp()),
      model,
      steps: 150,
      schedule: { lr: 0.02, warmupSteps: 10, decay: 'cosine', totalSteps: 150, minLr: 1e-3 },
      checkpointEvery: 50,
      evalEvery: 50,
      evaluate: () => {
        const hyp = decodeAll();
        const correct = hyp.filter((h, i) => h.join() === dev[i].labels.join()).length;
        return { seqAcc: correct / dev.length };
      },
      metric: 'seqAcc',
      higherIsBetter: true,
    });
    const first = res.history.slice(0, 5).reduce((a, r) => a + r.loss, 0) / 5;
    const last = res.history.slice(-5).reduce((a, r) => a + r.loss, 0) / 5;
    // Stated factor: the loss falls at least 10×.
    expect(last).toBeLessThan(first / 10);
    expect(decodeAll()).toEqual(dev.map((s) => s.labels));
    expect(res.best?.metric).toBe(1);
  });
});
