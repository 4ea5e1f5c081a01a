/**
 * Streams a whole buffer of samples over a TolkStream in fixed frames, either paced to real
 * time (frame n leaves at start + n·frameMs, so timer jitter never accumulates) or as fast as
 * the socket accepts (sendAudio waits on backpressure).
 */
import type { TolkStream } from './client.ts';

export interface StreamAudioOptions {
  frameMs?: number;
  /** Real-time pace (default) or as fast as allowed. */
  realtime?: boolean;
  signal?: AbortSignal;
}

export async function streamAudio(
  stream: TolkStream,
  samples: Float32Array,
  sampleRate: number,
  options: StreamAudioOptions = {},
): Promise<{ frames: number }> {
  const frameMs = options.frameMs ?? 100;
  const frameSamples = Math.max(1, Math.round((sampleRate * frameMs) / 1000));
  const realtime = options.realtime ?? true;
  const t0 = performance.now();
  let frames = 0;
  for (let offset = 0; offset < samples.length; offset += frameSamples) {
    if (options.signal?.aborted) break;
    if (realtime) {
      const due = t0 + frames * frameMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await stream.sendAudio(samples.subarray(offset, Math.min(offset + frameSamples, samples.length)));
    frames++;
  }
  return { frames };
}
