/**
 * Trains a word n-gram LM with interpolated modified Kneser-Ney (Chen & Goodman 1998, with
 * KenLM's convention that n-grams starting with <s> keep raw counts), and stores it in backoff
 * form. Sized for domain text (thousands to a few hundred thousand sentences) in memory.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BOS, BOS_ID, EOS, EOS_ID, type NgramEntry, NgramLm, UNK, UNK_ID } from './ngram-lm.ts';
import { type AsrLanguage, normalizeText } from './vocabulary.ts';

export interface LmBuildOptions {
  /** n-gram order, default 3. */
  order?: number;
  /** When set, every line goes through the ASR normalization of that language first. */
  lang?: AsrLanguage;
  /**
   * Per order (index 0 = unigrams, ignored), n-grams seen fewer times than this are dropped
   * unless a kept longer n-gram needs them as its context, e.g. [1, 1, 2] drops singleton
   * trigrams. Backoff weights are then recomputed so every distribution still sums to 1.
   */
  minCounts?: number[];
}

/** Discounts D1, D2, D3+ for one order. */
export type Discounts = [number, number, number];

/** Fallback for orders whose count-of-counts are too sparse to estimate (tiny corpora). */
const FALLBACK_DISCOUNTS: Discounts = [0.5, 1.0, 1.5];

export function estimateDiscounts(countOfCounts: readonly number[]): Discounts {
  const [n1, n2, n3, n4] = [1, 2, 3, 4].map((k) => countOfCounts[k] ?? 0);
  if (n1 === 0 || n2 === 0 || n3 === 0 || n4 === 0) return [...FALLBACK_DISCOUNTS];
  const y = n1 / (n1 + 2 * n2);
  const d: Discounts = [1 - 2 * y * (n2 / n1), 2 - 3 * y * (n3 / n2), 3 - 4 * y * (n4 / n3)];
  // Each D_k must stay in (0, k) or a seen n-gram could lose all (or more than all) its mass.
  return d.map((x, i) => (Number.isFinite(x) && x > 0 && x < i + 1 ? x : FALLBACK_DISCOUNTS[i])) as Discounts;
}

function discountFor(d: Discounts, count: number): number {
  return count >= 3 ? d[2] : count === 2 ? d[1] : count === 1 ? d[0] : 0;
}

export function tokenizeLines(lines: Iterable<string>, lang?: AsrLanguage): string[][] {
  const out: string[][] = [];
  for (const line of lines) {
    const text = lang ? normalizeText(line, lang) : line.trim();
    const words = text.split(/\s+/).filter((w) => w.length > 0);
    if (words.length > 0) out.push(words);
  }
  return out;
}

