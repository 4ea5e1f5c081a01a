/**
 * Hotwords from a customer's text: words the customer says often that the general domain text
 * rarely or never has (their product names, street names, jargon). These are what an n-gram LM
 * built mostly from general text under-rates and a per-session boost helps most with.
 */
import { tokenizeLines } from '../../../server/stages/asr/lm-builder.ts';
import type { AsrLanguage } from '../../../server/stages/asr/vocabulary.ts';

export interface HotwordOptions {
  /** At most this many words (default 30). */
  max?: number;
  /** Seen at least this often in the customer text (default 2). */
  minCount?: number;
  /** Relative frequency at least this many times the general text's (default 5). */
  minRatio?: number;
  /** Shorter words (articles, "to") are never hotwords (default 3 letters). */
  minLength?: number;
}

export interface Hotword {
  word: string;
  count: number;
  /** Customer relative frequency over the general one (add-one smoothed). */
  ratio: number;
}

function counts(sentences: string[][]): { map: Map<string, number>; total: number } {
  const map = new Map<string, number>();
  let total = 0;
  for (const s of sentences)
    for (const w of s) {
      map.set(w, (map.get(w) ?? 0) + 1);
      total++;
    }
  return { map, total };
}

export function extractHotwords(
  customer: readonly string[],
  general: readonly string[],
  lang: AsrLanguage,
  o: HotwordOptions = {},
): Hotword[] {
  const cust = counts(tokenizeLines(customer, lang));
  const gen = counts(tokenizeLines(general, lang));
  const minCount = o.minCount ?? 2;
  const minRatio = o.minRatio ?? 5;
  const minLength = o.minLength ?? 3;
  const out: Hotword[] = [];
  for (const [word, count] of cust.map) {
    if (count < minCount || [...word].length < minLength) continue;
    const ratio = count / cust.total / (((gen.map.get(word) ?? 0) + 1) / (gen.total + 1));
    if (ratio >= minRatio) out.push({ word, count, ratio: Number(ratio.toFixed(2)) });
  }
  // Frequent and distinctive first: count weighted by how much rarer the word is in general text.
  return out
    .sort((a, b) => b.count * Math.log(b.ratio) - a.count * Math.log(a.ratio) || a.word.localeCompare(b.word))
    .slice(0, o.max ?? 30);
}
