/**
 * The acoustic model in a worker thread: same numbers as on the main thread, an engine using it
 * decodes the same text, and load failures keep their code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxSessionCache } from '../../../models/onnx-session.ts';
import { writeRandomAsrModel } from '../../../scripts/bench/asr.ts';
import { AcousticModel } from '../../../server/stages/asr/acoustic-model.ts';
import { AcousticWorker } from '../../../server/stages/asr/acoustic-thread.ts';
import { AsrEngine } from '../../../server/stages/asr/engine.ts';

const RUNTIME = { executionProviders: ['cpu'], intraOpThreads: 1 };
const EXPECT = { inputSize: 320, vocabSize: 29 };
let dir: string;
let cache: OnnxSessionCache;

function features(frames: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: frames * 320 }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'tolk-acoustic-thread-'));
  const { model } = await writeRandomAsrModel(dir, { units: 16, layers: 2, seed: 9, lmLines: ['the room'] });
  model.params.dispose();
  cache = new OnnxSessionCache(RUNTIME);
});

afterAll(async () => {
  await cache.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('AcousticWorker', () => {
  it('gives the same log-probs and states as the model on the main thread', async () => {
    const main = await AcousticModel.load(join(dir, 'model.onnx'), cache, EXPECT);
    const worker = await AcousticWorker.start(join(dir, 'model.onnx'), RUNTIME, EXPECT);
    try {
      expect(worker.stateUnits).toEqual(main.stateUnits);
      const chunks = [4, 4, 2, 0].map((frames, i) => ({ features: features(frames, i + 1), frames }));
      let sMain = chunks.map(() => main.initialState());
      let sWorker = chunks.map(() => worker.initialState());
      for (let tick = 0; tick < 2; tick++) {
        const a = await main.run(chunks, sMain);
        const b = await worker.run(chunks, sWorker);
        a.logProbs.forEach((lp, i) => {
          expect(Array.from(b.logProbs[i].data)).toEqual(Array.from(lp.data));
        });
        sMain = a.states;
        sWorker = b.states;
      }
      sMain.forEach((st, i) => {
        st.forEach((row, k) => {
          expect(Array.from(sWorker[i][k])).toEqual(Array.from(row));
        });
      });
    } finally {
      await worker.close();
    }
  });

  it('a missing graph fails with model_load_failed', async () => {
    await expect(AcousticWorker.start(join(dir, 'nope.onnx'), RUNTIME, EXPECT)).rejects.toMatchObject({
      code: 'model_load_failed',
    });
  });

  it('an engine with inference in a worker transcribes as the main-thread engine does', async () => {
    const onMain = await AsrEngine.load(dir, cache);
    const inWorker = await AsrEngine.load(dir, cache, { inference: { thread: 'worker', runtime: RUNTIME } });
    const audio = Float32Array.from(
      { length: 24000 },
      (_, i) => 0.3 * Math.sin(i * 0.03) * (Math.floor(i / 3000) % 2),
    );
    try {
      const a = await onMain.transcribe(audio);
      const s = inWorker.createStream();
      for (let i = 0; i < audio.length; i += 1600) await s.pushAudio(audio.subarray(i, i + 1600));
      const b = await s.endUtterance();
      s.close();
      expect(b.text).toBe(a.text);
    } finally {
      await onMain.close();
      await inWorker.close();
    }
  });
});
