/**
 * Dev figures of a vocoder on held-out recordings of the voice: each recording's log-mel (floored
 * as the acoustic model's targets are) is vocoded and compared with
 *  - melL1: mean |log-mel(vocoded) − input log-mel| (nats) over every frame but the two outer
 *    ones (the iSTFT's floored edges) — how well the mel is reproduced (consistency);
 *  - mcdDb: MCD against the recording itself (scripts/eval/metrics/mcd.ts) — closeness to the
 *    real voice, the figure the TTS evaluation reports.
 * The same function scores the tfjs model during training, the exported graph through the
 * server's VocosVocoder, and the Griffin-Lim baseline, so the three are comparable.
 */
import * as tf from '@tensorflow/tfjs';
import { logMel } from '../../../server/audio/log-mel.ts';
import { istft } from '../../../server/audio/stft.ts';
import { type Vocoder, vocodeAll } from '../../../server/stages/tts/vocoder.ts';
import { mcd } from '../../eval/metrics/mcd.ts';
import type { VocosModel } from '../lib/models/vocos.ts';

export interface DevItem {
  audio: Float32Array;
  /** Floored log-mel of `audio`, frame-major. */
  mel: Float32Array;
  frames: number;
}

export interface VocoderFigures {
  melL1: number;
  mcdDb: number;
  utterances: number;
}

export function devItems(recordings: readonly Float32Array[], melFloor: number): DevItem[] {
  return recordings.map((audio) => {
    const { data, frames } = logMel(audio);
    for (let i = 0; i < data.length; i++) if (data[i] < melFloor) data[i] = melFloor;
    return { audio, mel: data, frames };
  });
}

export function scoreVocoded(
  items: readonly DevItem[],
  vocoded: readonly Float32Array[],
  melFloor: number,
): VocoderFigures {
  let l1 = 0;
  let n = 0;
  let mcdSum = 0;
  items.forEach((item, i) => {
    const out = logMel(vocoded[i]);
    const bins = out.numMelBins;
    const frames = Math.min(out.frames, item.frames);
    for (let t = 1; t < frames - 1; t++)
      for (let m = 0; m < bins; m++) {
        l1 += Math.abs(Math.max(out.data[t * bins + m], melFloor) - item.mel[t * bins + m]);
        n++;
      }
    mcdSum += mcd(item.audio, vocoded[i]).mcdDb;
  });
  const r = (x: number) => Number(x.toFixed(4));
  return {
    melL1: r(l1 / Math.max(1, n)),
    mcdDb: r(mcdSum / Math.max(1, items.length)),
    utterances: items.length,
  };
}

/** The tfjs model: spectrum for the whole utterance, then the server's iSTFT. */
export function vocodeWithModel(model: VocosModel, item: DevItem): Float32Array {
  const { re, im } = tf.tidy(() => {
    const s = model.spectrum(tf.tensor3d(item.mel, [1, item.frames, model.config.numMelBins]));
    return { re: s.re.dataSync().slice() as Float32Array, im: s.im.dataSync().slice() as Float32Array };
  });
  const cfg = model.config;
  return istft(
    { frames: item.frames, bins: model.bins, re, im },
    {
      sampleRate: cfg.sampleRate,
      fftSize: cfg.fftSize,
      windowSamples: cfg.windowSamples,
      hopSamples: cfg.hopSamples,
      center: false,
    },
  );
}

export function evaluateModel(model: VocosModel, items: readonly DevItem[]): VocoderFigures {
  return scoreVocoded(
    items,
    items.map((it) => vocodeWithModel(model, it)),
    model.config.melFloor,
  );
}

/** Any served vocoder (the exported graph, Griffin-Lim) through its stream. */
export async function evaluateVocoder(
  vocoder: Vocoder,
  items: readonly DevItem[],
  melFloor: number,
): Promise<VocoderFigures> {
  const out: Float32Array[] = [];
  for (const it of items) out.push(await vocodeAll(vocoder, it.mel, it.frames));
  return scoreVocoded(items, out, melFloor);
}
