/**
 * AsrEngine / AsrStream on a tiny random recognizer (1 LSTM × 16, real 320-in / 29-out shape)
 * with a domain LM: finals carry word timings and a confidence, streaming equals offline,
 * batched sessions equal lone ones, and broken model folders fail with model_load_failed.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxSessionCache } from '../../../models/onnx-session.ts';
import { writeRandomAsrModel } from '../../../scripts/bench/asr.ts';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import type { AsrEvent, AsrFinal } from '../../../server/stages/asr/engine.ts';
import { AsrEngine } from '../../../server/stages/asr/engine.ts';
import { gatedChirp } from './test-audio.ts';

const LM_LINES = [
  'the room is ready',
  'check in at noon please',
  'the taxi is here',
  'where is the pharmacy',
];
let root: string;
let modelDir: string;
let cache: OnnxSessionCache;
let engine: AsrEngine;

const testAudio = (seconds: number, seed: number): Float32Array =>
  gatedChirp(seconds, seed, { gate: 2000 + 400 * seed, hz: 150 + 70 * seed, sweep: 600 });

/** Feeds audio in uneven pieces (as a client's frames arrive) and ends the utterance. */
async function streamThrough(
  stream: ReturnType<AsrEngine['createStream']>,
  audio: Float32Array,
  pieces = [1600, 700, 2300, 480],
): Promise<{ events: AsrEvent[]; final: AsrFinal }> {
  const events: AsrEvent[] = [];
  for (let i = 0, k = 0; i < audio.length; k++) {
    const n = pieces[k % pieces.length];
    events.push(...(await stream.pushAudio(audio.subarray(i, i + n))));
    i += n;
  }
  return { events, final: await stream.endUtterance() };
}

function checkFinal(f: AsrFinal, audioMs: number): void {
  expect(f.text.length).toBeGreaterThan(0);
  expect(f.empty).toBe(false);
  expect(f.confidence).toBeGreaterThanOrEqual(0);
  expect(f.confidence).toBeLessThanOrEqual(1);
  expect(f.words.map((w) => w.word).join(' ')).toBe(f.text);
  let last = f.startMs;
  for (const w of f.words) {
    expect(w.startMs).toBeGreaterThanOrEqual(last);
    expect(w.endMs).toBeGreaterThan(w.startMs);
    expect(w.endMs).toBeLessThanOrEqual(audioMs);
    expect(w.confidence).toBeGreaterThanOrEqual(0);
    expect(w.confidence).toBeLessThanOrEqual(1);
    last = w.endMs;
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'tolk-asr-engine-'));
  modelDir = join(root, 'asr-en');
  const { model } = await writeRandomAsrModel(modelDir, { units: 16, layers: 1, seed: 5, lmLines: LM_LINES });
  model.params.dispose();
  cache = new OnnxSessionCache({ executionProviders: ['cpu'], intraOpThreads: 1 });
  engine = await AsrEngine.load(modelDir, cache);
});

