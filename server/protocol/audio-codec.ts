/**
 * PCM encoding and decoding at the edge, plus the 4-byte header of server → client binary
 * frames. Client → server binary frames are raw PCM (no header): mono, little endian, in the
 * encoding negotiated by `start`.
 */
import { PipelineError } from '../errors.ts';
import type { Encoding } from './messages.ts';

export const BYTES_PER_SAMPLE: Record<Encoding, number> = { s16le: 2, f32le: 4 };

/** Server → client binary frame: [channel u8, 0, 0, 0] then PCM. 4 bytes keeps f32 aligned. */
export const AUDIO_HEADER_BYTES = 4;

/** Decodes one client frame into float samples in [-1, 1]. Throws bad_frame_length. */
export function decodePcm(bytes: Uint8Array, encoding: Encoding): Float32Array {
  const width = BYTES_PER_SAMPLE[encoding];
  if (bytes.byteLength % width !== 0) {
    throw new PipelineError('bad_frame_length', 'transport', {
      message: `${bytes.byteLength} bytes is not a whole number of ${encoding} samples (${width} bytes each)`,
    });
  }
  const count = bytes.byteLength / width;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (encoding === 's16le') {
    for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  } else {
    for (let i = 0; i < count; i++) {
      const v = view.getFloat32(i * 4, true);
      // NaN/Inf from a broken client would poison every later filter state.
      out[i] = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
    }
  }
  return out;
}

/** Encodes float samples, clipping to [-1, 1]. */
export function encodePcm(samples: Float32Array, encoding: Encoding, headerBytes = 0): Uint8Array {
  const width = BYTES_PER_SAMPLE[encoding];
  const out = new Uint8Array(headerBytes + samples.length * width);
  const view = new DataView(out.buffer, headerBytes);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]));
    if (encoding === 's16le') view.setInt16(i * 2, Math.round(v < 0 ? v * 32768 : v * 32767), true);
    else view.setFloat32(i * 4, v, true);
  }
  return out;
}

/** Builds a server → client audio frame for `channel`. */
export function encodeAudioFrame(channel: number, samples: Float32Array, encoding: Encoding): Uint8Array {
  const frame = encodePcm(samples, encoding, AUDIO_HEADER_BYTES);
  frame[0] = channel;
  return frame;
}

/** Splits a server → client binary frame into its channel and float samples. */
export function decodeAudioFrame(
  frame: Uint8Array,
  encoding: Encoding,
): { channel: number; samples: Float32Array } {
  if (frame.byteLength < AUDIO_HEADER_BYTES) {
    throw new PipelineError('bad_frame_length', 'transport', { message: 'binary frame shorter than header' });
  }
  return { channel: frame[0], samples: decodePcm(frame.subarray(AUDIO_HEADER_BYTES), encoding) };
}

export function samplesToMs(samples: number, sampleRate: number): number {
  return (samples * 1000) / sampleRate;
}
