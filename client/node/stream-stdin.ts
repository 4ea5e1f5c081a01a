/**
 * Streams raw s16le mono PCM from a readable (the CLI's stdin: `arecord -f S16_LE -r 16000 -c 1 |
 * npm run stream -- -`) in fixed frames. A live source is naturally real time; a piped file is
 * paced like streamAudio (frame n leaves at start + n·frameMs) unless `realtime` is off. Bytes
 * are re-cut into whole frames whatever sizes the pipe delivers; at the end the last whole
 * samples go out as a short frame.
 */
import type { Readable } from 'node:stream';
import type { TolkStream } from './client.ts';

export interface StreamStdinOptions {
  sampleRate: number;
  frameMs?: number;
  realtime?: boolean;
  signal?: AbortSignal;
}

export async function streamS16leInput(
  stream: TolkStream,
  input: Readable,
  options: StreamStdinOptions,
): Promise<{ frames: number; samples: number }> {
  const frameMs = options.frameMs ?? 100;
  const frameBytes = 2 * Math.max(1, Math.round((options.sampleRate * frameMs) / 1000));
  const realtime = options.realtime ?? true;
  const t0 = performance.now();
  let frames = 0;
  let samples = 0;
  let held: Buffer = Buffer.alloc(0);
  const send = async (bytes: Buffer) => {
    if (realtime) {
      const wait = t0 + frames * frameMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    // A copy: Int16Array needs an aligned offset, and the pipe's buffer is reused.
    const pcm = new Int16Array(bytes.byteLength / 2);
    Buffer.from(pcm.buffer).set(bytes);
    await stream.sendAudio(pcm);
    frames++;
    samples += pcm.length;
  };
  for await (const chunk of input) {
    if (options.signal?.aborted) break;
    held = held.length ? Buffer.concat([held, chunk as Buffer]) : (chunk as Buffer);
    while (held.length >= frameBytes) {
      await send(held.subarray(0, frameBytes));
      held = held.subarray(frameBytes);
      if (options.signal?.aborted) break;
    }
  }
  const tail = held.length - (held.length % 2);
  if (tail > 0 && !options.signal?.aborted) await send(held.subarray(0, tail));
  return { frames, samples };
}
