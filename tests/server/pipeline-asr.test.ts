/**
 * The pipeline with a real recognizer: a tiny random-weight ASR model (real shapes, real ONNX
 * graph, real decoder and LM) written by the test into a models folder that the server loads at
 * start-up like a shipped one. Its transcripts are garbage, but the events and their order are
 * real. MT is apertium when installed, otherwise a scripted translator object.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../client/node/client.ts';
import { connect } from '../../client/node/client.ts';
import { streamAudio } from '../../client/node/stream-audio.ts';
import { writeRandomAsrModel } from '../../scripts/bench/asr.ts';
import { readWav } from '../../server/audio/wav-io.ts';
import type { EngineOverrides } from '../../server/session/load-engines.ts';
import { createFrontend } from '../../server/stages/frontend/index.ts';
import { hasApertium } from '../../server/stages/mt/apertium-engine.ts';
import {
  chirpBursts,
  createSpeechAudioFrontend,
  record,
  scriptedTranslator,
} from './helpers/pipeline-doubles.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const RATE = 16_000;
const BURSTS = [
  { startMs: 300, endMs: 1300 },
  { startMs: 1700, endMs: 2700 },
];
const LM_LINES = ['the room is ready', 'check in at noon please', 'where is the pharmacy'];

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'tolk-pipeline-asr-'));
  const { model } = await writeRandomAsrModel(join(root, 'asr-en'), {
    units: 16,
    layers: 1,
    seed: 5,
    lmLines: LM_LINES,
  });
  model.params.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The acoustic model on the main thread (quicker to start) unless a test asks for the worker default. */
async function startWith(engines: EngineOverrides, thread: 'main' | 'worker' = 'main'): Promise<TestServer> {
  return startTestServer(
    { TOLK_MODELS_DIR: root, TOLK_ASR_THREAD: thread },
    { createFrontend: createSpeechAudioFrontend, engines },
  );
}

async function runTwoSegments(t: TestServer): Promise<ClientEvent[]> {
  const stream = await connect(t.url, { sampleRate: RATE, encoding: 's16le', source: 'en', target: 'es' });
  expect(stream.readyMessage?.stages).toEqual(['frontend', 'asr', 'mt']);
  const rec = record(stream);
  await streamAudio(stream, chirpBursts(3000, BURSTS), RATE, { frameMs: 20 });
  await stream.stop();
  return rec.done;
}

function expectRecognized(events: ClientEvent[]): void {
  expect(events.filter((e) => e.type === 'invalid' || e.type === 'error')).toEqual([]);
  for (const [i, burst] of BURSTS.entries()) {
    const id = i + 1;
    const seg = events.filter((e) => 'segmentId' in e && e.segmentId === id);
    const at = (pred: (e: ClientEvent) => boolean) => seg.findIndex(pred);
    const firstPartial = at((e) => e.type === 'transcript' && !e.final);
    const end = at((e) => e.type === 'speech_end');
    const final = at((e) => e.type === 'transcript' && e.final);
    expect(at((e) => e.type === 'speech_start')).toBe(0);
    expect(firstPartial).toBeGreaterThan(0);
    expect(firstPartial).toBeLessThan(end);
    expect(final).toBeGreaterThan(end);
    const f = seg[final];
    if (f.type !== 'transcript') throw new Error('unreachable');
    expect(f).toMatchObject({ startMs: burst.startMs, endMs: burst.endMs, confidence: expect.any(Number) });
    expect(f.text.length).toBeGreaterThan(0);
    expect(f.words?.map((w) => w.word).join(' ')).toBe(f.text);
    // Word times are session stream times, inside the utterance audio (pre-roll included).
    for (const w of f.words ?? []) {
      expect(w.startMs).toBeGreaterThanOrEqual(burst.startMs - 60);
      expect(w.endMs).toBeLessThanOrEqual(burst.endMs + 260);
    }
    const translation = at((e) => e.type === 'translation');
    expect(translation).toBeGreaterThan(final);
    const metrics = seg.at(-1);
    expect(metrics).toMatchObject({
      type: 'metrics',
      stageMs: { frontend: expect.any(Number), asr: expect.any(Number), mt: expect.any(Number) },
      transcriptLatencyMs: expect.any(Number),
      translationLatencyMs: expect.any(Number),
    });
  }
}

