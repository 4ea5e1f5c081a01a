/** Loads the committed front-end fixtures (made by `npm run fixtures`) and runs a front-end over them. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import { createFrontend } from '../../../server/stages/frontend/index.ts';
import type { FrontendEvent, FrontendOptions } from '../../../server/stages/frontend/types.ts';

const DIR = fileURLToPath(new URL('../../fixtures/frontend/', import.meta.url));

export interface Segment {
  text: string;
  startMs: number;
  endMs: number;
}

export interface Reference {
  sampleRate: number;
  durationMs: number;
  snrDb: number;
  files: { clean: string; noisy: string; noisy8k: string };
  segments: Segment[];
}

export const reference: Reference = JSON.parse(readFileSync(`${DIR}hotel-segments.json`, 'utf8'));

export function loadFixture(name: keyof Reference['files']): { samples: Float32Array; sampleRate: number } {
  return readWavSync(DIR + reference.files[name]);
}

/** Production defaults (server/config.ts) for the front-end. */
export function defaultOptions(
  inputSampleRate: number,
  overrides: Partial<FrontendOptions> = {},
): FrontendOptions {
  return {
    inputSampleRate,
    denoise: true,
    returnDenoised: false,
    vadAggressiveness: 2,
    vadFrameMs: 30,
    speechStartMs: 90,
    hangoverMs: 300,
    ...overrides,
  };
}

/** Streams `samples` through a new front-end in pushes of `pushSamples`, then flushes and closes. */
export async function runFrontend(
  samples: Float32Array,
  options: FrontendOptions,
  pushSamples: number | number[] = Math.round(options.inputSampleRate / 50),
): Promise<FrontendEvent[]> {
  const frontend = await createFrontend(options);
  const events: FrontendEvent[] = [];
  const sizes = Array.isArray(pushSamples) ? pushSamples : [pushSamples];
  let k = 0;
  for (let i = 0; i < samples.length; k++) {
    const n = sizes[k % sizes.length];
    events.push(...frontend.push(samples.subarray(i, i + n)));
    i += n;
  }
  events.push(...frontend.flush());
  frontend.close();
  return events;
}

/** speech_start/speech_end pairs as segments. */
export function segmentsOf(events: FrontendEvent[]): { startMs: number; endMs: number }[] {
  const out: { startMs: number; endMs: number }[] = [];
  for (const e of events) {
    if (e.type === 'speech_start') out.push({ startMs: e.streamMs, endMs: Number.NaN });
    else if (e.type === 'speech_end') out[out.length - 1].endMs = e.streamMs;
  }
  return out;
}

export { concatSamples as concat } from '../../../server/audio/concat.ts';

/** Energy of x over [fromMs, toMs). */
export function energy(x: Float32Array, sampleRate: number, fromMs: number, toMs: number): number {
  let sum = 0;
  const end = Math.min(x.length, Math.round((toMs * sampleRate) / 1000));
  for (let i = Math.round((fromMs * sampleRate) / 1000); i < end; i++) sum += x[i] * x[i];
  return sum;
}
