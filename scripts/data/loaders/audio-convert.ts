/**
 * Brings any input audio to 16 kHz mono 16-bit WAV. sox handles every format (flac, mp3 with
 * libsox-fmt-all, wav); without sox, WAV input is decoded and resampled in pure JS (the server's
 * wav-io and polyphase sinc resampler), so WAV-based data sets import without Debian packages.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import wavefile from 'wavefile';
import { resample } from '../../../server/audio/resample.ts';
import { readWavSync } from '../../../server/audio/wav-io.ts';
import { run } from '../lib/exec.ts';
import { writePcm16WavAtomic } from '../lib/pcm16-wav.ts';
import { hasTool } from '../lib/tools.ts';

export const TARGET_RATE = 16000;

/** True when the file is already 16 kHz mono 16-bit PCM WAV and can be used in place. */
export function isTargetWav(path: string): boolean {
  if (extname(path).toLowerCase() !== '.wav') return false;
  try {
    const wav = new wavefile.WaveFile(readFileSync(path));
    const fmt = wav.fmt as {
      audioFormat: number;
      numChannels: number;
      sampleRate: number;
      bitsPerSample: number;
    };
    return (
      fmt.audioFormat === 1 &&
      fmt.numChannels === 1 &&
      fmt.sampleRate === TARGET_RATE &&
      fmt.bitsPerSample === 16
    );
  } catch {
    return false;
  }
}

/** Pure-JS WAV → mono float at 16 kHz, with the server's own WAV reader and resampler. */
export function decodeWavTo16kMono(path: string): Float32Array {
  const wav = readWavSync(path);
  return wav.sampleRate === TARGET_RATE ? wav.samples : resample(wav.samples, wav.sampleRate, TARGET_RATE);
}

export interface ConvertOptions {
  /** use sox when installed (default); false forces the pure-JS path (WAV only) */
  useSox?: boolean;
}

export async function convertTo16kWav(
  input: string,
  output: string,
  opts: ConvertOptions = {},
): Promise<void> {
  const useSox = (opts.useSox ?? true) && hasTool('sox');
  if (useSox) {
    const tmp = `${output}.tmp-${process.pid}.wav`;
    await run('sox', [
      '-D',
      input,
      '-r',
      String(TARGET_RATE),
      '-c',
      '1',
      '-b',
      '16',
      '-e',
      'signed-integer',
      tmp,
    ]);
    const { renameSync } = await import('node:fs');
    renameSync(tmp, output);
    return;
  }
  if (extname(input).toLowerCase() !== '.wav') {
    throw new Error(`${extname(input)} audio needs sox (sudo sh scripts/install-debian-deps.sh)`);
  }
  writePcm16WavAtomic(output, decodeWavTo16kMono(input), TARGET_RATE);
}
