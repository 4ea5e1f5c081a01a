/**
 * An en→es session on a server whose models folder holds a `tts-es` voice: the voice is loaded
 * through the registry (acoustic model double injected, real Griffin-Lim vocoder), `ready`
 * lists the tts stage, and the translation is spoken as audio_start, binary PCM, audio_end.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../client/node/client.ts';
import { streamAudio } from '../../client/node/stream-audio.ts';
import { SpeechLikeMelGenerator } from '../stages/tts/model-synthesizer-doubles.ts';
import {
  createSpeechAudioFrontend,
  record,
  scriptedAsrEngine,
  scriptedTranslator,
} from './helpers/pipeline-doubles.ts';
import { toneBursts } from './helpers/signals.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const RATE = 16_000;
const modelsDir = mkdtempSync(join(tmpdir(), 'tolk-tts-session-'));
mkdirSync(join(modelsDir, 'tts-es'));
writeFileSync(
  join(modelsDir, 'tts-es', 'model.json'),
  JSON.stringify({ id: 'tts-es', kind: 'tts', languages: ['es'], version: 1 }),
);
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

let t: TestServer | undefined;
afterEach(async () => {
  await t?.server.close();
  t = undefined;
});

describe('session with a TTS voice from models/tts-es', () => {
  it('speaks the translation: audio_start, binary PCM on the speech channel, audio_end', async () => {
    const generator = new SpeechLikeMelGenerator('es');
    t = await startTestServer(
      { TOLK_MODELS_DIR: modelsDir, TOLK_TTS_GL_ITERS: '4' },
      {
        createFrontend: createSpeechAudioFrontend,
        engines: {
          asr: new Map([['en', scriptedAsrEngine().engine]]),
          mt: scriptedTranslator().translator,
          loadMelGenerator: async () => generator,
        },
      },
    );
    const stream = await connect(t.url, { sampleRate: RATE, encoding: 's16le', source: 'en', target: 'es' });
    expect(stream.readyMessage?.stages).toEqual(['frontend', 'asr', 'mt', 'tts']);
    const rec = record(stream);
    await streamAudio(stream, toneBursts(RATE, 1200, [{ startMs: 300, endMs: 800 }]), RATE, {
      frameMs: 20,
      realtime: false,
    });
    await stream.stop();
    const events = await rec.done;
    expect(events.filter((e) => e.type === 'error' || e.type === 'invalid')).toEqual([]);
    const types = events.map((e) => e.type);
    const start = types.indexOf('audio_start');
    const end = types.indexOf('audio_end');
    expect(start).toBeGreaterThan(types.indexOf('translation'));
    expect(end).toBeGreaterThan(start);
    expect(events[start]).toMatchObject({ stream: 'speech', channel: 2, sampleRate: RATE, segmentId: 1 });
    const pcm = events
      .slice(start, end)
      .flatMap((e) => (e.type === 'audio' && e.channel === 2 ? [e.samples] : []));
    expect(pcm.length).toBeGreaterThan(1);
    const samples = pcm.reduce((n, s) => n + s.length, 0);
    // The acoustic model double makes 60 ms per character of what MT said, normalised.
    const spokenChars = generator.calls.reduce((n, w) => n + w.length, 0);
    expect(spokenChars).toBeGreaterThan(0);
    expect(Math.abs(samples / RATE - spokenChars * 0.06)).toBeLessThan(0.1 * generator.calls.length + 0.05);
    let energy = 0;
    for (const s of pcm) for (const v of s) energy += v * v;
    expect(Math.sqrt(energy / samples)).toBeGreaterThan(0.005); // speech, not silence
    expect(events[end]).toMatchObject({ segmentId: 1, droppedFrames: 0 });
  });
});
