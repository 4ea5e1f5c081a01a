/**
 * The streaming CLI's speech and input options as a user runs them (a child process) against a
 * real server on port 0 with the pipeline tests' engine doubles (counting recognizer, tagging
 * translator, a 300 ms tone as the voice): --out writes the translated speech as a WAV (at the
 * session rate, or --out-rate), `-` reads raw s16le PCM from stdin, and --room/--name join a
 * conversation in which the CLI hears a peer.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../client/node/client.ts';
import { streamAudio } from '../../client/node/stream-audio.ts';
import { encodeWav, readWav } from '../../server/audio/wav-io.ts';
import {
  createSpeechAudioFrontend,
  record,
  scriptedAsrEngine,
  scriptedTranslator,
  toneSynthesizer,
} from '../server/helpers/pipeline-doubles.ts';
import { toneBursts } from '../server/helpers/signals.ts';
import { startTestServer, type TestServer } from '../server/helpers/test-server.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../client/node/cli.ts');
const RATE = 16_000;
const BURSTS = [
  { startMs: 200, endMs: 700 },
  { startMs: 1100, endMs: 1500 },
];
const SPEECH_MS = 300;

function s16le(samples: Float32Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768))), i * 2);
  }
  return out;
}

const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown> & { type: string });

/** Resolves with the child's stdout once it exits (rejects on a non-zero exit). */
function finished(child: ChildProcessWithoutNullStreams): Promise<string> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`)),
    );
  });
}

describe('npm run stream: --out, stdin input, --room', () => {
  let t: TestServer;
  let dir: string;
  let wav: string;
  beforeAll(async () => {
    t = await startTestServer(
      // --fast sends segment 2 while segment 1 is still spoken: without this, barge-in would
      // (correctly) cut segment 1's speech and the files' lengths would depend on timing.
      { TOLK_BARGE_IN: 'false' },
      {
        createFrontend: createSpeechAudioFrontend,
        engines: {
          asr: new Map([
            ['en', scriptedAsrEngine().engine],
            ['es', scriptedAsrEngine().engine],
          ]),
          mt: scriptedTranslator().translator,
          tts: new Map([
            ['es', toneSynthesizer(SPEECH_MS)],
            ['en', toneSynthesizer(SPEECH_MS)],
          ]),
        },
      },
    );
    dir = await mkdtemp(join(tmpdir(), 'tolk-cli-speech-'));
    wav = join(dir, 'bursts.wav');
    await writeFile(wav, encodeWav(toneBursts(RATE, 1800, BURSTS), RATE));
  });
  afterAll(async () => {
    await t.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('--out writes the translated speech received as a WAV at the session rate', async () => {
    const out = join(dir, 'speech.wav');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', CLI, wav, '--url', t.url, '--fast', '--out', out],
      { timeout: 30_000 },
    );
    expect(stdout).toMatch(/wrote .*speech\.wav \(0\.60 s of translated speech, 2 segment\(s\), 16000 Hz\)/);
    const saved = await readWav(out);
    expect(saved.sampleRate).toBe(RATE);
    expect(Math.abs(saved.samples.length - 2 * SPEECH_MS * 16)).toBeLessThanOrEqual(2 * 16 * 20);
    // The double's voice is a 0.2-amplitude tone: the file holds it, not silence.
    const rms = Math.sqrt(saved.samples.reduce((a, v) => a + v * v, 0) / saved.samples.length);
    expect(rms).toBeGreaterThan(0.1);
  });

  it('`-` streams raw s16le from stdin at --rate; --out-rate resamples the saved speech', async () => {
    const out = join(dir, 'stdin-speech.wav');
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      CLI,
      '-',
      '--rate',
      String(RATE),
      '--url',
      t.url,
      '--fast',
      '--json',
      '--out',
      out,
      '--out-rate',
      '8000',
    ]);
    const done = finished(child);
    // Odd-sized writes: the CLI must re-cut them into whole frames.
    const pcm = s16le(toneBursts(RATE, 1800, BURSTS));
    for (let at = 0; at < pcm.length; at += 3001) child.stdin.write(pcm.subarray(at, at + 3001));
    child.stdin.end();
    const events = jsonLines(await done);
    expect(events[0]).toMatchObject({ type: 'ready', sampleRate: RATE, encoding: 's16le' });
    const starts = events.filter((e) => e.type === 'speech_start').map((e) => e.streamMs as number);
    expect(starts).toHaveLength(2);
    expect(Math.abs(starts[0] - 200)).toBeLessThanOrEqual(10);
    expect(events.filter((e) => e.type === 'translation')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'end', reason: 'stop', streamMs: 1800, segments: 2 });
    const saved = await readWav(out);
    expect(saved.sampleRate).toBe(8000);
    expect(Math.abs(saved.samples.length - 2 * SPEECH_MS * 8)).toBeLessThanOrEqual(2 * 8 * 20);
  });

  it('--room/--name: the CLI joins a conversation and saves the peer’s translated speech', async () => {
    const room = 'cli-test-room-0001';
    const out = join(dir, 'peer-speech.wav');
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      CLI,
      '-',
      '--url',
      t.url,
      '--json',
      '--source',
      'es',
      '--room',
      room,
      '--name',
      'Beto',
      '--out',
      out,
    ]);
    const done = finished(child);
    const joined = new Promise<void>((resolve) => {
      let seen = '';
      child.stdout.on('data', (d: Buffer) => {
        seen += d;
        if (seen.includes('"room_joined"')) resolve();
      });
    });
    await joined;
    // Ann speaks English; the CLI (Spanish) is her listener.
    const ann = await connect(t.url, {
      sampleRate: RATE,
      encoding: 's16le',
      source: 'en',
      room,
      name: 'Ann',
    });
    const rec = record(ann);
    await streamAudio(ann, toneBursts(RATE, 1800, BURSTS), RATE, { frameMs: 20, realtime: false });
    await ann.stop();
    const annEvents = await rec.done;
    expect(annEvents.filter((e) => e.type === 'metrics')).toHaveLength(2);
    expect(annEvents.some((e) => e.type === 'audio_start')).toBe(false);
    child.stdin.end(); // the CLI's "microphone" ends: it stops and writes --out
    const events = jsonLines(await done);
    expect(events.find((e) => e.type === 'room_joined')).toMatchObject({ name: 'Beto', participants: [] });
    expect(events.find((e) => e.type === 'peer_joined')).toMatchObject({ name: 'Ann', language: 'en' });
    expect(events.filter((e) => e.type === 'peer_transcript')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'peer_translation')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'audio_start')).toHaveLength(2);
    const saved = await readWav(out);
    expect(saved.sampleRate).toBe(RATE);
    expect(Math.abs(saved.samples.length - 2 * SPEECH_MS * 16)).toBeLessThanOrEqual(2 * 16 * 20);
  });
});
