/**
 * Monotonic alignment search (Glow-TTS / RAD-TTS): the most likely monotonic path through a
 * frame × symbol log-probability matrix that starts at symbol 0 on frame 0, ends at the last
 * symbol on the last frame and at each frame stays or moves one symbol on. Every symbol thus
 * gets at least one frame and the durations sum to the frame count. Plus the beta-binomial
 * alignment prior RAD-TTS adds to the aligner's log-probs, which keeps the path near the
 * diagonal early in training.
 */

/** logp row-major [frames, symbols] (any finite or −Infinity values) → frames per symbol. */
export function monotonicAlignment(logp: ArrayLike<number>, frames: number, symbols: number): Int32Array {
  if (symbols < 1) throw new RangeError('monotonicAlignment: no symbols');
  if (frames < symbols)
    throw new RangeError(
      `monotonicAlignment: ${frames} frames cannot give ${symbols} symbols one frame each`,
    );
  const T = frames;
  const N = symbols;
  const NEG = Number.NEGATIVE_INFINITY;
  // q[t·N + n]: best log score of a path reaching (t, n); from[t·N + n]: 1 when it came from n−1.
  const q = new Float64Array(T * N).fill(NEG);
  const from = new Uint8Array(T * N);
  q[0] = logp[0];
  for (let t = 1; t < T; t++) {
    // symbol n is reachable at frame t only if n ≤ t, and the rest can still fit: N−1−n ≤ T−1−t
    const lo = Math.max(0, N - T + t);
    const hi = Math.min(N - 1, t);
    for (let n = lo; n <= hi; n++) {
      const stay = q[(t - 1) * N + n];
      const move = n > 0 ? q[(t - 1) * N + n - 1] : NEG;
      const best = Math.max(move, stay);
      from[t * N + n] = move > stay ? 1 : 0;
      // a −Infinity cell still keeps the path shape: treat it as a very small score
      const v = logp[t * N + n];
      q[t * N + n] = best + (v === NEG ? -1e30 : v);
    }
  }
  const durations = new Int32Array(N);
  let n = N - 1;
  for (let t = T - 1; t >= 0; t--) {
    durations[n]++;
    if (t > 0 && from[t * N + n]) n--;
  }
  if (n !== 0) throw new Error('monotonicAlignment: backtrack did not reach the first symbol');
  return durations;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7): enough precision for priors. */
export function logGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
    12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * log P(symbol n | frame t) under RAD-TTS's prior: for frame t (1-based i = t+1 of T) the
 * symbol index is BetaBinomial(N−1, α = s·i, β = s·(T+1−i)). Row-major [T, N]; rows sum to 1.
 */
export function betaBinomialLogPrior(frames: number, symbols: number, scaling = 1): Float32Array {
  const T = frames;
  const N = symbols;
  const out = new Float32Array(T * N);
  const k = N - 1;
  const logChoose = new Float64Array(N);
  for (let n = 0; n < N; n++) logChoose[n] = logGamma(k + 1) - logGamma(n + 1) - logGamma(k - n + 1);
  for (let t = 0; t < T; t++) {
    const a = scaling * (t + 1);
    const b = scaling * (T - t);
    const lb = logBeta(a, b);
    for (let n = 0; n < N; n++) out[t * N + n] = logChoose[n] + logBeta(n + a, k - n + b) - lb;
  }
  return out;
}
