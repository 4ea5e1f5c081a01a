/**
 * Word n-gram language model in backoff form (what an ARPA file holds): every stored n-gram
 * has its full (already interpolated) log-probability, every stored context its backoff
 * weight. Interpolated Kneser-Ney converts exactly to this form with backoff(h) = γ(h), so
 * lookups are a few map hits and the beam search can afford one per word boundary.
 * Log-probabilities are natural logs. Built by lm-builder.ts.
 */
export const UNK = '<unk>';
export const BOS = '<s>';
export const EOS = '</s>';
export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;

/** Stand-in for log(0) in the serialized form (<s> is never predicted), as ARPA's -99. */
const NEVER_LOG_PROB = -99;

export interface NgramEntry {
  logProb: number;
  /** ln γ(h) when this n-gram is a context of a longer one; 0 otherwise. */
  backoff: number;
}

export interface NgramLmJson {
  format: 'tolk-ngram-lm';
  version: 1;
  order: number;
  smoothing: string;
  /** Index = word id; 0..2 are <unk>, <s>, </s>. */
  vocab: string[];
  /** One table per order 1..N: flat ids (n per gram), log-probs and backoffs rounded to 1e-4 nats (far below what changes a decision). */
  orders: { n: number; ids: number[]; logProb: number[]; backoff: number[] }[];
}

function key(ids: readonly number[], start: number, end: number): string {
  let k = '';
  for (let i = start; i < end; i++) k += i === start ? `${ids[i]}` : ` ${ids[i]}`;
  return k;
}

/**
 * An LM history (the last order − 1 word ids), interned per model, with a cache of the
 * words already scored after it: the beam search asks the same questions many times.
 */
export interface LmState {
  readonly context: readonly number[];
  readonly next: Map<number, { logProb: number; state: LmState }>;
}

/** Interned states kept before the cache is dropped (bounds memory on a long-lived server). */
const MAX_CACHED_STATES = 200_000;

export class NgramLm {
  private readonly wordIds = new Map<string, number>();
  private states = new Map<string, LmState>();
  /** tables[n-1] maps "id id id" → entry for n-grams of length n. */
  private readonly tables: Map<string, NgramEntry>[];

  constructor(
    readonly order: number,
    readonly vocab: readonly string[],
    tables: Map<string, NgramEntry>[],
    readonly smoothing = 'modified-kneser-ney',
  ) {
    if (vocab[UNK_ID] !== UNK || vocab[BOS_ID] !== BOS || vocab[EOS_ID] !== EOS) {
      throw new Error('n-gram vocab must start with <unk>, <s>, </s>');
    }
    if (tables.length !== order) throw new Error(`expected ${order} n-gram tables, got ${tables.length}`);
    vocab.forEach((w, i) => {
      this.wordIds.set(w, i);
    });
    this.tables = tables;
  }

  /** Word → id; unknown words map to <unk>. */
  wordId(word: string): number {
    return this.wordIds.get(word) ?? UNK_ID;
  }

  hasWord(word: string): boolean {
    return this.wordIds.has(word);
  }

  entry(ids: readonly number[]): NgramEntry | undefined {
    return this.tables[ids.length - 1]?.get(key(ids, 0, ids.length));
  }

  /**
   * ln P(word | context): the longest stored suffix of context+word wins; each context
   * suffix that had to be shortened adds its backoff weight.
   */
  logProbIds(context: readonly number[], wordId: number): number {
    const hist = context.length > this.order - 1 ? context.slice(context.length - (this.order - 1)) : context;
    const ids = [...hist, wordId];
    const end = ids.length;
    let acc = 0;
    for (let n = end; n >= 1; n--) {
      const start = end - n;
      const hit = this.tables[n - 1].get(key(ids, start, end));
      if (hit) return acc + hit.logProb;
      if (n > 1) {
        const ctx = this.tables[n - 2].get(key(ids, start, end - 1));
        if (ctx) acc += ctx.backoff;
      }
    }
    // Unreachable for ids in the vocabulary: every word has a unigram.
    return acc + this.tables[0].get(`${UNK_ID}`)!.logProb;
  }

