/**
 * The session pipeline on a real port with the Node SDK, driven by scriptable engine objects
 * (ASR, MT) and a tone synthesizer, so order, cancellation and failure handling are exact:
 * partials → speech_end → final → translation → speech → metrics per segment, segments in order
 * while later audio keeps flowing, barge-in `clear`, recoverable per-segment errors, a vanished
 * client, config messages, and a source language without ASR.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientEvent } from '../../client/node/client.ts';
import { connect } from '../../client/node/client.ts';
import { streamAudio } from '../../client/node/stream-audio.ts';
import type { EngineOverrides } from '../../server/session/load-engines.ts';
import {
  createSpeechAudioFrontend,
  mtTimeout,
  record,
  scriptedAsrEngine,
  scriptedTranslator,
  toneSynthesizer,
} from './helpers/pipeline-doubles.ts';
import { metricValue, runWitness, waitFor } from './helpers/session-run.ts';
import { toneBursts } from './helpers/signals.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const RATE = 16_000;
const TWO_BURSTS = [
  { startMs: 300, endMs: 800 },
  { startMs: 1200, endMs: 1700 },
];

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

async function start(engines: EngineOverrides, env: Record<string, string> = {}): Promise<TestServer> {
  t = await startTestServer(env, { createFrontend: createSpeechAudioFrontend, engines });
  return t;
}

const ofSegment = (events: ClientEvent[], id: number) =>
  events.filter((e) => 'segmentId' in e && e.segmentId === id);
/** Speech samples received between a segment's audio_start and audio_end. */
const speechSamples = (events: ClientEvent[], id: number) => {
  let on = false;
  let n = 0;
  for (const e of events) {
    if (e.type === 'audio_start' && e.stream === 'speech') on = e.segmentId === id;
    else if (e.type === 'audio_end' && e.stream === 'speech') on = false;
    else if (e.type === 'audio' && e.channel === 2 && on) n += e.samples.length;
  }
  return n;
};
const kinds = (events: ClientEvent[]) =>
  events.map((e) => (e.type === 'transcript' ? (e.final ? 'final' : 'partial') : e.type));

