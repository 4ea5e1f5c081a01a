/**
 * Runs one synthesizer and converts its output to 16 kHz mono 16-bit with sox, applying the
 * prosody change (for flite/festival) and the channel effects in the same sox call.
 */
import { unlinkSync } from 'node:fs';
import { run } from '../lib/exec.ts';
import type { Voice } from './voices.ts';

export interface Prosody {
  /** espeak-ng words per minute */
  wpm: number;
  /** espeak-ng pitch 0–99 */
  pitch: number;
  /** sox tempo factor for flite/festival */
  tempo: number;
  /** sox pitch shift in cents for flite/festival */
  pitchCents: number;
}

async function synthRaw(voice: Voice, text: string, rawPath: string, prosody: Prosody): Promise<void> {
  switch (voice.generator) {
    case 'espeak-ng':
      await run('espeak-ng', [
        '-v',
        voice.voice,
        '-s',
        String(prosody.wpm),
        '-p',
        String(prosody.pitch),
        '-w',
        rawPath,
        text,
      ]);
      return;
    case 'flite':
      await run('flite', ['-voice', voice.voice, '-t', text, '-o', rawPath]);
      return;
    case 'festival':
      await run('text2wave', ['-eval', `(${voice.voice})`, '-o', rawPath], { input: text });
      return;
  }
}

/** Synthesizes `text` and writes 16 kHz mono s16 to `outPath` after `channelEffects` (sox effect args). */
export async function synthesizeTo(
  voice: Voice,
  text: string,
  outPath: string,
  prosody: Prosody,
  channelEffects: string[],
): Promise<void> {
  const rawPath = `${outPath}.raw-${process.pid}.wav`;
  try {
    await synthRaw(voice, text, rawPath, prosody);
    const prosodyEffects =
      voice.generator === 'espeak-ng'
        ? []
        : ['tempo', '-s', prosody.tempo.toFixed(3), 'pitch', String(Math.round(prosody.pitchCents))];
    // -R: repeatable randomness, -D: no dither, so the same seed gives the same bytes
    await run('sox', [
      '-R',
      '-D',
      rawPath,
      '-r',
      '16000',
      '-c',
      '1',
      '-b',
      '16',
      outPath,
      ...prosodyEffects,
      ...channelEffects,
      'rate',
      '16000',
    ]);
  } finally {
    try {
      unlinkSync(rawPath);
    } catch {}
  }
}
