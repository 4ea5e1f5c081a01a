/**
 * The exported translation graphs against the training model, on tiny random models built here:
 * decoder-step logits equal teacher-forced tfjs logits, cached ONNX decoding equals uncached
 * tfjs decoding token for token, sources decoded side by side in one batch equal each decoded
 * alone, and beam search never scores below greedy.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxSessionCache } from '../../models/onnx-session.ts';
import { MT_DECODER_FILE, MT_ENCODER_FILE } from '../../server/stages/mt/neural/model-card.ts';
import { OnnxSeq2Seq } from '../../server/stages/mt/neural/onnx-seq2seq.ts';
import {
  beamSearch,
  decodeTogether,
  greedySearch,
  logSoftmaxRows,
  stepwiseSearch,
} from '../../server/stages/mt/neural/search.ts';
import { exportTiny, tinyConfig, tinyModel, tinyTokenizer, uncachedSession, useWasm } from './mt-fixture.ts';

beforeAll(useWasm);

const tok = tinyTokenizer();
const cache = new OnnxSessionCache({ executionProviders: ['cpu'], intraOpThreads: 1 });
const dirs: string[] = [];
afterAll(async () => {
  await cache.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function setup(seed: number) {
  const model = tinyModel(tinyConfig(tok), seed);
  const dir = exportTiny(model, tok);
  dirs.push(dir);
  const onnx = await OnnxSeq2Seq.load(
    join(dir, MT_ENCODER_FILE),
    join(dir, MT_DECODER_FILE),
    cache,
    model.config,
  );
  return { model, onnx };
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('neural MT export', () => {
  it('decoder-step logits (ONNX, cached K/V) equal teacher-forced tfjs logits within 1e-4', async () => {
    const { model, onnx } = await setup(11);
    const src = [...tok.encode('where is the train station'), tok.eosId];
    const tgt = [tok.tagId('es')!, ...tok.encode('¿Dónde está la estación de tren?')];
    const ref = tf.tidy(() => {
      const logits = model.logits([{ src, tgtIn: tgt, tgtOut: tgt }]);
      return tf.logSoftmax(logits.reshape([tgt.length, tok.size])).dataSync() as Float32Array;
    });
    const session = await onnx.start(src);
    const got = new Float32Array(tgt.length * tok.size);
    for (let t = 0; t < tgt.length; t++) got.set(await session.step([tgt[t]]), t * tok.size);
    expect(maxAbsDiff(got, ref)).toBeLessThanOrEqual(1e-4);
    // A real distribution, not a constant: the test would pass trivially otherwise.
    expect(Math.max(...got.slice(0, tok.size)) - Math.min(...got.slice(0, tok.size))).toBeGreaterThan(1);
  });

  it('raw logits match too (log-softmax undone per row)', async () => {
    const { model, onnx } = await setup(12);
    const src = [...tok.encode('can i pay by card'), tok.eosId];
    const tgtIn = [tok.tagId('es')!, ...tok.encode('¿Puedo pagar')];
    const ref = tf.tidy(() => model.logits([{ src, tgtIn, tgtOut: tgtIn }]).dataSync() as Float32Array);
    const session = await onnx.start(src);
    for (let t = 0; t < tgtIn.length; t++) {
      const logp = await session.step([tgtIn[t]]);
      const row = ref.slice(t * tok.size, (t + 1) * tok.size);
      const refLogp = logSoftmaxRows(Float32Array.from(row), 1, tok.size);
      expect(maxAbsDiff(logp, refLogp)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('cached ONNX decoding equals uncached tfjs decoding (greedy and beam)', async () => {
    const { model, onnx } = await setup(13);
    for (const text of ['where is the train station', 'i would like to book a double room']) {
      const src = [...tok.encode(text), tok.eosId];
      const o = { start: tok.tagId('es')!, eos: tok.eosId, maxLength: 12 };
      const cached = await greedySearch(await onnx.start(src), o);
      const uncached = await greedySearch(uncachedSession(model, src), o);
      expect(cached.ids).toEqual(uncached.ids);
      expect(cached.score).toBeCloseTo(uncached.score, 3);
      const b = { ...o, beamSize: 3, lengthPenalty: 0.6 };
      const beamCached = await beamSearch(await onnx.start(src), b);
      const beamUncached = await beamSearch(uncachedSession(model, src), b);
      expect(beamCached.ids).toEqual(beamUncached.ids);
      expect(beamCached.score).toBeCloseTo(beamUncached.score, 3);
    }
  });

  it('several sources of different lengths decoded side by side equal each decoded alone', async () => {
    const { onnx } = await setup(16);
    const texts = ['where is the train station please', 'two nights', 'can i pay by card'];
    const sources = texts.map((t) => [...tok.encode(t), tok.eosId]);
    const o = { start: tok.tagId('es')!, eos: tok.eosId, lengthPenalty: 0.6 };
    // A beam, a greedy search and a beam with a different width and length limit.
    const plans = [
      { ...o, maxLength: 12, beamSize: 3 },
      { ...o, maxLength: 9, beamSize: 1 },
      { ...o, maxLength: 7, beamSize: 2 },
    ];
    const together = await decodeTogether(
      await onnx.startBatch(sources),
      plans.map((p) => stepwiseSearch(p, tok.size)),
    );
    for (let i = 0; i < sources.length; i++) {
      const session = await onnx.start(sources[i]);
      const alone =
        plans[i].beamSize > 1 ? await beamSearch(session, plans[i]) : await greedySearch(session, plans[i]);
      expect(together[i].ids).toEqual(alone.ids);
      expect(together[i].score).toBeCloseTo(alone.score, 4);
      expect(together[i].finished).toBe(alone.finished);
    }
  });

  it('beam search scores at least as high as greedy on the model score, and respects max length', async () => {
    const { onnx } = await setup(14);
    for (const text of [
      'where is the train station',
      'can i pay by card',
      'the doctor will see you',
      'two nights',
    ]) {
      const src = [...tok.encode(text), tok.eosId];
      const o = { start: tok.tagId('en')!, eos: tok.eosId, maxLength: 10, lengthPenalty: 0 };
      const greedy = await greedySearch(await onnx.start(src), o);
      const beam = await beamSearch(await onnx.start(src), { ...o, beamSize: 4 });
      expect(beam.score).toBeGreaterThanOrEqual(greedy.score - 1e-6);
      expect(beam.length).toBeLessThanOrEqual(10);
      expect(greedy.length).toBeLessThanOrEqual(10);
    }
  });

  it('stops decoding when the signal aborts', async () => {
    const { onnx } = await setup(15);
    const controller = new AbortController();
    controller.abort();
    await expect(
      greedySearch(await onnx.start([tok.eosId]), {
        start: tok.tagId('es')!,
        eos: tok.eosId,
        maxLength: 5,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'timeout' });
  });
});
