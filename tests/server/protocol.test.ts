import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../server/errors.ts';
import {
  decodeAudioFrame,
  decodePcm,
  encodeAudioFrame,
  encodePcm,
} from '../../server/protocol/audio-codec.ts';
import { clientMessage, serverMessage } from '../../server/protocol/messages.ts';

describe('audio codec', () => {
  const samples = new Float32Array([0, 0.5, -0.5, 1, -1, 0.25]);

  it('round-trips s16le within one LSB and f32le exactly', () => {
    const s16 = decodePcm(encodePcm(samples, 's16le'), 's16le');
    for (const [i, v] of samples.entries()) expect(Math.abs(s16[i] - v)).toBeLessThanOrEqual(1 / 32768);
    expect(Array.from(decodePcm(encodePcm(samples, 'f32le'), 'f32le'))).toEqual(Array.from(samples));
  });

  it('rejects a partial sample with bad_frame_length', () => {
    expect(() => decodePcm(new Uint8Array(3), 's16le')).toThrow(
      expect.objectContaining({ code: 'bad_frame_length' }),
    );
    expect(() => decodePcm(new Uint8Array(6), 'f32le')).toThrow(
      expect.objectContaining({ code: 'bad_frame_length' }),
    );
  });

  it('replaces NaN/Inf in f32le input and clips to [-1, 1]', () => {
    const bytes = new Uint8Array(12);
    const view = new DataView(bytes.buffer);
    view.setFloat32(0, Number.NaN, true);
    view.setFloat32(4, Number.POSITIVE_INFINITY, true);
    view.setFloat32(8, 3, true);
    expect(Array.from(decodePcm(bytes, 'f32le'))).toEqual([0, 0, 1]);
  });

  it('frames server audio with a 4-byte channel header', () => {
    const frame = encodeAudioFrame(1, samples, 'f32le');
    expect(frame.byteLength).toBe(4 + samples.length * 4);
    expect(Array.from(frame.subarray(0, 4))).toEqual([1, 0, 0, 0]);
    const { channel, samples: back } = decodeAudioFrame(frame, 'f32le');
    expect(channel).toBe(1);
    expect(Array.from(back)).toEqual(Array.from(samples));
  });
});

describe('message schemas', () => {
  it('fills start defaults and rejects wrong types', () => {
    expect(clientMessage.parse({ type: 'start', sampleRate: 16000, encoding: 's16le' })).toEqual({
      type: 'start',
      sampleRate: 16000,
      encoding: 's16le',
      source: 'en',
      target: 'es',
      partials: true,
      returnDenoised: false,
    });
    expect(clientMessage.safeParse({ type: 'start', sampleRate: '16000', encoding: 's16le' }).success).toBe(
      false,
    );
    expect(clientMessage.safeParse({ type: 'config', hotwords: ['check-in', 'pharmacy'] }).success).toBe(
      true,
    );
  });

  it('accepts every error code in error messages', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(serverMessage.safeParse({ type: 'error', code, message: 'x', recoverable: true }).success).toBe(
        true,
      );
    }
  });
});