describe('pipeline with a real (tiny, random) recognizer', () => {
  it('loads models/asr-en at start-up: /readyz after loading, /v1/models lists the stages', async () => {
    const t = await startWith({ mt: scriptedTranslator().translator }, 'worker');
    try {
      await t.server.engines;
      const ready = await (await fetch(`${t.httpUrl}/readyz`)).json();
      expect(ready).toMatchObject({ status: 'ready', engines: 'loaded', stages: ['frontend', 'asr', 'mt'] });
      const models = await (await fetch(`${t.httpUrl}/v1/models`)).json();
      expect(models).toMatchObject({
        stages: ['frontend', 'asr', 'mt'],
        engines: { asr: ['en'], tts: [], notes: [expect.stringContaining('TTS not loaded')] },
      });
    } finally {
      await t.server.close();
    }
  });

  it('partials, then a final per segment, then the translation and metrics (scripted MT)', async () => {
    const mt = scriptedTranslator();
    const t = await startWith({ mt: mt.translator });
    try {
      const events = await runTwoSegments(t);
      expectRecognized(events);
      expect(mt.calls).toHaveLength(2);
    } finally {
      await t.server.close();
    }
  });

  it('with the real front-end (RNNoise + webrtcvad, 8 kHz input): one final and translation per spoken sentence', async () => {
    const fixtures = new URL('../fixtures/frontend/', import.meta.url);
    const reference = JSON.parse(readFileSync(new URL('hotel-segments.json', fixtures), 'utf8')) as {
      files: { noisy8k: string };
      segments: unknown[];
    };
    const audio = await readWav(new URL(reference.files.noisy8k, fixtures).pathname);
    const t = await startTestServer(
      { TOLK_MODELS_DIR: root, TOLK_ASR_THREAD: 'main' },
      { createFrontend, engines: { mt: scriptedTranslator().translator } },
    );
    try {
      const stream = await connect(t.url, { sampleRate: audio.sampleRate, encoding: 's16le' });
      const rec = record(stream);
      await streamAudio(stream, audio.samples, audio.sampleRate, { frameMs: 20, realtime: false });
      await stream.stop();
      const events = await rec.done;
      expect(events.filter((e) => e.type === 'error' || e.type === 'invalid')).toEqual([]);
      const starts = events.flatMap((e) => (e.type === 'speech_start' ? [e] : []));
      expect(starts).toHaveLength(reference.segments.length);
      const finals = events.filter((e) => e.type === 'transcript' && e.final);
      expect(finals).toHaveLength(starts.length);
      expect(finals.some((e) => e.type === 'transcript' && e.words?.length)).toBe(true);
      for (const start of starts) {
        const seg = events.filter((e) => 'segmentId' in e && e.segmentId === start.segmentId);
        const end = seg.find((e) => e.type === 'speech_end');
        const final = seg.find((e) => e.type === 'transcript' && e.final);
        if (end?.type !== 'speech_end' || final?.type !== 'transcript') throw new Error('segment incomplete');
        expect(final).toMatchObject({ startMs: start.streamMs, endMs: end.streamMs });
        // Words lie in the utterance audio: pre-roll (300 ms) before, hangover (300 ms) after.
        for (const w of final.words ?? []) {
          expect(w.startMs).toBeGreaterThanOrEqual(start.streamMs - 300);
          expect(w.endMs).toBeLessThanOrEqual(end.streamMs + 300 + 40);
        }
        if (final.text) expect(seg.some((e) => e.type === 'translation')).toBe(true);
        expect(seg.at(-1)?.type).toBe('metrics');
      }
    } finally {
      await t.server.close();
    }
  });

  describe.skipIf(!hasApertium())('with apertium', () => {
    it('translates each final with apertium and says it is the fallback', async () => {
      const t = await startWith({}, 'worker');
      try {
        const events = await runTwoSegments(t);
        expectRecognized(events);
        const translations = events.filter((e) => e.type === 'translation');
        expect(translations).toHaveLength(2);
        for (const tr of translations) {
          expect(tr).toMatchObject({
            source: 'en',
            target: 'es',
            engine: 'apertium',
            fallback: { reason: 'primary_unavailable' },
          });
        }
      } finally {
        await t.server.close();
      }
    });
  });
});
