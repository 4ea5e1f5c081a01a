import { describe, expect, it } from 'vitest';
import { PipelineError } from '../../../server/errors.ts';
import { createFrontend } from '../../../server/stages/frontend/index.ts';
import type { FrontendEvent } from '../../../server/stages/frontend/types.ts';
import { concat, defaultOptions, loadFixture, runFrontend } from './fixtures.ts';

/** Boundary events exactly, plus the utterance audio joined per utterance. */
function summary(events: FrontendEvent[]): { marks: string[]; audio: Float32Array[] } {
  const marks: string[] = [];
  const audio: Float32Array[] = [];
  let parts: Float32Array[] = [];
  for (const e of events) {
    if (e.type === 'speech_start' || e.type === 'speech_end') marks.push(`${e.type}@${e.streamMs}`);
    if (e.type === 'speech_audio') parts.push(e.samples);
    if (e.type === 'speech_end') {
      audio.push(concat(parts));
      parts = [];
    }
  }
  return { marks, audio };
}

describe('front-end streaming', () => {
  it('gives the same events and audio whatever the push sizes', async () => {
    const { samples, sampleRate } = loadFixture('noisy');
    const options = defaultOptions(sampleRate);
    const reference = summary(await runFrontend(samples, options, 1600));
    expect(reference.marks.length).toBe(6);
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const sizes of [[160], [37, 1, 480, 2000, 91], [samples.length]]) {
      const other = summary(await runFrontend(samples, options, sizes));
      expect(other.marks, `push sizes ${sizes}`).toEqual(reference.marks);
      expect(other.audio.length).toBe(reference.audio.length);
      other.audio.forEach((a, i) => {
        expect(a.length).toBe(reference.audio[i].length);
        expect(bytes(a).equals(bytes(reference.audio[i])), `utterance ${i} audio is bit-identical`).toBe(
          true,
        );
      });
    }
  });

  it('closes an open utterance on flush', async () => {
    const { samples, sampleRate } = loadFixture('clean');
    // Cut in the middle of the second sentence.
    const events = await runFrontend(
      samples.subarray(0, Math.round(4.2 * sampleRate)),
      defaultOptions(sampleRate),
    );
    const types = events
      .filter((e) => e.type === 'speech_start' || e.type === 'speech_end')
      .map((e) => e.type);
    expect(types).toEqual(['speech_start', 'speech_end', 'speech_start', 'speech_end']);
    const last = events.filter((e) => e.type === 'speech_end').at(-1)!;
    expect(last.type === 'speech_end' && last.streamMs).toBeGreaterThan(4000);
  });

  it('close() is idempotent and a closed front-end ignores audio', async () => {
    const frontend = await createFrontend(defaultOptions(16000));
    frontend.push(new Float32Array(1600));
    frontend.close();
    frontend.close();
    expect(frontend.push(new Float32Array(1600))).toEqual([]);
    expect(frontend.flush()).toEqual([]);
  });

  it('handles empty pushes and silence without events', async () => {
    const frontend = await createFrontend(defaultOptions(44100, { returnDenoised: true }));
    expect(frontend.push(new Float32Array(0))).toEqual([]);
    const events = [...frontend.push(new Float32Array(44100)), ...frontend.flush()];
    expect(events.every((e) => e.type === 'denoised_audio')).toBe(true);
    expect(events.reduce((n, e) => n + (e.type === 'denoised_audio' ? e.samples.length : 0), 0)).toBe(44100);
    frontend.close();
  });

  it('treats NaN and Infinity samples as silence instead of poisoning RNNoise', async () => {
    const { samples, sampleRate } = loadFixture('noisy');
    const poisoned = samples.slice();
    poisoned.fill(Number.NaN, 100, 200);
    poisoned[300] = Number.POSITIVE_INFINITY;
    const events = await runFrontend(poisoned, defaultOptions(sampleRate, { returnDenoised: true }));
    expect(summary(events).marks.length).toBe(6);
    for (const e of events) {
      if (e.type === 'denoised_audio' || e.type === 'speech_audio')
        expect(e.samples.every(Number.isFinite)).toBe(true);
    }
  });

  it('rejects unsupported sample rates and options with PipelineError codes', async () => {
    for (const inputSampleRate of [7999, 48001, 16000.5]) {
      await expect(createFrontend(defaultOptions(inputSampleRate))).rejects.toMatchObject({
        code: 'unsupported_sample_rate',
        stage: 'frontend',
      });
    }
    const bad = defaultOptions(16000, { vadFrameMs: 25 as 10 });
    await expect(createFrontend(bad)).rejects.toBeInstanceOf(PipelineError);
    await expect(createFrontend(defaultOptions(16000, { hangoverMs: -1 }))).rejects.toBeInstanceOf(
      PipelineError,
    );
  });
});
