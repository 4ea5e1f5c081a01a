/**
 * npm run stream -- file.wav [--url ws://127.0.0.1:8080/v1/stream] [--fast] [--json]
 *                  [--source en] [--target es] [--frame-ms 100] [--encoding s16le|f32le]
 *                  [--denoised out.wav] [--token KEY]
 *
 * Streams a WAV at real-time pace (or, with --fast, as fast as the server accepts) and prints
 * the server's events as they arrive: a human view, or one JSON object per line with --json.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { encodeWav, readWav } from '../../server/audio/wav-io.ts';
import { type ClientEvent, connect } from './client.ts';
import { eventToJson, eventToText } from './format-event.ts';
import { streamAudio } from './stream-audio.ts';

const USAGE = `usage: npm run stream -- file.wav [--url ws://127.0.0.1:8080/v1/stream] [--fast] [--json]
       [--source en] [--target es] [--frame-ms 100] [--encoding s16le|f32le] [--denoised out.wav] [--token KEY]`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'ws://127.0.0.1:8080/v1/stream' },
      fast: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      source: { type: 'string', default: 'en' },
      target: { type: 'string', default: 'es' },
      'frame-ms': { type: 'string', default: '100' },
      encoding: { type: 'string', default: 's16le' },
      denoised: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const encoding = values.encoding;
  if (encoding !== 's16le' && encoding !== 'f32le') {
    console.error(`--encoding must be s16le or f32le\n${USAGE}`);
    return 2;
  }
  const frameMs = Number(values['frame-ms']);
  if (!Number.isFinite(frameMs) || frameMs <= 0 || frameMs > 100) {
    console.error('--frame-ms must be in (0, 100]');
    return 2;
  }

  const audio = await readWav(positionals[0]);
  const stream = await connect(
    values.url,
    {
      sampleRate: audio.sampleRate,
      encoding,
      source: values.source,
      target: values.target,
      returnDenoised: values.denoised !== undefined,
    },
    { apiKey: values.token },
  );

  const denoised: Float32Array[] = [];
  let denoisedRate = audio.sampleRate;
  let failed = false;
  const print = (event: ClientEvent) => {
    if (event.type === 'audio' && event.stream === 'denoised') {
      denoised.push(event.samples);
      denoisedRate = event.sampleRate;
    }
    if (event.type === 'error' && !event.recoverable) failed = true;
    if (values.json) console.log(JSON.stringify(eventToJson(event)));
    else {
      const line = eventToText(event);
      if (line) console.log(line);
    }
  };
  const printing = (async () => {
    for await (const event of stream) print(event);
  })();

  await streamAudio(stream, audio.samples, audio.sampleRate, { frameMs, realtime: !values.fast });
  await stream.stop();
  await printing;

  if (values.denoised) {
    const total = denoised.reduce((n, c) => n + c.length, 0);
    const all = new Float32Array(total);
    let at = 0;
    for (const chunk of denoised) {
      all.set(chunk, at);
      at += chunk.length;
    }
    await writeFile(values.denoised, encodeWav(all, denoisedRate));
    if (!values.json) console.log(`wrote ${values.denoised} (${(total / denoisedRate).toFixed(2)} s)`);
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
