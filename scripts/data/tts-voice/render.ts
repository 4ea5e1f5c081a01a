/** Renders one single-voice utterance: the generator at its own prosody, sox to 16 kHz mono s16, no effects. */
import { existsSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { pcm16WavDurationS } from '../lib/pcm16-wav.ts';
import { synthesizeTo } from '../synth/synthesize.ts';
import type { TtsUtterancePlan } from './plan.ts';
import { NEUTRAL_PROSODY } from './voices.ts';

/** Shorter than this the generator failed silently (0.1 s). */
const MIN_SECONDS = 0.1;

/** Returns false when the file was already there (resume). */
export async function renderTtsUtterance(plan: TtsUtterancePlan, finalPath: string): Promise<boolean> {
  if (existsSync(finalPath)) return false;
  mkdirSync(dirname(finalPath), { recursive: true });
  const tmp = `${finalPath}.tmp-${process.pid}.wav`;
  try {
    await synthesizeTo(plan.voice, plan.textNormalized, tmp, NEUTRAL_PROSODY, []);
    const seconds = pcm16WavDurationS(tmp);
    if (seconds < MIN_SECONDS) throw new Error(`${plan.id}: synthesizer produced ${seconds.toFixed(3)} s`);
    renameSync(tmp, finalPath); // atomic: an interrupted run never leaves a half file under the final name
    return true;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {}
  }
}
