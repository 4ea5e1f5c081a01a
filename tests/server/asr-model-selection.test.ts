/**
 * Serving a recognizer folder that is not named `asr-<lang>` (a fine-tuned one such as
 * `asr-en-caribbean-cafe`): per session through `start.model`, or by default for its language
 * through TOLK_ASR_MODELS. Two tiny random-weight recognizers (different seeds, so different
 * transcripts for the same audio) are written by the test into a models folder that a real
 * server on a real port loads.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientEvent, connect, open, type StartOptions } from '../../client/node/client.ts';
import { streamAudio } from '../../client/node/stream-audio.ts';
import { OnnxSessionCache } from '../../models/onnx-session.ts';
import { ModelRegistry } from '../../models/registry.ts';
import { writeRandomAsrModel } from '../../scripts/bench/asr.ts';
import { AsrEngine } from '../../server/stages/asr/engine.ts';
import { RecognizerPool } from '../../server/stages/asr/recognizer-pool.ts';
import { selectDefaultRecognizers } from '../../server/stages/asr/select-recognizers.ts';
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
const BASE = 'asr-en';
const TUNED = 'asr-en-caribbean-cafe';

let root: string;

/** A recognizer folder whose card id is its folder name, as `npm run finetune -- asr` writes it. */
async function writeRecognizer(name: string, seed: number): Promise<void> {
  const dir = join(root, name);
  const { model } = await writeRandomAsrModel(dir, {
    units: 16,
    layers: 1,
    seed,
    lmLines: ['the room is ready'],
  });
  model.params.dispose();
  const card = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...card, id: name }));
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'tolk-asr-select-'));
  await writeRecognizer(BASE, 5);
  await writeRecognizer(TUNED, 23);
  // An ASR card whose graph is not ONNX: fails only when someone asks for it.
  mkdirSync(join(root, 'asr-en-broken'));
  const card = JSON.parse(readFileSync(join(root, BASE, 'model.json'), 'utf8'));
  writeFileSync(join(root, 'asr-en-broken', 'model.json'), JSON.stringify({ ...card, id: 'asr-en-broken' }));
  writeFileSync(join(root, 'asr-en-broken', 'model.onnx'), 'not really onnx');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function startWith(env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer(
    { TOLK_MODELS_DIR: root, TOLK_ASR_THREAD: 'main', ...env },
    { createFrontend: createSpeechAudioFrontend, engines: { mt: scriptedTranslator().translator } },
  );
}

/** One session over the same two chirp bursts: its `ready` and its final transcripts. */
async function transcribe(t: TestServer, start: Partial<StartOptions> = {}) {
  const stream = await connect(t.url, {
    sampleRate: RATE,
    encoding: 's16le',
    source: 'en',
    target: 'es',
    ...start,
  });
  const ready = stream.readyMessage;
  const rec = record(stream);
  await streamAudio(stream, chirpBursts(3000, BURSTS), RATE, { frameMs: 20, realtime: false });
  await stream.stop();
  const events = await rec.done;
  expect(events.filter((e) => e.type === 'error' || e.type === 'invalid')).toEqual([]);
  const finals = events.flatMap((e: ClientEvent) => (e.type === 'transcript' && e.final ? [e.text] : []));
  expect(finals).toHaveLength(BURSTS.length);
  return { ready, finals };
}

