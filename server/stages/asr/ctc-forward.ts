/**
 * CTC forward algorithm: ln P(tokens | log-probs), summed over every alignment. Used to
 * score a transcript independently of any decoder (tests, diagnostics, rescoring).
 */
import { type LogProbMatrix, logAddExp } from './ctc-types.ts';

export function ctcLogLikelihood(m: LogProbMatrix, tokens: readonly number[], blankId = 0): number {
  const { data, frames, vocabSize } = m;
  const S = 2 * tokens.length + 1;
  const label = (s: number) => (s % 2 === 0 ? blankId : tokens[(s - 1) >> 1]);
  if (frames === 0) return tokens.length === 0 ? 0 : Number.NEGATIVE_INFINITY;
  let alpha = new Float64Array(S).fill(Number.NEGATIVE_INFINITY);
  alpha[0] = data[blankId];
  if (S > 1) alpha[1] = data[label(1)];
  for (let t = 1; t < frames; t++) {
    const next = new Float64Array(S).fill(Number.NEGATIVE_INFINITY);
    const row = t * vocabSize;
    for (let s = 0; s < S; s++) {
      let a = alpha[s];
      if (s >= 1) a = logAddExp(a, alpha[s - 1]);
      if (s >= 2 && s % 2 === 1 && label(s) !== label(s - 2)) a = logAddExp(a, alpha[s - 2]);
      next[s] = a + data[row + label(s)];
    }
    alpha = next;
  }
  return S > 1 ? logAddExp(alpha[S - 1], alpha[S - 2]) : alpha[0];
}
