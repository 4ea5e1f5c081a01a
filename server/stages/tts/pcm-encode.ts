/** Float samples → wire PCM (little-endian, as the protocol's `encoding` says). */
export type PcmEncoding = 's16le' | 'f32le';

export function bytesPerSample(encoding: PcmEncoding): number {
  return encoding === 's16le' ? 2 : 4;
}

export function encodePcm(samples: Float32Array, encoding: PcmEncoding): Uint8Array {
  const out = new Uint8Array(samples.length * bytesPerSample(encoding));
  const view = new DataView(out.buffer);
  if (encoding === 'f32le') {
    for (let i = 0; i < samples.length; i++) view.setFloat32(4 * i, samples[i], true);
  } else {
    for (let i = 0; i < samples.length; i++) {
      const v = Math.max(-1, Math.min(1, samples[i]));
      view.setInt16(2 * i, Math.round(v * 32767), true);
    }
  }
  return out;
}
