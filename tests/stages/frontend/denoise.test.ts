import { describe, expect, it } from 'vitest';
import { DenoiseStream } from '../../../server/stages/frontend/denoise-stream.ts';
import { loadRnnoise, RnnoiseState } from '../../../server/stages/frontend/rnnoise.ts';
import { concat, defaultOptions, energy, loadFixture, reference, runFrontend } from './fixtures.ts';

const db = (ratio: number) => 10 * Math.log10(ratio);

async function denoised(
  name: 'noisy' | 'noisy8k' | 'clean',
): Promise<{ input: Float32Array; output: Float32Array; sampleRate: number }> {
  const { samples, sampleRate } = loadFixture(name);
  const events = await runFrontend(samples, defaultOptions(sampleRate, { returnDenoised: true }));
  const parts: Float32Array[] = [];
  for (const e of events) {
    if (e.type === 'denoised_audio') {
      expect(e.sampleRate).toBe(sampleRate);
      parts.push(e.samples);
    }
  }
  return { input: samples, output: concat(parts), sampleRate };
}

/** The pauses between and after sentences, 150 ms clear of speech on each side. */
function pauses(): [number, number][] {
  const out: [number, number][] = [];
  const segs = reference.segments;
  for (let i = 1; i <= segs.length; i++) {
    const to = i < segs.length ? segs[i].startMs : reference.durationMs;
    out.push([segs[i - 1].endMs + 150, to - 150]);
  }
  return out;
}

describe('RNNoise in the front-end', () => {
  it('returns denoised audio at the input rate, sample for sample', async () => {
    const { input, output } = await denoised('noisy8k');
    expect(output.length).toBe(input.length);
  });

  it('lowers noise energy in the pauses of the 10 dB SNR mix by at least 20 dB (measured ≈ 31 dB)', async () => {
    for (const name of ['noisy', 'noisy8k'] as const) {
      const { input, output, sampleRate } = await denoised(name);
      let before = 0;
      let after = 0;
      for (const [a, b] of pauses()) {
        before += energy(input, sampleRate, a, b);
        after += energy(output, sampleRate, a, b);
      }
      expect(db(before / after), name).toBeGreaterThan(20);
    }
  });

  it('keeps clean speech energy within 1 dB', async () => {
    const { input, output, sampleRate } = await denoised('clean');
    let before = 0;
    let after = 0;
    for (const s of reference.segments) {
      before += energy(input, sampleRate, s.startMs, s.endMs);
      after += energy(output, sampleRate, s.startMs, s.endMs);
    }
    expect(Math.abs(db(after / before))).toBeLessThan(1);
  });

  it('removes RNNoise’s one-frame delay: output lines up with the input (cross-correlation peak at lag 0)', async () => {
    const { samples } = loadFixture('clean');
    const { resample } = await import('../../../server/audio/resample.ts');
    const x48 = resample(samples, 16000, 48000);
    const rnnoise = new RnnoiseState(await loadRnnoise());
    const stream = new DenoiseStream(rnnoise);
    const parts: Float32Array[] = [];
    for (let i = 0; i < x48.length; i += 1000) parts.push(stream.push(x48.subarray(i, i + 1000)).slice());
    parts.push(stream.flush().slice());
    rnnoise.destroy();
    const y = concat(parts);
    expect(y.length).toBe(x48.length);
    let bestLag = 0;
    let best = Number.NEGATIVE_INFINITY;
    for (let lag = -960; lag <= 960; lag += 1) {
      let c = 0;
      for (let i = 48000; i < 96000; i++) c += x48[i] * y[i + lag];
      if (c > best) {
        best = c;
        bestLag = lag;
      }
    }
    expect(bestLag).toBe(0);
  });
});
