/** Produces one finished utterance file: synthesize + channel (sox), then noise/level (JS). */
import { existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { readPcm16Wav, writePcm16WavAtomic } from '../lib/pcm16-wav.ts';
import { mixAtSnr } from '../synth/mix.ts';
import { synthesizeTo } from '../synth/synthesize.ts';
import type { UtterancePlan } from './plan.ts';

/** Duration of a 16 kHz mono s16 file this pipeline wrote (44-byte header). */
export function writtenDurationS(path: string): number {
  return (statSync(path).size - 44) / 2 / 16000;
}

/** Returns false if the file was already there (resume). */
export async function renderUtterance(
  plan: UtterancePlan,
  finalPath: string,
  noiseSamples: (id: string) => Float32Array,
): Promise<boolean> {
  if (existsSync(finalPath)) return false;
  mkdirSync(dirname(finalPath), { recursive: true });
  const cleanPath = `${finalPath}.clean-${process.pid}.wav`;
  try {
    await synthesizeTo(plan.voice, plan.say, cleanPath, plan.prosody, plan.channelEffects);
    const speech = readPcm16Wav(cleanPath).samples;
    if (speech.length < 1600) throw new Error(`${plan.id}: synthesizer produced ${speech.length} samples`);
    const mixed = mixAtSnr(speech, plan.noise ? noiseSamples(plan.noise) : null, {
      snrDb: plan.snrDb,
      noiseOffset: plan.noiseOffset,
      padStartSamples: plan.padStartSamples,
      padEndSamples: plan.padEndSamples,
      levelDbfs: plan.levelDbfs,
    });
    writePcm16WavAtomic(finalPath, mixed, 16000);
    return true;
  } finally {
    try {
      unlinkSync(cleanPath);
    } catch {}
  }
}
