/**
 * Minimal, fast 16-bit PCM WAV read/write for the files this pipeline itself writes (sox output).
 * Other encodings go through `readAnyWav` (wavefile) in the loaders.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

export interface MonoAudio {
  sampleRate: number;
  samples: Float32Array;
}

export function decodePcm16Wav(buf: Buffer): MonoAudio {
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE')
    throw new Error('not a WAV file');
  let pos = 12;
  let channels = 0;
  let sampleRate = 0;
  let bits = 0;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    let size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      const format = buf.readUInt16LE(body);
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
      if ((format !== 1 && format !== 0xfffe) || bits !== 16)
        throw new Error(`WAV is not 16-bit PCM (format ${format}, ${bits} bit)`);
    } else if (id === 'data') {
      if (!channels) throw new Error('WAV data before fmt chunk');
      // sox writes 0xffffffff sizes when streaming to a pipe; clamp to the buffer
      if (size === 0xffffffff || body + size > buf.length) size = buf.length - body;
      const frames = Math.floor(size / (2 * channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let acc = 0;
        for (let c = 0; c < channels; c++) acc += buf.readInt16LE(body + 2 * (i * channels + c));
        samples[i] = acc / channels / 32768;
      }
      return { sampleRate, samples };
    }
    pos = body + size + (size & 1);
  }
  throw new Error('WAV has no data chunk');
}

export function readPcm16Wav(path: string): MonoAudio {
  return decodePcm16Wav(readFileSync(path));
}

export function encodePcm16Wav(samples: Float32Array, sampleRate: number): Buffer {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]));
    buf.writeInt16LE(Math.round(v < 0 ? v * 32768 : v * 32767), 44 + 2 * i);
  }
  return buf;
}

/** Writes via a temp file and rename, so a file that exists is always complete (resumable builds). */
export function writePcm16WavAtomic(path: string, samples: Float32Array, sampleRate: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodePcm16Wav(samples, sampleRate));
  renameSync(tmp, path);
}

/** Duration from the header of a 16-bit mono WAV without decoding it. */
export function pcm16WavDurationS(path: string): number {
  const a = readPcm16Wav(path);
  return a.samples.length / a.sampleRate;
}
