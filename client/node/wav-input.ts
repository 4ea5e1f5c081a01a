/** Reads a WAV file as mono float samples (channels averaged), any bit depth wavefile supports. */
import { readFile } from 'node:fs/promises';
import wavefile from 'wavefile';

export interface MonoAudio {
  sampleRate: number;
  samples: Float32Array;
}

export async function readWavMono(path: string): Promise<MonoAudio> {
  const wav = new wavefile.WaveFile(await readFile(path));
  wav.toBitDepth('32f');
  const fmt = wav.fmt as { sampleRate: number; numChannels: number };
  const raw = wav.getSamples(false, Float32Array) as unknown as Float32Array | Float32Array[];
  const channels = fmt.numChannels > 1 ? (raw as Float32Array[]) : [raw as Float32Array];
  const samples = new Float32Array(channels[0].length);
  for (const channel of channels) {
    for (let i = 0; i < samples.length; i++) samples[i] += channel[i] / channels.length;
  }
  return { sampleRate: fmt.sampleRate, samples };
}

/** Writes mono float samples as a 16-bit PCM WAV. */
export function wavBytes(samples: Float32Array, sampleRate: number): Uint8Array {
  const wav = new wavefile.WaveFile();
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]));
    pcm[i] = Math.round(v < 0 ? v * 32768 : v * 32767);
  }
  wav.fromScratch(1, sampleRate, '16', pcm);
  return wav.toBuffer();
}
