/**
 * Greedy and beam search over any step function, so the same search runs on the ONNX graphs
 * (cached keys/values) and, in tests, on the training model (whole prefix recomputed).
 * Scores are sums of natural-log probabilities; beam ranks finished hypotheses by score divided
 * by the GNMT length penalty ((5 + length) / 6)^α. Every search stops at `maxLength` pieces.
 * Searches advance a step at a time, so `decodeTogether` can run several (one per source of a
 * batched session, e.g. a beam and a greedy backup) through shared decoder calls.
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
  /** Ids this search may never write (placeholders absent from its source). */
  banned?: readonly number[];
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

/**
 * A search advanced one decoder step at a time, so that several (one per source of a batch)
 * can share each decoder call.
 */
export interface StepwiseSearch {
  readonly done: boolean;
  /** Tokens to feed next, one per live row of this search. */
  readonly tokens: readonly number[];
  /** For each next row, the row of this search's previous step it continues. */
  readonly parents: readonly number[];
  /** Takes this search's rows of a step's log-probabilities, starting at row `firstRow`. */
  advance(logp: Float32Array, firstRow: number): void;
  result(): Hypothesis;
}

function banRows(logp: Float32Array, firstRow: number, rows: number, V: number, banned?: readonly number[]) {
  if (!banned?.length) return;
  for (let r = firstRow; r < firstRow + rows; r++)
    for (const id of banned) logp[r * V + id] = Number.NEGATIVE_INFINITY;
}

class GreedyRun implements StepwiseSearch {
  done = false;
  tokens: number[];
  readonly parents = [0];
  private readonly ids: number[] = [];
  private score = 0;
  private finished = false;

  constructor(
    private readonly o: SearchOptions,
    private readonly V: number,
  ) {
    this.tokens = [o.start];
    if (o.maxLength <= 0) this.done = true;
  }

  advance(logp: Float32Array, firstRow: number): void {
    banRows(logp, firstRow, 1, this.V, this.o.banned);
    const off = firstRow * this.V;
    // Id 0 is padding, never an output.
    let best = 1;
    for (let v = 2; v < this.V; v++) if (logp[off + v] > logp[off + best]) best = v;
    this.score += logp[off + best];
    if (best === this.o.eos) {
      this.finished = true;
      this.done = true;
      return;
    }
    this.ids.push(best);
    this.tokens = [best];
    if (this.ids.length >= this.o.maxLength) this.done = true;
  }

  result(): Hypothesis {
    const length = this.finished ? this.ids.length + 1 : this.ids.length;
    return { ids: this.ids, score: this.score, length, finished: this.finished };
  }
}

interface Alive {
  ids: number[];
  score: number;
}

class BeamRun implements StepwiseSearch {
  done = false;
  tokens: number[];
  parents: number[] = [0];
  private readonly k: number;
  private readonly alpha: number;
  private alive: Alive[] = [{ ids: [], score: 0 }];
  private readonly finished: Hypothesis[] = [];
  private bestFinished = Number.NEGATIVE_INFINITY;
  private t = 0;

  constructor(
    private readonly o: SearchOptions,
    private readonly V: number,
  ) {
    this.k = Math.max(1, o.beamSize ?? 4);
    this.alpha = o.lengthPenalty ?? 0;
    this.tokens = [o.start];
    if (o.maxLength <= 0) this.done = true;
  }

  private norm(h: { score: number; length: number }): number {
    return h.score / lengthPenalty(h.length, this.alpha);
  }

  advance(logp: Float32Array, firstRow: number): void {
    const { k, V, alive } = this;
    banRows(logp, firstRow, alive.length, V, this.o.banned);
    // Top 2k (row, token) candidates over all rows: enough for k to stay alive after ends.
    const cands: { row: number; token: number; score: number }[] = [];
    const want = 2 * k;
    for (let r = 0; r < alive.length; r++) {
      const base = alive[r].score;
      const off = (firstRow + r) * V;
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
      if (c.token === this.o.eos) {
        const h = { ids, score: c.score, length: this.t + 1, finished: true };
        this.finished.push(h);
        this.bestFinished = Math.max(this.bestFinished, this.norm(h));
      } else if (next.length < k) {
        next.push({ ids: [...ids, c.token], score: c.score });
        parents.push(c.row);
      }
      if (next.length >= k && this.finished.length >= k) break;
    }
    this.alive = next;
    this.tokens = next.map((h) => h.ids[h.ids.length - 1]);
    this.parents = parents;
    this.t++;
    // Scores only fall as pieces are added, so no alive hypothesis can beat the best finished
    // one once even its most favourable length-normalised score would not.
    const bestAlive = Math.max(...next.map((h) => h.score));
    this.done =
      !next.length ||
      this.t >= this.o.maxLength ||
      this.finished.length >= k ||
      bestAlive / lengthPenalty(this.o.maxLength, this.alpha) <= this.bestFinished;
  }

  result(): Hypothesis {
    // Out of length: what is still alive competes unfinished (the max-length guard).
    const all = [
      ...this.finished,
      ...this.alive.map((h) => ({ ids: h.ids, score: h.score, length: h.ids.length, finished: false })),
    ];
    let best = all[0];
    for (const h of all) if (this.norm(h) > this.norm(best)) best = h;
    return best;
  }
}

/** Beam search when `beamSize` > 1, else greedy, ready to be stepped. */
export function stepwiseSearch(o: SearchOptions, vocabSize: number): StepwiseSearch {
  return (o.beamSize ?? 1) > 1 ? new BeamRun(o, vocabSize) : new GreedyRun(o, vocabSize);
}

/**
 * Runs searches side by side, one decoder call per step for all: search i owns source i of the
 * session (its first row), and the rows of the searches still running are stacked in order.
 */
export async function decodeTogether(
  session: DecodeSession,
  searches: readonly StepwiseSearch[],
  signal?: AbortSignal,
): Promise<Hypothesis[]> {
  let firstRows = searches.map((_, i) => i);
  for (;;) {
    const running = searches.flatMap((s, i) => (s.done ? [] : [i]));
    if (!running.length) break;
    checkAbort(signal);
    const tokens: number[] = [];
    const reorder: number[] = [];
    const nextFirstRows = [...firstRows];
    for (const i of running) {
      const s = searches[i];
      nextFirstRows[i] = tokens.length;
      tokens.push(...s.tokens);
      for (const p of s.parents) reorder.push(firstRows[i] + p);
    }
    const logp = await session.step(tokens, reorder);
    for (const i of running) searches[i].advance(logp, nextFirstRows[i]);
    firstRows = nextFirstRows;
  }
  return searches.map((s) => s.result());
}

export async function greedySearch(session: DecodeSession, o: SearchOptions): Promise<Hypothesis> {
  const [h] = await decodeTogether(session, [new GreedyRun(o, session.vocabSize)], o.signal);
  return h;
}

export async function beamSearch(session: DecodeSession, o: SearchOptions): Promise<Hypothesis> {
  const [h] = await decodeTogether(session, [new BeamRun(o, session.vocabSize)], o.signal);
  return h;
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