export function buildNgramLm(lines: Iterable<string>, options: LmBuildOptions = {}): NgramLm {
  const order = options.order ?? 3;
  if (!Number.isInteger(order) || order < 1 || order > 6) throw new RangeError(`order ${order} not in 1..6`);
  const sentences = tokenizeLines(lines, options.lang);
  if (sentences.length === 0) throw new RangeError('cannot build an LM from empty text');

  const vocab = [UNK, BOS, EOS];
  const ids = new Map<string, number>(vocab.map((w, i) => [w, i]));
  for (const s of sentences) {
    for (const w of s) {
      if (!ids.has(w)) {
        ids.set(w, vocab.length);
        vocab.push(w);
      }
    }
  }

  // Raw counts of every window of length n ending at each predicted position.
  const raw: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  for (const s of sentences) {
    const seq = [BOS_ID, ...s.map((w) => ids.get(w)!), EOS_ID];
    for (let i = 1; i < seq.length; i++) {
      for (let n = 1; n <= Math.min(order, i + 1); n++) {
        const k = seq.slice(i - n + 1, i + 1).join(' ');
        raw[n - 1].set(k, (raw[n - 1].get(k) ?? 0) + 1);
      }
    }
  }
  // <s> as a unigram context: it starts every sentence but is never a predicted window.
  raw[0].set(`${BOS_ID}`, 0);

  // Adjusted counts: raw for the top order and for n-grams starting with <s>, otherwise the
  // number of distinct words seen to the left (continuation count).
  const adjusted: Map<string, number>[] = raw.map((m, i) =>
    i === order - 1 ? new Map(m) : new Map([...m.keys()].map((k) => [k, 0])),
  );
  for (let n = 2; n <= order; n++) {
    for (const k of raw[n - 1].keys()) {
      const suffix = k.slice(k.indexOf(' ') + 1);
      const lower = adjusted[n - 2];
      lower.set(suffix, (lower.get(suffix) ?? 0) + 1);
    }
  }
  for (let n = 1; n < order; n++) {
    for (const [k, c] of raw[n - 1]) {
      if (k === `${BOS_ID}` || k.startsWith(`${BOS_ID} `)) adjusted[n - 1].set(k, c);
    }
  }
  adjusted[0].set(`${BOS_ID}`, 0);

  const discounts = adjusted.map((m) => {
    const coc = [0, 0, 0, 0, 0];
    for (const c of m.values()) if (c >= 1 && c <= 4) coc[c]++;
    return estimateDiscounts(coc);
  });

  const tables: Map<string, NgramEntry>[] = Array.from({ length: order }, () => new Map());

  // Unigrams: discounted continuation counts interpolated with a uniform distribution over
  // every predictable word (which is where <unk> gets its mass).
  {
    const d = discounts[0];
    let total = 0;
    let freed = 0;
    for (const [k, c] of adjusted[0]) {
      if (k === `${BOS_ID}`) continue;
      total += c;
      freed += discountFor(d, c);
    }
    if (!adjusted[0].has(`${UNK_ID}`)) adjusted[0].set(`${UNK_ID}`, 0);
    const predictable = vocab.length - 1;
    const gamma = freed / total;
    for (const [k, c] of adjusted[0]) {
      const lp =
        k === `${BOS_ID}`
          ? Number.NEGATIVE_INFINITY
          : Math.log(Math.max(c - discountFor(d, c), 0) / total + gamma / predictable);
      tables[0].set(k, { logProb: lp, backoff: 0 });
    }
  }

  for (let n = 2; n <= order; n++) {
    const d = discounts[n - 1];
    const byContext = new Map<string, { word: number; count: number; key: string }[]>();
    for (const [k, c] of adjusted[n - 1]) {
      const cut = k.lastIndexOf(' ');
      const ctx = k.slice(0, cut);
      let list = byContext.get(ctx);
      if (!list) byContext.set(ctx, (list = []));
      list.push({ word: Number(k.slice(cut + 1)), count: c, key: k });
    }
    // Lower-order probabilities are read from the model built so far (orders < n).
    const lower = new NgramLm(n - 1, vocab, tables.slice(0, n - 1));
    for (const [ctx, list] of byContext) {
      let total = 0;
      let freed = 0;
      for (const e of list) {
        total += e.count;
        freed += discountFor(d, e.count);
      }
      const gamma = freed / total;
      const ctxIds = ctx.split(' ').map(Number);
      const shorter = ctxIds.slice(1);
      for (const e of list) {
        const p =
          Math.max(e.count - discountFor(d, e.count), 0) / total +
          gamma * Math.exp(lower.logProbIds(shorter, e.word));
        tables[n - 1].set(e.key, { logProb: Math.log(p), backoff: 0 });
      }
      const ctxEntry = tables[n - 2].get(ctx);
      if (ctxEntry) ctxEntry.backoff = Math.log(gamma);
    }
  }

  if (options.minCounts?.some((c, i) => i > 0 && c > 1)) {
    pruneByCount(tables, raw, options.minCounts, vocab);
  }
  return new NgramLm(order, vocab, tables, 'modified-kneser-ney');
}

/** Reads a UTF-8 text file (one sentence per line), builds the LM and writes its JSON. */
export function buildNgramLmFile(textPath: string, outPath: string, options: LmBuildOptions = {}): NgramLm {
  const lm = buildNgramLm(readFileSync(textPath, 'utf8').split(/\r?\n/), options);
  writeFileSync(outPath, JSON.stringify(lm.toJSON()));
  return lm;
}

export function loadNgramLm(path: string): NgramLm {
  return NgramLm.fromJSON(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * Drops rare n-grams (highest order first, keeping any that a kept longer n-gram uses as its
 * context), then renormalizes each context's backoff as SRILM does:
 * γ(h) = (1 − Σ_kept P(w|h)) / (1 − Σ_kept P_lower(w|h')), lowest order first because every
 * γ depends on the already-pruned lower orders.
 */
function pruneByCount(
  tables: Map<string, NgramEntry>[],
  raw: Map<string, number>[],
  minCounts: readonly number[],
  vocab: readonly string[],
): void {
  const order = tables.length;
  for (let n = order; n >= 2; n--) {
    const min = minCounts[n - 1] ?? 1;
    const neededContexts = new Set<string>();
    if (n < order) for (const k of tables[n].keys()) neededContexts.add(k.slice(0, k.lastIndexOf(' ')));
    if (min <= 1) continue;
    for (const k of [...tables[n - 1].keys()]) {
      if ((raw[n - 1].get(k) ?? 0) < min && !neededContexts.has(k)) tables[n - 1].delete(k);
    }
  }
  for (let n = 2; n <= order; n++) {
    const lower = new NgramLm(n - 1, vocab, tables.slice(0, n - 1));
    const kept = new Map<string, { p: number; pLower: number }>();
    for (const [k, e] of tables[n - 1]) {
      const ids = k.split(' ').map(Number);
      const ctx = k.slice(0, k.lastIndexOf(' '));
      const acc = kept.get(ctx) ?? { p: 0, pLower: 0 };
      acc.p += Math.exp(e.logProb);
      acc.pLower += Math.exp(lower.logProbIds(ids.slice(1, -1), ids[ids.length - 1]));
      kept.set(ctx, acc);
    }
    for (const [ctx, entry] of tables[n - 2]) {
      const acc = kept.get(ctx);
      if (!acc) {
        entry.backoff = 0;
        continue;
      }
      const num = Math.max(1 - acc.p, 1e-12);
      const den = Math.max(1 - acc.pLower, 1e-12);
      entry.backoff = Math.log(num / den);
    }
  }
}
