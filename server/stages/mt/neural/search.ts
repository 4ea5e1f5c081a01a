/**
 * Greedy and beam search over any step function, so the same search runs on the ONNX graphs
 * (cached keys/values) and, in tests, on the training model (whole prefix recomputed).
 * Scores are sums of natural-log probabilities; beam ranks finished hypotheses by score divided
 * by the GNMT length penalty ((5 + length) / 6)^α. Every search stops at `maxLength` pieces.
 */
import { PipelineError } from '../../../errors.ts';

export interface DecodeSession {
  /**
   * Feeds one token per row and returns log-probabilities, rows × vocab, row-major.
   * `reorder[i]` names the previous row whose history row i continues (beam back-pointers);
   * omitted, the rows continue in place.
   */
  step(tokens: readonly number[], reorder?: readonly number[]): Promise<Float32Array>;
  readonly vocabSize: number;
}

export interface SearchOptions {
  /** First decoder token (the target-language tag). */
  start: number;
  eos: number;
  /** At most this many generated pieces (the end mark included). */
  maxLength: number;
  beamSize?: number;
  lengthPenalty?: number;
  signal?: AbortSignal;
}

export interface Hypothesis {
  /** Generated pieces without the start token and without the end mark. */
  ids: number[];
  /** Σ log p over the generated pieces, end mark included when it was produced. */
  score: number;
  /** Pieces the score covers. */
  length: number;
  finished: boolean;
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const reason = signal.reason;
    throw reason instanceof PipelineError
      ? reason
      : new PipelineError('timeout', 'mt', { message: 'translation aborted' });
  }
}

export function lengthPenalty(length: number, alpha: number): number {
  return alpha === 0 ? 1 : ((5 + length) / 6) ** alpha;
}

export async function greedySearch(session: DecodeSession, o: SearchOptions): Promise<Hypothesis> {
  const ids: number[] = [];
  let score = 0;
  let token = o.start;
  const V = session.vocabSize;
  for (let t = 0; t < o.maxLength; t++) {
    checkAbort(o.signal);
    const logp = await session.step([token]);
    // Id 0 is padding, never an output.
    let best = 1;
    for (let v = 2; v < V; v++) if (logp[v] > logp[best]) best = v;
    score += logp[best];
    if (best === o.eos) return { ids, score, length: t + 1, finished: true };
    ids.push(best);
    token = best;
  }
  return { ids, score, length: ids.length, finished: false };
}

interface Alive {
  ids: number[];
  score: number;
}

export async function beamSearch(session: DecodeSession, o: SearchOptions): Promise<Hypothesis> {
  const k = Math.max(1, o.beamSize ?? 4);
  const alpha = o.lengthPenalty ?? 0;
  const V = session.vocabSize;
  const norm = (h: { score: number; length: number }) => h.score / lengthPenalty(h.length, alpha);
  let alive: Alive[] = [{ ids: [], score: 0 }];
  let tokens = [o.start];
  let reorder: number[] | undefined;
  const finished: Hypothesis[] = [];
  let bestFinished = Number.NEGATIVE_INFINITY;
  for (let t = 0; t < o.maxLength && alive.length; t++) {
    checkAbort(o.signal);
    const logp = await session.step(tokens, reorder);
    // Top 2k (row, token) candidates over all rows: enough for k to stay alive after ends.
    const cands: { row: number; token: number; score: number }[] = [];
    const want = 2 * k;
    for (let r = 0; r < alive.length; r++) {
      const base = alive[r].score;
      const off = r * V;
      for (let v = 1; v < V; v++) {
        const s = base + logp[off + v];
        if (cands.length < want) {
          cands.push({ row: r, token: v, score: s });
          if (cands.length === want) cands.sort((a, b) => b.score - a.score);
        } else if (s > cands[want - 1].score) {
          let i = want - 1;
          while (i > 0 && cands[i - 1].score < s) i--;
          cands.splice(i, 0, { row: r, token: v, score: s });
          cands.pop();
        }
      }
    }
    cands.sort((a, b) => b.score - a.score);
    const next: Alive[] = [];
    const parents: number[] = [];
    for (const c of cands) {
      const ids = alive[c.row].ids;
      if (c.token === o.eos) {
        const h = { ids, score: c.score, length: t + 1, finished: true };
        finished.push(h);
        bestFinished = Math.max(bestFinished, norm(h));
      } else if (next.length < k) {
        next.push({ ids: [...ids, c.token], score: c.score });
        parents.push(c.row);
      }
      if (next.length >= k && finished.length >= k) break;
    }
    alive = next;
    tokens = next.map((h) => h.ids[h.ids.length - 1]);
    reorder = parents;
    if (finished.length >= k) break;
    // Scores only fall as pieces are added, so no alive hypothesis can beat the best finished
    // one once even its most favourable length-normalised score would not.
    const bestAlive = Math.max(...alive.map((h) => h.score));
    if (alive.length && bestAlive / lengthPenalty(o.maxLength, alpha) <= bestFinished) break;
  }
  // Out of length: what is still alive competes unfinished (the max-length guard).
  for (const h of alive) finished.push({ ids: h.ids, score: h.score, length: h.ids.length, finished: false });
  let best = finished[0];
  for (const h of finished) if (norm(h) > norm(best)) best = h;
  return best;
}

/** exp(mean log p per piece) in [0, 1]: how sure the model was of its own output. */
export function confidenceOf(h: Hypothesis): number {
  return h.length ? Math.exp(h.score / h.length) : 0;
}

/** Natural-log softmax of each row of `logits` [rows × V], in place. */
export function logSoftmaxRows(logits: Float32Array, rows: number, V: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    const off = r * V;
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < V; v++) if (logits[off + v] > max) max = logits[off + v];
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[off + v] - max);
    const lse = max + Math.log(sum);
    for (let v = 0; v < V; v++) logits[off + v] -= lse;
  }
  return logits;
}
