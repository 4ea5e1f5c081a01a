/**
 * Corpus BLEU as sacreBLEU 2.x computes it (sacrebleu/metrics/bleu.py with defaults):
 * 13a tokenisation (mteval-v13a), n-grams 1..4 clipped against the references, statistics
 * summed over the corpus, brevity penalty from the summed closest reference lengths, and
 * sacreBLEU's default smoothing "exp" (which only matters when some order has no match at
 * all in the whole corpus; "none" is available for the textbook definition). Scores in [0, 100].
 */

export type BleuSmoothing = 'exp' | 'none' | 'floor' | 'add-k';

export interface BleuOptions {
  smoothing?: BleuSmoothing;
  /** For floor (default 0.1) and add-k (default 1). */
  smoothValue?: number;
  lowercase?: boolean;
  /** '13a' (default) or 'none' (split on whitespace only). */
  tokenize?: '13a' | 'none';
  maxOrder?: number;
  /** Stop at the highest order with any hypothesis n-gram (sentence-level use). */
  effectiveOrder?: boolean;
}

export interface BleuStats {
  sysLen: number;
  refLen: number;
  correct: number[];
  total: number[];
}

export interface BleuScore extends BleuStats {
  score: number;
  precisions: number[];
  bp: number;
}

const DEFAULTS: Required<Omit<BleuOptions, 'smoothValue'>> = {
  smoothing: 'exp',
  lowercase: false,
  tokenize: '13a',
  maxOrder: 4,
  effectiveOrder: false,
};

/** `references` is a list of reference streams, as in sacrebleu.corpus_bleu. */
export function corpusBleu(
  hypotheses: string[],
  references: string[][],
  options: BleuOptions = {},
): BleuScore {
  const o = { ...DEFAULTS, ...options };
  for (const stream of references) {
    if (stream.length !== hypotheses.length) throw new Error('BLEU: reference and hypothesis counts differ');
  }
  const stats: BleuStats = {
    sysLen: 0,
    refLen: 0,
    correct: new Array(o.maxOrder).fill(0),
    total: new Array(o.maxOrder).fill(0),
  };
  hypotheses.forEach((hyp, i) => {
    const s = sentenceStats(
      hyp,
      references.map((r) => r[i]),
      o,
    );
    stats.sysLen += s.sysLen;
    stats.refLen += s.refLen;
    for (let n = 0; n < o.maxOrder; n++) {
      stats.correct[n] += s.correct[n];
      stats.total[n] += s.total[n];
    }
  });
  return bleuFromStats(stats, options);
}

/** sacreBLEU's BLEU.compute_bleu (note: its own default smoothing there is 'none'). */
export function bleuFromStats(stats: BleuStats, options: BleuOptions = {}): BleuScore {
  const o = { ...DEFAULTS, ...options };
  const correct = [...stats.correct];
  const total = [...stats.total];
  const { sysLen, refLen } = stats;
  const smoothValue =
    options.smoothValue ?? (o.smoothing === 'floor' ? 0.1 : o.smoothing === 'add-k' ? 1 : 0);
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array(o.maxOrder).fill(0);
  const result = (score: number): BleuScore => ({ score, precisions, bp, sysLen, refLen, correct, total });
  if (!correct.some((c) => c > 0)) return result(0);

  let smoothMteval = 1;
  let effOrder = o.maxOrder;
  for (let n = 1; n <= o.maxOrder; n++) {
    if (o.smoothing === 'add-k' && n > 1) {
      correct[n - 1] += smoothValue;
      total[n - 1] += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (o.effectiveOrder) effOrder = n;
    if (correct[n - 1] === 0) {
      if (o.smoothing === 'exp') {
        smoothMteval *= 2;
        precisions[n - 1] = 100 / (smoothMteval * total[n - 1]);
      } else if (o.smoothing === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1];
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]) / total[n - 1];
    }
  }
  const logSum = precisions.slice(0, effOrder).reduce((acc, p) => acc + flooredLog(p), 0);
  return result(bp * Math.exp(logSum / effOrder));
}

/** mteval-v13a tokenisation as in sacrebleu/tokenizers/tokenizer_13a.py + tokenizer_re.py. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) {
    s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  s = ` ${s} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, ' $1 ');
  s = s.replace(/([^0-9])([.,])/g, '$1 $2 ');
  s = s.replace(/([.,])([^0-9])/g, ' $1 $2');
  s = s.replace(/([0-9])(-)/g, '$1 $2 ');
  return splitWords(s).join(' ');
}

function sentenceStats(
  hypothesis: string,
  references: string[],
  o: Required<Omit<BleuOptions, 'smoothValue'>>,
): BleuStats {
  const prep = (s: string) => {
    // sacreBLEU: optional lowercasing, rstrip, then tokenise.
    const t = (o.lowercase ? s.toLowerCase() : s).replace(/\s+$/, '');
    return splitWords(o.tokenize === '13a' ? tokenize13a(t) : t);
  };
  const hypTokens = prep(hypothesis);
  const refNgrams = new Map<string, number>();
  const refLens: number[] = [];
  for (const ref of references) {
    const tokens = prep(ref);
    refLens.push(tokens.length);
    // Multiple references: clip each n-gram by its maximum count in any one reference.
    for (const [ng, c] of ngrams(tokens, o.maxOrder)) refNgrams.set(ng, Math.max(refNgrams.get(ng) ?? 0, c));
  }
  const correct = new Array(o.maxOrder).fill(0);
  const total = new Array(o.maxOrder).fill(0);
  for (const [ng, c] of ngrams(hypTokens, o.maxOrder)) {
    const n = ng.split('\u0001').length - 1;
    total[n] += c;
    const r = refNgrams.get(ng);
    if (r) correct[n] += Math.min(c, r);
  }
  return { sysLen: hypTokens.length, refLen: closestRefLen(hypTokens.length, refLens), correct, total };
}

function ngrams(tokens: string[], maxOrder: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let n = 1; n <= maxOrder; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      // \u0001 joins tokens: it cannot occur inside a whitespace-split token of real text.
      const ng = tokens.slice(i, i + n).join('\u0001');
      out.set(ng, (out.get(ng) ?? 0) + 1);
    }
  }
  return out;
}

/** Closest reference length; ties go to the shorter reference (sacreBLEU). */
function closestRefLen(hypLen: number, refLens: number[]): number {
  let bestDiff = -1;
  let best = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff) {
      bestDiff = diff;
      best = len;
    } else if (diff === bestDiff && len < best) {
      best = len;
    }
  }
  return best;
}

function splitWords(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

/** sacreBLEU's my_log: log(0) is floored to a huge negative number instead of -Infinity. */
function flooredLog(x: number): number {
  return x === 0 ? -9999999999 : Math.log(x);
}
