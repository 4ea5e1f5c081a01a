/**
 * The streaming endpoint end to end on a real port with the real Node SDK: the happy path, every
 * documented bad input (each while a concurrent "witness" session must keep getting correct
 * events), limits, access control and graceful shutdown.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, open, StartError, UpgradeError } from '../../client/node/client.ts';
import { streamAudio } from '../../client/node/stream-audio.ts';
import { CLOSE_CODES } from '../../server/protocol/close-codes.ts';
import { createEnergyFrontend } from './helpers/energy-frontend.ts';
import {
  collect,
  expectSegments,
  metricValue,
  nextEvent,
  runWitness,
  WITNESS_BURSTS,
  waitFor,
} from './helpers/session-run.ts';
import { toneBursts, toS16le } from './helpers/signals.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const RATE = 16_000;

describe('stream endpoint', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ TOLK_QUEUE_MAX_MS: '200' });
  });
  afterEach(async () => {
    await t.server.close();
  });

  it('streams audio and answers ready, speech events, metrics and end', async () => {
    const stream = await connect(t.url, { sampleRate: RATE, encoding: 's16le', source: 'en', target: 'es' });
    expect(stream.readyMessage).toMatchObject({
      type: 'ready',
      protocol: 1,
      sampleRate: RATE,
      encoding: 's16le',
      stages: ['frontend'],
      limits: { maxFrameBytes: 19_200, queueMaxMs: 200 },
    });
    const events = collect(stream);
    await streamAudio(stream, toneBursts(RATE, 2000, WITNESS_BURSTS), RATE, { frameMs: 20, realtime: false });
    const end = await stream.stop();
    const all = await events;
    expectSegments(all, WITNESS_BURSTS, 10);
    const metrics = all.filter((e) => e.type === 'metrics');
    expect(metrics).toHaveLength(2);
    expect(metrics[0]).toMatchObject({ segmentId: 1, startMs: 300, endMs: 800 });
    expect(all.some((e) => e.type === 'transcript')).toBe(false); // no ASR stage: nothing faked
    expect(end).toEqual({ type: 'end', reason: 'stop', streamMs: 2000, segments: 2 });
    expect((await stream.closed).code).toBe(CLOSE_CODES.normal);
  });

  it('accepts f32le and returns the denoised stream on its own channel', async () => {
    const rate = 48_000;
    const audio = toneBursts(rate, 1000, [{ startMs: 200, endMs: 600 }]);
    const stream = await connect(t.url, { sampleRate: rate, encoding: 'f32le', returnDenoised: true });
    const events = collect(stream);
    await streamAudio(stream, audio, rate, { frameMs: 10, realtime: false });
    await stream.stop();
    const all = await events;
    const start = all.find((e) => e.type === 'audio_start');
    expect(start).toMatchObject({ stream: 'denoised', channel: 1, sampleRate: rate, encoding: 'f32le' });
    const received = all.flatMap((e) => (e.type === 'audio' ? [e.samples] : []));
    expect(received.reduce((n, s) => n + s.length, 0)).toBe(audio.length);
    expect(received[25][10]).toBeCloseTo(audio[25 * 480 + 10], 6); // the double passes audio through
    expect(all.find((e) => e.type === 'audio_end')).toMatchObject({ stream: 'denoised', droppedFrames: 0 });
  });

  describe('bad input: documented code, session and witness unaffected', () => {
    it('malformed JSON → bad_json (recoverable)', async () => {
      const [, witness] = await Promise.all([
        (async () => {
          const stream = await open(t.url);
          stream.sendText('{"type": "start", oops');
          expect(await nextEvent(stream)).toMatchObject({
            type: 'error',
            code: 'bad_json',
            recoverable: true,
          });
          await stream.start({ sampleRate: RATE }); // the session is still usable
          await stream.stop();
        })(),
        runWitness(t.url),
      ]);
      expect(witness).toBeUndefined();
    });

    it('unknown message type → unknown_message_type; schema violation → bad_message', async () => {
      await Promise.all([
        (async () => {
          const stream = await open(t.url);
          stream.sendJson({ type: 'hello' });
          expect(await nextEvent(stream)).toMatchObject({ code: 'unknown_message_type', recoverable: true });
          stream.sendJson({ type: 'start', sampleRate: 'fast' });
          expect(await nextEvent(stream)).toMatchObject({ code: 'bad_message', recoverable: true });
          stream.sendText('[1,2,3]');
          expect(await nextEvent(stream)).toMatchObject({ code: 'unknown_message_type' });
          await stream.close();
        })(),
        runWitness(t.url),
      ]);
    });

    it('second start → already_started; unknown model → model_not_found', async () => {
      await Promise.all([
        (async () => {
          const stream = await open(t.url);
          const err = await stream.start({ sampleRate: RATE, model: 'no-such-model' }).catch((e) => e);
          expect(err.error).toMatchObject({ code: 'model_not_found', recoverable: true });
          await stream.start({ sampleRate: RATE });
          stream.sendJson({ type: 'start', sampleRate: RATE, encoding: 's16le' });
          expect(
            await nextEvent(stream, (e) => e.type === 'error' && e.code !== 'model_not_found'),
          ).toMatchObject({
            code: 'already_started',
            recoverable: true,
          });
          expect(await stream.stop()).toMatchObject({ reason: 'stop' });
        })(),
        runWitness(t.url),
      ]);
    });

    it('audio before start → audio_before_start', async () => {
      await Promise.all([
        (async () => {
          const stream = await open(t.url);
          stream.sendBytes(new Uint8Array(640));
          expect(await nextEvent(stream)).toMatchObject({ code: 'audio_before_start', recoverable: true });
          await stream.close();
        })(),
        runWitness(t.url),
      ]);
      expect(await metricValue(t.httpUrl, 'tolk_drops_total', 'reason="audio_before_start"')).toBe(1);
    });

    it('unsupported sample rate or encoding → its own code; a corrected start works', async () => {
      await Promise.all([
        (async () => {
          const stream = await open(t.url);
          const err = await stream.start({ sampleRate: 96_000 }).catch((e) => e);
          expect(err).toBeInstanceOf(StartError);
          expect(err.error).toMatchObject({ code: 'unsupported_sample_rate', recoverable: true });
          // start() saw the error; the event stream delivers it too, in order.
          expect(await nextEvent(stream)).toMatchObject({ code: 'unsupported_sample_rate' });
          stream.sendJson({ type: 'start', sampleRate: RATE, encoding: 'mp3' });
          expect(await nextEvent(stream, (e) => e.type === 'error')).toMatchObject({
            code: 'unsupported_encoding',
          });
          expect((await stream.start({ sampleRate: 8000 })).sampleRate).toBe(8000);
          await stream.stop();
        })(),
        runWitness(t.url),
      ]);
    });

    it('odd byte count for s16le → bad_frame_length, frame dropped, stream continues', async () => {
      await Promise.all([
        (async () => {
          const stream = await connect(t.url, { sampleRate: RATE, encoding: 's16le' });
          stream.sendBytes(new Uint8Array(641));
          expect(await nextEvent(stream, (e) => e.type === 'error')).toMatchObject({
            code: 'bad_frame_length',
            recoverable: true,
          });
          const events = collect(stream);
          await streamAudio(stream, toneBursts(RATE, 1000, [{ startMs: 100, endMs: 500 }]), RATE, {
            realtime: false,
          });
          expect(await stream.stop()).toMatchObject({ reason: 'stop', streamMs: 1000, segments: 1 });
          expectSegments(await events, [{ startMs: 100, endMs: 500 }], 10);
        })(),
        runWitness(t.url),
      ]);
    });

    it('oversized frame → frame_too_large (recoverable); above the hard limit → close 1009', async () => {
      await Promise.all([
        (async () => {
          const stream = await connect(t.url, { sampleRate: RATE, encoding: 's16le' });
          stream.sendBytes(new Uint8Array(19_202));
          expect(await nextEvent(stream, (e) => e.type === 'error')).toMatchObject({
            code: 'frame_too_large',
            recoverable: true,
          });
          stream.sendBytes(new Uint8Array(70_000));
          expect((await stream.closed).code).toBe(CLOSE_CODES.messageTooBig);
        })(),
        runWitness(t.url),
      ]);
      expect(await metricValue(t.httpUrl, 'tolk_errors_total', 'code="frame_too_large"')).toBe(2);
    });

    it('1000 frames in one burst → backpressure, no loss, no error, segments exact', async () => {
      const bursts = [
        { startMs: 2000, endMs: 5000 },
        { startMs: 12_000, endMs: 15_500 },
      ];
      const audio = toS16le(toneBursts(RATE, 20_000, bursts));
      await Promise.all([
        (async () => {
          const stream = await connect(t.url, { sampleRate: RATE, encoding: 's16le' });
          const events = collect(stream);
          const frameBytes = 640; // 20 ms
          for (let i = 0; i < 1000; i++)
            stream.sendBytes(audio.subarray(i * frameBytes, (i + 1) * frameBytes));
          const end = await stream.stop();
          const all = await events;
          expect(all.filter((e) => e.type === 'error')).toEqual([]);
          expect(end).toMatchObject({ reason: 'stop', streamMs: 20_000, segments: 2 });
          expectSegments(all, bursts, 10);
        })(),
        runWitness(t.url),
      ]);
      expect(await metricValue(t.httpUrl, 'tolk_input_pauses_total')).toBeGreaterThan(0);
    });

    it('client vanishing mid-utterance → session disposed, others unaffected', async () => {
      await Promise.all([
        (async () => {
          const stream = await connect(t.url, { sampleRate: RATE, encoding: 's16le' });
          await streamAudio(stream, toneBursts(RATE, 500, [{ startMs: 0, endMs: 500 }]), RATE, {
            realtime: false,
          });
          await nextEvent(stream, (e) => e.type === 'speech_start');
          stream.terminate();
        })(),
        runWitness(t.url),
      ]);
      await waitFor(() => t.server.activeSessions() === 0);
      expect(await metricValue(t.httpUrl, 'tolk_sessions_total', 'outcome="client_gone"')).toBe(1);
      expect(await metricValue(t.httpUrl, 'tolk_active_sessions')).toBe(0);
    });
  });
});

describe('limits', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.server.close();
    t = undefined;
  });

  it('server at max sessions → HTTP 503 server_full; live sessions keep working', async () => {
    t = await startTestServer({ TOLK_MAX_SESSIONS: '2' });
    const first = await connect(t.url, { sampleRate: RATE });
    const second = await connect(t.url, { sampleRate: RATE });
    const refused = await open(t.url).catch((e) => e);
    expect(refused).toBeInstanceOf(UpgradeError);
    expect(refused).toMatchObject({ status: 503, code: 'server_full' });
    const events = collect(second);
    await streamAudio(second, toneBursts(RATE, 2000, WITNESS_BURSTS), RATE, { frameMs: 20, realtime: false });
    await second.stop();
    expectSegments(await events, WITNESS_BURSTS, 10);
    await first.stop();
    await waitFor(() => t!.server.activeSessions() === 0);
    await runWitness(t.url); // capacity is back
    expect(await metricValue(t.httpUrl, 'tolk_upgrades_rejected_total', 'code="server_full"')).toBe(1);
  });

  it('idle timeout → idle_timeout error, end, close 4009', async () => {
    t = await startTestServer({ TOLK_IDLE_TIMEOUT_MS: '300' });
    const stream = await connect(t.url, { sampleRate: RATE });
    const all = await collect(stream);
    expect(all.find((e) => e.type === 'error')).toMatchObject({ code: 'idle_timeout', recoverable: false });
    expect(all.at(-1)).toMatchObject({ type: 'end', reason: 'idle_timeout' });
    expect((await stream.closed).code).toBe(CLOSE_CODES.idleTimeout);
  });

  it('max session length → session_too_long, close 4008, open segment closed first', async () => {
    t = await startTestServer({ TOLK_MAX_SESSION_MS: '1000' });
    const stream = await connect(t.url, { sampleRate: RATE });
    const events = collect(stream);
    await streamAudio(stream, toneBursts(RATE, 400, [{ startMs: 100, endMs: 400 }]), RATE, {
      realtime: false,
    });
    const all = await events;
    expect(all.map((e) => e.type)).toEqual([
      'ready',
      'speech_start',
      'speech_end',
      'metrics',
      'error',
      'end',
    ]);
    expect(all[4]).toMatchObject({ code: 'session_too_long', recoverable: false });
    expect((await stream.closed).code).toBe(CLOSE_CODES.sessionTooLong);
  });
});

describe('disposal', () => {
  it('every session closes its front-end: after stop, a vanished client, and a session ended by the server', async () => {
    let created = 0;
    let closed = 0;
    const t = await startTestServer(
      { TOLK_IDLE_TIMEOUT_MS: '300' },
      {
        createFrontend: async (options) => {
          const inner = await createEnergyFrontend(options);
          created++;
          return {
            ...inner,
            close: () => {
              closed++;
              inner.close();
            },
          };
        },
      },
    );
    try {
      const speech = toneBursts(RATE, 600, [{ startMs: 100, endMs: 600 }]);
      const stopped = await connect(t.url, { sampleRate: RATE });
      await streamAudio(stopped, speech, RATE, { realtime: false });
      await stopped.stop();
      const vanished = await connect(t.url, { sampleRate: RATE });
      await streamAudio(vanished, speech, RATE, { realtime: false });
      await nextEvent(vanished, (e) => e.type === 'speech_start');
      vanished.terminate();
      const idle = await connect(t.url, { sampleRate: RATE });
      await idle.closed;
      await waitFor(() => t.server.activeSessions() === 0);
      expect(created).toBe(3);
      expect(closed).toBe(3);
    } finally {
      await t.server.close();
    }
  });
});

describe('access control at the upgrade', () => {
  let t: TestServer;
  afterEach(async () => {
    await t.server.close();
  });

  it('API keys: 401 unauthorized without a key; Bearer header or ?token= accepted', async () => {
    t = await startTestServer({ TOLK_API_KEYS: 'key-one,key-two' });
    await expect(open(t.url)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(open(t.url, { apiKey: 'wrong' })).rejects.toMatchObject({ status: 401 });
    await (await connect(t.url, { sampleRate: RATE }, { apiKey: 'key-two' })).stop();
    await (await connect(`${t.url}?token=key-one`, { sampleRate: RATE })).stop();
  });

  it('Origin allowlist: 403 forbidden_origin for other origins; no Origin (non-browser) allowed', async () => {
    t = await startTestServer({ TOLK_ALLOWED_ORIGINS: 'https://app.example' });
    await expect(open(t.url, { headers: { Origin: 'https://evil.example' } })).rejects.toMatchObject({
      status: 403,
      code: 'forbidden_origin',
    });
    await (await connect(t.url, { sampleRate: RATE }, { headers: { Origin: 'https://app.example' } })).stop();
    await (await connect(t.url, { sampleRate: RATE })).stop();
  });
});

describe('graceful shutdown', () => {
  it('lets a session finish its open segment, then ends it with shutting_down / 1001', async () => {
    const t = await startTestServer({ TOLK_SHUTDOWN_GRACE_MS: '5000' });
    const talking = await connect(t.url, { sampleRate: RATE });
    const idle = await connect(t.url, { sampleRate: RATE });
    await streamAudio(talking, toneBursts(RATE, 400, [{ startMs: 100, endMs: 400 }]), RATE, {
      realtime: false,
    });
    await nextEvent(talking, (e) => e.type === 'speech_start');
    const closing = t.server.close();
    // The idle session ends at once; no new sessions are accepted.
    const idleEvents = await collect(idle);
    expect(idleEvents.at(-1)).toMatchObject({ type: 'end', reason: 'shutting_down' });
    expect((await idle.closed).code).toBe(CLOSE_CODES.goingAway);
    await expect(open(t.url)).rejects.toBeDefined();
    // The talking session finishes its utterance (silence → hangover → speech_end), then ends.
    const events = collect(talking);
    await streamAudio(talking, new Float32Array(RATE / 2), RATE, { realtime: false });
    const all = await events;
    expect(all.map((e) => e.type)).toEqual(['speech_end', 'metrics', 'error', 'end']);
    expect(all[0]).toMatchObject({ streamMs: 400 });
    expect(all[2]).toMatchObject({ code: 'shutting_down', recoverable: false });
    expect((await talking.closed).code).toBe(CLOSE_CODES.goingAway);
    await closing;
  });

  it('ends a segment that outlasts the grace period with a flushed speech_end', async () => {
    const t = await startTestServer({ TOLK_SHUTDOWN_GRACE_MS: '200' });
    const stream = await connect(t.url, { sampleRate: RATE });
    await streamAudio(stream, toneBursts(RATE, 300, [{ startMs: 0, endMs: 300 }]), RATE, { realtime: false });
    await nextEvent(stream, (e) => e.type === 'speech_start');
    const t0 = Date.now();
    await t.server.close();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    const rest = await collect(stream);
    expect(rest.map((e) => e.type)).toEqual(['speech_end', 'metrics', 'error', 'end']);
  });
});

describe('fairness', () => {
  it('a session bursting through a slow stage does not stall a real-time session', async () => {
    // 8 kHz sessions get a front-end that burns 10 ms of CPU per 20 ms chunk, so a 4 s burst queues
    // ~1 s of CPU work (the queue holds up to 2 s of audio); the drain must yield every few ms.
    const t = await startTestServer(
      { TOLK_QUEUE_MAX_MS: '2000' },
      {
        createFrontend: async (options) => {
          const inner = await createEnergyFrontend(options);
          if (options.inputSampleRate !== 8000) return inner;
          return {
            ...inner,
            push(samples) {
              const until = performance.now() + 10;
              while (performance.now() < until) {}
              return inner.push(samples);
            },
          };
        },
      },
    );
    try {
      const witness = await connect(t.url, { sampleRate: RATE });
      const burster = await connect(t.url, { sampleRate: 8000 });
      const burstDone = (async () => {
        const audio = toS16le(toneBursts(8000, 4000, [{ startMs: 1000, endMs: 3000 }]));
        for (let i = 0; i < 200; i++) burster.sendBytes(audio.subarray(i * 320, (i + 1) * 320));
        return burster.stop();
      })();
      // Real-time witness (same process, so a blocked event loop delays its sending too): speech_end
      // is due once the audio up to endMs + hangover has been sent; it must not arrive much later.
      const t0 = performance.now();
      let lateMs = Number.POSITIVE_INFINITY;
      const watching = (async () => {
        for await (const e of witness) {
          if (e.type === 'speech_end') lateMs = performance.now() - t0 - (e.streamMs + 200);
        }
      })();
      await streamAudio(witness, toneBursts(RATE, 1500, [{ startMs: 200, endMs: 700 }]), RATE, {
        frameMs: 20,
      });
      await witness.stop();
      await watching;
      expect(lateMs).toBeLessThan(600); // ~2200 ms late when the drain does not yield (measured)
      expect(await burstDone).toMatchObject({ reason: 'stop', streamMs: 4000, segments: 1 });
    } finally {
      await t.server.close();
    }
  });
});
