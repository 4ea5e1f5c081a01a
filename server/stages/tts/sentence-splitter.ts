/**
 * Sentence and clause splitting for streaming synthesis. The first sentence is also cut at
 * clause punctuation so its first words can be synthesized while the rest is still queued.
 * Knows abbreviations ("Dr." never ends a sentence), decimals ("3.5", "12,50") and Spanish
 * inverted marks (¿…? ¡…!).
 */
import type { Lang } from '../../text/number-words.ts';
import { ABBREVIATIONS } from './abbreviations.ts';

const CLOSERS = new Set(['"', "'", ')', ']', '»', '”', '’']);
const TERMINATORS = new Set(['.', '!', '?', '…']);

function nonFinalAbbreviations(lang: Lang): string[] {
  return ABBREVIATIONS[lang].filter((a) => !a.canEndSentence).map((a) => a.written.toLowerCase());
}

/** True when the '.' at `i` closes an abbreviation that cannot end a sentence, or an initial ("J."). */
function isAbbreviationDot(text: string, i: number, abbrevs: string[]): boolean {
  const before = text.slice(0, i + 1).toLowerCase();
  for (const a of abbrevs) {
    if (before.endsWith(a)) {
      const prev = before[before.length - a.length - 1];
      if (prev === undefined || !/[\p{L}]/u.test(prev)) return true;
    }
  }
  // A lone capital initial: "J. R. Smith".
  return /(^|[^\p{L}])\p{Lu}\.$/u.test(text.slice(Math.max(0, i - 2), i + 1));
}

/**
 * End offsets (exclusive) of complete sentences in `text`. A boundary needs the terminator to
 * be followed by whitespace and a plausible sentence start, or by the end of the text when
 * `final` is set.
 */
export function sentenceBoundaries(text: string, lang: Lang, final = true): number[] {
  const abbrevs = nonFinalAbbreviations(lang);
  const ends: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!TERMINATORS.has(c)) continue;
    if (c === '.' && /\d/.test(text[i - 1] ?? '') && /\d/.test(text[i + 1] ?? '')) continue; // 3.5
    if (c === '.' && isAbbreviationDot(text, i, abbrevs)) continue;
    let end = i + 1;
    while (end < text.length && (TERMINATORS.has(text[end]) || CLOSERS.has(text[end]))) end++;
    const rest = text.slice(end);
    if (rest.length === 0) {
      if (final) ends.push(end);
      break;
    }
    // Next sentence must start after whitespace with a capital, digit, quote or inverted mark.
    if (/^\s+[\p{Lu}\d¿¡"'«(“]/u.test(rest)) ends.push(end);
    else if (/^\s*$/.test(rest) && final) ends.push(end);
    i = end - 1;
  }
  return ends;
}

export function splitSentences(text: string, lang: Lang): string[] {
  const out: string[] = [];
  let start = 0;
  for (const end of sentenceBoundaries(text, lang)) {
    const s = text.slice(start, end).trim();
    if (s) out.push(s);
    start = end;
  }
  const tail = text.slice(start).trim();
  if (tail) out.push(tail);
  return out;
}

/**
 * Cuts a sentence at , ; : and dashes followed by a space (never inside "12,50"), merging
 * pieces shorter than `minChars` into their neighbour so no chunk is a lone word.
 */
export function splitClauses(sentence: string, minChars = 12): string[] {
  const pieces: string[] = [];
  let start = 0;
  const re = /[,;:\u2013\u2014](?=\s)/g;
  for (let m = re.exec(sentence); m; m = re.exec(sentence)) {
    pieces.push(sentence.slice(start, m.index + 1).trim());
    start = m.index + 1;
  }
  pieces.push(sentence.slice(start).trim());
  const merged: string[] = [];
  for (const p of pieces.filter(Boolean)) {
    const last = merged.length - 1;
    if (last >= 0 && merged[last].length < minChars) merged[last] = `${merged[last]} ${p}`;
    else merged.push(p);
  }
  // A short tail joins the clause before it.
  if (merged.length > 1 && merged[merged.length - 1].length < minChars) {
    const tail = merged.pop()!;
    merged[merged.length - 1] = `${merged[merged.length - 1]} ${tail}`;
  }
  return merged;
}

export interface ChunkOptions {
  /** Clauses shorter than this merge with a neighbour. */
  minClauseChars?: number;
  /** Later sentences longer than this are also cut at clauses. */
  maxChunkChars?: number;
}

/**
 * Synthesis chunks for a text: the first sentence cut into clauses (first audio sooner),
 * later sentences whole unless longer than `maxChunkChars`.
 */
export function chunkForSynthesis(text: string, lang: Lang, opts: ChunkOptions = {}): string[] {
  const minClauseChars = opts.minClauseChars ?? 12;
  const maxChunkChars = opts.maxChunkChars ?? 120;
  const chunks: string[] = [];
  splitSentences(text, lang).forEach((s, i) => {
    if (i === 0 || s.length > maxChunkChars) chunks.push(...splitClauses(s, minClauseChars));
    else chunks.push(s);
  });
  return chunks;
}

/** Splits text that arrives in pieces (streamed MT output): complete sentences come out as soon as they are known. */
export class IncrementalSentenceSplitter {
  private buffer = '';

  constructor(private readonly lang: Lang) {}

  push(textDelta: string): string[] {
    this.buffer += textDelta;
    const ends = sentenceBoundaries(this.buffer, this.lang, false);
    if (ends.length === 0) return [];
    const last = ends[ends.length - 1];
    const done = splitSentences(this.buffer.slice(0, last), this.lang);
    this.buffer = this.buffer.slice(last);
    return done;
  }

  flush(): string[] {
    const rest = splitSentences(this.buffer, this.lang);
    this.buffer = '';
    return rest;
  }
}
