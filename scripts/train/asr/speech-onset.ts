/**
 * Where speech starts in a training utterance, so CTC can be told that no character comes
 * before it (lib/ctc.ts `leadingBlanks`). Energy-based: the first 10 ms window within
 * `belowPeakDb` of the loudest one. Noise raises every window, which only moves the onset
 * earlier — a weaker constraint, never a wrong one. A weak first consonant below the threshold
 * moves it later by that consonant, which only delays the first character's emission (causal
 * CTC models emit late anyway). At 15 dB, 83 % of the English training utterances get a
 * constraint (median 8 frames); at 25 dB, noise hid the onset in 43 %.
 */
const WINDOW = 160; // 10 ms at 16 kHz

export function speechOnsetSample(audio: Float32Array, belowPeakDb = 15): number {
  const windows = Math.floor(audio.length / WINDOW);
  if (windows === 0) return 0;
  const energy = new Float64Array(windows);
  let peak = 0;
  for (let w = 0; w < windows; w++) {
    let sum = 0;
    for (let i = w * WINDOW; i < (w + 1) * WINDOW; i++) sum += audio[i] * audio[i];
    energy[w] = sum / WINDOW;
    peak = Math.max(peak, energy[w]);
  }
  if (peak === 0) return 0;
  const threshold = peak * 10 ** (-belowPeakDb / 10);
  for (let w = 0; w < windows; w++) if (energy[w] >= threshold) return w * WINDOW;
  return 0;
}

/**
 * Acoustic frames (of `frameSamples` samples) wholly before the onset, less one frame of
 * margin for the analysis window, capped so the labels still fit in the rest.
 */
export function blankFramesBeforeOnset(
  onsetSample: number,
  frameSamples: number,
  frames: number,
  framesNeeded: number,
): number {
  const before = Math.floor(onsetSample / frameSamples) - 1;
  return Math.max(0, Math.min(before, frames - framesNeeded));
}
