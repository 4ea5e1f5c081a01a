import { describe, expect, it } from 'vitest';
import { blankFramesBeforeOnset, speechOnsetSample } from '../../scripts/train/asr/speech-onset.ts';

const tone = (n: number, amp: number) => Float32Array.from({ length: n }, (_, i) => amp * Math.sin(i * 0.2));

describe('speech onset for CTC leading blanks', () => {
  it('finds the first loud window after silence or quiet noise, and 0 when noise is as loud', () => {
    const audio = new Float32Array(16000);
    audio.set(tone(8000, 0.3), 4800);
    expect(speechOnsetSample(audio)).toBe(4800);
    const quiet = Float32Array.from(audio, (x, i) => x + 0.001 * Math.sin(i * 1.3));
    expect(speechOnsetSample(quiet)).toBe(4800);
    const loud = Float32Array.from(audio, (x, i) => x + 0.2 * Math.sin(i * 1.3));
    expect(speechOnsetSample(loud)).toBe(0);
    expect(speechOnsetSample(new Float32Array(100))).toBe(0);
    expect(speechOnsetSample(new Float32Array(16000))).toBe(0);
  });

  it('counts whole acoustic frames before the onset, less one, and leaves room for the labels', () => {
    expect(blankFramesBeforeOnset(4800, 640, 50, 20)).toBe(6);
    expect(blankFramesBeforeOnset(4800, 640, 25, 20)).toBe(5);
    expect(blankFramesBeforeOnset(300, 640, 50, 20)).toBe(0);
  });
});
