import { describe, expect, it } from 'vitest';
import type { PacingClock } from '../../../server/stages/tts/pacing-clock.ts';
import type { ChunkResampler } from '../../../server/stages/tts/pcm-resampler.ts';
import { type PcmChunk, SpeechStream, speak } from '../../../server/stages/tts/stream.ts';
import type { Synthesizer } from '../../../server/stages/tts/synthesizer.ts';
import { GriffinLimTestSynthesizer } from './synthetic-speech.ts';

/** Virtual clock: sleeping advances time instantly (after a macrotask), so pacing is exact and fast. */
function virtualClock(): PacingClock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal.aborted) return;
      sleeps.push(ms);
      now += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

async function collect(stream: AsyncIterable<PcmChunk>, onChunk?: (c: PcmChunk, i: number) => void) {
  const chunks: PcmChunk[] = [];
  for await (const c of stream) {
    chunks.push(c);
    onChunk?.(c, chunks.length - 1);
  }
  return chunks;
}

const TEXT_EN =
  'When you arrive at the airport, please go to gate B12, and show your passport. Your flight leaves at 14:30.';

describe('SpeechStream', () => {
  it('sends the first chunk before the whole text is synthesized', async () => {
    const synth = new GriffinLimTestSynthesizer();
    const log: string[] = [];
    const stream = speak(TEXT_EN, synth, {
      lang: 'en',
      outputSampleRate: 16000,
      encoding: 's16le',
      clock: virtualClock(),
    });
    const origPush = synth.events.push.bind(synth.events);
    synth.events.push = (...e) => {
      for (const ev of e) log.push(`synth:${ev.kind}:${ev.text.slice(0, 12)}`);
      return origPush(...e);
    };
    const chunks = await collect(stream, (_, i) => log.push(`pcm:${i}`));
    expect(chunks.length).toBeGreaterThan(10);
    const firstPcm = log.indexOf('pcm:0');
    const lastStart = log.findLastIndex((l) => l.startsWith('synth:start'));
    expect(stream.stats.textChunks).toBeGreaterThanOrEqual(3);
    expect(firstPcm).toBeGreaterThan(-1);
    // Audio for the first clause went out before the synthesizer even started the last chunk.
    expect(firstPcm).toBeLessThan(lastStart);
    expect(stream.stats.firstChunkMs).not.toBeNull();
    // The synthesizer got words, not digits or codes.
    expect(synth.events.some((e) => e.text.includes('bee twelve'))).toBe(true);
    expect(synth.events.every((e) => !/\d/.test(e.text))).toBe(true);
  });

  it('paces output: lead first, then one chunk per chunk duration', async () => {
    const clock = virtualClock();
    const stream = new SpeechStream(
      'Your room is on the third floor, next to the lift.',
      new GriffinLimTestSynthesizer(),
      {
        lang: 'en',
        outputSampleRate: 16000,
        encoding: 'f32le',
        leadMs: 200,
        chunkMs: 40,
        clock,
      },
    );
    const chunks = await collect(stream);
    const first = chunks[0].sentAtMs;
    expect(chunks.length).toBeGreaterThan(20);
    for (const c of chunks) {
      // Never later than needed, never earlier than start − lead (synthesis is instant on this clock).
      expect(c.sentAtMs - first).toBeCloseTo(Math.max(0, c.startMs - 200), 6);
    }
    // The first 200 ms went at once, the rest were spread out.
    expect(chunks.filter((c) => c.sentAtMs === first).length).toBe(6); // starts 0,40,…,200
    const last = chunks[chunks.length - 1];
    expect(last.sentAtMs - first).toBeCloseTo(last.startMs - 200, 6);
    expect(clock.sleeps.length).toBeGreaterThan(10);
  });

  it('stops within one chunk on cancel, and aborts the synthesizer', async () => {
    const synth = new GriffinLimTestSynthesizer();
    const stream = new SpeechStream(TEXT_EN, synth, {
      lang: 'en',
      outputSampleRate: 16000,
      encoding: 's16le',
      clock: virtualClock(),
    });
    let afterCancel = 0;
    let cancelled = false;
    await collect(stream, (_, i) => {
      if (cancelled) afterCancel++;
      if (i === 8) {
        stream.cancel();
        cancelled = true;
      }
    });
    expect(afterCancel).toBe(0);
    expect(stream.stats.cancelled).toBe(true);
    expect(stream.stats.chunks).toBe(9);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(synth.events.some((e) => e.kind === 'aborted')).toBe(true);
    expect(synth.events.filter((e) => e.kind === 'start').length).toBeLessThan(stream.stats.textChunks + 2);
  });

  it('stops on an external AbortSignal (barge-in clear) during a pacing wait', async () => {
    const controller = new AbortController();
    const clock = virtualClock();
    const sleep = clock.sleep;
    let sleepsSeen = 0;
    clock.sleep = async (ms, signal) => {
      sleepsSeen++;
      if (sleepsSeen === 3) controller.abort(); // the client said `clear` while we waited
      return sleep(ms, signal);
    };
    const stream = new SpeechStream(TEXT_EN, new GriffinLimTestSynthesizer(), {
      lang: 'en',
      outputSampleRate: 16000,
      encoding: 's16le',
      clock,
      signal: controller.signal,
    });
    const chunks = await collect(stream);
    // 6 lead chunks, then one paced chunk per sleep: the abort during sleep 3 ends it there.
    expect(chunks.length).toBe(6 + 2);
    expect(stream.stats.cancelled).toBe(true);
  });

  it.each([8000, 24000, 48000])('resamples to %i Hz with the right sample counts', async (rate) => {
    const synth = new GriffinLimTestSynthesizer();
    // Count what the synthesizer produced at 16 kHz.
    let modelSamples = 0;
    const counting: Synthesizer = {
      sampleRate: synth.sampleRate,
      async *synthesizeChunks(text, signal) {
        for await (const a of synth.synthesizeChunks(text, signal)) {
          modelSamples += a.length;
          yield a;
        }
      },
    };
    const stream = new SpeechStream('Thank you. Have a nice day.', counting, {
      lang: 'en',
      outputSampleRate: rate,
      encoding: 's16le',
      chunkMs: 20,
      clock: virtualClock(),
    });
    const chunks = await collect(stream);
    const total = chunks.reduce((n, c) => n + c.samples, 0);
    expect(total).toBe(Math.ceil((modelSamples * rate) / 16000));
    const chunkSamples = (rate * 20) / 1000;
    for (const c of chunks.slice(0, -1)) expect(c.samples).toBe(chunkSamples);
    for (const c of chunks) expect(c.data.byteLength).toBe(2 * c.samples);
    expect(stream.stats.audioMs).toBeCloseTo((1000 * total) / rate, 6);
    // Real signal survives resampling: not silence.
    const pcm = new Int16Array(chunks[5].data.buffer.slice(0));
    expect(Math.max(...pcm.map(Math.abs))).toBeGreaterThan(300);
  });

  it('encodes f32le faithfully', async () => {
    const identity = (from: number, to: number): ChunkResampler => ({
      fromRate: from,
      toRate: to,
      push: (s) => s,
      flush: () => new Float32Array(0),
      dispose: () => {},
    });
    const tone: Synthesizer = {
      sampleRate: 16000,
      async *synthesizeChunks() {
        const x = new Float32Array(1600);
        for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin(i / 10);
        yield x;
      },
    };
    const chunks = await collect(
      new SpeechStream('Hello there.', tone, {
        lang: 'en',
        outputSampleRate: 16000,
        encoding: 'f32le',
        clock: virtualClock(),
        createResampler: identity,
      }),
    );
    const f = new Float32Array(chunks[1].data.buffer.slice(0));
    expect(f[0]).toBeCloseTo(0.5 * Math.sin(640 / 10), 6);
  });

  it('turns synthesizer failures into a PipelineError', async () => {
    const broken: Synthesizer = {
      sampleRate: 16000,
      // biome-ignore lint/correctness/useYield: fails before yielding on purpose
      async *synthesizeChunks() {
        throw new Error('model exploded');
      },
    };
    const stream = new SpeechStream('Hello.', broken, {
      lang: 'en',
      outputSampleRate: 16000,
      encoding: 's16le',
      clock: virtualClock(),
    });
    await expect(collect(stream)).rejects.toMatchObject({ name: 'PipelineError', stage: 'tts' });
  });
});
