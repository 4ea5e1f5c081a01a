/** Reads a WAV header (fmt and data chunk sizes) without loading the samples. */
import { closeSync, openSync, readSync } from 'node:fs';

export interface WavInfo {
  /** 1 = PCM integer, 3 = IEEE float, 0xfffe = extensible. */
  audioFormat: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
  /** Byte offset of the first sample (44 for a plain PCM header). */
  dataOffset: number;
  durationSec: number;
}

export function readWavInfo(path: string): WavInfo {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(12);
    if (
      readSync(fd, head, 0, 12, 0) < 12 ||
      head.toString('ascii', 0, 4) !== 'RIFF' ||
      head.toString('ascii', 8, 12) !== 'WAVE'
    ) {
      throw new Error(`${path}: not a RIFF/WAVE file`);
    }
    let pos = 12;
    let fmt: Omit<WavInfo, 'dataBytes' | 'dataOffset' | 'durationSec'> | null = null;
    const chunk = Buffer.alloc(8);
    for (;;) {
      if (readSync(fd, chunk, 0, 8, pos) < 8) throw new Error(`${path}: no data chunk`);
      const id = chunk.toString('ascii', 0, 4);
      const size = chunk.readUInt32LE(4);
      if (id === 'fmt ') {
        const body = Buffer.alloc(16);
        readSync(fd, body, 0, 16, pos + 8);
        fmt = {
          audioFormat: body.readUInt16LE(0),
          channels: body.readUInt16LE(2),
          sampleRate: body.readUInt32LE(4),
          bitsPerSample: body.readUInt16LE(14),
        };
      } else if (id === 'data') {
        if (!fmt) throw new Error(`${path}: data chunk before fmt chunk`);
        const bytesPerSec = fmt.sampleRate * fmt.channels * (fmt.bitsPerSample / 8);
        return { ...fmt, dataBytes: size, dataOffset: pos + 8, durationSec: size / bytesPerSec };
      }
      pos += 8 + size + (size % 2); // chunks are word-aligned
    }
  } finally {
    closeSync(fd);
  }
}