afterAll(async () => {
  engine.close();
  await cache.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('AsrEngine', () => {
  it('loads card, vocabulary, LM and graph', () => {
    expect(engine.card.id).toBe('asr-en-random');
    expect(engine.lang).toBe('en');
    expect(engine.vocab.size).toBe(29);
    expect(engine.frameShiftMs).toBe(40);
    expect(engine.lm).not.toBeNull();
  });

  it('transcribe gives a final with word timings and a confidence in [0, 1]', async () => {
    const audio = testAudio(2, 1);
    const f = await engine.transcribe(audio);
    checkFinal(f, 2000);
    expect(f.startMs).toBe(0);
    expect(f.endMs).toBe(2000);
    const g = await engine.transcribe(audio, { decoder: 'greedy' });
    expect(g.text.length).toBeGreaterThan(0);
    expect(g.confidence).toBeGreaterThan(0);
    expect(g.confidence).toBeLessThanOrEqual(1);
  });

  it('a stream fed uneven pieces gives partials, then the same final as offline transcription', async () => {
    const audio = testAudio(2.2, 2);
    const stream = engine.createStream({});
    const { events, final } = await streamThrough(stream, audio);
    stream.close();
    const partials = events.filter((e) => e.type === 'partial');
    expect(partials.length).toBeGreaterThan(0);
    // The first partial comes from the first 160 ms chunks, not the end of the audio.
    expect(partials[0].endMs).toBeLessThanOrEqual(480);
    const offline = await engine.transcribe(audio);
    expect(final.text).toBe(offline.text);
    expect(final.words.map((w) => [w.word, w.startMs, w.endMs])).toEqual(
      offline.words.map((w) => [w.word, w.startMs, w.endMs]),
    );
    expect(final.confidence).toBeCloseTo(offline.confidence, 4);
    expect((await engine.transcribe(audio, { streaming: true })).text).toBe(offline.text);
  });

  it('utterances continue in stream time; reset restarts it; partials can be turned off', async () => {
    const a = testAudio(1.2, 3);
    const b = testAudio(1.6, 4);
    const stream = engine.createStream({ partials: false });
    const first = await streamThrough(stream, a);
    const second = await streamThrough(stream, b);
    expect(first.events).toEqual([]);
    expect(second.final.startMs).toBe(1200);
    expect(second.final.words[0].startMs).toBeGreaterThanOrEqual(1200);
    // The second utterance starts from zero state: same text as decoding it alone.
    expect(second.final.text).toBe((await engine.transcribe(b)).text);
    // A reset drops audio queued before it, even while a call is pending.
    const dropped = stream.pushAudio(a);
    stream.reset();
    expect(await dropped).toEqual([]);
    const again = await streamThrough(stream, b);
    expect(again.final.startMs).toBe(0);
    expect(again.final.text).toBe(second.final.text);
    stream.close();
    await expect(stream.pushAudio(a)).rejects.toThrow(/closed/);
  });

  it('an end with no audio returns an empty final', async () => {
    const stream = engine.createStream();
    const f = await stream.endUtterance();
    expect(f).toMatchObject({ text: '', words: [], empty: true });
    stream.close();
  });

  it('sessions batched per tick decode exactly as each one alone', async () => {
    const audios = [5, 6, 7, 8, 9, 10].map((seed) => testAudio(1 + seed / 10, seed));
    const alone = await Promise.all(audios.map((a) => engine.transcribe(a)));
    const batched = await AsrEngine.load(modelDir, cache, { batching: { maxBatch: 50, maxWaitMs: 20 } });
    const streams = audios.map(() => batched.createStream({ partials: false }));
    const finals = await Promise.all(streams.map((s, i) => streamThrough(s, audios[i], [2560])));
    finals.forEach((f, i) => {
      expect(f.final.text).toBe(alone[i].text);
    });
    const stats = batched.batchStats!;
    expect(stats.maxBatchSeen).toBeGreaterThanOrEqual(4);
    expect(stats.runs).toBeLessThan(stats.chunks);
    for (const s of streams) s.close();
    expect(batched.activeStreams).toBe(0);
    batched.close();
  });

  it('hotwords reach the beam search', async () => {
    const audio = testAudio(2, 11);
    const plain = await engine.transcribe(audio);
    const word = plain.words[0].word;
    // Boosting a phrase the beam already prefers cannot lower it; the stream accepts the list.
    const boosted = await engine.transcribe(audio, { hotwords: [{ phrase: word, boost: 3 }] });
    expect(boosted.words[0].word).toBe(word);
    const stream = engine.createStream({ hotwords: ['pharmacy'] });
    stream.setHotwords(['taxi']);
    stream.close();
  });
});

describe('AsrEngine.load failures', () => {
  function copyModel(name: string): string {
    const d = join(root, name);
    mkdirSync(d, { recursive: true });
    for (const f of ['model.onnx', 'model.json', 'lm.json']) copyFileSync(join(modelDir, f), join(d, f));
    return d;
  }

  it('missing model.onnx → model_load_failed', async () => {
    const d = copyModel('no-onnx');
    unlinkSync(join(d, 'model.onnx'));
    await expect(AsrEngine.load(d, cache)).rejects.toMatchObject({
      code: 'model_load_failed',
      stage: 'models',
    });
  });

  it('missing or corrupt model.json, corrupt model.onnx, missing declared lm.json → model_load_failed', async () => {
    const noCard = copyModel('no-card');
    unlinkSync(join(noCard, 'model.json'));
    await expect(AsrEngine.load(noCard, cache)).rejects.toMatchObject({ code: 'model_load_failed' });
    const badCard = copyModel('bad-card');
    writeFileSync(join(badCard, 'model.json'), '{"id": "x", "kind": "asr"');
    await expect(AsrEngine.load(badCard, cache)).rejects.toMatchObject({ code: 'model_load_failed' });
    const wrongCard = copyModel('wrong-card');
    const card = JSON.parse(readFileSync(join(wrongCard, 'model.json'), 'utf8'));
    writeFileSync(
      join(wrongCard, 'model.json'),
      JSON.stringify({ ...card, vocabulary: card.vocabulary.slice(1) }),
    );
    await expect(AsrEngine.load(wrongCard, cache)).rejects.toMatchObject({ code: 'model_load_failed' });
    const otherMel = copyModel('other-mel');
    writeFileSync(
      join(otherMel, 'model.json'),
      JSON.stringify({ ...card, features: { ...card.features, numMelBins: 64, mean: [], variance: [] } }),
    );
    await expect(AsrEngine.load(otherMel, cache)).rejects.toMatchObject({ code: 'model_load_failed' });
    const badOnnx = copyModel('bad-onnx');
    writeFileSync(join(badOnnx, 'model.onnx'), 'not a protobuf');
    await expect(AsrEngine.load(badOnnx, cache)).rejects.toMatchObject({ code: 'model_load_failed' });
    const noLm = copyModel('no-lm');
    unlinkSync(join(noLm, 'lm.json'));
    await expect(AsrEngine.load(noLm, cache)).rejects.toMatchObject({ code: 'model_load_failed' });
    // Without the LM on request, the same folder loads.
    const withoutLm = await AsrEngine.load(noLm, cache, { useLm: false });
    expect(withoutLm.lm).toBeNull();
    withoutLm.close();
  });
});

const SHIPPED = 'models/asr-en';
const FIXTURE = 'tests/fixtures/frontend/hotel-clean-16k.wav';

describe.skipIf(!existsSync(join(SHIPPED, 'model.onnx')))('shipped asr-en (smoke)', () => {
  it('transcribes the committed hotel fixture to a non-empty transcript', async () => {
    const shipped = await AsrEngine.load(SHIPPED, cache);
    const wav = readWavSync(FIXTURE);
    expect(wav.sampleRate).toBe(16000);
    const f = await shipped.transcribe(wav.samples);
    expect(f.text.trim().length).toBeGreaterThan(0);
    expect(f.words.length).toBeGreaterThan(0);
    shipped.close();
  });
});
