/** Synthetic test audio: tone bursts ("speech") separated by silence, with exact times. */
export interface Burst {
  startMs: number;
  endMs: number;
}

export function toneBursts(
  sampleRate: number,
  totalMs: number,
  bursts: Burst[],
  amplitude = 0.3,
): Float32Array {
  const out = new Float32Array(Math.round((sampleRate * totalMs) / 1000));
  for (const b of bursts) {
    const from = Math.round((sampleRate * b.startMs) / 1000);
    const to = Math.round((sampleRate * b.endMs) / 1000);
    for (let i = from; i < to; i++) out[i] = amplitude * Math.sin((2 * Math.PI * 220 * i) / sampleRate);
  }
  return out;
}

export function toS16le(samples: Float32Array): Uint8Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) pcm[i] = Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767);
  return new Uint8Array(pcm.buffer);
}
