/**
 * npm run stream -- <file.wav | -> [--url ws://127.0.0.1:8080/v1/stream] [--fast] [--json]
 *                  [--source en] [--target es] [--frame-ms 100] [--encoding s16le|f32le]
 *                  [--rate 16000] [--out speech.wav] [--out-rate HZ] [--denoised out.wav]
 *                  [--room ID] [--name NAME] [--token KEY]
 *
 * Streams a WAV, or raw s16le mono PCM from stdin (`-`, at --rate), at real-time pace (or, with
 * --fast, as fast as the server accepts) and prints the server's events as they arrive: a human
 * view, or one JSON object per line with --json. --out saves the translated speech received.
 * Ctrl-C stops the input and lets the server finish the last segment.
 *
 * Live microphone: arecord -f S16_LE -r 16000 -c 1 | npm run stream -- -
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { encodeWav, readWav } from '../../server/audio/wav-io.ts';
import { type ClientEvent, connect } from './client.ts';
import { eventToJson, eventToText } from './format-event.ts';
import { SpeechRecorder } from './speech-recorder.ts';
import { streamAudio } from './stream-audio.ts';
import { streamS16leInput } from './stream-stdin.ts';

const USAGE = `usage: npm run stream -- <file.wav | -> [--url ws://127.0.0.1:8080/v1/stream] [--fast] [--json]
       [--source en] [--target es] [--frame-ms 100] [--encoding s16le|f32le] [--rate 16000 (stdin)]
       [--out speech.wav] [--out-rate HZ] [--denoised out.wav] [--room ID] [--name NAME] [--token KEY]
  -           read raw s16le mono PCM from stdin at --rate, e.g.
              arecord -f S16_LE -r 16000 -c 1 | npm run stream -- -
  --out       write the translated speech received as a WAV (at the session's rate, or --out-rate)
  --room      join a conversation room (8-64 characters of A-Z a-z 0-9 _ -); --name is shown to peers`;

function positiveInt(value: string | undefined, name: string, min: number, max: number): number | string {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max ? n : `${name} must be an integer in ${min}..${max}`;
}

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
      rate: { type: 'string', default: '16000' },
      out: { type: 'string' },
      'out-rate': { type: 'string' },
      denoised: { type: 'string' },
      room: { type: 'string' },
      name: { type: 'string' },
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
  const fromStdin = positionals[0] === '-';
  const stdinRate = positiveInt(values.rate, '--rate', 8000, 48_000);
  const outRate =
    values['out-rate'] === undefined
      ? undefined
      : positiveInt(values['out-rate'], '--out-rate', 8000, 48_000);
  for (const problem of [stdinRate, outRate]) {
    if (typeof problem === 'string') {
      console.error(`${problem}\n${USAGE}`);
      return 2;
    }
  }

  const audio = fromStdin ? undefined : await readWav(positionals[0]);
  const sampleRate = audio?.sampleRate ?? (stdinRate as number);
  const stream = await connect(
    values.url,
    {
      sampleRate,
      encoding,
      source: values.source,
      target: values.target,
      returnDenoised: values.denoised !== undefined,
      ...(values.room !== undefined ? { room: values.room } : {}),
      ...(values.name !== undefined ? { name: values.name } : {}),
    },
    { apiKey: values.token },
  );

  const denoised: Float32Array[] = [];
  let denoisedRate = sampleRate;
  // Speech comes in the session's own rate (what this client asked for in `start`).
  const speech = values.out ? new SpeechRecorder((outRate as number | undefined) ?? sampleRate) : undefined;
  let failed = false;
  const print = (event: ClientEvent) => {
    if (event.type === 'audio' && event.stream === 'denoised') {
      denoised.push(event.samples);
      denoisedRate = event.sampleRate;
    }
    speech?.push(event);
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

  // Ctrl-C: stop sending, let the server finish the open segment; a second Ctrl-C quits.
  const interrupted = new AbortController();
  const onSigint = () => {
    if (interrupted.signal.aborted) process.exit(130);
    interrupted.abort();
    if (fromStdin) process.stdin.destroy();
  };
  process.on('SIGINT', onSigint);
  const realtime = !values.fast;
  if (audio) {
    await streamAudio(stream, audio.samples, audio.sampleRate, {
      frameMs,
      realtime,
      signal: interrupted.signal,
    });
  } else {
    await streamS16leInput(stream, process.stdin, {
      sampleRate,
      frameMs,
      realtime,
      signal: interrupted.signal,
    });
  }
  await stream.stop();
  await printing;
  process.off('SIGINT', onSigint);

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
  if (speech && values.out) {
    await speech.writeWav(values.out);
    if (!values.json) {
      console.log(
        `wrote ${values.out} (${speech.seconds.toFixed(2)} s of translated speech, ${speech.segments} segment(s), ${speech.outputSampleRate} Hz)`,
      );
    }
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
