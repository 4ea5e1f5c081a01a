/**
 * Synthetic CTC data for tests and smoke runs: each label id has a random prototype feature
 * vector; an utterance is a few labels, each held for a few noisy frames, with silence
 * (near-zero frames) around and sometimes between them. Learnable in seconds by a tiny
 * LSTM-CTC model, and fully determined by the seed.
 */
import type { CtcSample } from './models/lstm-ctc.ts';
import { Rng } from './rng.ts';

export interface SyntheticCtcOptions {
  count: number;
  dim: number;
  /** Classes including blank (labels are 1..vocab−1). */
  vocab: number;
  minLabels?: number;
  maxLabels?: number;
  framesPerLabel?: [number, number];
  noise?: number;
  seed: number;
}

export function syntheticCtc(o: SyntheticCtcOptions): CtcSample[] {
  const rng = new Rng(o.seed);
  const protos = Array.from({ length: o.vocab }, () =>
    Float32Array.from({ length: o.dim }, () => rng.normal()),
  );
  const [fMin, fMax] = o.framesPerLabel ?? [2, 4];
  const noise = o.noise ?? 0.2;
  const out: CtcSample[] = [];
  for (let n = 0; n < o.count; n++) {
    const nLabels = (o.minLabels ?? 1) + rng.int((o.maxLabels ?? 3) - (o.minLabels ?? 1) + 1);
    const labels = Array.from({ length: nLabels }, () => 1 + rng.int(o.vocab - 1));
    const frames: Float32Array[] = [];
    const silence = () => Float32Array.from({ length: o.dim }, () => rng.normal() * noise);
    frames.push(silence());
    labels.forEach((l, i) => {
      // A repeated label needs a separating gap to be decodable; elsewhere gaps are random.
      if (i > 0 && (labels[i - 1] === l || rng.next() < 0.3)) frames.push(silence());
      const len = fMin + rng.int(fMax - fMin + 1);
      for (let f = 0; f < len; f++) frames.push(protos[l].map((v) => v + rng.normal() * noise));
    });
    frames.push(silence());
    const features = new Float32Array(frames.length * o.dim);
    frames.forEach((f, i) => {
      features.set(f, i * o.dim);
    });
    out.push({ features, frames: frames.length, labels });
  }
  return out;
}