describe('session pipeline', () => {
  it('per segment: partials, speech_end, final with words, translation, metrics — in order', async () => {
    const asr = scriptedAsrEngine();
    const mt = scriptedTranslator();
    const { url } = await start({ asr: new Map([['en', asr.engine]]), mt: mt.translator, tts: new Map() });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le', source: 'en', target: 'es' });
    expect(stream.readyMessage?.stages).toEqual(['frontend', 'asr', 'mt']);
    const rec = record(stream);
    // Real-time pace, so partials come while the person talks (as they would live).
    await streamAudio(stream, toneBursts(RATE, 2000, TWO_BURSTS), RATE, { frameMs: 20 });
    await stream.stop();
    const events = await rec.done;
    expect(events.filter((e) => e.type === 'invalid' || e.type === 'error')).toEqual([]);

    for (const id of [1, 2]) {
      const seg = ofSegment(events, id);
      const order = kinds(seg).filter((k, i, all) => k !== 'partial' || all[i - 1] !== 'partial');
      expect(order).toEqual(['speech_start', 'partial', 'speech_end', 'final', 'translation', 'metrics']);
      const partials = seg.filter((e) => e.type === 'transcript' && !e.final);
      // Throttled to changed text: no two partials in a row say the same thing.
      const texts = partials.map((e) => (e.type === 'transcript' ? e.text : ''));
      expect(new Set(texts).size).toBe(texts.length);
      const final = seg.find((e) => e.type === 'transcript' && e.final);
      if (final?.type !== 'transcript') throw new Error('no final');
      expect(final.text.startsWith('utterance')).toBe(true);
      expect(final.text.split(' ')).toHaveLength(6); // ≈ 650 ms of utterance audio, one word per 100 ms
      expect(final.startMs).toBe(TWO_BURSTS[id - 1].startMs);
      expect(final.endMs).toBe(TWO_BURSTS[id - 1].endMs);
      expect(final.confidence).toBe(0.9);
      // Word times are moved from ASR stream time to session stream time.
      expect(final.words?.[0].startMs).toBeGreaterThanOrEqual(TWO_BURSTS[id - 1].startMs - 100);
      expect(final.words?.[0].startMs).toBeLessThanOrEqual(TWO_BURSTS[id - 1].startMs + 100);
      expect(seg.find((e) => e.type === 'translation')).toEqual({
        type: 'translation',
        segmentId: id,
        text: `es(${final.text})`,
        source: 'en',
        target: 'es',
        engine: 'apertium',
        fallback: { reason: 'primary_unavailable' },
      });
      const metrics = seg.find((e) => e.type === 'metrics');
      expect(metrics).toMatchObject({
        startMs: TWO_BURSTS[id - 1].startMs,
        endMs: TWO_BURSTS[id - 1].endMs,
        stageMs: { frontend: expect.any(Number), asr: expect.any(Number), mt: expect.any(Number) },
        transcriptLatencyMs: expect.any(Number),
        translationLatencyMs: expect.any(Number),
      });
      if (metrics?.type !== 'metrics') throw new Error('no metrics');
      expect(metrics.translationLatencyMs!).toBeGreaterThanOrEqual(metrics.transcriptLatencyMs!);
      expect(metrics.firstAudioLatencyMs).toBeUndefined(); // no TTS stage
    }
    expect(mt.calls.map((c) => [c.options.source, c.options.target])).toEqual([
      ['en', 'es'],
      ['en', 'es'],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'stop', segments: 2 });
    expect(asr.log.closed).toBe(1);
  });

  it('a slow translation does not hold up recognition of the next segment; translations stay in order', async () => {
    const asr = scriptedAsrEngine();
    const mt = scriptedTranslator({ delayMs: (n) => (n === 1 ? 400 : 0) });
    const { url } = await start({ asr: new Map([['en', asr.engine]]), mt: mt.translator, tts: new Map() });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 2000, TWO_BURSTS), RATE, { frameMs: 20, realtime: false });
    await stream.stop();
    const events = await rec.done;
    const at = (pred: (e: ClientEvent) => boolean) => events.findIndex(pred);
    const final2 = at((e) => e.type === 'transcript' && e.final && e.segmentId === 2);
    const translation1 = at((e) => e.type === 'translation' && e.segmentId === 1);
    const translation2 = at((e) => e.type === 'translation' && e.segmentId === 2);
    expect(final2).toBeGreaterThan(0);
    expect(final2).toBeLessThan(translation1); // segment 2 recognized while segment 1 was translated
    expect(translation1).toBeLessThan(translation2);
    const metrics = events
      .filter((e) => e.type === 'metrics')
      .map((e) => ('segmentId' in e ? e.segmentId : 0));
    expect(metrics).toEqual([1, 2]);
  });

  it('speaks the translation on channel 2 between audio_start and audio_end, with first-audio latency', async () => {
    const synth = toneSynthesizer(300);
    const { url } = await start({
      asr: new Map([['en', scriptedAsrEngine().engine]]),
      mt: scriptedTranslator().translator,
      tts: new Map([['es', synth]]),
    });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le' });
    expect(stream.readyMessage?.stages).toEqual(['frontend', 'asr', 'mt', 'tts']);
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 1200, [TWO_BURSTS[0]]), RATE, {
      frameMs: 20,
      realtime: false,
    });
    await stream.stop();
    const events = await rec.done;
    expect(kinds(ofSegment(events, 1)).slice(-4)).toEqual([
      'translation',
      'audio_start',
      'audio_end',
      'metrics',
    ]);
    expect(events.find((e) => e.type === 'audio_start')).toMatchObject({
      stream: 'speech',
      channel: 2,
      sampleRate: RATE,
      encoding: 's16le',
      segmentId: 1,
    });
    const audio = events.flatMap((e) => (e.type === 'audio' && e.channel === 2 ? [e.samples] : []));
    const samples = audio.reduce((n, s) => n + s.length, 0);
    expect(Math.abs(samples - 0.3 * RATE)).toBeLessThan(RATE * 0.02); // 300 ms at the client's rate
    expect(events.find((e) => e.type === 'audio_end')).toMatchObject({ segmentId: 1, droppedFrames: 0 });
    const metrics = events.find((e) => e.type === 'metrics');
    if (metrics?.type !== 'metrics') throw new Error('no metrics');
    expect(metrics.stageMs.tts).toBeGreaterThanOrEqual(0);
    expect(metrics.firstAudioLatencyMs!).toBeGreaterThanOrEqual(metrics.translationLatencyMs!);
  });

  it('barge-in: speech_start while speech plays sends clear and stops the synthesis', async () => {
    const synth = toneSynthesizer(5000, 300);
    const { url } = await start({
      asr: new Map([['en', scriptedAsrEngine().engine]]),
      mt: scriptedTranslator().translator,
      tts: new Map([['es', synth]]),
    });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    const audio = toneBursts(RATE, 2400, [
      { startMs: 300, endMs: 800 },
      { startMs: 1500, endMs: 2000 },
    ]);
    // First segment and its trailing silence, then wait until its translation is being spoken.
    await streamAudio(stream, audio.subarray(0, 1200 * 16), RATE, { frameMs: 20, realtime: false });
    await rec.until((e) => e.type === 'audio_start');
    await streamAudio(stream, audio.subarray(1200 * 16), RATE, { frameMs: 20, realtime: false });
    await stream.stop();
    const events = await rec.done;
    const i = (pred: (e: ClientEvent) => boolean) => events.findIndex(pred);
    const start2 = i((e) => e.type === 'speech_start' && e.segmentId === 2);
    const clear = i((e) => e.type === 'clear');
    expect(events[clear]).toEqual({ type: 'clear', stream: 'speech', segmentId: 1 });
    expect(clear).toBe(start2 + 1);
    expect(i((e) => e.type === 'audio_end' && e.segmentId === 1)).toBeGreaterThan(clear);
    expect(speechSamples(events, 1) / RATE).toBeLessThan(2.5); // far less than the 5 s it would have been
    expect(speechSamples(events, 2) / RATE).toBe(0.3); // the new segment's speech is not affected
    expect(synth.producedMs).toBeLessThan(2800); // segment 1's synthesis stopped too, not just its output
  });

  it('TOLK_BARGE_IN=false lets the earlier speech finish', async () => {
    const { url } = await start(
      {
        asr: new Map([['en', scriptedAsrEngine().engine]]),
        mt: scriptedTranslator().translator,
        tts: new Map([['es', toneSynthesizer(600)]]),
      },
      { TOLK_BARGE_IN: 'false' },
    );
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    const audio = toneBursts(RATE, 2400, [
      { startMs: 300, endMs: 800 },
      { startMs: 1500, endMs: 2000 },
    ]);
    await streamAudio(stream, audio.subarray(0, 1200 * 16), RATE, { frameMs: 20, realtime: false });
    await rec.until((e) => e.type === 'audio_start');
    await streamAudio(stream, audio.subarray(1200 * 16), RATE, { frameMs: 20, realtime: false });
    await stream.stop();
    const events = await rec.done;
    expect(events.some((e) => e.type === 'clear')).toBe(false);
    const samples = events.flatMap((e) => (e.type === 'audio' && e.channel === 2 ? [e.samples.length] : []));
    expect(samples.reduce((a, b) => a + b, 0)).toBe(2 * 0.6 * RATE); // both segments spoken in full
  });

  it('an MT failure is a recoverable error for that segment; the next segment is translated', async () => {
    const mt = scriptedTranslator({ fail: (n) => (n === 1 ? mtTimeout() : undefined) });
    const { url } = await start({
      asr: new Map([['en', scriptedAsrEngine().engine]]),
      mt: mt.translator,
      tts: new Map(),
    });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 2000, TWO_BURSTS), RATE, { frameMs: 20, realtime: false });
    await stream.stop();
    const events = await rec.done;
    expect(events.filter((e) => e.type === 'error')).toEqual([
      {
        type: 'error',
        code: 'timeout',
        message: 'apertium en-es: no answer within 5000 ms',
        recoverable: true,
        stage: 'mt',
        segmentId: 1,
      },
    ]);
    expect(
      events.filter((e) => e.type === 'translation').map((e) => 'segmentId' in e && e.segmentId),
    ).toEqual([2]);
    expect(events.filter((e) => e.type === 'metrics')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'stop' });
  });

  it('an ASR failure is a recoverable error; no final for that segment, the next one works', async () => {
    const asr = scriptedAsrEngine({ failFinal: 1 });
    const { url } = await start({
      asr: new Map([['en', asr.engine]]),
      mt: scriptedTranslator().translator,
      tts: new Map(),
    });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 2000, TWO_BURSTS), RATE, { frameMs: 20, realtime: false });
    await stream.stop();
    const events = await rec.done;
    expect(events.filter((e) => e.type === 'error')).toEqual([
      {
        type: 'error',
        code: 'stage_failed',
        message: 'asr: decoder exploded',
        recoverable: true,
        stage: 'asr',
        segmentId: 1,
      },
    ]);
    const finals = events.filter((e) => e.type === 'transcript' && e.final);
    expect(finals.map((e) => 'segmentId' in e && e.segmentId)).toEqual([2]);
    expect(events.filter((e) => e.type === 'translation')).toHaveLength(1);
  });

  it('a recognizer slower than the audio: input waits (backpressure), nothing is lost', async () => {
    // 20 ms frames recognized at 40 ms each: half real-time speed.
    const asr = scriptedAsrEngine({ pushDelayMs: 40 });
    const server = await start(
      { asr: new Map([['en', asr.engine]]), mt: scriptedTranslator().translator, tts: new Map() },
      { TOLK_ASR_MAX_BACKLOG_MS: '100', TOLK_QUEUE_MAX_MS: '200' },
    );
    const stream = await connect(server.url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 2000, TWO_BURSTS), RATE, { frameMs: 20, realtime: false });
    await stream.stop();
    const events = await rec.done;
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const finals = events.filter((e) => e.type === 'transcript' && e.final);
    // Utterance audio runs from detection (~50 ms into the burst) through the 200 ms hangover,
    // ≈ 650 ms → 6 words of 100 ms each, as at full speed: no audio dropped.
    expect(finals.map((e) => (e.type === 'transcript' ? e.text.split(' ').length : 0))).toEqual([6, 6]);
    expect(await metricValue(server.httpUrl, 'tolk_input_pauses_total')).toBeGreaterThan(0);
  });

  it('a TTS failure is a recoverable error for that segment', async () => {
    let calls = 0;
    const failing = {
      sampleRate: 16_000,
      async *synthesizeChunks() {
        calls++;
        yield new Float32Array(1600);
        throw new Error('vocoder NaN');
      },
    };
    const { url } = await start({
      asr: new Map([['en', scriptedAsrEngine().engine]]),
      mt: scriptedTranslator().translator,
      tts: new Map([['es', failing]]),
    });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 2000, TWO_BURSTS), RATE, { frameMs: 20, realtime: false });
    await stream.stop();
    const events = await rec.done;
    expect(
      events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && [e.stage, e.recoverable]),
    ).toEqual([
      ['tts', true],
      ['tts', true],
    ]);
    expect(calls).toBe(2);
    expect(events.filter((e) => e.type === 'metrics')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'stop' });
  });

  it('a client vanishing mid-translation ends its session cleanly; others are unaffected', async () => {
    const mt = scriptedTranslator({ delayMs: () => 300 });
    const synth = toneSynthesizer(200);
    const server = await start({
      asr: new Map([['en', scriptedAsrEngine().engine]]),
      mt: mt.translator,
      tts: new Map([['es', synth]]),
    });
    const stream = await connect(server.url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 1200, [TWO_BURSTS[0]]), RATE, {
      frameMs: 20,
      realtime: false,
    });
    await rec.until((e) => e.type === 'transcript' && e.final);
    stream.terminate(); // translation still running
    await waitFor(() => server.server.activeSessions() === 0);
    await new Promise((r) => setTimeout(r, 400)); // the translation finishes for nobody
    expect(mt.calls).toHaveLength(1);
    expect(synth.producedMs).toBe(0); // nothing is spoken to a client that is gone
    await runWitness(server.url);
  });

  it('config: hotwords reach the ASR stream, the glossary reaches MT for the session pair', async () => {
    const asr = scriptedAsrEngine();
    const mt = scriptedTranslator();
    const { url } = await start({ asr: new Map([['en', asr.engine]]), mt: mt.translator, tts: new Map() });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le' });
    const rec = record(stream);
    stream.sendJson({ type: 'config', hotwords: ['ibuprofen'], glossary: { 'ocean suite': 'Suite Océano' } });
    await streamAudio(stream, toneBursts(RATE, 1200, [TWO_BURSTS[0]]), RATE, {
      frameMs: 20,
      realtime: false,
    });
    await stream.stop();
    await rec.done;
    expect(asr.log.hotwords).toContainEqual(['ibuprofen']);
    const glossary = mt.calls[0].options.glossary;
    expect(glossary?.terms.get('en-es')).toEqual([{ source: 'ocean suite', target: 'Suite Océano' }]);
  });

  it('a source language without an ASR model runs the front-end only, and ready says why', async () => {
    const { url } = await start({
      asr: new Map([['en', scriptedAsrEngine().engine]]),
      mt: scriptedTranslator().translator,
      tts: new Map(),
    });
    const stream = await connect(url, { sampleRate: RATE, encoding: 's16le', source: 'fr', target: 'en' });
    expect(stream.readyMessage).toMatchObject({
      stages: ['frontend'],
      unavailable: [
        { stage: 'asr', code: 'unsupported_language', message: 'no ASR model for "fr" (have: en)' },
        { stage: 'mt', code: 'unsupported_language' },
      ],
    });
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 1200, [TWO_BURSTS[0]]), RATE, {
      frameMs: 20,
      realtime: false,
    });
    await stream.stop();
    const events = await rec.done;
    expect(kinds(events)).toEqual(['ready', 'speech_start', 'speech_end', 'metrics', 'end']);
  });
});
