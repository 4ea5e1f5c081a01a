/**
 * Word and character error rates via Levenshtein alignment with substitution, deletion and
 * insertion counts, on text normalized exactly as ASR targets are (vocabulary.ts). Corpus
 * rates are total errors over total reference units (not a mean of per-utterance rates), and
 * the same aggregation is broken down per group (accent, SNR bucket, …).
 */
import { type AsrLanguage, normalizeText } from '../../../server/stages/asr/vocabulary.ts';

export interface EditCounts {
  substitutions: number;
  deletions: number;
  insertions: number;
  hits: number;
  /** Reference length (hits + substitutions + deletions). */
  refLength: number;
}

export function emptyCounts(): EditCounts {
  return { substitutions: 0, deletions: 0, insertions: 0, hits: 0, refLength: 0 };
}

/** Minimum-edit alignment counts; ties prefer hits/substitutions, then deletions, as sclite. */
export function editCounts<T>(ref: readonly T[], hyp: readonly T[]): EditCounts {
  const n = ref.length;
  const m = hyp.length;
  // cost[j] and op counts for the previous and current rows, kept as parallel arrays.
  type Cell = { cost: number; s: number; d: number; i: number };
  let prev: Cell[] = Array.from({ length: m + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let r = 1; r <= n; r++) {
    const cur: Cell[] = [{ cost: r, s: 0, d: r, i: 0 }];
    for (let j = 1; j <= m; j++) {
      const same = ref[r - 1] === hyp[j - 1];
      const diag = prev[j - 1];
      const up = prev[j];
      const left = cur[j - 1];
      const diagCost = diag.cost + (same ? 0 : 1);
      const delCost = up.cost + 1;
      const insCost = left.cost + 1;
      if (diagCost <= delCost && diagCost <= insCost) {
        cur.push({ cost: diagCost, s: diag.s + (same ? 0 : 1), d: diag.d, i: diag.i });
      } else if (delCost <= insCost) {
        cur.push({ cost: delCost, s: up.s, d: up.d + 1, i: up.i });
      } else {
        cur.push({ cost: insCost, s: left.s, d: left.d, i: left.i + 1 });
      }
    }
    prev = cur;
  }
  const last = prev[m];
  return {
    substitutions: last.s,
    deletions: last.d,
    insertions: last.i,
    hits: n - last.s - last.d,
    refLength: n,
  };
}

export function errorRate(c: EditCounts): number {
  const errors = c.substitutions + c.deletions + c.insertions;
  if (c.refLength === 0) return errors === 0 ? 0 : 1;
  return errors / c.refLength;
}

export function addCounts(a: EditCounts, b: EditCounts): EditCounts {
  return {
    substitutions: a.substitutions + b.substitutions,
    deletions: a.deletions + b.deletions,
    insertions: a.insertions + b.insertions,
    hits: a.hits + b.hits,
    refLength: a.refLength + b.refLength,
  };
}

export function wordCounts(ref: string, hyp: string, lang: AsrLanguage = 'en'): EditCounts {
  const split = (s: string) => {
    const n = normalizeText(s, lang);
    return n.length > 0 ? n.split(' ') : [];
  };
  return editCounts(split(ref), split(hyp));
}

/** Characters of the normalized text, spaces included (as jiwer's CER). */
export function charCounts(ref: string, hyp: string, lang: AsrLanguage = 'en'): EditCounts {
  return editCounts([...normalizeText(ref, lang)], [...normalizeText(hyp, lang)]);
}

export function wer(ref: string, hyp: string, lang: AsrLanguage = 'en'): number {
  return errorRate(wordCounts(ref, hyp, lang));
}

export function cer(ref: string, hyp: string, lang: AsrLanguage = 'en'): number {
  return errorRate(charCounts(ref, hyp, lang));
}

export interface ScoredUtterance {
  ref: string;
  hyp: string;
  /** Group name → value, e.g. { accent: 'scottish', snr: snrBucket(10) }. */
  groups?: Record<string, string>;
}

export interface ErrorSummary {
  utterances: number;
  wer: number;
  cer: number;
  words: EditCounts;
  chars: EditCounts;
}

export interface CorpusScore extends ErrorSummary {
  /** group name → group value → summary of the utterances in it. */
  byGroup: Record<string, Record<string, ErrorSummary>>;
}

class Accumulator {
  utterances = 0;
  words = emptyCounts();
  chars = emptyCounts();
  add(w: EditCounts, c: EditCounts): void {
    this.utterances++;
    this.words = addCounts(this.words, w);
    this.chars = addCounts(this.chars, c);
  }
  summary(): ErrorSummary {
    return {
      utterances: this.utterances,
      wer: errorRate(this.words),
      cer: errorRate(this.chars),
      words: this.words,
      chars: this.chars,
    };
  }
}

export function scoreCorpus(items: Iterable<ScoredUtterance>, lang: AsrLanguage = 'en'): CorpusScore {
  const all = new Accumulator();
  const groups = new Map<string, Map<string, Accumulator>>();
  for (const item of items) {
    const w = wordCounts(item.ref, item.hyp, lang);
    const c = charCounts(item.ref, item.hyp, lang);
    all.add(w, c);
    for (const [name, value] of Object.entries(item.groups ?? {})) {
      let byValue = groups.get(name);
      if (!byValue) groups.set(name, (byValue = new Map()));
      let acc = byValue.get(value);
      if (!acc) byValue.set(value, (acc = new Accumulator()));
      acc.add(w, c);
    }
  }
  const byGroup: CorpusScore['byGroup'] = {};
  for (const [name, byValue] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    byGroup[name] = Object.fromEntries(
      [...byValue].sort((a, b) => a[0].localeCompare(b[0])).map(([v, acc]) => [v, acc.summary()]),
    );
  }
  return { ...all.summary(), byGroup };
}

/** SNR buckets used in reports; clean audio (no noise added) has no snr_db. */
export function snrBucket(snrDb: number | null | undefined): string {
  if (snrDb === null || snrDb === undefined || !Number.isFinite(snrDb)) return 'clean';
  if (snrDb >= 20) return 'snr>=20';
  if (snrDb >= 10) return 'snr10-20';
  if (snrDb >= 0) return 'snr0-10';
  return 'snr<0';
}
