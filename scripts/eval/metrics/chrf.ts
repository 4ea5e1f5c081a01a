/**
 * chrF as sacreBLEU 2.x computes it (sacrebleu/metrics/chrf.py, defaults): character n-grams
 * of order 1..6 with whitespace removed, beta = 2, statistics summed over the corpus before
 * the F-score, precision and recall averaged over the orders that have both hypothesis and
 * reference n-grams ("effective order"). Scores are in [0, 100].
 */

export interface ChrfOptions {
  charOrder?: number;
  beta?: number;
  /** Keep whitespace inside n-grams (sacreBLEU `whitespace=True`). */
  whitespace?: boolean;
  lowercase?: boolean;
  /** chrF++.py-style epsilon smoothing instead of effective order (sacreBLEU `eps_smoothing`). */
  epsSmoothing?: boolean;
}

/** Per order: [hypothesis n-grams, reference n-grams, matches], flattened. */
export type ChrfStats = number[];

const DEFAULTS: Required<ChrfOptions> = {
  charOrder: 6,
  beta: 2,
  whitespace: false,
  lowercase: false,
  epsSmoothing: false,
};

/**
 * Corpus chrF. `references` is a list of reference streams (each as long as `hypotheses`),
 * as in sacrebleu.corpus_chrf; per sentence the reference with the best F-score counts.
 */
export function corpusChrf(hypotheses: string[], references: string[][], options: ChrfOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  for (const stream of references) {
    if (stream.length !== hypotheses.length) throw new Error('chrF: reference and hypothesis counts differ');
  }
  const total: ChrfStats = new Array(o.charOrder * 3).fill(0);
  hypotheses.forEach((hyp, i) => {
    const stats = sentenceStats(
      hyp,
      references.map((r) => r[i]),
      o,
    );
    for (let k = 0; k < total.length; k++) total[k] += stats[k];
  });
  return chrfFromStats(total, o);
}

export function sentenceChrf(hypothesis: string, references: string[], options: ChrfOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  return chrfFromStats(sentenceStats(hypothesis, references, o), o);
}

export function chrfFromStats(stats: ChrfStats, options: ChrfOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  const eps = 1e-16;
  const factor = o.beta ** 2;
  let epsScore = 0;
  let avgPrec = 0;
  let avgRec = 0;
  let effectiveOrder = 0;
  for (let i = 0; i < o.charOrder; i++) {
    const [nHyp, nRef, nMatch] = stats.slice(3 * i, 3 * i + 3);
    const prec = nHyp > 0 ? nMatch / nHyp : eps;
    const rec = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * prec + rec;
    epsScore += denom > 0 ? ((1 + factor) * prec * rec) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      avgPrec += prec;
      avgRec += rec;
      effectiveOrder++;
    }
  }
  if (o.epsSmoothing) return (100 * epsScore) / o.charOrder;
  if (effectiveOrder === 0) return 0;
  avgPrec /= effectiveOrder;
  avgRec /= effectiveOrder;
  if (avgPrec + avgRec === 0) return 0;
  return (100 * ((1 + factor) * avgPrec * avgRec)) / (factor * avgPrec + avgRec);
}

function sentenceStats(hypothesis: string, references: string[], o: Required<ChrfOptions>): ChrfStats {
  const hypNgrams = charNgrams(prepare(hypothesis, o), o);
  let best: ChrfStats = [];
  let bestF = -1;
  for (const ref of references) {
    const refNgrams = charNgrams(prepare(ref, o), o);
    const stats: ChrfStats = [];
    for (let n = 0; n < o.charOrder; n++) stats.push(...matchStats(hypNgrams[n], refNgrams[n]));
    const f = chrfFromStats(stats, o);
    if (f > bestF) {
      bestF = f;
      best = stats;
    }
  }
  return best;
}

function matchStats(hyp: Map<string, number>, ref: Map<string, number>): [number, number, number] {
  let hypCount = 0;
  let matches = 0;
  for (const [ng, count] of hyp) {
    hypCount += count;
    const r = ref.get(ng);
    if (r) matches += Math.min(count, r);
  }
  let refCount = 0;
  for (const c of ref.values()) refCount += c;
  // sacreBLEU does not count hypothesis n-grams of an order the reference lacks entirely.
  return [ref.size > 0 ? hypCount : 0, refCount, matches];
}

function prepare(s: string, o: Required<ChrfOptions>): string[] {
  const text = o.lowercase ? s.toLowerCase() : s;
  // Python str.split() + join: drop all whitespace; Array.from counts code points like Python.
  return Array.from(o.whitespace ? text : text.split(/\s+/).join(''));
}

function charNgrams(chars: string[], o: Required<ChrfOptions>): Map<string, number>[] {
  const out: Map<string, number>[] = [];
  for (let n = 1; n <= o.charOrder; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= chars.length; i++) {
      const ng = chars.slice(i, i + n).join('');
      counts.set(ng, (counts.get(ng) ?? 0) + 1);
    }
    out.push(counts);
  }
  return out;
}