  /** The state at the start of a sentence (history <s>). */
  initialState(): LmState {
    return this.state([BOS_ID]);
  }

  /** Scores wordId after the state's history and returns the history that follows. */
  advance(from: LmState, wordId: number): { logProb: number; state: LmState } {
    const cached = from.next.get(wordId);
    if (cached) return cached;
    const logProb = this.logProbIds(from.context, wordId);
    const ctx = [...from.context, wordId];
    const state = this.state(ctx.length > this.order - 1 ? ctx.slice(ctx.length - (this.order - 1)) : ctx);
    const step = { logProb, state };
    from.next.set(wordId, step);
    return step;
  }

  private state(context: number[]): LmState {
    const k = context.join(' ');
    let s = this.states.get(k);
    if (!s) {
      if (this.states.size >= MAX_CACHED_STATES) this.states = new Map();
      this.states.set(k, (s = { context, next: new Map() }));
    }
    return s;
  }

  logProb(word: string, context: readonly string[] = [BOS]): number {
    return this.logProbIds(
      context.map((w) => this.wordId(w)),
      this.wordId(word),
    );
  }

  /** ln P(words + </s> | <s>). */
  sentenceLogProb(words: readonly string[]): number {
    const ids = [BOS_ID, ...words.map((w) => this.wordId(w)), EOS_ID];
    let total = 0;
    for (let i = 1; i < ids.length; i++)
      total += this.logProbIds(ids.slice(Math.max(0, i - this.order + 1), i), ids[i]);
    return total;
  }

  /**
   * Perplexity over whitespace-tokenized lines (already normalized), counting </s> and
   * scoring out-of-vocabulary words as <unk>.
   */
  perplexity(lines: Iterable<string>): number {
    let logSum = 0;
    let tokens = 0;
    for (const line of lines) {
      const words = line.split(/\s+/).filter((w) => w.length > 0);
      if (words.length === 0) continue;
      logSum += this.sentenceLogProb(words);
      tokens += words.length + 1;
    }
    if (tokens === 0) throw new RangeError('perplexity of an empty text');
    return Math.exp(-logSum / tokens);
  }

  /** Ids that can be predicted: every word except <s>. */
  predictableIds(): number[] {
    return this.vocab.map((_, i) => i).filter((i) => i !== BOS_ID);
  }

  toJSON(): NgramLmJson {
    const round = (x: number) => Math.round(x * 1e4) / 1e4;
    return {
      format: 'tolk-ngram-lm',
      version: 1,
      order: this.order,
      smoothing: this.smoothing,
      vocab: [...this.vocab],
      orders: this.tables.map((table, i) => {
        const ids: number[] = [];
        const logProb: number[] = [];
        const backoff: number[] = [];
        for (const [k, e] of table) {
          for (const id of k.split(' ')) ids.push(Number(id));
          logProb.push(Number.isFinite(e.logProb) ? round(e.logProb) : NEVER_LOG_PROB);
          backoff.push(round(e.backoff));
        }
        return { n: i + 1, ids, logProb, backoff };
      }),
    };
  }

  static fromJSON(json: NgramLmJson): NgramLm {
    if (json.format !== 'tolk-ngram-lm' || json.version !== 1) {
      throw new Error(
        `not a tolk n-gram LM (format ${String(json.format)}, version ${String(json.version)})`,
      );
    }
    const tables = json.orders.map(({ n, ids, logProb, backoff }) => {
      if (ids.length !== n * logProb.length || backoff.length !== logProb.length) {
        throw new Error(`corrupt ${n}-gram table`);
      }
      const table = new Map<string, NgramEntry>();
      for (let g = 0; g < logProb.length; g++) {
        const lp = logProb[g] <= NEVER_LOG_PROB ? Number.NEGATIVE_INFINITY : logProb[g];
        table.set(key(ids, g * n, g * n + n), { logProb: lp, backoff: backoff[g] });
      }
      return table;
    });
    return new NgramLm(json.order, json.vocab, tables, json.smoothing);
  }
}
