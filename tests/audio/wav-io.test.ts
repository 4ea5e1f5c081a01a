import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as wavefileModule from 'wavefile';
import { decodeWav, encodeWav, readWav, writeWav } from '../../server/audio/wav-io.ts';
import { PipelineError } from '../../server/errors.ts';

type WaveFileClass = typeof wavefileModule.WaveFile;
const WaveFile: WaveFileClass =
  (wavefileModule as unknown as { WaveFile?: WaveFileClass }).WaveFile ??
  (wavefileModule as unknown as { default: { WaveFile: WaveFileClass } }).default.WaveFile;

function ramp(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.05) * 0.8;
  return x;
}

function expectBadWav(bytes: Uint8Array): void {
  try {
    decodeWav(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('bad_wav');
    expect((err as PipelineError).stage).toBe('data');
    return;
  }
  throw new Error('decodeWav accepted malformed input');
}

describe('wav-io', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tolk-wav-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips 16-bit PCM within one quantisation step', () => {
    const x = ramp(1000);
    const back = decodeWav(encodeWav(x, 16000));
    expect(back.sampleRate).toBe(16000);
    expect(back.channels).toBe(1);
    expect(back.samples.length).toBe(x.length);
    for (let i = 0; i < x.length; i++)
      expect(Math.abs(back.samples[i] - x[i])).toBeLessThanOrEqual(1 / 32768);
  });

  it('round-trips float32 exactly, through files too', async () => {
    const x = ramp(777);
    const path = join(dir, 'f32.wav');
    await writeWav(path, x, 44100, 'f32le');
    const back = await readWav(path);
    expect(back.sampleRate).toBe(44100);
    expect(Array.from(back.samples)).toEqual(Array.from(x));
  });

  it('clips out-of-range samples when writing 16-bit', () => {
    const back = decodeWav(encodeWav(new Float32Array([2, -2]), 8000));
    expect(back.samples[0]).toBeCloseTo(32767 / 32768, 6);
    expect(back.samples[1]).toBe(-1);
  });

  it('downmixes stereo by averaging the channels', () => {
    const w = new WaveFile();
    w.fromScratch(2, 22050, '16', [new Int16Array([16384, 0, -32768]), new Int16Array([0, 16384, -32768])]);
    const back = decodeWav(w.toBuffer());
    expect(back.channels).toBe(2);
    expect(back.sampleRate).toBe(22050);
    expect(Array.from(back.samples)).toEqual([0.25, 0.25, -1]);
  });

  it('reads 8-bit unsigned and 24-bit PCM at full scale', () => {
    const w8 = new WaveFile();
    w8.fromScratch(1, 8000, '8', [0, 128, 255]);
    expect(Array.from(decodeWav(w8.toBuffer()).samples)).toEqual([-1, 0, 127 / 128]);
    const w24 = new WaveFile();
    w24.fromScratch(1, 8000, '24', [-8388608, 4194304]);
    expect(Array.from(decodeWav(w24.toBuffer()).samples)).toEqual([-1, 0.5]);
  });

  it('throws bad_wav for truncated or malformed data', () => {
    const bytes = encodeWav(ramp(100), 16000);
    expectBadWav(bytes.slice(0, bytes.length - 3)); // data chunk cut mid-way
    expectBadWav(bytes.slice(0, 30)); // header cut before the data chunk
    expectBadWav(bytes.slice(0, 3));
    expectBadWav(new Uint8Array(64)); // zeros: not RIFF
    expectBadWav(new TextEncoder().encode('RIFF....WAVEfmt nonsense'));
  });
});
