import { describe, expect, it } from 'vitest';
import { defaultOptions, loadFixture, reference, runFrontend, segmentsOf } from './fixtures.ts';

const TOLERANCE_MS = 100;

function expectSegmentsMatchReference(found: { startMs: number; endMs: number }[]): void {
  expect(found.length, JSON.stringify(found)).toBe(reference.segments.length);
  reference.segments.forEach((ref, i) => {
    expect(Math.abs(found[i].startMs - ref.startMs), `segment ${i} start`).toBeLessThanOrEqual(TOLERANCE_MS);
    expect(Math.abs(found[i].endMs - ref.endMs), `segment ${i} end`).toBeLessThanOrEqual(TOLERANCE_MS);
  });
}

describe('front-end endpointing on the hotel fixtures', () => {
  it('finds the 3 sentences in 10 dB SNR noise within 100 ms (defaults: denoise, aggressiveness 2, 30 ms)', async () => {
    const { samples, sampleRate } = loadFixture('noisy');
    expectSegmentsMatchReference(segmentsOf(await runFrontend(samples, defaultOptions(sampleRate))));
  });

  it.each([10, 20] as const)('also with %i ms VAD frames', async (vadFrameMs) => {
    const { samples, sampleRate } = loadFixture('noisy');
    const events = await runFrontend(samples, defaultOptions(sampleRate, { vadFrameMs }));
    expectSegmentsMatchReference(segmentsOf(events));
  });

  it.each([1, 3] as const)('also with aggressiveness %i', async (vadAggressiveness) => {
    const { samples, sampleRate } = loadFixture('noisy');
    const events = await runFrontend(samples, defaultOptions(sampleRate, { vadAggressiveness }));
    expectSegmentsMatchReference(segmentsOf(events));
  });

  it('finds them in the 8 kHz noisy mix (resampled 8 → 48 → 16 kHz)', async () => {
    const { samples, sampleRate } = loadFixture('noisy8k');
    expect(sampleRate).toBe(8000);
    expectSegmentsMatchReference(segmentsOf(await runFrontend(samples, defaultOptions(sampleRate))));
  });

  it('finds them in clean audio with denoise off (input → 16 kHz directly)', async () => {
    const { samples, sampleRate } = loadFixture('clean');
    const events = await runFrontend(samples, defaultOptions(sampleRate, { denoise: false }));
    expectSegmentsMatchReference(segmentsOf(events));
  });

  it('finds them at 48 kHz input (fixture upsampled here)', async () => {
    const { samples } = loadFixture('noisy');
    const { resample } = await import('../../../server/audio/resample.ts');
    const x48 = resample(samples, 16000, 48000);
    expectSegmentsMatchReference(segmentsOf(await runFrontend(x48, defaultOptions(48000))));
  });

  it('hands the recogniser the utterance with its pre-roll, contiguous, at 16 kHz', async () => {
    const { samples, sampleRate } = loadFixture('noisy');
    const events = await runFrontend(samples, defaultOptions(sampleRate, { preRollMs: 200 }));
    let expectedMs: number | null = null;
    let startMs = 0;
    for (const e of events) {
      if (e.type === 'speech_start') {
        startMs = e.streamMs;
        expectedMs = null;
      } else if (e.type === 'speech_audio') {
        if (expectedMs === null) expect(e.streamMs).toBe(Math.max(0, startMs - 200));
        else expect(e.streamMs).toBeCloseTo(expectedMs, 6);
        expectedMs = e.streamMs + (1000 * e.samples.length) / 16000;
      } else if (e.type === 'speech_end') {
        // The utterance audio runs through the hangover that confirmed the end.
        expect(expectedMs).not.toBeNull();
        expect(expectedMs!).toBeGreaterThanOrEqual(e.streamMs + 300);
      }
    }
  });
});
