/** Helpers that drive sessions through the real Node SDK and check what comes back. */
import { expect } from 'vitest';
import { type ClientEvent, connect, type TolkStream } from '../../../client/node/client.ts';
import { streamAudio } from '../../../client/node/stream-audio.ts';
import { type Burst, toneBursts } from './signals.ts';

export async function collect(stream: TolkStream): Promise<ClientEvent[]> {
  const events: ClientEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** Resolves with the first event matching `pred`; events before it are consumed and skipped. */
export async function nextEvent(
  stream: TolkStream,
  pred: (e: ClientEvent) => boolean = () => true,
): Promise<ClientEvent> {
  for await (const event of stream) if (pred(event)) return event;
  throw new Error('stream closed before the expected event');
}

export const WITNESS_BURSTS: Burst[] = [
  { startMs: 300, endMs: 800 },
  { startMs: 1200, endMs: 1600 },
];

/**
 * A well-behaved session that must keep working while another client misbehaves: streams two
 * tone bursts and checks it gets exactly two segments at the right stream times and a clean end.
 */
export async function runWitness(url: string): Promise<void> {
  const sampleRate = 16_000;
  const audio = toneBursts(sampleRate, 2000, WITNESS_BURSTS);
  const stream = await connect(url, { sampleRate, encoding: 's16le' });
  const events = collect(stream);
  await streamAudio(stream, audio, sampleRate, { frameMs: 20, realtime: false });
  const end = await stream.stop();
  const all = await events;
  expectSegments(all, WITNESS_BURSTS, 10);
  expect(all.filter((e) => e.type === 'error')).toEqual([]);
  expect(end).toMatchObject({ type: 'end', reason: 'stop', streamMs: 2000, segments: 2 });
}

export function expectSegments(events: ClientEvent[], bursts: Burst[], toleranceMs: number): void {
  const starts = events.flatMap((e) => (e.type === 'speech_start' ? [e.streamMs] : []));
  const ends = events.flatMap((e) => (e.type === 'speech_end' ? [e.streamMs] : []));
  expect(starts).toHaveLength(bursts.length);
  expect(ends).toHaveLength(bursts.length);
  bursts.forEach((b, i) => {
    expect(Math.abs(starts[i] - b.startMs)).toBeLessThanOrEqual(toleranceMs);
    expect(Math.abs(ends[i] - b.endMs)).toBeLessThanOrEqual(toleranceMs);
  });
}

export async function metricValue(httpUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
