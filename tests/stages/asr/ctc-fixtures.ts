/** Hand-made CTC log-prob matrices for decoder tests. */
import { type LogProbMatrix, logProbMatrixFromRows } from '../../../server/stages/asr/ctc-types.ts';
import type { CharVocabulary } from '../../../server/stages/asr/vocabulary.ts';

/**
 * One frame's log-probs from a few named probabilities ('_' is the blank); the remaining mass
 * is spread evenly over the other tokens.
 */
export function row(vocab: CharVocabulary, dist: Record<string, number>): number[] {
  const p = new Array<number>(vocab.size).fill(-1);
  let named = 0;
  for (const [ch, prob] of Object.entries(dist)) {
    const id = ch === '_' ? vocab.blankId : vocab.idOf.get(ch);
    if (id === undefined) throw new Error(`no token ${ch}`);
    p[id] = prob;
    named += prob;
  }
  const others = p.filter((x) => x < 0).length;
  const rest = Math.max(1 - named, 1e-6 * others) / Math.max(others, 1);
  return p.map((x) => Math.log(x < 0 ? rest : x));
}

/** A blank frame, then for each character a peak frame and a blank frame. */
export function peakyRows(text: string, vocab: CharVocabulary, peak = 0.9): number[][] {
  const rows = [row(vocab, { _: peak })];
  for (const ch of text) {
    rows.push(row(vocab, { [ch]: peak }));
    rows.push(row(vocab, { _: peak }));
  }
  return rows;
}

export function matrix(rows: number[][]): LogProbMatrix {
  return logProbMatrixFromRows(rows);
}

/** Deterministic PRNG (mulberry32) so random tests are reproducible. */
export { mulberry32 as rng } from '../../../scripts/data/text/prng.ts';

/** Random peaky log-probs: mostly blank frames, sometimes one dominant character. */
export function randomPeaky(frames: number, vocabSize: number, random: () => number): LogProbMatrix {
  const data = new Float32Array(frames * vocabSize);
  for (let t = 0; t < frames; t++) {
    const logits = new Float64Array(vocabSize);
    for (let v = 0; v < vocabSize; v++) logits[v] = random() * 2;
    const top = random() < 0.6 ? 0 : 1 + Math.floor(random() * (vocabSize - 1));
    logits[top] += 4 + random() * 4;
    let z = 0;
    for (let v = 0; v < vocabSize; v++) z += Math.exp(logits[v]);
    const lz = Math.log(z);
    for (let v = 0; v < vocabSize; v++) data[t * vocabSize + v] = logits[v] - lz;
  }
  return { data, frames, vocabSize };
}
