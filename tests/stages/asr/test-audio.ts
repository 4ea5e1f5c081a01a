/** Speech-like test audio for the ASR tests. */

export interface ChirpShape {
  /** Samples the chirp is on, then off, in turn. */
  gate: number;
  /** Start frequency in Hz. */
  hz: number;
  /** Frequency added by the end of the clip, in Hz. */
  sweep: number;
}

/** A rising chirp gated on and off at 16 kHz, plus a little seeded (LCG) noise. */
export function gatedChirp(seconds: number, seed: number, shape: ChirpShape): Float32Array {
  const n = Math.round(seconds * 16000);
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const gate = Math.floor(i / shape.gate) % 2;
    x[i] =
      0.3 * gate * Math.sin((2 * Math.PI * (shape.hz + (shape.sweep * i) / n) * i) / 16000) +
      0.01 * (s / 2 ** 32 - 0.5);
  }
  return x;
}
