/**
 * WAV files ⇄ mono Float32Array in [-1, 1]. Decoding accepts 8/16/24/32-bit PCM, 32/64-bit float,
 * A-law and µ-law, any channel count (downmixed to mono by averaging). Anything truncated or
 * malformed becomes PipelineError('bad_wav').
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import * as wavefileModule from 'wavefile';
import { PipelineError } from '../errors.ts';

// wavefile is CommonJS: ESM loaders expose WaveFile either as a named or under default.
type WaveFileClass = typeof wavefileModule.WaveFile;
const WaveFile: WaveFileClass =
  (wavefileModule as unknown as { WaveFile?: WaveFileClass }).WaveFile ??
  (wavefileModule as unknown as { default: { WaveFile: WaveFileClass } }).default.WaveFile;

export interface DecodedWav {
  /** Mono samples in [-1, 1] (channels averaged). */
  samples: Float32Array;
  sampleRate: number;
  /** Channel count of the file before the downmix. */
  channels: number;
}

export type WavEncoding = 's16le' | 'f32le';

function badWav(message: string, cause?: unknown): PipelineError {
  return new PipelineError('bad_wav', 'data', { message: `bad WAV: ${message}`, cause });
}

/** Full scale of the integer the decoder hands back, or 1 for float formats. */
function fullScale(bitDepth: string): { scale: number; offset: number } {
  switch (bitDepth) {
    case '8':
      return { scale: 128, offset: 128 }; // 8-bit WAV is unsigned
    case '16':
      return { scale: 32768, offset: 0 };
    case '24':
      return { scale: 8388608, offset: 0 };
    case '32':
      return { scale: 2147483648, offset: 0 };
    case '32f':
    case '64':
      return { scale: 1, offset: 0 };
    default:
      throw badWav(`unsupported bit depth ${bitDepth}`);
  }
}

export function decodeWav(bytes: Uint8Array): DecodedWav {
  // biome-ignore lint/suspicious/noExplicitAny: wavefile's typings omit the parsed chunk fields
  let wav: any;
  try {
    wav = new WaveFile(bytes);
  } catch (err) {
    throw badWav((err as Error).message, err);
  }
  const channels: number = wav.fmt?.numChannels ?? 0;
  const sampleRate: number = wav.fmt?.sampleRate ?? 0;
  if (channels < 1 || sampleRate < 1) throw badWav('missing or empty fmt chunk');
  const declaredBytes: number = wav.data?.chunkSize ?? 0;
  const presentBytes: number = wav.data?.samples?.length ?? 0;
  // Streaming writers leave 0 or 0xFFFFFFFF as size; real truncation is declared > present.
  const unsized = declaredBytes === 0 || declaredBytes >= 0xfffffff0;
  if (!unsized && presentBytes < declaredBytes) {
    throw badWav(`data chunk truncated (${presentBytes} of ${declaredBytes} bytes)`);
  }
  try {
    if (wav.bitDepth === '8a') wav.fromALaw();
    else if (wav.bitDepth === '8m') wav.fromMuLaw();
  } catch (err) {
    throw badWav((err as Error).message, err);
  }
  const { scale, offset } = fullScale(String(wav.bitDepth));
  const bytesPerFrame = channels * Math.ceil(Number.parseInt(wav.bitDepth, 10) / 8);
  if (presentBytes % bytesPerFrame !== 0 && !unsized) {
    throw badWav(`data chunk is not a whole number of frames (${presentBytes} bytes)`);
  }
  let perChannel: Float64Array[] | Float64Array;
  try {
    perChannel = wav.getSamples(false, Float64Array);
  } catch (err) {
    throw badWav((err as Error).message, err);
  }
  const planes = channels === 1 ? [perChannel as Float64Array] : (perChannel as Float64Array[]);
  const frames = planes[0]?.length ?? 0;
  const samples = new Float32Array(frames);
  const gain = 1 / (scale * channels);
  for (const plane of planes) {
    for (let i = 0; i < frames; i++) samples[i] += (plane[i] - offset) * gain;
  }
  return { samples, sampleRate, channels };
}

export function encodeWav(
  samples: Float32Array,
  sampleRate: number,
  encoding: WavEncoding = 's16le',
): Uint8Array {
  const wav = new WaveFile();
  if (encoding === 'f32le') {
    wav.fromScratch(1, sampleRate, '32f', samples);
  } else {
    const pcm = new Int16Array(samples.length);
    for (let i = 0; i < samples.length; i++) {
      const v = Math.round(samples[i] * 32768);
      pcm[i] = Math.max(-32768, Math.min(32767, v));
    }
    wav.fromScratch(1, sampleRate, '16', pcm);
  }
  return wav.toBuffer();
}

export async function readWav(path: string): Promise<DecodedWav> {
  return decodeWav(await readFile(path));
}

export function readWavSync(path: string): DecodedWav {
  return decodeWav(readFileSync(path));
}

export async function writeWav(
  path: string,
  samples: Float32Array,
  sampleRate: number,
  encoding: WavEncoding = 's16le',
): Promise<void> {
  await writeFile(path, encodeWav(samples, sampleRate, encoding));
}