describe('which recognizer folder serves a session', () => {
  it('default: the `asr-<lang>` folder; the fine-tuned folder is listed and `start.model` picks it', async () => {
    const t = await startWith();
    try {
      const engines = await t.server.engines;
      const models = await (await fetch(`${t.httpUrl}/v1/models`)).json();
      expect(models.engines).toMatchObject({ asr: ['en'], asrModels: { en: BASE } });
      expect(models.models.map((m: { id: string }) => m.id)).toEqual(
        expect.arrayContaining([BASE, TUNED, 'asr-en-broken']),
      );

      const base = await transcribe(t);
      expect(base.ready?.model).toBeUndefined();
      expect(base.ready?.stages).toEqual(['frontend', 'asr', 'mt']);

      const tuned = await transcribe(t, { model: TUNED });
      expect(tuned.ready).toMatchObject({ model: TUNED, stages: ['frontend', 'asr', 'mt'] });
      // Another model ran: same audio, other weights, other words.
      expect(tuned.finals.every((text) => text.length > 0)).toBe(true);
      expect(tuned.finals).not.toEqual(base.finals);
      // Naming the default explicitly is the default engine.
      expect((await transcribe(t, { model: BASE })).finals).toEqual(base.finals);

      // Loaded once on first use, then the same engine (one batcher) for every session.
      const tunedEntry = t.server.registry.find(TUNED)!;
      const first = await engines.asrModel!(tunedEntry);
      expect(await engines.asrModel!(tunedEntry)).toBe(first);
      expect(await engines.asrModel!(t.server.registry.find(BASE)!)).toBe(engines.asr.get('en'));
      // The default of the language is unchanged by a session's choice.
      expect(engines.asr.get('en')).not.toBe(first);
      expect((await transcribe(t)).finals).toEqual(base.finals);

      // TOLK_ASR_MODELS makes the fine-tuned folder the English default: same transcripts as
      // the session that asked for it above.
      const picked = await startWith({ TOLK_ASR_MODELS: `${TUNED},${BASE}` });
      try {
        await picked.server.engines;
        const pickedModels = await (await fetch(`${picked.httpUrl}/v1/models`)).json();
        expect(pickedModels.engines).toMatchObject({ asr: ['en'], asrModels: { en: TUNED } });
        expect(pickedModels.engines.notes.join('\n')).toMatch(
          /asr-en not the en default: asr-en-caribbean-cafe/,
        );
        const byDefault = await transcribe(picked);
        expect(byDefault.ready?.model).toBeUndefined();
        expect(byDefault.finals).toEqual(tuned.finals);
      } finally {
        await picked.server.close();
      }
    } finally {
      await t.server.close();
    }
  });

  it('a recognizer for another language than `source` is refused with unsupported_language', async () => {
    const t = await startWith();
    try {
      // Right after start-up: the models dir may still be being scanned, and the check waits for it.
      const stream = await open(t.url);
      const err = await stream
        .start({ sampleRate: RATE, encoding: 's16le', source: 'es', target: 'en', model: TUNED })
        .catch((e) => e);
      expect(err.error).toMatchObject({ code: 'unsupported_language', recoverable: true, stage: 'models' });
      expect(err.error.message).toContain(`"${TUNED}" recognizes "en", not the session's source "es"`);
      // The session still waits for a corrected start.
      await stream.start({
        sampleRate: RATE,
        encoding: 's16le',
        source: 'en-US',
        target: 'es',
        model: TUNED,
      });
      expect(stream.readyMessage).toMatchObject({ model: TUNED, stages: ['frontend', 'asr', 'mt'] });
      expect(await stream.stop()).toMatchObject({ reason: 'stop' });
    } finally {
      await t.server.close();
    }
  });

  it('a requested recognizer that cannot load ends that session with model_load_failed; others go on', async () => {
    const t = await startWith({ TOLK_ASR_THREAD: 'worker' });
    try {
      const err = await connect(t.url, { sampleRate: RATE, encoding: 's16le', model: 'asr-en-broken' }).catch(
        (e) => e,
      );
      expect(err.error).toMatchObject({ code: 'model_load_failed', recoverable: false, stage: 'asr' });
      expect(err.error.message).toMatch(/^ASR asr-en-broken not loaded: /);
      // The worker-thread recognizer loads lazily too.
      const tuned = await transcribe(t, { model: TUNED });
      expect(tuned.ready?.model).toBe(TUNED);
    } finally {
      await t.server.close();
    }
  });
});

describe('selectDefaultRecognizers', () => {
  it('without TOLK_ASR_MODELS only `asr-<lang>` folders; with it, the named ids in order, first per language', async () => {
    const registry = new ModelRegistry(root);
    await registry.load();
    const models = registry.snapshot().models;
    const ids = (wanted: string[]) =>
      selectDefaultRecognizers(models, wanted).chosen.map((c) => [c.lang, c.entry.id]);
    expect(ids([])).toEqual([['en', BASE]]);
    expect(ids([TUNED, BASE])).toEqual([['en', TUNED]]);
    const missing = selectDefaultRecognizers(models, ['asr-fr', BASE]);
    expect(missing.chosen.map((c) => c.entry.id)).toEqual([BASE]);
    expect(missing.notes).toEqual(['ASR model "asr-fr" (TOLK_ASR_MODELS) not found among the asr models']);
  });
});

describe('RecognizerPool', () => {
  it('loads a folder once for concurrent first users, retries a folder that failed, closes what it loaded', async () => {
    const registry = new ModelRegistry(root);
    await registry.load();
    const cache = new OnnxSessionCache({ executionProviders: ['cpu'], intraOpThreads: 1 });
    const loads: string[] = [];
    const closed: string[] = [];
    const pool = new RecognizerPool(async (entry) => {
      loads.push(entry.id);
      const engine = await AsrEngine.load(entry.dir, cache);
      return { engine, close: () => closed.push(entry.id) };
    });
    try {
      const tuned = registry.find(TUNED)!;
      const [a, b] = await Promise.all([pool.get(tuned), pool.get(tuned)]);
      expect(a).toBe(b);
      expect(await pool.get(tuned)).toBe(a);
      expect(a.engine.card.id).toBe(TUNED);
      const broken = registry.find('asr-en-broken')!;
      await expect(pool.get(broken)).rejects.toMatchObject({ code: 'model_load_failed', stage: 'asr' });
      await expect(pool.get(broken)).rejects.toMatchObject({ code: 'model_load_failed' });
      expect(loads).toEqual([TUNED, 'asr-en-broken', 'asr-en-broken']);
      await pool.close();
      expect(closed).toEqual([TUNED]);
      await expect(pool.get(tuned)).rejects.toMatchObject({ code: 'shutting_down' });
    } finally {
      cache.dispose();
    }
  });
});
