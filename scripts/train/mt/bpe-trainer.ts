/**
 * Learns the shared BPE vocabulary (server/stages/mt/neural/subword.ts) from training text.
 * npm has BPE *encoders* (gpt-3-encoder, @huggingface/tokenizers 0.2 loads pretrained files)
 * but no trainer, and the corpus is small (a few thousand distinct words), so the classic
 * Sennrich et al. (2016) loop over word counts is written here: count adjacent pairs, merge the
 * most frequent, update only the words that contain it.
 */
import { preTokenize, type SubwordSpec, specialTokens } from '../../../server/stages/mt/neural/subword.ts';

export interface BpeTrainOptions {
  /** Target vocabulary size (specials + characters + merges). */
  vocabSize: number;
  languages: string[];
  /** Pairs seen fewer times than this are not merged (default 2). */
  minFrequency?: number;
}

export function trainBpe(texts: Iterable<string>, opts: BpeTrainOptions): SubwordSpec {
  const wordCounts = new Map<string, number>();
  for (const text of texts)
    for (const p of preTokenize(text)) {
      if (!p.special) wordCounts.set(p.piece, (wordCounts.get(p.piece) ?? 0) + 1);
    }
  const specials = specialTokens(opts.languages);
  const chars = new Set<string>();
  for (const w of wordCounts.keys()) for (const c of w) chars.add(c);
  const tokens = [...specials, ...[...chars].sort()];
  const words = [...wordCounts].map(([w, count]) => ({ parts: [...w], count }));
  const merges: string[] = [];
  const minFrequency = opts.minFrequency ?? 2;

  const pairCounts = new Map<string, number>();
  const where = new Map<string, Set<number>>();
  const addPairs = (wi: number, sign: number) => {
    const { parts, count } = words[wi];
    for (let i = 0; i + 1 < parts.length; i++) {
      const key = `${parts[i]} ${parts[i + 1]}`;
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * count);
      if (sign > 0) {
        let s = where.get(key);
        if (!s) where.set(key, (s = new Set()));
        s.add(wi);
      }
    }
  };
  words.forEach((_, wi) => {
    addPairs(wi, 1);
  });

  const seen = new Set(tokens);
  while (tokens.length < opts.vocabSize) {
    let best = '';
    let bestCount = 0;
    for (const [key, c] of pairCounts) {
      // Ties broken by the key so the result does not depend on Map insertion history.
      if (c > bestCount || (c === bestCount && c > 0 && key < best)) {
        best = key;
        bestCount = c;
      }
    }
    if (!best || bestCount < minFrequency) break;
    const [left, right] = best.split(' ');
    const merged = left + right;
    merges.push(best);
    if (!seen.has(merged)) {
      seen.add(merged);
      tokens.push(merged);
    }
    for (const wi of where.get(best) ?? []) {
      addPairs(wi, -1);
      const parts = words[wi].parts;
      const next: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === left && parts[i + 1] === right) {
          next.push(merged);
          i++;
        } else next.push(parts[i]);
      }
      words[wi].parts = next;
      addPairs(wi, 1);
    }
    pairCounts.delete(best);
    where.delete(best);
  }
  return { kind: 'bpe', tokens, merges, languages: [...opts.languages] };
}
