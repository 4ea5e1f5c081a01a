/**
 * The length regulator between the two acoustic graphs: predicted ln(1 + frames) per symbol →
 * integer frames (divided by the speaking rate, at least one each, so every symbol is heard),
 * then each symbol's hidden vector repeated for its frames.
 */
import { PipelineError } from '../../../errors.ts';

export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

export function framesFromLogDurations(logDurations: ArrayLike<number>, speed = 1): Int32Array {
  if (!(speed >= MIN_SPEED && speed <= MAX_SPEED))
    throw new RangeError(`speed ${speed} outside ${MIN_SPEED}..${MAX_SPEED}`);
  return Int32Array.from(logDurations, (ld) => Math.max(1, Math.round(Math.expm1(Math.max(0, ld)) / speed)));
}

/** Throws PipelineError('text_too_long') when the utterance would exceed `maxFrames`. */
export function checkFrameBudget(durations: ArrayLike<number>, maxFrames: number, hopMs: number): number {
  let total = 0;
  for (let i = 0; i < durations.length; i++) total += durations[i];
  if (total > maxFrames)
    throw new PipelineError('text_too_long', 'tts', {
      message: `text would be ${((total * hopMs) / 1000).toFixed(1)} s of speech (${total} frames), over the ${maxFrames}-frame limit; split it into shorter chunks`,
    });
  return total;
}

/**
 * hidden [N × dim] row-major → [padTo × dim], row n repeated durations[n] times; rows past
 * Σ durations (up to `padTo`, e.g. the decoder's reduction multiple) repeat the last symbol.
 */
export function expandByDurations(
  hidden: Float32Array,
  dim: number,
  durations: ArrayLike<number>,
  padTo = 0,
): Float32Array {
  let frames = 0;
  for (let i = 0; i < durations.length; i++) frames += durations[i];
  const total = Math.max(frames, padTo);
  if (hidden.length < durations.length * dim)
    throw new RangeError(`${hidden.length} values for ${durations.length} symbols of width ${dim}`);
  const out = new Float32Array(total * dim);
  let t = 0;
  for (let n = 0; n < durations.length; n++) {
    const row = hidden.subarray(n * dim, (n + 1) * dim);
    for (let k = 0; k < durations[n]; k++, t++) out.set(row, t * dim);
  }
  const last = hidden.subarray((durations.length - 1) * dim, durations.length * dim);
  for (; t < total; t++) out.set(last, t * dim);
  return out;
}

/** Values per frame of `frameProgress`. */
export const FRAME_PROGRESS_DIM = 3;

/**
 * Where each expanded frame sits inside its symbol, [padTo × 3] row-major: relative position
 * p = (k + ½)/D of frame k in a symbol of D frames, 4p(1 − p) (peaks mid-symbol), and
 * ln(1 + D)/3. Repeated rows alone tell the decoder nothing of this, and a consonant's burst or
 * a vowel's glide happens at a place inside the symbol. Padding rows (past Σ durations, up to
 * `padTo`) continue the last symbol at p = 1, as `expandByDurations` repeats its row.
 */
export function frameProgress(durations: ArrayLike<number>, padTo = 0): Float32Array {
  let frames = 0;
  for (let i = 0; i < durations.length; i++) frames += durations[i];
  const total = Math.max(frames, padTo);
  const out = new Float32Array(total * FRAME_PROGRESS_DIM);
  const put = (t: number, p: number, d: number) => {
    out[t * FRAME_PROGRESS_DIM] = p;
    out[t * FRAME_PROGRESS_DIM + 1] = 4 * p * (1 - p);
    out[t * FRAME_PROGRESS_DIM + 2] = Math.log1p(d) / 3;
  };
  let t = 0;
  for (let n = 0; n < durations.length; n++) {
    const d = durations[n];
    for (let k = 0; k < d; k++, t++) put(t, (k + 0.5) / d, d);
  }
  const last = durations.length ? durations[durations.length - 1] : 1;
  for (; t < total; t++) put(t, 1, last);
  return out;
}
