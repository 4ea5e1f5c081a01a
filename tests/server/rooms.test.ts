/**
 * Conversation rooms on a real server and port, with the real audio front-end (RNNoise +
 * webrtcvad) and the engine doubles of the pipeline tests (counting recognizer, tagging
 * translator, tone "voices" for English and Spanish). Two participants join one room; the
 * English speaker streams the committed fixture WAV (three sentences); the Spanish listener gets
 * the peer's transcripts, translations and the translated speech, and the speaker never gets
 * speech meant for the listener. Also: capacity and id errors, a third language, a participant
 * vanishing mid-sentence and mid-speech, and barge-in by the listener.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ClientEvent,
  connect,
  open as openSocket,
  StartError,
  type TolkStream,
} from '../../client/node/client.ts';
import { streamAudio } from '../../client/node/stream-audio.ts';
import { readWav } from '../../server/audio/wav-io.ts';
import type { EngineOverrides } from '../../server/session/load-engines.ts';
import { createFrontend } from '../../server/stages/frontend/index.ts';
import {
  record,
  scriptedAsrEngine,
  scriptedTranslator,
  toneSynthesizer,
} from './helpers/pipeline-doubles.ts';
import { waitFor } from './helpers/session-run.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/frontend/hotel-clean-16k.wav', import.meta.url));
const ROOM = 'Zq3_kP9-xY2mW7aB';

let t: TestServer | undefined;
const open: TolkStream[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.terminate();
  await t?.server.close();
  t = undefined;
});

function engines(speechMs = 300): EngineOverrides {
  return {
    asr: new Map([
      ['en', scriptedAsrEngine().engine],
      ['es', scriptedAsrEngine().engine],
    ]),
    mt: scriptedTranslator().translator,
    tts: new Map([
      ['es', toneSynthesizer(speechMs)],
      ['en', toneSynthesizer(speechMs)],
    ]),
  };
}

async function start(overrides: EngineOverrides, env: Record<string, string> = {}): Promise<TestServer> {
  t = await startTestServer(
    { TOLK_SPEECH_START_MS: '90', TOLK_HANGOVER_MS: '300', ...env },
    { createFrontend, engines: overrides },
  );
  return t;
}

async function join(source: string, name: string, extra: Record<string, unknown> = {}) {
  const stream = await connect(t!.url, {
    sampleRate: 16_000,
    encoding: 's16le',
    source,
    target: source === 'en' ? 'es' : 'en',
    room: ROOM,
    name,
    ...extra,
  });
  open.push(stream);
  return { stream, rec: record(stream) };
}

const speechAudio = (events: ClientEvent[]) =>
  events
    .filter((e) => e.type === 'audio' && e.channel === 2)
    .reduce((n, e) => n + (e.type === 'audio' ? e.samples.length : 0), 0);

describe('conversation rooms', () => {
  it('B hears A: peer transcripts, translations into B’s language and speech; A gets none of B’s audio', async () => {
    const mt = scriptedTranslator();
    await start({ ...engines(), mt: mt.translator });
    // A first, with a target nobody in the room speaks: its speech is retargeted when B joins.
    const a = await join('en', 'Ann', { target: 'de' });
    expect(a.stream.readyMessage).toMatchObject({ room: ROOM, target: 'de', stages: ['frontend', 'asr'] });
    const joinedA = await a.rec.until((e) => e.type === 'room_joined');
    expect(joinedA).toMatchObject({ participantId: 'p1', name: 'Ann', participants: [], maxParticipants: 2 });

    const b = await join('es', 'Beto', { sampleRate: 22_050, encoding: 'f32le' });
    const joinedB = await b.rec.until((e) => e.type === 'room_joined');
    expect(joinedB).toMatchObject({
      participantId: 'p2',
      participants: [{ participantId: 'p1', name: 'Ann', language: 'en' }],
      target: 'en',
      stages: ['frontend', 'asr', 'mt', 'tts'],
    });
    expect(await a.rec.until((e) => e.type === 'peer_joined')).toMatchObject({
      participantId: 'p2',
      name: 'Beto',
      language: 'es',
      target: 'es',
      stages: ['frontend', 'asr', 'mt', 'tts'],
    });

    const wav = await readWav(FIXTURE);
    await streamAudio(a.stream, wav.samples, wav.sampleRate, { frameMs: 40, realtime: false });
    await a.stream.stop();
    const eventsA = await a.rec.done;
    await b.rec.until((e) => e.type === 'peer_left');
    await b.stream.stop();
    const eventsB = await b.rec.done;

    // A: its own finals and translations into Spanish, metrics with the speech B got, no speech audio.
    const finalsA = eventsA.filter((e) => e.type === 'transcript' && e.final);
    expect(finalsA).toHaveLength(3);
    expect(eventsA.filter((e) => e.type === 'translation').map((e) => 'target' in e && e.target)).toEqual([
      'es',
      'es',
      'es',
    ]);
    expect(mt.calls.map((c) => `${c.options.source}-${c.options.target}`)).toEqual([
      'en-es',
      'en-es',
      'en-es',
    ]);
    expect(eventsA.some((e) => e.type === 'audio_start' || e.type === 'audio' || e.type === 'clear')).toBe(
      false,
    );
    const metricsA = eventsA.filter((e) => e.type === 'metrics');
    expect(metricsA).toHaveLength(3);
    for (const m of metricsA)
      if (m.type === 'metrics') expect(m.firstAudioLatencyMs).toBeGreaterThanOrEqual(0);
    expect(eventsA.filter((e) => e.type === 'error')).toEqual([]);

    // B: each of A's segments as peer_transcript, peer_translation, then speech in B's own format.
    for (const final of finalsA) {
      if (final.type !== 'transcript') continue;
      const id = final.segmentId;
      const mine = eventsB.filter((e) => 'segmentId' in e && e.segmentId === id);
      expect(mine.map((e) => e.type)).toEqual([
        'peer_transcript',
        'peer_translation',
        'audio_start',
        'audio_end',
      ]);
      expect(mine[0]).toMatchObject({ participantId: 'p1', name: 'Ann', text: final.text, language: 'en' });
      expect(mine[1]).toMatchObject({
        participantId: 'p1',
        text: `es(${final.text})`,
        source: 'en',
        target: 'es',
      });
      expect(mine[2]).toMatchObject({
        stream: 'speech',
        channel: 2,
        participantId: 'p1',
        sampleRate: 22_050,
        encoding: 'f32le',
      });
      expect(mine[3]).toMatchObject({ participantId: 'p1', droppedFrames: 0 });
    }
    // 3 × 300 ms of tone at B's 22.05 kHz.
    expect(Math.abs(speechAudio(eventsB) - 3 * 0.3 * 22_050)).toBeLessThan(22_050 * 0.05);
    expect(eventsB.filter((e) => e.type === 'transcript' || e.type === 'translation')).toEqual([]);
    expect(eventsB.find((e) => e.type === 'peer_left')).toMatchObject({ participantId: 'p1', target: 'en' });
    expect(eventsB.at(-1)).toMatchObject({ type: 'end', reason: 'stop' });
    await waitFor(() => t!.server.activeSessions() === 0);
  });

  it('refuses a full room, a bad id, a third language and too many rooms with stable codes', async () => {
    await start(engines(), { TOLK_ROOM_MAX_PARTICIPANTS: '3', TOLK_MAX_ROOMS: '1' });
    await join('en', 'Ann');
    await join('es', 'Beto');
    const startError = async (options: Record<string, unknown>) => {
      const err = await connect(t!.url, { sampleRate: 16_000, encoding: 's16le', ...options }).catch(
        (e) => e,
      );
      expect(err).toBeInstanceOf(StartError);
      return (err as StartError).error;
    };
    expect(await startError({ source: 'fr', room: ROOM })).toMatchObject({
      code: 'unsupported_language',
      recoverable: true,
    });
    expect(await startError({ room: 'short' })).toMatchObject({ code: 'invalid_room', recoverable: true });
    expect(await startError({ room: 'has spaces in it' })).toMatchObject({ code: 'invalid_room' });
    expect(await startError({ room: 'another-room-id-1' })).toMatchObject({ code: 'too_many_rooms' });
    await join('en', 'Cleo'); // the third place
    expect(await startError({ room: ROOM })).toMatchObject({ code: 'room_full', recoverable: true });
  });

  it('a room is freed when its participants leave; a refused participant can start again on the same socket', async () => {
    await start(engines(), { TOLK_MAX_ROOMS: '1' });
    const a = await join('en', 'Ann');
    const b = await join('es', 'Beto');
    const c = await openSocket(t!.url);
    open.push(c);
    await expect(c.start({ sampleRate: 16_000, encoding: 's16le', room: ROOM })).rejects.toMatchObject({
      error: { code: 'room_full' },
    });
    await expect(c.start({ sampleRate: 16_000, encoding: 's16le' })).resolves.toMatchObject({
      type: 'ready',
    });
    await a.stream.stop();
    await b.stream.stop();
    // The only room slot is free again.
    const d = await join('en', 'Dan');
    expect(await d.rec.until((e) => e.type === 'room_joined')).toMatchObject({ participants: [] });
  });

  it('a participant vanishing mid-speech and mid-sentence never harms the other', async () => {
    await start(engines(3000));
    const a = await join('en', 'Ann');
    const b = await join('es', 'Beto');
    const wav = await readWav(FIXTURE);
    // A's first sentence and pause: its 3 s of speech starts playing to B.
    await streamAudio(a.stream, wav.samples.subarray(0, 3300 * 16), 16_000, { frameMs: 40, realtime: false });
    await b.rec.until((e) => e.type === 'audio_start', 10_000);
    // Then A is in the middle of the second sentence when the connection drops.
    await streamAudio(a.stream, wav.samples.subarray(3300 * 16, 4200 * 16), 16_000, {
      frameMs: 40,
      realtime: false,
    });
    await a.rec.until((e) => e.type === 'speech_start' && e.segmentId === 2);
    a.stream.terminate();
    const left = await b.rec.until((e) => e.type === 'peer_left');
    const before = b.rec.events.indexOf(left);
    // The speech in flight was closed for B before A left.
    expect(b.rec.events.slice(0, before).filter((e) => e.type === 'audio_end')).toHaveLength(1);

    // B goes on alone: its own segments are recognized and translated, no speech goes anywhere.
    await streamAudio(b.stream, wav.samples, 16_000, { frameMs: 40, realtime: false });
    await b.stream.stop();
    const eventsB = await b.rec.done;
    const after = eventsB.slice(before + 1);
    expect(after.filter((e) => e.type === 'transcript' && e.final)).toHaveLength(3);
    expect(after.filter((e) => e.type === 'translation')).toHaveLength(3);
    expect(after.some((e) => e.type === 'audio_start' || e.type === 'peer_transcript')).toBe(false);
    expect(eventsB.filter((e) => e.type === 'error')).toEqual([]);
    expect(eventsB.at(-1)).toMatchObject({ type: 'end', reason: 'stop', segments: 3 });
  });

  it('barge-in: the listener starting to talk clears the peer speech playing to them', async () => {
    await start(engines(5000));
    const a = await join('en', 'Ann');
    const b = await join('es', 'Beto');
    const wav = await readWav(FIXTURE);
    await streamAudio(a.stream, wav.samples.subarray(0, 3300 * 16), 16_000, { frameMs: 40, realtime: false });
    await b.rec.until((e) => e.type === 'audio_start', 10_000);
    // B answers while A's translated speech still plays.
    await streamAudio(b.stream, wav.samples.subarray(0, 3300 * 16), 16_000, { frameMs: 40, realtime: false });
    const clear = await b.rec.until((e) => e.type === 'clear');
    expect(clear).toMatchObject({ stream: 'speech', participantId: 'p1', segmentId: 1 });
    const speechStart = b.rec.events.findIndex((e) => e.type === 'speech_start');
    expect(b.rec.events.indexOf(clear)).toBeGreaterThan(speechStart);
    await b.rec.until((e) => e.type === 'audio_end' && e.participantId === 'p1');
    // A never got a clear for speech it did not hear; it gets B's speech instead.
    await a.rec.until((e) => e.type === 'audio_start' && e.participantId === 'p2', 10_000);
    expect(a.rec.events.some((e) => e.type === 'clear')).toBe(false);
  });
});
