/**
 * Dev figures for the acoustic model:
 * - teacher-forced (aligned durations, measured pitch/energy): the training losses and the mel
 *   L1 in nats (natural-log mel power), which picks the best checkpoint;
 * - free-running through the exported graphs (MelGenerator, predicted durations/pitch/energy):
 *   the predicted mel is stretched linearly in time to the recording's length and compared in
 *   nats, plus the ratio of predicted to real frames (speaking-rate error).
 */
import * as tf from '@tensorflow/tfjs';
import type { MelGenerator } from '../../../server/stages/tts/mel-generator.ts';
import { type FastSpeechModel, type FastSpeechSample, paddedFrames } from '../lib/models/fastspeech.ts';
import { lengthMask } from '../lib/models/fastspeech-layers.ts';
import type { TtsUtterance, VoiceStats } from './dataset.ts';

export interface TeacherForcedDev {
  devLoss: number;
  devMelL1: number;
  devDurationMse: number;
  devPitchMse: number;
  devEnergyMse: number;
}

export function evaluateTeacherForced(
  model: FastSpeechModel,
  dev: FastSpeechSample[],
  stats: VoiceStats,
  batchSize = 8,
): TeacherForcedDev {
  const bins = stats.melStd.length;
  const acc = { loss: 0, l1: 0, dur: 0, pitch: 0, energy: 0, frames: 0, n: 0 };
  for (let i = 0; i < dev.length; i += batchSize) {
    const batch = dev.slice(i, i + batchSize);
    const B = batch.length;
    const T = paddedFrames(Math.max(...batch.map((s) => s.frames)), model.config.reduction ?? 1);
    const r = tf.tidy(() => {
      const l = model.losses(batch);
      const target = new Float32Array(B * T * bins);
      batch.forEach((s, b) => {
        target.set(s.mel.subarray(0, s.frames * bins), b * T * bins);
      });
      const diff = tf.mul(
        tf.abs(tf.sub(l.melPred, tf.tensor3d(target, [B, T, bins]))),
        tf.tensor1d(stats.melStd),
      );
      const l1 = tf.sum(
        tf.mul(
          diff,
          lengthMask(
            batch.map((s) => s.frames),
            T,
          ),
        ),
      );
      return [l.total, l1, l.duration, l.pitch, l.energy].map((t) => t.dataSync()[0]);
    });
    acc.loss += r[0] * B;
    acc.l1 += r[1];
    acc.dur += r[2] * B;
    acc.pitch += r[3] * B;
    acc.energy += r[4] * B;
    acc.frames += batch.reduce((a, s) => a + s.frames, 0);
    acc.n += B;
  }
  const n = Math.max(1, acc.n);
  return {
    devLoss: acc.loss / n,
    devMelL1: acc.l1 / Math.max(1, acc.frames * bins),
    devDurationMse: acc.dur / n,
    devPitchMse: acc.pitch / n,
    devEnergyMse: acc.energy / n,
  };
}

/** mel [frames × bins] stretched (linear interpolation in time) to `target` frames. */
export function stretchFrames(mel: Float32Array, frames: number, bins: number, target: number): Float32Array {
  const out = new Float32Array(target * bins);
  for (let t = 0; t < target; t++) {
    const x = target > 1 ? (t * (frames - 1)) / (target - 1) : 0;
    const i = Math.min(frames - 1, Math.floor(x));
    const j = Math.min(frames - 1, i + 1);
    const w = x - i;
    for (let m = 0; m < bins; m++) out[t * bins + m] = (1 - w) * mel[i * bins + m] + w * mel[j * bins + m];
  }
  return out;
}

export interface FreeRunningDev {
  melL1: number;
  frameRatio: number;
  utterances: number;
}

/** `utts` must hold normalised mels (normalizeMels); they are compared in nats. */
export async function evaluateFreeRunning(
  gen: MelGenerator,
  utts: TtsUtterance[],
  stats: VoiceStats,
  limit = 50,
): Promise<FreeRunningDev> {
  const bins = stats.melMean.length;
  let l1 = 0;
  let cells = 0;
  let predFrames = 0;
  let realFrames = 0;
  const some = utts.slice(0, limit);
  for (const u of some) {
    const r = await gen.generate(u.text);
    const warped = stretchFrames(r.mel, r.frames, bins, u.frames);
    for (let i = 0; i < warped.length; i++) {
      const m = i % bins;
      l1 += Math.abs(warped[i] - (u.mel[i] * stats.melStd[m] + stats.melMean[m]));
    }
    cells += warped.length;
    predFrames += r.frames;
    realFrames += u.frames;
  }
  return {
    melL1: cells ? l1 / cells : 0,
    frameRatio: realFrames ? predFrames / realFrames : 0,
    utterances: some.length,
  };
}
