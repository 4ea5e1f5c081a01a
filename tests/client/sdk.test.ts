/** SDK behaviour that the server tests do not cover directly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, open, UpgradeError } from '../../client/node/client.ts';
import { streamAudio } from '../../client/node/stream-audio.ts';
import { toneBursts } from '../server/helpers/signals.ts';
import { startTestServer, type TestServer } from '../server/helpers/test-server.ts';

describe('Node SDK', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.server.close();
  });

  it('keeps buffered events when a for-await loop breaks and another resumes', async () => {
    const stream = await connect(t.url, { sampleRate: 16_000 });
    await streamAudio(stream, toneBursts(16_000, 1000, [{ startMs: 100, endMs: 500 }]), 16_000, {
      realtime: false,
    });
    const seen: string[] = [];
    for await (const e of stream) {
      seen.push(e.type);
      if (e.type === 'speech_start') break;
    }
    const end = await stream.stop();
    for await (const e of stream) seen.push(e.type);
    expect(seen).toEqual(['ready', 'speech_start', 'speech_end', 'metrics', 'end']);
    expect(end).toMatchObject({ reason: 'stop', segments: 1 });
  });

  it('rejects with UpgradeError carrying the HTTP status and error code', async () => {
    const err = await open(t.url.replace('/v1/stream', '/v1/nope')).catch((e) => e);
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err.status).toBe(404);
  });

  it('config messages are accepted without a reply', async () => {
    const stream = await connect(t.url, { sampleRate: 16_000 });
    stream.config({ hotwords: ['check-in'], voice: 'es-f1' });
    expect(await stream.stop()).toMatchObject({ reason: 'stop' });
  });
});
